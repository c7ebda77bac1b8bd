// torch.distributions' Gumbel, Weibull, Pareto and Kumaraswamy: TransformedDistributions of a Uniform or
// an Exponential, built from torch 1.13's transforms in its order (so draws, cdf and icdf are theirs),
// with its closed forms for the moments, the entropy and (Gumbel's) logProb.
import { Tensor } from '../tensor';
import { add, div, mul, pow, sub } from '../ops/binary';
import { exp, log, neg, reciprocal } from '../ops/unary';
import { clamp } from '../ops/compare';
import { logicalOr } from '../ops/pointwise_more';
import { lt, where } from '../ops/more';
import { digamma, lgamma } from '../ops/special';
import { expand } from '../ops/shape';
import { full, tensor } from '../ops/creation';
import { broadcastShapes } from '../shape';
import { checkEach, checkedParams, DistributionOptions, EULER, FLOAT32_EPS, FLOAT32_TINY, Param, POSITIVE, REAL } from './distribution';
import { Exponential, Uniform } from './families';
import { TransformedDistribution } from './transformed';
import { AffineTransform, ExpTransform, PowerTransform } from './transforms';


/** The Gumbel (type-I extreme value) distribution of location loc and scale (torch.distributions.Gumbel). */
export class Gumbel extends TransformedDistribution {
  /** The locations (modes). */
  readonly loc: Tensor;
  /** The scales (positive). */
  readonly scale: Tensor;
  /**
   * @param loc the locations
   * @param scale the scales, positive
   * @param options validateArgs
   */
  constructor(loc: Param, scale: Param, options?: DistributionOptions) {
    const { shape, values: [l, s] } = checkedParams('Gumbel', { loc: [loc, REAL], scale: [scale, POSITIVE] }, options);
    // -log(-log(U)) scaled: U on [tiny, 1 - eps), as torch's.
    const base = new Uniform(full(shape, FLOAT32_TINY), full(shape, 1 - FLOAT32_EPS));
    super(base, [new ExpTransform().inv, new AffineTransform(0, full(shape, -1)), new ExpTransform().inv, new AffineTransform(l, neg(s))], options);
    [this.loc, this.scale] = [l, s];
  }
  override logProb(value: Param): Tensor {
    const y = div(sub(this.loc, this.valueOf(value, (x) => !Number.isNaN(x), 'real numbers')), this.scale);
    return sub(sub(y, exp(y)), log(this.scale));
  }
  override get mean(): Tensor { return add(this.loc, mul(this.scale, EULER)); }
  /** The most likely value, loc. */
  override get mode(): Tensor { return this.loc; }
  override get stddev(): Tensor { return mul(this.scale, Math.PI / Math.sqrt(6)); }
  override get variance(): Tensor { return pow(this.stddev, 2); }
  override entropy(): Tensor { return add(log(this.scale), 1 + EULER); }
}

/** The Weibull distribution of scale and concentration k (torch.distributions.Weibull). */
export class Weibull extends TransformedDistribution {
  /** The scales (positive). */
  readonly scale: Tensor;
  /** The concentrations k (positive). */
  readonly concentration: Tensor;
  /**
   * @param scale the scales, positive
   * @param concentration the concentrations (shapes) k, positive
   * @param options validateArgs
   */
  constructor(scale: Param, concentration: Param, options?: DistributionOptions) {
    const { shape, values: [s, c] } = checkedParams('Weibull', { scale: [scale, POSITIVE], concentration: [concentration, POSITIVE] }, options);
    super(new Exponential(full(shape, 1), options), [new PowerTransform(reciprocal(c)), new AffineTransform(0, s)], options);
    [this.scale, this.concentration] = [s, c];
  }
  private get kInverse(): Tensor { return reciprocal(this.concentration); }
  override get mean(): Tensor { return mul(this.scale, exp(lgamma(add(this.kInverse, 1)))); }
  /** The most likely value, scale ((k - 1) / k)^(1 / k). */
  override get mode(): Tensor { return mul(this.scale, pow(div(sub(this.concentration, 1), this.concentration), this.kInverse)); }
  override get variance(): Tensor {
    return mul(pow(this.scale, 2), sub(exp(lgamma(add(mul(this.kInverse, 2), 1))), exp(mul(lgamma(add(this.kInverse, 1)), 2))));
  }
  override entropy(): Tensor {
    return add(add(mul(sub(1, this.kInverse), EULER), log(mul(this.scale, this.kInverse))), 1);
  }
}

