// torch.distributions' Normal, Uniform, Exponential, Bernoulli and Categorical, with torch 1.13's
// formulas term for term (its constants as Python floats, which a float32 tensor op rounds to float32).
import { Tensor } from '../tensor';
import { add, div, mul, pow, sub } from '../ops/binary';
import { erf, exp, log, log1p, neg, reciprocal, sigmoid } from '../ops/unary';
import { clamp } from '../ops/compare';
import { eq, ge, le, gt, logsumexp, where } from '../ops/more';
import { erfinv } from '../ops/special';
import { softmax } from '../ops/softmax';
import { argmax, sum } from '../ops/reduce';
import { gather } from '../ops/index_ops';
import { expand, reshape, squeeze, unsqueeze } from '../ops/shape';
import { arange, full, rand, randn } from '../ops/creation';
import { bernoulli, multinomial } from '../ops/sampling';
import { broadcastShapes } from '../shape';
import { binaryCrossEntropyWithLogits } from '../nn/functional';
import { noGrad } from '../autograd';
import { broadcastAll, checkEach, checkedParams, clampProbs, Distribution, DistributionOptions, enumerated, Param, POSITIVE, REAL } from './distribution';

const LOG_SQRT_2PI = Math.log(Math.sqrt(2 * Math.PI));

/** The normal distribution N(loc, scale^2) (torch.distributions.Normal). */
export class Normal extends Distribution {
  /** The means. */
  readonly loc: Tensor;
  /** The standard deviations (positive). */
  readonly scale: Tensor;
  readonly hasRsample = true;
  /**
   * @param loc the means
   * @param scale the standard deviations, positive
   * @param options validateArgs
   */
  constructor(loc: Param, scale: Param, options?: DistributionOptions) {
    const { shape, values: [l, s] } = checkedParams('Normal', { loc: [loc, REAL], scale: [scale, POSITIVE] }, options);
    super(shape, [], options);
    this.loc = l;
    this.scale = s;
  }
  get mean(): Tensor { return this.loc; }
  /** The most likely value, loc. */
  override get mode(): Tensor { return this.loc; }
  override get stddev(): Tensor { return this.scale; }
  get variance(): Tensor { return pow(this.scale, 2); }
  override rsample(sampleShape: readonly number[] = []): Tensor {
    return add(this.loc, mul(randn(this.extendedShape(sampleShape)), this.scale));
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => !Number.isNaN(x), 'real numbers');
    const variance = pow(this.scale, 2);
    const logScale = log(this.scale);
    return sub(sub(div(neg(pow(sub(v, this.loc), 2)), mul(variance, 2)), logScale), LOG_SQRT_2PI);
  }
  entropy(): Tensor { return add(log(this.scale), 0.5 + 0.5 * Math.log(2 * Math.PI)); }
  override cdf(value: Param): Tensor {
    const v = this.valueOf(value, (x) => !Number.isNaN(x), 'real numbers');
    return mul(add(erf(div(mul(sub(v, this.loc), reciprocal(this.scale)), Math.SQRT2)), 1), 0.5);
  }
  override icdf(value: Param): Tensor {
    const v = this.valueOf(value, (x) => x >= 0 && x <= 1, 'probabilities in [0, 1]');
    return add(this.loc, mul(mul(this.scale, erfinv(sub(mul(v, 2), 1))), Math.SQRT2));
  }
}

/** The uniform distribution on [low, high) (torch.distributions.Uniform). */
export class Uniform extends Distribution {
  /** The lower bounds (included). */
  readonly low: Tensor;
  /** The upper bounds (excluded), above low. */
  readonly high: Tensor;
  readonly hasRsample = true;
  /**
   * @param low the lower bounds
   * @param high the upper bounds, each above its low
   * @param options validateArgs
   */
  constructor(low: Param, high: Param, options?: DistributionOptions) {
    const { shape, values: [lo, hi] } = broadcastAll('Uniform', { low, high });
    super(shape, [], options);
    if (this.validateArgs) checkEach(hi, (v, i) => v > lo.data[i], 'Uniform', 'high', 'above low');
    this.low = lo;
    this.high = hi;
  }
  get mean(): Tensor { return div(add(this.high, this.low), 2); }
  /** NaN: every value of [low, high) is as likely (torch's). */
  override get mode(): Tensor { return mul(this.high, NaN); }
  get variance(): Tensor { return div(pow(sub(this.high, this.low), 2), 12); }
  override get stddev(): Tensor { return div(sub(this.high, this.low), Math.sqrt(12)); }
  override rsample(sampleShape: readonly number[] = []): Tensor {
    return add(this.low, mul(rand(this.extendedShape(sampleShape)), sub(this.high, this.low)));
  }
  /** value broadcast with the bounds, checked to lie in [low, high) when validating. */
  private inSupport(value: Param): Tensor {
    const v = this.valueOf(value, () => true, '');
    if (this.validateArgs) {
      const shape = broadcastShapes(v.shape, this.batchShape, 'Uniform.logProb');
      const [vb, lo, hi] = [v, this.low, this.high].map((t) => expand(t, shape));
      checkEach(vb, (x, i) => x >= lo.data[i] && x < hi.data[i], 'Uniform.logProb', 'value', 'within the support ([low, high))');
    }
    return v;
  }
  logProb(value: Param): Tensor {
    const v = this.inSupport(value);
    const lb = le(this.low, v), ub = gt(this.high, v);
    return sub(log(mul(lb, ub)), log(sub(this.high, this.low)));
  }
  entropy(): Tensor { return log(sub(this.high, this.low)); }
  override cdf(value: Param): Tensor {
    const v = this.inSupport(value);
    return clamp(div(sub(v, this.low), sub(this.high, this.low)), 0, 1);
  }
  override icdf(value: Param): Tensor {
    return add(mul(this.valueOf(value, (x) => x >= 0 && x <= 1, 'probabilities in [0, 1]'), sub(this.high, this.low)), this.low);
  }
}

