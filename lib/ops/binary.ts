// add sub mul div pow: NumPy broadcasting forward; backward sums each gradient back to its input's shape.
import { Binary, Unary, UnaryCode } from '../backend/backend';
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { broadcastShapes } from '../shape';
import { allocOutput } from '../storage';
import { asTensor, broadcastBinary, Operand, record, sumOwnTo, sumTo } from './core';
import { recycleArray } from '../reuse';
import { log, neg, unaryOp } from './unary';
import { unaryGraphRule } from './unary_graph';
import { sumBackTo } from './reduce';
import { eq, ge, where } from './more';

/** x op p for a number p: unaryOp's kernel pair, or (passThrough) a backward that hands gy on. */
export function scalarOp(x: Tensor, code: UnaryCode, p: number, name: string, passThrough = false): Tensor {
  if (!passThrough) return unaryOp(x, code, p, name);
  const y = allocOutput(x.size);
  B().unary(code, x.data, y, p);
  const out = record(y, x.shape, [x], name, (gy) => [gy]);
  if (out.node) out.node.graphBackward = (gy) => [gy];
  return out;
}

/** a + b with broadcasting. */
export function add(a: Operand, b: Operand): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return scalarOp(a, Unary.addScalar, b, 'add', true);
  if (typeof a === 'number' && b instanceof Tensor) return scalarOp(b, Unary.addScalar, a, 'add', true);
  const ta = asTensor(a, 'add');
  const tb = asTensor(b, 'add');
  const shape = broadcastShapes(ta.shape, tb.shape, 'add');
  const y = broadcastBinary(Binary.add, ta.data, ta.shape, tb.data, tb.shape, shape);
  const out = record(y, shape, [ta, tb], 'add', (gy) => [
    ta.requiresGrad ? sumTo(gy, shape, ta.shape) : null,
    tb.requiresGrad ? sumTo(gy, shape, tb.shape) : null,
  ]);
  if (out.node) out.node.graphBackward = (gy) => [ta.requiresGrad ? sumBackTo(gy, ta.shape) : null, tb.requiresGrad ? sumBackTo(gy, tb.shape) : null];
  return out;
}

/** a - b with broadcasting. */
export function sub(a: Operand, b: Operand): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return scalarOp(a, Unary.addScalar, -b, 'sub', true);
  if (typeof a === 'number' && b instanceof Tensor) return scalarOp(b, Unary.rsubScalar, a, 'sub');
  const ta = asTensor(a, 'sub');
  const tb = asTensor(b, 'sub');
  const shape = broadcastShapes(ta.shape, tb.shape, 'sub');
  const y = broadcastBinary(Binary.sub, ta.data, ta.shape, tb.data, tb.shape, shape);
  const out = record(y, shape, [ta, tb], 'sub', (gy) => {
    let gb: Float32Array | null = null;
    if (tb.requiresGrad) {
      gb = sumTo(gy, shape, tb.shape);
      const neg = allocOutput(gb.length);
      B().unary(Unary.neg, gb, neg, 0);
      gb = neg;
    }
    return [ta.requiresGrad ? sumTo(gy, shape, ta.shape) : null, gb];
  });
  if (out.node) out.node.graphBackward = (gy) => [ta.requiresGrad ? sumBackTo(gy, ta.shape) : null, tb.requiresGrad ? neg(sumBackTo(gy, tb.shape)) : null];
  return out;
}

/** a * b with broadcasting. */
export function mul(a: Operand, b: Operand): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return scalarOp(a, Unary.scale, b, 'mul');
  if (typeof a === 'number' && b instanceof Tensor) return scalarOp(b, Unary.scale, a, 'mul');
  const ta = asTensor(a, 'mul');
  const tb = asTensor(b, 'mul');
  const shape = broadcastShapes(ta.shape, tb.shape, 'mul');
  const y = broadcastBinary(Binary.mul, ta.data, ta.shape, tb.data, tb.shape, shape);
  const out = record(y, shape, [ta, tb], 'mul', (gy) => [
    ta.requiresGrad ? sumOwnTo(broadcastBinary(Binary.mul, gy, shape, tb.data, tb.shape, shape), shape, ta.shape) : null,
    tb.requiresGrad ? sumOwnTo(broadcastBinary(Binary.mul, gy, shape, ta.data, ta.shape, shape), shape, tb.shape) : null,
  ]);
  if (out.node) out.node.graphBackward = (gy) => [ta.requiresGrad ? sumBackTo(mul(gy, tb), ta.shape) : null, tb.requiresGrad ? sumBackTo(mul(gy, ta), tb.shape) : null];
  return out;
}

