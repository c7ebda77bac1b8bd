// Activations torch has beyond the first unary kernels: hardsigmoid, hardswish, mish, logsigmoid,
// selu, celu, hardshrink and softshrink on unary kernels of their own (torch 1.13's CPU formulas,
// forward and backward); hardtanh and relu6 on clamp's; threshold a mask and a select; softsign,
// tanhshrink and glu torch's compositions of ops, so their gradients are the ops'. (As closures called
// element by element, each took 10-70 ms for 1M floats, where torch takes 0.1-7.)
import { Tensor } from '../tensor';
import { checkFinite, shown } from '../args';
import { alloc, allocOutput } from '../storage';
import { broadcastBinary, checkTensor, letGoAfterBackward, letGoAfterRead, record } from './core';
import { B } from '../backend/registry';
import { recycleArray } from '../reuse';
import { Binary, Reduce, Unary } from '../backend/backend';
import { add, div, mul, sub } from './binary';
import { abs, neg, sigmoid, tanh, unaryOp } from './unary';
import { softmax } from './softmax';
import { chunk } from './join';
import { gt, le, where } from './more';
import { reshape } from './shape';
import { fmt, normDim } from '../shape';
import { recomposedRule } from '../autograd_graph';

/** hardtanh's bounds as floats (finite, the first not above the second), or an error naming `what`. */
export function hardtanhBounds(minVal: number, maxVal: number, what: string): [number, number] {
  const lo = Math.fround(checkFinite(minVal, what, 'minVal'));
  const hi = Math.fround(checkFinite(maxVal, what, 'maxVal'));
  if (lo > hi) throw new Error(`${what}: minVal ${minVal} is above maxVal ${maxVal}`);
  return [lo, hi];
}

/**
 * x clamped to [minVal, maxVal] (NaN stays NaN); the gradient passes strictly inside, 0 at and past
 * the bounds and at NaN (torch's hardtanh_backward: at x = minVal clamp's passes, hardtanh's does
 * not; its scalar loop, for tensors shorter than a vector, passes a NaN's).
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  const [lo, hi] = hardtanhBounds(minVal, maxVal, 'hardtanh');
  checkTensor(x, 'hardtanh');
  // clamp's kernel (the same selects); the gradient by kernels too, the two bounds' masks in turn.
  // (As a closure called per element, relu6 took 12 ms for 1M floats, torch 0.1.)
  const y = allocOutput(x.size);
  B().clamp(x.data, lo, hi, y);
  const passInside = (gy: Float32Array, shape: readonly number[]): Float32Array => {
    const above = broadcastBinary(Binary.gtMask, x.data, shape, Float32Array.of(lo), [], shape);
    const g = broadcastBinary(Binary.keepWhere, gy, shape, above, shape, shape);
    const below = broadcastBinary(Binary.ltMask, x.data, shape, Float32Array.of(hi), [], shape);
    const gx = broadcastBinary(Binary.keepWhere, g, shape, below, shape, shape);
    for (const a of [above, g, below]) recycleArray(a);
    return gx;
  };
  const out = record(y, x.shape, [x], 'hardtanh', (gy) => [passInside(gy, x.shape)]);
  if (out.node) out.node.graphBackward = (gy) => [mul(gy, new Tensor(passInside(alloc(x.size).fill(1), x.shape), x.shape))];
  return out;
}

/** min(max(x, 0), 6): hardtanh over [0, 6] (torch.nn.ReLU6). */
export const relu6 = (x: Tensor): Tensor => hardtanh(x, 0, 6);

/** min(max(x + 3, 0), 6) / 6; gradient 1/6 strictly inside (-3, 3), else 0. */
export function hardsigmoid(x: Tensor): Tensor {
  return unaryOp(x, Unary.hardsigmoid, 0, 'hardsigmoid');
}

/**
 * x min(max(x + 3, 0), 6) / 6; gradient 0 below -3, x / 3 + 1/2 below 3, 1 from 3 on: torch's
 * vector loop (its scalar loop, which takes tensors shorter than a vector, gives 1.5 at 3).
 */
export function hardswish(x: Tensor): Tensor {
  return unaryOp(x, Unary.hardswish, 0, 'hardswish');
}

/** log(sigmoid(x)) as min(x, 0) - log1p(e^-|x|), with no overflow; gradient torch's, from e^-|x|. */
export function logsigmoid(x: Tensor): Tensor {
  return unaryOp(x, Unary.logsigmoid, 0, 'logsigmoid');
}

/** x tanh(softplus(x)) (torch.nn.Mish); gradient tanh(sp) + x sigmoid(x) (1 - tanh(sp)^2). */
export function mish(x: Tensor): Tensor {
  return unaryOp(x, Unary.mish, 0, 'mish');
}

/** scale (x for x > 0, alpha (e^x - 1) otherwise), torch's SELU constants; gradient scale or scale alpha e^x. */
export function selu(x: Tensor): Tensor {
  return unaryOp(x, Unary.selu, 0, 'selu');
}

/** x / (1 + |x|), torch's composition (so its gradient). */
export function softsign(x: Tensor): Tensor {
  checkTensor(x, 'softsign');
  const a = abs(x), d = add(a, 1);
  const y = div(x, d);
  letGoAfterBackward(a, d);
  return y;
}

/** x - tanh(x), torch's composition (so its gradient). */
export function tanhshrink(x: Tensor): Tensor {
  checkTensor(x, 'tanhshrink');
  const t = tanh(x);
  const y = sub(x, t);
  letGoAfterBackward(t);
  return y;
}

