// torch's counting and searching functions for data handling: unique, bincount, histc,
// searchsorted and bucketize. None has a gradient (torch's have none either); their index and count
// outputs are float32 tensors of integer values, as the library's other index outputs are.
import { Tensor } from '../tensor';
import { fmt, normDim } from '../shape';
import { checkFinite, optionsOf, positiveInt, shown } from '../args';
import { checkTensor } from './core';
import { max } from './reduce';
import { B } from '../backend/registry';
import { allocOutput } from '../storage';
import { transpose } from './shape';
import { noGrad } from '../autograd';
import { linspace } from './creation';

/** A float32 tensor of `values` with `shape`. */
const made = (values: ArrayLike<number>, shape: number[]): Tensor => new Tensor(Float32Array.from(values), shape);

/** Options of unique. */
export interface UniqueOptions {
  /** Sorted ascending (default true; the order of first appearance otherwise). NaNs come last, each its own value (torch 1.13 sorts them among the numbers unpredictably). */
  sorted?: boolean;
  /** Also give, for each element of x, the position of its value in `values`. */
  returnInverse?: boolean;
  /** Also give how many times each value occurs. */
  returnCounts?: boolean;
  /** The distinct slices along this dim instead of the distinct elements (always sorted, lexicographically; NaNs compare after every number, and a slice holding one is its own). */
  dim?: number;
}

/** unique's result when the inverse or the counts are asked for. */
export interface UniqueResult {
  /** The distinct values, 1-D (with dim: x's shape with that dim the number of distinct slices). */
  values: Tensor;
  /** x's shape (with dim: [x.shape[dim]]): each element's (slice's) position in values (null unless returnInverse). */
  inverse: Tensor | null;
  /** How many times each value occurs (null unless returnCounts). */
  counts: Tensor | null;
}

/**
 * The distinct values of x, flattened (torch.unique): sorted unless `sorted: false`; with `dim`, the
 * distinct slices along it, sorted; with returnInverse or returnCounts, `{ values, inverse, counts }`.
 */
export function unique(x: Tensor, options?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function unique(x: Tensor, options: UniqueOptions): UniqueResult;
export function unique(x: Tensor, options?: UniqueOptions): Tensor | UniqueResult {
  checkTensor(x, 'unique');
  const o = optionsOf(options, 'unique', { sorted: 'boolean', returnInverse: 'boolean', returnCounts: 'boolean', dim: 'value' });
  if (o.dim !== undefined) return uniqueSlices(x, normDim(o.dim, x.ndim, 'unique'), o);
  const { values, inverse } = distinctOf(x.data);
  const order = values.map((_, k) => k);
  if (o.sorted ?? true) order.sort((a, b) => (Number.isNaN(values[a]) ? (Number.isNaN(values[b]) ? a - b : 1) : Number.isNaN(values[b]) ? -1 : values[a] - values[b]));
  const rank = new Int32Array(values.length);
  order.forEach((k, r) => (rank[k] = r));
  const out = made(order.map((k) => values[k]), [order.length]);
  if (!o.returnInverse && !o.returnCounts) return out;
  const counts = new Float32Array(values.length);
  for (let i = 0; i < inverse.length; i++) counts[rank[inverse[i]]]++;
  return {
    values: out,
    inverse: o.returnInverse ? made(Array.from(inverse, (k) => rank[k]), [...x.shape]) : null,
    counts: o.returnCounts ? new Tensor(counts, [values.length]) : null,
  };
}

/**
 * Each distinct number of data once, in the order first met (-0 and 0 one value, shown as the first
 * met, as torch's; each NaN a value of its own), and each element's value's place among them.
 */
function distinctOf(data: Float32Array | Float64Array): { values: number[]; inverse: Int32Array } {
  const values: number[] = [];
  const inverse = new Int32Array(data.length);
  // float64 storage (gradient checks) has no float32 bits to hash: a Map of the numbers.
  if (!(data instanceof Float32Array)) {
    const slot = new Map<number, number>();
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      let k = Number.isNaN(v) ? undefined : slot.get(v);
      if (k === undefined) {
        k = values.length;
        values.push(v);
        if (!Number.isNaN(v)) slot.set(v, k);
      }
      inverse[i] = k;
    }
    return { values, inverse };
  }
  // float32 storage: the distinct kernel (a hash of the floats' bits).
  const distinct = new Float32Array(data.length);
  const count = B().distinct(data, distinct, inverse);
  for (let k = 0; k < count; k++) values.push(distinct[k]);
  return { values, inverse };
}

