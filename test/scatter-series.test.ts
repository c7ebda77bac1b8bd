// take, selectScatter, sliceScatter, diagonalScatter, maskedScatter, vander, trapezoid,
// cumulativeTrapezoid, renorm and uniqueConsecutive against torch 1.13 (values and every input's
// gradient, on both backends), then their errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(5900);
const ints = (shape: number[], data: number[]): CallInput => ({ shape, data, grad: false });

const CALLS: TorchCall[] = [
  { name: 'take, negative indices', inputs: { a: x([3, 4]), i: ints([2, 2], [0, -1, 5, 5]) }, ours: (t) => bp.take(t.a, t.i), py: 'torch.take(a, i.long())' },
  { name: 'selectScatter', inputs: { a: x([3, 4, 2]), s: x([3, 2]) }, ours: (t) => bp.selectScatter(t.a, t.s, 1, -2), py: 'torch.select_scatter(a, s, 1, -2)' },
  { name: 'sliceScatter with a step', inputs: { a: x([7, 3]), s: x([3, 3]) }, ours: (t) => bp.sliceScatter(t.a, t.s, 0, 1, null, 2), py: 'torch.slice_scatter(a, s, dim=0, start=1, step=2)' },
  // torch 1.13's slice_scatter needs its step given: without, it reads the default as another number.
  { name: 'sliceScatter on dim 1', inputs: { a: x([2, 6]), s: x([2, 3]) }, ours: (t) => t.a.sliceScatter(t.s, 1, 2, 5), py: 'torch.slice_scatter(a, s, dim=1, start=2, end=5, step=1)' },
  { name: 'diagonalScatter, offset, dims', inputs: { a: x([2, 3, 4]), s: x([2, 3]) }, ours: (t) => bp.diagonalScatter(t.a, t.s, 1, 1, 2), py: 'torch.diagonal_scatter(a, s, 1, 1, 2)' },
  { name: 'maskedScatter, a broadcast mask, source longer', inputs: { a: x([3, 4]), m: ints([4], [1, 0, 1, 1]), s: x([11]) },
    ours: (t) => bp.maskedScatter(t.a, t.m, t.s), py: 'a.masked_scatter(m.bool(), s)' },
  // torch 1.13's vander has no working backward (an in-place cumprod): its values alone are compared.
  { name: 'vander', inputs: { a: x([4], -2, 2, false) }, ours: (t) => bp.vander(t.a), py: 'torch.vander(a)' },
  { name: 'vander, N, increasing', inputs: { a: x([3], -2, 2, false) }, ours: (t) => bp.vander(t.a, 5, true), py: 'torch.vander(a, N=5, increasing=True)' },
  { name: 'trapezoid with dx', inputs: { y: x([3, 5]) }, ours: (t) => bp.trapezoid(t.y, { x: 0.5 }), py: 'torch.trapezoid(y, dx=0.5)' },
  { name: 'trapezoid with points along dim 0', inputs: { y: x([4, 2]), p: x([4], 0, 3, false) }, ours: (t) => bp.trapezoid(t.y, { x: t.p, dim: 0 }), py: 'torch.trapezoid(y, p, dim=0)' },
  { name: 'cumulativeTrapezoid with dx', inputs: { y: x([2, 5]) }, ours: (t) => bp.cumulativeTrapezoid(t.y, { x: 2 }), py: 'torch.cumulative_trapezoid(y, dx=2)' },
  { name: 'cumulativeTrapezoid with points of y\'s shape', inputs: { y: x([2, 4]), p: x([2, 4]) }, ours: (t) => bp.cumulativeTrapezoid(t.y, { x: t.p }), py: 'torch.cumulative_trapezoid(y, p)' },
  { name: 'renorm, p 2 over dim 0', inputs: { a: x([3, 4], -3, 3) }, ours: (t) => bp.renorm(t.a, 2, 0, 2), py: 'torch.renorm(a, 2, 0, 2)' },
  { name: 'renorm, p 1.5 over dim 1', inputs: { a: x([3, 4], -3, 3) }, ours: (t) => t.a.renorm(1.5, 1, 3), py: 'torch.renorm(a, 1.5, 1, 3)' },
  { name: 'uniqueConsecutive: values, inverse, counts', inputs: { a: ints([2, 4], [1, 1, 2, 2, 3, 1, 1, 2]) },
    ours: (t) => { const r = bp.uniqueConsecutive(t.a, { returnInverse: true, returnCounts: true }); return bp.cat([r.values, r.inverse!.reshape([8]), r.counts!]); },
    py: '(lambda r: torch.cat([r[0], r[1].reshape(8).float(), r[2].float()]))(torch.unique_consecutive(a, return_inverse=True, return_counts=True))' },
  { name: 'uniqueConsecutive along dim 0', inputs: { a: ints([4, 2], [1, 2, 1, 2, 3, 4, 1, 2]) }, ours: (t) => bp.uniqueConsecutive(t.a, { dim: 0 }), py: 'torch.unique_consecutive(a, dim=0)' },
];

noteIfNoTorch('take, the scatters and the series against torch');
eachBackend('take, scatters and series', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's, every input's gradient`, () => expectCallsLikeTorch(CALLS, 4e-6));

  it('names the function and what was wrong', () => {
    const a = bp.randn([3, 4]);
    expect(() => bp.take(a, bp.tensor([12]))).toThrow('take: index 12 at position 0 is out of range for 12 elements');
    expect(() => bp.selectScatter(a, bp.randn([4]), 1, 0)).toThrow('selectScatter: src must have the shape of the part it replaces, [3], got [4]');
    expect(() => bp.selectScatter(a, bp.randn([3]), 1, 4)).toThrow('selectScatter: index 4 is out of range for dim 1 of size 4');
    expect(() => bp.sliceScatter(a, bp.randn([2, 4]), 0, 0, null, 0)).toThrow('sliceScatter: step must be a positive integer, got 0');
    expect(() => bp.sliceScatter(a, bp.randn([2, 4]), 0, 0, 1)).toThrow('sliceScatter: src must have the shape of the part it replaces, [1, 4], got [2, 4]');
    expect(() => bp.diagonalScatter(a, bp.randn([4]))).toThrow('diagonalScatter: src must have the shape of the part it replaces, [3], got [4]');
    expect(() => bp.maskedScatter(a, bp.ones([4]), bp.randn([5]))).toThrow('maskedScatter: the mask selects 12 elements, more than source\'s 5');
    expect(() => bp.maskedScatter(a, bp.ones([2, 4]), bp.randn([12]))).toThrow('maskedScatter: shapes [3, 4] and [2, 4] cannot be broadcast together (dimension 0: 3 vs 2)');
    expect(() => bp.maskedScatter(bp.randn([4]), bp.ones([2, 4]), bp.randn([12]))).toThrow("maskedScatter: mask of shape [2, 4] does not broadcast to x's shape [4]");
    expect(() => bp.vander(a)).toThrow('vander: x must be 1-D, got shape [3, 4]');
    expect(() => bp.trapezoid(a, { x: bp.randn([3]) })).toThrow("trapezoid: x of shape [3] must have the 4 points of y's dim 1");
    expect(() => bp.renorm(a, 0, 0, 1)).toThrow('renorm: p must be positive, got 0');
    expect(() => bp.renorm(a, 2, 0, -1)).toThrow('renorm: maxnorm must be non-negative, got -1');
    expect(() => bp.uniqueConsecutive(a, { dims: 0 } as never)).toThrow(/uniqueConsecutive: .*dims/);
  });
});
