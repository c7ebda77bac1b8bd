// torch.distributions.kl_divergence between two families (torch 1.13's registered cross pairs: Normal
// and Laplace, Gumbel, Exponential, Gamma, Beta, Uniform, Pareto, ContinuousBernoulli, Poisson and
// Bernoulli, Cauchy with Cauchy), its formulas term for term; Infinity where q gives no mass to what p
// does. torch's masked assignments (result[mask] = inf) are where()s here, the same values.
import { Tensor } from '../tensor';
import { add, div, mul, pow, sub } from '../ops/binary';
import { erf, exp, log, log1p, neg, reciprocal } from '../ops/unary';
import { digamma, lgamma } from '../ops/special';
import { gt, le, lt, where } from '../ops/more';
import { logicalOr } from '../ops/pointwise_more';
import { full } from '../ops/creation';
import { broadcastShapes } from '../shape';
import { Distribution, EULER } from './distribution';
import { Bernoulli, Exponential, Normal, Uniform } from './families';
import { Gamma, Laplace, Poisson } from './more_families';
import { Beta } from './simplex';
import { Binomial } from './counts';
import { Cauchy } from './heavy_tails';
import { Gumbel, Pareto } from './transformed_families';
import { ContinuousBernoulli } from './continuous_bernoulli';

const xLogX = (t: Tensor): Tensor => mul(t, log(t));
/** Infinity over both batches broadcast (torch's _infinite_like of p's parameter, broadcast in the sum it meets). */
const infinite = (p: Distribution, q: Distribution): Tensor => full(broadcastShapes(p.batchShape, q.batchShape), Infinity);

/** Pairs whose divergence is infinite: p puts mass where q has none (torch's _kl_*_infinity). */
const INFINITE: [new (...a: never[]) => Distribution, readonly (new (...a: never[]) => Distribution)[]][] = [
  [Beta, [Pareto]],
  [ContinuousBernoulli, [Pareto]],
  [Exponential, [Beta, ContinuousBernoulli, Pareto, Uniform]],
  [Gamma, [Beta, ContinuousBernoulli, Pareto, Uniform]],
  [Gumbel, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform]],
  [Laplace, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform]],
  [Normal, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform]],
  [Pareto, [Beta, ContinuousBernoulli, Uniform]],
  [Poisson, [Bernoulli, Binomial]],
];

/** KL(p || q) for torch's registered pairs of two families (and Cauchy's own), or null when there is none. */
export function crossKl(p: Distribution, q: Distribution): Tensor | null {
  for (const [pf, qfs] of INFINITE) if (p instanceof pf && qfs.some((qf) => q instanceof qf)) return infinite(p, q);
  if (p instanceof Cauchy && q instanceof Cauchy) {
    return sub(log(add(pow(add(p.scale, q.scale), 2), pow(sub(p.loc, q.loc), 2))), log(mul(mul(p.scale, q.scale), 4)));
  }
  if (p instanceof Bernoulli && q instanceof Poisson) return sub(neg(p.entropy()), sub(mul(p.probs, log(q.rate)), q.rate));
  if (p instanceof Beta) return fromBeta(p, q);
  if (p instanceof ContinuousBernoulli) return fromContinuousBernoulli(p, q);
  if (p instanceof Exponential) return fromExponential(p, q);
  if (p instanceof Gamma) return fromGamma(p, q);
  if (p instanceof Gumbel && q instanceof Normal) {
    const ratio = div(p.scale, q.scale);
    const t1 = log(div(ratio, Math.sqrt(2 * Math.PI)));
    const t2 = div(pow(mul(ratio, Math.PI * 0.5), 2), 3);
    const t3 = mul(pow(div(sub(add(p.loc, mul(p.scale, EULER)), q.loc), q.scale), 2), 0.5);
    return sub(add(add(neg(t1), t2), t3), EULER + 1);
  }
  if (p instanceof Laplace && q instanceof Normal) {
    const varNormal = pow(q.scale, 2);
    const ratio = div(pow(p.scale, 2), varNormal);
    const t1 = mul(log(div(mul(ratio, 2), Math.PI)), 0.5);
    const quad = add(sub(mul(pow(p.loc, 2), 0.5), mul(p.loc, q.loc)), mul(pow(q.loc, 2), 0.5));
    return sub(add(add(neg(t1), ratio), div(quad, varNormal)), 1);
  }
  if (p instanceof Normal && q instanceof Gumbel) {
    const meanScale = div(p.loc, q.scale), varScale = pow(div(p.scale, q.scale), 2), locScale = div(q.loc, q.scale);
    const t3 = exp(add(add(neg(meanScale), mul(varScale, 0.5)), locScale));
    return sub(add(add(mul(log(varScale), -0.5), sub(meanScale, locScale)), t3), 0.5 * (1 + Math.log(2 * Math.PI)));
  }
  if (p instanceof Normal && q instanceof Laplace) {
    const locDiff = sub(p.loc, q.loc);
    const t1 = log(div(p.scale, q.scale));
    const t2 = mul(mul(p.scale, Math.sqrt(2 / Math.PI)), exp(mul(pow(div(locDiff, p.scale), 2), -0.5)));
    const t3 = mul(locDiff, erf(mul(div(locDiff, p.scale), Math.SQRT1_2)));
    return sub(add(neg(t1), div(add(t2, t3), q.scale)), 0.5 * (1 + Math.log(0.5 * Math.PI)));
  }
  if (p instanceof Pareto) return fromPareto(p, q);
  if (p instanceof Uniform) return fromUniform(p, q);
  return null;
}

