// torch.distributions' Cauchy, HalfCauchy, HalfNormal, StudentT, Chi2 and FisherSnedecor, with torch 1.13's
// formulas term for term (torch/distributions/*.py). Where torch writes a masked assignment (a mean
// that is NaN for df <= 1), a where() over a safe operand gives the same values and gradients.
import { Tensor } from '../tensor';
import { add, div, mul, pow, sub } from '../ops/binary';
import { atan, log, log1p, rsqrt, tan } from '../ops/unary';
import { clamp } from '../ops/compare';
import { ge, gt, le, where } from '../ops/more';
import { digamma, lgamma, lgammaOf } from '../ops/special';
import { full, rand, randn, tensor } from '../ops/creation';
import { noGrad } from '../autograd';
import { checkedParams, Distribution, DistributionOptions, FLOAT32_TINY, notInTorch, Param, POSITIVE, REAL } from './distribution';
import { Normal } from './families';
import { Gamma } from './more_families';
import { TransformedDistribution } from './transformed';
import { AbsTransform } from './transforms';

const REALS = (x: number) => !Number.isNaN(x);

/** The Cauchy (Lorentz) distribution of median loc and half width scale (torch.distributions.Cauchy). */
export class Cauchy extends Distribution {
  /** The medians. */
  readonly loc: Tensor;
  /** The half widths at half maximum (positive). */
  readonly scale: Tensor;
  readonly hasRsample = true;
  /**
   * @param loc the medians
   * @param scale the half widths, positive
   * @param options validateArgs
   */
  constructor(loc: Param, scale: Param, options?: DistributionOptions) {
    const { shape, values: [l, s] } = checkedParams('Cauchy', { loc: [loc, REAL], scale: [scale, POSITIVE] }, options);
    super(shape, [], options);
    this.loc = l;
    this.scale = s;
  }
  /** NaN: a Cauchy variable has no mean (torch's). */
  get mean(): Tensor { return full(this.batchShape, NaN); }
  /** The most likely value, loc. */
  override get mode(): Tensor { return this.loc; }
  /** Infinity (torch's). */
  get variance(): Tensor { return full(this.batchShape, Infinity); }
  override rsample(sampleShape: readonly number[] = []): Tensor {
    // A standard Cauchy draw tan(pi (u - 1/2)), as torch's cauchy_.
    const eps = noGrad(() => tan(mul(sub(rand(this.extendedShape(sampleShape)), 0.5), Math.PI)));
    return add(this.loc, mul(eps, this.scale));
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, REALS, 'real numbers');
    return sub(sub(-Math.log(Math.PI), log(this.scale)), log(add(pow(div(sub(v, this.loc), this.scale), 2), 1)));
  }
  override cdf(value: Param): Tensor {
    const v = this.valueOf(value, REALS, 'real numbers');
    return add(div(atan(div(sub(v, this.loc), this.scale)), Math.PI), 0.5);
  }
  override icdf(value: Param): Tensor {
    const v = typeof value === 'number' ? tensor(value) : value;
    return add(mul(tan(mul(sub(v, 0.5), Math.PI)), this.scale), this.loc);
  }
  entropy(): Tensor { return add(log(this.scale), Math.log(4 * Math.PI)); }
}

/** The shared part of HalfNormal and HalfCauchy: |X| for X of a symmetric base about 0 (torch's AbsTransform of it). */
abstract class Folded extends TransformedDistribution {
  protected constructor(base: Normal | Cauchy, options: DistributionOptions | undefined) {
    super(base, new AbsTransform(), options);
  }
  /** The base's scale. */
  get scale(): Tensor { return (this.baseDist as Normal | Cauchy).scale; }
  /** The most likely value, 0. */
  override get mode(): Tensor { return full(this.batchShape, 0); }
  override logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => x >= 0, 'non-negative numbers');
    return where(ge(v, 0), add(this.baseDist.logProb(v), Math.LN2), -Infinity);
  }
  override cdf(value: Param): Tensor {
    return sub(mul(this.baseDist.cdf(this.valueOf(value, (x) => x >= 0, 'non-negative numbers')), 2), 1);
  }
  override icdf(value: Param): Tensor {
    const v = typeof value === 'number' ? tensor(value) : value;
    return this.baseDist.icdf(div(add(v, 1), 2));
  }
  override entropy(): Tensor { return sub(this.baseDist.entropy(), Math.LN2); }
}

