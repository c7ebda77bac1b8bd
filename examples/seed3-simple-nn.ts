// Seed 3 (the PyTorch article): SimpleNN, a 2-2-1 ReLU network, MSELoss, one SGD step with
// zeroGrad / backward / step, printing the loss.
// Run: npx tsx examples/seed3-simple-nn.ts
import { nn, optim, relu, Tensor, tensor } from '../lib/index';

export class SimpleNN extends nn.Module {
  fc1 = new nn.Linear(2, 2);
  fc2 = new nn.Linear(2, 1);
  forward(x: Tensor): Tensor {
    return this.fc2.forward(relu(this.fc1.forward(x)));
  }
}

/** The article's training step; returns the output and the loss. */
export function step(model: SimpleNN, inputs: Tensor, labels: Tensor, lr = 0.01): { outputs: Tensor; loss: number } {
  const criterion = new nn.MSELoss();
  const optimizer = new optim.SGD(model.parameters(), { lr });
  const outputs = model.forward(inputs);
  const loss = criterion.forward(outputs, labels);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  return { outputs, loss: loss.item() };
}

function main(): void {
  const model = new SimpleNN();
  const inputs = tensor([[1.0, 2.0]], { requiresGrad: true });
  const labels = tensor([[1.0]]);
  const { loss } = step(model, inputs, labels);
  console.log(`Loss: ${loss}`);
}

if (typeof module !== 'undefined' && require.main === module) main();
