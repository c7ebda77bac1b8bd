// Seed 5 (the worked example): a 2-2-1 sigmoid network, loss E = 1/2 (t - o)^2, one gradient step
// with lr 0.5, printing every intermediate value. The article rounds by hand as it goes (h2 ~ 0.598,
// o ~ 0.751); these are the exact values (h2 = sigmoid(0.39) = 0.596283), so later digits differ.
// Run: npx tsx examples/seed5-worked-example.ts
import { nn, optim, sigmoid, Tensor, tensor } from '../lib/index';

export interface WorkedInputs { x: Tensor; W1: Tensor; b1: Tensor; W2: Tensor; b2: Tensor; t: Tensor; lr: number }

export interface WorkedResult {
  h: Tensor; o: Tensor; E: number;
  dW1: Tensor; db1: Tensor; dW2: Tensor; db2: Tensor;
  W1: Tensor; b1: Tensor; W2: Tensor; b2: Tensor;
}

export function workedStep(inp: WorkedInputs): WorkedResult {
  const fc1 = new nn.Linear(2, 2);
  const fc2 = new nn.Linear(2, 1);
  fc1.loadStateDict({ weight: inp.W1, bias: inp.b1 });
  fc2.loadStateDict({ weight: inp.W2, bias: inp.b2 });
  const h = sigmoid(fc1.forward(inp.x)).retainGrad();
  const o = sigmoid(fc2.forward(h));
  const diff = inp.t.sub(o);
  const E = diff.mul(diff).sum().mul(0.5);
  E.backward();
  const g = (p: Tensor) => (p.grad as Tensor).detach().mul(1);
  const res = {
    h, o, E: E.item(),
    dW1: g(fc1.weight), db1: g(fc1.bias as Tensor), dW2: g(fc2.weight), db2: g(fc2.bias as Tensor),
  };
  new optim.SGD([...fc1.parameters(), ...fc2.parameters()], { lr: inp.lr }).step();
  return { ...res, W1: fc1.weight, b1: fc1.bias as Tensor, W2: fc2.weight, b2: fc2.bias as Tensor };
}

function show(name: string, t: Tensor | number): void {
  const v = typeof t === 'number' ? t.toFixed(9) : JSON.stringify(t.toArray(), (_k, x) => (typeof x === 'number' ? Number(x.toFixed(9)) : x));
  console.log(`${name.padEnd(8)} ${v}`);
}

function main(): void {
  const r = workedStep({
    x: tensor([[0.05, 0.1]]), W1: tensor([[0.15, 0.25], [0.2, 0.3]]), b1: tensor([0.35, 0.35]),
    W2: tensor([[0.4, 0.45]]), b2: tensor([0.6]), t: tensor([[0.01]]), lr: 0.5,
  });
  console.log('forward');
  show('h', r.h); show('o', r.o); show('E', r.E);
  console.log('backward');
  show('dE/dW2', r.dW2); show('dE/db2', r.db2); show('dE/dW1', r.dW1); show('dE/db1', r.db1);
  console.log('after one step (lr 0.5)');
  show('W2', r.W2); show('b2', r.b2); show('W1', r.W1); show('b1', r.b1);
}

if (typeof module !== 'undefined' && require.main === module) main();
