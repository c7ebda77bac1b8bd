// sum, mean, max over all elements or one dimension; argmax. Backward broadcasts the gradient back.
import { Reduce, Unary } from '../backend/backend';
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { fmt, normDim, splitAt } from '../shape';
import { alloc, allocOutput } from '../storage';
import { checkTensor, expandTo, record } from './core';

function reducedShape(shape: readonly number[], dim: number, keepDim: boolean): number[] {
  const s = [...shape];
  if (keepDim) s[dim] = 1;
  else s.splice(dim, 1);
  return s;
}

function sumOrMean(x: Tensor, dim: number | undefined, keepDim: boolean, mean: boolean): Tensor {
  const name = mean ? 'mean' : 'sum';
  checkTensor(x, name);
  const d = dim === undefined ? -1 : normDim(dim, x.ndim, name);
  const [outer, len, inner] = d < 0 ? [1, x.size, 1] : splitAt(x.shape, d);
  const outShape = d < 0 ? (keepDim ? x.shape.map(() => 1) : []) : x.ndim === 0 ? [] : reducedShape(x.shape, d, keepDim);
  const y = allocOutput(outer * inner);
  B().reduce(mean ? Reduce.mean : Reduce.sum, x.data, outer, len, inner, y, null);
  return record(y, outShape, [x], name, (gy) => {
    // Expand [outer, 1, inner] back to [outer, len, inner], scaled for the mean.
    const gx = expandTo(gy, [outer, 1, inner], [outer, len, inner]);
    if (mean) {
      const s = gx === gy ? allocOutput(gy.length) : gx;
      B().unary(Unary.scale, gx, s, 1 / len);
      return [s];
    }
    return [gx];
  });
}

/** Sum of all elements (0-d result) or along `dim`. */
export function sum(x: Tensor, dim?: number, keepDim = false): Tensor {
  return sumOrMean(x, dim, keepDim, false);
}

/** Mean of all elements (0-d result) or along `dim`. */
export function mean(x: Tensor, dim?: number, keepDim = false): Tensor {
  return sumOrMean(x, dim, keepDim, true);
}

function maxWithIndex(x: Tensor, dim: number | undefined, name: string): { y: Float32Array; idx: Int32Array; outer: number; len: number; inner: number; d: number } {
  checkTensor(x, name);
  const d = dim === undefined ? -1 : normDim(dim, x.ndim, name);
  // As PyTorch: an error only when the reduced extent is empty; [0, 5] along dim 1 gives [0].
  if (d < 0 && x.size === 0) throw new Error(`${name}: the tensor is empty`);
  if (d >= 0 && x.shape[d] === 0) throw new Error(`${name}: dim ${dim} of shape ${fmt(x.shape)} is empty`);
  const [outer, len, inner] = d < 0 ? [1, x.size, 1] : splitAt(x.shape, d);
  const y = allocOutput(outer * inner);
  const idx = new Int32Array(outer * inner);
  B().reduce(Reduce.max, x.data, outer, len, inner, y, idx);
  return { y, idx, outer, len, inner, d };
}

/** Maximum of all elements or along `dim` (values; the gradient goes to the first maximum). */
export function max(x: Tensor, dim?: number, keepDim = false): Tensor {
  const { y, idx, outer, len, inner, d } = maxWithIndex(x, dim, 'max');
  const outShape = d < 0 ? (keepDim ? x.shape.map(() => 1) : []) : reducedShape(x.shape, d, keepDim);
  return record(y, outShape, [x], 'max', (gy) => {
    const gx = alloc(x.size);
    if (d < 0) {
      // Over all elements, PyTorch shares the gradient evenly among the elements equal to the
      // maximum (among the NaNs when it is NaN); along a dim it goes to the index max returns.
      const m = y[0];
      const hit = (v: number) => v === m || (Number.isNaN(v) && Number.isNaN(m));
      let count = 0;
      for (let i = 0; i < x.size; i++) if (hit(x.data[i])) count++;
      const share = Math.fround(gy[0] / count);
      for (let i = 0; i < x.size; i++) if (hit(x.data[i])) gx[i] = share;
      return [gx];
    }
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) gx[o * len * inner + idx[o * inner + i] * inner + i] = gy[o * inner + i];
    }
    return [gx];
  });
}

/** Index of the maximum along `dim` (over all elements when omitted), as a float tensor of indices. */
export function argmax(x: Tensor, dim?: number, keepDim = false): Tensor {
  const { idx, d } = maxWithIndex(x, dim, 'argmax');
  const outShape = d < 0 ? [] : reducedShape(x.shape, d, keepDim);
  const out = alloc(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = idx[i];
  return new Tensor(out, outShape);
}
