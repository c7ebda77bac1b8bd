// klDivergence between two families (lib/distributions/kl_cross.ts) against torch 1.13's registered
// cross pairs: every finite formula with the gradients of both distributions' parameters on both
// backends, the pairs that are infinite, and the support masks (Infinity where q leaves out p's mass).
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const D = bp.distributions;
const x = inputMaker(7100);
const fixed = (shape: number[], data: number[], grad = true): CallInput => ({ shape, data, grad });
const TD = 'torch.distributions';
const kl = (p: string, q: string) => `${TD}.kl_divergence(${TD}.${p}, ${TD}.${q})`;

// Parameters of 3 distributions each: locations m, positive scales s, rates r, concentrations c.
const CALLS: TorchCall[] = [
  { name: 'Normal against Gumbel and Laplace; Gumbel and Laplace against Normal', inputs: { m1: x([3]), s1: x([3], 0.5, 2), m2: x([3]), s2: x([3], 0.5, 2) },
    ours: (t) => bp.cat([D.klDivergence(new D.Normal(t.m1, t.s1), new D.Gumbel(t.m2, t.s2)), D.klDivergence(new D.Normal(t.m1, t.s1), new D.Laplace(t.m2, t.s2)),
      D.klDivergence(new D.Gumbel(t.m1, t.s1), new D.Normal(t.m2, t.s2)), D.klDivergence(new D.Laplace(t.m1, t.s1), new D.Normal(t.m2, t.s2))]),
    py: `torch.cat([${kl('Normal(m1, s1)', 'Gumbel(m2, s2)')}, ${kl('Normal(m1, s1)', 'Laplace(m2, s2)')}, ${kl('Gumbel(m1, s1)', 'Normal(m2, s2)')}, ${kl('Laplace(m1, s1)', 'Normal(m2, s2)')}])` },
  { name: 'Exponential against Gamma, Gumbel and Normal; Gamma against Exponential, Gumbel and Normal', inputs: { r: x([3], 0.5, 2), c: x([3], 0.5, 3), m: x([3]), s: x([3], 0.5, 2) },
    ours: (t) => bp.cat([D.klDivergence(new D.Exponential(t.r), new D.Gamma(t.c, t.s)), D.klDivergence(new D.Exponential(t.r), new D.Gumbel(t.m, t.s)), D.klDivergence(new D.Exponential(t.r), new D.Normal(t.m, t.s)),
      D.klDivergence(new D.Gamma(t.c, t.r), new D.Exponential(t.s)), D.klDivergence(new D.Gamma(t.c, t.r), new D.Gumbel(t.m, t.s)), D.klDivergence(new D.Gamma(t.c, t.r), new D.Normal(t.m, t.s))]),
    py: `torch.cat([${kl('Exponential(r)', 'Gamma(c, s)')}, ${kl('Exponential(r)', 'Gumbel(m, s)')}, ${kl('Exponential(r)', 'Normal(m, s)')}, ${kl('Gamma(c, r)', 'Exponential(s)')}, ${kl('Gamma(c, r)', 'Gumbel(m, s)')}, ${kl('Gamma(c, r)', 'Normal(m, s)')}])` },
  { name: 'Beta against ContinuousBernoulli, Exponential, Gamma, Normal and Uniform (one covering [0, 1], one not)', inputs: { a: x([2], 0.5, 3), b: x([2], 0.5, 3), p: x([2], 0.1, 0.9), r: x([2], 0.5, 2), m: x([2]), lo: fixed([2], [-0.5, 0.2]), hi: fixed([2], [1.5, 2]) },
    ours: (t) => bp.cat([D.klDivergence(new D.Beta(t.a, t.b), new D.ContinuousBernoulli({ probs: t.p })), D.klDivergence(new D.Beta(t.a, t.b), new D.Exponential(t.r)), D.klDivergence(new D.Beta(t.a, t.b), new D.Gamma(t.r, t.a)),
      D.klDivergence(new D.Beta(t.a, t.b), new D.Normal(t.m, t.r)), D.klDivergence(new D.Beta(t.a, t.b), new D.Uniform(t.lo, t.hi))]),
    py: `torch.cat([${kl('Beta(a, b)', 'ContinuousBernoulli(probs=p)')}, ${kl('Beta(a, b)', 'Exponential(r)')}, ${kl('Beta(a, b)', 'Gamma(r, a)')}, ${kl('Beta(a, b)', 'Normal(m, r)')}, ${kl('Beta(a, b)', 'Uniform(lo, hi)')}])` },
  { name: 'ContinuousBernoulli against Exponential, Normal and Uniform', inputs: { p: x([3], 0.1, 0.9), r: x([3], 0.5, 2), m: x([3]), lo: fixed([3], [-1, 0.5, -2]), hi: fixed([3], [2, 3, 0.5]) },
    ours: (t) => bp.cat([D.klDivergence(new D.ContinuousBernoulli({ probs: t.p }), new D.Exponential(t.r)), D.klDivergence(new D.ContinuousBernoulli({ probs: t.p }), new D.Normal(t.m, t.r)), D.klDivergence(new D.ContinuousBernoulli({ probs: t.p }), new D.Uniform(t.lo, t.hi))]),
    py: `torch.cat([${kl('ContinuousBernoulli(probs=p)', 'Exponential(r)')}, ${kl('ContinuousBernoulli(probs=p)', 'Normal(m, r)')}, ${kl('ContinuousBernoulli(probs=p)', 'Uniform(lo, hi)')}])` },
  { name: 'Pareto against Exponential, Gamma (alpha below and above 1) and Normal (below and above 2)', inputs: { s: x([4], 0.5, 2), a: fixed([4], [0.5, 1.5, 2.5, 4]), r: x([4], 0.5, 2), c: x([4], 0.5, 3), m: x([4]) },
    ours: (t) => bp.cat([D.klDivergence(new D.Pareto(t.s, t.a), new D.Exponential(t.r)), D.klDivergence(new D.Pareto(t.s, t.a), new D.Gamma(t.c, t.r)), D.klDivergence(new D.Pareto(t.s, t.a), new D.Normal(t.m, t.r))]),
    py: `torch.cat([${kl('Pareto(s, a)', 'Exponential(r)')}, ${kl('Pareto(s, a)', 'Gamma(c, r)')}, ${kl('Pareto(s, a)', 'Normal(m, r)')}])` },
  { name: 'Uniform inside (0, 1) against Beta, ContinuousBernoulli, Exponential, Gamma, Gumbel, Normal and Pareto', inputs: { lo: x([2], 0.05, 0.3), hi: x([2], 0.5, 0.95), a: x([2], 0.5, 3), b: x([2], 0.5, 3), p: x([2], 0.1, 0.9), m: x([2]), s: fixed([2], [0.04, 0.01]) },
    ours: (t) => bp.cat([D.klDivergence(new D.Uniform(t.lo, t.hi), new D.Beta(t.a, t.b)), D.klDivergence(new D.Uniform(t.lo, t.hi), new D.ContinuousBernoulli({ probs: t.p })), D.klDivergence(new D.Uniform(t.lo, t.hi), new D.Exponential(t.a)),
      D.klDivergence(new D.Uniform(t.lo, t.hi), new D.Gamma(t.a, t.b)), D.klDivergence(new D.Uniform(t.lo, t.hi), new D.Gumbel(t.m, t.a)), D.klDivergence(new D.Uniform(t.lo, t.hi), new D.Normal(t.m, t.a)), D.klDivergence(new D.Uniform(t.lo, t.hi), new D.Pareto(t.s, t.b))]),
    py: `torch.cat([${kl('Uniform(lo, hi)', 'Beta(a, b)')}, ${kl('Uniform(lo, hi)', 'ContinuousBernoulli(probs=p)')}, ${kl('Uniform(lo, hi)', 'Exponential(a)')}, ${kl('Uniform(lo, hi)', 'Gamma(a, b)')}, ${kl('Uniform(lo, hi)', 'Gumbel(m, a)')}, ${kl('Uniform(lo, hi)', 'Normal(m, a)')}, ${kl('Uniform(lo, hi)', 'Pareto(s, b)')}])` },
  { name: 'Uniform reaching outside q\'s support (Infinity): Beta, Exponential, Gamma, Pareto', inputs: { lo: fixed([2], [-0.5, 0.2], false), hi: fixed([2], [0.5, 1.5], false), a: x([2], 0.5, 3), b: x([2], 0.5, 3) },
    ours: (t) => bp.cat([D.klDivergence(new D.Uniform(t.lo, t.hi), new D.Beta(t.a, t.b)), D.klDivergence(new D.Uniform(t.lo, t.hi), new D.Exponential(t.a)), D.klDivergence(new D.Uniform(t.lo, t.hi), new D.Gamma(t.a, t.b)), D.klDivergence(new D.Uniform(t.lo, t.hi), new D.Pareto(bp.tensor([0.1, 0.3]), t.b))]),
    py: `torch.cat([${kl('Uniform(lo, hi)', 'Beta(a, b)')}, ${kl('Uniform(lo, hi)', 'Exponential(a)')}, ${kl('Uniform(lo, hi)', 'Gamma(a, b)')}, ${kl('Uniform(lo, hi)', 'Pareto(torch.tensor([0.1, 0.3]), b)')}])` },
  { name: 'Bernoulli against Poisson; Cauchy against Cauchy', inputs: { p: x([3], 0.1, 0.9), r: x([3], 0.5, 2), m1: x([3]), s1: x([3], 0.5, 2), m2: x([3]), s2: x([3], 0.5, 2) },
    ours: (t) => bp.cat([D.klDivergence(new D.Bernoulli({ probs: t.p }), new D.Poisson(t.r)), D.klDivergence(new D.Cauchy(t.m1, t.s1), new D.Cauchy(t.m2, t.s2))]),
    py: `torch.cat([${kl('Bernoulli(probs=p)', 'Poisson(r)')}, ${kl('Cauchy(m1, s1)', 'Cauchy(m2, s2)')}])` },
  { name: 'the infinite pairs', inputs: { m: x([2]), s: x([2], 0.5, 2) },
    ours: (t) => bp.cat([D.klDivergence(new D.Normal(t.m, t.s), new D.Exponential(t.s)), D.klDivergence(new D.Gumbel(t.m, t.s), new D.Pareto(t.s, t.s)), D.klDivergence(new D.Laplace(t.m, t.s), new D.Uniform(t.m, t.m.add(1))),
      D.klDivergence(new D.Exponential(t.s), new D.Beta(t.s, t.s)), D.klDivergence(new D.Poisson(t.s), new D.Binomial(3, { probs: 0.5 }))]),
    py: `torch.cat([${kl('Normal(m, s)', 'Exponential(s)')}, ${kl('Gumbel(m, s)', 'Pareto(s, s)')}, ${kl('Laplace(m, s)', 'Uniform(m, m + 1)')}, ${kl('Exponential(s)', 'Beta(s, s)')}, ${kl('Poisson(s)', 'Binomial(3, probs=torch.tensor(0.5))')}])` },
];

noteIfNoTorch('the cross-family KL divergences against torch');
eachBackend('cross-family KL', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's kl_divergence (values and gradients)`, () => expectCallsLikeTorch(CALLS, 2e-5));
});

it('is finite where q covers p: ContinuousBernoulli and Uniform(0, 1) (torch 1.13 says Infinity at the shared bounds)', () => {
  const cb = new D.ContinuousBernoulli({ probs: 0.3 }), u = new D.Uniform(0, 1);
  expect(Number.isFinite(D.klDivergence(cb, u).item())).toBe(true);
  expect(Number.isFinite(D.klDivergence(u, cb).item())).toBe(true);
  expect(D.klDivergence(cb, new D.Uniform(0.1, 1)).item()).toBe(Infinity);
  expect(D.klDivergence(new D.Uniform(-0.1, 1), cb).item()).toBe(Infinity);
});

it('still names the pairs without a formula', () => {
  expect(() => D.klDivergence(new D.Normal(0, 1), new D.Poisson(1))).toThrow(/^klDivergence: no formula for Normal against Poisson/);
  expect(() => D.klDivergence(new D.Cauchy(0, 1), new D.Normal(0, 1))).toThrow(/^klDivergence: no formula for Cauchy against Normal/);
});
