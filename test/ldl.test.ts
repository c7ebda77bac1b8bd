// linalg.ldlFactor, ldlFactorEx and ldlSolve (lib/ops/ldl.ts) against torch 1.13: the packed factors
// and pivots (1 x 1 and 2 x 2 blocks, sizes 1 to 65, a batch, a singular D) and solutions (against
// torch's float64 solve of the matrix ldl reads); ldlSolve's
// gradient in B against torch.linalg.solve's (torch's ldl_solve has none); broadcast batch dims against
// matrix-by-matrix solves (torch 1.13's own broadcast ldl_solve crashes); then errors by name.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { values } from './helpers/torch_calls';

const L = bp.linalg;

/** A symmetric n x n matrix (a batch when `batch`) from deterministic values; indefinite, so 2 x 2 blocks come. */
function symmetric(n: number, seed: number, batch: number[] = []): bp.Tensor {
  const a = bp.tensor(values(batch.reduce((p, d) => p * d, 1) * n * n, seed), { shape: [...batch, n, n] });
  return a.add(a.mT).mul(0.5);
}

const FACTOR = `
import json, sys, torch
out = []
for c in json.load(sys.stdin):
    a = torch.tensor(c["a"], dtype=torch.float32).reshape(c["shape"])
    LD, piv, info = torch.linalg.ldl_factor_ex(a)
    r = {"LD": LD.reshape(-1).tolist(), "pivots": piv.reshape(-1).tolist(), "info": info.reshape(-1).tolist()}
    if "b" in c and info.eq(0).all():
        # The solution and its gradient in float64 from the float32 inputs (the golden files' rule): torch's
        # float32 ldl_solve moves with the host's OpenBLAS kernels, and for case 8 (64 x 64, condition 1.7e3)
        # it was 8e-3 off the exact solution on a Zen 5 host, ours 3e-5.
        b = torch.tensor(c["b"], dtype=torch.float32).reshape(c["bshape"]).double()
        m = (a.tril() + a.tril(-1).mT).double()  # the matrix ldl reads
        r["x"] = torch.linalg.solve(m, b).reshape(-1).tolist()
        bg = b.clone().requires_grad_(); y = torch.linalg.solve(m, bg)
        (y * torch.arange(y.numel()).reshape(y.shape).remainder(5).sub(2)).sum().backward()
        r["gb"] = bg.grad.reshape(-1).tolist()
    out.append(r)
print(json.dumps(out))
`;

interface Factored { LD: number[]; pivots: number[]; info: number[]; x?: number[]; gb?: number[] }

