// lib/ops/counting.ts (unique, bincount, histc, searchsorted, bucketize) against torch 1.13 on the
// same inputs (both backends: they read tensors the same way on each), and the argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { rng } from './helpers/random';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, TorchCall, values } from './helpers/torch_calls';

const given = (shape: number[], data: number[]): CallInput => ({ shape, data, grad: false });
const ints = (n: number, seed: number, top: number) => values(n, seed, 0, top).map(Math.floor);
const SPECIAL = [3, 1, NaN, 2, 3, -0, 0, 1, Infinity, -Infinity, 2, NaN, 1.5];

const CALLS: TorchCall[] = [
  { name: 'unique', inputs: { a: given([3, 4], ints(12, 1, 5)) }, ours: (t) => bp.unique(t.a), py: 'torch.unique(a)' },
  { name: 'unique counts', inputs: { a: given([12], ints(12, 2, 4)) }, ours: (t) => bp.unique(t.a, { returnCounts: true }).counts!, py: 'torch.unique(a, return_counts=True)[1].float()' },
  { name: 'unique inverse', inputs: { a: given([2, 5], ints(10, 3, 6)) }, ours: (t) => bp.unique(t.a, { returnInverse: true }).inverse!, py: 'torch.unique(a, return_inverse=True)[1].float()' },
  { name: 'unique rows (dim 0)', inputs: { a: given([6, 3], [1, 2, 3, 0, 1, 1, 1, 2, 3, 0, 1, 0, 0, 1, 1, 5, -1, 2]) }, ours: (t) => bp.unique(t.a, { dim: 0 }), py: 'torch.unique(a, dim=0)' },
  { name: 'unique columns (dim -1) with inverse and counts', inputs: { a: given([2, 5], [1, 0, 1, 2, 0, 3, 4, 3, 3, 4]) },
    ours: (t) => { const r = bp.unique(t.a, { dim: -1, returnInverse: true, returnCounts: true }); return bp.cat([r.values.reshape([-1]), r.inverse!, r.counts!]); },
    py: '(lambda r: torch.cat([r[0].reshape(-1), r[1].float(), r[2].float()]))(torch.unique(a, dim=-1, return_inverse=True, return_counts=True))' },
  { name: 'unique of dim 1 of a 3-D tensor', inputs: { a: given([2, 4, 2], ints(16, 1, 3)) }, ours: (t) => bp.unique(t.a, { dim: 1, returnInverse: true }).values,
    py: 'torch.unique(a, dim=1, return_inverse=True)[0]' },
  { name: 'unique of infinities and -0', inputs: { a: given([11], SPECIAL.filter((v) => !Number.isNaN(v))) }, ours: (t) => bp.unique(t.a), py: 'torch.unique(a)' },
  { name: 'bincount', inputs: { a: given([20], ints(20, 4, 7)) }, ours: (t) => bp.bincount(t.a), py: 'torch.bincount(a.long()).float()' },
  { name: 'bincount weights minlength', inputs: { a: given([6], [0, 2, 2, 5, 1, 2]), w: given([6], values(6, 5, -1, 1)) },
    ours: (t) => bp.bincount(t.a, { weights: t.w, minlength: 9 }), py: 'torch.bincount(a.long(), weights=w, minlength=9).float()' },
  { name: 'histc', inputs: { a: given([50], values(50, 6, -3, 3)) }, ours: (t) => bp.histc(t.a, { bins: 7, min: -2, max: 2 }), py: 'torch.histc(a, bins=7, min=-2, max=2)' },
  { name: 'histc own range', inputs: { a: given([40], values(40, 7, 0, 10)) }, ours: (t) => bp.histc(t.a, { bins: 10 }), py: 'torch.histc(a, bins=10)' },
  { name: 'histc edges', inputs: { a: given([6], [0, 0.5, 1, 1.5, 2, 2.5]) }, ours: (t) => bp.histc(t.a, { bins: 4, min: 0, max: 2 }), py: 'torch.histc(a, bins=4, min=0, max=2)' },
  { name: 'searchsorted', inputs: { s: given([6], [1, 3, 3, 5, 7, 9]), v: given([2, 4], [0, 3, 4, 9, 10, 3, 1, 8]) },
    ours: (t) => bp.searchsorted(t.s, t.v), py: 'torch.searchsorted(s, v).float()' },
  { name: 'searchsorted right', inputs: { s: given([6], [1, 3, 3, 5, 7, 9]), v: given([5], [0, 3, 9, 10, 1]) },
    ours: (t) => bp.searchsorted(t.s, t.v, { right: true }), py: 'torch.searchsorted(s, v, right=True).float()' },
  { name: 'searchsorted rows', inputs: { s: given([2, 4], [1, 2, 3, 4, 10, 20, 30, 40]), v: given([2, 3], [2.5, 0, 5, 25, 40, 41]) },
    ours: (t) => bp.searchsorted(t.s, t.v), py: 'torch.searchsorted(s, v).float()' },
  { name: 'bucketize', inputs: { a: given([3, 2], [0.5, 1, 2.5, 3, 9, -1]), b: given([4], [1, 2, 3, 4]) },
    ours: (t) => bp.bucketize(t.a, t.b), py: 'torch.bucketize(a, b).float()' },
  { name: 'bucketize right', inputs: { a: given([4], [1, 2, 2.5, 4]), b: given([4], [1, 2, 3, 4]) },
    ours: (t) => bp.bucketize(t.a, t.b, { right: true }), py: 'torch.bucketize(a, b, right=True).float()' },
];

