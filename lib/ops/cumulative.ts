// cumsum, amax / amin, and the vector norms (torch.norm with p 1, 2 or Infinity): reductions whose
// arithmetic or gradient torch writes its own way, done here in that way.
import { Binary, Reduce, RunningFold } from '../backend/backend';
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { fmt, normDim, splitAt } from '../shape';
import { checkKeepDim, shown } from '../args';
import { alloc, allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { broadcastBinary, checkTensor, disposeAll, record } from './core';
import { Dims, max, min, reducedShape, reduceOverDims, sum } from './reduce';
import { abs, square } from './unary';
import { div, mul } from './binary';
import { eq, where } from './more';
import { reshape } from './shape';
import { flip } from './index_ops';
import { isGradEnabled, noGrad } from '../autograd';

/** Running sums along `dim` (torch.cumsum: accumulated in double, each rounded to float); the gradient is the running sum from the end. */
export function cumsum(x: Tensor, dim: number): Tensor {
  checkTensor(x, 'cumsum');
  const [outer, len, inner] = splitAt(x.shape, normDim(dim, x.ndim, 'cumsum'));
  const y = allocOutput(x.size);
  B().runningFold(RunningFold.sum, x.data, outer, len, inner, y, false);
  const out = record(y, x.shape, [x], 'cumsum', (gy) => {
    const gx = allocOutput(gy.length);
    B().runningFold(RunningFold.sum, gy, outer, len, inner, gx, true);
    return [gx];
  });
  // The running sum from the end, as flips around a cumsum.
  if (out.node) out.node.graphBackward = (gy) => [flip(cumsum(flip(gy, [dim]), dim), [dim])];
  return out;
}

/** The 2-norm along d (all elements for -1): sqrt(sum(x * x)), its gradient torch's x (gy / y), 0 where y is 0. */
function norm2(x: Tensor, d: number, keepDim: boolean): Tensor {
  const [outer, len, inner] = d < 0 ? [1, x.size, 1] : splitAt(x.shape, d);
  const y = noGrad(() => {
    let sums: Tensor;
    const squares = inner === 1 ? null : square(x);
    if (squares) {
      sums = sum(squares, d < 0 ? undefined : d, keepDim);
    } else {
      // Along contiguous runs the backend sums the squares in one pass, each exact in double (the
      // squares written out and summed took two passes and an array of x's size).
      sums = new Tensor(allocOutput(outer), reducedShape(x.shape, d, keepDim));
      B().reduce(Reduce.sumSquares, x.data, outer, len, 1, sums.data, null);
    }
    const root = sums.sqrt();
    disposeAll(...(squares ? [squares, sums] : [sums])); // left to the collector, the squares were one array of x's size a call
    return root;
  });
  if (!(x.requiresGrad && isGradEnabled())) return y;
  const kept = reducedShape(x.shape, d, true);
  const out = record(y.data, y.shape, [x], 'norm', (gy) => {
    const scale = allocOutput(gy.length), ys = y.data;
    for (let i = 0; i < gy.length; i++) scale[i] = ys[i] === 0 ? 0 : gy[i] / ys[i];
    return [broadcastBinary(Binary.mul, x.data, x.shape, scale, kept, x.shape)];
  });
  if (out.node) out.node.graphBackward = (gy) => [mul(x, reshape(where(eq(out, 0), 0, div(gy, out)), kept))];
  return out;
}

/**
 * Which elements share each slice's gradient, slice by slice of [outer, len, inner]: `at` marks them
 * (times sgn(x) when `signed`: the Infinity norm's), and how many each slice has.
 */
function sharers(x: Float32Array, y: Float32Array, outer: number, len: number, inner: number,
  at: (v: number, top: number) => number, signed: boolean): { mask: Float32Array; counts: Float32Array } {
  const mask = allocOutput(x.length), counts = allocOutput(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const top = y[o * inner + i], base = o * len * inner + i;
      let count = 0;
      for (let j = 0; j < len; j++) {
        const v = x[base + j * inner], m = at(v, top);
        count += m;
        mask[base + j * inner] = signed ? (v > 0 ? 1 : v < 0 ? -1 : 0) * m : m;
      }
      counts[o * inner + i] = count;
    }
  }
  return { mask, counts };
}

/**
 * gy shared among the elements `at` marks (torch's (gy / count) * mask, times sgn(x) when `signed`):
 * the backward of amax / amin and of the Infinity norm. A slice whose mask is empty gets
 * (gy / 0) * 0 = NaN, as torch's.
 */
function sharedGradient(x: Float32Array, y: Float32Array, outer: number, len: number, inner: number, gy: Float32Array,
  at: (v: number, top: number) => number, signed: boolean): Float32Array {
  const { mask, counts } = sharers(x, y, outer, len, inner, at, signed);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const share = Math.fround(gy[o * inner + i] / counts[o * inner + i]), base = o * len * inner + i;
      for (let j = 0; j < len; j++) mask[base + j * inner] = share * mask[base + j * inner];
    }
  }
  recycleArray(counts);
  return mask;
}

