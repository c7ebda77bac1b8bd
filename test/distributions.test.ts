// bp.distributions against torch 1.13's torch.distributions: Normal, Uniform, Exponential, Bernoulli,
// Categorical, Laplace, Poisson, Gamma, MultivariateNormal, Dirichlet and Beta (logProb with broadcast
// values, entropy, cdf, icdf, moments) and klDivergence, values and the gradients of every parameter
// and value, on both backends; then the draws by their
// distributions and shapes (the generator is not torch's), rsample's gradients, and the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const D = bp.distributions;
const x = inputMaker(5700);
const fixed = (shape: number[], data: number[], grad = false): CallInput => ({ shape, data, grad });
const TD = 'torch.distributions';

const CALLS: TorchCall[] = [
  { name: 'Normal logProb, value broadcast', inputs: { m: x([3, 4]), s: x([3, 4], 0.5, 2), v: x([2, 1, 4]) },
    ours: (t) => new D.Normal(t.m, t.s).logProb(t.v), py: `${TD}.Normal(m, s).log_prob(v)` },
  { name: 'Normal entropy, cdf, icdf, moments', inputs: { m: x([5]), s: x([5], 0.5, 2), v: x([5]), u: x([5], 0.05, 0.95) },
    ours: (t) => { const n = new D.Normal(t.m, t.s); return bp.stack([n.entropy(), n.cdf(t.v), n.icdf(t.u), n.mean, n.stddev, n.variance]); },
    py: `(lambda n: torch.stack([n.entropy(), n.cdf(v), n.icdf(u), n.mean, n.stddev, n.variance]))(${TD}.Normal(m, s))` },
  { name: 'Normal of numbers and a tensor', inputs: { v: x([4]) }, ours: (t) => new D.Normal(0.5, 2).logProb(t.v), py: `${TD}.Normal(0.5, 2.0).log_prob(v)` },
  { name: 'Uniform logProb, entropy, cdf, icdf, moments', inputs: { lo: x([4], -2, -1), hi: x([4], 1, 2), v: x([3, 4], -0.9, 0.9), u: x([4], 0, 1) },
    ours: (t) => { const d = new D.Uniform(t.lo, t.hi); return bp.cat([d.logProb(t.v).reshape([12]), d.entropy(), d.cdf(t.v).reshape([12]), d.icdf(t.u), d.mean, d.variance, d.stddev]); },
    py: `(lambda d: torch.cat([d.log_prob(v).reshape(12), d.entropy(), d.cdf(v).reshape(12), d.icdf(u), d.mean, d.variance, d.stddev]))(${TD}.Uniform(lo, hi))` },
  { name: 'Exponential logProb, entropy, cdf, icdf, moments', inputs: { r: x([5], 0.2, 3), v: x([5], 0, 4), u: x([5], 0, 0.99) },
    ours: (t) => { const d = new D.Exponential(t.r); return bp.stack([d.logProb(t.v), d.entropy(), d.cdf(t.v), d.icdf(t.u), d.mean, d.variance, d.stddev]); },
    py: `(lambda d: torch.stack([d.log_prob(v), d.entropy(), d.cdf(v), d.icdf(u), d.mean, d.variance, d.stddev]))(${TD}.Exponential(r))` },
  { name: 'Bernoulli from probs: logProb, entropy, moments, logits', inputs: { p: x([6], 0.05, 0.95), v: fixed([6], [0, 1, 1, 0, 1, 0]) },
    ours: (t) => { const d = new D.Bernoulli({ probs: t.p }); return bp.stack([d.logProb(t.v), d.entropy(), d.mean, d.variance, d.logits]); },
    py: `(lambda d: torch.stack([d.log_prob(v), d.entropy(), d.mean, d.variance, d.logits]))(${TD}.Bernoulli(probs=p))` },
  { name: 'Bernoulli from logits, value broadcast', inputs: { l: x([3], -4, 4), v: fixed([2, 3], [0, 1, 1, 1, 0, 0]) },
    ours: (t) => { const d = new D.Bernoulli({ logits: t.l }); return d.logProb(t.v).add(d.entropy()).add(d.probs); },
    py: `(lambda d: d.log_prob(v) + d.entropy() + d.probs)(${TD}.Bernoulli(logits=l))` },
  { name: 'Categorical from probs: logProb broadcast, entropy', inputs: { p: x([3, 5], 0.1, 2), v: fixed([2, 3], [0, 4, 2, 1, 1, 3]) },
    ours: (t) => { const d = new D.Categorical({ probs: t.p }); return bp.cat([d.logProb(t.v).reshape([6]), d.entropy()]); },
    py: `(lambda d: torch.cat([d.log_prob(v).reshape(6), d.entropy()]))(${TD}.Categorical(probs=p))` },
  { name: 'Categorical from logits: logProb, entropy, probs', inputs: { l: x([2, 4], -3, 3), v: fixed([2], [3, 0]) },
    ours: (t) => { const d = new D.Categorical({ logits: t.l }); return bp.cat([d.logProb(t.v), d.entropy(), d.probs.reshape([8]), d.logits.reshape([8])]); },
    py: `(lambda d: torch.cat([d.log_prob(v), d.entropy(), d.probs.reshape(8), d.logits.reshape(8)]))(${TD}.Categorical(logits=l))` },
  { name: 'Categorical with a zero probability: entropy', inputs: { p: fixed([2, 3], [0, 1, 3, 2, 2, 0]) },
    ours: (t) => new D.Categorical({ probs: t.p }).entropy(), py: `${TD}.Categorical(probs=p).entropy()` },
  { name: 'klDivergence Normal', inputs: { m1: x([4]), s1: x([4], 0.5, 2), m2: x([4]), s2: x([4], 0.5, 2) },
    ours: (t) => D.klDivergence(new D.Normal(t.m1, t.s1), new D.Normal(t.m2, t.s2)), py: `${TD}.kl_divergence(${TD}.Normal(m1, s1), ${TD}.Normal(m2, s2))` },
  { name: 'klDivergence Uniform (infinite where q misses p\'s support)', inputs: { a: fixed([3], [0, 0, -1]), b: fixed([3], [1, 2, 1]), c: fixed([3], [-1, 0.5, -2]), d: fixed([3], [2, 3, 2]) },
    ours: (t) => D.klDivergence(new D.Uniform(t.a, t.b), new D.Uniform(t.c, t.d)), py: `${TD}.kl_divergence(${TD}.Uniform(a, b), ${TD}.Uniform(c, d))` },
  { name: 'klDivergence Exponential', inputs: { r1: x([4], 0.2, 3), r2: x([4], 0.2, 3) },
    ours: (t) => D.klDivergence(new D.Exponential(t.r1), new D.Exponential(t.r2)), py: `${TD}.kl_divergence(${TD}.Exponential(r1), ${TD}.Exponential(r2))` },
  { name: 'klDivergence Bernoulli', inputs: { p: x([4], 0.05, 0.95), q: x([4], 0.05, 0.95) },
    ours: (t) => D.klDivergence(new D.Bernoulli({ probs: t.p }), new D.Bernoulli({ logits: t.q })), py: `${TD}.kl_divergence(${TD}.Bernoulli(probs=p), ${TD}.Bernoulli(logits=q))` },
  { name: 'klDivergence Bernoulli at 0 and 1', inputs: { p: fixed([4], [0, 1, 0.5, 0.5]), q: fixed([4], [0.5, 0.5, 0, 1]) },
    ours: (t) => D.klDivergence(new D.Bernoulli({ probs: t.p }), new D.Bernoulli({ probs: t.q })), py: `${TD}.kl_divergence(${TD}.Bernoulli(probs=p), ${TD}.Bernoulli(probs=q))` },
  { name: 'klDivergence Categorical', inputs: { p: x([2, 4], 0.1, 2), q: x([2, 4], -2, 2) },
    ours: (t) => D.klDivergence(new D.Categorical({ probs: t.p }), new D.Categorical({ logits: t.q })), py: `${TD}.kl_divergence(${TD}.Categorical(probs=p), ${TD}.Categorical(logits=q))` },
  { name: 'Laplace logProb, entropy, cdf, icdf, moments', inputs: { m: x([5]), s: x([5], 0.5, 2), v: x([5]), u: x([5], 0.05, 0.95) },
    ours: (t) => { const d = new D.Laplace(t.m, t.s); return bp.stack([d.logProb(t.v), d.entropy(), d.cdf(t.v), d.icdf(t.u), d.mean, d.variance, d.stddev]); },
    py: `(lambda d: torch.stack([d.log_prob(v), d.entropy(), d.cdf(v), d.icdf(u), d.mean, d.variance, d.stddev]))(${TD}.Laplace(m, s))` },
  { name: 'Poisson logProb, value broadcast', inputs: { r: x([4], 0.2, 5), v: fixed([2, 4], [0, 1, 3, 7, 2, 0, 5, 1]) },
    ours: (t) => new D.Poisson(t.r).logProb(t.v), py: `${TD}.Poisson(r).log_prob(v)` },
  { name: 'Gamma logProb, entropy, moments', inputs: { c: x([5], 0.5, 4), r: x([5], 0.5, 3), v: x([5], 0.1, 4) },
    ours: (t) => { const d = new D.Gamma(t.c, t.r); return bp.stack([d.logProb(t.v), d.entropy(), d.mean, d.variance]); },
    py: `(lambda d: torch.stack([d.log_prob(v), d.entropy(), d.mean, d.variance]))(${TD}.Gamma(c, r))` },
  { name: 'MultivariateNormal from scaleTril: logProb (batch broadcast), entropy, variance', inputs: { m: x([2, 3]), l: fixed([3, 3], [1.5, 0, 0, 0.3, 0.8, 0, -0.4, 0.2, 1.1], true), v: x([4, 2, 3]) },
    ours: (t) => { const d = new D.MultivariateNormal(t.m, { scaleTril: t.l }); return bp.cat([d.logProb(t.v).reshape([8]), d.entropy(), d.variance.reshape([6])]); },
    py: `(lambda d: torch.cat([d.log_prob(v).reshape(8), d.entropy(), d.variance.reshape(6)]))(${TD}.MultivariateNormal(m, scale_tril=l))` },
  { name: 'MultivariateNormal from a covariance and from a precision', inputs: { m: x([3]), a: fixed([3, 3], [2, 0.3, -0.2, 0.3, 1.5, 0.1, -0.2, 0.1, 1], true), v: x([2, 3]) },
    ours: (t) => new D.MultivariateNormal(t.m, { covarianceMatrix: t.a }).logProb(t.v).add(new D.MultivariateNormal(t.m, { precisionMatrix: t.a }).logProb(t.v)),
    py: `${TD}.MultivariateNormal(m, covariance_matrix=a).log_prob(v) + ${TD}.MultivariateNormal(m, precision_matrix=a).log_prob(v)` },
  { name: 'klDivergence Laplace, Poisson, Gamma', inputs: { a: x([3]), b: x([3], 0.5, 2), c: x([3]), d: x([3], 0.5, 2) },
    ours: (t) => bp.cat([D.klDivergence(new D.Laplace(t.a, t.b), new D.Laplace(t.c, t.d)), D.klDivergence(new D.Poisson(t.b), new D.Poisson(t.d)), D.klDivergence(new D.Gamma(t.b, t.d), new D.Gamma(t.d, t.b))]),
    py: `torch.cat([${TD}.kl_divergence(${TD}.Laplace(a, b), ${TD}.Laplace(c, d)), ${TD}.kl_divergence(${TD}.Poisson(b), ${TD}.Poisson(d)), ${TD}.kl_divergence(${TD}.Gamma(b, d), ${TD}.Gamma(d, b))])` },
  { name: 'klDivergence MultivariateNormal', inputs: { m1: x([2, 3]), l1: fixed([3, 3], [1.5, 0, 0, 0.3, 0.8, 0, -0.4, 0.2, 1.1], true), m2: x([3]), l2: fixed([3, 3], [1, 0, 0, -0.5, 1.2, 0, 0.1, 0.3, 0.7], true) },
    ours: (t) => D.klDivergence(new D.MultivariateNormal(t.m1, { scaleTril: t.l1 }), new D.MultivariateNormal(t.m2, { scaleTril: t.l2 })),
    py: `${TD}.kl_divergence(${TD}.MultivariateNormal(m1, scale_tril=l1), ${TD}.MultivariateNormal(m2, scale_tril=l2))` },
  { name: 'Dirichlet logProb, entropy, moments', inputs: { c: x([2, 3], 0.5, 3), v: fixed([2, 3], [0.25, 0.25, 0.5, 0.125, 0.375, 0.5], true) },
    ours: (t) => { const d = new D.Dirichlet(t.c); return bp.cat([d.logProb(t.v), d.entropy(), d.mean.reshape([6]), d.variance.reshape([6])]); },
    py: `(lambda d: torch.cat([d.log_prob(v), d.entropy(), d.mean.reshape(6), d.variance.reshape(6)]))(${TD}.Dirichlet(c))` },
  { name: 'Beta logProb, entropy, moments', inputs: { a: x([4], 0.5, 3), b: x([4], 0.5, 3), v: x([4], 0.1, 0.9) },
    ours: (t) => { const d = new D.Beta(t.a, t.b); return bp.stack([d.logProb(t.v), d.entropy(), d.mean, d.variance]); },
    py: `(lambda d: torch.stack([d.log_prob(v), d.entropy(), d.mean, d.variance]))(${TD}.Beta(a, b))` },
  { name: 'klDivergence Beta and Dirichlet', inputs: { a: x([3], 0.5, 3), b: x([3], 0.5, 3), c: x([2, 3], 0.5, 3), d: x([2, 3], 0.5, 3) },
    ours: (t) => bp.cat([D.klDivergence(new D.Beta(t.a, t.b), new D.Beta(t.b, t.a)), D.klDivergence(new D.Dirichlet(t.c), new D.Dirichlet(t.d))]),
    py: `torch.cat([${TD}.kl_divergence(${TD}.Beta(a, b), ${TD}.Beta(b, a)), ${TD}.kl_divergence(${TD}.Dirichlet(c), ${TD}.Dirichlet(d))])` },
];

