// Seed 1 (the NumPy article): a 2-4-1 sigmoid MLP trained with mean binary cross-entropy and plain
// full-batch gradient descent. The article derives the gradients by hand; here autograd does it,
// and the same mathematics comes out (dZ2 = A2 - Y is the BCE-through-sigmoid gradient).
// Run: npx tsx examples/seed1-numpy-mlp.ts
import { manualSeed, nn, optim, rand, randn, Tensor, tensor, zeros } from '../lib/index';

export interface MlpWeights { W1: Tensor; b1: Tensor; W2: Tensor; b2: Tensor }

/** Builds the 2-4-1 network with the given weights (PyTorch layout: W1 [4,2], W2 [1,4]). */
export function sigmoidMlp(w: MlpWeights): nn.Sequential {
  const model = new nn.Sequential(new nn.Linear(2, 4), new nn.Sigmoid(), new nn.Linear(4, 1), new nn.Sigmoid());
  model.loadStateDict({ '0.weight': w.W1, '0.bias': w.b1, '2.weight': w.W2, '2.bias': w.b2 });
  return model;
}

/** Full-batch gradient descent; returns the loss before each step. */
export function train(model: nn.Sequential, X: Tensor, y: Tensor, lr: number, steps: number, log?: (i: number, loss: number) => void): number[] {
  const lossFn = new nn.BCELoss();
  const opt = new optim.SGD(model.parameters(), { lr });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = lossFn.forward(model.forward(X), y);
    losses.push(loss.item());
    log?.(i, loss.item());
    opt.zeroGrad();
    loss.backward();
    opt.step();
  }
  return losses;
}

function main(): void {
  // The article's setup: 100 points in [0,1)^2, label x0 + x1 > 1, weights ~ N(0, 0.01^2), zero biases.
  manualSeed(42);
  const X = rand([100, 2]);
  const labels = Array.from({ length: 100 }, (_, i) => (X.data[2 * i] + X.data[2 * i + 1] > 1 ? 1 : 0));
  const y = tensor(labels, { shape: [100, 1] });
  const model = sigmoidMlp({ W1: randn([4, 2]).mul(0.01), b1: zeros([4]), W2: randn([1, 4]).mul(0.01), b2: zeros([1]) });
  train(model, X, y, 0.01, 1000, (i, loss) => {
    if (i % 100 === 0) console.log(`Iteration ${i}, Loss: ${loss}`);
  });
}

if (typeof module !== 'undefined' && require.main === module) main();
