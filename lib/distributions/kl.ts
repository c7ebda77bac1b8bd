// torch.distributions.kl_divergence for the pairs of one family that torch registers among the
// families here, with its formulas (infinite where q gives no mass to what p does).
import { Tensor } from '../tensor';
import { add, div, mul, pow, sub } from '../ops/binary';
import { abs, exp, log, log1p, neg } from '../ops/unary';
import { digamma, lgamma } from '../ops/special';
import { any, eq, gt, lt, where } from '../ops/more';
import { logicalOr } from '../ops/pointwise_more';
import { softplus } from '../ops/more';
import { sum } from '../ops/reduce';
import { Distribution, EULER } from './distribution';
import { Bernoulli, Categorical, Exponential, Normal, Uniform } from './families';
import { Gamma, Laplace, MultivariateNormal, Poisson } from './more_families';
import { Beta, Dirichlet } from './simplex';
import { Independent, sumRightmost } from './independent';
import { TransformedDistribution } from './transformed';
import { OneHotCategorical } from './wrappers';
import { Binomial, Geometric } from './counts';
import { HalfNormal } from './heavy_tails';
import { Gumbel, Pareto } from './transformed_families';
import { crossKl } from './kl_cross';
import { lowRankKl } from './low_rank_normal';
import { Wishart } from './wishart';

import { unsqueeze } from '../ops/shape';

/** t with Infinity where mask is nonzero, then 0 where zero is nonzero (torch's two masked assignments, in that order). */
function infThenZero(t: Tensor, infAt: Tensor, zeroAt: Tensor): Tensor {
  return where(zeroAt, 0, where(infAt, Infinity, t));
}

