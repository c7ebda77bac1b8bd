// Writing by index, the inverse of gather: scatter (set) and scatterAdd (accumulate) as torch's, and
// oneHot. The positions come from the gather kernel (which also checks every index); scatterFold
// writes scatter's values and gather's backward kernel adds scatterAdd's, both in index order, as
// torch's CPU loops do (the last of duplicates stays; duplicates add up in order).
import { B } from '../backend/registry';
import { ScatterFold } from '../backend/backend';
import { Tensor } from '../tensor';
import { fmt, normDim, sameShape } from '../shape';
import { alloc, allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { pickAt } from './offsets';
import { mul } from './binary';
import { checkNumber, checkTensor, KERNEL_DIMS, record } from './core';
import { int32sFrom } from '../tiny';
import { shown } from '../args';

/** The offset in x that each element of index names along dim (torch's scatter rules), checked. */
export function scatterPositions(x: Tensor, dim: number, index: Tensor, src: Tensor | null, what: string): Int32Array {
  checkTensor(x, what);
  checkTensor(index, what);
  if (x.ndim === 0) throw new Error(`${what}: cannot scatter into a zero-dimensional tensor`);
  const d = normDim(dim, x.ndim, what);
  if (index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s > x.shape[i])) {
    throw new Error(`${what}: index of shape ${fmt(index.shape)} must have the ${x.ndim} dimensions of the input ${fmt(x.shape)}, none larger outside dim ${d}`);
  }
  if (src && !sameShape(src.shape, index.shape)) throw new Error(`${what}: src of shape ${fmt(src.shape)} must have index's shape ${fmt(index.shape)}`);
  if (index.ndim > KERNEL_DIMS) throw new Error(`${what}: at most ${KERNEL_DIMS} dimensions are supported, got index ${fmt(index.shape)}`);
  // int32 over float storage from the pool, so that it can go back there (releasePositions).
  const store = allocOutput(index.size);
  const where = new Int32Array(store.buffer, store.byteOffset, index.size);
  // The positions alone: no values read.
  const bad = B().gather(x.data, index.data, int32sFrom(index.shape), int32sFrom(x.shape), d, null, where);
  if (bad >= 0) throw new Error(`${what}: index ${index.data[bad]} at position ${bad} is out of range for a dimension of size ${x.shape[d]}`);
  return where;
}

/** Gives scatterPositions' storage back to the pool: for an op that recorded no backward to read them. */
export function releasePositions(where: Int32Array): void {
  recycleArray(new Float32Array(where.buffer, where.byteOffset, where.length));
}

/** gy at the positions: the gradient of whatever was written there (torch's gy.gather(dim, index)). */
function atPositions(gy: Float32Array, where: Int32Array): Float32Array {
  const g = allocOutput(where.length);
  B().indexRows(gy, 1, gy.length, 1, where, g);
  return g;
}

/**
 * A copy of x with src added at the places index names along dim: out[..., index[e], ...] += src[e]
 * (torch.scatter_add; src has index's shape; duplicates add up in index order). Gradients: x's
 * passes through, src's is the output's gradient at the same places.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkTensor(src, 'scatterAdd');
  const where = scatterPositions(x, dim, index, src, 'scatterAdd');
  const y = allocOutput(x.size);
  y.set(x.data);
  B().indexRowsGrad(src.data, 1, y.length, 1, where, y, -1);
  const out = record(y, x.shape, [x, src], 'scatterAdd', (gy) => [x.requiresGrad ? gy : null, src.requiresGrad ? atPositions(gy, where) : null]);
  if (out.node) out.node.graphBackward = (gy) => [gy, pickAt(gy, where.slice(), src.shape)];
  else releasePositions(where);
  return out;
}

/**
 * A copy of x with src's elements (or one number) written at the places index names along dim
 * (torch.scatter; of duplicates the last in index order stays). Gradients: x's is the output's
 * except where something was written, src's the output's at the written places.
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  const srcT = src instanceof Tensor ? src : null;
  if (!srcT) checkNumber(src, 'scatter', 'src');
  const where = scatterPositions(x, dim, index, srcT, 'scatter');
  const y = allocOutput(x.size);
  y.set(x.data);
  if (srcT) B().scatterFold(srcT.data, where, ScatterFold.set, y);
  else for (let e = 0; e < where.length; e++) y[where[e]] = src as number;
  const out = record(y, x.shape, srcT ? [x, srcT] : [x], 'scatter', (gy) => {
    let gx: Float32Array | null = null;
    if (x.requiresGrad) {
      gx = allocOutput(gy.length);
      gx.set(gy);
      for (let e = 0; e < where.length; e++) gx[where[e]] = 0;
    }
    return srcT ? [gx, srcT.requiresGrad ? atPositions(gy, where) : null] : [gx];
  });
  if (out.node) {
    out.node.graphBackward = (gy) => {
      // x's: gy but at the written places (a constant mask); src's: gy there.
      const kept = alloc(x.size).fill(1);
      for (let e = 0; e < where.length; e++) kept[where[e]] = 0;
      return [mul(gy, new Tensor(kept, x.shape)), srcT ? pickAt(gy, where.slice(), srcT.shape) : null];
    };
  } else releasePositions(where);
  return out;
}

/**
 * One-hot rows: shape [...indices.shape, numClasses], 1 at each index's class and 0 elsewhere
 * (torch.nn.functional.one_hot, as floats). numClasses -1 (the default) takes the largest index + 1.
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  checkTensor(indices, 'oneHot');
  if (!Number.isInteger(numClasses) || numClasses < -1) throw new Error(`oneHot: numClasses must be a non-negative integer or -1, got ${shown(numClasses)}`);
  const idx = indices.data;
  for (let i = 0; i < idx.length; i++) {
    if (!Number.isInteger(idx[i]) || idx[i] < 0) throw new Error(`oneHot: indices must be non-negative integers, got ${shown(idx[i])} at position ${i}`);
  }
  let classes = numClasses;
  if (classes === -1) {
    if (idx.length === 0) throw new Error('oneHot: cannot infer numClasses from an empty tensor of indices');
    classes = idx.reduce((m, v) => Math.max(m, v), 0) + 1;
  }
  const y = allocOutput(idx.length * classes).fill(0);
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] >= classes) throw new Error(`oneHot: index ${idx[i]} at position ${i} is not below numClasses ${classes}`);
    y[i * classes + idx[i]] = 1;
  }
  return new Tensor(y, [...indices.shape, classes]);
}