/** The exponential distribution of rate lambda (torch.distributions.Exponential). */
export class Exponential extends Distribution {
  /** The rates (positive). */
  readonly rate: Tensor;
  readonly hasRsample = true;
  /**
   * @param rate the rates, positive
   * @param options validateArgs
   */
  constructor(rate: Param, options?: DistributionOptions) {
    const { shape, values: [r] } = checkedParams('Exponential', { rate: [rate, POSITIVE] }, options);
    super(shape, [], options);
    this.rate = r;
  }
  get mean(): Tensor { return reciprocal(this.rate); }
  /** The most likely value, 0. */
  override get mode(): Tensor { return full(this.batchShape, 0); }
  override get stddev(): Tensor { return reciprocal(this.rate); }
  get variance(): Tensor { return pow(this.rate, -2); }
  override rsample(sampleShape: readonly number[] = []): Tensor {
    // An Exponential(1) draw, -log(1 - u), over the rate.
    const unit = noGrad(() => neg(log1p(neg(rand(this.extendedShape(sampleShape))))));
    return div(unit, this.rate);
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => x >= 0, 'non-negative numbers');
    return sub(log(this.rate), mul(this.rate, v));
  }
  entropy(): Tensor { return sub(1, log(this.rate)); }
  override cdf(value: Param): Tensor {
    return sub(1, exp(mul(neg(this.rate), this.valueOf(value, (x) => x >= 0, 'non-negative numbers'))));
  }
  override icdf(value: Param): Tensor {
    return div(neg(log1p(neg(this.valueOf(value, (x) => x >= 0 && x <= 1, 'probabilities in [0, 1]')))), this.rate);
  }
}

/** Exactly one of probs and logits (torch's rule for Bernoulli and Categorical). */
export interface ProbsOrLogits {
  /** The probabilities (Bernoulli: of 1; Categorical: of each category, along the last dim, normalized). */
  probs?: Param;
  /** The log-odds (Bernoulli) or unnormalized log-probabilities (Categorical). */
  logits?: Param;
}

/** Which of probs and logits was given, and it; an error unless exactly one was. */
export function oneOf(p: ProbsOrLogits, what: string): ['probs' | 'logits', Param] {
  if ((p?.probs === undefined) === (p?.logits === undefined)) throw new Error(`${what}: give exactly one of probs and logits`);
  return p.probs !== undefined ? ['probs', p.probs] : ['logits', p.logits as Param];
}

/**
 * [probs, logits] of a binary family from the one given (checked when validating: probs against
 * `probsOk`, logits real): logits from probs clamped to [eps, 1 - eps], as torch's probs_to_logits.
 */
export function binaryProbsAndLogits(what: string, kind: 'probs' | 'logits', t: Tensor, validate: boolean, probsOk: [(v: number) => boolean, string]): [Tensor, Tensor] {
  if (kind === 'probs') {
    if (validate) checkEach(t, probsOk[0], what, 'probs', probsOk[1]);
    const clamped = clampProbs(t);
    return [t, sub(log(clamped), log1p(neg(clamped)))];
  }
  if (validate) checkEach(t, (v) => !Number.isNaN(v), what, 'logits', 'real numbers');
  return [sigmoid(t), t];
}

