// torch functions made of the library's own ops (their gradients are those ops'): isnan, isinf,
// isfinite, isclose, allclose, lerp, diff, roll, nanToNum, countNonzero, hstack, vstack, tile,
// movedim, swapaxes.
import { Tensor } from '../tensor';
import { broadcastShapes, normDim, normDims, sizeOf, splitAt } from '../shape';
import { checkNonNegative, optionsOf, shown } from '../args';
import { noGrad } from '../autograd';
import { abs, unaryOp } from './unary';
import { Binary, Pointwise3, Unary } from '../backend/backend';
import { add, mul, sub } from './binary';
import { asTensor, checkTensor, disposeAll, fusibleUnrecorded, letGoAfterBackward, letGoAfterRead, Operand, record } from './core';
import { B } from '../backend/registry';
import { alloc, allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { eq, gt, le, lt, ne, where } from './more';
import { Dims, sum } from './reduce';
import { permute, repeat, transpose } from './shape';
import { maximum } from './compare';
import { cat, tensorArray } from './join';
import { padAlong } from './pad_resize';

/** 1 where x is NaN, else 0 (torch.isnan; a float32 mask, as the comparisons give). */
export function isnan(x: Tensor): Tensor {
  checkTensor(x, 'isnan');
  return noGrad(() => ne(x, x));
}

/** 1 where x is +Infinity or -Infinity, else 0 (torch.isinf). */
export function isinf(x: Tensor): Tensor {
  checkTensor(x, 'isinf');
  return noGrad(() => disposeAfter(abs(x), (m) => eq(m, Infinity)));
}

/** 1 where x is neither NaN nor infinite, else 0 (torch.isfinite). */
export function isfinite(x: Tensor): Tensor {
  checkTensor(x, 'isfinite');
  return noGrad(() => disposeAfter(abs(x), (m) => lt(m, Infinity)));
}

/** f(t), then t disposed: an intermediate that nothing else reads. */
function disposeAfter(t: Tensor, f: (t: Tensor) => Tensor): Tensor {
  const y = f(t);
  disposeAll(t);
  return y;
}

/** Tolerances of isclose and allclose (torch's keyword arguments and defaults). */
export interface CloseOptions {
  /** Relative tolerance, times |b| (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether two NaNs count as close (default false). */
  equalNan?: boolean;
}

function closeOptions(options: CloseOptions | undefined, what: string): { rtol: number; atol: number; equalNan: boolean } {
  const o = optionsOf(options, what, { rtol: 'value', atol: 'value', equalNan: 'boolean' });
  return { rtol: checkNonNegative(o.rtol ?? 1e-5, what, 'rtol'), atol: checkNonNegative(o.atol ?? 1e-8, what, 'atol'), equalNan: o.equalNan ?? false };
}

/**
 * 1 where a and b are close, else 0, broadcast (torch.isclose): equal (infinities included), or
 * both finite with |a - b| <= atol + rtol |b| in float32; NaNs close only with equalNan.
 */
export function isclose(a: Operand, b: Operand, options?: CloseOptions): Tensor {
  const ta = asTensor(a, 'isclose'), tb = asTensor(b, 'isclose');
  broadcastShapes(ta.shape, tb.shape, 'isclose');
  const { rtol, atol, equalNan } = closeOptions(options, 'isclose');
  return noGrad(() => {
    const made: Tensor[] = [];
    const keep = (t: Tensor): Tensor => (made.push(t), t);
    const error = keep(abs(keep(sub(ta, tb))));
    const allowed = keep(add(keep(mul(keep(abs(tb)), rtol)), atol));
    // |a - b| is infinite (or NaN) wherever a or b is: only equal values are close there.
    const within = keep(mul(keep(lt(error, Infinity)), keep(le(error, allowed))));
    let close = maximum(keep(eq(ta, tb)), within);
    if (equalNan) {
      keep(close);
      close = maximum(close, keep(mul(keep(ne(ta, ta)), keep(ne(tb, tb)))));
    }
    disposeAll(...made);
    return close;
  });
}

/** Whether every element of a is close to b's (torch.allclose: isclose everywhere). */
export function allclose(a: Operand, b: Operand, options?: CloseOptions): boolean {
  const close = isclose(a, b, options);
  // A plain loop (TypedArray's every calls its callback at ~10 ns an element).
  const c = close.data;
  let all = true;
  for (let e = 0; e < c.length && all; e++) all = c[e] === 1;
  disposeAll(close);
  return all;
}

/**
 * a + weight (b - a), broadcast (torch.lerp), computed as torch's scalar rule: from a where
 * |weight| < 0.5, back from b (b - (b - a)(1 - weight)) elsewhere. Differentiable in a, b and a
 * tensor weight.
 */
export function lerp(a: Tensor, b: Operand, weight: Operand): Tensor {
  checkTensor(a, 'lerp');
  const tb = asTensor(b, 'lerp');
  const shape = broadcastShapes(a.shape, tb.shape, 'lerp');
  if (weight instanceof Tensor) broadcastShapes(shape, weight.shape, 'lerp');
  if (Number.isNaN(weight)) throw new Error('lerp: weight must be a number or a Tensor, got NaN');
  const w = typeof weight === 'number' ? weight : asTensor(weight, 'lerp');
  if (typeof w === 'number' && fusibleUnrecorded([a, tb])) {
    // A running average (an EMA of weights), no gradient kept: one pass, the same roundings.
    const y = allocOutput(a.size);
    const near = Math.abs(w) < 0.5;
    B().pointwise3(near ? Pointwise3.lerpNear : Pointwise3.lerpFar, a.data, tb.data, tb.data, near ? w : 1 - w, y);
    return new Tensor(y, [...a.shape]);
  }
  const span = sub(tb, a);
  if (typeof w === 'number') {
    const fromA = Math.abs(w) < 0.5;
    const part = mul(span, fromA ? w : 1 - w);
    const y = fromA ? add(a, part) : sub(tb, part);
    letGoAfterBackward(span, part);
    return y;
  }
  const toward = mul(span, w);
  const fromA = add(a, toward);
  const rest = sub(1, w);
  const back = mul(span, rest);
  const fromB = sub(tb, back);
  const small = noGrad(() => disposeAfter(abs(w), (m) => lt(m, 0.5)));
  const y = where(small, fromA, fromB);
  letGoAfterBackward(span, toward, fromA, rest, back, fromB);
  letGoAfterRead(y, small);
  return y;
}

/**
 * The n-th forward difference along `dim` (torch.diff): x[1:] - x[:-1], n times; each time the
 * dimension is one shorter (none left past its length).
 */
export function diff(x: Tensor, n = 1, dim = -1): Tensor {
  checkTensor(x, 'diff');
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`diff: n must be a non-negative integer, got ${shown(n)}`);
  if (x.ndim === 0) throw new Error('diff: the input must have at least one dimension, got a 0-d tensor');
  const d = normDim(dim, x.ndim, 'diff');
  let y = x;
  for (let k = 0; k < n && y.shape[d] > 0; k++) {
    const next = differencesAlong(y, d);
    if (y !== x) letGoAfterBackward(y);
    y = next;
  }
  return y;
}

