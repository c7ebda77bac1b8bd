// sort, argsort and topk along a dimension, as torch's: the order is found here (a stable sort of
// each row's indices), and the values are gather's, whose backward sends each gradient back to the
// element it came from.
import { Tensor } from '../tensor';
import { fmt, normDim, splitAt } from '../shape';
import { checkFlag, OptionKinds, optionsOf, shown } from '../args';
import { checkTensor } from './core';
import { gather } from './index_ops';
import { reshape } from './shape';

/** Values and the positions along the dimension they came from (float indices, as argmax's). */
export interface SortResult {
  /** The values in their new order (gradients flow back to where each came from). */
  values: Tensor;
  /** Each value's position along the dimension before sorting, as floats (no gradient). */
  indices: Tensor;
}

// NaN above every number, as torch orders it; -0 and 0 equal (a tie, kept in order).
const ascending = (a: number, b: number): number => (a !== a ? (b !== b ? 0 : 1) : b !== b ? -1 : a < b ? -1 : a > b ? 1 : 0);
const descending = (a: number, b: number): number => ascending(b, a);

// A float32 key and its position in one double: the key's bits mapped to an unsigned integer in the
// wanted order (NaN last ascending, first descending; -0 as 0) times 2^21, plus the position. Plain
// numeric order of these is the stable order of the keys, which Float64Array's own sort gives
// without a comparator (a comparator sort of [4096, 1000] rows took 1.1 s; topk 5 of it 0.78 s).
const POSITIONS = 2 ** 21;
/** `bits` (a float32's, read through a Uint32Array view of the data) as a key at `position`. */
function packed(bits: number, position: number, desc: boolean): number {
  let key: number;
  if ((bits & 0x7fffffff) > 0x7f800000) key = 0xffffffff; // NaN
  else if (bits === 0x80000000) key = 0x80000000; // -0, as 0
  else key = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
  return (desc ? 0xffffffff - key : key) * POSITIONS + position;
}

/** The k smallest of `values` into `best` (ascending), by insertion: most values fail the first comparison. */
function smallest(values: Float64Array, best: Float64Array): void {
  const k = best.length;
  if (k === 0) return;
  let filled = 0;
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (filled === k && v >= best[k - 1]) continue;
    let p = filled < k ? filled++ : k - 1;
    for (; p > 0 && best[p - 1] > v; p--) best[p] = best[p - 1];
    best[p] = v;
  }
}

/** The index tensor (x's shape, `k` kept along d) that orders x along dim d; ties keep their order. */
function order(x: Tensor, d: number, desc: boolean, k: number): Tensor {
  const [outer, len, inner] = splitAt(x.shape, d);
  const shape = x.shape.map((s, i) => (i === d ? k : s));
  const out = new Tensor(new Float32Array(outer * k * inner), shape);
  // float64 storage (gradient checks) and rows past 2^21 keep the comparator.
  const fast = x.data instanceof Float32Array && len <= POSITIONS;
  const bits = fast ? new Uint32Array(x.data.buffer, x.data.byteOffset, x.data.length) : null;
  const cmp = desc ? descending : ascending;
  const row = fast ? null : new Array<number>(len);
  const keys = new Float64Array(len);
  // A few of many (topk): selection; otherwise the whole row sorted.
  const best = fast && k * 8 < len ? new Float64Array(k) : null;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      const to = o * k * inner + i;
      if (row) {
        for (let j = 0; j < len; j++) {
          row[j] = j;
          keys[j] = x.data[base + j * inner];
        }
        row.sort((p, q) => cmp(keys[p], keys[q])); // Array.prototype.sort is stable (ES2019): ties keep their order
        for (let j = 0; j < k; j++) out.data[to + j * inner] = row[j];
        continue;
      }
      for (let j = 0; j < len; j++) keys[j] = packed((bits as Uint32Array)[base + j * inner], j, desc);
      const ranked = best ?? keys;
      if (best) smallest(keys, best);
      else keys.sort();
      for (let j = 0; j < k; j++) out.data[to + j * inner] = ranked[j] % POSITIONS;
    }
  }
  return out;
}

// A 0-d tensor is its own sorted order, at index 0 (as torch's; topk's k may be 0 or 1 there).
const scalarResult = (x: Tensor): SortResult => ({ values: reshape(x, []), indices: new Tensor(new Float32Array(1), []) });

/** The values along `dim` (default the last) in ascending order (descending when asked) and where each came from, as torch.sort(stable=True): NaN sorts above every number, ties keep their order. */
export function sort(x: Tensor, dim = -1, descending = false): SortResult {
  checkTensor(x, 'sort');
  const d = normDim(dim, x.ndim, 'sort');
  const desc = checkFlag(descending, 'sort', 'descending');
  if (x.ndim === 0) return scalarResult(x);
  const indices = order(x, d, desc, x.shape[d]);
  return { values: gather(x, d, indices), indices };
}

/** The indices that sort x along `dim` (torch.argsort, stable). */
export function argsort(x: Tensor, dim = -1, descending = false): Tensor {
  checkTensor(x, 'argsort');
  const d = normDim(dim, x.ndim, 'argsort');
  const desc = checkFlag(descending, 'argsort', 'descending');
  return x.ndim === 0 ? scalarResult(x).indices : order(x, d, desc, x.shape[d]);
}

/** Options of topk. */
export interface TopkOptions {
  /** Along this dimension (default the last). */
  dim?: number;
  /** The largest (default) or the smallest k. */
  largest?: boolean;
}

const TOPK_OPTIONS: OptionKinds<TopkOptions> = { dim: 'value', largest: 'boolean' };

/**
 * The k largest (or smallest) values along a dimension, in that order, and their indices (torch.topk
 * with sorted=True; NaN counts as the largest). Among equal values the first come first; torch's
 * order among ties is its kernel's own.
 */
export function topk(x: Tensor, k: number, options: TopkOptions = {}): SortResult {
  checkTensor(x, 'topk');
  const o = optionsOf(options, 'topk', TOPK_OPTIONS);
  const d = normDim(o.dim ?? -1, x.ndim, 'topk');
  const len = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > len) throw new Error(`topk: k must be an integer in [0, ${len}] for dim ${d} of shape ${fmt(x.shape)}, got ${shown(k)}`);
  const largest = o.largest ?? true;
  if (x.ndim === 0) return scalarResult(x);
  const indices = order(x, d, largest, k);
  return { values: gather(x, d, indices), indices };
}
