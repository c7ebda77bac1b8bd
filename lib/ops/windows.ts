// torch's Tensor.unfold (the sliding windows of one dimension as a new last dimension), as_strided and
// as_strided_scatter: views in torch; here copies picked (or written) at flat offsets, whose gradient
// adds the picks back, overlaps summed.
import { Tensor } from '../tensor';
import { contiguousStrides, fmt, normDim, sameShape } from '../shape';
import { shown } from '../args';
import { checkTensor } from './core';
import { writeRows } from './scatter_more';
import { checkInt } from './structure';
import { pickStrided, stridedOffsets } from './offsets';

/**
 * The windows of `size` elements along `dimension`, `step` apart (torch.Tensor.unfold): dimension's
 * extent becomes the window count floor((n - size) / step) + 1 and a last dimension of `size` is added,
 * out[..., i, ..., j] = x[..., i step + j, ...]. Gradient: each window's back at its place, summed.
 */
export function unfoldWindows(x: Tensor, dimension: number, size: number, step: number): Tensor {
  const what = 'unfold';
  checkTensor(x, what);
  checkInt(size, what, 'size');
  checkInt(step, what, 'step');
  if (x.ndim === 0) throw new Error(`${what}: a 0-d tensor has no dimension to slide along`);
  const d = normDim(dimension, x.ndim, what);
  const n = x.shape[d];
  if (size < 0 || size > n) throw new Error(`${what}: size ${size} must be in [0, ${n}] (dimension ${d} of shape ${fmt(x.shape)})`);
  if (step < 1) throw new Error(`${what}: step must be positive, got ${step}`);
  const windows = Math.floor((n - size) / step) + 1;
  const shape = [...x.shape.slice(0, d), windows, ...x.shape.slice(d + 1), size];
  // x's own strides, dimension's stepping over `step` elements, and the window's over one.
  const strides = contiguousStrides(x.shape);
  return pickStrided(x, shape, [...strides.map((s, k) => (k === d ? s * step : s)), strides[d]], 0);
}

/** size, stride and storageOffset checked as torch checks them against x's storage (its elements, row-major). */
function checkStrided(x: Tensor, size: readonly number[], stride: readonly number[], storageOffset: number, what: string): void {
  checkTensor(x, what);
  const ints = (v: unknown, name: string) => {
    if (!Array.isArray(v) || !v.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new Error(`${what}: ${name} must be an array of non-negative integers, got ${shown(v)}`);
  };
  ints(size, 'size');
  ints(stride, 'stride');
  if (size.length !== stride.length) throw new Error(`${what}: mismatch in length of strides and shape (${stride.length} and ${size.length})`);
  if (!Number.isSafeInteger(storageOffset) || storageOffset < 0) throw new Error(`${what}: storageOffset must be a non-negative integer, got ${shown(storageOffset)}`);
  const empty = size.some((n) => n === 0);
  const needed = empty ? 0 : storageOffset + 1 + size.reduce((s, n, k) => s + (n - 1) * stride[k], 0);
  if (needed > x.size) throw new Error(`${what}: sizes ${fmt(size)}, strides ${fmt(stride)} and storage offset ${storageOffset} need ${needed} elements, more than the tensor's ${x.size}`);
}

/**
 * The elements of x (row-major, as its storage) at storageOffset + sum of i_k stride_k, in `size`
 * (torch.as_strided; a view in torch, a copy here, as unfold). Gradient: added back at those places,
 * overlaps summed.
 */
export function asStrided(x: Tensor, size: readonly number[], stride: readonly number[], storageOffset = 0): Tensor {
  checkStrided(x, size, stride, storageOffset, 'asStrided');
  return pickStrided(x, size, stride, storageOffset);
}

/** x with src written over the elements asStrided(x, size, stride, storageOffset) reads (torch.as_strided_scatter; overlaps: the last write stays). */
export function asStridedScatter(x: Tensor, src: Tensor, size: readonly number[], stride: readonly number[], storageOffset = 0): Tensor {
  const what = 'asStridedScatter';
  checkStrided(x, size, stride, storageOffset, what);
  const at = stridedOffsets(size, stride, storageOffset);
  checkTensor(src, `${what} src`);
  if (!sameShape(src.shape, size)) throw new Error(`${what}: src must have the shape ${fmt(size)}, got ${fmt(src.shape)}`);
  return writeRows(x, x.size, at, src, false);
}
