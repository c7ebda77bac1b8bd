// torch's take and the out-of-place scatters that write one tensor into a part of another:
// selectScatter, sliceScatter, diagonalScatter, maskedScatter, indexPut and put. Each is indexSelect,
// indexCopy or indexAdd over x (flattened where the part is not a block of one dim), so the gradients
// are theirs: the written part's gradient goes to src, the rest to x.
import { Tensor } from '../tensor';
import { pickedPositions } from './mask_select';
import { broadcastShapes, fmt, normDim, sameShape, sizeOf } from '../shape';
import { shown } from '../args';
import { checkTensor, composedOf, expandTo } from './core';
import { indexSelect } from './index_ops';
import { indexAdd, indexCopy } from './index_write';
import { expand, reshape, unsqueeze } from './shape';
import { narrow } from './join';
import { diagonalPositions } from './structure';

/** The elements of x flattened at `index` (torch.take: negative indices count from the end), in index's shape. */
export function take(x: Tensor, index: Tensor): Tensor {
  checkTensor(x, 'take');
  checkTensor(index, 'take index');
  const { at } = wrappedIndex(index, x.size, 'take', 'index', `${x.size} elements`);
  return composedOf((own) => reshape(own(indexSelect(own(reshape(x, [x.size])), 0, at)), index.shape), [x]);
}

function checkSrc(src: Tensor, want: readonly number[], what: string): void {
  checkTensor(src, `${what} src`);
  if (!sameShape(src.shape, want)) throw new Error(`${what}: src must have the shape of the part it replaces, ${fmt(want)}, got ${fmt(src.shape)}`);
}

/** x with x.select(dim, index) replaced by src (torch.select_scatter). */
export function selectScatter(x: Tensor, src: Tensor, dim: number, index: number): Tensor {
  const what = 'selectScatter';
  checkTensor(x, what);
  if (x.ndim === 0) throw new Error(`${what}: cannot select from a 0-d tensor`);
  const d = normDim(dim, x.ndim, what);
  const n = x.shape[d];
  if (!Number.isInteger(index) || index < -n || index >= n) throw new Error(`${what}: index ${shown(index)} is out of range for dim ${d} of size ${n}`);
  checkSrc(src, x.shape.filter((_, k) => k !== d), what);
  return composedOf((own) => indexCopy(x, d, [index < 0 ? index + n : index], own(unsqueeze(src, d))), [x, src]);
}

/** x with the slice start:end:step of dim replaced by src (torch.slice_scatter; start and end clamped, as Python's slices). */
export function sliceScatter(x: Tensor, src: Tensor, dim = 0, start: number | null = null, end: number | null = null, step = 1): Tensor {
  const what = 'sliceScatter';
  checkTensor(x, what);
  if (x.ndim === 0) throw new Error(`${what}: cannot slice a 0-d tensor`);
  const d = normDim(dim, x.ndim, what);
  const n = x.shape[d];
  if (!Number.isSafeInteger(step) || step < 1) throw new Error(`${what}: step must be a positive integer, got ${shown(step)}`);
  const bound = (v: number | null, fallback: number, name: string) => {
    if (v === null) return fallback;
    if (!Number.isSafeInteger(v)) throw new Error(`${what}: ${name} must be an integer or null, got ${shown(v)}`);
    return Math.min(n, Math.max(0, v < 0 ? v + n : v));
  };
  const from = bound(start, 0, 'start'), to = bound(end, n, 'end');
  const at: number[] = [];
  for (let i = from; i < to; i += step) at.push(i);
  checkSrc(src, x.shape.map((s, k) => (k === d ? at.length : s)), what);
  return indexCopy(x, d, at, src);
}

/** x with its diagonal over dim1 and dim2 (offset as diagonal's) replaced by src (torch.diagonal_scatter). */
export function diagonalScatter(x: Tensor, src: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const what = 'diagonalScatter';
  const { at, shape } = diagonalPositions(x, offset, dim1, dim2, what);
  checkSrc(src, shape, what);
  return writeRows(x, x.size, at, src, false);
}

/**
 * x with the positions where mask (broadcast to x) is nonzero filled, in order, by source's first
 * elements (torch.masked_scatter: source needs at least as many elements as the mask selects).
 */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  const what = 'maskedScatter';
  checkTensor(x, what);
  checkTensor(mask, `${what} mask`);
  checkTensor(source, `${what} source`);
  if (!sameShape(broadcastShapes(x.shape, mask.shape, what), x.shape)) throw new Error(`${what}: mask of shape ${fmt(mask.shape)} does not broadcast to x's shape ${fmt(x.shape)}`);
  const at = pickedPositions(expandTo(mask.data, mask.shape, x.shape));
  if (at.length > source.size) throw new Error(`${what}: the mask selects ${at.length} elements, more than source's ${source.size}`);
  return composedOf((own) => writeRows(x, x.size, at, own(narrow(own(reshape(source, [source.size])), 0, 0, at.length)), false), [x, source]);
}