/**
 * x[i + 1] - x[i] along `axis` (its size at least 1): one subtraction over two offset views of x,
 * where narrow, narrow and sub made three passes and two arrays ([1024, 1024] along dim 1: 0.34 ms,
 * torch 0.11). The gradient gx[i] = gy[i - 1] - gy[i] (zero past either end), the same subtraction
 * over gy between zeros, operand for operand what sub's and narrow's gradients added.
 */
function differencesAlong(x: Tensor, axis: number): Tensor {
  const [outer, size, inner] = splitAt(x.shape, axis);
  const len = size - 1;
  const shape = [...x.shape];
  shape[axis] = len;
  const y = allocOutput(outer * len * inner);
  const strides = Int32Array.of(size * inner, inner, 1);
  if (y.length > 0) B().binary(Binary.sub, x.data.subarray(inner), strides, x.data, strides, y, Int32Array.of(outer, len, inner));
  const out = record(y, shape, [x], 'diff', (gy) => {
    // Zeroed pooled scratch, back to the pool once read (a fresh array a backward, not pooled, before).
    const padded = alloc(outer * (len + 2) * inner);
    const paddedStrides = Int32Array.of((len + 2) * inner, inner, 1);
    if (gy.length > 0) B().stridedCopy(gy, Int32Array.of(len * inner, inner, 1), padded.subarray(inner), Int32Array.of(outer, len, inner), paddedStrides);
    const gx = allocOutput(outer * size * inner);
    B().binary(Binary.sub, padded, paddedStrides, padded.subarray(inner), paddedStrides, gx, Int32Array.of(outer, size, inner));
    recycleArray(padded);
    return [gx];
  });
  if (out.node) out.node.graphBackward = (gy) => [sub(padAlong(gy, axis, 1, 0), padAlong(gy, axis, 0, 1))];
  return out;
}