/** The Pareto (type I) distribution of scale (its least value) and tail index alpha (torch.distributions.Pareto). */
export class Pareto extends TransformedDistribution {
  /** The scales: the least values (positive). */
  readonly scale: Tensor;
  /** The tail indices (positive). */
  readonly alpha: Tensor;
  /**
   * @param scale the least values, positive
   * @param alpha the tail indices, positive
   * @param options validateArgs
   */
  constructor(scale: Param, alpha: Param, options?: DistributionOptions) {
    const { values: [s, a] } = checkedParams('Pareto', { scale: [scale, POSITIVE], alpha: [alpha, POSITIVE] }, options);
    super(new Exponential(a, options), [new ExpTransform(), new AffineTransform(0, s)], options);
    [this.scale, this.alpha] = [s, a];
  }
  /** value, checked to be at least scale (the support) when validating. */
  private atLeastScale(value: Param, what: string): Tensor {
    const v = typeof value === 'number' ? tensor(value) : value;
    if (this.validateArgs) {
      const shape = broadcastShapes(v.shape, this.scale.shape, `Pareto.${what}`);
      const [vb, s] = [expand(v, shape), expand(this.scale, shape)];
      checkEach(vb, (x, i) => x >= s.data[i], `Pareto.${what}`, 'value', 'within the support (at least scale)');
    }
    return v;
  }
  override logProb(value: Param): Tensor { return super.logProb(this.atLeastScale(value, 'logProb')); }
  override cdf(value: Param): Tensor { return super.cdf(this.atLeastScale(value, 'cdf')); }
  /** alpha scale / (alpha - 1); Infinity where alpha <= 1. */
  override get mean(): Tensor {
    const a = clamp(this.alpha, 1);
    return div(mul(a, this.scale), sub(a, 1));
  }
  /** The most likely value, scale. */
  override get mode(): Tensor { return this.scale; }
  /** Infinity where alpha <= 2. */
  override get variance(): Tensor {
    const a = clamp(this.alpha, 2);
    return div(mul(pow(this.scale, 2), a), mul(pow(sub(a, 1), 2), sub(a, 2)));
  }
  override entropy(): Tensor { return add(log(div(this.scale, this.alpha)), add(reciprocal(this.alpha), 1)); }
}

/** E[X^n] of Kumaraswamy(a, b): b B(1 + n / a, b) (torch's _moments). */
function kumaraswamyMoment(a: Tensor, b: Tensor, n: number): Tensor {
  const arg1 = add(div(n, a), 1);
  return mul(b, exp(sub(add(lgamma(arg1), lgamma(b)), lgamma(add(arg1, b)))));
}

/** The Kumaraswamy distribution on (0, 1) of concentrations a and b (torch.distributions.Kumaraswamy). */
export class Kumaraswamy extends TransformedDistribution {
  /** The concentrations a (positive). */
  readonly concentration1: Tensor;
  /** The concentrations b (positive). */
  readonly concentration0: Tensor;
  /**
   * @param concentration1 a, positive
   * @param concentration0 b, positive
   * @param options validateArgs
   */
  constructor(concentration1: Param, concentration0: Param, options?: DistributionOptions) {
    const { shape, values: [a, b] } = checkedParams('Kumaraswamy', { concentration1: [concentration1, POSITIVE], concentration0: [concentration0, POSITIVE] }, options);
    // (1 - U^(1 / b))^(1 / a), as torch's three transforms of U ~ Uniform(0, 1).
    super(new Uniform(full(shape, 0), full(shape, 1), options), [new PowerTransform(reciprocal(b)), new AffineTransform(1, -1), new PowerTransform(reciprocal(a))], options);
    [this.concentration1, this.concentration0] = [a, b];
  }
  override get mean(): Tensor { return kumaraswamyMoment(this.concentration1, this.concentration0, 1); }
  /**
   * The most likely value ((a - 1) / (a b - 1))^(1 / a); NaN where a < 1 or b < 1. torch 1.13 writes
   * log1p(-b) / b - log1p(-a b) here, NaN for every b > 1: this is the density's maximum instead.
   */
  override get mode(): Tensor {
    const undefinedAt = logicalOr(lt(this.concentration0, 1), lt(this.concentration1, 1));
    // Safe operands where the mode is NaN, so that no NaN reaches the gradients there.
    const [a, b] = [where(undefinedAt, 2, this.concentration1), where(undefinedAt, 2, this.concentration0)];
    const logMode = div(sub(log(sub(a, 1)), log(sub(mul(a, b), 1))), a);
    return where(undefinedAt, NaN, exp(logMode));
  }
  override get variance(): Tensor { return sub(kumaraswamyMoment(this.concentration1, this.concentration0, 2), pow(this.mean, 2)); }
  override entropy(): Tensor {
    const t1 = sub(1, reciprocal(this.concentration1)), t0 = sub(1, reciprocal(this.concentration0));
    const h0 = add(digamma(add(this.concentration0, 1)), EULER);
    return sub(sub(add(t0, mul(t1, h0)), log(this.concentration1)), log(this.concentration0));
  }
}

