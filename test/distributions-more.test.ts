// The distributions of session 60 against torch 1.13 (logProb, cdf, icdf, entropy, moments and modes,
// klDivergence of each registered pair; values and every gradient, both backends): Cauchy, HalfNormal,
// HalfCauchy, StudentT, Chi2, FisherSnedecor, Gumbel, Weibull, Pareto, Kumaraswamy, Geometric,
// Binomial, NegativeBinomial, Multinomial, the relaxed Bernoulli and one-hot Categorical, and
// MixtureSameFamily. Then draws (their moments, from the library's generator), rsample's gradients,
// shapes and errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const D = bp.distributions;
const x = inputMaker(6600);
const fixed = (shape: number[], data: number[], grad = false): CallInput => ({ shape, data, grad });
const TD = 'torch.distributions';
/** torch.stack of the named parts of one distribution d, made by `make` (Python). */
const py = (make: string, parts: string[]) => `(lambda d: torch.stack([${parts.join(', ')}]))(${make})`;

const CALLS: TorchCall[] = [
  { name: 'Cauchy: logProb, cdf, icdf, entropy, mode, mean (NaN), variance (Infinity)', inputs: { m: x([5]), s: x([5], 0.3, 2), v: x([5], -4, 4), u: x([5], 0.05, 0.95) },
    ours: (t) => { const d = new D.Cauchy(t.m, t.s); return bp.stack([d.logProb(t.v), d.cdf(t.v), d.icdf(t.u), d.entropy(), d.mode, d.mean, d.variance]); },
    py: py(`${TD}.Cauchy(m, s)`, ['d.log_prob(v)', 'd.cdf(v)', 'd.icdf(u)', 'd.entropy()', 'd.mode', 'd.mean', 'd.variance']) },
  { name: 'HalfNormal: logProb, cdf, icdf, entropy, mean, variance, mode', inputs: { s: x([5], 0.3, 2), v: x([5], 0, 3), u: x([5], 0.05, 0.95) },
    ours: (t) => { const d = new D.HalfNormal(t.s); return bp.stack([d.logProb(t.v), d.cdf(t.v), d.icdf(t.u), d.entropy(), d.mean, d.variance, d.mode, d.scale]); },
    py: py(`${TD}.HalfNormal(s)`, ['d.log_prob(v)', 'd.cdf(v)', 'd.icdf(u)', 'd.entropy()', 'd.mean', 'd.variance', 'd.mode', 'd.scale']) },
  { name: 'HalfCauchy: logProb, cdf, icdf, entropy, mean, variance', inputs: { s: x([4], 0.3, 2), v: x([4], 0, 3), u: x([4], 0.05, 0.95) },
    ours: (t) => { const d = new D.HalfCauchy(t.s); return bp.stack([d.logProb(t.v), d.cdf(t.v), d.icdf(t.u), d.entropy(), d.mean, d.variance]); },
    py: py(`${TD}.HalfCauchy(s)`, ['d.log_prob(v)', 'd.cdf(v)', 'd.icdf(u)', 'd.entropy()', 'd.mean', 'd.variance']) },
  { name: 'StudentT: logProb, entropy, mean and variance across df <= 1, 1 < df <= 2, df > 2', inputs: { df: fixed([5], [0.5, 1.5, 3, 5, 8], true), m: x([5]), s: x([5], 0.5, 2), v: x([5], -3, 3) },
    ours: (t) => { const d = new D.StudentT(t.df, t.m, t.s); return bp.stack([d.logProb(t.v), d.entropy(), d.mean, d.variance, d.mode]); },
    py: py(`${TD}.StudentT(df, m, s)`, ['d.log_prob(v)', 'd.entropy()', 'd.mean', 'd.variance', 'd.mode']) },
  { name: 'StudentT of a number, value broadcast', inputs: { v: x([2, 3], -3, 3) }, ours: (t) => new D.StudentT(4).logProb(t.v), py: `${TD}.StudentT(4.0).log_prob(v)` },
  { name: 'Chi2: logProb, entropy, mean, variance, df', inputs: { df: x([4], 0.5, 6), v: x([4], 0.1, 5) },
    ours: (t) => { const d = new D.Chi2(t.df); return bp.stack([d.logProb(t.v), d.entropy(), d.mean, d.variance, d.df]); },
    py: py(`${TD}.Chi2(df)`, ['d.log_prob(v)', 'd.entropy()', 'd.mean', 'd.variance', 'd.df']) },
  { name: 'FisherSnedecor: logProb, mean, mode, variance (NaN where undefined)', inputs: { a: fixed([4], [1.5, 3, 5, 10], true), b: fixed([4], [1.5, 3, 5, 12], true), v: x([4], 0.1, 4) },
    ours: (t) => { const d = new D.FisherSnedecor(t.a, t.b); return bp.stack([d.logProb(t.v), d.mean, d.mode, d.variance]); },
    py: py(`${TD}.FisherSnedecor(a, b)`, ['d.log_prob(v)', 'd.mean', 'd.mode', 'd.variance']) },
  { name: 'Gumbel: logProb, cdf, icdf, entropy, mean, mode, stddev, variance', inputs: { m: x([5]), s: x([5], 0.3, 2), v: x([5], -2, 4), u: x([5], 0.05, 0.95) },
    ours: (t) => { const d = new D.Gumbel(t.m, t.s); return bp.stack([d.logProb(t.v), d.cdf(t.v), d.icdf(t.u), d.entropy(), d.mean, d.mode, d.stddev, d.variance]); },
    py: py(`${TD}.Gumbel(m, s)`, ['d.log_prob(v)', 'd.cdf(v)', 'd.icdf(u)', 'd.entropy()', 'd.mean', 'd.mode', 'd.stddev', 'd.variance']) },
  { name: 'Weibull: logProb, cdf, icdf, entropy, mean, mode, variance', inputs: { s: x([5], 0.5, 2), k: x([5], 1.2, 3), v: x([5], 0.1, 3), u: x([5], 0.05, 0.95) },
    ours: (t) => { const d = new D.Weibull(t.s, t.k); return bp.stack([d.logProb(t.v), d.cdf(t.v), d.icdf(t.u), d.entropy(), d.mean, d.mode, d.variance]); },
    py: py(`${TD}.Weibull(s, k)`, ['d.log_prob(v)', 'd.cdf(v)', 'd.icdf(u)', 'd.entropy()', 'd.mean', 'd.mode', 'd.variance']) },
  { name: 'Pareto: logProb, cdf, icdf, entropy, mean and variance (alpha below 1, 2 and above), mode', inputs: { s: x([4], 0.5, 2), a: fixed([4], [0.5, 1.5, 2.5, 4], true), f: x([4], 1, 3, false), u: x([4], 0.05, 0.95) },
    ours: (t) => { const d = new D.Pareto(t.s, t.a); const v = t.s.detach().mul(t.f); return bp.stack([d.logProb(v), d.cdf(v), d.icdf(t.u), d.entropy(), d.mean, d.variance, d.mode]); },
    py: `(lambda d, v: torch.stack([d.log_prob(v), d.cdf(v), d.icdf(u), d.entropy(), d.mean, d.variance, d.mode]))(${TD}.Pareto(s, a), s.detach() * f)` },
  { name: 'Kumaraswamy: logProb, cdf, icdf, entropy, mean, variance', inputs: { a: x([4], 0.5, 3), b: x([4], 0.5, 3), v: x([4], 0.05, 0.95), u: x([4], 0.05, 0.95) },
    ours: (t) => { const d = new D.Kumaraswamy(t.a, t.b); return bp.stack([d.logProb(t.v), d.cdf(t.v), d.icdf(t.u), d.entropy(), d.mean, d.variance]); },
    py: py(`${TD}.Kumaraswamy(a, b)`, ['d.log_prob(v)', 'd.cdf(v)', 'd.icdf(u)', 'd.entropy()', 'd.mean', 'd.variance']) },
  { name: 'Geometric from probs (one of them 1): logProb, entropy, mean, variance, logits', inputs: { p: fixed([5], [0.1, 0.3, 0.5, 0.9, 1], true), v: fixed([5], [0, 3, 1, 2, 0]) },
    ours: (t) => { const d = new D.Geometric({ probs: t.p }); return bp.stack([d.logProb(t.v), d.mean, d.variance, d.logits, d.mode]); },
    py: py(`${TD}.Geometric(probs=p)`, ['d.log_prob(v)', 'd.mean', 'd.variance', 'd.logits', 'd.mode']) },
  { name: 'Geometric from logits: logProb, entropy, probs', inputs: { l: x([4], -3, 3), v: fixed([4], [0, 2, 5, 1]) },
    ours: (t) => { const d = new D.Geometric({ logits: t.l }); return bp.stack([d.logProb(t.v), d.entropy(), d.probs]); },
    py: py(`${TD}.Geometric(logits=l)`, ['d.log_prob(v)', 'd.entropy()', 'd.probs']) },
  { name: 'Binomial from probs: logProb, entropy, mean, variance, mode', inputs: { p: x([2, 3], 0.05, 0.95), v: fixed([2, 3], [0, 3, 7, 10, 4, 2]) },
    ours: (t) => { const d = new D.Binomial(10, { probs: t.p }); return bp.stack([d.logProb(t.v), d.entropy(), d.mean, d.variance, d.mode]); },
    py: py(`${TD}.Binomial(10, probs=p)`, ['d.log_prob(v)', 'd.entropy()', 'd.mean', 'd.variance', 'd.mode']) },
  { name: 'Binomial from logits, counts per element, value broadcast', inputs: { l: x([4], -3, 3), n: fixed([4], [1, 4, 9, 20]), v: fixed([2, 4], [0, 2, 9, 13, 1, 4, 0, 20]) },
    ours: (t) => new D.Binomial(t.n, { logits: t.l }).logProb(t.v), py: `${TD}.Binomial(n, logits=l).log_prob(v)` },
  { name: 'NegativeBinomial: logProb (a count of 0 at value 0), mean, mode, variance', inputs: { n: fixed([4], [0, 2, 3.5, 10], true), p: x([4], 0.05, 0.9), v: fixed([4], [0, 3, 0, 12]) },
    ours: (t) => { const d = new D.NegativeBinomial(t.n, { probs: t.p }); return bp.stack([d.logProb(t.v), d.mean, d.mode, d.variance]); },
    py: py(`${TD}.NegativeBinomial(n, probs=p)`, ['d.log_prob(v)', 'd.mean', 'd.mode', 'd.variance']) },
  { name: 'NegativeBinomial from logits', inputs: { l: x([3], -2, 1), v: fixed([3], [1, 0, 6]) }, ours: (t) => new D.NegativeBinomial(4, { logits: t.l }).logProb(t.v), py: `${TD}.NegativeBinomial(4, logits=l).log_prob(v)` },
  { name: 'Multinomial: logProb, entropy, mean, variance', inputs: { p: x([2, 4], 0.1, 2), v: fixed([2, 4], [1, 0, 3, 2, 0, 0, 6, 0]) },
    ours: (t) => { const d = new D.Multinomial(6, { probs: t.p }); return bp.cat([d.logProb(t.v), d.entropy(), d.mean.reshape([8]), d.variance.reshape([8])]); },
    py: `(lambda d: torch.cat([d.log_prob(v), d.entropy(), d.mean.reshape(8), d.variance.reshape(8)]))(${TD}.Multinomial(6, probs=p))` },
  { name: 'Multinomial from logits, value broadcast', inputs: { l: x([3], -2, 2), v: fixed([2, 3], [2, 1, 0, 0, 0, 3]) },
    ours: (t) => new D.Multinomial(3, { logits: t.l }).logProb(t.v), py: `${TD}.Multinomial(3, logits=l).log_prob(v)` },
  { name: 'RelaxedBernoulli and LogitRelaxedBernoulli: logProb', inputs: { temp: x([1], 0.3, 2), p: x([4], 0.1, 0.9), v: x([4], 0.05, 0.95), y: x([4], -3, 3) },
    ours: (t) => bp.cat([new D.RelaxedBernoulli(t.temp, { probs: t.p }).logProb(t.v), new D.LogitRelaxedBernoulli(t.temp, { probs: t.p }).logProb(t.y)]),
    py: `torch.cat([${TD}.RelaxedBernoulli(temp, probs=p).log_prob(v), ${TD}.relaxed_bernoulli.LogitRelaxedBernoulli(temp, probs=p).log_prob(y)])` },
  { name: 'RelaxedOneHotCategorical and ExpRelaxedCategorical: logProb', inputs: { temp: x([], 0.3, 2), l: x([2, 3], -2, 2), v: fixed([2, 3], [0.2, 0.5, 0.3, 0.1, 0.1, 0.8]), y: x([2, 3], -3, 0) },
    ours: (t) => bp.cat([new D.RelaxedOneHotCategorical(t.temp, { logits: t.l }).logProb(t.v), new D.ExpRelaxedCategorical(t.temp, { logits: t.l }).logProb(t.y)]),
    py: `torch.cat([${TD}.RelaxedOneHotCategorical(temp, logits=l).log_prob(v), ${TD}.relaxed_categorical.ExpRelaxedCategorical(temp, logits=l).log_prob(y)])` },
  { name: 'MixtureSameFamily of Normals: logProb, cdf, mean, variance', inputs: { w: x([2, 3], -1, 1), m: x([2, 3]), s: x([2, 3], 0.3, 2), v: x([4, 2]) },
    ours: (t) => { const d = new D.MixtureSameFamily(new D.Categorical({ logits: t.w }), new D.Normal(t.m, t.s)); return bp.cat([d.logProb(t.v).reshape([8]), d.cdf(t.v).reshape([8]), d.mean, d.variance]); },
    py: `(lambda d: torch.cat([d.log_prob(v).reshape(8), d.cdf(v).reshape(8), d.mean, d.variance]))(${TD}.MixtureSameFamily(${TD}.Categorical(logits=w), ${TD}.Normal(m, s)))` },
  { name: 'MixtureSameFamily of Independent Normals (2-D events), mixture shared by the batch', inputs: { w: x([3], 0.2, 1), m: x([2, 3, 2]), s: x([2, 3, 2], 0.3, 2), v: x([2, 2]) },
    ours: (t) => { const d = new D.MixtureSameFamily(new D.Categorical({ probs: t.w }), new D.Independent(new D.Normal(t.m, t.s), 1)); return bp.cat([d.logProb(t.v), d.mean.reshape([4]), d.variance.reshape([4])]); },
    py: `(lambda d: torch.cat([d.log_prob(v), d.mean.reshape(4), d.variance.reshape(4)]))(${TD}.MixtureSameFamily(${TD}.Categorical(probs=w), ${TD}.Independent(${TD}.Normal(m, s), 1)))` },
  { name: 'klDivergence: Gumbel, Geometric, HalfNormal, Pareto (q\'s scale above p\'s: Infinity), Binomial (p\'s count above q\'s: Infinity)',
    inputs: { m1: x([3]), s1: x([3], 0.5, 2), m2: x([3]), s2: x([3], 0.5, 2), p1: x([3], 0.1, 0.9), p2: x([3], 0.1, 0.9), a1: x([3], 0.5, 3), a2: x([3], 0.5, 3) },
    ours: (t) => bp.cat([
      D.klDivergence(new D.Gumbel(t.m1, t.s1), new D.Gumbel(t.m2, t.s2)),
      D.klDivergence(new D.Geometric({ probs: t.p1 }), new D.Geometric({ probs: t.p2 })),
      D.klDivergence(new D.HalfNormal(t.s1), new D.HalfNormal(t.s2)),
      D.klDivergence(new D.Pareto(t.s1, t.a1), new D.Pareto(t.s2, t.a2)),
      D.klDivergence(new D.Binomial(bp.tensor([5, 5, 7]), { probs: t.p1 }), new D.Binomial(bp.tensor([5, 5, 5]), { probs: t.p2 })),
    ]),
    py: `torch.cat([${TD}.kl_divergence(${TD}.Gumbel(m1, s1), ${TD}.Gumbel(m2, s2)), ${TD}.kl_divergence(${TD}.Geometric(probs=p1), ${TD}.Geometric(probs=p2)),
      ${TD}.kl_divergence(${TD}.HalfNormal(s1), ${TD}.HalfNormal(s2)), ${TD}.kl_divergence(${TD}.Pareto(s1, a1), ${TD}.Pareto(s2, a2)),
      ${TD}.kl_divergence(${TD}.Binomial(torch.tensor([5., 5., 7.]), probs=p1), ${TD}.Binomial(torch.tensor([5., 5., 5.]), probs=p2))])` },
];