/**
 * x rolled along dims (torch.roll): element i goes to i + shift (mod the size). Without dims, the
 * flattened tensor is rolled by `shifts` and given x's shape back.
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  checkTensor(x, 'roll');
  const list = (v: number | readonly number[], name: string): number[] => {
    const a = typeof v === 'number' ? [v] : v;
    if (!Array.isArray(a) || a.length === 0 || !a.every((s) => Number.isSafeInteger(s))) throw new Error(`roll: ${name} must be an integer or a non-empty array of integers, got ${shown(v)}`);
    return a;
  };
  const s = list(shifts, 'shifts');
  if (dims === undefined) {
    if (s.length !== 1) throw new Error(`roll: without dims, shifts must be one integer, got ${shown(shifts)}`);
    const flat = x.reshape([sizeOf(x.shape)]);
    const rolled = roll(flat, s[0], 0);
    const y = rolled.reshape([...x.shape]);
    if (rolled !== flat) letGoAfterBackward(rolled);
    return y;
  }
  const d = list(dims, 'dims');
  if (d.length !== s.length) throw new Error(`roll: shifts ${shown(shifts)} and dims ${shown(dims)} must be as many`);
  let y = x;
  d.forEach((dim, k) => {
    const axis = normDim(dim, x.ndim, 'roll');
    const size = y.shape[axis];
    const by = size === 0 ? 0 : ((s[k] % size) + size) % size;
    if (by === 0) return;
    const next = rolledAlong(y, axis, by);
    if (y !== x) letGoAfterBackward(y);
    y = next;
  });
  return y === x ? x.clone() : y;
}

/**
 * x rolled by `by` (0 < by < size) along one axis: its two pieces copied straight to their places
 * (two strided copies, where narrow, narrow and cat made three passes and two arrays); the gradient
 * rolled back by the same copies.
 */
function rolledAlong(x: Tensor, axis: number, by: number): Tensor {
  const [outer, size, inner] = splitAt(x.shape, axis);
  const move = (from: Float32Array, to: Float32Array, shift: number): void => {
    const strides = Int32Array.of(size * inner, inner, 1);
    // [size - shift, size) to [0, shift), then [0, size - shift) to [shift, size).
    B().stridedCopy(from.subarray((size - shift) * inner), strides, to, Int32Array.of(outer, shift, inner), strides);
    B().stridedCopy(from, strides, to.subarray(shift * inner), Int32Array.of(outer, size - shift, inner), strides);
  };
  const y = allocOutput(x.size);
  move(x.data, y, by);
  const out = record(y, [...x.shape], [x], 'roll', (gy) => {
    const gx = allocOutput(gy.length);
    move(gy, gx, size - by);
    return [gx];
  });
  if (out.node) out.node.graphBackward = (gy) => [roll(gy, size - by, axis)];
  return out;
}