/** -H(p) - E_p[x] logit(q) - log(1 - q) - log C(q): KL against a ContinuousBernoulli of a p on [0, 1] (torch's Beta and Uniform pairs). */
function againstContinuousBernoulli(p: Beta | Uniform, q: ContinuousBernoulli): Tensor {
  return sub(sub(sub(neg(p.entropy()), mul(p.mean, q.logits)), log1p(neg(q.probs))), q.logNormalizer());
}

function fromBeta(p: Beta, q: Distribution): Tensor | null {
  const [a, b] = [p.concentration1, p.concentration0];
  const mean = div(a, add(a, b));
  if (q instanceof ContinuousBernoulli) return againstContinuousBernoulli(p, q);
  if (q instanceof Exponential) return add(sub(neg(p.entropy()), log(q.rate)), mul(q.rate, mean));
  if (q instanceof Gamma) {
    const t2 = sub(lgamma(q.concentration), mul(q.concentration, log(q.rate)));
    const t3 = mul(sub(q.concentration, 1), sub(digamma(a), digamma(add(a, b))));
    return add(sub(add(neg(p.entropy()), t2), t3), mul(q.rate, mean));
  }
  if (q instanceof Normal) {
    const varNormal = pow(q.scale, 2);
    const t2 = mul(log(mul(varNormal, 2 * Math.PI)), 0.5);
    const t3 = mul(add(div(mul(mean, sub(1, mean)), add(add(a, b), 1)), pow(mean, 2)), 0.5);
    return add(add(neg(p.entropy()), t2), div(add(sub(t3, mul(q.loc, mean)), mul(pow(q.loc, 2), 0.5)), varNormal));
  }
  if (q instanceof Uniform) {
    const result = add(neg(p.entropy()), log(sub(q.high, q.low)));
    return where(logicalOr(gt(q.low, 0), lt(q.high, 1)), Infinity, result);
  }
  return null;
}

function fromContinuousBernoulli(p: ContinuousBernoulli, q: Distribution): Tensor | null {
  if (q instanceof Exponential) return add(sub(neg(p.entropy()), log(q.rate)), mul(q.rate, p.mean));
  if (q instanceof Normal) {
    const t2 = add(mul(add(pow(div(q.loc, q.scale), 2), Math.log(2 * Math.PI)), 0.5), log(q.scale));
    const t3 = div(sub(add(p.variance, pow(p.mean, 2)), mul(mul(q.loc, p.mean), 2)), mul(pow(q.scale, 2), 2));
    return add(add(neg(p.entropy()), t2), t3);
  }
  if (q instanceof Uniform) {
    const result = add(neg(p.entropy()), log(sub(q.high, q.low)));
    // Infinity where q leaves out part of [0, 1]. torch 1.13 writes low >= 0 | high <= 1, Infinity even
    // for q = Uniform(0, 1), which covers p: the strict comparisons are the mathematics.
    return where(logicalOr(gt(q.low, 0), lt(q.high, 1)), Infinity, result);
  }
  return null;
}

function fromExponential(p: Exponential, q: Distribution): Tensor | null {
  if (q instanceof Gamma) {
    const ratio = div(q.rate, p.rate);
    return sub(add(add(add(mul(neg(q.concentration), log(ratio)), ratio), lgamma(q.concentration)), mul(q.concentration, EULER)), 1 + EULER);
  }
  if (q instanceof Gumbel) {
    const prod = mul(p.rate, q.scale), locScale = div(q.loc, q.scale);
    const t2 = div(mul(exp(locScale), prod), add(prod, 1));
    return add(add(sub(sub(log(prod), 1), locScale), t2), reciprocal(prod));
  }
  if (q instanceof Normal) {
    const varNormal = pow(q.scale, 2), rateSqr = pow(p.rate, 2);
    const t1 = mul(log(mul(mul(rateSqr, varNormal), 2 * Math.PI)), 0.5);
    return add(sub(t1, 1), div(add(sub(reciprocal(rateSqr), div(q.loc, p.rate)), mul(pow(q.loc, 2), 0.5)), varNormal));
  }
  return null;
}

