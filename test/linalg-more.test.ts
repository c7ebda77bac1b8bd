// lib/ops/linalg_composed.ts (vectorNorm, matrixNorm, norm, cond, matrixPower, multiDot, cross, vecdot,
// lstsq, rank-deficient too) against torch 1.13 on both backends: values and every input's gradient, and the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(4600);
const L = bp.linalg;

/** A square [..., n, n] input with `boost` added to its diagonal (well conditioned). */
function square(shape: number[], boost: number): CallInput {
  const c = x(shape, -1, 1);
  const n = shape[shape.length - 1];
  for (let m = 0; m < c.data.length / (n * n); m++) for (let i = 0; i < n; i++) c.data[m * n * n + i * n + i] = Math.fround(c.data[m * n * n + i * n + i] + boost);
  return c;
}

/** 4 x 3 of rank 2 (the third column the sum of the first two). */
const RANK_2 = [[1, 2, 3], [0, 1, 1], [2, -1, 1], [1, 1, 2]];

const CALLS: TorchCall[] = [
  { name: 'vectorNorm 2, all', inputs: { a: x([3, 4]) }, ours: (t) => L.vectorNorm(t.a), py: 'torch.linalg.vector_norm(a)' },
  { name: 'vectorNorm 3 along dim 1', inputs: { a: x([3, 4]) }, ours: (t) => L.vectorNorm(t.a, 3, 1), py: 'torch.linalg.vector_norm(a, 3, 1)' },
  { name: 'vectorNorm 0.5 over dims [0, 2], keepDim', inputs: { a: x([2, 3, 4], 0.2, 2) }, ours: (t) => L.vectorNorm(t.a, 0.5, [0, 2], true), py: 'torch.linalg.vector_norm(a, 0.5, (0, 2), True)' },
  { name: 'vectorNorm -Infinity and 1 along dim 0', inputs: { a: x([4, 3]) },
    ours: (t) => L.vectorNorm(t.a, -Infinity, 0).add(L.vectorNorm(t.a, 1, 0)), py: "torch.linalg.vector_norm(a, float('-inf'), 0) + torch.linalg.vector_norm(a, 1, 0)" },
  { name: 'vectorNorm 0 (a count)', inputs: { a: { shape: [2, 3], data: [0, 1, -2, 0, 0, 3], grad: false } }, ours: (t) => L.vectorNorm(t.a, 0, 1, true), py: 'torch.linalg.vector_norm(a, 0, 1, True)' },
  { name: 'matrixNorm fro, batch', inputs: { a: x([2, 3, 4]) }, ours: (t) => L.matrixNorm(t.a), py: 'torch.linalg.matrix_norm(a)' },
  { name: 'matrixNorm 1 and -1', inputs: { a: x([2, 3, 4]) }, ours: (t) => L.matrixNorm(t.a, 1).add(L.matrixNorm(t.a, -1)), py: 'torch.linalg.matrix_norm(a, 1) + torch.linalg.matrix_norm(a, -1)' },
  { name: 'matrixNorm Infinity, keepDim', inputs: { a: x([2, 3, 4]) }, ours: (t) => L.matrixNorm(t.a, Infinity, [-2, -1], true), py: "torch.linalg.matrix_norm(a, float('inf'), keepdim=True)" },
  { name: 'matrixNorm -Infinity over dims [0, 2]', inputs: { a: x([3, 2, 4]) }, ours: (t) => L.matrixNorm(t.a, -Infinity, [0, 2]), py: "torch.linalg.matrix_norm(a, float('-inf'), (0, 2))" },
  { name: 'norm of a matrix (fro) and of a vector along dim', inputs: { a: x([3, 4]) }, ours: (t) => L.norm(t.a, 'fro').add(L.norm(t.a, 1, 1).sum()), py: "torch.linalg.norm(a, 'fro') + torch.linalg.norm(a, 1, 1).sum()" },
  { name: 'norm with no ord (all elements)', inputs: { a: x([2, 3, 4]) }, ours: (t) => L.norm(t.a), py: 'torch.linalg.norm(a)' },
  // torch 1.13's cond has no working backward for these orders (its inverse is modified in place):
  // compared with its definition, ||A|| ||A^-1||, through torch's own norms and inverse.
  { name: 'cond 1 and Infinity', inputs: { a: square([4, 4], 2) }, ours: (t) => L.cond(t.a, 1).add(L.cond(t.a, Infinity)),
    py: "(lambda i: torch.linalg.matrix_norm(a, 1) * torch.linalg.matrix_norm(i, 1) + torch.linalg.matrix_norm(a, float('inf')) * torch.linalg.matrix_norm(i, float('inf')))(torch.linalg.inv(a))" },
  { name: 'cond fro, batch', inputs: { a: square([2, 3, 3], 2) }, ours: (t) => L.cond(t.a, 'fro'), py: 'torch.linalg.matrix_norm(a) * torch.linalg.matrix_norm(torch.linalg.inv(a))' },
  { name: 'cond values as torch.linalg.cond', inputs: { a: square([2, 3, 3], 1.5, ) }, ours: (t) => L.cond(t.a.detach(), -1), py: 'torch.linalg.cond(a.detach(), -1)' },
  { name: 'matrixPower 5', inputs: { a: x([3, 3], -0.6, 0.6) }, ours: (t) => L.matrixPower(t.a, 5), py: 'torch.linalg.matrix_power(a, 5)' },
  { name: 'matrixPower -2, batch', inputs: { a: square([2, 3, 3], 2) }, ours: (t) => L.matrixPower(t.a, -2), py: 'torch.linalg.matrix_power(a, -2)' },
  { name: 'matrixPower 0 and 1', inputs: { a: x([2, 3, 3]) }, ours: (t) => L.matrixPower(t.a, 0).add(L.matrixPower(t.a, 1)), py: 'torch.linalg.matrix_power(a, 0) + torch.linalg.matrix_power(a, 1)' },
  { name: 'multiDot of four (a vector first and last)', inputs: { a: x([5]), b: x([5, 2]), c: x([2, 7]), d: x([7]) },
    ours: (t) => L.multiDot([t.a, t.b, t.c, t.d]), py: 'torch.linalg.multi_dot([a, b, c, d])' },
  { name: 'multiDot of three matrices', inputs: { a: x([10, 3]), b: x([3, 8]), c: x([8, 2]) }, ours: (t) => L.multiDot([t.a, t.b, t.c]), py: 'torch.linalg.multi_dot([a, b, c])' },
  { name: 'cross, broadcast', inputs: { a: x([4, 3]), b: x([1, 3]) }, ours: (t) => L.cross(t.a, t.b), py: 'torch.linalg.cross(a, b)' },
  { name: 'cross along dim 0', inputs: { a: x([3, 2]), b: x([3, 2]) }, ours: (t) => L.cross(t.a, t.b, 0), py: 'torch.linalg.cross(a, b, dim=0)' },
  // torch.cross and Tensor.cross: given no dim, a's first dim of size 3 (dim 0 of a 3 x 3, where linalg.cross takes dim 1).
  { name: 'torch.cross of 3 x 3, no dim', inputs: { a: x([3, 3]), b: x([3, 3]) }, ours: (t) => bp.cross(t.a, t.b), py: 'torch.cross(a, b)' },
  { name: 'Tensor.cross, no dim, broadcast', inputs: { a: x([2, 3, 1]), b: x([1, 3, 4]) }, ours: (t) => t.a.cross(t.b), py: 'a.cross(b)' },
  { name: 'torch.cross, dim given', inputs: { a: x([3, 3]), b: x([3]) }, ours: (t) => bp.cross(t.a, t.b, -1), py: 'torch.cross(a, b.expand(3, 3), dim=-1)' },
  { name: 'vecdot', inputs: { a: x([2, 4]), b: x([4]) }, ours: (t) => L.vecdot(t.a, t.b), py: 'torch.linalg.vecdot(a, b)' },
  { name: 'lstsq tall', inputs: { a: x([6, 3]), b: x([6, 2]) }, ours: (t) => L.lstsq(t.a, t.b).solution, py: 'torch.linalg.lstsq(a, b).solution' },
  { name: 'lstsq tall, batch, 40 x 35', inputs: { a: x([2, 40, 35]), b: x([2, 40, 1]) }, ours: (t) => L.lstsq(t.a, t.b).solution, py: 'torch.linalg.lstsq(a, b).solution' },
  // Rank 2 (the third column the sum of the first two): the minimum-norm solution, torch's gradient (pinv's).
  { name: 'lstsq of a rank-deficient tall A', inputs: { a: { shape: [4, 3], data: RANK_2.flat(), grad: true }, b: x([4, 2]) },
    ours: (t) => L.lstsq(t.a, t.b).solution, py: 'torch.linalg.lstsq(a, b).solution' },
  { name: 'lstsq of a rank-deficient wide A', inputs: { a: { shape: [3, 4], data: [0, 1, 2, 3].flatMap((j) => RANK_2[j]).map((_, i, all) => all[(i % 4) * 3 + Math.floor(i / 4)]), grad: true }, b: x([3, 1]) },
    ours: (t) => L.lstsq(t.a, t.b).solution, py: 'torch.linalg.lstsq(a, b).solution' },
  // B with one dim fewer than A: vectors (torch's rule); gelsd's residuals of a vector. torch 1.13's
  // backward fails for vectors (a dim out of range, or mismatched shapes in a batch): the gradients
  // are those of its one-column form.
  { name: 'lstsq of vectors, batch', inputs: { a: x([2, 6, 3]), b: x([2, 6]) }, ours: (t) => L.lstsq(t.a, t.b).solution, py: 'torch.linalg.lstsq(a, b.unsqueeze(-1)).solution.squeeze(-1)' },
  { name: 'lstsq of vectors, values as torch\'s', inputs: { a: x([2, 6, 3], -2, 2, false), b: x([2, 6], -2, 2, false) }, ours: (t) => L.lstsq(t.a, t.b).solution, py: 'torch.linalg.lstsq(a, b).solution' },
  { name: 'lstsq gelsd of one vector', inputs: { a: x([6, 3], -2, 2, false), b: x([6], -2, 2, false) },
    ours: (t) => { const r = L.lstsq(t.a, t.b, { driver: 'gelsd' }); return bp.cat([r.solution, r.residuals, r.rank.flatten(), r.singularValues]); },
    py: "(lambda r: torch.cat([r.solution, r.residuals, r.rank.float().flatten(), r.singular_values]))(torch.linalg.lstsq(a, b, driver='gelsd'))" },
  // The driver's other outputs (not differentiable in torch): residuals, rank and singular values,
  // side by side; gelsy's rank, of a full-rank and a rank-deficient A; rcond's rank.
  ...(['gelsd', 'gelss', 'gels'] as const).map((driver): TorchCall => ({
    name: `lstsq ${driver}: residuals, rank, singular values, batch`, inputs: { a: x([2, 6, 3], -2, 2, false), b: x([2, 6, 2], -2, 2, false) },
    ours: (t) => {
      const r = L.lstsq(t.a, t.b, { driver });
      return bp.cat([r.solution.flatten(), r.residuals.flatten(), r.rank.flatten(), r.singularValues.flatten()]);
    },
    py: `(lambda r: torch.cat([r.solution.flatten(), r.residuals.flatten(), r.rank.float().flatten(), r.singular_values.flatten()]))(torch.linalg.lstsq(a, b, driver='${driver}'))`,
  })),
  { name: 'lstsq gelsy rank, full and deficient; gelsd of a deficient A (no residuals)', inputs: { a: { shape: [4, 3], data: RANK_2.flat(), grad: false }, c: x([4, 3], -2, 2, false), b: x([4, 2], -2, 2, false) },
    ours: (t) => {
      const d = L.lstsq(t.a, t.b, { driver: 'gelsd' });
      return bp.cat([L.lstsq(t.a, t.b).rank.flatten(), L.lstsq(t.c, t.b).rank.flatten(), d.residuals, d.rank.flatten(), L.lstsq(t.c, t.b, { driver: 'gelsd', rcond: 0.5 }).rank.flatten()]);
    },
    py: "torch.cat([torch.linalg.lstsq(a, b).rank.float().flatten(), torch.linalg.lstsq(c, b).rank.float().flatten(), torch.linalg.lstsq(a, b, driver='gelsd').residuals, torch.linalg.lstsq(a, b, driver='gelsd').rank.float().flatten(), torch.linalg.lstsq(c, b, driver='gelsd', rcond=0.5).rank.float().flatten()])" },
];