/**
 * KL(p || q) for each distribution of the batch (torch.distributions.kl_divergence): Normal, Uniform,
 * Exponential, Bernoulli, Categorical, Laplace, Poisson, Gamma, MultivariateNormal, Beta,
 * Dirichlet, Binomial, Geometric, Gumbel, HalfNormal, Pareto, Independent (the same reinterpreted
 * dims), TransformedDistribution (LogNormal: the same transforms) and OneHotCategorical against the
 * same family; LowRankMultivariateNormal against itself and MultivariateNormal, both ways; Wishart
 * against Wishart (torch's Bregman divergence, in closed form); and torch's pairs of two families
 * (kl_cross.ts).
 */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  if (p instanceof Normal && q instanceof Normal) {
    const varRatio = pow(div(p.scale, q.scale), 2);
    const t1 = pow(div(sub(p.loc, q.loc), q.scale), 2);
    return mul(sub(sub(add(varRatio, t1), 1), log(varRatio)), 0.5);
  }
  if (p instanceof Uniform && q instanceof Uniform) {
    const result = log(div(sub(q.high, q.low), sub(p.high, p.low)));
    return where(logicalOr(gt(q.low, p.low), lt(q.high, p.high)), Infinity, result);
  }
  if (p instanceof Exponential && q instanceof Exponential) {
    const rateRatio = div(q.rate, p.rate);
    return sub(add(neg(log(rateRatio)), rateRatio), 1);
  }
  if (p instanceof Bernoulli && q instanceof Bernoulli) {
    const t1 = infThenZero(mul(p.probs, sub(softplus(neg(q.logits)), softplus(neg(p.logits)))), eq(q.probs, 0), eq(p.probs, 0));
    const t2 = infThenZero(mul(sub(1, p.probs), sub(softplus(q.logits), softplus(p.logits))), eq(q.probs, 1), eq(p.probs, 1));
    return add(t1, t2);
  }
  if (p instanceof Categorical && q instanceof Categorical) {
    const t = mul(p.probs, sub(p.logits, q.logits));
    return sum(infThenZero(t, eq(q.probs, 0), eq(p.probs, 0)), -1);
  }
  if (p instanceof Laplace && q instanceof Laplace) {
    const scaleRatio = div(p.scale, q.scale);
    const locAbsDiff = abs(sub(p.loc, q.loc));
    const t3 = mul(scaleRatio, exp(div(neg(locAbsDiff), p.scale)));
    return sub(add(add(neg(log(scaleRatio)), div(locAbsDiff, q.scale)), t3), 1);
  }
  if (p instanceof Poisson && q instanceof Poisson) {
    return sub(mul(p.rate, sub(log(p.rate), log(q.rate))), sub(p.rate, q.rate));
  }
  if (p instanceof Gamma && q instanceof Gamma) {
    const t1 = mul(q.concentration, log(div(p.rate, q.rate)));
    const t2 = sub(lgamma(q.concentration), lgamma(p.concentration));
    const t3 = mul(sub(p.concentration, q.concentration), digamma(p.concentration));
    const t4 = mul(sub(q.rate, p.rate), div(p.concentration, p.rate));
    return add(add(add(t1, t2), t3), t4);
  }
  if (p instanceof MultivariateNormal && q instanceof MultivariateNormal) return q.klFrom(p);
  const lowRank = lowRankKl(p, q);
  if (lowRank) return lowRank;
  if (p instanceof Wishart && q instanceof Wishart) return q.klFrom(p);
  if (p instanceof Beta && q instanceof Beta) {
    const sumP = add(p.concentration1, p.concentration0), sumQ = add(q.concentration1, q.concentration0);
    const t1 = add(add(lgamma(q.concentration1), lgamma(q.concentration0)), lgamma(sumP));
    const t2 = add(add(lgamma(p.concentration1), lgamma(p.concentration0)), lgamma(sumQ));
    const t3 = mul(sub(p.concentration1, q.concentration1), digamma(p.concentration1));
    const t4 = mul(sub(p.concentration0, q.concentration0), digamma(p.concentration0));
    const t5 = mul(sub(sumQ, sumP), digamma(sumP));
    return add(add(add(sub(t1, t2), t3), t4), t5);
  }
  if (p instanceof Dirichlet && q instanceof Dirichlet) {
    const sumP = sum(p.concentration, -1), sumQ = sum(q.concentration, -1);
    const t1 = sub(lgamma(sumP), lgamma(sumQ));
    const t2 = sum(sub(lgamma(p.concentration), lgamma(q.concentration)), -1);
    const t3 = sub(p.concentration, q.concentration);
    const t4 = sub(digamma(p.concentration), unsqueeze(digamma(sumP), -1));
    return add(sub(t1, t2), sum(mul(t3, t4), -1));
  }
  if (p instanceof Independent && q instanceof Independent) {
    if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) throw new Error(`klDivergence: Independent distributions of ${p.reinterpretedBatchNdims} and ${q.reinterpretedBatchNdims} reinterpreted dims (torch has no formula either)`);
    return sumRightmost(klDivergence(p.baseDist, q.baseDist), p.reinterpretedBatchNdims);
  }
  if (p instanceof Binomial && q instanceof Binomial) {
    if (any(lt(p.totalCount, q.totalCount)).item()) throw new Error("klDivergence: Binomials where q's totalCount is above p's (torch has no formula either)");
    const kl = mul(p.totalCount, add(mul(p.probs, sub(p.logits, q.logits)), sub(log1p(neg(p.probs)), log1p(neg(q.probs)))));
    return where(gt(p.totalCount, q.totalCount), Infinity, kl);
  }
  if (p instanceof Geometric && q instanceof Geometric) return sub(sub(neg(p.entropy()), div(log1p(neg(q.probs)), p.probs)), q.logits);
  // Gumbel, HalfNormal and Pareto are TransformedDistributions with formulas of their own: before the general pair.
  if (p instanceof Gumbel && q instanceof Gumbel) {
    const ct1 = div(p.scale, q.scale), ct2 = div(q.loc, q.scale), ct3 = div(p.loc, q.scale);
    const t1 = add(sub(neg(log(ct1)), ct2), ct3);
    const t3 = exp(sub(add(ct2, lgamma(add(ct1, 1))), ct3));
    return sub(add(add(t1, mul(ct1, EULER)), t3), 1 + EULER);
  }
  if (p instanceof HalfNormal && q instanceof HalfNormal) return klDivergence(p.baseDist, q.baseDist);
  if (p instanceof Pareto && q instanceof Pareto) {
    const alphaRatio = div(q.alpha, p.alpha);
    const result = sub(add(add(mul(q.alpha, log(div(p.scale, q.scale))), neg(log(alphaRatio))), alphaRatio), 1);
    return where(lt(p.scale, q.scale), Infinity, result);
  }
  // Pairs of two families (Gumbel against Pareto among them) before the general TransformedDistribution pair.
  const cross = crossKl(p, q);
  if (cross) return cross;
  if (p instanceof TransformedDistribution && q instanceof TransformedDistribution) {
    // The same transforms, the same events: the bases' divergence, summed over the dims the transforms made events.
    if (p.transforms.length !== q.transforms.length || p.transforms.some((t, i) => !t.equals(q.transforms[i]))) throw new Error('klDivergence: TransformedDistributions of different transforms (torch has no formula either)');
    if (p.eventShape.join() !== q.eventShape.join()) throw new Error(`klDivergence: TransformedDistributions of events [${p.eventShape.join(', ')}] and [${q.eventShape.join(', ')}]`);
    return sumRightmost(klDivergence(p.baseDist, q.baseDist), p.eventShape.length - p.baseDist.eventShape.length);
  }
  if (p instanceof OneHotCategorical && q instanceof OneHotCategorical) return klDivergence(p.categorical, q.categorical);
  throw new Error(`klDivergence: no formula for ${p?.constructor?.name ?? shownName(p)} against ${q?.constructor?.name ?? shownName(q)} (the pairs: Normal, Uniform, Exponential, Bernoulli, Categorical, Laplace, Poisson, Gamma, MultivariateNormal, Beta, Dirichlet, Binomial, Geometric, Gumbel, HalfNormal, Pareto, Independent, TransformedDistribution (LogNormal), OneHotCategorical, each against its own family; LowRankMultivariateNormal against itself and MultivariateNormal both ways, Wishart against Wishart; and torch's cross pairs among Normal, Laplace, Gumbel, Exponential, Gamma, Beta, Uniform, Pareto, ContinuousBernoulli, Poisson and Bernoulli, and Cauchy's own)`);
}

const shownName = (v: unknown): string => (v === null ? 'null' : typeof v);
