// Picking by index (torch.select, index_select, gather): copies of the chosen slices or elements,
// and gradients added back at the same places (an index chosen twice gets both contributions).
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { fmt, normDim, normDims, sizeOf, splitAt } from '../shape';
import { allocIndexOutput, allocOutput } from '../storage';
import { isGradEnabled } from '../autograd';
import { checkTensor, KERNEL_DIMS, letGoAfterBackward, record } from './core';
import { int32sFrom } from '../tiny';
import { narrow } from './join';
import { shown } from '../args';
import { addAt } from './offsets';

// Index values as integers in [0, size). Negatives are refused, as torch.index_select and
// torch.gather refuse them: a -1 left in a label or index tensor (a padding mark) would otherwise
// quietly pick the last slice. select alone counts them from the end, as x[:, -1] does.
export function indexList(index: Tensor | ArrayLike<number>, size: number, what: string): Int32Array {
  const src: ArrayLike<number> = index instanceof Tensor ? index.data : index;
  if (!(index instanceof Tensor) && !Array.isArray(index) && !(index instanceof Int32Array)) throw new Error(`${what}: index must be a Tensor or an array of integers`);
  const out = allocIndexOutput(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (!Number.isInteger(v) || v < 0 || v >= size) throw new Error(`${what}: index ${shown(v)} at position ${i} is out of range for a dimension of size ${size}`);
    out[i] = v;
  }
  return out;
}

/** Whether an index list of a dimension of size n picks each of its slices once, in order: selecting by it changes nothing. */
export function picksAllInOrder(index: Int32Array, n: number): boolean {
  return index.length === n && index.every((v, j) => v === j);
}

/** The slices of `x` at `indices` along `dim`, in that order (torch.index_select; indices may repeat, none negative). */
export function indexSelect(x: Tensor, dim: number, indices: Tensor | readonly number[] | Int32Array): Tensor {
  checkTensor(x, 'indexSelect');
  if (x.ndim === 0) throw new Error('indexSelect: cannot index a zero-dimensional tensor');
  const d = normDim(dim, x.ndim, 'indexSelect');
  if (indices instanceof Tensor && indices.ndim > 1) throw new Error(`indexSelect: indices must be 1-D, got shape ${fmt(indices.shape)}`);
  const idx = indexList(indices, x.shape[d], 'indexSelect');
  const [outer, len, inner] = splitAt(x.shape, d);
  const shape = [...x.shape];
  shape[d] = idx.length;
  const y = allocOutput(sizeOf(shape));
  B().indexRows(x.data, outer, len, inner, idx, y);
  const out = record(y, shape, [x], 'indexSelect', (gy) => {
    const gx = x.gradBuffer().fill(0); // a parameter's released gradient, as Embedding's
    B().indexRowsGrad(gy, outer, len, inner, idx, gx, -1);
    return [gx];
  });
  if (out.node) {
    out.node.graphBackward = (gy) => {
      // Each output element's flat offset in x.
      const at = new Int32Array(y.length);
      const m = idx.length;
      for (let o = 0; o < outer; o++) for (let j = 0; j < m; j++) for (let i = 0; i < inner; i++) at[(o * m + j) * inner + i] = (o * len + idx[j]) * inner + i;
      return [addAt(gy, at, x.shape)];
    };
  }
  return out;
}

/**
 * The slice of `x` at `index` along `dim`, without that dimension (torch.select; x[:, i] for dim 1;
 * negative counts from the end). A slice that is one block of x (dim 0, or every dimension before
 * `dim` of size 1) shares x's storage, as narrow's does.
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor(x, 'select');
  if (x.ndim === 0) throw new Error('select: cannot select from a zero-dimensional tensor');
  const d = normDim(dim, x.ndim, 'select');
  const size = x.shape[d];
  const i = indexList([Number.isInteger(index) && index < 0 && index >= -size ? index + size : index], size, 'select');
  const shape = x.shape.filter((_, k) => k !== d);
  // narrow's part of length 1: one contiguous block (a sample of a batch: dim 0) is a view of x's
  // storage when large; otherwise a copy of one element or run per outer index (indexSelect's
  // gather took 76 us for a column of 2048 x 2048, PyTorch 23).
  const part = narrow(x, d, i[0], 1);
  const y = part.reshape(shape);
  // The narrowed tensor holds x's storage too when a view: nobody else sees it, so its hold ends
  // with its backward (at once without a graph). Kept, it held that storage out of the pool for
  // good (an LSTM's every step selects h and c from its cell's output).
  letGoAfterBackward(part);
  return y;
}

/**
 * Elements of `x` picked along `dim` by `index` (same number of dimensions, no larger than x in the
 * others): out[i][j][k] = x[i][index[i][j][k]][k] for dim 1, as torch.gather (indices in [0, size)).
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(x, 'gather');
  checkTensor(index, 'gather');
  if (x.ndim === 0) throw new Error('gather: cannot gather from a zero-dimensional tensor');
  const d = normDim(dim, x.ndim, 'gather');
  if (index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s > x.shape[i])) {
    throw new Error(`gather: index of shape ${fmt(index.shape)} must have the ${x.ndim} dimensions of the input ${fmt(x.shape)}, none larger outside dim ${d}`);
  }
  // Where each element of index reads x, kept only for a gradient to come.
  const where = isGradEnabled() && x.requiresGrad ? allocIndexOutput(index.size) : null;
  const y = allocOutput(index.size);
  // The kernel walks at most KERNEL_DIMS dimensions: past that, those of size 1 in both (other than dim) go.
  let [is, xs, kd] = [index.shape, x.shape, d];
  if (is.length > KERNEL_DIMS) {
    const keep = is.map((_, k) => k === d || xs[k] !== 1 || is[k] !== 1);
    [is, xs, kd] = [is.filter((_, k) => keep[k]), xs.filter((_, k) => keep[k]), keep.slice(0, d).filter(Boolean).length];
    if (is.length > KERNEL_DIMS) throw new Error(`gather: at most ${KERNEL_DIMS} dimensions of a size other than 1 are supported, got index ${fmt(index.shape)} and input ${fmt(x.shape)}`);
  }
  const bad = B().gather(x.data, index.data, int32sFrom(is), int32sFrom(xs), kd, y, where);
  if (bad >= 0) throw new Error(`gather: index ${index.data[bad]} at position ${bad} is out of range for a dimension of size ${x.shape[d]}`);
  const out = record(y, index.shape, [x], 'gather', (gy) => {
    const gx = x.gradBuffer().fill(0); // a parameter's released gradient, as Embedding's
    // record keeps this backward only when x needs a gradient, and then where was made.
    B().indexRowsGrad(gy, 1, x.size, 1, where as Int32Array, gx, -1);
    return [gx];
  });
  if (out.node) out.node.graphBackward = (gy) => [addAt(gy, (where as Int32Array).slice(), x.shape)];
  return out;
}

/** x with its elements in reverse order along each of `dims` (torch.flip; a copy, the gradient flipped back). */
export function flip(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor(x, 'flip');
  if (!Array.isArray(dims)) throw new Error(`flip: dims must be an array of dimensions, got ${shown(dims)}`);
  const ds = normDims(dims, x.ndim, 'flip');
  if (x.ndim === 0) return x.reshape([]);
  // The reversed positions written by a loop: Array.from's callback took 8.5 us of a 200-long flip's 16.
  const reversed = (n: number): Int32Array => {
    const index = new Int32Array(n);
    for (let i = 0; i < n; i++) index[i] = n - 1 - i;
    return index;
  };
  return ds.reduce((t, d) => indexSelect(t, d, reversed(x.shape[d])), x);
}
