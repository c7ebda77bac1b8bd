// Invertible transforms of random variables, as torch.distributions.transforms: forward(x), inv(y),
// logAbsDetJacobian(x, y) (log |dy/dx|), torch 1.13's formulas in its order. With cacheSize 1 a
// transform remembers its last pair, so that inv of the value it just made gives back the very x
// (torch's cache_size=1: a tanh-squashed draw's logProb without atanh's loss of digits near +-1).
import { Tensor } from '../tensor';
import { shown } from '../args';
import { add, div, mul, pow, sub } from '../ops/binary';
import { abs, atanh, exp, expm1, log, log1p, neg, sigmoid, sign as signOf, tanh } from '../ops/unary';
import { softplus } from '../ops/more';
import { clamp } from '../ops/compare';
import { sum } from '../ops/reduce';
import { expand } from '../ops/shape';
import { full, tensor } from '../ops/creation';
import { equal } from '../ops/statistics';
import { broadcastShapes } from '../shape';
import { FLOAT32_EPS, FLOAT32_TINY } from './distribution';

/** A parameter of a transform: a tensor, or one number. */
export type TransformParam = Tensor | number;

const asTensor = (v: TransformParam): Tensor => (typeof v === 'number' ? tensor(v) : v);
const sameParam = (a: TransformParam, b: TransformParam): boolean =>
  typeof a === 'number' && typeof b === 'number' ? a === b : a instanceof Tensor && b instanceof Tensor && a.shape.length === b.shape.length && equal(a, b);

/** An invertible map y = f(x) of each element (or, with eventDim, of each event). */
export abstract class Transform {
  /** 1 for an increasing map, -1 for a decreasing one (the cdf of a transformed variable flips with it); per element for an affine map of a tensor scale. */
  abstract get sign(): number | Tensor;
  /** The number of trailing dims that make one event in x (0: elementwise). */
  get domainEventDim(): number { return 0; }
  /** The number of trailing dims that make one event in y. */
  get codomainEventDim(): number { return 0; }
  private readonly cacheSize: number;
  private cache: [Tensor, Tensor] | null = null;

  protected constructor(cacheSize = 0) {
    if (cacheSize !== 0 && cacheSize !== 1) throw new Error(`${new.target.name}: cacheSize must be 0 or 1, got ${shown(cacheSize)}`);
    this.cacheSize = cacheSize;
  }

  /** y = f(x). */
  forward(x: Tensor): Tensor {
    if (this.cache && this.cache[0] === x) return this.cache[1];
    const y = this.call(x);
    if (this.cacheSize === 1) this.cache = [x, y];
    return y;
  }

  /** x = f^-1(y). */
  inverse(y: Tensor): Tensor {
    if (this.cache && this.cache[1] === y) return this.cache[0];
    const x = this.callInverse(y);
    if (this.cacheSize === 1) this.cache = [x, y];
    return x;
  }

  /** The inverse transform (torch's `.inv`): forward and inverse swapped. */
  get inv(): Transform {
    return new InverseTransform(this);
  }

  /** log |det dy/dx| at x (y = forward(x)), one per element (per event with eventDim). */
  abstract logAbsDetJacobian(x: Tensor, y: Tensor): Tensor;
  /** The shape of forward(x) for x of `shape` (parameters may broadcast it). */
  forwardShape(shape: readonly number[]): number[] { return [...shape]; }
  /** The shape of inverse(y) for y of `shape` (forwardShape's for maps of each element). */
  inverseShape(shape: readonly number[]): number[] { return this.forwardShape(shape); }
  /** Whether `other` is the same map (torch's __eq__). */
  abstract equals(other: Transform): boolean;
  protected abstract call(x: Tensor): Tensor;
  protected abstract callInverse(y: Tensor): Tensor;
}

