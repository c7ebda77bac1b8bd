// Reference kernel of sort, argsort and topk: each row's stable order, from keys that Float64Array's
// own numeric sort orders (the specification; the native kernel sorts the same keys by radix).

const POSITIONS = 2 ** 21;

// NaN above every number, as torch orders it; -0 and 0 equal (a tie, kept in order).
const ascending = (a: number, b: number): number => (a !== a ? (b !== b ? 0 : 1) : b !== b ? -1 : a < b ? -1 : a > b ? 1 : 0);
const descending = (a: number, b: number): number => ascending(b, a);

/**
 * A float32's bits as an unsigned key in the wanted order: NaN last ascending (first descending),
 * -0 as 0, then the numbers' own order. Equal keys are ties.
 */
function orderKey(bits: number, desc: boolean): number {
  let key: number;
  if ((bits & 0x7fffffff) > 0x7f800000) key = 0xffffffff; // NaN
  else if (bits === 0x80000000) key = 0x80000000; // -0, as 0
  else key = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
  return desc ? 0xffffffff - key : key;
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

/** See Backend.sortOrder. */
export function sortOrder(x: Float32Array, outer: number, len: number, inner: number, desc: boolean, k: number, out: Float32Array): void {
  // A key and its position in one double (key * 2^21 + position): plain numeric order of these is
  // the stable order of the keys, which Float64Array's sort gives without a comparator (a comparator
  // sort of [4096, 1000] rows took 1.1 s). float64 storage (gradient checks) and rows past 2^21 keep
  // the comparator.
  const fast = x instanceof Float32Array && len <= POSITIONS;
  const bits = fast ? new Uint32Array(x.buffer, x.byteOffset, x.length) : null;
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
          keys[j] = x[base + j * inner];
        }
        row.sort((p, q) => cmp(keys[p], keys[q])); // Array.prototype.sort is stable (ES2019): ties keep their order
        for (let j = 0; j < k; j++) out[to + j * inner] = row[j];
        continue;
      }
      for (let j = 0; j < len; j++) keys[j] = orderKey((bits as Uint32Array)[base + j * inner], desc) * POSITIONS + j;
      const ranked = best ?? keys;
      if (best) smallest(keys, best);
      else keys.sort();
      for (let j = 0; j < k; j++) out[to + j * inner] = ranked[j] % POSITIONS;
    }
  }
}
