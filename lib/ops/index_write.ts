// Writing whole slices by index, the inverse of indexSelect: torch's index_add, index_copy and
// index_fill. index_add's sums go through indexSelect's backward kernel (duplicates add up in index
// order, as torch's CPU loop adds them); the gradients are slices picked by the same index.
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { fmt, normDim, splitAt } from '../shape';
import { allocOutput, roundingOf } from '../storage';
import { optionsOf, shown } from '../args';
import { checkNumber, checkTensor, record } from './core';
import { indexList, indexSelect } from './index_ops';
import { mul } from './binary';

/** Options of indexAdd. */
export interface IndexAddOptions {
  /** The factor source is multiplied by before it is added (default 1). */
  alpha?: number;
}

/** The checked index and the [outer, len, inner] split of x at dim, and source's slice count. */
interface Slices { d: number; idx: Int32Array; outer: number; len: number; inner: number }

/**
 * x's slices along dim named by index (1-D, or one number as a 0-d tensor), checked as torch checks
 * them: source, when given, has x's shape but index.length slices along dim.
 */
function slicesOf(x: Tensor, dim: number, index: Tensor | readonly number[] | Int32Array, source: Tensor | null, what: string): Slices {
  checkTensor(x, what);
  if (source !== null) checkTensor(source, what);
  if (x.ndim === 0) throw new Error(`${what}: cannot index a zero-dimensional tensor`);
  const d = normDim(dim, x.ndim, what);
  if (index instanceof Tensor && index.ndim > 1) throw new Error(`${what}: index must be 1-D, got shape ${fmt(index.shape)}`);
  const idx = indexList(index, x.shape[d], what);
  if (source !== null) {
    const want = x.shape.map((s, i) => (i === d ? idx.length : s));
    if (source.ndim !== x.ndim || source.shape.some((s, i) => s !== want[i])) {
      throw new Error(`${what}: source of shape ${fmt(source.shape)} must be ${fmt(want)} (the input ${fmt(x.shape)} with ${idx.length} slices, one per index, along dim ${d})`);
    }
  }
  const [outer, len, inner] = splitAt(x.shape, d);
  return { d, idx, outer, len, inner };
}

/** gy's slices at the index (the gradient of what was written there), times `scale`. */
function picked(gy: Float32Array, s: Slices, scale: number): Float32Array {
  const g = allocOutput(s.outer * s.idx.length * s.inner);
  B().indexRows(gy, s.outer, s.len, s.inner, s.idx, g);
  const round = roundingOf(g);
  if (scale !== 1) for (let e = 0; e < g.length; e++) g[e] = round(g[e] * scale);
  return g;
}

/**
 * A copy of x with source's slices added at the slices index names along dim (torch.index_add):
 * out[..., index[k], ...] += alpha * source[..., k, ...], duplicates adding up in index order.
 * Gradients: x's passes through, source's is the output's at the same slices (times alpha).
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor | readonly number[] | Int32Array, source: Tensor, options?: IndexAddOptions): Tensor {
  const what = 'indexAdd';
  const s = slicesOf(x, dim, index, source, what);
  const alpha = checkNumber(optionsOf(options, what, { alpha: 'value' }).alpha ?? 1, what, 'alpha');
  const y = allocOutput(x.size);
  y.set(x.data);
  const round = roundingOf(y);
  let add = source.data;
  if (alpha !== 1) {
    // A plain loop (TypedArray's map calls its callback at ~10 ns an element).
    add = allocOutput(source.size);
    const sd = source.data;
    for (let e = 0; e < sd.length; e++) add[e] = round(sd[e] * alpha);
  }
  B().indexRowsGrad(add, s.outer, s.len, s.inner, s.idx, y, -1);
  const out = record(y, x.shape, [x, source], what, (gy) => [x.requiresGrad ? gy : null, source.requiresGrad ? picked(gy, s, alpha) : null]);
  if (out.node) {
    const at = s.idx.slice();
    out.node.graphBackward = (gy) => [x.requiresGrad ? gy : null, source.requiresGrad ? (alpha === 1 ? indexSelect(gy, s.d, at) : mul(indexSelect(gy, s.d, at), alpha)) : null];
  }
  return out;
}

// Each slice k written (its run of `inner` floats in x, in index order within each outer block)
// copied from the k-th slice of src, or filled with a value (src null). Short slices element by
// element, in loops of their own: a subarray and a set a slice, through a callback, took 50 ns a slice
// of one element (maskedScatter of 500k elements: 35 ms).
function writeSlices(s: Slices, dst: Float32Array, src: Float32Array | null, value: number): void {
  const count = s.idx.length, inner = s.inner;
  for (let o = 0; o < s.outer; o++) {
    for (let k = 0; k < count; k++) {
      const at = (o * s.len + s.idx[k]) * inner, from = (o * count + k) * inner;
      if (inner >= 16) {
        if (src) dst.set(src.subarray(from, from + inner), at);
        else dst.fill(value, at, at + inner);
      } else if (src) {
        for (let i = 0; i < inner; i++) dst[at + i] = src[from + i];
      } else {
        for (let i = 0; i < inner; i++) dst[at + i] = value;
      }
    }
  }
}

/** The output's gradient with the written slices zeroed: x's gradient where they replaced it. */
function unwritten(gy: Float32Array, s: Slices): Float32Array {
  const gx = allocOutput(gy.length);
  gx.set(gy);
  writeSlices(s, gx, null, 0);
  return gx;
}

/**
 * A copy of x with source's slices written over the slices index names along dim (torch.index_copy;
 * of duplicates the last in index order stays, where torch leaves it undefined). Gradients: x's is
 * the output's except at the written slices, source's the output's at them.
 */
export function indexCopy(x: Tensor, dim: number, index: Tensor | readonly number[] | Int32Array, source: Tensor): Tensor {
  const what = 'indexCopy';
  const s = slicesOf(x, dim, index, source, what);
  const y = allocOutput(x.size);
  y.set(x.data);
  const src = source.data;
  writeSlices(s, y, src, 0);
  const out = record(y, x.shape, [x, source], what, (gy) => [x.requiresGrad ? unwritten(gy, s) : null, source.requiresGrad ? picked(gy, s, 1) : null]);
  if (out.node) {
    const at = s.idx.slice();
    out.node.graphBackward = (gy) => [x.requiresGrad ? indexFill(gy, s.d, at, 0) : null, source.requiresGrad ? indexSelect(gy, s.d, at) : null];
  }
  return out;
}

/**
 * A copy of x with the slices index names along dim set to `value` (torch.index_fill). Gradient: the
 * output's except at those slices.
 */
export function indexFill(x: Tensor, dim: number, index: Tensor | readonly number[] | Int32Array, value: number): Tensor {
  const what = 'indexFill';
  const s = slicesOf(x, dim, index, null, what);
  if (typeof value !== 'number') throw new Error(`${what}: value must be a number, got ${shown(value)}`);
  const y = allocOutput(x.size);
  y.set(x.data);
  writeSlices(s, y, null, value);
  const out = record(y, x.shape, [x], what, (gy) => [unwritten(gy, s)]);
  if (out.node) {
    const at = s.idx.slice();
    out.node.graphBackward = (gy) => [indexFill(gy, s.d, at, 0)];
  }
  return out;
}