/** A transform's inverse (its `.inv`). */
class InverseTransform extends Transform {
  constructor(readonly base: Transform) { super(0); }
  get sign(): number | Tensor { return this.base.sign; }
  override get domainEventDim(): number { return this.base.codomainEventDim; }
  override get codomainEventDim(): number { return this.base.domainEventDim; }
  override get inv(): Transform { return this.base; }
  override forwardShape(shape: readonly number[]): number[] { return this.base.inverseShape(shape); }
  override inverseShape(shape: readonly number[]): number[] { return this.base.forwardShape(shape); }
  protected call(x: Tensor): Tensor { return this.base.inverse(x); }
  protected callInverse(y: Tensor): Tensor { return this.base.forward(y); }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor { return neg(this.base.logAbsDetJacobian(y, x)); }
  equals(other: Transform): boolean { return other instanceof InverseTransform && other.base.equals(this.base); }
}

/** y = exp(x) (torch's ExpTransform). */
export class ExpTransform extends Transform {
  /** @param options cacheSize: 1 to remember the last pair */
  constructor(options?: { cacheSize?: number }) { super(options?.cacheSize); }
  get sign(): number { return 1; }
  protected call(x: Tensor): Tensor { return exp(x); }
  protected callInverse(y: Tensor): Tensor { return log(y); }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor { return x; }
  equals(other: Transform): boolean { return other instanceof ExpTransform; }
}

/** y = loc + scale x (torch's AffineTransform); eventDim trailing dims make one event. */
export class AffineTransform extends Transform {
  /** The shift. */
  readonly loc: TransformParam;
  /** The scale (nonzero for an invertible map). */
  readonly scale: TransformParam;
  /** Trailing dims that make one event. */
  readonly eventDim: number;
  /**
   * @param loc the shift
   * @param scale the scale
   * @param options eventDim (default 0), cacheSize
   */
  constructor(loc: TransformParam, scale: TransformParam, options?: { eventDim?: number; cacheSize?: number }) {
    super(options?.cacheSize);
    for (const [name, v] of [['loc', loc], ['scale', scale]] as const) {
      if (typeof v !== 'number' && !(v instanceof Tensor)) throw new Error(`AffineTransform: ${name} must be a number or a Tensor, got ${shown(v)}`);
    }
    const eventDim = options?.eventDim ?? 0;
    if (!Number.isInteger(eventDim) || eventDim < 0) throw new Error(`AffineTransform: eventDim must be a non-negative integer, got ${shown(eventDim)}`);
    [this.loc, this.scale, this.eventDim] = [loc, scale, eventDim];
  }
  get sign(): number | Tensor { return typeof this.scale === 'number' ? Math.sign(this.scale) : signOf(this.scale); }
  override get domainEventDim(): number { return this.eventDim; }
  override get codomainEventDim(): number { return this.eventDim; }
  protected call(x: Tensor): Tensor { return add(asTensor(this.loc), mul(asTensor(this.scale), x)); }
  protected callInverse(y: Tensor): Tensor { return div(sub(y, asTensor(this.loc)), asTensor(this.scale)); }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor {
    let shape = [...x.shape];
    let result = typeof this.scale === 'number' ? full(shape, Math.log(Math.abs(this.scale))) : log(abs(this.scale));
    if (this.eventDim) {
      const kept = result.shape.slice(0, result.ndim - this.eventDim);
      result = sum(result.reshape([...kept, -1]), -1);
      shape = shape.slice(0, shape.length - this.eventDim);
    }
    return expand(result, shape);
  }
  override forwardShape(shape: readonly number[]): number[] {
    return [asTensor(this.loc).shape, asTensor(this.scale).shape].reduce<number[]>((s, p) => broadcastShapes(s, p, 'AffineTransform'), [...shape]);
  }
  equals(other: Transform): boolean {
    return other instanceof AffineTransform && sameParam(other.loc, this.loc) && sameParam(other.scale, this.scale) && other.eventDim === this.eventDim;
  }
}


