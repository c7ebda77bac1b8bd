// Element-wise math and activations: forward is one kernel call, backward is one unaryGrad call.
import { Binary, Unary, UnaryCode } from '../backend/backend';
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { allocOutput, transientAlloc } from '../storage';
import { broadcastBinary, checkTensor, record } from './core';
import { rsqrtGraphRule, unaryGraphRule } from './unary_graph';
import { shown } from '../args';

/**
 * y = f(x) by one unary kernel, its backward one unaryGrad (the element-wise ops' shared shape).
 * `gateOnInput`: the backward may instead run in a consuming GEMM's epilogue (GradNode.gate), which
 * computes f' from x with the same kernel function (GELU).
 */
export function unaryOp(x: Tensor, code: UnaryCode, p: number, name: string, gateOnInput = false): Tensor {
  checkTensor(x, name);
  const y = allocOutput(x.size);
  B().unary(code, x.data, y, p);
  const out = record(y, x.shape, [x], name, (gy, ctx) => {
    if (ctx?.gated) return [gy];
    const gx = allocOutput(gy.length);
    B().unaryGrad(code, x.data, y, gy, gx, p);
    return [gx];
  }, gateOnInput ? { act: code, y: x.data } : undefined);
  if (out.node) out.node.graphBackward = unaryGraphRule(code, x, out, p);
  return out;
}

