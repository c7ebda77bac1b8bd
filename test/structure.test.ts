// lib/ops/structure.ts (diagonal, diag, trace, meshgrid, repeatInterleave, kron, cdist) and the
// Tensor methods of it and of composed.ts, against torch 1.13: values and every input's gradient on
// both backends, and the argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(100);

const CALLS: TorchCall[] = [
  { name: 'diagonal', inputs: { a: x([4, 5]) }, ours: (t) => bp.diagonal(t.a), py: 'torch.diagonal(a)' },
  { name: 'diagonal offset 2', inputs: { a: x([4, 5]) }, ours: (t) => t.a.diagonal(2), py: 'a.diagonal(2)' },
  { name: 'diagonal offset -3', inputs: { a: x([4, 5]) }, ours: (t) => t.a.diagonal(-3), py: 'a.diagonal(-3)' },
  { name: 'diagonal past the corner', inputs: { a: x([3, 3]) }, ours: (t) => t.a.diagonal(5).add(1), py: 'a.diagonal(5) + 1' },
  { name: 'diagonal of dims 2, 0 of a 3-D', inputs: { a: x([3, 2, 4]) }, ours: (t) => t.a.diagonal(1, 2, 0), py: 'a.diagonal(1, 2, 0)' },
  { name: 'diagonal of dims -1, -2 of a 4-D', inputs: { a: x([2, 3, 4, 4]) }, ours: (t) => t.a.diagonal(-1, -1, -2), py: 'a.diagonal(-1, -1, -2)' },
  { name: 'diag of a vector', inputs: { a: x([4]) }, ours: (t) => bp.diag(t.a), py: 'torch.diag(a)' },
  { name: 'diag of a vector, k 2', inputs: { a: x([3]) }, ours: (t) => t.a.diag(2), py: 'a.diag(2)' },
  { name: 'diag of a vector, k -1', inputs: { a: x([3]) }, ours: (t) => t.a.diag(-1), py: 'a.diag(-1)' },
  { name: 'diag of a matrix, k 1', inputs: { a: x([3, 4]) }, ours: (t) => t.a.diag(1), py: 'a.diag(1)' },
  { name: 'trace', inputs: { a: x([3, 5]) }, ours: (t) => t.a.trace(), py: 'a.trace()' },
  { name: 'meshgrid ij', inputs: { a: x([3]), b: x([2]), c: x([4]) },
    ours: (t) => { const [p, q, r] = bp.meshgrid([t.a, t.b, t.c]); return p.mul(2).add(q.mul(q)).sub(r); },
    py: '(lambda g: g[0] * 2 + g[1] * g[1] - g[2])(torch.meshgrid(a, b, c, indexing="ij"))' },
  { name: 'meshgrid xy', inputs: { a: x([3]), b: x([2]) },
    ours: (t) => { const [p, q] = bp.meshgrid([t.a, t.b], { indexing: 'xy' }); return p.mul(q.exp()); },
    py: '(lambda g: g[0] * g[1].exp())(torch.meshgrid(a, b, indexing="xy"))' },
  { name: 'repeatInterleave 2 flat', inputs: { a: x([2, 3]) }, ours: (t) => t.a.repeatInterleave(2), py: 'a.repeat_interleave(2)' },
  { name: 'repeatInterleave counts dim 0', inputs: { a: x([3, 2]) }, ours: (t) => t.a.repeatInterleave([1, 0, 3], 0), py: 'a.repeat_interleave(torch.tensor([1, 0, 3]), dim=0)' },
  { name: 'repeatInterleave tensor counts dim -1', inputs: { a: x([2, 3]) }, ours: (t) => bp.repeatInterleave(t.a, bp.tensor([2, 1, 2]), -1), py: 'torch.repeat_interleave(a, torch.tensor([2, 1, 2]), dim=-1)' },
  { name: 'kron 2-D', inputs: { a: x([2, 3]), b: x([3, 2]) }, ours: (t) => bp.kron(t.a, t.b), py: 'torch.kron(a, b)' },
  { name: 'kron 1-D by 3-D', inputs: { a: x([3]), b: x([2, 2, 2]) }, ours: (t) => t.a.kron(t.b), py: 'torch.kron(a, b)' },
  { name: 'cdist', inputs: { a: x([4, 3]), b: x([5, 3]) }, ours: (t) => bp.cdist(t.a, t.b), py: 'torch.cdist(a, b)' },
  { name: 'cdist p 1, batch broadcast', inputs: { a: x([2, 3, 4]), b: x([1, 2, 4]) }, ours: (t) => bp.cdist(t.a, t.b, 1), py: 'torch.cdist(a, b, p=1)' },
  { name: 'cdist p inf', inputs: { a: x([3, 2]), b: x([4, 2]) }, ours: (t) => bp.cdist(t.a, t.b, Infinity), py: "torch.cdist(a, b, p=float('inf'))" },
  // Methods of composed.ts's functions.
  { name: 'isnan, isinf, isfinite methods', inputs: { a: { shape: [5], data: [1, NaN, Infinity, -Infinity, 0], grad: false } },
    ours: (t) => t.a.isnan().add(t.a.isinf().mul(2)).add(t.a.isfinite().mul(4)), py: 'a.isnan().float() + a.isinf().float() * 2 + a.isfinite().float() * 4' },
  { name: 'lerp, diff, roll methods', inputs: { a: x([3, 4]), b: x([3, 4]) },
    ours: (t) => t.a.lerp(t.b, 0.25).diff(1, 0).roll([1], [1]), py: 'a.lerp(b, 0.25).diff(1, 0).roll([1], [1])' },
  { name: 'tile, movedim, swapaxes methods', inputs: { a: x([2, 3]) },
    ours: (t) => t.a.tile([2, 1, 1]).movedim(0, -1).swapaxes(0, 1), py: 'a.tile((2, 1, 1)).movedim(0, -1).swapaxes(0, 1)' },
  { name: 'nanToNum, countNonzero methods', inputs: { a: { shape: [2, 3], data: [0, NaN, 2, 0, -Infinity, 0], grad: false } },
    ours: (t) => t.a.nanToNum({ nan: 5 }).add(t.a.countNonzero(1).unsqueeze(1)), py: 'a.nan_to_num(nan=5) + a.count_nonzero(1).unsqueeze(1)' },
];

