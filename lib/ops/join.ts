// Joining and cutting tensors along a dimension (torch.cat, stack, narrow, split, chunk). Pure data
// movement: each is a copy of contiguous blocks (one per index of the dimensions before `dim`),
// done with TypedArray.set or the backend's strided copy, except a cut that is one block of its
// input (narrow's view).
import { Tensor } from '../tensor';
import { fmt, normDim, splitAt } from '../shape';
import { shown } from '../args';
import { allocOutput } from '../storage';
import { padAlong } from './pad_resize';
import { checkTensor, letGoAfterBackward, record } from './core';
import { copyBlocks } from '../copy';
import { unsqueeze } from './shape';
import { POOL_MIN_LENGTH } from '../reuse';

/** `tensors` as a non-empty array of tensors, or an error naming `what` and the one that is not. */
export function tensorArray(tensors: unknown, what: string): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error(`${what}: expected a non-empty array of tensors, got ${Array.isArray(tensors) ? 'an empty array' : tensors === null ? 'null' : typeof tensors}`);
  return tensors.map((t, i) => checkTensor(t, `${what}: tensor ${i}`));
}

/** Joins tensors along an existing dimension `dim` (default 0); their other dimensions must match (torch.cat). */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  const ts = tensorArray(tensors, 'cat');
  const first = ts[0];
  if (first.ndim === 0) throw new Error('cat: zero-dimensional tensors cannot be concatenated (use stack)');
  const d = normDim(dim, first.ndim, 'cat');
  ts.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s, k) => k !== d && s !== first.shape[k])) {
      throw new Error(`cat: tensor ${i} has shape ${fmt(t.shape)}, tensor 0 ${fmt(first.shape)}: all dimensions but ${d} must match`);
    }
  });
  const [outer, , inner] = splitAt(first.shape, d);
  const widths = ts.map((t) => t.shape[d] * inner); // each input's block per outer index
  const total = widths.reduce((a, b) => a + b, 0);
  const shape = [...first.shape];
  shape[d] = ts.reduce((a, t) => a + t.shape[d], 0);
  const y = allocOutput(outer * total);
  let at = 0;
  ts.forEach((t, i) => { copyBlocks(t.data, 0, widths[i], y, at, total, widths[i], outer); at += widths[i]; });
  const out = record(y, shape, ts, 'cat', (gy) => {
    let from = 0;
    return ts.map((t, i) => {
      const start = from;
      from += widths[i];
      if (!t.requiresGrad) return null;
      const g = allocOutput(t.size);
      copyBlocks(gy, start, total, g, 0, widths[i], widths[i], outer);
      return g;
    });
  });
  if (out.node) {
    out.node.graphBackward = (gy) => {
      let from = 0;
      return ts.map((t) => {
        from += t.shape[d];
        return t.requiresGrad ? narrow(gy, d, from - t.shape[d], t.shape[d]) : null;
      });
    };
  }
  return out;
}

/** Joins tensors of one shape along a new dimension `dim` (default 0), as torch.stack. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  const ts = tensorArray(tensors, 'stack');
  ts.forEach((t, i) => {
    if (t.ndim !== ts[0].ndim || t.shape.some((s, k) => s !== ts[0].shape[k])) throw new Error(`stack: tensor ${i} has shape ${fmt(t.shape)}, tensor 0 ${fmt(ts[0].shape)}: all must match`);
  });
  const d = normDim(dim, ts[0].ndim + 1, 'stack');
  const parts = ts.map((t) => unsqueeze(t, d));
  const y = cat(parts, d);
  // Views of the inputs' storage that nobody else sees: kept, each held its input's storage out of
  // the pool for good (an RNN stacks every step's h).
  letGoAfterBackward(...parts);
  return y;
}

/**
 * The part of `x` from `start` (negative counts from the end) of `length` indices along `dim`, as
 * torch.narrow. When the part is one contiguous block of x (dim 0, or every dimension before `dim` of
 * size 1: a batch of rows), the result shares x's storage, as torch's view does (writing one's
 * `data` changes the other); otherwise it is a copy.
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor(x, 'narrow');
  if (x.ndim === 0) throw new Error('narrow: cannot narrow a zero-dimensional tensor');
  const d = normDim(dim, x.ndim, 'narrow');
  const size = x.shape[d];
  if (!Number.isInteger(start) || start < -size || start > size) throw new Error(`narrow: start ${shown(start)} is out of range for dimension ${d} of size ${size}`);
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0 || s + length > size) {
    throw new Error(`narrow: start ${s} + length ${shown(length)} exceeds dimension ${d} of size ${size} (shape ${fmt(x.shape)})`);
  }
  const [outer, , inner] = splitAt(x.shape, d);
  const shape = [...x.shape];
  shape[d] = length;
  // A block of x is a view of its storage (minibatches cut with narrow(0, ...) copied 4 MiB a
  // call, fresh pages while the collector had not freed the last: 14 ms here). Only one that holds
  // the storage's record (past POOL_MIN_LENGTH: Tensor's constructor), or of a storage never pooled,
  // lest x's storage be reused under it once x is disposed.
  const n = length * inner;
  const view = outer === 1 && (n > POOL_MIN_LENGTH || x.size <= POOL_MIN_LENGTH);
  const y = view ? x.data.subarray(s * inner, s * inner + n) : allocOutput(n * outer);
  if (!view) copyBlocks(x.data, s * inner, size * inner, y, 0, n, n, outer);
  // Its gradient is gy's block alone: the walk adds it into x's (split's and chunk's pieces each
  // made a zeroed array as large as x, which the walk then added: 98 pieces, 98 passes over x).
  const out = record(y, shape, [x], 'narrow', (gy) => [{ part: gy, offset: s * inner, stride: size * inner, len: length * inner, count: outer }]);
  // gy between zeros along d: x's shape again.
  if (out.node) out.node.graphBackward = (gy) => [padAlong(gy, d, s, size - s - length)];
  return out;
}

/** Pieces of `x` along `dim`: of `splitSize` indices each (the last may be shorter), or of the listed sizes (torch.split). */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  checkTensor(x, 'split');
  if (x.ndim === 0) throw new Error('split: cannot split a zero-dimensional tensor');
  const d = normDim(dim, x.ndim, 'split');
  const size = x.shape[d];
  let sizes: number[];
  if (typeof splitSize === 'number') {
    if (!Number.isInteger(splitSize) || splitSize <= 0) throw new Error(`split: splitSize must be a positive integer, got ${shown(splitSize)}`);
    sizes = [];
    for (let at = 0; at < size; at += splitSize) sizes.push(Math.min(splitSize, size - at));
    if (size === 0) sizes.push(0);
  } else {
    if (!Array.isArray(splitSize) || !splitSize.every((v) => Number.isInteger(v) && v >= 0)) throw new Error(`split: sizes must be non-negative integers, got ${shown(splitSize)}`);
    const sum = splitSize.reduce((a, b) => a + b, 0);
    if (sum !== size) throw new Error(`split: sizes ${shown(splitSize)} sum to ${sum}, but dimension ${d} has size ${size}`);
    sizes = [...splitSize];
  }
  let at = 0;
  return sizes.map((n) => { const t = narrow(x, d, at, n); at += n; return t; });
}

/** `x` cut into `chunks` pieces along `dim` of ceil(size / chunks) indices each (fewer when they run out), as torch.chunk. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor(x, 'chunk');
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk: chunks must be a positive integer, got ${shown(chunks)}`);
  if (x.ndim === 0) throw new Error('chunk: cannot chunk a zero-dimensional tensor');
  const d = normDim(dim, x.ndim, 'chunk');
  return split(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
}