/** y = sigmoid(x), kept inside (0, 1) (torch's SigmoidTransform with its clipping). */
export class SigmoidTransform extends Transform {
  /** @param options cacheSize: 1 to remember the last pair */
  constructor(options?: { cacheSize?: number }) { super(options?.cacheSize); }
  get sign(): number { return 1; }
  protected call(x: Tensor): Tensor { return clamp(sigmoid(x), FLOAT32_TINY, 1 - FLOAT32_EPS); }
  protected callInverse(y: Tensor): Tensor {
    const c = clamp(y, FLOAT32_TINY, 1 - FLOAT32_EPS);
    return sub(log(c), log1p(neg(c)));
  }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor { return sub(neg(softplus(neg(x))), softplus(x)); }
  equals(other: Transform): boolean { return other instanceof SigmoidTransform; }
}

/** y = tanh(x) (torch's TanhTransform; cacheSize 1 keeps logProb of a draw exact near +-1). */
export class TanhTransform extends Transform {
  /** @param options cacheSize: 1 to remember the last pair */
  constructor(options?: { cacheSize?: number }) { super(options?.cacheSize); }
  get sign(): number { return 1; }
  protected call(x: Tensor): Tensor { return tanh(x); }
  protected callInverse(y: Tensor): Tensor { return atanh(y); }
  // log(1 - tanh(x)^2) written stably, as torch's.
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor { return mul(sub(sub(Math.log(2), x), softplus(mul(x, -2))), 2); }
  equals(other: Transform): boolean { return other instanceof TanhTransform; }
}

/** y = log(1 + exp(x)) (torch's SoftplusTransform). */
export class SoftplusTransform extends Transform {
  /** @param options cacheSize: 1 to remember the last pair */
  constructor(options?: { cacheSize?: number }) { super(options?.cacheSize); }
  get sign(): number { return 1; }
  protected call(x: Tensor): Tensor { return softplus(x); }
  protected callInverse(y: Tensor): Tensor { return add(log(neg(expm1(neg(y)))), y); }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor { return neg(softplus(neg(x))); }
  equals(other: Transform): boolean { return other instanceof SoftplusTransform; }
}

/** y = x^exponent for positive x (torch's PowerTransform). */
export class PowerTransform extends Transform {
  /** The exponent. */
  readonly exponent: TransformParam;
  /**
   * @param exponent the power (a number or a tensor that broadcasts with x)
   * @param options cacheSize: 1 to remember the last pair
   */
  constructor(exponent: TransformParam, options?: { cacheSize?: number }) {
    super(options?.cacheSize);
    if (typeof exponent !== 'number' && !(exponent instanceof Tensor)) throw new Error(`PowerTransform: exponent must be a number or a Tensor, got ${shown(exponent)}`);
    this.exponent = exponent;
  }
  get sign(): number | Tensor { return typeof this.exponent === 'number' ? Math.sign(this.exponent) : signOf(this.exponent); }
  protected call(x: Tensor): Tensor { return pow(x, asTensor(this.exponent)); }
  protected callInverse(y: Tensor): Tensor { return pow(y, div(1, asTensor(this.exponent))); }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor { return log(abs(div(mul(asTensor(this.exponent), y), x))); }
  override forwardShape(shape: readonly number[]): number[] { return broadcastShapes(shape, asTensor(this.exponent).shape, 'PowerTransform'); }
  equals(other: Transform): boolean { return other instanceof PowerTransform && sameParam(other.exponent, this.exponent); }
}

/**
 * y = |x| (torch's AbsTransform): not invertible, so inverse gives y itself (the non-negative
 * pre-image) and it has no log-Jacobian or sign; HalfNormal and HalfCauchy fold with it and write
 * their own densities.
 */
export class AbsTransform extends Transform {
  /** @param options cacheSize: 1 to remember the last pair */
  constructor(options?: { cacheSize?: number }) { super(options?.cacheSize); }
  get sign(): number { throw new Error('AbsTransform: not monotone, so it has no sign (as in torch)'); }
  protected call(x: Tensor): Tensor { return abs(x); }
  protected callInverse(y: Tensor): Tensor { return y; }
  logAbsDetJacobian(_x?: Tensor, _y?: Tensor): Tensor { throw new Error('AbsTransform: not invertible, so it has no log-Jacobian (as in torch)'); }
  equals(other: Transform): boolean { return other instanceof AbsTransform; }
}
