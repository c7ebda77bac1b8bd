// torch.distributions.MixtureSameFamily: a Categorical choice among the last batch dim of a component
// distribution (a Gaussian mixture: Categorical weights over Normal or Independent(Normal) components),
// with torch 1.13's logProb (logsumexp over components), moments, cdf and draws.
import { Tensor } from '../tensor';
import { add, mul, pow, sub } from '../ops/binary';
import { logsumexp } from '../ops/more';
import { logSoftmax } from '../ops/softmax';
import { sum } from '../ops/reduce';
import { expand, reshape, squeeze, unsqueeze } from '../ops/shape';
import { gather } from '../ops/index_ops';
import { tensor } from '../ops/creation';
import { checkTensor } from '../ops/core';
import { shown } from '../args';
import { noGrad } from '../autograd';
import { Distribution, DistributionOptions, notInTorch, Param } from './distribution';
import { Categorical } from './families';

/** A mixture of the components of one distribution's last batch dim, chosen by a Categorical (torch.distributions.MixtureSameFamily). */
export class MixtureSameFamily extends Distribution {
  /** The choice of component: its batch shape broadcasts with the components' without their last dim. */
  readonly mixtureDistribution: Categorical;
  /** The components: their last batch dim holds them. */
  readonly componentDistribution: Distribution;
  readonly hasRsample = false;
  private readonly eventNdims: number;
  /**
   * @param mixtureDistribution a Categorical over the K components
   * @param componentDistribution a distribution of batch shape [..., K]
   * @param options validateArgs
   */
  constructor(mixtureDistribution: Categorical, componentDistribution: Distribution, options?: DistributionOptions) {
    const what = 'MixtureSameFamily';
    if (!(mixtureDistribution instanceof Categorical)) throw new Error(`${what}: mixtureDistribution must be a Categorical, got ${shown(mixtureDistribution)}`);
    if (!(componentDistribution instanceof Distribution)) throw new Error(`${what}: componentDistribution must be a distribution, got ${shown(componentDistribution)}`);
    const mdbs = mixtureDistribution.batchShape, cdbs = componentDistribution.batchShape.slice(0, -1);
    for (let i = 1; i <= Math.min(mdbs.length, cdbs.length); i++) {
      const [a, b] = [mdbs[mdbs.length - i], cdbs[cdbs.length - i]];
      if (a !== 1 && b !== 1 && a !== b) throw new Error(`${what}: the mixture's batch shape [${mdbs.join(', ')}] does not fit the components' [${componentDistribution.batchShape.join(', ')}] (their last dim the components)`);
    }
    const km = mixtureDistribution.numCategories, kc = componentDistribution.batchShape[componentDistribution.batchShape.length - 1];
    if (km !== kc) throw new Error(`${what}: the mixture has ${km} components but the components' last batch dim is ${kc ?? 'missing'} (batch shape [${componentDistribution.batchShape.join(', ')}])`);
    super(cdbs, componentDistribution.eventShape, options);
    this.mixtureDistribution = mixtureDistribution;
    this.componentDistribution = componentDistribution;
    this.eventNdims = componentDistribution.eventShape.length;
  }
  /** The mixture's probabilities shaped to broadcast with the components' [...batch, K, ...event] (torch's _pad_mixture_dimensions). */
  private paddedProbs(): Tensor {
    const p = this.mixtureDistribution.probs;
    const catBatch = this.mixtureDistribution.batchShape.reduce((a, b) => a * b, 1);
    const padNdims = catBatch === 1 ? 0 : this.batchShape.length - this.mixtureDistribution.batchShape.length;
    return reshape(p, [...p.shape.slice(0, -1), ...Array<number>(padNdims).fill(1), p.shape[p.ndim - 1], ...Array<number>(this.eventNdims).fill(1)]);
  }
  /** x with a component dim before its event dims. */
  private padded(x: Tensor): Tensor { return unsqueeze(x, -1 - this.eventNdims); }
  get mean(): Tensor { return sum(mul(this.paddedProbs(), this.componentDistribution.mean), -1 - this.eventNdims); }
  get variance(): Tensor {
    const probs = this.paddedProbs();
    const meanCondVar = sum(mul(probs, this.componentDistribution.variance), -1 - this.eventNdims);
    const varCondMean = sum(mul(probs, pow(sub(this.componentDistribution.mean, this.padded(this.mean)), 2)), -1 - this.eventNdims);
    return add(meanCondVar, varCondMean);
  }
  entropy(): Tensor { return notInTorch(this, 'entropy'); }
  override cdf(value: Param): Tensor {
    const cdfX = this.componentDistribution.cdf(this.padded(this.valueTensor(value, 'cdf')));
    return sum(mul(cdfX, this.mixtureDistribution.probs), -1);
  }
  logProb(value: Param): Tensor {
    const logProbX = this.componentDistribution.logProb(this.padded(this.valueTensor(value, 'logProb')));
    return logsumexp(add(logProbX, logSoftmax(this.mixtureDistribution.logits, -1)), -1);
  }
  override sample(sampleShape: readonly number[] = []): Tensor {
    return noGrad(() => {
      const gatherDim = sampleShape.length + this.batchShape.length;
      const es = this.eventShape;
      const mix = this.mixtureDistribution.sample(sampleShape);
      const comp = this.componentDistribution.sample(sampleShape);
      // The chosen component's draw: its index repeated over the event dims, gathered along the component dim.
      const index = expand(reshape(mix, [...mix.shape, 1, ...es.map(() => 1)]), [...comp.shape.slice(0, gatherDim), 1, ...es]);
      return squeeze(gather(comp, gatherDim, index), gatherDim);
    });
  }
  private valueTensor(value: Param, what: string): Tensor {
    const v = typeof value === 'number' ? tensor(value) : value;
    checkTensor(v, `MixtureSameFamily.${what}`);
    return v;
  }
}