noteIfNoTorch('unique ... bucketize against torch');
eachBackend('counting and searching', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's`, () => {
    expectCallsLikeTorch(CALLS, 0);
  });

  it('unique: NaNs each their own value, last; first-appearance order unsorted; methods of the result', () => {
    const x = bp.tensor(SPECIAL);
    // -0 and 0 are one value, shown as the first met (torch's too). torch 1.13 sorts NaNs among the
    // numbers unpredictably ([-inf, -0, 1.5, 2, inf, nan, nan, 1, 3] for this x): ours go last.
    expect(Array.from(bp.unique(x).data)).toEqual([-Infinity, -0, 1, 1.5, 2, 3, Infinity, NaN, NaN]);
    expect(Array.from(bp.unique(x, { sorted: false }).data)).toEqual([3, 1, NaN, 2, -0, Infinity, -Infinity, NaN, 1.5]);
    const r = bp.unique(bp.tensor([2, 1, 2, 2]), { returnInverse: true, returnCounts: true });
    expect([r.values.toArray(), r.inverse!.toArray(), r.counts!.toArray()]).toEqual([[1, 2], [1, 0, 1, 1], [1, 3]]);
    expect(bp.unique(bp.zeros([0])).shape).toEqual([0]);
    // Slices along a dim: a NaN makes its slice its own (NaN equals nothing), after the numbers.
    expect(bp.unique(bp.tensor([[1, NaN], [1, NaN], [0, 2], [1, 3]]), { dim: 0 }).toArray()).toEqual([[0, 2], [1, 3], [1, NaN], [1, NaN]]);
    expect(bp.unique(bp.zeros([0, 3]), { dim: 0 }).shape).toEqual([0, 3]);
    expect(bp.unique(bp.zeros([2, 0]), { dim: 0 }).shape).toEqual([1, 0]);
    expect([bp.tensor([2, 2, 1]).unique().toArray(), bp.tensor([2, 2, 1]).bincount().toArray(), bp.tensor([0.1, 0.9]).histc({ bins: 2, min: 0, max: 1 }).toArray()]).toEqual([[1, 2], [0, 1, 2], [1, 1]]);
    expect(bp.tensor([2, 2, 1]).unique({ returnCounts: true }).counts!.toArray()).toEqual([1, 2]);
    expect(bp.bincount(bp.zeros([0])).shape).toEqual([0]);
    expect(bp.searchsorted(bp.tensor([1, 2, 3]), 2.5).item()).toBe(2);
  });

  it('unique of thousands of distinct values (the hash table grown many times), negatives, -0 after 0 and NaNs: the values, inverse and counts a Set gives', () => {
    const r = rng(66);
    // 6000 draws of about 3000 values in [-1500, 1500) / 4, a NaN and a -0 now and then.
    const xs = Array.from({ length: 6000 }, (_, i) => (i % 997 === 5 ? NaN : i % 401 === 7 ? -0 : Math.floor(r() * 3000 - 1500) / 4));
    xs[0] = 0; // 0 met before any -0: the value shown is 0
    const res = bp.unique(bp.tensor(xs), { sorted: false, returnInverse: true, returnCounts: true });
    const firstMet: number[] = [];
    const place = new Map<number, number>();
    const inverse = xs.map((v) => {
      if (Number.isNaN(v)) return firstMet.push(v) - 1;
      if (!place.has(v)) place.set(v, firstMet.push(v) - 1);
      return place.get(v)!;
    });
    expect(Array.from(res.values.data)).toEqual(firstMet);
    expect(Object.is(res.values.data[0], 0)).toBe(true);
    expect(Array.from(res.inverse!.data)).toEqual(inverse);
    const counts = firstMet.map(() => 0);
    inverse.forEach((k) => counts[k]++);
    expect(Array.from(res.counts!.data)).toEqual(counts);
    expect(firstMet.length).toBeGreaterThan(2500);
    const sorted = firstMet.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    expect(Array.from(bp.unique(bp.tensor(xs)).data)).toEqual([...sorted, ...firstMet.filter(Number.isNaN)]);
  });

  it('names the bad argument', () => {
    expect(() => bp.bincount(bp.tensor([1, -1]))).toThrow('bincount: x must hold non-negative integers, got -1 at position 1');
    expect(() => bp.bincount(bp.tensor([1.5]))).toThrow('bincount: x must hold non-negative integers, got 1.5 at position 0');
    expect(() => bp.bincount(bp.tensor([0, 2, NaN]))).toThrow('bincount: x must hold non-negative integers, got NaN at position 2');
    expect(() => bp.bincount(bp.tensor([3, Infinity, 1]))).toThrow('bincount: x must hold non-negative integers, got Infinity at position 1');
    expect(bp.bincount(bp.tensor([]), { minlength: 3 }).toArray()).toEqual([0, 0, 0]);
    expect(() => bp.bincount(bp.zeros([2, 2]))).toThrow('bincount: x must be 1-D, got shape [2, 2]');
    expect(() => bp.bincount(bp.tensor([1]), { weights: bp.ones([2]) })).toThrow("bincount: weights must be 1-D of x's length 1, got shape [2]");
    expect(() => bp.bincount(bp.tensor([1]), { minlength: -2 })).toThrow('bincount: minlength must be a non-negative integer, got -2');
    expect(() => bp.histc(bp.tensor([1]), { bins: 0 })).toThrow('histc: bins must be a positive integer, got 0');
    expect(() => bp.histc(bp.tensor([1]), { min: 2, max: 1 })).toThrow('histc: max must be at least min, got min 2 and max 1');
    expect(() => bp.histc(bp.tensor([1]), { min: NaN })).toThrow('histc: min must be a finite number, got NaN');
    expect(() => bp.searchsorted(bp.zeros([2, 3]), bp.zeros([3, 2]))).toThrow("searchsorted: values must share sortedSequence's leading dims [2], got shapes [2, 3] and [3, 2]");
    expect(() => bp.searchsorted(bp.tensor(1), bp.zeros([2]))).toThrow('searchsorted: sortedSequence must have at least one dim, got a 0-d tensor');
    expect(() => bp.bucketize(bp.zeros([2]), bp.zeros([2, 2]))).toThrow('bucketize: boundaries must be 1-D, got shape [2, 2]');
    expect(() => bp.unique(bp.zeros([2]), { axis: 0 } as never)).toThrow(/unique: unknown option 'axis'/);
    expect(() => bp.unique(bp.zeros([2, 2]), { dim: 2 })).toThrow(/unique: dim 2 is out of range/);
    expect(() => bp.unique([1, 2] as unknown as Tensor)).toThrow(/unique/);
  });
});