noteIfNoTorch('the distributions of session 60 against torch.distributions');
eachBackend('more distributions', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch.distributions' (values and gradients)`, () => expectCallsLikeTorch(CALLS, 2e-5));
});

/** The mean and variance of draws along dim 0. */
function moments(s: bp.Tensor): [Float32Array, Float32Array] {
  const mean = s.mean(0);
  return [mean.data, s.sub(mean).square().mean(0).data];
}

it('draws by their distributions: moments of 20000 draws near the closed forms', () => {
  bp.manualSeed(60);
  const n = 20000;
  const check = (d: bp.distributions.Distribution, what: string, tol = 0.05) => {
    const [m, v] = moments(d.sample([n]));
    const [em, ev] = [d.mean.data, d.variance.data];
    for (let i = 0; i < em.length; i++) {
      expect(Math.abs(m[i] - em[i]), `${what} mean ${i}: ${m[i]} vs ${em[i]}`).toBeLessThan(tol * Math.max(1, Math.abs(em[i])));
      expect(Math.abs(v[i] - ev[i]), `${what} variance ${i}: ${v[i]} vs ${ev[i]}`).toBeLessThan(3 * tol * Math.max(1, Math.abs(ev[i])));
    }
  };
  check(new D.HalfNormal(bp.tensor([0.5, 2])), 'HalfNormal');
  check(new D.StudentT(bp.tensor([6, 10]), bp.tensor([1, -1]), bp.tensor([0.5, 2])), 'StudentT', 0.08);
  check(new D.Chi2(bp.tensor([1, 4])), 'Chi2');
  check(new D.FisherSnedecor(bp.tensor([5, 10]), bp.tensor([12, 20])), 'FisherSnedecor', 0.08);
  check(new D.Gumbel(bp.tensor([0, 1]), bp.tensor([1, 0.5])), 'Gumbel');
  check(new D.Weibull(bp.tensor([1, 2]), bp.tensor([1.5, 3])), 'Weibull');
  check(new D.Pareto(bp.tensor([1, 2]), bp.tensor([5, 8])), 'Pareto', 0.08);
  check(new D.Kumaraswamy(bp.tensor([2, 0.7]), bp.tensor([3, 1.5])), 'Kumaraswamy');
  check(new D.Geometric({ probs: bp.tensor([0.3, 0.8]) }), 'Geometric');
  check(new D.Binomial(bp.tensor([10, 100, 1000, 3]), { probs: bp.tensor([0.3, 0.02, 0.6, 0.999]) }), 'Binomial');
  check(new D.NegativeBinomial(bp.tensor([3, 10]), { probs: bp.tensor([0.4, 0.2]) }), 'NegativeBinomial');
  check(new D.Multinomial(12, { probs: bp.tensor([0.2, 0.3, 0.5]) }), 'Multinomial');
  check(new D.MixtureSameFamily(new D.Categorical({ probs: bp.tensor([0.3, 0.7]) }), new D.Normal(bp.tensor([-2, 3]), bp.tensor([1, 0.5]))), 'MixtureSameFamily');
  // Cauchy has no moments: its median and quartiles instead.
  const c = new D.Cauchy(1, 2).sample([n]).sort(0).values.data;
  expect(Math.abs(c[n / 2] - 1)).toBeLessThan(0.1);
  expect(Math.abs(c[(3 * n) / 4] - 3)).toBeLessThan(0.15);
  const draws = new D.Multinomial(7, { probs: bp.tensor([[0.1, 0.9], [0.5, 0.5]]) }).sample([4]);
  expect([...draws.sum(-1).flatten().data].every((v) => v === 7)).toBe(true);
});

