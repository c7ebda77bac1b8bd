// Distributions made from others, as torch.distributions': LogNormal (the exp of a Normal: torch's
// TransformedDistribution with ExpTransform) and OneHotCategorical (a Categorical's index as a
// one-hot vector).
import { Tensor } from '../tensor';
import { add, mul, pow, sub } from '../ops/binary';
import { exp } from '../ops/unary';
import { argmax } from '../ops/reduce';
import { oneHot } from '../ops/scatter';
import { tensor } from '../ops/creation';
import { checkTensor } from '../ops/core';
import { noGrad } from '../autograd';
import { Distribution, DistributionOptions, Param } from './distribution';
import { Categorical, Normal, ProbsOrLogits } from './families';
import { TransformedDistribution } from './transformed';
import { ExpTransform } from './transforms';

/**
 * The distribution of exp(X) for X ~ Normal(loc, scale) (torch.distributions.LogNormal: a
 * TransformedDistribution of the Normal by ExpTransform, so logProb, cdf, icdf and draws are its).
 */
export class LogNormal extends TransformedDistribution {
  declare readonly baseDist: Normal;
  /**
   * @param loc the mean of the log
   * @param scale the standard deviation of the log, positive
   * @param options validateArgs
   */
  constructor(loc: Param, scale: Param, options?: DistributionOptions) {
    super(new Normal(loc, scale, options), new ExpTransform(), options);
  }
  /** The mean of the log. */
  get loc(): Tensor { return this.baseDist.loc; }
  /** The standard deviation of the log. */
  get scale(): Tensor { return this.baseDist.scale; }
  override get mean(): Tensor { return exp(add(this.loc, pow(this.scale, 2).div(2))); }
  /** The most likely value, exp(loc - scale^2). */
  get mode(): Tensor { return exp(sub(this.loc, pow(this.scale, 2))); }
  override get variance(): Tensor {
    const scale2 = pow(this.scale, 2);
    return mul(sub(exp(scale2), 1), exp(add(mul(this.loc, 2), scale2)));
  }
  override logProb(value: Param): Tensor {
    this.valueOf(value, (v) => v > 0, 'positive numbers');
    return super.logProb(value);
  }
  override entropy(): Tensor { return add(this.baseDist.entropy(), this.loc); }
  override cdf(value: Param): Tensor {
    this.valueOf(value, (v) => v > 0, 'positive numbers');
    return super.cdf(value);
  }
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