/** -1, 0 or 1 as slice a of x's rows (each len long, from 0) sorts before, with or after slice b; NaNs after every number. */
function compareRows(d: Float32Array, a: number, b: number, len: number): number {
  for (let i = 0; i < len; i++) {
    const p = d[a * len + i], q = d[b * len + i];
    if (p < q) return -1;
    if (p > q) return 1;
    const pn = Number.isNaN(p), qn = Number.isNaN(q);
    if (pn !== qn) return pn ? 1 : -1;
  }
  return 0;
}

/** unique along `dim`: the slices moved to the front, sorted, equal neighbours merged (a slice with a NaN is never equal to another). */
function uniqueSlices(x: Tensor, dim: number, o: UniqueOptions): Tensor | UniqueResult {
  return groupedSlices(x, dim, o, (d, rows, len) => Array.from({ length: rows }, (_, i) => i).sort((a, b) => compareRows(d, a, b, len) || a - b));
}

/**
 * The slices of x along dim, visited in the order `orderOf` gives (of the slices as rows of `len`
 * values), each run of equal ones (NaN equal to nothing) kept once: unique's (sorted) and
 * uniqueConsecutive's (in place).
 */
function groupedSlices(x: Tensor, dim: number, o: UniqueOptions, orderOf: (d: Float32Array, rows: number, len: number) => number[]): Tensor | UniqueResult {
  const front = dim === 0 ? x : noGrad(() => transpose(x, 0, dim));
  const rows = x.shape[dim], len = rows === 0 ? 0 : x.size / rows, d = front.data;
  const order = orderOf(d, rows, len);
  const same = (a: number, b: number) => {
    for (let i = 0; i < len; i++) if (!(d[a * len + i] === d[b * len + i])) return false;
    return true;
  };
  const firsts: number[] = [], inverse = new Float32Array(rows), counts: number[] = [];
  for (const r of order) {
    if (firsts.length === 0 || !same(firsts[firsts.length - 1], r)) {
      firsts.push(r);
      counts.push(0);
    }
    inverse[r] = firsts.length - 1;
    counts[counts.length - 1]++;
  }
  const picked = new Float32Array(firsts.length * len);
  firsts.forEach((r, k) => picked.set(d.subarray(r * len, (r + 1) * len), k * len));
  const shape = [...front.shape];
  shape[0] = firsts.length;
  const values = dim === 0 ? new Tensor(picked, shape) : noGrad(() => transpose(new Tensor(picked, shape), 0, dim));
  if (front !== x) front.dispose();
  if (!o.returnInverse && !o.returnCounts) return values;
  return { values, inverse: o.returnInverse ? new Tensor(inverse, [rows]) : null, counts: o.returnCounts ? made(counts, [counts.length]) : null };
}

/** Options of uniqueConsecutive. */
export interface UniqueConsecutiveOptions {
  /** Also give, for each element (slice) of x, the position of its run in `values`. */
  returnInverse?: boolean;
  /** Also give each run's length. */
  returnCounts?: boolean;
  /** Runs of equal slices along this dim instead of equal elements of x flattened. */
  dim?: number;
}

