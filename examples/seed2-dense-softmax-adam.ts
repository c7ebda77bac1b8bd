// Seed 2 (the Keras / GradientTape article): Dense(10, relu) on 784 inputs, Dense(10, softmax),
// categorical cross-entropy against one-hot labels, Adam. Keras applies softmax in the last layer
// and takes the cross-entropy of probabilities; CrossEntropyLoss on logits with probability targets
// is the same function, computed stably. Keras's Adam epsilon is 1e-7.
// Run: npx tsx examples/seed2-dense-softmax-adam.ts
import { manualSeed, nn, optim, rand, Tensor, zeros } from '../lib/index';

export function denseModel(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(784, 10), new nn.ReLU(), new nn.Linear(10, 10));
}

/** One GradientTape-style step: forward, loss, gradients, apply. Returns the loss. */
export function trainStep(model: nn.Module, opt: optim.Optimizer, images: Tensor, onehot: Tensor): number {
  const loss = new nn.CrossEntropyLoss().forward(model.forward(images), onehot);
  opt.zeroGrad();
  loss.backward();
  opt.step();
  return loss.item();
}

export function makeAdam(model: nn.Module, lr = 1e-3): optim.Adam {
  return new optim.Adam(model.parameters(), { lr, eps: 1e-7 });
}

function main(): void {
  manualSeed(0);
  // A batch of 32 random "images" with random one-hot labels (the article trains on MNIST batches).
  const images = rand([32, 784]);
  const onehot = zeros([32, 10]);
  for (let i = 0; i < 32; i++) onehot.data[i * 10 + (i % 10)] = 1;
  const model = denseModel();
  const opt = makeAdam(model);
  for (let step = 0; step < 5; step++) console.log(`step ${step + 1}: loss ${trainStep(model, opt, images, onehot).toFixed(6)}`);
}

if (typeof module !== 'undefined' && require.main === module) main();
