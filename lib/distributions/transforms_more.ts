// The transforms of torch.distributions.transforms that act on events or on other transforms:
// ComposeTransform, IndependentTransform, ReshapeTransform, StickBreakingTransform (R^n to the simplex),
// SoftmaxTransform, LowerCholeskyTransform and CumulativeDistributionTransform, torch 1.13's formulas
// in its order.
import { Tensor } from '../tensor';
import { shown } from '../args';
import { fmt } from '../shape';
import { add, div, mul, sub } from '../ops/binary';
import { exp, log, neg, sigmoid } from '../ops/unary';
import { clamp } from '../ops/compare';
import { tril } from '../ops/more';
import { logsigmoid } from '../ops/activation_more';
import { sum } from '../ops/reduce';
import { amax, cumsum } from '../ops/cumulative';
import { cumprod } from '../ops/product';
import { diagonal, diagEmbed } from '../ops/structure';
import { narrow } from '../ops/join';
import { pad } from '../ops/pad_resize';
import { reshape } from '../ops/shape';
import { arange, zeros } from '../ops/creation';
import type { Distribution } from './distribution';
import { sumRightmost } from './independent';
import { Transform } from './transforms';
import { FLOAT32_EPS, FLOAT32_TINY } from './distribution';


/** The domain and codomain event dims of transforms composed in order (torch's ComposeTransform.domain / codomain). */
export function composedEventDims(ts: readonly Transform[]): { domain: number; codomain: number } {
  if (ts.length === 0) return { domain: 0, codomain: 0 };
  let domain = ts[ts.length - 1].codomainEventDim;
  for (let i = ts.length - 1; i >= 0; i--) domain = Math.max(domain + ts[i].domainEventDim - ts[i].codomainEventDim, ts[i].domainEventDim);
  let codomain = ts[0].domainEventDim;
  for (const t of ts) codomain = Math.max(codomain + t.codomainEventDim - t.domainEventDim, t.codomainEventDim);
  return { domain, codomain };
}

/** The transforms applied in order as one (torch's ComposeTransform). */
export class ComposeTransform extends Transform {
  /** The transforms, applied in order. */
  readonly parts: readonly Transform[];
  /**
   * @param parts the transforms, applied in order
   * @param options cacheSize: 1 to remember the last pair
   */
  constructor(parts: readonly Transform[], options?: { cacheSize?: number }) {
    super(options?.cacheSize);
    if (!Array.isArray(parts) || !parts.every((t) => t instanceof Transform)) throw new Error(`ComposeTransform: parts must be a list of Transforms, got ${shown(parts)}`);
    this.parts = [...parts];
  }
  get sign(): number | Tensor {
    return this.parts.reduce<number | Tensor>((s, t) => (typeof s === 'number' && typeof t.sign === 'number' ? s * t.sign : mul(s, t.sign)), 1);
  }
  override get domainEventDim(): number { return composedEventDims(this.parts).domain; }
  override get codomainEventDim(): number { return composedEventDims(this.parts).codomain; }
  protected call(x: Tensor): Tensor { return this.parts.reduce((v, t) => t.forward(v), x); }
  protected callInverse(y: Tensor): Tensor { return this.parts.reduceRight((v, t) => t.inverse(v), y); }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    if (this.parts.length === 0) return zeros([...x.shape]);
    const xs = [x];
    for (const part of this.parts.slice(0, -1)) xs.push(part.forward(xs[xs.length - 1]));
    xs.push(y);
    let eventDim = this.domainEventDim;
    let total: Tensor | null = null;
    this.parts.forEach((part, i) => {
      const term = sumRightmost(part.logAbsDetJacobian(xs[i], xs[i + 1]), eventDim - part.domainEventDim);
      total = total ? add(total, term) : term;
      eventDim += part.codomainEventDim - part.domainEventDim;
    });
    return total!;
  }
  override forwardShape(shape: readonly number[]): number[] { return this.parts.reduce<number[]>((s, t) => t.forwardShape(s), [...shape]); }
  override inverseShape(shape: readonly number[]): number[] { return this.parts.reduceRight<number[]>((s, t) => t.inverseShape(s), [...shape]); }
  equals(other: Transform): boolean {
    return other instanceof ComposeTransform && other.parts.length === this.parts.length && other.parts.every((t, i) => t.equals(this.parts[i]));
  }
}

