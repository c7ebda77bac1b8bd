// bp.distributions.Independent, LogNormal and OneHotCategorical against torch 1.13's (logProb,
// entropy, moments, cdf and icdf, klDivergence of each pair; values and every gradient, both
// backends); their shapes and draws, and the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const D = bp.distributions;
const x = inputMaker(6100);
const fixed = (shape: number[], data: number[], grad = false): CallInput => ({ shape, data, grad });
const TD = 'torch.distributions';
// Rows of one-hot vectors over 4 categories: [3, 4] and, broadcast against a batch of 3, [2, 3, 4].
const ONE_HOT = [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1];
const ONE_HOT2 = [...ONE_HOT, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0];

const CALLS: TorchCall[] = [
  { name: 'Independent(Normal, 1): logProb, entropy, moments', inputs: { m: x([2, 3, 4]), s: x([2, 3, 4], 0.5, 2), v: x([2, 3, 4]) },
    ours: (t) => { const d = new D.Independent(new D.Normal(t.m, t.s), 1); return bp.cat([d.logProb(t.v).reshape([6]), d.entropy().reshape([6]), d.mean.reshape([24]), d.variance.reshape([24])]); },
    py: `(lambda d: torch.cat([d.log_prob(v).reshape(6), d.entropy().reshape(6), d.mean.reshape(24), d.variance.reshape(24)]))(${TD}.Independent(${TD}.Normal(m, s), 1))` },
  { name: 'Independent(Normal, 2), value broadcast over a sample dim', inputs: { m: x([2, 3, 4]), s: x([2, 3, 4], 0.5, 2), v: x([5, 1, 3, 4]) },
    ours: (t) => { const d = new D.Independent(new D.Normal(t.m, t.s), 2); return bp.cat([d.logProb(t.v).reshape([10]), d.entropy()]); },
    py: `(lambda d: torch.cat([d.log_prob(v).reshape(10), d.entropy()]))(${TD}.Independent(${TD}.Normal(m, s), 2))` },
  { name: 'LogNormal: logProb, entropy, cdf, icdf, mean, mode, variance', inputs: { m: x([5], -1, 1), s: x([5], 0.3, 1.5), v: x([5], 0.1, 4), u: x([5], 0.05, 0.95) },
    ours: (t) => { const d = new D.LogNormal(t.m, t.s); return bp.stack([d.logProb(t.v), d.entropy(), d.cdf(t.v), d.icdf(t.u), d.mean, d.mode, d.variance, d.stddev]); },
    py: `(lambda d: torch.stack([d.log_prob(v), d.entropy(), d.cdf(v), d.icdf(u), d.mean, d.mode, d.variance, d.stddev]))(${TD}.LogNormal(m, s))` },
  { name: 'LogNormal of numbers, value broadcast', inputs: { v: x([2, 3], 0.2, 3) },
    ours: (t) => new D.LogNormal(0.25, 0.75).logProb(t.v), py: `${TD}.LogNormal(0.25, 0.75).log_prob(v)` },
  { name: 'OneHotCategorical from probs: logProb, entropy, mean, variance', inputs: { p: x([3, 4], 0.1, 2), v: fixed([3, 4], ONE_HOT) },
    ours: (t) => { const d = new D.OneHotCategorical({ probs: t.p }); return bp.cat([d.logProb(t.v), d.entropy(), d.mean.reshape([12]), d.variance.reshape([12])]); },
    py: `(lambda d: torch.cat([d.log_prob(v), d.entropy(), d.mean.reshape(12), d.variance.reshape(12)]))(${TD}.OneHotCategorical(probs=p))` },
  { name: 'OneHotCategorical from logits, values broadcast', inputs: { l: x([3, 4], -3, 3), v: fixed([2, 3, 4], ONE_HOT2) },
    ours: (t) => { const d = new D.OneHotCategorical({ logits: t.l }); return bp.cat([d.logProb(t.v).reshape([6]), d.probs.reshape([12]), d.logits.reshape([12])]); },
    py: `(lambda d: torch.cat([d.log_prob(v).reshape(6), d.probs.reshape(12), d.logits.reshape(12)]))(${TD}.OneHotCategorical(logits=l))` },
  { name: 'klDivergence of Independent, LogNormal and OneHotCategorical pairs', inputs: { m1: x([3, 2]), s1: x([3, 2], 0.5, 2), m2: x([3, 2]), s2: x([3, 2], 0.5, 2), p: x([2, 3], 0.1, 2), q: x([2, 3], -2, 2) },
    ours: (t) => bp.cat([
      D.klDivergence(new D.Independent(new D.Normal(t.m1, t.s1), 1), new D.Independent(new D.Normal(t.m2, t.s2), 1)),
      D.klDivergence(new D.LogNormal(t.m1, t.s1), new D.LogNormal(t.m2, t.s2)).reshape([6]),
      D.klDivergence(new D.OneHotCategorical({ probs: t.p }), new D.OneHotCategorical({ logits: t.q })),
    ]),
    py: `torch.cat([${TD}.kl_divergence(${TD}.Independent(${TD}.Normal(m1, s1), 1), ${TD}.Independent(${TD}.Normal(m2, s2), 1)),
      ${TD}.kl_divergence(${TD}.LogNormal(m1, s1), ${TD}.LogNormal(m2, s2)).reshape(6),
      ${TD}.kl_divergence(${TD}.OneHotCategorical(probs=p), ${TD}.OneHotCategorical(logits=q))])` },
];