/** An index of indexPut and put: integers, as a tensor of any shape or a flat array. */
export type IndexLike = Tensor | readonly number[] | Int32Array;

/**
 * An index's values and shape, checked to be integers in [-size, size) (an error names `range`, what
 * they index) and counted from the end when negative.
 */
function wrappedIndex(index: IndexLike, size: number, what: string, name: string, range: string): { at: Int32Array; shape: readonly number[] } {
  const isArray = Array.isArray(index) || index instanceof Int32Array;
  if (!(index instanceof Tensor) && !isArray) throw new Error(`${what}: ${name} must be a Tensor or an array of integers, got ${shown(index)}`);
  const src: ArrayLike<number> = index instanceof Tensor ? index.data : index;
  const at = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (!Number.isInteger(v) || v < -size || v >= size) throw new Error(`${what}: ${name} ${shown(v)} at position ${i} is out of range for ${range}`);
    at[i] = v < 0 ? v + size : v;
  }
  return { at, shape: index instanceof Tensor ? index.shape : [src.length] };
}

/**
 * x with rows[at[k]] replaced by (or, accumulating, added to) src's k-th row, computed on x as
 * [rows, block] and given back in x's shape: with rows x.size, x's elements at `at` (the scatters').
 */
export function writeRows(x: Tensor, rows: number, at: Int32Array, src: Tensor, accumulate: boolean): Tensor {
  const block = rows === 0 ? 0 : x.size / rows;
  return composedOf((own) => {
    const flat = own(reshape(x, [rows, block]));
    const from = own(reshape(src, [at.length, block]));
    return reshape(own(accumulate ? indexAdd(flat, 0, at, from) : indexCopy(flat, 0, at, from)), x.shape);
  }, [x, src]);
}

/** accumulate, checked to be a boolean. */
function checkAccumulate(accumulate: unknown, what: string): boolean {
  if (typeof accumulate !== 'boolean') throw new Error(`${what}: accumulate must be true or false, got ${shown(accumulate)}`);
  return accumulate;
}

/**
 * x with the positions `indices` name replaced by values, or with values added there when accumulate
 * (torch.index_put, what `x[i, j] = v` and `x[i, j] += v` do). indices holds one integer index per
 * leading dim of x (negative ones count from the end), broadcast together; values broadcasts to
 * their shape followed by x's remaining dims. Of positions named twice the last write stays, where
 * torch leaves it undefined; accumulated, both add up.
 */
export function indexPut(x: Tensor, indices: readonly IndexLike[], values: Tensor, accumulate = false): Tensor {
  const what = 'indexPut';
  checkTensor(x, what);
  checkTensor(values, `${what} values`);
  checkAccumulate(accumulate, what);
  if (!Array.isArray(indices) || indices.length === 0 || indices.length > x.ndim) {
    throw new Error(`${what}: indices must be an array of 1 to ${x.ndim} index tensors (one per leading dim of x, shape ${fmt(x.shape)}), got ${shown(indices)}`);
  }
  const k = indices.length;
  const picked = indices.map((index, i) => wrappedIndex(index, x.shape[i], what, `indices[${i}]`, `dim ${i} of size ${x.shape[i]}`));
  const shape = picked.reduce<number[]>((s, p) => broadcastShapes(s, p.shape, what), []);
  // Each position's row among x's first k dims: the indices' values, each broadcast to shape, in row-major order.
  const at = new Int32Array(sizeOf(shape));
  for (let i = 0; i < k; i++) {
    const stride = sizeOf(x.shape.slice(i + 1, k));
    const spread = expandTo(Float32Array.from(picked[i].at), picked[i].shape, shape);
    for (let e = 0; e < at.length; e++) at[e] += spread[e] * stride;
  }
  const target = [...shape, ...x.shape.slice(k)];
  const lead = target.length - values.ndim;
  if (lead < 0 || values.shape.some((n, d) => n !== 1 && n !== target[lead + d])) {
    throw new Error(`${what}: values of shape ${fmt(values.shape)} must broadcast to ${fmt(target)} (the indices' shape ${fmt(shape)}, then x's remaining dims)`);
  }
  return composedOf((own) => writeRows(x, sizeOf(x.shape.slice(0, k)), at, own(expand(values, target)), accumulate), [x, values]);
}

/**
 * x with the elements of x flattened at `index` replaced by source's (or, accumulating, with
 * source's added there; torch.Tensor.put): index of any shape (negative values count from the end),
 * source with as many elements as index.
 */
export function put(x: Tensor, index: IndexLike, source: Tensor, accumulate = false): Tensor {
  const what = 'put';
  checkTensor(x, what);
  checkTensor(source, `${what} source`);
  checkAccumulate(accumulate, what);
  const { at } = wrappedIndex(index, x.size, what, 'index', `${x.size} elements`);
  if (source.size !== at.length) throw new Error(`${what}: source must have as many elements as index (${at.length}), got shape ${fmt(source.shape)}`);
  return writeRows(x, x.size, at, source, accumulate);
}