/** A transform whose last reinterpretedBatchNdims batch dims count as event dims: its log-Jacobian summed over them (torch's IndependentTransform). */
export class IndependentTransform extends Transform {
  /** The transform wrapped. */
  readonly baseTransform: Transform;
  /** How many batch dims become event dims. */
  readonly reinterpretedBatchNdims: number;
  /**
   * @param baseTransform the transform wrapped
   * @param reinterpretedBatchNdims how many batch dims become event dims
   * @param options cacheSize: 1 to remember the last pair
   */
  constructor(baseTransform: Transform, reinterpretedBatchNdims: number, options?: { cacheSize?: number }) {
    super(options?.cacheSize);
    if (!(baseTransform instanceof Transform)) throw new Error(`IndependentTransform: baseTransform must be a Transform, got ${shown(baseTransform)}`);
    if (!Number.isInteger(reinterpretedBatchNdims) || reinterpretedBatchNdims < 0) throw new Error(`IndependentTransform: reinterpretedBatchNdims must be a non-negative integer, got ${shown(reinterpretedBatchNdims)}`);
    this.baseTransform = baseTransform;
    this.reinterpretedBatchNdims = reinterpretedBatchNdims;
  }
  get sign(): number | Tensor { return this.baseTransform.sign; }
  override get domainEventDim(): number { return this.baseTransform.domainEventDim + this.reinterpretedBatchNdims; }
  override get codomainEventDim(): number { return this.baseTransform.codomainEventDim + this.reinterpretedBatchNdims; }
  protected call(x: Tensor): Tensor { return this.baseTransform.forward(x); }
  protected callInverse(y: Tensor): Tensor { return this.baseTransform.inverse(y); }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor { return sumRightmost(this.baseTransform.logAbsDetJacobian(x, y), this.reinterpretedBatchNdims); }
  override forwardShape(shape: readonly number[]): number[] { return this.baseTransform.forwardShape(shape); }
  override inverseShape(shape: readonly number[]): number[] { return this.baseTransform.inverseShape(shape); }
  equals(other: Transform): boolean {
    return other instanceof IndependentTransform && other.reinterpretedBatchNdims === this.reinterpretedBatchNdims && other.baseTransform.equals(this.baseTransform);
  }
}

/** Events of inShape reshaped to outShape, as many elements (torch's ReshapeTransform); log-Jacobian 0. */
export class ReshapeTransform extends Transform {
  /** The input events' shape. */
  readonly inShape: number[];
  /** The output events' shape. */
  readonly outShape: number[];
  /**
   * @param inShape the input events' shape
   * @param outShape the output events' shape, as many elements
   * @param options cacheSize: 1 to remember the last pair
   */
  constructor(inShape: readonly number[], outShape: readonly number[], options?: { cacheSize?: number }) {
    super(options?.cacheSize);
    const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
    for (const [name, s] of [['inShape', inShape], ['outShape', outShape]] as const) {
      if (!Array.isArray(s) || s.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new Error(`ReshapeTransform: ${name} must be an array of non-negative integers, got ${shown(s)}`);
    }
    if (size(inShape) !== size(outShape)) throw new Error(`ReshapeTransform: inShape ${fmt(inShape)} and outShape ${fmt(outShape)} have different numbers of elements`);
    [this.inShape, this.outShape] = [[...inShape], [...outShape]];
  }
  get sign(): number { return 1; }
  override get domainEventDim(): number { return this.inShape.length; }
  override get codomainEventDim(): number { return this.outShape.length; }
  private batchOf(shape: readonly number[], event: number[], what: string): number[] {
    const cut = shape.length - event.length;
    if (cut < 0 || shape.slice(cut).some((d, i) => d !== event[i])) throw new Error(`ReshapeTransform: ${what} shape ${fmt(shape)} does not end in ${fmt(event)}`);
    return shape.slice(0, cut);
  }
  protected call(x: Tensor): Tensor { return reshape(x, [...this.batchOf(x.shape, this.inShape, 'the input'), ...this.outShape]); }
  protected callInverse(y: Tensor): Tensor { return reshape(y, [...this.batchOf(y.shape, this.outShape, 'the output'), ...this.inShape]); }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor { return zeros(this.batchOf(x.shape, this.inShape, 'the input')); }
  override forwardShape(shape: readonly number[]): number[] { return [...this.batchOf(shape, this.inShape, 'the input'), ...this.outShape]; }
  override inverseShape(shape: readonly number[]): number[] { return [...this.batchOf(shape, this.outShape, 'the output'), ...this.inShape]; }
  equals(other: Transform): boolean { return other instanceof ReshapeTransform && fmt(other.inShape) === fmt(this.inShape) && fmt(other.outShape) === fmt(this.outShape); }
}

/** log(n + 1 - k) for k = 1 ... n: the stick-breaking offsets (torch's offset.log()). */
const logOffsets = (n: number): Tensor => log(sub(n + 1, arange(1, n + 1)));

/** sigmoid kept inside [tiny, 1 - eps] (torch's _clipped_sigmoid). */
const clippedSigmoid = (x: Tensor): Tensor => clamp(sigmoid(x), FLOAT32_TINY, 1 - FLOAT32_EPS);

/**
 * R^n to the (n + 1)-simplex by stick breaking (torch's StickBreakingTransform): each coordinate takes
 * a sigmoid's share of what is left, offset so that 0 maps to the simplex's centre.
 */
export class StickBreakingTransform extends Transform {
  /** @param options cacheSize: 1 to remember the last pair */
  constructor(options?: { cacheSize?: number }) { super(options?.cacheSize); }
  get sign(): number { return 1; }
  override get domainEventDim(): number { return 1; }
  override get codomainEventDim(): number { return 1; }
  protected call(x: Tensor): Tensor {
    const z = clippedSigmoid(sub(x, logOffsets(x.shape[x.ndim - 1])));
    const zCumprod = cumprod(sub(1, z), -1);
    return mul(pad(z, [0, 1], { value: 1 }), pad(zCumprod, [1, 0], { value: 1 }));
  }
  protected callInverse(y: Tensor): Tensor {
    const n = y.shape[y.ndim - 1] - 1;
    const crop = narrow(y, -1, 0, n);
    // What is left of the stick, kept positive where rounding took it to 0.
    const sf = clamp(sub(1, cumsum(crop, -1)), FLOAT32_TINY);
    return add(sub(log(crop), log(sf)), logOffsets(n));
  }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const n = x.shape[x.ndim - 1];
    const shifted = sub(x, logOffsets(n));
    // 1 - sigmoid(x) = exp(-x) sigmoid(x).
    return sum(add(add(neg(shifted), logsigmoid(shifted)), log(narrow(y, -1, 0, n))), -1);
  }
  override forwardShape(shape: readonly number[]): number[] { return [...shape.slice(0, -1), shape[shape.length - 1] + 1]; }
  override inverseShape(shape: readonly number[]): number[] { return [...shape.slice(0, -1), shape[shape.length - 1] - 1]; }
  equals(other: Transform): boolean { return other instanceof StickBreakingTransform; }
}