/** x with each run of equal consecutive elements (or slices along dim) kept once (torch.unique_consecutive; NaN equals nothing). */
export function uniqueConsecutive(x: Tensor, options?: UniqueConsecutiveOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function uniqueConsecutive(x: Tensor, options: UniqueConsecutiveOptions): UniqueResult;
export function uniqueConsecutive(x: Tensor, options?: UniqueConsecutiveOptions): Tensor | UniqueResult {
  checkTensor(x, 'uniqueConsecutive');
  const o = optionsOf(options, 'uniqueConsecutive', { returnInverse: 'boolean', returnCounts: 'boolean', dim: 'value' });
  const inPlace = (_: Float32Array, rows: number) => Array.from({ length: rows }, (__, i) => i);
  if (o.dim !== undefined) return groupedSlices(x, normDim(o.dim, x.ndim, 'uniqueConsecutive'), o, inPlace);
  const flat = new Tensor(x.data, [x.size]);
  const r = groupedSlices(flat, 0, o, inPlace);
  if (r instanceof Tensor) return r;
  return { ...r, inverse: r.inverse && new Tensor(r.inverse.data, [...x.shape]) };
}

/** Options of bincount. */
export interface BincountOptions {
  /** Added per element instead of 1 (x's length). */
  weights?: Tensor | null;
  /** The fewest bins to give (default 0). */
  minlength?: number;
}

/**
 * How many times each of 0, 1, ..., max(x) occurs in the 1-D x of non-negative integers
 * (torch.bincount), or the sums of `weights` there; at least minlength bins.
 */
export function bincount(x: Tensor, options?: BincountOptions): Tensor {
  checkTensor(x, 'bincount');
  const o = optionsOf(options, 'bincount', { weights: 'value', minlength: 'value' });
  if (x.ndim !== 1) throw new Error(`bincount: x must be 1-D, got shape ${fmt(x.shape)}`);
  const minlength = o.minlength ?? 0;
  if (!Number.isSafeInteger(minlength) || minlength < 0) throw new Error(`bincount: minlength must be a non-negative integer, got ${shown(minlength)}`);
  const w = o.weights ?? null;
  if (w !== null) {
    checkTensor(w, 'bincount weights');
    if (w.ndim !== 1 || w.size !== x.size) throw new Error(`bincount: weights must be 1-D of x's length ${x.size}, got shape ${fmt(w.shape)}`);
  }
  // The largest element (a kernel pass) sizes the bins; the counting kernel checks every element.
  const xs = x.data;
  const largest = xs.length === 0 ? null : noGrad(() => max(x));
  const top = largest ? largest.item() : -1;
  largest?.dispose();
  // A NaN or an infinity makes the largest one of them: no bins to count into; the first bad element found here.
  let bad = !Number.isFinite(top) ? firstNotCount(xs) : -1;
  const bins = allocOutput(bad >= 0 ? 0 : Math.max(minlength, top >= 0 ? Math.floor(top) + 1 : 0));
  if (xs.length === 0) bins.fill(0);
  if (bad < 0 && xs.length > 0) bad = B().countBins(xs, w ? w.data : null, bins);
  if (bad >= 0) throw new Error(`bincount: x must hold non-negative integers, got ${shown(xs[bad])} at position ${bad}`);
  return new Tensor(bins, [bins.length]);
}

/** The position of x's first element that is not a non-negative integer (-1: none). */
function firstNotCount(xs: Float32Array): number {
  for (let i = 0; i < xs.length; i++) if (!Number.isInteger(xs[i]) || xs[i] < 0) return i;
  return -1;
}

/** Options of histc. */
export interface HistcOptions {
  /** How many equal bins (default 100). */
  bins?: number;
  /** The lower end of the range (default 0; with max 0 as well, x's smallest value). */
  min?: number;
  /** The upper end of the range (default 0; with min 0 as well, x's largest value). */
  max?: number;
}

/**
 * A histogram of x's elements in `bins` equal bins over [min, max] (torch.histc): elements outside
 * are left out, max falls in the last bin; min = max = 0 takes x's own range.
 */
export function histc(x: Tensor, options?: HistcOptions): Tensor {
  checkTensor(x, 'histc');
  const o = optionsOf(options, 'histc', { bins: 'value', min: 'value', max: 'value' });
  const bins = positiveInt(o.bins ?? 100, 'histc', 'bins');
  let lo = checkFinite(o.min ?? 0, 'histc', 'min'), hi = checkFinite(o.max ?? 0, 'histc', 'max');
  if (lo > hi) throw new Error(`histc: max must be at least min, got min ${lo} and max ${hi}`);
  if (lo === hi && x.size > 0) {
    lo = Infinity;
    hi = -Infinity;
    for (const v of x.data) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (lo === Infinity) lo = hi = 0;
  }
  // torch widens an empty range by one on each side.
  if (lo === hi) { lo -= 1; hi += 1; }
  const counts = new Float32Array(bins);
  for (const v of x.data) {
    if (!(v >= lo && v <= hi)) continue;
    // torch's bin: (v - min) * bins / (max - min), in float, the top edge into the last bin.
    const b = Math.min(bins - 1, Math.floor(Math.fround(Math.fround(Math.fround(v - lo) * bins) / Math.fround(hi - lo))));
    counts[b]++;
  }
  return new Tensor(counts, [bins]);
}

/** Options of histogram. */
export interface HistogramOptions {
  /** [low, high] of the bins when bins is a count (default: x's smallest and largest finite values, widened by 0.5 when equal). */
  range?: readonly [number, number];
  /** Each element's weight (x's shape; default 1 each). */
  weight?: Tensor | null;
  /** Divide each bin by the total and by its width, so the histogram integrates to 1 (default false). */
  density?: boolean;
}

/** histogram's result: the counts (or densities) and the bins' edges. */
export interface HistogramResult {
  /** [bins] */
  hist: Tensor;
  /** [bins + 1] */
  binEdges: Tensor;
}

/** Bin edges given as a tensor: 1-D, at least 2, increasing; `label` names them in errors. */
function givenEdges(t: Tensor, what: string, label: string): Float32Array {
  checkTensor(t, `${what} ${label}`);
  if (t.ndim !== 1 || t.size < 2) throw new Error(`${what}: ${label} must be a 1-D tensor of at least 2 values, got shape ${fmt(t.shape)}`);
  const edges = Float32Array.from(t.data);
  edges.forEach((e, i) => {
    if (i > 0 && !(e >= edges[i - 1])) throw new Error(`${what}: ${label} must increase, got ${edges[i - 1]} then ${e} at ${i}`);
  });
  return edges;
}

/**
 * `count` equal bins' edges over [lo, hi] (torch's linspace), the range given or else the values'
 * (x[offset + k * stride], k < n): their smallest and largest, [0, 1] when there are none, widened by
 * 0.5 on each side when equal. A range that is not finite (the values hold a NaN or an infinity) is an
 * error, as torch's; `label` names the values in it.
 */
function equalEdges(count: number, range: readonly [number, number] | null, x: Float32Array, offset: number, stride: number, n: number,
  what: string, label: string): Float32Array {
  let lo: number, hi: number;
  if (range) [lo, hi] = range;
  else if (n === 0) [lo, hi] = [0, 1];
  else {
    [lo, hi] = [Infinity, -Infinity];
    for (let k = 0; k < n; k++) {
      const v = x[offset + k * stride];
      if (Number.isNaN(v)) [lo, hi] = [NaN, NaN];
      else if (!Number.isNaN(lo)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`${what}: the range of ${label}, [${lo}, ${hi}], is not finite; give range`);
  }
  if (lo > hi) throw new Error(`${what}: range's low must not exceed its high${label === 'x' ? '' : ` for ${label}`}, got [${lo}, ${hi}]`);
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  return linspace(lo, hi, count + 1).data;
}

/** The bin of v among edges (each bin holds its left edge, the last also its right one), or -1 outside (NaN included). */
function binOf(edges: Float32Array, v: number): number {
  const n = edges.length - 1;
  if (!(v >= edges[0] && v <= edges[n])) return -1;
  return Math.min(n - 1, insertionPoint(edges, 0, edges.length, v, true) - 1);
}

/**
 * The counts (weights summed) of points in a grid of bins, each point's bin in every dim found by
 * binOf (x[p * dims + d]); made densities with density: over the total, then over each dim's bin
 * widths in turn, each a float division as torch's.
 */
function binPoints(x: Float32Array, points: number, edges: readonly Float32Array[], weight: Float32Array | null, density: boolean): Float32Array {
  const dims = edges.length, sizes = edges.map((e) => e.length - 1);
  const hist = new Float32Array(sizes.reduce((p, q) => p * q, 1));
  for (let p = 0; p < points; p++) {
    let at = 0;
    for (let d = 0; d < dims && at >= 0; d++) {
      const b = binOf(edges[d], x[p * dims + d]);
      at = b < 0 ? -1 : at * sizes[d] + b;
    }
    if (at >= 0) hist[at] += weight ? weight[p] : 1;
  }
  if (density) {
    let total = 0;
    for (const h of hist) total = Math.fround(total + h);
    for (let i = 0; i < hist.length; i++) hist[i] = Math.fround(hist[i] / total);
    let inner = hist.length;
    for (let d = 0; d < dims; d++) {
      inner /= sizes[d];
      for (let i = 0; i < hist.length; i++) {
        const b = Math.floor(i / inner) % sizes[d];
        hist[i] = Math.fround(hist[i] / Math.fround(edges[d][b + 1] - edges[d][b]));
      }
    }
  }
  return hist;
}

/** A weight tensor of `shape` (the points' shape), or null; `note` describes the shape in errors. */
function checkWeight(weight: Tensor | null | undefined, shape: readonly number[], what: string, note: string): Float32Array | null {
  if (weight === undefined || weight === null) return null;
  checkTensor(weight, `${what} weight`);
  if (weight.ndim !== shape.length || weight.shape.some((n, i) => n !== shape[i])) throw new Error(`${what}: weight must have ${note} ${fmt(shape)}, got ${fmt(weight.shape)}`);
  return weight.data;
}

/** A range option [low, high] checked, or null. */
function checkRange(range: unknown, what: string): [number, number] | null {
  if (range === undefined) return null;
  if (!Array.isArray(range) || range.length !== 2) throw new Error(`${what}: range must be [low, high], got ${shown(range)}`);
  return [checkFinite(range[0], what, 'range[0]'), checkFinite(range[1], what, 'range[1]')];
}

/**
 * Counts (or weights summed, or densities) of x's elements in bins (torch.histogram): `bins` equal
 * bins over `range` (default: x's smallest and largest values, an error where they are not finite),
 * or the bins between the edges of a 1-D increasing tensor; each bin holds its left edge, the last
 * also its right one; elements outside and NaNs are left out. No gradient.
 */
export function histogram(x: Tensor, bins: number | Tensor = 100, options?: HistogramOptions): HistogramResult {
  const what = 'histogram';
  checkTensor(x, what);
  const o = optionsOf(options, what, { range: 'value', weight: 'value', density: 'boolean' });
  let edges: Float32Array;
  if (bins instanceof Tensor) {
    if (o.range !== undefined) throw new Error(`${what}: range is for a count of bins; edges given as a tensor set their own`);
    edges = givenEdges(bins, what, 'bin edges');
  } else {
    edges = equalEdges(positiveInt(bins, what, 'bins'), checkRange(o.range, what), x.data, 0, 1, x.size, what, 'x');
  }
  const weight = checkWeight(o.weight, x.shape, what, 'x\'s shape');
  const hist = binPoints(x.data, x.size, [edges], weight, o.density ?? false);
  return { hist: new Tensor(hist, [hist.length]), binEdges: new Tensor(edges, [edges.length]) };
}

/** Options of histogramdd. */
export interface HistogramddOptions {
  /** [low0, high0, low1, high1, ...]: each dim's range when bins are counts (default: the points' own, as histogram's). */
  range?: readonly number[];
  /** Each point's weight (x's shape without its last dim; default 1 each). */
  weight?: Tensor | null;
  /** Divide each bin by the total and by its volume, so the histogram integrates to 1 (default false). */
  density?: boolean;
}

/** histogramdd's result: the counts (or densities) and each dim's bin edges. */
export interface HistogramddResult {
  /** [bins0, bins1, ...] */
  hist: Tensor;
  /** One 1-D tensor of edges per dim. */
  binEdges: Tensor[];
}

/**
 * A histogram of points in D dims (torch.histogramdd): x [..., D] holds the points, `bins` is a count
 * for every dim, a count per dim, or each dim's edges as a 1-D increasing tensor. Each bin holds its
 * left edges, the last in a dim also its right one; points outside in any dim and NaNs are left out.
 * No gradient.
 */
export function histogramdd(x: Tensor, bins: number | readonly number[] | readonly Tensor[] = 10, options?: HistogramddOptions): HistogramddResult {
  const what = 'histogramdd';
  checkTensor(x, what);
  const o = optionsOf(options, what, { range: 'value', weight: 'value', density: 'boolean' });
  if (x.ndim < 2) throw new Error(`${what}: x must hold points along its last dim (at least 2 dims, [..., D]), got shape ${fmt(x.shape)}`);
  const dims = x.shape[x.ndim - 1], points = x.size / Math.max(dims, 1);
  const perDim = typeof bins === 'number' ? new Array<number>(dims).fill(bins) : bins;
  if (!Array.isArray(perDim) || perDim.length !== dims) throw new Error(`${what}: bins must be a count, or a count or an edges tensor for each of x's ${dims} dims, got ${shown(bins)}`);
  const byEdges = perDim.length > 0 && perDim.every((b) => b instanceof Tensor);
  if (!byEdges && !perDim.every((b) => typeof b === 'number')) throw new Error(`${what}: bins must be all counts or all edge tensors, got ${shown(bins)}`);
  let range: readonly number[] | null = null;
  if (o.range !== undefined) {
    if (byEdges) throw new Error(`${what}: range is for counts of bins; edges given as tensors set their own`);
    if (!Array.isArray(o.range) || o.range.length !== 2 * dims) throw new Error(`${what}: range must hold a low and a high for each of x's ${dims} dims (${2 * dims} numbers), got ${shown(o.range)}`);
    range = o.range.map((v, i) => checkFinite(v, what, `range[${i}]`));
  }
  const data = x.contiguous().data;
  const edges = perDim.map((b, d) => b instanceof Tensor ? givenEdges(b, what, `bins[${d}]`)
    : equalEdges(positiveInt(b, what, `bins[${d}]`), range ? [range[2 * d], range[2 * d + 1]] : null, data, d, dims, points, what, `dim ${d}`));
  const weight = checkWeight(o.weight, x.shape.slice(0, -1), what, 'x\'s shape without its last dim');
  const hist = binPoints(data, points, edges, weight, o.density ?? false);
  return { hist: new Tensor(hist, edges.map((e) => e.length - 1)), binEdges: edges.map((e) => new Tensor(e, [e.length])) };
}

/** Options of searchsorted and bucketize. */
export interface SearchOptions {
  /** Give the position after equal values rather than before (default false). */
  right?: boolean;
}

/** The first position in sorted[from .. from + len) whose value is >= v (> v with right). */
function insertionPoint(sorted: Float32Array, from: number, len: number, v: number, right: boolean): number {
  let lo = 0, hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = sorted[from + mid];
    // NaN sorts last, as torch's comparisons put it.
    const before = right ? !(v < s) && !Number.isNaN(s) || (Number.isNaN(v) && Number.isNaN(s)) : s < v || (Number.isNaN(v) && !Number.isNaN(s));
    if (before) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where each of `values` would go in sortedSequence to keep it sorted (torch.searchsorted): a 1-D
 * sorted sequence for any values, or [..., M] sorted along its last dim for values [..., K] of the
 * same leading dims. Positions as float32, x's shape.
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, options?: SearchOptions): Tensor {
  checkTensor(sortedSequence, 'searchsorted sortedSequence');
  const o = optionsOf(options, 'searchsorted', { right: 'boolean' });
  const v = typeof values === 'number' ? new Tensor(Float32Array.of(values), []) : checkTensor(values, 'searchsorted values');
  const seq = sortedSequence;
  if (seq.ndim === 0) throw new Error('searchsorted: sortedSequence must have at least one dim, got a 0-d tensor');
  const m = seq.shape[seq.ndim - 1];
  const right = o.right ?? false;
  const out = new Float32Array(v.size);
  if (seq.ndim === 1) {
    for (let i = 0; i < v.size; i++) out[i] = insertionPoint(seq.data, 0, m, v.data[i], right);
  } else {
    const lead = seq.shape.slice(0, -1);
    if (v.ndim !== seq.ndim || v.shape.slice(0, -1).some((d, i) => d !== lead[i])) {
      throw new Error(`searchsorted: values must share sortedSequence's leading dims [${lead.join(', ')}], got shapes ${fmt(seq.shape)} and ${fmt(v.shape)}`);
    }
    const k = v.shape[v.ndim - 1];
    for (let r = 0; r < v.size / Math.max(k, 1); r++) {
      for (let j = 0; j < k; j++) out[r * k + j] = insertionPoint(seq.data, r * m, m, v.data[r * k + j], right);
    }
  }
  return new Tensor(out, [...v.shape]);
}

/** The bucket of each element of x among the sorted 1-D `boundaries` (torch.bucketize): searchsorted(boundaries, x). */
export function bucketize(x: Tensor | number, boundaries: Tensor, options?: SearchOptions): Tensor {
  checkTensor(boundaries, 'bucketize boundaries');
  if (boundaries.ndim !== 1) throw new Error(`bucketize: boundaries must be 1-D, got shape ${fmt(boundaries.shape)}`);
  return searchsorted(boundaries, x, optionsOf(options, 'bucketize', { right: 'boolean' }));
}