const near = (ours: ArrayLike<number>, theirs: number[], what: string, tol = 2e-5) => {
  expect(ours.length, what).toBe(theirs.length);
  theirs.forEach((v, i) => expect(Math.abs(ours[i] - v), `${what}[${i}]: ${ours[i]} vs ${v}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v))));
};

describe('ldlFactor and ldlSolve against torch 1.13', () => {
  const cases: { a: bp.Tensor; b?: bp.Tensor }[] = [
    ...[1, 2, 3, 7, 8, 9, 20, 63, 64, 65].map((n, i) => ({ a: symmetric(n, 700 + i), b: bp.tensor(values(n * 2, 800 + i), { shape: [n, 2] }) })),
    // Lower triangle alone read: an unsymmetric input; a zero diagonal (a 2 x 2 block at once).
    { a: bp.tensor([[1, 2], [3, 4]]), b: bp.tensor([[1], [2]]) },
    { a: bp.tensor([[0, 1, 2], [1, 0, 3], [2, 3, 0]]), b: bp.tensor([[1, 0], [2, 1], [3, -1]]) },
    { a: symmetric(5, 900, [2, 3]), b: bp.tensor(values(2 * 3 * 5 * 3, 901), { shape: [2, 3, 5, 3] }) },
    // D singular: info, factors finished.
    { a: bp.tensor([[1, 0, 0], [0, 0, 0], [0, 0, 1]]) },
    { a: bp.zeros([2, 2]) },
  ];
  it.skipIf(!haveTorch)('gives torch\'s factors, pivots, infos, solutions, and solve\'s gradient in B', () => {
    const theirs = torchJson<Factored[]>(FACTOR, JSON.stringify(cases.map((c) => ({ a: Array.from(c.a.data), shape: c.a.shape, ...(c.b ? { b: Array.from(c.b.data), bshape: c.b.shape } : {}) }))));
    cases.forEach((c, k) => {
      const what = `case ${k} (${c.a.shape.join('x')})`;
      const r = L.ldlFactorEx(c.a);
      expect([...r.pivots.data], `${what} pivots`).toEqual(theirs[k].pivots);
      expect([...r.info.data], `${what} info`).toEqual(theirs[k].info);
      near(r.LD.data, theirs[k].LD, `${what} LD`, c.a.shape[c.a.ndim - 1] > 20 ? 2e-4 : 2e-5);
      if (!c.b || theirs[k].x === undefined) return;
      const b = c.b.clone().requiresGrad_();
      const { LD, pivots } = L.ldlFactor(c.a);
      const x = L.ldlSolve(LD, pivots, b);
      near(x.data, theirs[k].x!, `${what} x`, 2e-4);
      x.mul(bp.arange(0, x.size).remainder(5).sub(2).reshape([...x.shape])).sum().backward();
      near(b.grad!.data, theirs[k].gb!, `${what} grad B`, 2e-4);
    });
  });
});
noteIfNoTorch('the comparison of ldlFactor and ldlSolve with torch');

describe('ldlSolve', () => {
  it('broadcasts batch dims as solve does, matrix by matrix the same', () => {
    const a = symmetric(4, 950, [2]);
    const { LD, pivots } = L.ldlFactor(a);
    const b = bp.tensor(values(3 * 4 * 2, 951), { shape: [3, 1, 4, 2] });
    const x = L.ldlSolve(LD, pivots, b, { hermitian: true });
    expect(x.shape).toEqual([3, 2, 4, 2]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        const one = L.ldlSolve(LD.select(0, j), pivots.select(0, j), b.select(0, i).select(0, 0));
        expect([...x.select(0, i).select(0, j).data]).toEqual([...one.data]);
        near(one.data, [...L.solve(a.select(0, j), b.select(0, i).select(0, 0)).data], 'against solve', 1e-4);
      }
    }
  });

  it('has a second derivative in B through createGraph', () => {
    const a = symmetric(3, 960);
    const { LD, pivots } = L.ldlFactor(a);
    const b = bp.tensor(values(3, 961), { shape: [3, 1], requiresGrad: true });
    const y = L.ldlSolve(LD, pivots, b).square().sum();
    const [g] = bp.autograd.grad([y], [b], { createGraph: true });
    const [h] = bp.autograd.grad([g!.sum()], [b]);
    // y = x^T x with x = A^-1 b: g = 2 A^-2 b, the gradient of sum(g) is 2 A^-2 1.
    const ainv = L.inv(a);
    near(h!.data, [...ainv.matmul(ainv).matmul(bp.ones([3, 1])).mul(2).data], 'second derivative', 1e-4);
  });
});

it('names the function and the bad argument', () => {
  expect(() => L.ldlFactor(bp.tensor([[1, 0], [0, 0]]))).toThrow("ldlFactor: the input matrix is singular: D's diagonal entry 2 of its LDL^T factorization is zero");
  expect(() => L.ldlFactorEx(bp.zeros([2, 2, 2]), { checkErrors: true })).toThrow('ldlFactorEx: the input matrix is singular (the matrix at batch index [0])');
  expect(() => L.ldlFactor(bp.randn([2, 3]))).toThrow('ldlFactor: A must be a square matrix or a batch of them (shape [..., n, n]), got shape [2, 3]');
  expect(() => L.ldlFactor(bp.randn([2, 2], { requiresGrad: true }))).toThrow("ldlFactor: A requires a gradient, but ldlFactor has no derivative in it (nor has torch's); pass A.detach()");
  expect(() => L.ldlFactor(bp.eye(2), { upper: true } as never)).toThrow('upper');
  const { LD, pivots } = L.ldlFactor(bp.tensor([[0, 1, 2], [1, 0, 3], [2, 3, 0]]));
  expect(() => L.ldlSolve(LD, pivots, bp.ones([2, 1]))).toThrow('ldlSolve: B must be [..., 3, k] for LD of shape [3, 3], got shape [2, 1]');
  expect(() => L.ldlSolve(LD, pivots, bp.ones([3]))).toThrow('ldlSolve: B must be [..., 3, k] for LD of shape [3, 3], got shape [3]');
  expect(() => L.ldlSolve(LD, bp.tensor([1, 2]), bp.ones([3, 1]))).toThrow('ldlSolve: pivots must be [..., 3] with LD\'s batch dims for LD of shape [3, 3], got shape [2]');
  expect(() => L.ldlSolve(LD, bp.tensor([-3, 2, 3]), bp.ones([3, 1]))).toThrow('ldlSolve: pivots[0] = -3 is not one that ldlFactor makes');
  expect(() => L.ldlSolve(LD, bp.tensor([1, 1, 3]), bp.ones([3, 1]))).toThrow('ldlSolve: pivots[1] = 1 is not one that ldlFactor makes');
  expect(() => L.ldlSolve(LD.requiresGrad_(), pivots, bp.ones([3, 1]))).toThrow('ldlSolve: LD requires a gradient');
  expect(() => L.ldlSolve(LD.detach(), pivots, bp.ones([3, 1]), { hermitian: 1 } as never)).toThrow('hermitian');
  const batched = L.ldlFactor(symmetric(3, 990, [2]));
  expect(() => L.ldlSolve(batched.LD, batched.pivots, bp.ones([3, 3, 1]))).toThrow('ldlSolve: the batch dims of LD [2, 3, 3] and B [3, 3, 1] do not broadcast');
});