noteIfNoTorch('Independent, LogNormal and OneHotCategorical against torch.distributions');
eachBackend('wrapped distributions', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch.distributions' (values and gradients within 2e-6)`, () => expectCallsLikeTorch(CALLS, 2e-6));

  it('shapes, and draws by their distributions; LogNormal.rsample carries the gradient', () => {
    bp.manualSeed(4);
    const ind = new D.Independent(new D.Normal(bp.zeros([2, 3, 4]), bp.ones([2, 3, 4])), 2);
    expect([ind.batchShape, ind.eventShape, ind.sample([5]).shape, ind.hasRsample]).toEqual([[2], [3, 4], [5, 2, 3, 4], true]);
    const ln = new D.LogNormal(bp.tensor([0.5, -1]), bp.tensor([0.25, 0.5]));
    const s = ln.sample([20000]);
    const logMean = s.log().mean(0).data;
    expect(Math.abs(logMean[0] - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(logMean[1] + 1)).toBeLessThan(0.02);
    expect(Math.abs(s.mean(0).data[0] - ln.mean.data[0])).toBeLessThan(0.01);
    const loc = bp.tensor([0.2], { requiresGrad: true });
    const r = new D.LogNormal(loc, 0.5).rsample([4]);
    r.sum().backward();
    expect(Math.abs(loc.grad!.item() - r.sum().item())).toBeLessThan(1e-5); // d exp(loc + eps scale) / d loc = the draw
    const oh = new D.OneHotCategorical({ probs: bp.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0]]) });
    const draws = oh.sample([10000]);
    expect([oh.batchShape, oh.eventShape, draws.shape]).toEqual([[2], [3], [10000, 2, 3]]);
    expect(Array.from(draws.sum(-1).flatten().data).every((v) => v === 1)).toBe(true);
    const freq = draws.mean(0).data;
    expect(Math.abs(freq[2] - 0.7)).toBeLessThan(0.02);
    expect(freq[5]).toBe(0);
  });

  it('names the bad base, dims or value', () => {
    const n = new D.Normal(bp.zeros([2, 3]), 1);
    expect(() => new D.Independent(n, 3)).toThrow('Independent: reinterpretedBatchNdims must be an integer in [0, 2] (the base\'s batch dims, shape [2, 3]), got 3');
    expect(() => new D.Independent({} as bp.distributions.Distribution, 1)).toThrow(/Independent: baseDist must be a distribution/);
    expect(() => new D.LogNormal(0, 1).logProb(bp.tensor([1, 0]))).toThrow('LogNormal.logProb: value must be within the support (positive numbers), got 0 at element 1 of shape [2]');
    expect(() => new D.LogNormal(0, -1)).toThrow(/Normal: scale must be positive/);
    const oh = new D.OneHotCategorical({ probs: bp.tensor([0.5, 0.5]) });
    expect(() => oh.logProb(bp.tensor([1, 1]))).toThrow('OneHotCategorical.logProb: value must be within the support (one-hot vectors: one 1, the rest 0), got row 0 of shape [2]');
    expect(() => oh.logProb(bp.tensor([1, 0, 0]))).toThrow('OneHotCategorical.logProb: value must be one-hot vectors of 2 along the last dim, got shape [3]');
    expect(() => D.klDivergence(new D.Independent(n, 1), new D.Independent(n, 2))).toThrow('klDivergence: Independent distributions of 1 and 2 reinterpreted dims (torch has no formula either)');
  });
});
