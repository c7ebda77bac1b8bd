// sum, mean, max over all elements or one dimension (sum and mean also over a list of them); argmax.
// Backward broadcasts the gradient back.
import { Reduce, Unary } from '../backend/backend';
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { fmt, normDim, normDims, sameShape, splitAt } from '../shape';
import { alloc, allocIndexOutput, allocOutput, transientAlloc } from '../storage';
import { checkTensor, constantOf, expandTo, record } from './core';
import { checkKeepDim } from '../args';
import { expand, permute, reshape } from './shape';
import { div, mul } from './binary';
import { addAt } from './offsets';
import { isGradEnabled } from '../autograd';

/**
 * The shape of `shape` reduced along dim (a negative dim: over all elements), the reduced dimensions
 * kept as size 1 with keepDim. A 0-d tensor reduced along its dim 0 stays 0-d, as in torch.
 */
export function reducedShape(shape: readonly number[], dim: number, keepDim: boolean): number[] {
  if (dim < 0) return keepDim ? shape.map(() => 1) : [];
  if (shape.length === 0) return [];
  const s = [...shape];
  if (keepDim) s[dim] = 1;
  else s.splice(dim, 1);
  return s;
}

/** A reduction's dim: one dimension, or a list of them (torch's dim=(0, 2)). */
export type Dims = number | readonly number[];

/**
 * x reduced over a list of dimensions as torch reduces them: the dimensions moved last (no copy
 * when they already are, in order) and merged into one, which `reduceLast` reduces in one pass; the
 * result has x's other dimensions, and the reduced ones as 1 with keepDim. An empty list reduces
 * over every dimension, as torch 1.13's sum(dim=[]) does.
 */
export function reduceOverDims(x: Tensor, dims: readonly number[], keepDim: boolean, name: string, reduceLast: (t: Tensor, dim: number) => Tensor): Tensor {
  checkTensor(x, name);
  checkKeepDim(keepDim, name);
  const all = x.shape.map((_, i) => i);
  const reduced = dims.length === 0 ? all : normDims(dims, x.ndim, name);
  if (x.ndim === 0) return reduceLast(reshape(x, [1]), 0); // a 0-d tensor's dims [] or [0]: itself, 0-d
  const kept = all.filter((d) => !reduced.includes(d));
  const order = [...kept, ...reduced.sort((a, b) => a - b)];
  const moved = order.every((d, i) => d === i) ? x : permute(x, order);
  const keptShape = kept.map((d) => x.shape[d]);
  const merged = reshape(moved, [...keptShape, reduced.reduce((n, d) => n * x.shape[d], 1)]);
  const y = reduceLast(merged, keptShape.length);
  return keepDim ? reshape(y, x.shape.map((s, d) => (reduced.includes(d) ? 1 : s))) : y;
}

// `name` is the caller's, for its errors (all and any count with sum).
export function sumOrMean(x: Tensor, dim: Dims | undefined, keepDim: boolean, mean: boolean, name = mean ? 'mean' : 'sum'): Tensor {
  if (Array.isArray(dim)) return reduceOverDims(x, dim, keepDim, name, (t, d) => sumOrMean(t, d, false, mean, name));
  checkTensor(x, name);
  checkKeepDim(keepDim, name);
  const d = dim === undefined ? -1 : normDim(dim as number, x.ndim, name);
  const [outer, len, inner] = d < 0 ? [1, x.size, 1] : splitAt(x.shape, d);
  const outShape = reducedShape(x.shape, d, keepDim);
  const y = allocOutput(outer * inner);
  B().reduce(mean ? Reduce.mean : Reduce.sum, x.data, outer, len, inner, y, null);
  const out = record(y, outShape, [x], name, (gy) => {
    // Expand [outer, 1, inner] back to [outer, len, inner]; the mean's division applies to the reduced
    // gradient first (len times fewer than after expanding, the same quotients). A division, as
    // torch's mean backward (grad / numel): g * (1 / len) is an ulp off it for some g (1.7 / 2100).
    let g = gy;
    if (mean) {
      // Expanded below (len > 1), the scaled gradient is dropped: transient storage.
      g = len > 1 ? transientAlloc(gy.length) : allocOutput(gy.length);
      B().unary(Unary.divScalar, gy, g, len);
    }
    return [expandTo(g, [outer, 1, inner], [outer, len, inner])];
  });
  if (out.node) {
    out.node.graphBackward = (gy) => {
      const g = reshape(mean ? div(gy, len) : gy, [outer, 1, inner]);
      return [reshape(expand(g, [outer, len, inner]), x.shape)];
    };
  }
  return out;
}

/**
 * g summed back to `to`, a shape that broadcasts to g's (a broadcast operand's gradient), as
 * recorded ops; g itself when the shapes match.
 */
export function sumBackTo(g: Tensor, to: readonly number[]): Tensor {
  if (sameShape(g.shape, to)) return g;
  const lead = g.ndim - to.length;
  const dims = g.shape.map((_, i) => i).filter((i) => i < lead || (to[i - lead] === 1 && g.shape[i] !== 1));
  return reshape(dims.length ? sum(g, dims, true) : g, to);
}

