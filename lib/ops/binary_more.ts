// The less common element-wise binaries of torch: atan2, fmod, remainder, logaddexp, hypot. Each
// broadcasts as add does; each backward is torch's derivatives.yaml formula, its factors from kernels.
import { Binary, BinaryCode, Unary } from '../backend/backend';
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { broadcastShapes, Shape } from '../shape';
import { recycleArray } from '../reuse';
import { asTensor, broadcastBinary, Operand, record, sumOwnTo, sumTo } from './core';
import { add, div, mul, sub } from './binary';
import { exp, neg, trunc } from './unary';
import { sumBackTo } from './reduce';

/** The operands as tensors, their broadcast shape, and f(a, b) by `code`. */
function forward(a: Operand, b: Operand, code: BinaryCode, name: string): { ta: Tensor; tb: Tensor; shape: Shape; y: Float32Array } {
  const ta = asTensor(a, name);
  const tb = asTensor(b, name);
  const shape = broadcastShapes(ta.shape, tb.shape, name);
  return { ta, tb, shape, y: broadcastBinary(code, ta.data, ta.shape, tb.data, tb.shape, shape) };
}

/**
 * out with its graph backward (when recorded): gy times each operand's factor (recorded ops, or a
 * number), summed back to its shape.
 */
function withRule(out: Tensor, ta: Tensor, tb: Tensor, da: () => Operand, db: () => Operand): Tensor {
  if (out.node) {
    out.node.graphBackward = (gy) => [ta.requiresGrad ? sumBackTo(mul(gy, da()), ta.shape) : null, tb.requiresGrad ? sumBackTo(mul(gy, db()), tb.shape) : null];
  }
  return out;
}

/** (gy op x), x broadcast to gy's shape, summed back to x's: a gradient gy * x or gy / x. */
function gradBy(code: BinaryCode, gy: Float32Array, shape: Shape, x: Float32Array, xShape: Shape, to: Shape): Float32Array {
  return sumOwnTo(broadcastBinary(code, gy, shape, x, xShape, shape), shape, to);
}

/** -(gy * q) summed to `to` (q of the full shape, given back to the pool): the gradient of fmod's or remainder's divisor. */
function negatedGrad(gy: Float32Array, q: Float32Array, shape: Shape, to: Shape): Float32Array {
  const t = broadcastBinary(Binary.mul, gy, shape, q, shape, shape);
  recycleArray(q);
  B().unary(Unary.neg, t, t, 0);
  return sumOwnTo(t, shape, to);
}

/**
 * The angle of the point (b, a) in radians, in [-pi, pi], element-wise with broadcasting (torch.atan2:
 * a is the y coordinate). Gradients b / (a^2 + b^2) and -a / (a^2 + b^2).
 */
export function atan2(a: Operand, b: Operand): Tensor {
  const { ta, tb, shape, y } = forward(a, b, Binary.atan2, 'atan2');
  const squares = () => add(mul(ta, ta), mul(tb, tb));
  return withRule(record(y, shape, [ta, tb], 'atan2', (gy) => {
    // torch's atan2_backward: (gy * b) * recip and (gy * -a) * recip, recip = 1 / (a a + b b).
    const recip = broadcastBinary(Binary.atan2Recip, ta.data, ta.shape, tb.data, tb.shape, shape);
    const part = (x: Tensor, to: Shape, negate: boolean): Float32Array => {
      const t = broadcastBinary(Binary.mul, gy, shape, x.data, x.shape, shape);
      if (negate) B().unary(Unary.neg, t, t, 0);
      const g = gradBy(Binary.mul, t, shape, recip, shape, to);
      recycleArray(t);
      return g;
    };
    const grads = [ta.requiresGrad ? part(tb, ta.shape, false) : null, tb.requiresGrad ? part(ta, tb.shape, true) : null];
    recycleArray(recip);
    return grads;
  }), ta, tb, () => div(tb, squares()), () => neg(div(ta, squares())));
}

