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

/**
 * Each distinct float of x once, in the order first met, into values (x's length at least), and each
 * element's value's place among them into inverse; returns how many there are. -0 and 0 are one value,
 * shown as the first met (torch's); each NaN is a value of its own. Open addressing over the floats'
 * bits (as int32s: small integers to V8, where a uint32 past 2^31 is not), the table doubled at a
 * quarter full: a Map of numbers took 25 ns an element (1M in 25 ms; torch's hash set 2.1).
 */
export function distinct(data: Float32Array, values: Float32Array, inverse: Int32Array): number {
  if (values.length < data.length || inverse.length !== data.length) throw new RangeError(`distinct: values (${values.length}) and inverse (${inverse.length}) must hold x's ${data.length} elements`);
  const bits = new Int32Array(data.buffer, data.byteOffset, data.length);
  let count = 0;
  let table = hashTable(10, []);
  const seen: number[] = []; // the keys met, in order (each one's place is its value's): what a bigger table is filled from
  for (let i = 0; i < bits.length; i++) {
    let key = bits[i];
    if ((key & 0x7fffffff) > 0x7f800000) {
      inverse[i] = count;
      values[count++] = NaN;
      continue;
    }
    if (key === -0x80000000) key = 0;
    const { keys, slots, shift } = table;
    const mask = keys.length - 1;
    let h = Math.imul(key, 0x9e3779b1) >>> shift;
    while (slots[h] !== 0 && keys[h] !== key) h = (h + 1) & mask;
    if (slots[h] !== 0) {
      inverse[i] = slots[h] - 1;
      continue;
    }
    inverse[i] = count;
    keys[h] = key;
    slots[h] = count + 1;
    seen.push(key, count);
    values[count++] = data[i];
    if (2 * seen.length > keys.length) table = hashTable(33 - shift, seen);
  }
  return count;
}

/** distinct's table of 2^log keys, holding the (key, place) pairs of `seen`; a slot holds place + 1, 0 when empty. */
function hashTable(log: number, seen: readonly number[]): { keys: Int32Array; slots: Int32Array; shift: number } {
  const keys = new Int32Array(1 << log), slots = new Int32Array(1 << log), shift = 32 - log, mask = keys.length - 1;
  for (let j = 0; j < seen.length; j += 2) {
    let h = Math.imul(seen[j], 0x9e3779b1) >>> shift;
    while (slots[h] !== 0) h = (h + 1) & mask;
    keys[h] = seen[j];
    slots[h] = seen[j + 1] + 1;
  }
  return { keys, slots, shift };
}