noteIfNoTorch('vectorNorm ... lstsq against torch');
eachBackend('linalg composed', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls: torch's values and every input's gradient`, () => {
    expectCallsLikeTorch(CALLS, 2e-5);
  });

  it('lstsq of a wide A gives the minimum-norm solution', () => {
    const a = bp.tensor([[1, 2, 3], [4, 5, 6]]), b = bp.tensor([[1], [2]]);
    const s = L.lstsq(a, b).solution;
    expect(a.matmul(s).sub(b).abs().max().item()).toBeLessThan(1e-5);
    // The minimum-norm solution lies in A's row space: A^T (A A^T)^-1 b.
    const want = a.T.matmul(bp.linalg.solve(a.matmul(a.T), b));
    expect(s.sub(want).abs().max().item()).toBeLessThan(1e-5);
  });

  it('names the function and the bad argument', () => {
    expect(() => L.vectorNorm(bp.randn([3]), NaN)).toThrow('vectorNorm: ord must be a number, got NaN');
    expect(() => L.matrixNorm(bp.randn([3]))).toThrow('matrixNorm: A must have at least 2 dims, got shape [3]');
    expect(() => L.matrixNorm(bp.randn([3, 3]), 0 as 1)).toThrow("matrixNorm: ord must be 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity, got 0");
    expect(() => L.matrixNorm(bp.randn([3, 3]), 'fro', [1, 1])).toThrow('matrixNorm: dim must be two different dims, got [1, 1]');
    expect(() => L.norm(bp.randn([3]), 'fro')).toThrow("norm: ord 'fro' is a matrix norm: give a 2-D x or two dims, got shape [3] and dim undefined");
    expect(() => L.norm(bp.randn([2, 2, 2]), 2)).toThrow('norm: with ord and no dim, x must be 1-D or 2-D, got shape [2, 2, 2]');
    expect(() => L.cond(bp.eye(2), 3 as 1)).toThrow("cond: p must be 2, -2, 'fro', 'nuc', 1, -1, Infinity or -Infinity, got 3");
    expect(() => L.matrixPower(bp.randn([2, 3]), 2)).toThrow('matrixPower: A must be a square matrix or a batch of them (shape [..., n, n]), got shape [2, 3]');
    expect(() => L.matrixPower(bp.eye(2), 1.5)).toThrow('matrixPower: n must be an integer, got 1.5');
    expect(() => L.multiDot([bp.eye(2)])).toThrow(/multiDot: expected an array of two or more tensors/);
    expect(() => L.multiDot([bp.eye(2), bp.randn([2]), bp.eye(2)])).toThrow('multiDot: tensor 1 must be 2-D, got shape [2]');
    expect(() => L.multiDot([bp.eye(2), bp.eye(3)])).toThrow('multiDot: tensors 0 and 1 cannot be multiplied: shapes [2, 2] and [3, 3]');
    expect(() => L.cross(bp.randn([2]), bp.randn([2]))).toThrow('cross: dim -1 must have size 3 in both inputs, got shapes [2] and [2]');
    expect(() => bp.cross(bp.randn([2, 4]), bp.randn([2, 4]))).toThrow('cross: a has no dim of size 3 (shape [2, 4]); give dim');
    expect(() => L.lstsq(bp.randn([3, 2]), bp.randn([4, 1]))).toThrow('lstsq: A must be [..., m, n] and B [..., m, k] (or [..., m]) with the same m, got shapes [3, 2] and [4, 1]');
    expect(() => L.lstsq(bp.randn([2, 6, 3]), bp.randn([6, 2]))).toThrow('lstsq: B with one dim fewer than A holds vectors [..., m] of A\'s m rows, got shapes [2, 6, 3] and [6, 2]');
    expect(() => L.lstsq(bp.randn([3, 2]), bp.randn([3, 1]), { driver: 'gelsx' as 'gels' })).toThrow('lstsq: driver must be one of \'gels\', \'gelsy\', \'gelsd\', \'gelss\', got "gelsx"');
    expect(() => L.lstsq(bp.randn([3, 2]), bp.randn([3, 1]), { rcond: -1 })).toThrow('lstsq: rcond must be non-negative, got -1');
    expect(() => L.lstsq(bp.randn([3, 2]), bp.randn([3, 1]), { rcond: NaN })).toThrow('lstsq: rcond must be a finite number, got NaN');
    expect(() => L.lstsq(bp.randn([3, 2]), bp.randn([3, 1]), { rcnd: 1 } as never)).toThrow(/lstsq: .*rcnd/);
    expect(() => L.vecdot(bp.randn([2]), [1] as unknown as Tensor)).toThrow('vecdot: expected a Tensor, got object');
  });
});