it('rsample carries gradients to the parameters: reparameterized draws', () => {
  bp.manualSeed(61);
  const loc = bp.tensor([0.5], { requiresGrad: true }), scale = bp.tensor([2], { requiresGrad: true });
  const r = new D.Cauchy(loc, scale).rsample([5]);
  r.sum().backward();
  // d (loc + eps scale) / d loc = 1 per draw; / d scale = eps = (r - loc) / scale.
  expect(loc.grad!.item()).toBeCloseTo(5, 5);
  expect(scale.grad!.item()).toBeCloseTo(r.sub(0.5).div(2).sum().item(), 4);
  const p = bp.tensor([0.2, 0.7], { requiresGrad: true });
  const relaxed = new D.RelaxedOneHotCategorical(0.5, { probs: p }).rsample([3]);
  expect(relaxed.shape).toEqual([3, 2]);
  expect([...relaxed.sum(-1).data].every((v) => Math.abs(v - 1) < 1e-5)).toBe(true);
  relaxed.select(-1, 0).sum().backward();
  expect(Number.isFinite(p.grad!.data[0]) && p.grad!.data[0] !== 0).toBe(true);
  for (const d of [new D.HalfNormal(scale), new D.StudentT(3, loc, scale), new D.Gumbel(loc, scale), new D.Weibull(scale, 1.5), new D.RelaxedBernoulli(0.3, { logits: loc })]) {
    scale.grad = null;
    loc.grad = null;
    d.rsample([4]).sum().backward();
    expect(loc.grad !== null || scale.grad !== null, d.constructor.name).toBe(true);
  }
  expect(new D.Binomial(5, { probs: 0.5 }).enumerateSupport().shape).toEqual([6]);
  expect(new D.Binomial(bp.tensor([3, 3]), { probs: 0.5 }).enumerateSupport().shape).toEqual([4, 2]);
  expect(new D.Binomial(bp.tensor([3, 3]), { probs: 0.5 }).enumerateSupport(false).shape).toEqual([4, 1]);
});

