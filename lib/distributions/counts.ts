// torch.distributions' counting families: Geometric, Binomial, NegativeBinomial and Multinomial, with
// torch 1.13's formulas term for term (torch/distributions/*.py); draws from the library's generator
// (torch's stream differs, the distributions do not).
import { Tensor } from '../tensor';
import { add, div, mul, sub } from '../ops/binary';
import { exp, floor, log, log1p, neg, sigmoid } from '../ops/unary';
import { clamp, minimum } from '../ops/compare';
import { eq, where } from '../ops/more';
import { logicalAnd } from '../ops/pointwise_more';
import { logsigmoid } from '../ops/activation_more';
import { lgamma } from '../ops/special';
import { sum } from '../ops/reduce';
import { expand, reshape } from '../ops/shape';
import { arange, full, rand, tensor } from '../ops/creation';
import { binomial, poisson } from '../ops/sampling';
import { oneHot } from '../ops/scatter';
import { binaryCrossEntropyWithLogits } from '../nn/functional';
import { broadcastShapes } from '../shape';
import { shown } from '../args';
import { noGrad } from '../autograd';
import { broadcastAll, checkEach, Distribution, DistributionOptions, enumerated, FLOAT32_TINY, notInTorch, Param } from './distribution';
import { binaryProbsAndLogits, Categorical, oneOf, ProbsOrLogits } from './families';
import { Gamma } from './more_families';

const NON_NEGATIVE_INTEGER = (x: number) => Number.isInteger(x) && x >= 0;

/** The number of failures before the first success, each trial a success with probability probs (torch.distributions.Geometric). */
export class Geometric extends Distribution {
  /** The probabilities of success, in (0, 1]. */
  readonly probs: Tensor;
  /** The log-odds of success. */
  readonly logits: Tensor;
  readonly hasRsample = false;
  /**
   * @param params probs (in (0, 1]) or logits
   * @param options validateArgs
   */
  constructor(params: ProbsOrLogits, options?: DistributionOptions) {
    const [kind, p] = oneOf(params, 'Geometric');
    const { shape, values: [t] } = broadcastAll('Geometric', { [kind]: p });
    super(shape, [], options);
    [this.probs, this.logits] = binaryProbsAndLogits('Geometric', kind, t, this.validateArgs, [(v) => v > 0 && v <= 1, 'in (0, 1]']);
  }
  get mean(): Tensor { return sub(div(1, this.probs), 1); }
  /** The most likely value, 0. */
  override get mode(): Tensor { return full(this.batchShape, 0); }
  get variance(): Tensor { return div(sub(div(1, this.probs), 1), this.probs); }
  override sample(sampleShape: readonly number[] = []): Tensor {
    return noGrad(() => {
      // U on [tiny, 1), as torch's, then the inverse cdf.
      const u = add(mul(rand(this.extendedShape(sampleShape)), 1 - FLOAT32_TINY), FLOAT32_TINY);
      return floor(div(log(u), log1p(neg(this.probs))));
    });
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, NON_NEGATIVE_INTEGER, 'non-negative integers');
    const shape = broadcastShapes(v.shape, this.probs.shape, 'Geometric.logProb');
    const [vb, pb] = [expand(v, shape), expand(this.probs, shape)];
    // 0 log(1 - 1) is 0: a sure success's first trial.
    const probs = where(logicalAnd(eq(pb, 1), eq(vb, 0)), 0, pb);
    return add(mul(vb, log1p(neg(probs))), log(this.probs));
  }
  entropy(): Tensor { return div(binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: 'none' }), this.probs); }
}

/** (clamp(x, 0) + x - clamp(x, undefined, 0)) / 2: clamp(x, min 0) with gradient 1/2 at 0 (torch's _clamp_by_zero). */
const clampByZero = (x: Tensor): Tensor => div(sub(add(clamp(x, 0), x), clamp(x, undefined, 0)), 2);

/** The common total count of a batch, or an error naming what needs one. */
function homogeneousCount(totalCount: Tensor, what: string): number {
  const n = totalCount.data[0];
  if (!totalCount.data.every((v) => v === n)) throw new Error(`${what}: the total counts differ across the batch; torch supports only one (inhomogeneous total count)`);
  return n;
}

type Check = [(v: number) => boolean, string];

/** Binomial's and NegativeBinomial's parameters: counts and probs or logits broadcast together, each checked when validating. */
function countsAndProbs(what: string, totalCount: Param, params: ProbsOrLogits, options: DistributionOptions | undefined, countOk: Check, probsOk: Check) {
  const [kind, p] = oneOf(params, what);
  const { shape, values: [n, t] } = broadcastAll(what, { totalCount, [kind]: p });
  const validate = options?.validateArgs !== false;
  if (validate) checkEach(n, countOk[0], what, 'totalCount', countOk[1]);
  const [probs, logits] = binaryProbsAndLogits(what, kind, t, validate, probsOk);
  return { shape, totalCount: n, probs, logits };
}

