// clipGradNorm of every norm order torch's clip_grad_norm_ takes, against torch 1.13 when it is
// here; errorIfNonfinite and bad orders everywhere.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { randomArray, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const ORDERS = [0.5, 1, 2, 3, Infinity];
const SHAPES = [[3, 4], [5], [2, 2, 2]];

function grads(): Float32Array[] {
  const r = rng(12);
  return SHAPES.map((s) => randomArray(s.reduce((a, b) => a * b, 1), r, -2, 2));
}

function clipped(order: number, maxNorm: number): { norm: number; grads: number[][] } {
  const ps = grads().map((g, i) => {
    const p = bp.zeros(SHAPES[i], { requiresGrad: true });
    p.grad = bp.tensor(g, { shape: SHAPES[i] });
    return p;
  });
  const norm = bp.clipGradNorm(ps, maxNorm, order);
  return { norm, grads: ps.map((p) => Array.from(p.grad!.data)) };
}

let torchAnswers: Array<{ norm: number; grads: number[][] }> | null = null;
function torchAnswer(k: number): { norm: number; grads: number[][] } {
  if (!torchAnswers) {
    const py = `
import torch, json, sys
c = json.loads(sys.stdin.read())
out = []
for order in c["orders"]:
    ps = []
    for g, s in zip(c["grads"], c["shapes"]):
        p = torch.zeros(s, requires_grad=True); p.grad = torch.tensor(g, dtype=torch.float32).reshape(s); ps.append(p)
    n = torch.nn.utils.clip_grad_norm_(ps, 1.5, norm_type=float(order))
    out.append({"norm": float(n), "grads": [p.grad.reshape(-1).tolist() for p in ps]})
print(json.dumps(out))`;
    const input = JSON.stringify({ orders: ORDERS.map((o) => (o === Infinity ? 'inf' : o)), grads: grads().map((g) => Array.from(g)), shapes: SHAPES });
    torchAnswers = torchJson<Array<{ norm: number; grads: number[][] }>>(py, input);
  }
  return torchAnswers[k];
}

noteIfNoTorch('the comparison of clipGradNorm with torch.nn.utils.clip_grad_norm_');
eachBackend('clipGradNorm', () => {
  ORDERS.forEach((order, k) => {
    it.runIf(haveTorch)(`order ${order} as torch`, () => {
      const theirs = torchAnswer(k);
      const ours = clipped(order, 1.5);
      expect(Math.abs(ours.norm - theirs.norm)).toBeLessThanOrEqual(2e-6 * theirs.norm);
      ours.grads.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - theirs.grads[i][j]), `grad ${i}[${j}]`).toBeLessThanOrEqual(2e-6)));
    });
  });

  it('the infinity norm is the largest magnitude; errorIfNonfinite; bad orders are named', () => {
    const big = grads().reduce((m, g) => g.reduce((a, v) => Math.max(a, Math.abs(v)), m), 0);
    expect(clipped(Infinity, 1e9).norm).toBe(big);
    const p = bp.zeros([2], { requiresGrad: true });
    p.grad = bp.tensor([1, Infinity]);
    expect(() => bp.clipGradNorm([p], 1, 2, { errorIfNonfinite: true })).toThrow(/clipGradNorm: the total norm of order 2 of the gradients is Infinity/);
    expect(bp.clipGradNorm([p], 1)).toBe(Infinity);
    expect(() => bp.clipGradNorm([p], 1, 0)).toThrow(/clipGradNorm: normType must be a positive number or Infinity, got 0/);
  });
});
