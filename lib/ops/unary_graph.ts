// The element-wise ops' backward as recorded ops (createGraph): each derivative written as torch's
// derivatives.yaml writes it, from x or from the result y, so that a gradient can be differentiated
// again. Piecewise-linear ones multiply by their slope as a constant (its own derivative is zero).
import { B } from '../backend/registry';
import { SELU_NEG, SELU_SCALE, Unary, UnaryCode } from '../backend/backend';
import { GradNode, GraphBackward, Tensor } from '../tensor';
import { allocOutput } from '../storage';
import { constantOf } from './core';
import { add, div, mul, pow, sub } from './binary';
import { cos, cosh, erf, exp, neg, rsqrt, sigmoid, sin, sinh, tanh } from './unary';
import { softplus } from './more';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** The derivative of a piecewise-linear op at each element, as a constant: its kernel's gradient of ones. */
function slopeOf(code: UnaryCode, x: Tensor, y: Tensor, p: number): Tensor {
  const ones = allocOutput(x.size).fill(1);
  const slope = allocOutput(x.size);
  B().unaryGrad(code, x.data, y.data, ones, slope, p);
  return new Tensor(slope, x.shape);
}

/** f'(x) as a tensor recorded from x and y = f(x) (p the op's parameter). */
function derivative(code: UnaryCode, x: Tensor, y: Tensor, p: number): Tensor {
  switch (code) {
    case Unary.abs: case Unary.relu: case Unary.leakyRelu: case Unary.sign: case Unary.frac:
    case Unary.clampAbs: case Unary.clampMin: case Unary.clampMax: case Unary.clampKept:
    case Unary.floor: case Unary.ceil: case Unary.round: case Unary.trunc: case Unary.signbit: case Unary.nanTo:
      return slopeOf(code, x, y, p);
    case Unary.exp: return y;
    case Unary.sqrt: return div(0.5, y); // 1 / (2 y) (torch divides gy by 2 y: a rounding apart)
    case Unary.sigmoid: return mul(sub(1, y), y);
    case Unary.tanh: return sub(1, mul(y, y));
    case Unary.gelu: {
      const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
      return add(cdf, mul(x, mul(exp(mul(mul(x, x), -0.5)), INV_SQRT_2PI)));
    }
    case Unary.elu: {
      // 1 above zero, y + alpha (the derivative of alpha (e^x - 1)) at and below.
      const above = constantOf(x, (i) => (x.data[i] > 0 ? 1 : 0));
      return add(mul(add(y, p), sub(1, above)), above);
    }
    case Unary.powScalar: return mul(pow(x, p - 1), p);
    case Unary.log1p: return div(1, add(x, 1));
    case Unary.rdivScalar: return neg(div(y, x)); // d(p / x) = -p / x^2 = -y / x
    case Unary.silu: {
      const s = sigmoid(x);
      return mul(s, add(mul(x, sub(1, s)), 1));
    }
    case Unary.softplus: {
      // Above the threshold softplus is x itself (slope 1), below it sigmoid(x).
      const above = constantOf(x, (i) => (x.data[i] > p ? 1 : 0));
      return add(mul(sigmoid(x), sub(1, above)), above);
    }
    case Unary.hardsigmoid: case Unary.hardshrink: case Unary.softshrink: return slopeOf(code, x, y, p);
    case Unary.logsigmoid: return sigmoid(neg(x));
    case Unary.selu: case Unary.celu: {
      // The slope above 0 (scale, or 1), and at and below it the exponential's, recorded.
      const low = constantOf(x, (i) => (x.data[i] <= 0 ? 1 : 0));
      const high = code === Unary.selu ? mul(sub(1, low), SELU_SCALE) : sub(1, low);
      const slope = code === Unary.selu ? mul(exp(x), SELU_NEG) : exp(mul(x, Math.fround(1 / p)));
      return add(mul(slope, low), high);
    }
    case Unary.hardswish: {
      // 0 below -3, 1 from 3 on, x / 3 + 1/2 between: the last recorded, the pieces as constants.
      const below = constantOf(x, (i) => (x.data[i] < -3 ? 1 : 0)), above = constantOf(x, (i) => (x.data[i] >= 3 ? 1 : 0));
      return add(mul(add(div(x, 3), 0.5), sub(sub(1, below), above)), above);
    }
    case Unary.mish: {
      const t = tanh(softplus(x));
      return add(t, mul(mul(x, sigmoid(x)), sub(1, mul(t, t))));
    }
    case Unary.sin: return cos(x);
    case Unary.cos: return neg(sin(x));
    case Unary.erf: return mul(exp(neg(mul(x, x))), TWO_OVER_SQRT_PI);
    case Unary.erfc: return mul(exp(neg(mul(x, x))), -TWO_OVER_SQRT_PI);
    case Unary.expm1: return add(y, 1);
    case Unary.tan: return add(mul(y, y), 1);
    case Unary.atan: return div(1, add(mul(x, x), 1));
    case Unary.asin: return rsqrt(sub(1, mul(x, x)));
    case Unary.acos: return neg(rsqrt(sub(1, mul(x, x))));
    case Unary.sinh: return cosh(x);
    case Unary.cosh: return sinh(x);
    case Unary.asinh: return rsqrt(add(mul(x, x), 1));
    case Unary.acosh: return rsqrt(sub(mul(x, x), 1));
    default: throw new Error(`internal: no graph backward for unary kernel ${code}`);
  }
}

/**
 * The graph backward of y = f(x) for unaryOp's kernel `code`: gy times f'. Ops whose gradient is a
 * division in torch (log, log2, log10, atanh, the scalar division) divide, as torch's do.
 */
export function unaryGraphRule(code: UnaryCode, x: Tensor, y: Tensor, p: number): GraphBackward {
  return (gy) => {
    switch (code) {
      case Unary.identity: case Unary.addScalar: return [gy];
      case Unary.neg: case Unary.rsubScalar: return [neg(gy)];
      case Unary.scale: return [mul(gy, p)];
      case Unary.divScalar: return [div(gy, p)];
      case Unary.log: return [div(gy, x)];
      case Unary.log2: return [div(gy, mul(x, Math.LN2))];
      case Unary.log10: return [div(gy, mul(x, Math.LN10))];
      case Unary.atanh: return [div(gy, sub(1, mul(x, x)))];
      // torch's zeros for x ** 0 (no graph: nothing flows back).
      case Unary.powScalar: if (p === 0) return [constantOf(x, () => 0)];
    }
    return [mul(gy, derivative(code, x, y, p))];
  };
}

/** rsqrt's graph backward: -0.5 gy y^3, from the result y (torch's). */
export function rsqrtGraphRule(y: Tensor): GraphBackward {
  return (gy) => [mul(mul(gy, -0.5), pow(y, 3))];
}

/**
 * The graph backward of an element-wise op of one input whose backward is gy times a slope that is
 * constant where defined (clamp's 0 or 1): gy times that slope, got from the node's own backward
 * of ones. Its derivative is zero, as torch's.
 */
export function elementwiseSlopeRule(y: Tensor): GraphBackward {
  return (gy) => {
    const node = y.node as GradNode;
    const ones = allocOutput(y.size).fill(1);
    const slope = node.backward(ones)[0] as Float32Array;
    return [mul(gy, new Tensor(slope, y.shape))];
  };
}