/**
 * C's fmod, element-wise with broadcasting (torch.fmod): a - trunc(a / b) * b, exactly, with a's sign;
 * NaN where b is 0. Gradients 1 and -trunc(a / b).
 */
export function fmod(a: Operand, b: Operand): Tensor {
  const { ta, tb, shape, y } = forward(a, b, Binary.fmod, 'fmod');
  return withRule(record(y, shape, [ta, tb], 'fmod', (gy) => {
    let gb: Float32Array | null = null;
    if (tb.requiresGrad) {
      // torch's -grad * a.div(b, rounding_mode='trunc'): trunc of the rounded quotient.
      const q = broadcastBinary(Binary.div, ta.data, ta.shape, tb.data, tb.shape, shape);
      B().unary(Unary.trunc, q, q, 0);
      gb = negatedGrad(gy, q, shape, tb.shape);
    }
    return [ta.requiresGrad ? sumTo(gy, shape, ta.shape) : null, gb];
  }), ta, tb, () => 1, () => neg(trunc(div(ta, tb))));
}

/**
 * Python's modulus, element-wise with broadcasting (torch.remainder): a - floor(a / b) * b, with b's
 * sign; NaN where b is 0. Gradients 1 and -floor(a / b).
 */
export function remainder(a: Operand, b: Operand): Tensor {
  const { ta, tb, shape, y } = forward(a, b, Binary.remainder, 'remainder');
  const out = record(y, shape, [ta, tb], 'remainder', (gy) => [
    ta.requiresGrad ? sumTo(gy, shape, ta.shape) : null,
    tb.requiresGrad ? negatedGrad(gy, broadcastBinary(Binary.floorDiv, ta.data, ta.shape, tb.data, tb.shape, shape), shape, tb.shape) : null,
  ]);
  // -floor(a / b) as the kernel rounds it: a constant (its own derivative is zero).
  return withRule(out, ta, tb, () => 1, () => neg(new Tensor(broadcastBinary(Binary.floorDiv, ta.data, ta.shape, tb.data, tb.shape, shape), shape)));
}

/**
 * log(e^a + e^b) without overflow, element-wise with broadcasting (torch.logaddexp). Gradients
 * 1 / (1 + e^(b - a)) and 1 / (1 + e^(a - b)).
 */
export function logaddexp(a: Operand, b: Operand): Tensor {
  const { ta, tb, shape, y } = forward(a, b, Binary.logaddexp, 'logaddexp');
  const out = record(y, shape, [ta, tb], 'logaddexp', (gy) => {
    const part = (x: Tensor, other: Tensor): Float32Array => {
      const denom = broadcastBinary(Binary.logaddexpDenom, x.data, x.shape, other.data, other.shape, shape);
      const g = gradBy(Binary.div, gy, shape, denom, shape, x.shape);
      recycleArray(denom);
      return g;
    };
    return [ta.requiresGrad ? part(ta, tb) : null, tb.requiresGrad ? part(tb, ta) : null];
  });
  return withRule(out, ta, tb, () => exp(sub(ta, out)), () => exp(sub(tb, out)));
}

/**
 * sqrt(a^2 + b^2) without overflow or underflow, element-wise with broadcasting (torch.hypot).
 * Gradients a / hypot and b / hypot.
 */
export function hypot(a: Operand, b: Operand): Tensor {
  const { ta, tb, shape, y } = forward(a, b, Binary.hypot, 'hypot');
  const out = record(y, shape, [ta, tb], 'hypot', (gy) => {
    // torch's grad * a / result: the product first, then the quotient.
    const part = (x: Tensor): Float32Array => {
      const t = broadcastBinary(Binary.mul, gy, shape, x.data, x.shape, shape);
      const g = gradBy(Binary.div, t, shape, y, shape, x.shape);
      recycleArray(t);
      return g;
    };
    return [ta.requiresGrad ? part(ta) : null, tb.requiresGrad ? part(tb) : null];
  });
  return withRule(out, ta, tb, () => div(ta, out), () => div(tb, out));
}
