// torch's vander, trapezoid, cumulativeTrapezoid and renorm, in torch 1.13's arithmetic (vander by a
// running product, the trapezoids by its sums), composed of the library's ops so the gradients are theirs.
import { Tensor } from '../tensor';
import { fmt, normDim } from '../shape';
import { shown } from '../args';
import { checkTensor, composedOf } from './core';
import { add, div, mul, sub } from './binary';
import { sum } from './reduce';
import { cumsum } from './cumulative';
import { cumprod } from './product';
import { cat, narrow } from './join';
import { expand, reshape } from './shape';
import { flip, select } from './index_ops';
import { ones } from './creation';
import { vectorNorm } from './linalg_composed';
import { gt, where } from './more';

/**
 * The Vandermonde matrix of a 1-D x (torch.vander): column j is x^(N - 1 - j), or x^j when
 * increasing; N columns (default x's length).
 */
export function vander(x: Tensor, N?: number, increasing = false): Tensor {
  checkTensor(x, 'vander');
  if (x.ndim !== 1) throw new Error(`vander: x must be 1-D, got shape ${fmt(x.shape)}`);
  const n = N ?? x.shape[0];
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`vander: N must be a non-negative integer, got ${shown(N)}`);
  return composedOf((own) => {
    if (n === 0) return reshape(own(narrow(own(reshape(x, [x.shape[0], 1])), 1, 0, 0)), [x.shape[0], 0]);
    // torch's: a column of ones, then x repeated, multiplied along the rows.
    const cols = n === 1 ? own(ones([x.shape[0], 1])) : own(cat([own(ones([x.shape[0], 1])), own(expand(own(reshape(x, [x.shape[0], 1])), [x.shape[0], n - 1]))], 1));
    const powers = own(cumprod(cols, 1));
    return increasing ? powers : flip(powers, [1]);
  }, [x]);
}

/** The sample points' spacing: a number, or the points x themselves (1-D along dim, or y's shape). */
export type TrapezoidSpacing = number | Tensor;

/** dx as a tensor broadcast along dim of y (the differences of the points), or the number. */
function spacing(y: Tensor, d: number, x: TrapezoidSpacing, what: string, own: (t: Tensor) => Tensor): Tensor | number {
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new Error(`${what}: dx must be a finite number, got ${shown(x)}`);
    return x;
  }
  checkTensor(x, `${what} x`);
  const n = y.shape[d];
  let points: Tensor;
  if (x.ndim === 1) {
    if (x.shape[0] !== n) throw new Error(`${what}: x of shape ${fmt(x.shape)} must have the ${n} points of y's dim ${d}`);
    points = own(reshape(x, y.shape.map((s, k) => (k === d ? n : 1))));
  } else {
    if (x.ndim !== y.ndim || x.shape[d] !== n) throw new Error(`${what}: x of shape ${fmt(x.shape)} must be 1-D or have y's dims ${fmt(y.shape)}`);
    points = x;
  }
  return own(sub(own(narrow(points, d, 1, n - 1)), own(narrow(points, d, 0, n - 1))));
}

/** Options of trapezoid and cumulativeTrapezoid. */
export interface TrapezoidOptions {
  /** The sample points (a tensor) or their even spacing (a number; default 1). */
  x?: TrapezoidSpacing;
  /** The dim integrated along (default -1). */
  dim?: number;
}

function trapezoidParts(y: Tensor, options: TrapezoidOptions | undefined, what: string): { d: number; x: TrapezoidSpacing } {
  checkTensor(y, what);
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new Error(`${what}: options must be an object, got ${shown(options)}`);
  const d = normDim(options?.dim ?? -1, y.ndim, what);
  return { d, x: options?.x ?? 1 };
}

/** The trapezoidal rule's integral of y along dim (torch.trapezoid): spacing dx, or the points x. */
export function trapezoid(y: Tensor, options?: TrapezoidOptions): Tensor {
  const what = 'trapezoid';
  const { d, x } = trapezoidParts(y, options, what);
  const n = y.shape[d];
  return composedOf((own) => {
    if (n === 0) return own(mul(own(sum(y, d)), 0));
    if (typeof x === 'number') {
      spacing(y, d, x, what, own);
      // torch's: (sum - (first + last) / 2) * dx.
      const ends = own(mul(own(add(own(select(y, d, 0)), own(select(y, d, n - 1)))), 0.5));
      return mul(own(sub(own(sum(y, d)), ends)), x);
    }
    const dx = spacing(y, d, x, what, own) as Tensor;
    const pairs = own(add(own(narrow(y, d, 0, n - 1)), own(narrow(y, d, 1, n - 1))));
    return div(own(sum(own(mul(dx, pairs)), d)), 2);
  }, [y]);
}

/** The running trapezoidal integral of y along dim, one shorter (torch.cumulative_trapezoid). */
export function cumulativeTrapezoid(y: Tensor, options?: TrapezoidOptions): Tensor {
  const what = 'cumulativeTrapezoid';
  const { d, x } = trapezoidParts(y, options, what);
  const n = y.shape[d];
  return composedOf((own) => {
    const pairs = own(add(own(narrow(y, d, 0, Math.max(0, n - 1))), own(narrow(y, d, Math.min(1, n), Math.max(0, n - 1)))));
    if (typeof x === 'number') {
      spacing(y, d, x, what, own);
      return cumsum(own(mul(pairs, x / 2)), d);
    }
    const dx = spacing(y, d, x, what, own) as Tensor;
    return div(own(cumsum(own(mul(pairs, dx)), d)), 2);
  }, [y]);
}

/**
 * x with each slice along dim (x.select(dim, i)) whose p-norm exceeds maxnorm scaled down to
 * maxnorm (torch.renorm: by maxnorm / (norm + 1e-7)).
 */
export function renorm(x: Tensor, p: number, dim: number, maxnorm: number): Tensor {
  const what = 'renorm';
  checkTensor(x, what);
  if (typeof p !== 'number' || !(p > 0)) throw new Error(`${what}: p must be positive, got ${shown(p)}`);
  if (typeof maxnorm !== 'number' || !(maxnorm >= 0)) throw new Error(`${what}: maxnorm must be non-negative, got ${shown(maxnorm)}`);
  if (x.ndim === 0) throw new Error(`${what}: the input must have at least 1 dim`);
  const d = normDim(dim, x.ndim, what);
  const others = x.shape.map((_, k) => k).filter((k) => k !== d);
  return composedOf((own) => {
    const norms = own(vectorNorm(x, p, others, true));
    const factor = own(where(own(gt(norms, maxnorm)), own(div(maxnorm, own(add(norms, 1e-7)))), 1));
    return mul(x, factor);
  }, [x]);
}