noteIfNoTorch('diagonal ... cdist against torch');
eachBackend('structure ops', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls: torch's values and every input's gradient`, () => {
    expectCallsLikeTorch(CALLS);
  });

  it('allclose and isclose as methods', () => {
    const a = bp.tensor([1, 2, 3]);
    expect(a.allclose(bp.tensor([1, 2, 3.000001]))).toBe(true);
    expect(a.isclose(bp.tensor([1, 2.1, 3])).toArray()).toEqual([1, 0, 1]);
  });

  it('names the function and the bad argument', () => {
    const m = bp.randn([3, 4]);
    expect(() => bp.diagonal(bp.randn([3]))).toThrow('diagonal: the input must have at least 2 dims, got shape [3]');
    expect(() => m.diagonal(0, 1, 1)).toThrow('diagonal: dim1 and dim2 must be different dims, got 1 and 1');
    expect(() => m.diagonal(0.5)).toThrow('diagonal: offset must be an integer, got 0.5');
    expect(() => m.diagonal(0, 0, 2)).toThrow(/diagonal/);
    expect(() => bp.diag(bp.randn([2, 2, 2]))).toThrow('diag: the input must be 1-D or 2-D, got shape [2, 2, 2]');
    expect(() => bp.trace(bp.randn([3]))).toThrow('trace: the input must be 2-D, got shape [3]');
    expect(() => bp.meshgrid([m])).toThrow('meshgrid: tensor 0 must be 0-D or 1-D, got shape [3, 4]');
    expect(() => bp.meshgrid([])).toThrow(/meshgrid: expected a non-empty array of tensors/);
    expect(() => bp.meshgrid([bp.randn([2])], { indexing: 'ji' as 'ij' })).toThrow(`meshgrid: indexing must be 'ij' or 'xy', got "ji"`);
    expect(() => m.repeatInterleave([1, 2], 0)).toThrow('repeatInterleave: repeats must hold one count or one per element of dim 0 (3), got 2');
    expect(() => m.repeatInterleave(-1)).toThrow('repeatInterleave: repeats must be non-negative integers, got -1 at position 0');
    expect(() => m.repeatInterleave('2' as unknown as number)).toThrow(/repeatInterleave: repeats must be a number, an array or a Tensor/);
    expect(() => bp.kron(m, [1] as unknown as Tensor)).toThrow(/kron/);
    expect(() => bp.cdist(m, bp.randn([2, 5]))).toThrow('cdist: x1 and x2 must have the same number of columns, got shapes [3, 4] and [2, 5]');
    expect(() => bp.cdist(bp.randn([4]), m)).toThrow(/cdist: x1 and x2 must have at least 2 dims/);
    expect(() => bp.cdist(m, m, 3)).toThrow('cdist: p must be 1, 2 or Infinity, got 3');
    expect(() => bp.cdist(bp.randn([2, 3, 4]), bp.randn([3, 3, 4]))).toThrow(/cdist|sub/);
  });
});
