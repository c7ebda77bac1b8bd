// torch.distributions' relaxed (Concrete, Gumbel-softmax) families: LogitRelaxedBernoulli and
// RelaxedBernoulli (its sigmoid), ExpRelaxedCategorical and RelaxedOneHotCategorical (its exp), whose
// rsample is differentiable in the probabilities: a discrete choice that gradients pass through, at
// a temperature. torch 1.13's formulas term for term.
import { Tensor } from '../tensor';
import { add, div, mul, sub } from '../ops/binary';
import { exp, log, log1p, neg } from '../ops/unary';
import { logsumexp } from '../ops/more';
import { lgamma } from '../ops/special';
import { sum } from '../ops/reduce';
import { expand } from '../ops/shape';
import { full, rand, tensor } from '../ops/creation';
import { broadcastShapes } from '../shape';
import { checkTensor } from '../ops/core';
import { noGrad } from '../autograd';
import { broadcastAll, checkEach, clampProbs, Distribution, DistributionOptions, notInTorch, Param, POSITIVE } from './distribution';
import { binaryProbsAndLogits, Categorical, oneOf, ProbsOrLogits } from './families';
import { TransformedDistribution } from './transformed';
import { ExpTransform, SigmoidTransform } from './transforms';


/** The temperature as a tensor, checked positive. */
function temperatureOf(temperature: Param, what: string, validate: boolean): Tensor {
  const t = typeof temperature === 'number' ? tensor(temperature) : temperature;
  checkTensor(t, `${what} temperature`);
  if (validate) checkEach(t, POSITIVE[0], what, 'temperature', POSITIVE[1]);
  return t;
}

/** The logit of a RelaxedBernoulli draw (torch.distributions.LogitRelaxedBernoulli): (logit(U) + logits) / temperature. */
export class LogitRelaxedBernoulli extends Distribution {
  /** The temperatures (positive). */
  readonly temperature: Tensor;
  protected override keptByExpand(): readonly string[] { return ['temperature']; }
  /** The probabilities of 1 of the Bernoulli relaxed. */
  readonly probs: Tensor;
  /** Its log-odds. */
  readonly logits: Tensor;
  readonly hasRsample = true;
  /**
   * @param temperature the relaxation's temperature, positive
   * @param params probs (in [0, 1]) or logits
   * @param options validateArgs
   */
  constructor(temperature: Param, params: ProbsOrLogits, options?: DistributionOptions) {
    const [kind, p] = oneOf(params, 'LogitRelaxedBernoulli');
    const { shape, values: [t] } = broadcastAll('LogitRelaxedBernoulli', { [kind]: p });
    super(shape, [], options);
    this.temperature = temperatureOf(temperature, 'LogitRelaxedBernoulli', this.validateArgs);
    [this.probs, this.logits] = binaryProbsAndLogits('LogitRelaxedBernoulli', kind, t, this.validateArgs, [(v) => v >= 0 && v <= 1, 'in [0, 1]']);
  }
  get mean(): Tensor { return notInTorch(this, 'mean'); }
  get variance(): Tensor { return notInTorch(this, 'variance'); }
  entropy(): Tensor { return notInTorch(this, 'entropy'); }
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    const probs = clampProbs(expand(this.probs, shape));
    const u = noGrad(() => clampProbs(rand(shape)));
    return div(add(sub(log(u), log1p(neg(u))), sub(log(probs), log1p(neg(probs)))), this.temperature);
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => !Number.isNaN(x), 'real numbers');
    const shape = broadcastShapes(this.logits.shape, v.shape, 'LogitRelaxedBernoulli.logProb');
    const diff = sub(expand(this.logits, shape), mul(expand(v, shape), this.temperature));
    return sub(add(log(this.temperature), diff), mul(log1p(exp(diff)), 2));
  }
}