function fromGamma(p: Gamma, q: Distribution): Tensor | null {
  const c = p.concentration;
  if (q instanceof Exponential) return add(sub(neg(p.entropy()), log(q.rate)), div(mul(q.rate, c), p.rate));
  if (q instanceof Gumbel) {
    const prod = mul(p.rate, q.scale), locScale = div(q.loc, q.scale);
    const t1 = sub(sub(mul(sub(c, 1), digamma(c)), lgamma(c)), c);
    const t2 = add(log(prod), div(c, prod));
    const t3 = sub(mul(exp(locScale), pow(add(reciprocal(prod), 1), neg(c))), locScale);
    return add(add(t1, t2), t3);
  }
  if (q instanceof Normal) {
    const varNormal = pow(q.scale, 2), betaSqr = pow(p.rate, 2);
    const t1 = sub(sub(mul(log(mul(mul(betaSqr, varNormal), 2 * Math.PI)), 0.5), c), lgamma(c));
    const t2 = div(mul(add(pow(c, 2), c), 0.5), betaSqr);
    const t3 = div(mul(q.loc, c), p.rate);
    return add(add(t1, mul(sub(c, 1), digamma(c))), div(add(sub(t2, t3), mul(pow(q.loc, 2), 0.5)), varNormal));
  }
  return null;
}

function fromPareto(p: Pareto, q: Distribution): Tensor | null {
  const a = p.alpha, s = p.scale;
  if (q instanceof Exponential) {
    const prod = mul(s, q.rate);
    const result = sub(add(sub(log(div(a, prod)), reciprocal(a)), div(mul(a, prod), sub(a, 1))), 1);
    return where(le(a, 1), Infinity, result);
  }
  if (q instanceof Gamma) {
    const common = add(log(s), reciprocal(a));
    const t1 = sub(log(a), common);
    const t2 = sub(lgamma(q.concentration), mul(q.concentration, log(q.rate)));
    const t3 = mul(sub(1, q.concentration), common);
    const t4 = div(mul(mul(q.rate, a), s), sub(a, 1));
    return where(le(a, 1), Infinity, sub(add(add(add(t1, t2), t3), t4), 1));
  }
  if (q instanceof Normal) {
    const varNormal = mul(pow(q.scale, 2), 2);
    const common = div(s, sub(a, 1));
    const t1 = log(div(mul(q.scale, a), s).mul(Math.sqrt(2 * Math.PI)));
    const t3 = div(mul(a, pow(common, 2)), sub(a, 2));
    const t4 = pow(sub(mul(a, common), q.loc), 2);
    return where(le(a, 2), Infinity, sub(add(sub(t1, reciprocal(a)), div(add(t3, t4), varNormal)), 1));
  }
  return null;
}

function fromUniform(p: Uniform, q: Distribution): Tensor | null {
  const width = sub(p.high, p.low);
  // E_p[log x] times the width, less the width: the term the Beta, Gamma and Pareto pairs share.
  const logSpan = () => sub(sub(xLogX(p.high), xLogX(p.low)), width);
  if (q instanceof Beta) {
    const t1 = log(width);
    const t2 = div(mul(sub(q.concentration1, 1), logSpan()), width);
    const t3 = div(mul(sub(q.concentration0, 1), add(sub(xLogX(sub(1, p.high)), xLogX(sub(1, p.low))), width)), width);
    const t4 = sub(add(lgamma(q.concentration1), lgamma(q.concentration0)), lgamma(add(q.concentration1, q.concentration0)));
    return where(logicalOr(gt(p.high, 1), lt(p.low, 0)), Infinity, sub(sub(add(t3, t4), t1), t2));
  }
  if (q instanceof ContinuousBernoulli) {
    const result = againstContinuousBernoulli(p, q);
    // Infinity where p reaches outside [0, 1]. torch 1.13 writes high >= 1 | low <= 0, Infinity even for
    // p = Uniform(0, 1), inside q's support: the strict comparisons are the mathematics.
    return where(logicalOr(gt(p.high, 1), lt(p.low, 0)), Infinity, result);
  }
  if (q instanceof Exponential) {
    const result = sub(div(mul(q.rate, add(p.high, p.low)), 2), log(mul(width, q.rate)));
    return where(lt(p.low, 0), Infinity, result);
  }
  if (q instanceof Gamma) {
    const t2 = sub(lgamma(q.concentration), mul(q.concentration, log(q.rate)));
    const t3 = div(mul(sub(1, q.concentration), logSpan()), width);
    const t4 = div(mul(q.rate, add(p.high, p.low)), 2);
    return where(lt(p.low, 0), Infinity, add(add(add(neg(log(width)), t2), t3), t4));
  }
  if (q instanceof Gumbel) {
    const common = div(q.scale, width);
    const high = div(sub(p.high, q.loc), q.scale), low = div(sub(p.low, q.loc), q.scale);
    const t1 = add(log(common), mul(add(high, low), 0.5));
    return sub(t1, mul(common, sub(exp(neg(high)), exp(neg(low)))));
  }
  if (q instanceof Normal) {
    const t1 = log(div(mul(q.scale, Math.sqrt(2 * Math.PI)), width));
    const t2 = div(pow(width, 2), 12);
    const t3 = pow(div(sub(add(p.high, p.low), mul(q.loc, 2)), 2), 2);
    return add(t1, div(mul(add(t2, t3), 0.5), pow(q.scale, 2)));
  }
  if (q instanceof Pareto) {
    const t1 = log(mul(mul(q.alpha, pow(q.scale, q.alpha)), width));
    const t2 = div(logSpan(), width);
    return where(lt(p.low, q.scale), Infinity, sub(mul(t2, add(q.alpha, 1)), t1));
  }
  return null;
}
