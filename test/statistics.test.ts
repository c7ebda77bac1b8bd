// The statistics added in session 52 against torch 1.13 (values, positions and every input's
// gradient, on both backends): nansum, nanmean, varMean, stdMean, aminmax, msort, quantile and
// nanquantile (every interpolation), nanmedian, kthvalue, mode, cummax, cummin, logcumsumexp, cov
// (weights and correction) and corrcoef; then shapes, torch.equal and the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(5400);
/** Deterministic values with NaN at the given positions. */
const withNaN = (shape: number[], at: number[]): CallInput => {
  const v = x(shape);
  for (const i of at) v.data[i] = NaN;
  return v;
};
/** Small integers (repeats for mode and ties for cummax), needing gradients. */
const small = (shape: number[], data: number[]): CallInput => ({ shape, data, grad: true });

const REDUCTIONS: TorchCall[] = [
  { name: 'nansum of all, and along dim 1 kept', inputs: { a: withNaN([3, 4], [1, 6, 7]) },
    ours: (t) => bp.nansum(t.a).add(bp.nansum(t.a, 1, true)), py: 'torch.nansum(a) + torch.nansum(a, 1, keepdim=True)' },
  { name: 'nanmean along dims [0, 2], a row of NaNs alone', inputs: { a: withNaN([2, 3, 2], [0, 1, 4, 5]) },
    ours: (t) => t.a.nanmean([0, 2]), py: 'a.nanmean((0, 2))' },
  { name: 'varMean, stdMean', inputs: { a: x([3, 5]) },
    ours: (t) => { const [v, m] = bp.varMean(t.a, 1); const [s, m2] = bp.stdMean(t.a, 0, { correction: 0, keepDim: true }); return bp.cat([v, m, s.reshape([5]), m2.reshape([5])]); },
    py: 'torch.cat([*torch.var_mean(a, 1), *[u.reshape(5) for u in torch.std_mean(a, 0, unbiased=False, keepdim=True)]])' },
  // torch 1.13 has no gradient for aminmax (here: amin's and amax's), so its values alone are compared.
  { name: 'aminmax along dim 0 and of all', inputs: { a: { shape: [3, 3], data: [1, 2, 2, 0, 5, 2, 1, -1, 2], grad: false } },
    ours: (t) => { const r = bp.aminmax(t.a, { dim: 0 }); const s = t.a.aminmax(); return bp.cat([r.min, r.max, s.min.reshape([1]), s.max.reshape([1])]); },
    py: '(lambda r, s: torch.cat([r.min, r.max, s.min.reshape(1), s.max.reshape(1)]))(torch.aminmax(a, dim=0), torch.aminmax(a))' },
  { name: 'aminmax with keepDim of all', inputs: { a: x([2, 3], -2, 2, false) }, ours: (t) => bp.aminmax(t.a, { keepDim: true }).max, py: 'torch.aminmax(a, keepdim=True).max' },
  { name: 'msort', inputs: { a: x([4, 3]) }, ours: (t) => bp.msort(t.a), py: 'torch.msort(a)' },
];

const QUANTILES: TorchCall[] = [
  ...(['linear', 'lower', 'higher', 'nearest', 'midpoint'] as const).map((m): TorchCall => ({
    name: `quantile ${m}, q a list, along dim 1`, inputs: { a: x([3, 9]) },
    ours: (t) => bp.quantile(t.a, [0, 0.1, 0.25, 0.5, 0.625, 0.77, 1], 1, { interpolation: m }),
    py: `torch.quantile(a, torch.tensor([0, 0.1, 0.25, 0.5, 0.625, 0.77, 1]), 1, interpolation='${m}')`,
  })),
  { name: 'quantile of all, q a number', inputs: { a: x([4, 5]) }, ours: (t) => t.a.quantile(0.3), py: 'a.quantile(0.3)' },
  { name: 'quantile keepDim along dim 0, q a 0-d tensor', inputs: { a: x([6, 2]) },
    ours: (t) => bp.quantile(t.a, bp.tensor(0.4), 0, { keepDim: true }), py: 'torch.quantile(a, torch.tensor(0.4), 0, keepdim=True)' },
  { name: 'quantile keepDim of all, q a list', inputs: { a: x([2, 3]) },
    ours: (t) => bp.quantile(t.a, [0.2, 0.9], undefined, { keepDim: true }), py: 'torch.quantile(a, torch.tensor([0.2, 0.9]), keepdim=True)' },
  { name: 'quantile with a NaN in one row', inputs: { a: withNaN([2, 5], [3]) }, ours: (t) => bp.quantile(t.a, [0.5, 0.9], 1), py: 'torch.quantile(a, torch.tensor([0.5, 0.9]), 1)' },
  { name: 'nanquantile: rows with one NaN, with only NaNs', inputs: { a: withNaN([3, 4], [1, 8, 9, 10, 11]) },
    ours: (t) => bp.nanquantile(t.a, [0.25, 0.5, 1], 1), py: 'torch.nanquantile(a, torch.tensor([0.25, 0.5, 1]), 1)' },
];