noteIfNoTorch('the comparison of bp.distributions with torch.distributions');
eachBackend('distributions', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch.distributions' (values and gradients within 2e-6)`, () => expectCallsLikeTorch(CALLS, 2e-6));

  it('draws: shapes, moments and frequencies; rsample carries the gradient of loc + eps scale', () => {
    bp.manualSeed(1);
    const n = new D.Normal(bp.tensor([1, -2]), bp.tensor([0.5, 3]));
    const s = n.sample([20000]);
    expect(s.shape).toEqual([20000, 2]);
    const m = s.mean(0).data, sd = s.std(0).data;
    expect(Math.abs(m[0] - 1)).toBeLessThan(0.02);
    expect(Math.abs(sd[1] - 3)).toBeLessThan(0.06);
    const loc = bp.tensor([0.5], { requiresGrad: true }), scale = bp.tensor([2], { requiresGrad: true });
    const r = new D.Normal(loc, scale).rsample([3]);
    r.sum().backward();
    expect(loc.grad!.item()).toBe(3);
    const eps = Array.from(r.data).map((v) => (v - 0.5) / 2);
    expect(Math.abs(scale.grad!.item() - eps.reduce((a, b) => a + b, 0))).toBeLessThan(1e-5);
    expect(new D.Uniform(2, 5).sample([1000]).data.every((v: number) => v >= 2 && v < 5)).toBe(true);
    expect(Math.abs(new D.Exponential(4).sample([20000]).mean().item() - 0.25)).toBeLessThan(0.01);
    expect(Math.abs(new D.Bernoulli({ probs: 0.3 }).sample([20000]).mean().item() - 0.3)).toBeLessThan(0.015);
    const c = new D.Categorical({ probs: bp.tensor([[0.2, 0.3, 0.5], [1, 0, 0]]) }).sample([6000]);
    expect(c.shape).toEqual([6000, 2]);
    const first = [0, 0, 0];
    for (let i = 0; i < 6000; i++) { first[c.data[2 * i]]++; expect(c.data[2 * i + 1]).toBe(0); }
    [0.2, 0.3, 0.5].forEach((p, k) => expect(Math.abs(first[k] / 6000 - p)).toBeLessThan(0.025));
    expect(() => new D.Bernoulli({ probs: 0.5 }).rsample()).toThrow(/^Bernoulli: rsample is not available/);
    const g = new D.Gamma(bp.tensor([0.5, 3]), bp.tensor([2, 1])).sample([20000]);
    const gm = g.mean(0).data, gv = g.var(0).data;
    expect(Math.abs(gm[0] - 0.25)).toBeLessThan(0.01);
    expect(Math.abs(gv[1] - 3) / 3).toBeLessThan(0.06);
    const be = new D.Beta(2, 6).sample([20000]);
    expect(Math.abs(be.mean().item() - 0.25)).toBeLessThan(0.005);
    const di = new D.Dirichlet(bp.tensor([1, 2, 5])).sample([5000]);
    expect(di.shape).toEqual([5000, 3]);
    expect(Math.abs(di.sum(1).mean().item() - 1)).toBeLessThan(1e-6);
    expect(Math.abs(di.mean(0).data[2] - 0.625)).toBeLessThan(0.01);
    const lp = new D.Laplace(1, 2).sample([20000]);
    expect(Math.abs(lp.mean().item() - 1)).toBeLessThan(0.06);
    expect(Math.abs(new D.Poisson(3).sample([20000]).mean().item() - 3)).toBeLessThan(0.05);
    const mvn = new D.MultivariateNormal(bp.tensor([1, -1]), { covarianceMatrix: bp.tensor([[2, 0.6], [0.6, 1]]) }).sample([20000]);
    expect(mvn.shape).toEqual([20000, 2]);
    const cv = bp.cov(mvn.t()).data;
    [2, 0.6, 0.6, 1].forEach((v, i) => expect(Math.abs(cv[i] - v)).toBeLessThan(0.06));
    expect(Number.isNaN(new D.Categorical({ logits: bp.zeros([3]) }).mean.item())).toBe(true);
  });

  it('bad arguments are named', () => {
    expect(() => new D.Normal(0, bp.tensor([1, 0]))).toThrow(/^Normal: scale must be positive, got 0 at element 1 of shape \[2\]$/);
    expect(() => new D.Normal(0, 1).logProb(NaN)).toThrow(/^Normal.logProb: value must be within the support \(real numbers\), got NaN/);
    expect(() => new D.Uniform(1, bp.tensor([2, 1]))).toThrow(/^Uniform: high must be above low, got 1 at element 1/);
    expect(() => new D.Uniform(0, 1).logProb(1)).toThrow(/^Uniform.logProb: value must be within the support \(\[low, high\)\), got 1/);
    expect(new D.Uniform(0, 1, { validateArgs: false }).logProb(1).item()).toBe(-Infinity);
    expect(() => new D.Exponential(-1)).toThrow(/^Exponential: rate must be positive, got -1/);
    expect(() => new D.Bernoulli({ probs: 0.5, logits: 0 })).toThrow(/^Bernoulli: give exactly one of probs and logits$/);
    expect(() => new D.Bernoulli({ probs: 1.5 })).toThrow(/^Bernoulli: probs must be in \[0, 1\], got 1.5/);
    expect(() => new D.Bernoulli({ probs: 0.5 }).logProb(0.5)).toThrow(/^Bernoulli.logProb: value must be within the support \(0 or 1\), got 0.5/);
    expect(() => new D.Categorical({ probs: 0.5 })).toThrow(/^Categorical: probs must be a tensor of at least 1 dim/);
    expect(() => new D.Categorical({ logits: bp.zeros([3]) }).logProb(3)).toThrow(/^Categorical.logProb: value must be within the support \(integers in \[0, 3\)\), got 3/);
    expect(() => new D.Normal(0, 1).sample([-1])).toThrow(/^Normal.sample: sampleShape must be an array of non-negative integers, got \[-1\]$/);
    expect(() => D.klDivergence(new D.Normal(0, 1), new D.Poisson(1))).toThrow(/^klDivergence: no formula for Normal against Poisson/);
    expect(() => new D.MultivariateNormal(bp.zeros([2]), { covarianceMatrix: bp.eye(2), scaleTril: bp.eye(2) })).toThrow(/^MultivariateNormal: give exactly one of covarianceMatrix, precisionMatrix and scaleTril$/);
    expect(() => new D.MultivariateNormal(bp.zeros([2]), { scaleTril: bp.eye(3) })).toThrow(/^MultivariateNormal: scaleTril must be \[\.\.\., 2, 2\] for loc of shape \[2\], got \[3, 3\]$/);
    expect(() => new D.Gamma(0, 1)).toThrow(/^Gamma: concentration must be positive, got 0/);
    expect(() => new D.Poisson(2).logProb(1.5)).toThrow(/^Poisson.logProb: value must be within the support \(non-negative integers\), got 1.5/);
  });
});
