// Seed 4 (the micrograd article): y = w x + b with scalar (0-d) parameters and autograd.
// The article's hand-written backward has a sign error (dw = (y - y_pred) x, which climbs the
// loss) and keeps per-sample arrays; the gradient of 1/2 sum (y - w x - b)^2 is
// dw = -sum (y - y_pred) x, db = -sum (y - y_pred), which autograd computes here. Its learning
// rate 0.1 diverges with the correct sign on this data (the curvature sum x^2 = 55); we use 0.01.
// Run: npx tsx examples/seed4-scalar-autograd.ts
import { noGrad, tensor, Tensor } from '../lib/index';

export interface FitResult { losses: number[]; w: number; b: number }

export function fitLine(xs: number[], ys: number[], w0: number, b0: number, lr: number, epochs: number, log?: (e: number, loss: number) => void): FitResult {
  const w = tensor(w0, { requiresGrad: true });
  const b = tensor(b0, { requiresGrad: true });
  const x = tensor(xs);
  const y = tensor(ys);
  const losses: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const pred = x.mul(w).add(b);
    const diff = y.sub(pred);
    const loss = diff.mul(diff).sum().mul(0.5);
    losses.push(loss.item());
    log?.(e, loss.item());
    w.grad = null;
    b.grad = null;
    loss.backward();
    noGrad(() => {
      step(w, lr);
      step(b, lr);
    });
  }
  return { losses, w: w.item(), b: b.item() };
}

function step(p: Tensor, lr: number): void {
  p.data[0] -= lr * (p.grad as Tensor).item();
}

function main(): void {
  const { w, b } = fitLine([1, 2, 3, 4, 5], [2, 4, 6, 8, 10], Math.random(), Math.random(), 0.01, 100, (e, loss) => {
    console.log(`Epoch ${e + 1}, Loss: ${loss}`);
  });
  console.log(`Final weights: w = ${w}, b = ${b}`);
  console.log(`Model output: ${[1, 2, 3, 4, 5].map((x) => (x * w + b).toFixed(4)).join(' ')}`);
}

if (typeof module !== 'undefined' && require.main === module) main();
