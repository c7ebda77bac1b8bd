// Row gathering for mini-batches: copies the rows of x (and y) named by an index list.
import { Tensor } from '../tensor';
import { alloc } from '../storage';
import { indexRange } from '../random';

/** Rows idx[begin..end) of t, as a new tensor. */
export function gatherRows(t: Tensor, idx: Int32Array, begin: number, end: number): Tensor {
  const row = t.ndim === 0 ? 1 : t.size / t.shape[0];
  const out = alloc((end - begin) * row);
  for (let i = begin; i < end; i++) {
    const src = idx[i] * row;
    if (row === 1) out[i - begin] = t.data[src];
    else out.set(t.data.subarray(src, src + row), (i - begin) * row);
  }
  return new Tensor(out, [end - begin, ...t.shape.slice(1)]);
}

/** 0..n-1 (written into `into` when given), shuffled (Fisher-Yates on the library's seeded generator) when asked. */
export function order(n: number, shuffle: boolean, into?: Int32Array): Int32Array {
  return indexRange(into ?? new Int32Array(n), shuffle);
}

/**
 * The rows that rank `rank` of `worldSize` processes visits from an epoch's order of n rows (as
 * torch's DistributedSampler): the order padded to a multiple of worldSize by repeating its start,
 * then every worldSize-th position from `rank`. Every rank gets ceil(n / worldSize) rows.
 */
export function shardOf(all: Int32Array, rank: number, worldSize: number, into?: Int32Array): Int32Array {
  const rows = Math.ceil(all.length / worldSize);
  const out = into ?? new Int32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = all[(rank + i * worldSize) % all.length];
  return out;
}