const ORDER: TorchCall[] = [
  { name: 'nanmedian of all', inputs: { a: withNaN([3, 4], [0, 5]) }, ours: (t) => bp.nanmedian(t.a), py: 'torch.nanmedian(a)' },
  { name: 'nanmedian of all NaNs', inputs: { a: withNaN([2], [0, 1]) }, ours: (t) => bp.nanmedian(t.a), py: 'torch.nanmedian(a)' },
  { name: 'nanmedian along dim 1: values', inputs: { a: withNaN([3, 5], [1, 2, 5]) }, ours: (t) => bp.nanmedian(t.a, 1).values, py: 'torch.nanmedian(a, 1).values' },
  { name: 'nanmedian along dim 1: positions', inputs: { a: withNaN([3, 5], [1, 2, 5]) }, ours: (t) => t.a.nanmedian(1, true).indices, py: 'torch.nanmedian(a, 1, keepdim=True).indices.float()' },
  { name: 'median along dim 0 still NaN where NaN is', inputs: { a: withNaN([3, 2], [2]) }, ours: (t) => bp.median(t.a, 0).values, py: 'torch.median(a, 0).values' },
  { name: 'kthvalue values and positions', inputs: { a: x([3, 6]) },
    ours: (t) => { const r = bp.kthvalue(t.a, 4, 1); return r.values.add(r.indices); }, py: '(lambda r: r.values + r.indices)(torch.kthvalue(a, 4, 1))' },
  { name: 'kthvalue along dim 0 kept, NaN last', inputs: { a: withNaN([3, 2], [1]) },
    ours: (t) => { const r = t.a.kthvalue(3, 0, true); return bp.cat([r.values, r.indices]); }, py: '(lambda r: torch.cat([r.values, r.indices.float()]))(torch.kthvalue(a, 3, 0, keepdim=True))' },
  { name: 'mode: ties to the smallest, the last position', inputs: { a: small([2, 7], [1, 3, 3, 1, 2, 3, 1, 2, 2, -1, 5, -1, 0, 7]) },
    ours: (t) => { const r = bp.mode(t.a, 1); return bp.cat([r.values, r.indices]); }, py: '(lambda r: torch.cat([r.values, r.indices.float()]))(torch.mode(a, 1))' },
  { name: 'mode along dim 0, NaNs counted apart', inputs: { a: { shape: [4, 2], data: [2, 1, NaN, 1, NaN, 3, 1, 3], grad: true } },
    ours: (t) => { const r = t.a.mode(0, true); return bp.cat([r.values, r.indices]); }, py: '(lambda r: torch.cat([r.values, r.indices.float()]))(torch.mode(a, 0, keepdim=True))' },
  { name: 'cummax: ties take the later, NaN on', inputs: { a: { shape: [7], data: [1, 3, 3, 2, NaN, 5, NaN], grad: true } },
    ours: (t) => { const r = bp.cummax(t.a, 0); return bp.cat([r.values, r.indices]); }, py: '(lambda r: torch.cat([r.values, r.indices.float()]))(torch.cummax(a, 0))' },
  { name: 'cummin along dim 0 of a matrix', inputs: { a: small([4, 3], [3, 1, 2, 1, 1, 2, 1, 0, 5, 4, -2, 2]) },
    ours: (t) => { const r = t.a.cummin(0); return bp.cat([r.values, r.indices]); }, py: '(lambda r: torch.cat([r.values, r.indices.float()]))(torch.cummin(a, 0))' },
  { name: 'cummax of random values along dim 1', inputs: { a: x([3, 8]) }, ours: (t) => bp.cummax(t.a, 1).values, py: 'torch.cummax(a, 1).values' },
  { name: 'logcumsumexp along dim 1', inputs: { a: x([3, 6], -3, 3) }, ours: (t) => bp.logcumsumexp(t.a, 1), py: 'torch.logcumsumexp(a, 1)' },
  { name: 'logcumsumexp far apart and large', inputs: { a: { shape: [2, 4], data: [-200, 0, 100, 95, -Infinity, 90, 1, 2], grad: true } },
    ours: (t) => t.a.logcumsumexp(1), py: 'torch.logcumsumexp(a, 1)' },
  // +inf holds from where it appears (the fold once made NaN of -inf and +inf); NaN spreads; along dim 0.
  { name: 'logcumsumexp through infinities and NaN, along dim 0', inputs: { a: { shape: [4, 3], data: [-Infinity, Infinity, 1, Infinity, 2, NaN, 1, -Infinity, 3, -Infinity, Infinity, 4], grad: false } },
    ours: (t) => t.a.logcumsumexp(0), py: 'torch.logcumsumexp(a, 0)' },
];