it('names the bad parameter or value', () => {
  expect(() => new D.Cauchy(0, -1)).toThrow('Cauchy: scale must be positive, got -1');
  expect(() => new D.HalfNormal(bp.tensor([1, 0]))).toThrow('HalfNormal: scale must be positive, got 0 at element 1 of shape [2]');
  expect(() => new D.HalfNormal(1).logProb(-0.5)).toThrow('HalfNormal.logProb: value must be within the support (non-negative numbers), got -0.5');
  expect(() => new D.StudentT(0)).toThrow('StudentT: df must be positive, got 0');
  expect(() => new D.Chi2(-2)).toThrow('Chi2: df must be positive, got -2');
  expect(() => new D.Pareto(2, 1).logProb(1)).toThrow('Pareto.logProb: value must be within the support (at least scale), got 1');
  expect(() => new D.Geometric({ probs: 0 })).toThrow('Geometric: probs must be in (0, 1], got 0');
  expect(() => new D.Geometric({})).toThrow('Geometric: give exactly one of probs and logits');
  expect(() => new D.Binomial(2.5, { probs: 0.5 })).toThrow('Binomial: totalCount must be a non-negative integer, got 2.5');
  expect(() => new D.Binomial(3, { probs: 0.5 }).logProb(4)).toThrow('Binomial.logProb: value must be within the support (at most totalCount), got 4');
  expect(() => new D.Binomial(bp.tensor([2, 3]), { probs: 0.5 }).entropy()).toThrow('Binomial.enumerateSupport: the total counts differ across the batch');
  expect(() => new D.NegativeBinomial(2, { probs: 1 })).toThrow('NegativeBinomial: probs must be in [0, 1), got 1');
  expect(() => new D.Multinomial(2.5, { probs: bp.tensor([0.5, 0.5]) })).toThrow('Multinomial: totalCount must be a non-negative integer (one for the whole batch, as torch\'s), got 2.5');
  expect(() => new D.Multinomial(2, { probs: bp.tensor([0.5, 0.5]) }).logProb(bp.tensor([2, 1]))).toThrow('Multinomial.logProb: value must be within the support (counts summing to at most totalCount 2');
  expect(() => new D.Multinomial(2, { probs: bp.tensor([0.5, 0.5]) }).logProb(bp.tensor([2, 0, 0]))).toThrow('Multinomial.logProb: value must be counts [..., 2], got shape [3]');
  expect(() => new D.RelaxedBernoulli(0, { probs: 0.5 })).toThrow('LogitRelaxedBernoulli: temperature must be positive, got 0');
  expect(() => new D.MixtureSameFamily(new D.Normal(0, 1) as never, new D.Normal(bp.zeros([2]), 1))).toThrow('MixtureSameFamily: mixtureDistribution must be a Categorical');
  expect(() => new D.MixtureSameFamily(new D.Categorical({ probs: bp.ones([3]) }), new D.Normal(bp.zeros([2]), 1))).toThrow('MixtureSameFamily: the mixture has 3 components but the components\' last batch dim is 2');
  expect(() => bp.binomial(bp.tensor([2.5]), bp.tensor([0.5]))).toThrow('binomial: count must hold non-negative integers, got 2.5 at element 0 of shape [1]');
  expect(() => bp.binomial(bp.tensor([[2], [3]]), bp.tensor([0.5, 1.5]))).toThrow('binomial: prob must hold probabilities in [0, 1], got 1.5 at element 1 of shape [2, 2]');
  const draws = bp.binomial(bp.tensor([[0], [4]]), bp.tensor([0.5, 1])).toArray() as number[][];
  expect([draws[0], draws[1][1]]).toEqual([[0, 0], 4]); // no trials, no successes; p = 1, all
  expect(() => new D.FisherSnedecor(1, 2).entropy()).toThrow('FisherSnedecor: entropy is not implemented (as in torch)');
  expect(() => D.klDivergence(new D.Binomial(3, { probs: 0.5 }), new D.Binomial(4, { probs: 0.5 }))).toThrow("klDivergence: Binomials where q's totalCount is above p's (torch has no formula either)");
});

it('Kumaraswamy.mode is the density\'s maximum (torch 1.13\'s formula is NaN for b > 1)', () => {
  const d = new D.Kumaraswamy(bp.tensor([2, 3, 0.5]), bp.tensor([3, 1.5, 2]));
  const mode = d.mode.data;
  for (let i = 0; i < 2; i++) {
    const at = (v: number) => d.logProb(bp.tensor([v, v, v])).data[i];
    expect(at(mode[i])).toBeGreaterThan(at(mode[i] - 1e-2));
    expect(at(mode[i])).toBeGreaterThan(at(mode[i] + 1e-2));
  }
  expect(mode[2]).toBeNaN();
});