/** R^n to the simplex by softmax over the last dim (torch's SoftmaxTransform): not bijective, so no log-Jacobian; inverse is log. */
export class SoftmaxTransform extends Transform {
  /** @param options cacheSize: 1 to remember the last pair */
  constructor(options?: { cacheSize?: number }) { super(options?.cacheSize); }
  get sign(): number { return 1; }
  override get domainEventDim(): number { return 1; }
  override get codomainEventDim(): number { return 1; }
  protected call(x: Tensor): Tensor {
    const probs = exp(sub(x, amax(x, -1, true)));
    return div(probs, sum(probs, -1, true));
  }
  protected callInverse(y: Tensor): Tensor { return log(y); }
  logAbsDetJacobian(_x?: Tensor, _y?: Tensor): Tensor { throw new Error('SoftmaxTransform: not bijective, so it has no log-Jacobian (as in torch)'); }
  equals(other: Transform): boolean { return other instanceof SoftmaxTransform; }
}

/** Square matrices to lower-triangular ones with a positive diagonal: the strict lower triangle kept, the diagonal exponentiated (torch's LowerCholeskyTransform). */
export class LowerCholeskyTransform extends Transform {
  /** @param options cacheSize: 1 to remember the last pair */
  constructor(options?: { cacheSize?: number }) { super(options?.cacheSize); }
  get sign(): number { return 1; }
  override get domainEventDim(): number { return 2; }
  override get codomainEventDim(): number { return 2; }
  protected call(x: Tensor): Tensor { return add(tril(x, -1), diagEmbed(exp(diagonal(x, 0, -2, -1)))); }
  protected callInverse(y: Tensor): Tensor { return add(tril(y, -1), diagEmbed(log(diagonal(y, 0, -2, -1)))); }
  logAbsDetJacobian(_x?: Tensor, _y?: Tensor): Tensor { throw new Error('LowerCholeskyTransform: its log-Jacobian is not implemented (as in torch)'); }
  equals(other: Transform): boolean { return other instanceof LowerCholeskyTransform; }
}

/** A univariate distribution's cdf as a transform onto (0, 1) (torch's CumulativeDistributionTransform); log-Jacobian the log density. */
export class CumulativeDistributionTransform extends Transform {
  /** The distribution whose cdf this is. */
  readonly distribution: Distribution;
  /**
   * @param distribution a distribution with cdf and icdf
   * @param options cacheSize: 1 to remember the last pair
   */
  constructor(distribution: Distribution, options?: { cacheSize?: number }) {
    super(options?.cacheSize);
    if (distribution === null || typeof distribution !== 'object' || typeof (distribution as Distribution).cdf !== 'function') {
      throw new Error(`CumulativeDistributionTransform: distribution must be a distribution, got ${shown(distribution)}`);
    }
    this.distribution = distribution;
  }
  get sign(): number { return 1; }
  override get domainEventDim(): number { return this.distribution.eventShape.length; }
  override get codomainEventDim(): number { return this.distribution.eventShape.length; }
  protected call(x: Tensor): Tensor { return this.distribution.cdf(x); }
  protected callInverse(y: Tensor): Tensor { return this.distribution.icdf(y); }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor { return this.distribution.logProb(x); }
  equals(other: Transform): boolean { return other instanceof CumulativeDistributionTransform && other.distribution === this.distribution; }
}