const COVARIANCE: TorchCall[] = [
  { name: 'cov of 3 variables', inputs: { a: x([3, 7]) }, ours: (t) => bp.cov(t.a), py: 'torch.cov(a)' },
  { name: 'cov of a vector, correction 0', inputs: { a: x([6]) }, ours: (t) => bp.cov(t.a, { correction: 0 }), py: 'torch.cov(a, correction=0)' },
  { name: 'cov of one row is 0-d', inputs: { a: x([1, 5]) }, ours: (t) => t.a.cov(), py: 'a.cov()' },
  { name: 'cov with fweights and aweights, correction 2', inputs: { a: x([2, 5]), w: x([5], 0.1, 2, false) },
    ours: (t) => bp.cov(t.a, { correction: 2, fweights: bp.tensor([1, 2, 0, 3, 1]), aweights: t.w }),
    py: 'torch.cov(a, correction=2, fweights=torch.tensor([1, 2, 0, 3, 1]), aweights=w)' },
  { name: 'cov with fweights alone', inputs: { a: x([2, 4]) }, ours: (t) => bp.cov(t.a, { fweights: bp.tensor([2, 1, 1, 3]) }), py: 'torch.cov(a, fweights=torch.tensor([2, 1, 1, 3]))' },
  { name: 'corrcoef', inputs: { a: x([3, 6]) }, ours: (t) => bp.corrcoef(t.a), py: 'torch.corrcoef(a)' },
  { name: 'corrcoef of a vector', inputs: { a: x([5]) }, ours: (t) => t.a.corrcoef(), py: 'torch.corrcoef(a)' },
];