/** a / b with broadcasting. */
export function div(a: Operand, b: Operand): Tensor {
  // A true division (x * (1 / b) can be an ulp off torch's x / b), and the gradient gy / b.
  // number / tensor as Python's 2 / x on a torch tensor: reciprocal, then scaled.
  if (typeof a === 'number' && b instanceof Tensor) return scalarOp(b, Unary.rdivScalar, a, 'div');
  if (typeof b === 'number' && a instanceof Tensor) return scalarOp(a, Unary.divScalar, b, 'div');
  const ta = asTensor(a, 'div');
  const tb = asTensor(b, 'div');
  const shape = broadcastShapes(ta.shape, tb.shape, 'div');
  const y = broadcastBinary(Binary.div, ta.data, ta.shape, tb.data, tb.shape, shape);
  const out = record(y, shape, [ta, tb], 'div', (gy) => {
    const ga = ta.requiresGrad ? sumOwnTo(broadcastBinary(Binary.div, gy, shape, tb.data, tb.shape, shape), shape, ta.shape) : null;
    let gb: Float32Array | null = null;
    if (tb.requiresGrad) {
      // d(a/b)/db = -y / b, as torch groups it: -gy * (y / b) (y / b may overflow where gy is 0: NaN)
      const q = broadcastBinary(Binary.div, y, shape, tb.data, tb.shape, shape);
      const t = broadcastBinary(Binary.mul, gy, shape, q, shape, shape);
      recycleArray(q);
      B().unary(Unary.neg, t, t, 0);
      gb = sumOwnTo(t, shape, tb.shape);
    }
    return [ga, gb];
  });
  if (out.node) {
    out.node.graphBackward = (gy) => [
      ta.requiresGrad ? sumBackTo(div(gy, tb), ta.shape) : null,
      tb.requiresGrad ? sumBackTo(neg(mul(gy, div(out, tb))), tb.shape) : null,
    ];
  }
  return out;
}

/** a ** b with broadcasting; a number exponent is the common, cheaper case. */
export function pow(a: Operand, b: Operand): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) {
    const y = allocOutput(a.size);
    B().unary(Unary.powScalar, a.data, y, b);
    const out = record(y, a.shape, [a], 'pow', (gy) => {
      const gx = allocOutput(gy.length);
      B().unaryGrad(Unary.powScalar, a.data, y, gy, gx, b);
      return [gx];
    });
    if (out.node) out.node.graphBackward = unaryGraphRule(Unary.powScalar, a, out, b);
    return out;
  }
  const ta = asTensor(a, 'pow');
  const tb = asTensor(b, 'pow');
  const shape = broadcastShapes(ta.shape, tb.shape, 'pow');
  const y = broadcastBinary(Binary.pow, ta.data, ta.shape, tb.data, tb.shape, shape);
  const out = record(y, shape, [ta, tb], 'pow', (gy) => {
    // PyTorch's rules, zeros included: d/da = gy * (b * a^(b-1)), 0 where b = 0 even for an infinite
    // or NaN gy (torch's where; b * y / a was 0/0 at a = 0); d/db = gy * (y * log(a)), the factor 0
    // where a = 0 and b >= 0 (0 * -inf). Each factor from a kernel (Binary.powGradBase and
    // powGradExponent, a ** b recomputed by the forward's pow): per element in JavaScript, the
    // backward of a [1024, 1024] power took 80 ms (PyTorch 12).
    let ga: Float32Array | null = null;
    let gb: Float32Array | null = null;
    if (ta.requiresGrad) {
      const factor = broadcastBinary(Binary.powGradBase, ta.data, ta.shape, tb.data, tb.shape, shape);
      const g = broadcastBinary(Binary.mul, gy, shape, factor, shape, shape);
      ga = sumOwnTo(broadcastBinary(Binary.keepWhere, g, shape, tb.data, tb.shape, shape), shape, ta.shape);
      recycleArray(factor);
      recycleArray(g);
    }
    if (tb.requiresGrad) {
      const factor = broadcastBinary(Binary.powGradExponent, ta.data, ta.shape, tb.data, tb.shape, shape);
      gb = sumOwnTo(broadcastBinary(Binary.mul, gy, shape, factor, shape, shape), shape, tb.shape);
      recycleArray(factor);
    }
    return [ga, gb];
  });
  if (out.node) {
    // The same zeros as the kernels': b = 0 for a's factor; a = 0 with b >= 0 for b's.
    out.node.graphBackward = (gy) => [
      ta.requiresGrad ? sumBackTo(where(eq(tb, 0), 0, mul(gy, mul(tb, pow(ta, sub(tb, 1))))), ta.shape) : null,
      tb.requiresGrad ? sumBackTo(where(mul(eq(ta, 0), ge(tb, 0)), 0, mul(gy, mul(out, log(ta)))), tb.shape) : null,
    ];
  }
  return out;
}