/** Replacements of nanToNum (torch.nan_to_num's keyword arguments). */
export interface NanToNumOptions {
  /** What NaN becomes (default 0). */
  nan?: number;
  /** What +Infinity becomes (default the largest float32, 3.4028234663852886e38). */
  posinf?: number;
  /** What -Infinity becomes (default the lowest float32). */
  neginf?: number;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * x with NaN, +Infinity and -Infinity replaced (torch.nan_to_num); the gradient passes where x was
 * finite, as torch's.
 */
export function nanToNum(x: Tensor, options?: NanToNumOptions): Tensor {
  checkTensor(x, 'nanToNum');
  const o = optionsOf(options, 'nanToNum', { nan: 'value', posinf: 'value', neginf: 'value' });
  for (const name of ['nan', 'posinf', 'neginf'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'number') throw new Error(`nanToNum: ${name} must be a number, got ${shown(o[name])}`);
  }
  const nan = (o.nan as number | undefined) ?? 0, posinf = (o.posinf as number | undefined) ?? FLOAT32_MAX, neginf = (o.neginf as number | undefined) ?? -FLOAT32_MAX;
  const bound = Math.fround(posinf);
  if (bound === FLOAT32_MAX && Math.fround(neginf) === -bound) {
    // Infinities to +-bound, finite floats untouched: NaN's kernel, then clamp's (two passes where
    // the masks and selects below take six); each gradient passes where x is finite, as torch's.
    const numbers = unaryOp(x, Unary.nanTo, nan, 'nanToNum');
    const y = unaryOp(numbers, Unary.clampAbs, bound, 'nanToNum');
    letGoAfterBackward(numbers);
    return y;
  }
  const [finite, replaced] = noGrad(() => {
    const made: Tensor[] = [];
    const keep = (t: Tensor): Tensor => (made.push(t), t);
    const infinite = where(keep(gt(x, 0)), posinf, neginf);
    const r = where(keep(isnan(x)), nan, keep(infinite));
    const f = isfinite(x);
    disposeAll(...made);
    return [f, r];
  });
  const y = where(finite, x, replaced);
  letGoAfterRead(y, finite, replaced);
  return y;
}

/** How many elements are not 0 (NaN counts), over all of x or along dims (torch.count_nonzero). */
export function countNonzero(x: Tensor, dim?: Dims): Tensor {
  checkTensor(x, 'countNonzero');
  return noGrad(() => disposeAfter(ne(x, 0), (m) => sum(m, dim)));
}

/** Stacked along columns (torch.hstack): 1-D tensors end to end, others joined along dim 1. */
export function hstack(tensors: readonly Tensor[]): Tensor {
  const parts = tensorArray(tensors, 'hstack').map((t) => (t.ndim === 0 ? t.reshape([1]) : t));
  return cat(parts, parts[0].ndim === 1 ? 0 : 1);
}

/** Stacked along rows (torch.vstack): each tensor at least 2-D ([n] as [1, n]), joined along dim 0. */
export function vstack(tensors: readonly Tensor[]): Tensor {
  return cat(tensorArray(tensors, 'vstack').map((t) => (t.ndim >= 2 ? t : t.reshape([1, t.size]))), 0);
}

/**
 * x repeated `reps` times along each dim (torch.tile): fewer reps than dims count from the last dim,
 * more reps than dims give x leading dims of 1.
 */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  checkTensor(x, 'tile');
  if (!Array.isArray(reps)) throw new Error(`tile: reps must be an array of non-negative integers, got ${shown(reps)}`);
  return repeat(x, [...Array<number>(Math.max(0, x.ndim - reps.length)).fill(1), ...reps]);
}

/** x with dims `source` moved to positions `destination`, the others in their order (torch.movedim). */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  checkTensor(x, 'movedim');
  const src = typeof source === 'number' ? [source] : source, dst = typeof destination === 'number' ? [destination] : destination;
  if (!Array.isArray(src) || !Array.isArray(dst) || src.length !== dst.length) {
    throw new Error(`movedim: source ${shown(source)} and destination ${shown(destination)} must be dims, as many of each`);
  }
  const from = normDims(src, x.ndim, 'movedim'), to = normDims(dst, x.ndim, 'movedim');
  const order = new Array<number>(x.ndim).fill(-1);
  to.forEach((d, i) => (order[d] = from[i]));
  const rest = x.shape.map((_, d) => d).filter((d) => !from.includes(d));
  for (let d = 0, k = 0; d < x.ndim; d++) if (order[d] < 0) order[d] = rest[k++];
  return permute(x, order);
}

/** x with dims a and b exchanged (torch.swapaxes, transpose's other name). */
export function swapaxes(x: Tensor, a: number, b: number): Tensor {
  checkTensor(x, 'swapaxes');
  return transpose(x, a, b);
}
