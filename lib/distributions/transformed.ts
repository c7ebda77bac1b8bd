// torch.distributions.TransformedDistribution: a base distribution pushed through transforms in order
// (draws transformed; logProb by inverting them, each log-Jacobian subtracted, then the base's
// density; cdf and icdf through monotone transforms), with torch 1.13's event-dim bookkeeping.
import { Tensor } from '../tensor';
import { shown } from '../args';
import { add, mul, sub } from '../ops/binary';
import { tensor } from '../ops/creation';
import { checkTensor } from '../ops/core';
import { noGrad } from '../autograd';
import { Distribution, DistributionOptions, notInTorch, Param } from './distribution';
import { Independent, sumRightmost } from './independent';
import { Transform } from './transforms';
import { composedEventDims } from './transforms_more';

/**
 * The distribution of f(X), X drawn from `base` and f the transforms applied in order
 * (torch.distributions.TransformedDistribution). Its mean, variance and entropy are not known in
 * general (torch's throw as these do).
 */
export class TransformedDistribution extends Distribution {
  /** The distribution transformed (an Independent of it when the transforms take events of more dims). */
  readonly baseDist: Distribution;
  /** The transforms, applied in order. */
  readonly transforms: readonly Transform[];
  readonly hasRsample: boolean;
  /**
   * @param base the distribution of X
   * @param transforms one transform or a list, applied in order
   * @param options validateArgs
   */
  constructor(base: Distribution, transforms: Transform | readonly Transform[], options?: DistributionOptions) {
    const what = 'TransformedDistribution';
    if (!(base instanceof Distribution)) throw new Error(`${what}: base must be a distribution, got ${shown(base)}`);
    const ts = transforms instanceof Transform ? [transforms] : transforms;
    if (!Array.isArray(ts) || !ts.every((t) => t instanceof Transform)) throw new Error(`${what}: transforms must be a Transform or a list of Transforms, got ${shown(transforms)}`);
    const baseShape = [...base.batchShape, ...base.eventShape];
    const baseEventDim = base.eventShape.length;
    const dims = composedEventDims(ts);
    if (baseShape.length < dims.domain) throw new Error(`${what}: the base distribution needs a shape of at least ${dims.domain} dims for these transforms, got [${baseShape.join(', ')}]`);
    const shape = ts.reduce<number[]>((s, t) => t.forwardShape(s), baseShape);
    // Events may change shape (stick breaking adds a coordinate); where the transforms' parameters
    // broadcast the base's batch, the base is expanded to it, as torch's constructor does.
    const back = ts.reduceRight<number[]>((s, t) => t.inverseShape(s), shape);
    let expandedBase = base;
    if (back.length !== baseShape.length || back.some((d, i) => d !== baseShape[i])) {
      const cut = back.length - baseEventDim;
      if (cut < 0 || back.slice(cut).some((d, i) => d !== base.eventShape[i])) {
        throw new Error(`${what}: the transforms take the base's shape [${baseShape.join(', ')}] back to [${back.join(', ')}], another event shape`);
      }
      expandedBase = base.expand(back.slice(0, cut));
    }
    const reinterpreted = dims.domain - baseEventDim;
    const eventDim = dims.codomain + Math.max(baseEventDim - dims.domain, 0);
    const cut = shape.length - eventDim;
    super(shape.slice(0, cut), shape.slice(cut), options);
    this.baseDist = reinterpreted > 0 ? new Independent(expandedBase, reinterpreted) : expandedBase;
    this.transforms = [...ts];
    this.hasRsample = base.hasRsample;
  }
  get mean(): Tensor { return notInTorch(this, 'mean'); }
  get variance(): Tensor { return notInTorch(this, 'variance'); }
  entropy(): Tensor { return notInTorch(this, 'entropy'); }
  override rsample(sampleShape: readonly number[] = []): Tensor {
    return this.transforms.reduce((x, t) => t.forward(x), this.baseDist.rsample(sampleShape));
  }
  override sample(sampleShape: readonly number[] = []): Tensor {
    return noGrad(() => this.transforms.reduce((x, t) => t.forward(x), this.baseDist.sample(sampleShape)));
  }
  logProb(value: Param): Tensor {
    const v = typeof value === 'number' ? tensor(value) : value;
    checkTensor(v, `${this.constructor.name}.logProb`);
    let eventDim = this.eventShape.length;
    let logProb: Tensor | number = 0;
    let y = v;
    for (let i = this.transforms.length - 1; i >= 0; i--) {
      const t = this.transforms[i];
      const x = t.inverse(y);
      eventDim += t.domainEventDim - t.codomainEventDim;
      logProb = sub(logProb, sumRightmost(t.logAbsDetJacobian(x, y), eventDim - t.domainEventDim));
      y = x;
    }
    return add(logProb, sumRightmost(this.baseDist.logProb(y), eventDim - this.baseDist.eventShape.length));
  }
  /** value, or 1 - value where the product of the transforms' signs is -1 (torch's _monotonize_cdf). */
  private monotonized(value: Tensor): Tensor {
    const sign = this.transforms.reduce<number | Tensor>((s, t) => (typeof s === 'number' && typeof t.sign === 'number' ? s * t.sign : mul(s, t.sign)), 1);
    return sign === 1 ? value : add(mul(sign, sub(value, 0.5)), 0.5);
  }
  override cdf(value: Param): Tensor {
    let v = typeof value === 'number' ? tensor(value) : value;
    checkTensor(v, `${this.constructor.name}.cdf`);
    for (let i = this.transforms.length - 1; i >= 0; i--) v = this.transforms[i].inverse(v);
    return this.monotonized(this.baseDist.cdf(v));
  }
  override icdf(value: Param): Tensor {
    const v = typeof value === 'number' ? tensor(value) : value;
    checkTensor(v, `${this.constructor.name}.icdf`);
    return this.transforms.reduce((x, t) => t.forward(x), this.baseDist.icdf(this.monotonized(v)));
  }
}
