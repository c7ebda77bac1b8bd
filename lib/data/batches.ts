// Mini-batches for hand-written training loops (torch's DataLoader over a TensorDataset): rows of x
// and y gathered together, in order or shuffled by the library's seeded generator.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { DataLoader, TensorDataset } from './loader';
import { optionsOf, shown } from '../args';

/** Options of batches(). */
export interface BatchOptions {
  /** Rows per batch (default 32); the last batch may be smaller. */
  batchSize?: number;
  /** Shuffle the rows, anew for each pass (default false). */
  shuffle?: boolean;
  /** Leave out a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

/** One mini-batch: rows of x, and the same rows of y when it was given. */
export interface Batch {
  /** The batch's inputs. */
  x: Tensor;
  /** The batch's targets (null when batches() had none). */
  y: Tensor | null;
}

/**
 * The rows of `x` (and of `y`, with the same indices) in batches of batchSize, each a copy:
 * `for (const { x: xb, y: yb } of data.batches(x, y, { batchSize: 64, shuffle: true })) ...`.
 * Each iteration of the returned iterable is a new pass (reshuffled when shuffle is set).
 */
export function batches(x: Tensor, y: Tensor | null = null, options?: BatchOptions): Iterable<Batch> {
  const o = optionsOf(options, 'batches', { batchSize: 'value', shuffle: 'boolean', dropLast: 'boolean' });
  if (!(x instanceof Tensor) || x.ndim < 1) throw new Error(`batches: x must be a tensor with rows along dimension 0, got ${x instanceof Tensor ? `shape ${fmt(x.shape)}` : x === null ? 'null' : typeof x}`);
  if (y !== null && (!(y instanceof Tensor) || y.ndim < 1 || y.shape[0] !== x.shape[0])) {
    throw new Error(`batches: y must be a tensor with as many rows as x (${x.shape[0]}), got ${y instanceof Tensor ? `shape ${fmt(y.shape)}` : typeof y}`);
  }
  const size = o.batchSize ?? 32;
  if (!Number.isInteger(size) || size < 1) throw new Error(`batches: batchSize must be a positive integer, got ${shown(o.batchSize)}`);
  // A DataLoader over a TensorDataset, its [x, y] batches given as { x, y }.
  const loader = new DataLoader(y ? new TensorDataset(x, y) : new TensorDataset(x), { batchSize: size, shuffle: o.shuffle ?? false, dropLast: o.dropLast ?? false });
  return {
    *[Symbol.iterator]() {
      for (const [xb, yb] of loader) yield { x: xb, y: yb ?? null };
    },
  };
}
