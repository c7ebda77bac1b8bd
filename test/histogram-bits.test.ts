// histogram (a count of bins, a range, edges given, weights, density), nextafter and frexp against
// torch 1.13 on both backends (none has a gradient), then their errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(6100);
const given = (data: number[]): CallInput => ({ shape: [data.length], data, grad: false });
const both = (r: bp.HistogramResult) => bp.cat([r.hist, r.binEdges]);

const CALLS: TorchCall[] = [
  { name: 'histogram of 7 bins', inputs: { a: x([50], -2, 2, false) }, ours: (t) => both(bp.histogram(t.a, 7)), py: '(lambda r: torch.cat([r[0], r[1]]))(torch.histogram(a, 7))' },
  // (torch 1.13 counts a NaN into some bin; ours leaves it out, as the docs of both say of values outside.)
  { name: 'histogram over a range, outside values left out', inputs: { a: given([0, 1, 2, 3, 4, 5, 4, 1.5]) },
    ours: (t) => both(bp.histogram(t.a, 3, { range: [1, 4] })), py: '(lambda r: torch.cat([r[0], r[1]]))(torch.histogram(a, 3, range=(1., 4.)))' },
  { name: 'histogram of a constant', inputs: { a: given([1, 1, 1]) }, ours: (t) => both(bp.histogram(t.a, 4)), py: '(lambda r: torch.cat([r[0], r[1]]))(torch.histogram(a, 4))' },
  { name: 'histogram with edges, weights and density', inputs: { a: given([0, 1, 2, 3, 4, 5]), w: given([1, 2, 3, 4, 5, 6]), e: given([0, 1, 4, 5]) },
    ours: (t) => both(bp.histogram(t.a, t.e, { weight: t.w, density: true })), py: '(lambda r: torch.cat([r[0], r[1]]))(torch.histogram(a, e, weight=w, density=True))' },
  { name: 'nextafter: up, down, zeros, infinities, equal', inputs: { a: given([1, 1, 0, 0, -2, Infinity, 3, 1e-45]), b: given([2, 0, 1, -1, -3, 0, 3, 0]) },
    ours: (t) => bp.nextafter(t.a, t.b), py: 'torch.nextafter(a, b)' },
  { name: 'frexp: mantissa and exponent', inputs: { a: given([1, 0.5, 3, -10, 1e-40, 0, 0.75, 1024, -0.3]) },
    ours: (t) => { const r = bp.frexp(t.a); return bp.cat([r.mantissa, r.exponent]); }, py: '(lambda r: torch.cat([r[0], r[1].float()]))(torch.frexp(a))' },
];

noteIfNoTorch('histogram, nextafter and frexp against torch');
eachBackend('histogram, nextafter, frexp', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's`, () => expectCallsLikeTorch(CALLS));

  it('names the function and what was wrong', () => {
    const a = bp.randn([5]);
    expect(() => bp.histogram(a, 0)).toThrow('histogram: bins must be a positive integer, got 0');
    expect(() => bp.histogram(a, 3, { range: [2, 1] })).toThrow("histogram: range's low must not exceed its high, got [2, 1]");
    expect(() => bp.histogram(a, bp.tensor([0, 2, 1]))).toThrow('histogram: bin edges must increase, got 2 then 1 at 2');
    expect(() => bp.histogram(a, bp.tensor([0, 1]), { range: [0, 1] })).toThrow('histogram: range is for a count of bins; edges given as a tensor set their own');
    expect(() => bp.histogram(a, 3, { weight: bp.ones([4]) })).toThrow("histogram: weight must have x's shape [5], got [4]");
    expect(() => bp.nextafter(a, bp.ones([2]))).toThrow(/nextafter/);
    expect(Array.from(bp.histogram(bp.tensor([NaN, 1, 2]), 2).hist.data)).toEqual([1, 1]);
    expect(() => bp.frexp(3 as never)).toThrow('frexp: expected a Tensor, got number');
  });
});