function finite(v: number, what: string, arg: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what}: ${arg} must be a finite number, got ${shown(v)}`);
  return v;
}

/** Elementwise -x. */
export const neg = (x: Tensor): Tensor => unaryOp(x, Unary.neg, 0, 'neg');
/** Elementwise e ** x. */
export const exp = (x: Tensor): Tensor => unaryOp(x, Unary.exp, 0, 'exp');
/** Elementwise natural logarithm (-Infinity at 0, NaN below). */
export const log = (x: Tensor): Tensor => unaryOp(x, Unary.log, 0, 'log');
/** Elementwise square root (NaN below 0). */
export const sqrt = (x: Tensor): Tensor => unaryOp(x, Unary.sqrt, 0, 'sqrt');
/** Elementwise absolute value (gradient 0 at 0, as PyTorch's). */
export const abs = (x: Tensor): Tensor => unaryOp(x, Unary.abs, 0, 'abs');
/** Elementwise max(0, x) (gradient 0 at 0). */
export const relu = (x: Tensor): Tensor => unaryOp(x, Unary.relu, 0, 'relu');
/** Elementwise 1 / (1 + e ** -x). */
export const sigmoid = (x: Tensor): Tensor => unaryOp(x, Unary.sigmoid, 0, 'sigmoid');
/** Elementwise hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => unaryOp(x, Unary.tanh, 0, 'tanh');
/**
 * GELU, exact erf form (PyTorch's default approximate='none'). When its one consumer is a linear
 * layer, its backward (gy * gelu'(x), a function of the input) runs in the epilogue of that layer's
 * input-gradient GEMM: the same kernel function, so the same numbers.
 */
export const gelu = (x: Tensor): Tensor => unaryOp(x, Unary.gelu, 0, 'gelu', true);
/** Elementwise x for x > 0, negativeSlope * x otherwise (default 0.01). */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor =>
  unaryOp(x, Unary.leakyRelu, finite(negativeSlope, 'leakyRelu', 'negativeSlope'), 'leakyRelu');
/** Elementwise x for x > 0, alpha * (e ** x - 1) otherwise (default alpha 1). */
export const elu = (x: Tensor, alpha = 1): Tensor => unaryOp(x, Unary.elu, finite(alpha, 'elu', 'alpha'), 'elu');
/** Elementwise x * sigmoid(x) (SiLU, or swish), as torch.nn.functional.silu; its gradient is torch's s (1 + x (1 - s)). */
export const silu = (x: Tensor): Tensor => unaryOp(x, Unary.silu, 0, 'silu');
/** Elementwise log(1 + x), accurate for small x. */
export const log1p = (x: Tensor): Tensor => unaryOp(x, Unary.log1p, 0, 'log1p');
/** Elementwise -1, 0 or 1 by the sign of x (0 at -0 and at NaN, as torch.sign); gradient 0. */
export const sign = (x: Tensor): Tensor => unaryOp(x, Unary.sign, 0, 'sign');
/** Elementwise largest integer not above x (-0 stays -0); gradient 0, as torch's. */
export const floor = (x: Tensor): Tensor => unaryOp(x, Unary.floor, 0, 'floor');
/** Elementwise smallest integer not below x (ceil(-0.5) is -0); gradient 0. */
export const ceil = (x: Tensor): Tensor => unaryOp(x, Unary.ceil, 0, 'ceil');
/** Elementwise nearest integer, halves to the even one (round(2.5) is 2, as torch.round); gradient 0. */
export const round = (x: Tensor): Tensor => unaryOp(x, Unary.round, 0, 'round');
/** Elementwise integer part, toward zero; gradient 0. */
export const trunc = (x: Tensor): Tensor => unaryOp(x, Unary.trunc, 0, 'trunc');
/** Elementwise x * x (torch.square: x ** 2, gradient 2 x gy). */
export const square = (x: Tensor): Tensor => unaryOp(x, Unary.powScalar, 2, 'square');
/** Elementwise 1 / x; its gradient is torch's -gy (y * y), from the result. */
export const reciprocal = (x: Tensor): Tensor => unaryOp(x, Unary.rdivScalar, 1, 'reciprocal');
/**
 * Elementwise 1 / sqrt(x) (torch.rsqrt: Infinity at 0, NaN below). Its gradient is torch's
 * (-0.5 gy) y ** 3, from the result: x ** -0.5's rule, from x, gives -0 at -Infinity where torch
 * gives NaN.
 */
export function rsqrt(x: Tensor): Tensor {
  checkTensor(x, 'rsqrt');
  const y = allocOutput(x.size);
  B().unary(Unary.powScalar, x.data, y, -0.5);
  const out = record(y, x.shape, [x], 'rsqrt', (gy) => {
    const cube = transientAlloc(y.length);
    B().unary(Unary.powScalar, y, cube, 3);
    const half = transientAlloc(gy.length);
    B().unary(Unary.scale, gy, half, -0.5);
    return [broadcastBinary(Binary.mul, half, x.shape, cube, x.shape, x.shape)];
  });
  if (out.node) out.node.graphBackward = rsqrtGraphRule(out);
  return out;
}
/** Elementwise x - trunc(x), with x's sign (NaN at the infinities); gradient passes through, as torch.frac's. */
export const frac = (x: Tensor): Tensor => unaryOp(x, Unary.frac, 0, 'frac');
/** Elementwise sine (radians); gradient cos(x). */
export const sin = (x: Tensor): Tensor => unaryOp(x, Unary.sin, 0, 'sin');
/** Elementwise cosine (radians); gradient -sin(x). */
export const cos = (x: Tensor): Tensor => unaryOp(x, Unary.cos, 0, 'cos');
/** Elementwise error function; gradient 2 / sqrt(pi) e^(-x^2). */
export const erf = (x: Tensor): Tensor => unaryOp(x, Unary.erf, 0, 'erf');
/** Elementwise e^x - 1, accurate near 0; gradient e^x (from the result, as torch's). */
export const expm1 = (x: Tensor): Tensor => unaryOp(x, Unary.expm1, 0, 'expm1');
/** Elementwise base-2 logarithm; gradient 1 / (x ln 2). */
export const log2 = (x: Tensor): Tensor => unaryOp(x, Unary.log2, 0, 'log2');
/** Elementwise base-10 logarithm; gradient 1 / (x ln 10). */
export const log10 = (x: Tensor): Tensor => unaryOp(x, Unary.log10, 0, 'log10');
/** Elementwise 1 - erf(x), without its cancellation for large x; gradient -2 / sqrt(pi) e^(-x^2). */
export const erfc = (x: Tensor): Tensor => unaryOp(x, Unary.erfc, 0, 'erfc');
/** Elementwise tangent (radians); gradient 1 + tan(x)^2 (from the result, as torch's). */
export const tan = (x: Tensor): Tensor => unaryOp(x, Unary.tan, 0, 'tan');
/** Elementwise arctangent, in (-pi/2, pi/2); gradient 1 / (x^2 + 1). */
export const atan = (x: Tensor): Tensor => unaryOp(x, Unary.atan, 0, 'atan');
/** Elementwise arcsine, NaN outside [-1, 1]; gradient 1 / sqrt(1 - x^2). */
export const asin = (x: Tensor): Tensor => unaryOp(x, Unary.asin, 0, 'asin');
/** Elementwise arccosine, NaN outside [-1, 1]; gradient -1 / sqrt(1 - x^2). */
export const acos = (x: Tensor): Tensor => unaryOp(x, Unary.acos, 0, 'acos');
/** Elementwise hyperbolic sine; gradient cosh(x). */
export const sinh = (x: Tensor): Tensor => unaryOp(x, Unary.sinh, 0, 'sinh');
/** Elementwise hyperbolic cosine; gradient sinh(x). */
export const cosh = (x: Tensor): Tensor => unaryOp(x, Unary.cosh, 0, 'cosh');
/** Elementwise inverse hyperbolic sine; gradient 1 / sqrt(x^2 + 1). */
export const asinh = (x: Tensor): Tensor => unaryOp(x, Unary.asinh, 0, 'asinh');
/** Elementwise inverse hyperbolic cosine, NaN below 1; gradient 1 / sqrt(x^2 - 1). */
export const acosh = (x: Tensor): Tensor => unaryOp(x, Unary.acosh, 0, 'acosh');
/** Elementwise inverse hyperbolic tangent, NaN outside [-1, 1]; gradient 1 / (1 - x^2). */
export const atanh = (x: Tensor): Tensor => unaryOp(x, Unary.atanh, 0, 'atanh');
