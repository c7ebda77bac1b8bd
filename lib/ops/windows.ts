// torch's Tensor.unfold: the sliding windows of one dimension as a new last dimension (a view in
// torch; here a copy picked at flat offsets, whose gradient adds the windows back, overlaps summed).
import { Tensor } from '../tensor';
import { contiguousStrides, fmt, normDim } from '../shape';
import { checkTensor } from './core';
import { checkInt } from './structure';
import { pickAt } from './offsets';

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
  // Flat offsets into x for each output element, row-major over shape.
  const strides = contiguousStrides(x.shape);
  const at = new Int32Array(shape.reduce((p, q) => p * q, 1));
  const idx = new Array<number>(shape.length).fill(0);
  for (let e = 0; e < at.length; e++) {
    let off = 0;
    for (let k = 0; k < x.ndim; k++) off += (k === d ? idx[k] * step + idx[shape.length - 1] : idx[k]) * strides[k];
    at[e] = off;
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return pickAt(x, at, shape);
}
