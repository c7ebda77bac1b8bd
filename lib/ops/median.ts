// Order statistics as torch's: median (the lower of the two middle values, NaN where NaN is present),
// nanmedian (the same over the numbers alone), kthvalue and mode, of all elements or along a
// dimension with the position each value came from. Each value along a dimension is gathered from
// the position picked, so its gradient goes back there.
import { Tensor } from '../tensor';
import { fmt, splitAt, normDim } from '../shape';
import { checkKeepDim, shown } from '../args';
import { allocOutput } from '../storage';
import { checkTensor, record } from './core';
import { gather } from './index_ops';
import { reshape, squeeze } from './shape';
import { argsort, SortResult } from './sort';
import { div, mul } from './binary';

/**
 * The values of x at one position per slice along dim d, and those positions: `pick` gets a
 * slice's elements (`at(i)` the i-th) and its stable ascending order (`order(i)`, NaNs last).
 */
function picked(x: Tensor, d: number, keepDim: boolean, what: string, pick: (at: (i: number) => number, order: (i: number) => number, len: number) => number): SortResult {
  if (x.ndim === 0) return { values: reshape(x, []), indices: new Tensor(new Float32Array(1), []) };
  const [outer, len, inner] = splitAt(x.shape, d);
  if (len === 0 && outer * inner > 0) throw new Error(`${what}: dimension ${d} is empty (shape ${fmt(x.shape)})`);
  const order = argsort(x, d);
  const positions = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      positions[o * inner + i] = pick((k) => x.data[base + k * inner], (k) => order.data[base + k * inner], len);
    }
  }
  order.dispose();
  const indices = new Tensor(positions, x.shape.map((s, k) => (k === d ? 1 : s)));
  const values = gather(x, d, indices);
  return keepDim ? { values, indices } : { values: squeeze(values, d), indices: squeeze(indices, d) };
}

/** How many of a slice's `len` elements are NaN. */
function nanCount(at: (i: number) => number, len: number): number {
  let n = 0;
  for (let i = 0; i < len; i++) if (Number.isNaN(at(i))) n++;
  return n;
}

/** The first NaN's position in a slice (len when none is). */
function firstNaN(at: (i: number) => number, len: number): number {
  let i = 0;
  while (i < len && !Number.isNaN(at(i))) i++;
  return i;
}

/** The lower median of all elements (NaN if one is, or if there are none); the gradient is shared among the elements equal to it (the NaN ones for a NaN), as torch's. */
export function median(x: Tensor): Tensor;
/** The lower median along `dim`, and where it came from (of equal values the first in order; a slice's first NaN if it holds one), as torch.median(x, dim). */
export function median(x: Tensor, dim: number, keepDim?: boolean): SortResult;
export function median(x: Tensor, dim?: number, keepDim = false): Tensor | SortResult {
  checkTensor(x, 'median');
  const keep = checkKeepDim(keepDim, 'median');
  if (dim === undefined) return medianOfAll(x, false, 'median');
  return picked(x, normDim(dim, x.ndim, 'median'), keep, 'median', (at, order, len) => {
    const nan = firstNaN(at, len);
    return nan < len ? nan : order((len - 1) >> 1);
  });
}

/** The lower median of the elements that are not NaN (NaN if all are); the gradient shared as median's (torch.nanmedian). */
export function nanmedian(x: Tensor): Tensor;
/**
 * The lower median along `dim` of the elements that are not NaN, and where it came from (of equal
 * values the first in order), as torch.nanmedian(x, dim); a slice of NaNs alone gives NaN at its
 * first NaN (torch's position there follows its unstable sort).
 */
export function nanmedian(x: Tensor, dim: number, keepDim?: boolean): SortResult;
export function nanmedian(x: Tensor, dim?: number, keepDim = false): Tensor | SortResult {
  checkTensor(x, 'nanmedian');
  const keep = checkKeepDim(keepDim, 'nanmedian');
  if (dim === undefined) return medianOfAll(x, true, 'nanmedian');
  return picked(x, normDim(dim, x.ndim, 'nanmedian'), keep, 'nanmedian', (at, order, len) => {
    const numbers = len - nanCount(at, len);
    return numbers === 0 ? firstNaN(at, len) : order((numbers - 1) >> 1);
  });
}

function medianOfAll(x: Tensor, skipNaN: boolean, what: string): Tensor {
  const n = x.size;
  // Plain loops here (TypedArray's reduce calls its callback at ~10 ns an element).
  const xd = x.data;
  let nans = 0;
  for (let e = 0; e < n; e++) if (xd[e] !== xd[e]) nans++;
  const numbers = skipNaN ? n - nans : nans > 0 ? 0 : n;
  const y = allocOutput(1);
  y[0] = numbers === 0 ? NaN : x.data[argsort(reshape(x, [n]), 0).data[(numbers - 1) >> 1]];
  const top = y[0];
  const taken = (v: number) => (top !== top ? v !== v : v === top);
  // torch's evenly_distribute_backward: zeros, then gy / count written where x equals the median
  // (is NaN, for a NaN median): +0 elsewhere, where amax's (gy / count) * mask gives -0 for gy < 0.
  const countTaken = () => {
    let count = 0;
    for (let e = 0; e < n; e++) if (taken(xd[e])) count++;
    return count;
  };
  const out = record(y, [], [x], what, (gy) => {
    const gx = allocOutput(n).fill(0);
    const share = Math.fround(gy[0] / countTaken());
    for (let i = 0; i < n; i++) if (taken(x.data[i])) gx[i] = share;
    return [gx];
  });
  // createGraph: gy / count times the places' 0/1 mask, a constant.
  if (out.node) {
    out.node.graphBackward = (gy) => {
      const mask = allocOutput(n);
      for (let i = 0; i < n; i++) mask[i] = taken(x.data[i]) ? 1 : 0;
      return [mul(new Tensor(mask, [...x.shape]), div(gy, countTaken()))];
    };
  }
  return out;
}

/**
 * The k-th smallest element along `dim` (k from 1; NaN above every number) and where it came from
 * (torch.kthvalue). Of equal values the one the stable order puts k-th: torch's selection may name
 * another of them.
 */
export function kthvalue(x: Tensor, k: number, dim = -1, keepDim = false): SortResult {
  checkTensor(x, 'kthvalue');
  const keep = checkKeepDim(keepDim, 'kthvalue');
  const d = normDim(dim, x.ndim, 'kthvalue');
  const len = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isSafeInteger(k) || k < 1 || k > len) throw new Error(`kthvalue: k must be an integer from 1 to the size of dim ${d} (${len}), got ${shown(k)}`);
  return picked(x, d, keep, 'kthvalue', (_, order) => order(k - 1));
}

/**
 * The most frequent value along `dim` (the smallest of those equally frequent; NaNs each count once)
 * and its last position (torch.mode).
 */
export function mode(x: Tensor, dim = -1, keepDim = false): SortResult {
  checkTensor(x, 'mode');
  const keep = checkKeepDim(keepDim, 'mode');
  return picked(x, normDim(dim, x.ndim, 'mode'), keep, 'mode', (at, order, len) => {
    let best = at(order(0)), bestCount = 0;
    for (let i = 0; i < len; ) {
      const v = at(order(i));
      let j = i + 1;
      while (j < len && at(order(j)) === v) j++;
      if (j - i > bestCount) [best, bestCount] = [v, j - i];
      i = j;
    }
    let last = len - 1;
    while (last > 0 && !(at(last) === best || (best !== best && at(last) !== at(last)))) last--;
    return last;
  });
}