/** |X| for X ~ Normal(0, scale) (torch.distributions.HalfNormal). */
export class HalfNormal extends Folded {
  /**
   * @param scale the scale of the Normal folded, positive
   * @param options validateArgs
   */
  constructor(scale: Param, options?: DistributionOptions) {
    const { values: [s] } = checkedParams('HalfNormal', { scale: [scale, POSITIVE] }, options);
    super(new Normal(0, s, { validateArgs: false }), options);
  }
  override get mean(): Tensor { return mul(this.scale, Math.sqrt(2 / Math.PI)); }
  override get variance(): Tensor { return mul(pow(this.scale, 2), 1 - 2 / Math.PI); }
}

/** |X| for X ~ Cauchy(0, scale) (torch.distributions.HalfCauchy). */
export class HalfCauchy extends Folded {
  /**
   * @param scale the scale of the Cauchy folded, positive
   * @param options validateArgs
   */
  constructor(scale: Param, options?: DistributionOptions) {
    const { values: [s] } = checkedParams('HalfCauchy', { scale: [scale, POSITIVE] }, options);
    super(new Cauchy(0, s, { validateArgs: false }), options);
  }
  /** Infinity (torch's). */
  override get mean(): Tensor { return full(this.batchShape, Infinity); }
  /** Infinity (torch's). */
  override get variance(): Tensor { return full(this.batchShape, Infinity); }
}

/** The chi-squared distribution of df degrees of freedom: Gamma(df / 2, 1 / 2) (torch.distributions.Chi2). */
export class Chi2 extends Gamma {
  /**
   * @param df the degrees of freedom, positive
   * @param options validateArgs
   */
  constructor(df: Param, options?: DistributionOptions) {
    super(mul(checkedParams('Chi2', { df: [df, POSITIVE] }, options).values[0], 0.5), 0.5, options);
  }
  /** The degrees of freedom. */
  get df(): Tensor { return mul(this.concentration, 2); }
}

/** Student's t distribution of df degrees of freedom, location loc and scale (torch.distributions.StudentT). */
export class StudentT extends Distribution {
  /** The degrees of freedom (positive). */
  readonly df: Tensor;
  /** The locations. */
  readonly loc: Tensor;
  /** The scales (positive). */
  readonly scale: Tensor;
  readonly hasRsample = true;
  /**
   * @param df the degrees of freedom, positive
   * @param loc the locations (default 0)
   * @param scale the scales, positive (default 1)
   * @param options validateArgs
   */
  constructor(df: Param, loc: Param = 0, scale: Param = 1, options?: DistributionOptions) {
    const { shape, values: [d, l, s] } = checkedParams('StudentT', { df: [df, POSITIVE], loc: [loc, REAL], scale: [scale, POSITIVE] }, options);
    super(shape, [], options);
    [this.df, this.loc, this.scale] = [d, l, s];
  }
  /** loc, or NaN where df <= 1. */
  get mean(): Tensor { return where(le(this.df, 1), NaN, this.loc); }
  /** The most likely value, loc. */
  override get mode(): Tensor { return this.loc; }
  /** scale^2 df / (df - 2) for df > 2, Infinity for 1 < df <= 2, NaN for df <= 1. */
  get variance(): Tensor {
    const above2 = gt(this.df, 2);
    const df = where(above2, this.df, 3);
    const finite = div(mul(pow(this.scale, 2), df), sub(df, 2));
    return where(above2, finite, where(gt(this.df, 1), Infinity, NaN));
  }
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const x = noGrad(() => randn(this.extendedShape(sampleShape)));
    const z = new Chi2(this.df, { validateArgs: false }).rsample(sampleShape);
    return add(this.loc, mul(this.scale, mul(x, rsqrt(div(z, this.df)))));
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, REALS, 'real numbers');
    const y = div(sub(v, this.loc), this.scale);
    const z = sub(add(add(add(log(this.scale), mul(log(this.df), 0.5)), 0.5 * Math.log(Math.PI)), lgamma(mul(this.df, 0.5))), lgamma(mul(add(this.df, 1), 0.5)));
    return sub(mul(mul(add(this.df, 1), -0.5), log1p(div(pow(y, 2), this.df))), z);
  }
  entropy(): Tensor {
    const half = mul(this.df, 0.5), halfUp = mul(add(this.df, 1), 0.5);
    const lbeta = sub(add(lgamma(half), lgammaOf(0.5)), lgamma(halfUp));
    return add(add(add(log(this.scale), mul(halfUp, sub(digamma(halfUp), digamma(half)))), mul(log(this.df), 0.5)), lbeta);
  }
}