/**
 * x where x > 0, weight * x elsewhere (torch.nn.functional.prelu): weight holds one slope, or one per
 * channel (dimension 1 of x). One slope (nn.PReLU's default) runs the leaky ReLU kernel at it; one per
 * channel is composed of ops, whose gradients are x's and the weight's.
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  checkTensor(x, 'prelu');
  checkTensor(weight, 'prelu');
  if (weight.ndim !== 1) throw new Error(`prelu: weight must be 1-D (one slope, or one per channel), got shape ${fmt(weight.shape)}`);
  const channels = weight.shape[0];
  if (channels === 1) return preluOneSlope(x, weight);
  if (!(x.ndim >= 2 && x.shape[1] === channels)) throw new Error(`prelu: ${channels} slopes need an input with ${channels} channels in dimension 1, got shape ${fmt(x.shape)}`);
  return preluComposed(x, weight);
}

/** prelu of ops: the slopes shaped to x's channels (or one), a mask and where. */
function preluComposed(x: Tensor, weight: Tensor): Tensor {
  const slopes = weight.shape[0] === 1 ? reshape(weight, []) : reshape(weight, [weight.shape[0], ...x.shape.slice(2).map(() => 1)]);
  const positive = gt(x, 0), scaled = mul(slopes, x);
  const y = where(positive, x, scaled);
  // Each step's own, read by where alone (the mask a constant of its node).
  letGoAfterRead(y, positive);
  letGoAfterBackward(scaled); // (slopes, a view of the weight, holds storage that is never pooled)
  return y;
}

/**
 * prelu with one slope: x (x > 0 ? 1 : w), torch's values, on the leaky ReLU kernel (composed of a
 * mask, a product and where, a [1024, 1024] input took 0.44 ms against torch's 0.10). Gradients as
 * torch's: gy (x > 0 ? 1 : w) for x, the sum of x gy where x is not positive for w (w as it was at
 * the forward). createGraph walks the composed form.
 */
function preluOneSlope(x: Tensor, weight: Tensor): Tensor {
  const w = weight.data[0];
  const y = allocOutput(x.size);
  B().unary(Unary.leakyRelu, x.data, y, w);
  const out = record(y, [...x.shape], [x, weight], 'prelu', (gy) => {
    let gx: Float32Array | null = null, gw: Float32Array | null = null;
    if (x.requiresGrad) {
      gx = allocOutput(x.size);
      B().unaryGrad(Unary.leakyRelu, x.data, y, gy, gx, w);
    }
    if (weight.requiresGrad) {
      // x where x is not positive (NaN kept), times gy, summed.
      const notPositive = allocOutput(x.size);
      B().unary(Unary.clampMax, x.data, notPositive, 0);
      const products = broadcastBinary(Binary.mul, notPositive, x.shape, gy, x.shape, x.shape);
      gw = allocOutput(1);
      B().reduce(Reduce.sum, products, 1, products.length, 1, gw, null);
      recycleArray(notPositive);
      recycleArray(products);
    }
    return [gx, gw];
  });
  if (out.node) out.node.graphBackward = recomposedRule([x, weight], () => preluComposed(x, weight));
  return out;
}

/** x where |x| > lambd, else 0 (torch.nn.functional.hardshrink); gradient gy there, else 0. */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  return unaryOp(x, Unary.hardshrink, Math.fround(checkFinite(lambd, 'hardshrink', 'lambd')), 'hardshrink');
}

/** x - lambd above lambd, x + lambd below -lambd, else 0 (torch.nn.functional.softshrink; lambd >= 0); gradient gy outside [-lambd, lambd]. */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  const l = Math.fround(checkFinite(lambd, 'softshrink', 'lambd'));
  if (l < 0) throw new Error(`softshrink: lambd must be at least 0, got ${shown(lambd)}`);
  return unaryOp(x, Unary.softshrink, l, 'softshrink');
}

/** value where x <= threshold, else x (torch.nn.functional.threshold: NaN stays); gradient gy where x is kept. */
export function threshold(x: Tensor, thresholdValue: number, value: number): Tensor {
  const t = Math.fround(checkFinite(thresholdValue, 'threshold', 'threshold'));
  const v0 = Math.fround(checkFinite(value, 'threshold', 'value'));
  checkTensor(x, 'threshold');
  // A mask and where's select (and its gradient: gy where x is kept, NaN included).
  const replaced = le(x, t);
  const y = where(replaced, v0, x);
  letGoAfterRead(y, replaced);
  return y;
}

/** x for x > 0, alpha (e^(x / alpha) - 1) otherwise (torch.nn.functional.celu, alpha != 0); torch's ELU kernel with input scale 1 / alpha. */
export function celu(x: Tensor, alpha = 1): Tensor {
  const a = Math.fround(checkFinite(alpha, 'celu', 'alpha'));
  if (a === 0) throw new Error('celu: alpha must not be 0');
  // torch's elu kernel with input scale 1 / alpha.
  return unaryOp(x, Unary.celu, a, 'celu');
}

/** a * sigmoid(b) for a, b the two halves of x along dim (torch.nn.functional.glu; that dim's size even). */
export function glu(x: Tensor, dim = -1): Tensor {
  checkTensor(x, 'glu');
  if (x.ndim === 0) throw new Error('glu: the input must have at least one dim, got a 0-d tensor');
  const d = normDim(dim, x.ndim, 'glu');
  if (x.shape[d] % 2 !== 0) throw new Error(`glu: dim ${dim} of shape ${fmt(x.shape)} must have an even size, to halve`);
  const [a, b] = chunk(x, 2, d);
  const s = sigmoid(b);
  const y = mul(a, s);
  letGoAfterBackward(a, b, s);
  return y;
}

/** softmax(-x) along dim (torch.nn.functional.softmin). */
export function softmin(x: Tensor, dim = -1): Tensor {
  checkTensor(x, 'softmin');
  const m = neg(x);
  const y = softmax(m, dim);
  letGoAfterBackward(m);
  return y;
}
