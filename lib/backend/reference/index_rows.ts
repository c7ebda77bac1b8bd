// Rows picked by index and their gradients added back, and values folded into the places an index
// names: the specification of the native kernels.
import { ScatterFold, ScatterFoldCode } from '../backend';
import { roundingOf } from '../../storage';

export function indexRows(x: Float32Array, outer: number, len: number, inner: number, index: Int32Array, out: Float32Array): void {
  const count = index.length;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < count; k++) {
      const src = (o * len + index[k]) * inner;
      out.set(x.subarray(src, src + inner), (o * count + k) * inner);
    }
  }
}

export function indexRowsGrad(gy: Float32Array, outer: number, len: number, inner: number, index: Int32Array, gx: Float32Array, skip: number): void {
  const count = index.length;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < count; k++) {
      if (index[k] === skip) continue;
      const dst = (o * len + index[k]) * inner;
      const src = (o * count + k) * inner;
      for (let i = 0; i < inner; i++) gx[dst + i] += gy[src + i];
    }
  }
}

export function gather(x: Float32Array, index: Float32Array, indexShape: Int32Array, xShape: Int32Array, dim: number, out: Float32Array | null, where: Int32Array | null): number {
  const n = indexShape.length;
  const xs = new Array<number>(n);
  for (let i = n - 1, s = 1; i >= 0; i--) {
    xs[i] = s;
    s *= xShape[i];
  }
  const size = xShape[dim];
  // A run of index's last dimension at a time: `base` is where the run starts in x (dimensions other
  // than dim), kept up to date as the multi-index `at` of the dimensions before the last counts.
  const run = indexShape[n - 1];
  const runStep = n - 1 === dim ? 0 : xs[n - 1];
  const at = new Int32Array(n);
  let base = 0;
  for (let e = 0; e < index.length; e += run) {
    for (let j = 0; j < run; j++) {
      const v = index[e + j];
      if (!(v >= 0 && v < size) || v !== Math.floor(v)) return e + j;
      const from = base + j * runStep + v * xs[dim];
      if (where) where[e + j] = from;
      if (out) out[e + j] = x[from];
    }
    for (let i = n - 2; i >= 0; i--) {
      const step = i === dim ? 0 : xs[i];
      if (++at[i] < indexShape[i]) {
        base += step;
        break;
      }
      base -= (indexShape[i] - 1) * step;
      at[i] = 0;
    }
  }
  return -1;
}

/** See Backend.scatterFold. */
export function scatterFold(src: Float32Array, where: Int32Array, op: ScatterFoldCode, out: Float32Array): void {
  const r = roundingOf(out);
  for (let e = 0; e < where.length; e++) {
    const a = out[where[e]], b = src[e];
    let v: number;
    if (op === ScatterFold.set) v = b;
    else if (op === ScatterFold.sum) v = a + b;
    else if (op === ScatterFold.prod) v = a * b;
    else if (op === ScatterFold.amax) v = Number.isNaN(b) || b > a ? b : a;
    else v = Number.isNaN(b) || b < a ? b : a;
    out[where[e]] = r(v);
  }
}

/** bins[v] = the count (or weight sum, in double) of x's elements equal to v; -1, or the first bad element's position. */
export function countBins(x: Float32Array, weights: Float32Array | null, bins: Float32Array): number {
  if (weights && weights.length !== x.length) throw new RangeError(`countBins: weights has ${weights.length} elements, expected ${x.length}`);
  const sums = new Float64Array(bins.length);
  for (let e = 0; e < x.length; e++) {
    const v = x[e];
    if (!(v >= 0 && v < bins.length) || v !== Math.floor(v)) return e;
    sums[v] += weights ? weights[e] : 1;
  }
  bins.set(sums);
  return -1;
}