/** Sum of all elements (0-d result), or along `dim` (one dimension or a list of them). */
export function sum(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  return sumOrMean(x, dim, keepDim, false);
}

/** Mean of all elements (0-d result), or along `dim` (one dimension or a list of them). */
export function mean(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  return sumOrMean(x, dim, keepDim, true);
}

type Extreme = typeof Reduce.max | typeof Reduce.min;

function extremeWithIndex(x: Tensor, dim: number | undefined, op: Extreme, name: string, wantIndex = true): { y: Float32Array; idx: Int32Array; outer: number; len: number; inner: number; d: number } {
  checkTensor(x, name);
  const d = dim === undefined ? -1 : normDim(dim, x.ndim, name);
  // As PyTorch: an error only when the reduced extent is empty; [0, 5] along dim 1 gives [0].
  if (d < 0 && x.size === 0) throw new Error(`${name}: the tensor is empty`);
  if (d >= 0 && x.shape[d] === 0) throw new Error(`${name}: dim ${dim} of shape ${fmt(x.shape)} is empty`);
  const [outer, len, inner] = d < 0 ? [1, x.size, 1] : splitAt(x.shape, d);
  const y = allocOutput(outer * inner);
  // Without an index wanted the kernels may skip the search for where each extreme is.
  const idx = wantIndex ? allocIndexOutput(outer * inner) : new Int32Array(0);
  B().reduce(op, x.data, outer, len, inner, y, wantIndex ? idx : null);
  return { y, idx, outer, len, inner, d };
}

/** Which values equal the extreme m (every NaN when m is NaN), and how many of x's do. */
function tiedWith(x: Float32Array, m: number): { hit: (v: number) => boolean; count: number } {
  const hit = (v: number) => v === m || (Number.isNaN(v) && Number.isNaN(m));
  let count = 0;
  for (let i = 0; i < x.length; i++) if (hit(x[i])) count++;
  return { hit, count };
}

function extreme(x: Tensor, dim: number | undefined, keepDim: boolean, op: Extreme, name: string): Tensor {
  checkTensor(x, name);
  checkKeepDim(keepDim, name);
  // The indices only for a backward (max and min give values).
  const { y, idx, outer, len, inner, d } = extremeWithIndex(x, dim, op, name, isGradEnabled() && x.requiresGrad);
  const outShape = reducedShape(x.shape, d, keepDim);
  const out = record(y, outShape, [x], name, (gy) => {
    const gx = alloc(x.size);
    if (d < 0) {
      // Over all elements, PyTorch shares the gradient evenly among the elements equal to the
      // extreme (among the NaNs when it is NaN); along a dim it goes to the index returned.
      const { hit, count } = tiedWith(x.data, y[0]);
      const share = Math.fround(gy[0] / count);
      for (let i = 0; i < x.size; i++) if (hit(x.data[i])) gx[i] = share;
      return [gx];
    }
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) gx[o * len * inner + idx[o * inner + i] * inner + i] = gy[o * inner + i];
    }
    return [gx];
  });
  if (out.node) {
    out.node.graphBackward = (gy) => {
      if (d < 0) {
        // The kernels' share: 1 / count at each element equal to the extreme.
        const { hit, count } = tiedWith(x.data, y[0]);
        return [div(mul(gy, constantOf(x, (i) => (hit(x.data[i]) ? 1 : 0))), count)];
      }
      // Each output's flat offset in x, copied while the index array is alive.
      const at = new Int32Array(outer * inner);
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) at[o * inner + i] = (o * len + idx[o * inner + i]) * inner + i;
      return [addAt(gy, at, x.shape)];
    };
  }
  return out;
}

function extremeIndex(x: Tensor, dim: number | undefined, keepDim: boolean, op: Extreme, name: string): Tensor {
  checkKeepDim(keepDim, name);
  const { idx, d } = extremeWithIndex(x, dim, op, name);
  const outShape = d < 0 ? [] : reducedShape(x.shape, d, keepDim);
  const out = alloc(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = idx[i];
  return new Tensor(out, outShape);
}

/** Maximum of all elements or along `dim` (values; the gradient goes to the first maximum). */
export function max(x: Tensor, dim?: number, keepDim = false): Tensor {
  return extreme(x, dim, keepDim, Reduce.max, 'max');
}

/** Smallest element (NaN if any is), or the smallest along `dim`, as torch.min; gradients as max's. */
export function min(x: Tensor, dim?: number, keepDim = false): Tensor {
  return extreme(x, dim, keepDim, Reduce.min, 'min');
}

/** Index of the maximum along `dim` (over all elements when omitted), as a float tensor of indices. */
export function argmax(x: Tensor, dim?: number, keepDim = false): Tensor {
  return extremeIndex(x, dim, keepDim, Reduce.max, 'argmax');
}

/** Index of the smallest element (of the flattened tensor without `dim`), the first among ties. */
export function argmin(x: Tensor, dim?: number, keepDim = false): Tensor {
  return extremeIndex(x, dim, keepDim, Reduce.min, 'argmin');
}
