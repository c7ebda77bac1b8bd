// median as torch's: the lower of the two middle values (of all elements, or along a dimension with
// the position it came from), NaN where NaN is present.
import { Tensor } from '../tensor';
import { fmt, splitAt, normDim } from '../shape';
import { checkKeepDim } from '../args';
import { allocOutput } from '../storage';
import { checkTensor, record } from './core';
import { gather } from './index_ops';
import { reshape, squeeze } from './shape';
import { argsort, SortResult } from './sort';

/** The lower median of all elements (NaN if one is, or if there are none); the gradient is shared among the elements equal to it (the NaN ones for a NaN), as torch's. */
export function median(x: Tensor): Tensor;
/** The lower median along `dim`, and where it came from (of equal values the first in order; a slice's first NaN if it holds one), as torch.median(x, dim). */
export function median(x: Tensor, dim: number, keepDim?: boolean): SortResult;
export function median(x: Tensor, dim?: number, keepDim = false): Tensor | SortResult {
  checkTensor(x, 'median');
  const keep = checkKeepDim(keepDim, 'median');
  if (dim === undefined) return medianOfAll(x);
  const d = normDim(dim, x.ndim, 'median');
  if (x.ndim === 0) return { values: reshape(x, []), indices: new Tensor(new Float32Array(1), []) };
  const [outer, len, inner] = splitAt(x.shape, d);
  if (len === 0 && outer * inner > 0) throw new Error(`median: dimension ${d} is empty (shape ${fmt(x.shape)})`);
  // Per slice the position in x taken: its first NaN if it holds one (torch's), else the element
  // the stable order puts at the lower middle. Only that element is gathered, with the gradient.
  const order = argsort(x, d);
  const at = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let nan = 0;
      while (nan < len && !Number.isNaN(x.data[base + nan * inner])) nan++;
      at[o * inner + i] = nan < len ? nan : order.data[base + ((len - 1) >> 1) * inner];
    }
  }
  const indices = new Tensor(at, x.shape.map((s, k) => (k === d ? 1 : s)));
  const values = gather(x, d, indices);
  return keep ? { values, indices } : { values: squeeze(values, d), indices: squeeze(indices, d) };
}

function medianOfAll(x: Tensor): Tensor {
  const n = x.size;
  const y = allocOutput(1);
  y[0] = n === 0 || x.data.some((v) => v !== v) ? NaN : x.data[argsort(reshape(x, [n]), 0).data[(n - 1) >> 1]];
  const top = y[0];
  const taken = (v: number) => (top !== top ? v !== v : v === top);
  // torch's evenly_distribute_backward: zeros, then gy / count written where x equals the median
  // (is NaN, for a NaN median): +0 elsewhere, where amax's (gy / count) * mask gives -0 for gy < 0.
  return record(y, [], [x], 'median', (gy) => {
    const gx = allocOutput(n).fill(0);
    let count = 0;
    for (let i = 0; i < n; i++) if (taken(x.data[i])) count++;
    const share = Math.fround(gy[0] / count);
    for (let i = 0; i < n; i++) if (taken(x.data[i])) gx[i] = share;
    return [gx];
  });
}