noteIfNoTorch('session 52 statistics against torch');
eachBackend('statistics', () => {
  it.runIf(haveTorch)(`reductions: ${REDUCTIONS.length} calls as torch's`, () => expectCallsLikeTorch(REDUCTIONS, 4e-6));
  it.runIf(haveTorch)(`quantiles: ${QUANTILES.length} calls`, () => expectCallsLikeTorch(QUANTILES, 4e-6));
  it.runIf(haveTorch)(`order statistics and running ones: ${ORDER.length} calls`, () => expectCallsLikeTorch(ORDER, 4e-6));
  it.runIf(haveTorch)(`covariance: ${COVARIANCE.length} calls`, () => expectCallsLikeTorch(COVARIANCE, 1e-5));

  it('gives the shapes torch gives, and torch.equal', () => {
    const a = bp.randn([2, 3, 4]);
    expect(bp.quantile(a, [0.1, 0.5], 1).shape).toEqual([2, 2, 4]);
    expect(bp.quantile(a, 0.5, 1, { keepDim: true }).shape).toEqual([2, 1, 4]);
    expect(bp.quantile(a, [0.5], undefined, { keepDim: true }).shape).toEqual([1, 1, 1, 1]);
    expect(bp.kthvalue(a, 2).values.shape).toEqual([2, 3]);
    expect(bp.mode(a, 0, true).indices.shape).toEqual([1, 3, 4]);
    expect(bp.cummax(a, -1).indices.shape).toEqual([2, 3, 4]);
    expect(bp.cov(bp.randn([4, 9])).shape).toEqual([4, 4]);
    expect(bp.nanmedian(bp.tensor([[NaN, NaN]]), 1).indices.toArray()).toEqual([0]);
    expect(bp.equal(bp.tensor([1, 2]), bp.tensor([1, 2]))).toBe(true);
    expect(bp.tensor([1, 2]).equal(bp.tensor([[1, 2]]))).toBe(false);
    expect(bp.equal(bp.tensor([NaN]), bp.tensor([NaN]))).toBe(false);
  });

  it('names the function and what was wrong', () => {
    const a = bp.randn([2, 3]);
    expect(() => bp.quantile(a, 1.5)).toThrow('quantile: q must be in [0, 1] (a number, an array or a tensor), got 1.5');
    expect(() => bp.quantile(a, [0.5, -0.1], 1)).toThrow('quantile: q must be in [0, 1] (a number, an array or a tensor), got [0.5, -0.1]');
    expect(() => bp.quantile(a, bp.zeros([1, 1]))).toThrow('quantile: q must be a number or a 0-D or 1-D tensor, got shape [1, 1]');
    expect(() => bp.nanquantile(a, 0.5, 0, { interpolation: 'cubic' as never })).toThrow("nanquantile: interpolation must be one of 'linear', 'lower', 'higher', 'nearest', 'midpoint', got \"cubic\"");
    expect(() => bp.quantile(bp.zeros([0]), 0.5)).toThrow('quantile: the input must not be empty, got shape [0]');
    expect(() => bp.quantile(a, 0.5, 2)).toThrow(/quantile: dim/);
    expect(() => bp.kthvalue(a, 4, 1)).toThrow('kthvalue: k must be an integer from 1 to the size of dim 1 (3), got 4');
    expect(() => bp.kthvalue(a, 0)).toThrow('kthvalue: k must be an integer from 1 to the size of dim 1 (3), got 0');
    expect(() => bp.mode(bp.zeros([2, 0]), 1)).toThrow('mode: dimension 1 is empty (shape [2, 0])');
    expect(() => bp.nanmedian(a, 0, 1 as never)).toThrow('nanmedian: keepDim must be true or false, got 1');
    expect(() => bp.cummax(a, 2)).toThrow(/cummax: dim/);
    expect(() => bp.logcumsumexp(a, -3)).toThrow(/logcumsumexp: dim/);
    expect(() => bp.aminmax(a, { dim: '1' as never })).toThrow('aminmax: dim must be a number, got "1"');
    expect(() => bp.aminmax(a, { dims: 1 } as never)).toThrow(/aminmax: .*dims/);
    expect(() => bp.cov(bp.randn([2, 2, 2]))).toThrow('cov: expects a 1-D or 2-D tensor (variables by observations), got shape [2, 2, 2]');
    expect(() => bp.cov(a, { fweights: bp.tensor([1, 2]) })).toThrow('cov: fweights must be a 1-D tensor of one weight per observation (3), got shape [2]');
    expect(() => bp.cov(a, { fweights: bp.tensor([1, 0.5, 1]) })).toThrow('cov: fweights must hold non-negative integers, got 0.5 at 1');
    expect(() => bp.cov(a, { aweights: bp.tensor([1, -1, 1]) })).toThrow('cov: aweights must hold non-negative numbers, got -1 at 1');
    expect(() => bp.cov(a, { correction: 0.5 })).toThrow('cov: correction must be an integer, got 0.5');
    expect(() => bp.varMean(a, 0, { unbiased: true, correction: 1 })).toThrow('varMean: give unbiased or correction, not both');
    expect(() => bp.equal(a, 1 as never)).toThrow('equal: expected a Tensor, got number');
  });
});