/** A Bernoulli relaxed to (0, 1) at a temperature: the sigmoid of a LogitRelaxedBernoulli (torch.distributions.RelaxedBernoulli). */
export class RelaxedBernoulli extends TransformedDistribution {
  declare readonly baseDist: LogitRelaxedBernoulli;
  /**
   * @param temperature the relaxation's temperature, positive
   * @param params probs (in [0, 1]) or logits
   * @param options validateArgs
   */
  constructor(temperature: Param, params: ProbsOrLogits, options?: DistributionOptions) {
    super(new LogitRelaxedBernoulli(temperature, params, options), new SigmoidTransform(), options);
  }
  /** The temperatures. */
  get temperature(): Tensor { return this.baseDist.temperature; }
  /** The probabilities of 1 of the Bernoulli relaxed. */
  get probs(): Tensor { return this.baseDist.probs; }
  /** Its log-odds. */
  get logits(): Tensor { return this.baseDist.logits; }
  override logProb(value: Param): Tensor {
    this.valueOf(value, (x) => x >= 0 && x <= 1, 'numbers in [0, 1]');
    return super.logProb(value);
  }
}

/** The log of a RelaxedOneHotCategorical draw (torch.distributions.ExpRelaxedCategorical). */
export class ExpRelaxedCategorical extends Distribution {
  /** The temperature (positive). */
  readonly temperature: Tensor;
  protected override keptByExpand(): readonly string[] { return ['temperature']; }
  /** The Categorical relaxed. */
  readonly categorical: Categorical;
  readonly hasRsample = true;
  /**
   * @param temperature the relaxation's temperature, positive
   * @param params probs (non-negative, normalized here) or logits, [..., K]
   * @param options validateArgs
   */
  constructor(temperature: Param, params: ProbsOrLogits, options?: DistributionOptions) {
    const categorical = new Categorical(params, options);
    super(categorical.batchShape, [categorical.numCategories], options);
    this.categorical = categorical;
    this.temperature = temperatureOf(temperature, 'ExpRelaxedCategorical', this.validateArgs);
  }
  /** The probabilities of each category. */
  get probs(): Tensor { return this.categorical.probs; }
  /** The normalized log-probabilities of each category. */
  get logits(): Tensor { return this.categorical.logits; }
  get mean(): Tensor { return notInTorch(this, 'mean'); }
  get variance(): Tensor { return notInTorch(this, 'variance'); }
  entropy(): Tensor { return notInTorch(this, 'entropy'); }
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const gumbels = noGrad(() => neg(log(neg(log(clampProbs(rand(this.extendedShape(sampleShape))))))));
    const scores = div(add(this.logits, gumbels), this.temperature);
    return sub(scores, logsumexp(scores, -1, true));
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => !Number.isNaN(x), 'real numbers');
    const k = this.categorical.numCategories;
    const shape = broadcastShapes(this.logits.shape, v.shape, 'ExpRelaxedCategorical.logProb');
    const logScale = sub(lgamma(full(this.temperature.shape, k)), mul(log(this.temperature), -(k - 1)));
    const score = sub(expand(this.logits, shape), mul(expand(v, shape), this.temperature));
    return add(sum(sub(score, logsumexp(score, -1, true)), -1), logScale);
  }
}

/** A one-hot Categorical relaxed to the simplex at a temperature (Gumbel-softmax; torch.distributions.RelaxedOneHotCategorical). */
export class RelaxedOneHotCategorical extends TransformedDistribution {
  declare readonly baseDist: ExpRelaxedCategorical;
  /**
   * @param temperature the relaxation's temperature, positive
   * @param params probs (non-negative, normalized here) or logits, [..., K]
   * @param options validateArgs
   */
  constructor(temperature: Param, params: ProbsOrLogits, options?: DistributionOptions) {
    super(new ExpRelaxedCategorical(temperature, params, options), new ExpTransform(), options);
  }
  /** The temperature. */
  get temperature(): Tensor { return this.baseDist.temperature; }
  /** The probabilities of each category. */
  get probs(): Tensor { return this.baseDist.probs; }
  /** The normalized log-probabilities of each category. */
  get logits(): Tensor { return this.baseDist.logits; }
  override logProb(value: Param): Tensor {
    this.valueOf(value, (x) => x >= 0 && x <= 1, 'points of the simplex');
    return super.logProb(value);
  }
}