/** The number of successes in totalCount trials, each with probability probs (torch.distributions.Binomial). */
export class Binomial extends Distribution {
  /** The numbers of trials (non-negative integers). */
  readonly totalCount: Tensor;
  /** The probabilities of success, in [0, 1]. */
  readonly probs: Tensor;
  /** The log-odds of success. */
  readonly logits: Tensor;
  readonly hasRsample = false;
  /**
   * @param totalCount the numbers of trials, non-negative integers
   * @param params probs (in [0, 1]) or logits
   * @param options validateArgs
   */
  constructor(totalCount: Param, params: ProbsOrLogits, options?: DistributionOptions) {
    const c = countsAndProbs('Binomial', totalCount, params, options, [NON_NEGATIVE_INTEGER, 'a non-negative integer'], [(v) => v >= 0 && v <= 1, 'in [0, 1]']);
    super(c.shape, [], options);
    [this.totalCount, this.probs, this.logits] = [c.totalCount, c.probs, c.logits];
  }
  get mean(): Tensor { return mul(this.totalCount, this.probs); }
  /** The most likely value, floor((n + 1) p) at most n. */
  override get mode(): Tensor { return minimum(floor(mul(add(this.totalCount, 1), this.probs)), this.totalCount); }
  get variance(): Tensor { return mul(mul(this.totalCount, this.probs), sub(1, this.probs)); }
  override sample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => binomial(expand(this.totalCount, shape), expand(this.probs, shape)));
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, NON_NEGATIVE_INTEGER, 'non-negative integers');
    if (this.validateArgs) {
      const shape = broadcastShapes(v.shape, this.totalCount.shape, 'Binomial.logProb');
      const n = expand(this.totalCount, shape);
      checkEach(expand(v, shape), (x, i) => x <= n.data[i], 'Binomial.logProb', 'value', 'within the support (at most totalCount)');
    }
    const logFactorialN = lgamma(add(this.totalCount, 1));
    const logFactorialK = lgamma(add(v, 1));
    const logFactorialNmK = lgamma(add(sub(this.totalCount, v), 1));
    const normalize = sub(add(mul(this.totalCount, clampByZero(this.logits)), mul(this.totalCount, log1p(exp(neg(this.logits.abs()))))), logFactorialN);
    return sub(sub(sub(mul(v, this.logits), logFactorialK), logFactorialNmK), normalize);
  }
  /** -sum p log p over the support 0 ... n (one total count for the whole batch, as torch's). */
  entropy(): Tensor {
    const lp = this.logProb(this.enumerateSupport(false));
    return neg(sum(mul(exp(lp), lp), 0));
  }
  /** The values 0 ... n as [n + 1, 1, ...] (or expanded to [n + 1, ...batchShape]); one total count for the whole batch. */
  override enumerateSupport(expandToBatch = true): Tensor {
    return enumerated(arange(0, homogeneousCount(this.totalCount, 'Binomial.enumerateSupport') + 1), this.batchShape, expandToBatch);
  }
}

/** The number of successes before totalCount failures, each trial a success with probability probs (torch.distributions.NegativeBinomial). */
export class NegativeBinomial extends Distribution {
  /** The numbers of failures to stop at (non-negative). */
  readonly totalCount: Tensor;
  /** The probabilities of success, in [0, 1). */
  readonly probs: Tensor;
  /** The log-odds of success. */
  readonly logits: Tensor;
  readonly hasRsample = false;
  /**
   * @param totalCount the numbers of failures, non-negative
   * @param params probs (in [0, 1)) or logits
   * @param options validateArgs
   */
  constructor(totalCount: Param, params: ProbsOrLogits, options?: DistributionOptions) {
    const c = countsAndProbs('NegativeBinomial', totalCount, params, options, [(v) => v >= 0, 'non-negative'], [(v) => v >= 0 && v < 1, 'in [0, 1)']);
    super(c.shape, [], options);
    [this.totalCount, this.probs, this.logits] = [c.totalCount, c.probs, c.logits];
  }
  get mean(): Tensor { return mul(this.totalCount, exp(this.logits)); }
  /** The most likely value, floor((n - 1) p / (1 - p)) at least 0. */
  override get mode(): Tensor { return clamp(floor(mul(sub(this.totalCount, 1), exp(this.logits))), 0); }
  get variance(): Tensor { return div(this.mean, sigmoid(neg(this.logits))); }
  override sample(sampleShape: readonly number[] = []): Tensor {
    // A Poisson of a Gamma rate, as torch's.
    return noGrad(() => poisson(new Gamma(this.totalCount, exp(neg(this.logits)), { validateArgs: false }).sample(sampleShape)));
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, NON_NEGATIVE_INTEGER, 'non-negative integers');
    const unnormalized = add(mul(this.totalCount, logsigmoid(neg(this.logits))), mul(v, logsigmoid(this.logits)));
    const countAndValue = add(this.totalCount, v);
    const normalization = add(add(neg(lgamma(countAndValue)), lgamma(add(v, 1))), lgamma(this.totalCount));
    return sub(unnormalized, where(eq(countAndValue, 0), 0, normalization));
  }
  entropy(): Tensor { return notInTorch(this, 'entropy'); }
}

