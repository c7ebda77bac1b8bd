// Distributions made from others, as torch.distributions': LogNormal (the exp of a Normal: torch's
// TransformedDistribution with ExpTransform) and OneHotCategorical (a Categorical's index as a
// one-hot vector).
import { Tensor } from '../tensor';
import { add, mul, pow, sub } from '../ops/binary';
import { exp } from '../ops/unary';
import { argmax } from '../ops/reduce';
import { oneHot } from '../ops/scatter';
import { eye, tensor } from '../ops/creation';
import { checkTensor } from '../ops/core';
import { noGrad } from '../autograd';
import { Distribution, DistributionOptions, enumerated, Param } from './distribution';
import { Categorical, Normal, ProbsOrLogits } from './families';
import { TransformedDistribution } from './transformed';
import { ExpTransform } from './transforms';
import { StickBreakingTransform } from './transforms_more';
import { Independent } from './independent';
import { reshape } from '../ops/shape';

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
  override get mode(): Tensor { return exp(sub(this.loc, pow(this.scale, 2))); }
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
  readonly hasRsample: boolean = false;
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
  /** The most likely category, one-hot. */
  override get mode(): Tensor { return oneHot(this.categorical.mode, this.categorical.numCategories); }
  get variance(): Tensor { return mul(this.probs, sub(1, this.probs)); }
  /** The K one-hot vectors [K, ..., K], laid out as the batch. */
  override enumerateSupport(expandToBatch = true): Tensor { return enumerated(eye(this.categorical.numCategories), this.batchShape, expandToBatch); }
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

/**
 * OneHotCategorical whose rsample passes gradients straight through: the one-hot draw plus
 * probs - probs.detach(), so the forward value is the draw and the gradient that of probs
 * (torch.distributions.OneHotCategoricalStraightThrough).
 */
export class OneHotCategoricalStraightThrough extends OneHotCategorical {
  override readonly hasRsample: boolean = true;
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const draws = this.sample(sampleShape);
    return add(draws, sub(this.probs, this.probs.detach()));
  }
}

/**
 * The distribution on the simplex of stick breaking applied to X ~ Normal(loc, scale) of the last dim
 * (torch.distributions.LogisticNormal): events one longer than loc's last dim.
 */
export class LogisticNormal extends TransformedDistribution {
  declare readonly baseDist: Independent;
  /**
   * @param loc the means of the underlying normal [..., K - 1]
   * @param scale its standard deviations, positive
   * @param options validateArgs
   */
  constructor(loc: Param, scale: Param, options?: DistributionOptions) {
    let base = new Normal(loc, scale, options);
    // A lone normal becomes a batch of one: stick breaking takes vectors.
    if (base.batchShape.length === 0) base = new Normal(reshape(base.loc, [1]), reshape(base.scale, [1]), options);
    super(base, new StickBreakingTransform(), options);
  }
  /** The means of the underlying normal. */
  get loc(): Tensor { return (this.baseDist.baseDist as Normal).loc; }
  /** Its standard deviations. */
  get scale(): Tensor { return (this.baseDist.baseDist as Normal).scale; }
  override logProb(value: Param): Tensor {
    this.valueOf(value, (x) => x >= 0 && x <= 1, 'points of the simplex');
    return super.logProb(value);
  }
}
