// torch's take and the out-of-place scatters that write one tensor into a part of another:
// selectScatter, sliceScatter, diagonalScatter and maskedScatter. Each is indexSelect or indexCopy
// over x (flattened where the part is not a block of one dim), so the gradients are theirs: the
// written part's gradient goes to src, the rest to x.
import { Tensor } from '../tensor';
import { broadcastShapes, fmt, normDim, sameShape } from '../shape';
import { shown } from '../args';
import { checkTensor, composedOf, expandTo } from './core';
import { indexSelect } from './index_ops';
import { indexCopy } from './index_write';
import { reshape, unsqueeze } from './shape';
import { narrow } from './join';
import { diagonalPositions } from './structure';

/** The elements of x flattened at `index` (torch.take: negative indices count from the end), in index's shape. */
export function take(x: Tensor, index: Tensor): Tensor {
  checkTensor(x, 'take');
  checkTensor(index, 'take index');
  const at = new Int32Array(index.size);
  index.data.forEach((v, i) => {
    if (!Number.isInteger(v) || v < -x.size || v >= x.size) throw new Error(`take: index ${v} at position ${i} is out of range for ${x.size} elements`);
    at[i] = v < 0 ? v + x.size : v;
  });
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
  return composedOf((own) => reshape(own(indexCopy(own(reshape(x, [x.size])), 0, at, own(reshape(src, [src.size])))), x.shape), [x, src]);
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
  const m = expandTo(mask.data, mask.shape, x.shape);
  const at: number[] = [];
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) at.push(i);
  if (at.length > source.size) throw new Error(`${what}: the mask selects ${at.length} elements, more than source's ${source.size}`);
  return composedOf((own) => {
    const flat = own(reshape(x, [x.size]));
    const taken = own(narrow(own(reshape(source, [source.size])), 0, 0, at.length));
    return reshape(own(indexCopy(flat, 0, at, taken)), x.shape);
  }, [x, source]);
}