/** Fisher-Snedecor's F distribution of df1 and df2 degrees of freedom (torch.distributions.FisherSnedecor). */
export class FisherSnedecor extends Distribution {
  /** The numerator's degrees of freedom (positive). */
  readonly df1: Tensor;
  /** The denominator's degrees of freedom (positive). */
  readonly df2: Tensor;
  readonly hasRsample = true;
  /**
   * @param df1 the numerator's degrees of freedom, positive
   * @param df2 the denominator's degrees of freedom, positive
   * @param options validateArgs
   */
  constructor(df1: Param, df2: Param, options?: DistributionOptions) {
    const { shape, values: [a, b] } = checkedParams('FisherSnedecor', { df1: [df1, POSITIVE], df2: [df2, POSITIVE] }, options);
    super(shape, [], options);
    [this.df1, this.df2] = [a, b];
  }
  /** df2 / (df2 - 2), NaN where df2 <= 2. */
  get mean(): Tensor {
    const df2 = where(le(this.df2, 2), NaN, this.df2);
    return div(df2, sub(df2, 2));
  }
  /** (df1 - 2) / df1 * df2 / (df2 + 2), NaN where df1 <= 2. */
  override get mode(): Tensor {
    return where(le(this.df1, 2), NaN, mul(div(sub(this.df1, 2), this.df1), div(this.df2, add(this.df2, 2))));
  }
  /** NaN where df2 <= 4. */
  get variance(): Tensor {
    const df2 = where(le(this.df2, 4), NaN, this.df2);
    return div(mul(mul(pow(df2, 2), 2), sub(add(this.df1, df2), 2)), mul(mul(this.df1, pow(sub(df2, 2), 2)), sub(df2, 4)));
  }
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const x1 = new Gamma(mul(this.df1, 0.5), this.df1, { validateArgs: false }).rsample(sampleShape);
    const x2 = clamp(new Gamma(mul(this.df2, 0.5), this.df2, { validateArgs: false }).rsample(sampleShape), FLOAT32_TINY);
    return clamp(div(x1, x2), FLOAT32_TINY);
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => x > 0, 'positive numbers');
    const ct1 = mul(this.df1, 0.5), ct2 = mul(this.df2, 0.5), ct3 = div(this.df1, this.df2);
    const t1 = sub(sub(lgamma(add(ct1, ct2)), lgamma(ct1)), lgamma(ct2));
    const t2 = add(mul(ct1, log(ct3)), mul(sub(ct1, 1), log(v)));
    const t3 = mul(add(ct1, ct2), log1p(mul(ct3, v)));
    return sub(add(t1, t2), t3);
  }
  entropy(): Tensor { return notInTorch(this, 'entropy'); }
}
