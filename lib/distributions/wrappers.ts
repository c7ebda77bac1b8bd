// Distributions made from others, as torch.distributions': Independent (batch dims read as event
// dims, their log-probabilities summed), LogNormal (the exp of a Normal: torch's
// TransformedDistribution with ExpTransform, its formulas in the same order) and OneHotCategorical
// (a Categorical's index as a one-hot vector).
import { Tensor } from '../tensor';
import { shown } from '../args';
import { add, mul, pow, sub } from '../ops/binary';
import { exp, log, neg } from '../ops/unary';
import { argmax, sum } from '../ops/reduce';
import { oneHot } from '../ops/scatter';
import { tensor } from '../ops/creation';
import { checkTensor } from '../ops/core';
import { noGrad } from '../autograd';
import { Distribution, DistributionOptions, Param } from './distribution';
import { Categorical, Normal, ProbsOrLogits } from './families';

/** t summed over its last n dims (torch's _sum_rightmost). */
function sumRightmost(t: Tensor, n: number): Tensor {
  return n === 0 ? t : sum(t, Array.from({ length: n }, (_, i) => -1 - i));
}

/**
 * The base distribution with its last reinterpretedBatchNdims batch dims read as event dims
 * (torch.distributions.Independent): logProb and entropy sum over them; draws and moments are the
 * base's.
 */
export class Independent extends Distribution {
  /** The distribution reinterpreted. */
  readonly baseDist: Distribution;
  /** How many of its batch dims became event dims. */
  readonly reinterpretedBatchNdims: number;
  readonly hasRsample: boolean;
  /**
   * @param baseDist the distribution reinterpreted
   * @param reinterpretedBatchNdims how many of its (last) batch dims become event dims
   * @param options validateArgs (the base's checks are its own)
   */
  constructor(baseDist: Distribution, reinterpretedBatchNdims: number, options?: DistributionOptions) {
    if (!(baseDist instanceof Distribution)) throw new Error(`Independent: baseDist must be a distribution, got ${shown(baseDist)}`);
    const n = reinterpretedBatchNdims;
    if (!Number.isInteger(n) || n < 0 || n > baseDist.batchShape.length) {
      throw new Error(`Independent: reinterpretedBatchNdims must be an integer in [0, ${baseDist.batchShape.length}] (the base's batch dims, shape [${baseDist.batchShape.join(', ')}]), got ${shown(n)}`);
    }
    const cut = baseDist.batchShape.length - n;
    super(baseDist.batchShape.slice(0, cut), [...baseDist.batchShape.slice(cut), ...baseDist.eventShape], options);
    this.baseDist = baseDist;
    this.reinterpretedBatchNdims = n;
    this.hasRsample = baseDist.hasRsample;
  }
  get mean(): Tensor { return this.baseDist.mean; }
  get variance(): Tensor { return this.baseDist.variance; }
  override rsample(sampleShape: readonly number[] = []): Tensor { return this.baseDist.rsample(sampleShape); }
  override sample(sampleShape: readonly number[] = []): Tensor { return this.baseDist.sample(sampleShape); }
  logProb(value: Param): Tensor { return sumRightmost(this.baseDist.logProb(value), this.reinterpretedBatchNdims); }
  entropy(): Tensor { return sumRightmost(this.baseDist.entropy(), this.reinterpretedBatchNdims); }
}

/** The distribution of exp(X) for X ~ Normal(loc, scale) (torch.distributions.LogNormal). */
export class LogNormal extends Distribution {
  /** The Normal whose exp this is. */
  readonly baseDist: Normal;
  readonly hasRsample = true;
  /**
   * @param loc the mean of the log
   * @param scale the standard deviation of the log, positive
   * @param options validateArgs
   */
  constructor(loc: Param, scale: Param, options?: DistributionOptions) {
    const base = new Normal(loc, scale, options);
    super(base.batchShape, [], options);
    this.baseDist = base;
  }
  /** The mean of the log. */
  get loc(): Tensor { return this.baseDist.loc; }
  /** The standard deviation of the log. */
  get scale(): Tensor { return this.baseDist.scale; }
  get mean(): Tensor { return exp(add(this.loc, pow(this.scale, 2).div(2))); }
  /** The most likely value, exp(loc - scale^2). */
  get mode(): Tensor { return exp(sub(this.loc, pow(this.scale, 2))); }
  get variance(): Tensor {
    const scale2 = pow(this.scale, 2);
    return mul(sub(exp(scale2), 1), exp(add(mul(this.loc, 2), scale2)));
  }
  override rsample(sampleShape: readonly number[] = []): Tensor { return exp(this.baseDist.rsample(sampleShape)); }
  logProb(value: Param): Tensor {
    const y = this.valueOf(value, (v) => v > 0, 'positive numbers');
    // torch's TransformedDistribution: minus the exp's log-Jacobian at x = log y (which is x), then the base's density at x.
    const x = log(y);
    return add(neg(x), this.baseDist.logProb(x));
  }
  entropy(): Tensor { return add(this.baseDist.entropy(), this.loc); }
  override cdf(value: Param): Tensor {
    const y = this.valueOf(value, (v) => v > 0, 'positive numbers');
    return this.baseDist.cdf(log(y));
  }
  override icdf(value: Param): Tensor { return exp(this.baseDist.icdf(value)); }
}

/** A categorical draw as a one-hot vector over the last dim (torch.distributions.OneHotCategorical). */
export class OneHotCategorical extends Distribution {
  /** The Categorical whose index this encodes. */
  readonly categorical: Categorical;
  readonly hasRsample = false;
  /**
   * @param params probs (non-negative, normalized here) or logits, [..., K]
   * @param options validateArgs
   */
  constructor(params: ProbsOrLogits, options?: DistributionOptions) {
    const c = new Categorical(params, options);
    super(c.batchShape, [c.numCategories], options);
    this.categorical = c;
  }
  /** The probabilities, normalized along the last dim. */
  get probs(): Tensor { return this.categorical.probs; }
  /** The normalized log-probabilities. */
  get logits(): Tensor { return this.categorical.logits; }
  get mean(): Tensor { return this.probs; }
  get variance(): Tensor { return mul(this.probs, sub(1, this.probs)); }
  override sample(sampleShape: readonly number[] = []): Tensor {
    return noGrad(() => oneHot(this.categorical.sample(sampleShape), this.categorical.numCategories));
  }
  logProb(value: Param): Tensor {
    const what = 'OneHotCategorical.logProb';
    const v = typeof value === 'number' ? tensor(value) : value;
    checkTensor(v, what);
    const k = this.categorical.numCategories;
    if (v.ndim < 1 || v.shape[v.ndim - 1] !== k) throw new Error(`${what}: value must be one-hot vectors of ${k} along the last dim, got shape [${v.shape.join(', ')}]`);
    if (this.validateArgs) {
      for (let r = 0; r < v.size / k; r++) {
        let ones = 0;
        for (let j = 0; j < k; j++) {
          const e = v.data[r * k + j];
          if (e !== 0 && e !== 1) ones = -Infinity;
          ones += e;
        }
        if (ones !== 1) throw new Error(`${what}: value must be within the support (one-hot vectors: one 1, the rest 0), got row ${r} of shape [${v.shape.join(', ')}]`);
      }
    }
    // torch takes the index of each row's largest entry.
    return this.categorical.logProb(argmax(v, -1));
  }
  entropy(): Tensor { return this.categorical.entropy(); }
}