/**
 * sharedGradient in recorded ops (createGraph): (gy * mask) / count over x's shape, gy with the
 * reduced dim kept, the mask and counts constants, as torch's rule has them.
 */
function sharedGraph(x: Tensor, y: Float32Array, d: number, gy: Tensor, at: (v: number, top: number) => number, signed: boolean): Tensor {
  const [outer, len, inner] = d < 0 ? [1, x.size, 1] : splitAt(x.shape, d);
  const { mask, counts } = sharers(x.data, y, outer, len, inner, at, signed);
  const kept = reducedShape(x.shape, d, true);
  return div(mul(reshape(gy, kept), new Tensor(mask, [...x.shape])), new Tensor(counts, kept));
}

/**
 * The Infinity-norm along d: max |x| (the max kernel's; 0 for an empty slice, as torch's), its
 * gradient torch's sgn(x) (gy / count) at the elements at the max or NaN (sgn(NaN) is 0, and
 * -1 * 0 is -0 as there), 0 elsewhere.
 */
function normInf(x: Tensor, d: number, keepDim: boolean): Tensor {
  const [outer, len, inner] = d < 0 ? [1, x.size, 1] : splitAt(x.shape, d);
  const y = len === 0 ? alloc(outer * inner) : noGrad(() => max(abs(x), d < 0 ? undefined : d)).data;
  const at = (v: number, top: number) => (Math.abs(v) === top || v !== v ? 1 : 0);
  const out = record(y, reducedShape(x.shape, d, keepDim), [x], 'norm', (gy) => [sharedGradient(x.data, y, outer, len, inner, gy, at, true)]);
  if (out.node) out.node.graphBackward = (gy) => [sharedGraph(x, y, d, gy, at, true)];
  return out;
}

/**
 * The vector p-norm of all elements, or along `dim` (one or a list), as torch.norm / linalg.vector_norm:
 * p 2 (default) sqrt(sum x^2), 1 sum |x|, Infinity max |x|. Gradients as torch's: 0 at a zero 2-norm,
 * shared among ties for Infinity.
 */
export function norm(x: Tensor, p = 2, dim?: Dims, keepDim = false): Tensor {
  checkTensor(x, 'norm');
  if (p !== 1 && p !== 2 && p !== Infinity) throw new Error(`norm: p must be 1, 2 or Infinity, got ${shown(p)}`);
  if (Array.isArray(dim)) return reduceOverDims(x, dim, keepDim, 'norm', (t, d) => norm(t, p, d, false));
  const d = dim === undefined ? -1 : normDim(dim as number, x.ndim, 'norm');
  if (p === 1) return sum(abs(x), d < 0 ? undefined : d, keepDim);
  return p === 2 ? norm2(x, d, keepDim) : normInf(x, d, keepDim);
}

/**
 * The largest (or smallest) value of each slice of [outer, len, inner] along its middle axis, as
 * torch.amax / amin: NaN where a slice holds one, the first of equal values (so -0 before 0). The
 * gradient is torch's (gy / count) at every element equal to the result, shared among ties.
 */
function extremeShared(x: Tensor, d: number, keepDim: boolean, largest: boolean, what: string): Tensor {
  const [outer, len, inner] = d < 0 ? [1, x.size, 1] : splitAt(x.shape, d);
  if (len === 0 && outer * inner > 0) throw new Error(`${what}: the reduced dimension${d < 0 ? 's are' : ` ${d} is`} empty (shape ${fmt(x.shape)})`);
  // The values are max's and min's (the backend's kernel: NaN propagates, the first of equals).
  const y = len === 0 ? allocOutput(0) : noGrad(() => (largest ? max : min)(x, d < 0 ? undefined : d)).data;
  const at = (v: number, top: number) => (v === top ? 1 : 0);
  const out = record(y, reducedShape(x.shape, d, keepDim), [x], what, (gy) => [sharedGradient(x.data, y, outer, len, inner, gy, at, false)]);
  if (out.node) out.node.graphBackward = (gy) => [sharedGraph(x, y, d, gy, at, false)];
  return out;
}

function amaxOrAmin(x: Tensor, dim: Dims | undefined, keepDim: boolean, largest: boolean): Tensor {
  const what = largest ? 'amax' : 'amin';
  checkTensor(x, what);
  checkKeepDim(keepDim, what);
  if (Array.isArray(dim)) return reduceOverDims(x, dim, keepDim, what, (t, d) => amaxOrAmin(t, d, false, largest));
  return extremeShared(x, dim === undefined ? -1 : normDim(dim as number, x.ndim, what), keepDim, largest, what);
}

/** The largest value of all elements, or along `dim` (one or a list), as torch.amax: NaN propagates; the gradient is shared among equal maxima. */
export const amax = (x: Tensor, dim?: Dims, keepDim = false): Tensor => amaxOrAmin(x, dim, keepDim, true);
/** The smallest value, as torch.amin (amax's rules). */
export const amin = (x: Tensor, dim?: Dims, keepDim = false): Tensor => amaxOrAmin(x, dim, keepDim, false);