/** The counts of each category in totalCount draws of a Categorical (torch.distributions.Multinomial). */
export class Multinomial extends Distribution {
  /** The number of draws (one for the whole batch). */
  readonly totalCount: number;
  /** The Categorical each draw is from. */
  readonly categorical: Categorical;
  readonly hasRsample = false;
  /**
   * @param totalCount the number of draws, a non-negative integer
   * @param params probs (non-negative, normalized here) or logits, [..., K]
   * @param options validateArgs
   */
  constructor(totalCount: number, params: ProbsOrLogits, options?: DistributionOptions) {
    if (!Number.isSafeInteger(totalCount) || totalCount < 0) throw new Error(`Multinomial: totalCount must be a non-negative integer (one for the whole batch, as torch's), got ${shown(totalCount)}`);
    const categorical = new Categorical(params, options);
    super(categorical.batchShape, [categorical.numCategories], options);
    this.totalCount = totalCount;
    this.categorical = categorical;
  }
  /** The probabilities of each category. */
  get probs(): Tensor { return this.categorical.probs; }
  /** The normalized log-probabilities of each category. */
  get logits(): Tensor { return this.categorical.logits; }
  get mean(): Tensor { return mul(this.probs, this.totalCount); }
  get variance(): Tensor { return mul(mul(this.probs, this.totalCount), sub(1, this.probs)); }
  override sample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    if (this.totalCount === 0) return full(shape, 0);
    return noGrad(() => sum(oneHot(this.categorical.sample([this.totalCount, ...sampleShape]), this.categorical.numCategories), 0));
  }
  logProb(value: Param): Tensor {
    const v = typeof value === 'number' ? tensor(value) : value;
    const what = 'Multinomial.logProb';
    const k = this.categorical.numCategories;
    if (!(v instanceof Tensor) || v.ndim < 1 || v.shape[v.ndim - 1] !== k) throw new Error(`${what}: value must be counts [..., ${k}], got ${v instanceof Tensor ? `shape [${v.shape.join(', ')}]` : shown(value)}`);
    if (this.validateArgs) {
      checkEach(v, NON_NEGATIVE_INTEGER, what, 'value', 'within the support (non-negative integer counts)');
      const totals = sum(v, -1);
      checkEach(totals, (x) => x <= this.totalCount, what, 'value', `within the support (counts summing to at most totalCount ${this.totalCount}; this is a sum of the counts)`);
    }
    const shape = broadcastShapes(this.logits.shape, v.shape, what);
    const [logits, vb] = [expand(this.logits, shape), expand(v, shape)];
    const logFactorialN = lgamma(add(sum(vb, -1), 1));
    const logFactorialXs = sum(lgamma(add(vb, 1)), -1);
    // 0 log 0 is 0: a category that cannot come, counted 0 times.
    const safeLogits = where(logicalAnd(eq(vb, 0), eq(logits, -Infinity)), 0, logits);
    return add(sub(logFactorialN, logFactorialXs), sum(mul(safeLogits, vb), -1));
  }
  entropy(): Tensor {
    const n = this.totalCount;
    const term1 = sub(mul(this.categorical.entropy(), n), lgammaOfCount(n));
    if (n === 0) return term1;
    const binomial = new Binomial(n, { probs: this.probs }, { validateArgs: false });
    // The support 1 ... n: [n, 1, ..., 1] against the binomial's batch [...batch, K].
    const support = reshape(arange(1, n + 1), [n, ...this.batchShape.map(() => 1), 1]);
    const weighted = mul(exp(binomial.logProb(support)), lgamma(add(support, 1)));
    return add(term1, sum(weighted, [0, -1]));
  }
}

/** lgamma(n + 1) = log n! for the count, as a number. */
function lgammaOfCount(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

