// The two ops that selection's backward is made of, for createGraph: values picked from a tensor at
// flat offsets, and values added into zeros at flat offsets (an offset met twice gets both). Each is
// the other's gradient, so a gradient of gather, indexSelect, embedding, max along a dim or max
// pooling (whose recorded backward adds gy back at the offsets taken) can be differentiated again,
// to any order.
import { Tensor } from '../tensor';
import { alloc, allocOutput } from '../storage';
import { record } from './core';

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
