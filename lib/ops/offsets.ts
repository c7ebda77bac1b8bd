// The two ops that selection's backward is made of, for createGraph: values picked from a tensor at
// flat offsets, and values added into zeros at flat offsets (an offset met twice gets both). Each is
// the other's gradient, so a gradient of gather, indexSelect, embedding, max along a dim or max
// pooling (whose recorded backward adds gy back at the offsets taken) can be differentiated again,
// to any order.
import { Tensor } from '../tensor';
import { alloc, allocOutput } from '../storage';
import { copyStrided, record } from './core';
import { int32sFrom } from '../tiny';

/**
 * x's elements at the flat offsets `at`, as a tensor of `shape` (as many elements as offsets). `at`
 * is the op's own from here on: a caller's pooled index array is to be copied first.
 */
export function pickAt(x: Tensor, at: Int32Array, shape: readonly number[]): Tensor {
  const out = record(picked(x.data, at), [...shape], [x], 'pickAt', (gy) => [addedAt(gy, at, x.size)]);
  if (out.node) out.node.graphBackward = (gy) => [addAt(gy, at, x.shape)];
  return out;
}

/** Zeros of `shape` with g's elements added at the flat offsets `at` (one per element of g). */
export function addAt(g: Tensor, at: Int32Array, shape: readonly number[]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = record(addedAt(g.data, at, size), [...shape], [g], 'addAt', (gy) => [picked(gy, at)]);
  if (out.node) out.node.graphBackward = (gy) => [pickAt(gy, at, g.shape)];
  return out;
}

// An offset of -1 (a max pooling's window that took nothing) picks 0 and adds nowhere.
function picked(x: Float32Array, at: Int32Array): Float32Array {
  const y = allocOutput(at.length);
  for (let i = 0; i < at.length; i++) y[i] = at[i] >= 0 ? x[at[i]] : 0;
  return y;
}

function addedAt(g: Float32Array, at: Int32Array, size: number): Float32Array {
  const y = alloc(size);
  for (let i = 0; i < at.length; i++) if (at[i] >= 0) y[at[i]] += g[i];
  return y;
}

/** The flat offsets, row-major over `size`, of offset + sum over k of i_k stride_k. */
export function stridedOffsets(size: readonly number[], stride: readonly number[], offset: number): Int32Array {
  const at = new Int32Array(size.reduce((p, q) => p * q, 1));
  const last = size.length - 1;
  if (at.length === 0 || last < 0) return at.fill(offset);
  // A run of the last dim at a time from its first offset, `base`, which steps as an odometer of the others.
  const inner = size[last], innerStride = stride[last];
  const idx = new Array<number>(last).fill(0);
  let base = offset;
  for (let e = 0; e < at.length; e += inner) {
    for (let j = 0; j < inner; j++) at[e + j] = base + j * innerStride;
    for (let k = last - 1; k >= 0; k--) {
      base += stride[k];
      if (++idx[k] < size[k]) break;
      base -= stride[k] * size[k];
      idx[k] = 0;
    }
  }
  return at;
}

/**
 * x's elements at offset + sum over k of i_k stride_k over `shape` (a strided read: unfold's and
 * as_strided's copies), by the backend's strided copy. Gradient: gy added back at those places,
 * overlaps summed; the offsets made only when a backward needs them.
 */
export function pickStrided(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  const out = allocOutput(shape.reduce((p, q) => p * q, 1));
  if (shape.length === 0) out[0] = x.data[offset];
  else if (out.length > 0) copyStrided(x.data.subarray(offset), int32sFrom(strides), out, int32sFrom(shape));
  const at = () => stridedOffsets(shape, strides, offset);
  const y = record(out, [...shape], [x], 'pickStrided', (gy) => [addedAt(gy, at(), x.size)]);
  if (y.node) y.node.graphBackward = (gy) => [addAt(gy, at(), x.shape)];
  return y;
}