/** The Bernoulli distribution over {0, 1} (torch.distributions.Bernoulli). */
export class Bernoulli extends Distribution {
  /** The probabilities of 1. */
  readonly probs: Tensor;
  /** The log-odds log(p / (1 - p)), from probs clamped to [eps, 1 - eps] when probs were given. */
  readonly logits: Tensor;
  readonly hasRsample = false;
  /**
   * @param params probs or logits
   * @param options validateArgs
   */
  constructor(params: ProbsOrLogits, options?: DistributionOptions) {
    const [kind, p] = oneOf(params, 'Bernoulli');
    const { shape, values: [t] } = broadcastAll('Bernoulli', { [kind]: p });
    super(shape, [], options);
    [this.probs, this.logits] = binaryProbsAndLogits('Bernoulli', kind, t, this.validateArgs, [(v) => v >= 0 && v <= 1, 'in [0, 1]']);
  }
  get mean(): Tensor { return this.probs; }
  /** 1 where probs > 1/2, 0 below, NaN at 1/2. */
  override get mode(): Tensor { return where(eq(this.probs, 0.5), NaN, ge(this.probs, 0.5)); }
  get variance(): Tensor { return mul(this.probs, sub(1, this.probs)); }
  /** [0, 1], laid out as the batch. */
  override enumerateSupport(expandToBatch = true): Tensor { return enumerated(arange(0, 2), this.batchShape, expandToBatch); }
  override sample(sampleShape: readonly number[] = []): Tensor {
    return noGrad(() => bernoulli(expand(this.probs, this.extendedShape(sampleShape))));
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => x === 0 || x === 1, '0 or 1');
    const shape = broadcastShapes(v.shape, this.logits.shape, 'Bernoulli.logProb');
    return neg(binaryCrossEntropyWithLogits(expand(this.logits, shape), expand(v, shape), { reduction: 'none' }));
  }
  entropy(): Tensor { return binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: 'none' }); }
}

/** A categorical distribution over 0 .. K-1, the categories along the parameters' last dim (torch.distributions.Categorical). */
export class Categorical extends Distribution {
  /** The probabilities, normalized along the last dim. */
  readonly probs: Tensor;
  /** The normalized log-probabilities (from probs clamped to [eps, 1 - eps] when probs were given). */
  readonly logits: Tensor;
  readonly hasRsample = false;
  /** How many categories. */
  readonly numCategories: number;
  /**
   * @param params probs (non-negative, normalized here) or logits (unnormalized), [..., K]
   * @param options validateArgs
   */
  constructor(params: ProbsOrLogits, options?: DistributionOptions) {
    const [kind, p] = oneOf(params, 'Categorical');
    const t = typeof p === 'number' ? null : p;
    if (t === null || t.ndim < 1) throw new Error(`Categorical: ${kind} must be a tensor of at least 1 dim (the categories last), got ${typeof p === 'number' ? p : `shape [${t!.shape.join(', ')}]`}`);
    super(t.shape.slice(0, -1), [], options);
    this.numCategories = t.shape[t.ndim - 1];
    if (kind === 'probs') {
      if (this.validateArgs) checkEach(t, (v) => v >= 0 && Number.isFinite(v), 'Categorical', 'probs', 'non-negative and finite');
      this.probs = div(t, sum(t, -1, true));
      this.logits = log(clampProbs(this.probs));
    } else {
      if (this.validateArgs) checkEach(t, (v) => !Number.isNaN(v), 'Categorical', 'logits', 'real numbers');
      this.logits = sub(t, logsumexp(t, -1, true));
      this.probs = softmax(this.logits, -1);
    }
  }
  /** NaN for each distribution, as torch's (categories have no order). */
  get mean(): Tensor { return full(this.batchShape, NaN); }
  /** NaN for each distribution, as torch's. */
  get variance(): Tensor { return full(this.batchShape, NaN); }
  /** The most likely category. */
  override get mode(): Tensor { return argmax(this.probs, -1); }
  /** The categories 0 ... K - 1, laid out as the batch. */
  override enumerateSupport(expandToBatch = true): Tensor { return enumerated(arange(0, this.numCategories), this.batchShape, expandToBatch); }
  override sample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    const n = shape.slice(0, shape.length - this.batchShape.length).reduce((a, b) => a * b, 1);
    return noGrad(() => {
      const rows = reshape(this.probs, [-1, this.numCategories]);
      // [batch, n] draws, then the sample dims first.
      const draws = multinomial(rows, n, true);
      const t = reshape(draws, [...this.batchShape, n]);
      const perm = [t.ndim - 1, ...this.batchShape.map((_, i) => i)];
      return reshape(t.permute(perm), shape);
    });
  }
  logProb(value: Param): Tensor {
    const k = this.numCategories;
    const v = this.valueOf(value, (x) => Number.isInteger(x) && x >= 0 && x < k, `integers in [0, ${k})`);
    const shape = broadcastShapes([...v.shape, 1], this.logits.shape, 'Categorical.logProb');
    const index = expand(unsqueeze(v, -1), [...shape.slice(0, -1), 1]);
    const logPmf = expand(this.logits, shape);
    return squeeze(gather(logPmf, -1, index), -1);
  }
  entropy(): Tensor {
    const logits = clamp(this.logits, -3.4028234663852886e38);
    return neg(sum(mul(logits, this.probs), -1));
  }
}
