// torch.utils.data's pieces for hand-written training loops: a Dataset is anything with a length and
// get(i); TensorDataset holds tensors of one row count; Subset and randomSplit pick rows of another;
// DataLoader walks one in (shuffled) batches, stacking the samples' tensors (default collate).
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, shown } from '../args';
import { gatherRows, order } from '../train/batches';
import { stack } from '../ops/join';
import { tensor } from '../ops/creation';
import { indexRange } from '../random';

/** A map-style dataset, as torch.utils.data.Dataset: `length` samples, sample i from get(i). */
export interface MapDataset<T> {
  /** How many samples. */
  readonly length: number;
  /** Sample i, 0 <= i < length. */
  get(i: number): T;
}

/** i as an index into `length` samples (negative counts from the end), or an error naming it. */
function checkIndex(i: number, length: number, what: string): number {
  if (!Number.isSafeInteger(i) || i < -length || i >= length) throw new Error(`${what}: index ${shown(i)} is out of range for ${length} samples`);
  return i < 0 ? i + length : i;
}

/** Tensors of one row count, sample i being the i-th row of each (torch.utils.data.TensorDataset). */
export class TensorDataset implements MapDataset<Tensor[]> {
  /** The tensors, rows along dim 0. */
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error('TensorDataset: expected at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor) || t.ndim < 1) throw new Error(`TensorDataset: tensor ${i} must be a tensor with rows along dim 0, got ${t instanceof Tensor ? `shape ${fmt(t.shape)}` : shown(t)}`);
      if (t.shape[0] !== tensors[0].shape[0]) throw new Error(`TensorDataset: every tensor must have ${tensors[0].shape[0]} rows (tensor 0's), tensor ${i} has shape ${fmt(t.shape)}`);
    });
    this.tensors = [...tensors];
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  /** Row i of each tensor (copies). */
  get(i: number): Tensor[] {
    const at = Int32Array.of(checkIndex(i, this.length, 'TensorDataset.get'));
    return this.tensors.map((t) => {
      const row = gatherRows(t, at, 0, 1);
      return row.reshape(t.shape.slice(1));
    });
  }

  /** Rows idx[begin..end) of each tensor, gathered at once (what DataLoader asks a TensorDataset for). */
  rows(idx: Int32Array, begin: number, end: number): Tensor[] {
    return this.tensors.map((t) => gatherRows(t, idx, begin, end));
  }
}

/** The samples of `dataset` at `indices`, in that order (torch.utils.data.Subset). */
export class Subset<T> implements MapDataset<T> {
  /** The positions in dataset. */
  readonly indices: Int32Array;

  /** The dataset the samples are taken from. */
  readonly dataset: MapDataset<T>;

  constructor(dataset: MapDataset<T>, indices: ArrayLike<number>) {
    checkDataset(dataset, 'Subset');
    this.dataset = dataset;
    const n = dataset.length;
    this.indices = Int32Array.from(indices, (v, k) => {
      if (!Number.isSafeInteger(v) || v < 0 || v >= n) throw new Error(`Subset: index ${shown(v)} at position ${k} is out of range for ${n} samples`);
      return v;
    });
  }

  get length(): number {
    return this.indices.length;
  }

  /** Sample indices[i] of the dataset. */
  get(i: number): T {
    return this.dataset.get(this.indices[checkIndex(i, this.length, 'Subset.get')]);
  }
}

/**
 * A dataset read by walking it (torch.utils.data.IterableDataset): a stream of samples with no
 * get(i), such as lines read from a file or records from a queue. Extend it with a
 * `*[Symbol.iterator]()` (or an `async *[Symbol.asyncIterator]()`, walked by `for await` over a
 * DataLoader); a DataLoader batches its samples in the order they come. Any iterable or async
 * iterable serves as well; the class is there for torch's name and for ChainDataset.
 */
export abstract class IterableDataset<T> {
  /** The samples, in order; a new walk each call. */
  abstract [Symbol.iterator](): Iterator<T>;
}

/** A sample stream: an iterable or an async iterable (then walked by `for await`). */
export type StreamDataset<T> = Iterable<T> | AsyncIterable<T>;

const isIterable = (v: unknown): v is Iterable<unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function';
const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';

/** Whether d is a map-style dataset (a length and get(i)); streams are walked instead. */
function isMapDataset<T>(d: unknown): d is MapDataset<T> {
  return d !== null && typeof d === 'object' && typeof (d as MapDataset<T>).get === 'function' && typeof (d as MapDataset<T>).length === 'number';
}

/**
 * The samples of several streams one after another (torch.utils.data.ChainDataset). Walked by
 * `for...of` when every stream is a plain iterable; by `for await` always.
 */
export class ChainDataset<T> {
  /** The streams, in order. */
  readonly datasets: readonly StreamDataset<T>[];

  constructor(datasets: Iterable<StreamDataset<T>>) {
    if (!isIterable(datasets)) throw new Error(`ChainDataset: datasets must be an iterable of datasets, got ${shown(datasets)}`);
    this.datasets = [...datasets];
    this.datasets.forEach((d, i) => {
      if (!isIterable(d) && !isAsyncIterable(d)) throw new Error(`ChainDataset: dataset ${i} must be an iterable or an async iterable of samples, got ${shown(d)}`);
    });
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const [i, d] of this.datasets.entries()) {
      if (!isIterable(d)) throw new Error(`ChainDataset: dataset ${i} is async (it has only Symbol.asyncIterator): walk the chain with for await`);
      yield* d;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const d of this.datasets) yield* d;
  }
}

/** An iterable's length: its `length` when it has one (a Sampler), else the count of one walk. */
function lengthOf(it: Iterable<unknown>): number {
  const n = (it as { length?: unknown }).length;
  return typeof n === 'number' ? n : [...it].length;
}

function checkDataset<T>(d: MapDataset<T>, what: string): void {
  if (d === null || typeof d !== 'object' || !Number.isSafeInteger(d.length) || d.length < 0 || typeof d.get !== 'function') {
    throw new Error(`${what}: dataset must have a length (a non-negative integer) and get(i), got ${shown(d)}`);
  }
}

/**
 * The dataset cut into non-overlapping random subsets (torch.utils.data.random_split): `lengths` as
 * counts summing to its length, or as fractions summing to 1 (rounded down, the remainder handed out
 * one by one from the first, as torch's). The order comes from the library's seeded generator.
 */
export function randomSplit<T>(dataset: MapDataset<T>, lengths: readonly number[]): Subset<T>[] {
  checkDataset(dataset, 'randomSplit');
  const n = dataset.length;
  if (!Array.isArray(lengths) || lengths.length === 0 || !lengths.every((v) => typeof v === 'number' && v >= 0 && Number.isFinite(v))) {
    throw new Error(`randomSplit: lengths must be a non-empty array of non-negative numbers, got ${shown(lengths)}`);
  }
  let counts = lengths as number[];
  const total = lengths.reduce((a, b) => a + b, 0);
  if (lengths.every((v) => v <= 1) && Math.abs(total - 1) < 1e-9 && total !== n) {
    counts = lengths.map((f) => Math.floor(n * f));
    for (let k = 0, left = n - counts.reduce((a, b) => a + b, 0); left > 0; k = (k + 1) % counts.length, left--) counts[k]++;
  } else if (!lengths.every(Number.isSafeInteger) || total !== n) {
    throw new Error(`randomSplit: lengths must be counts summing to the dataset's ${n} samples or fractions summing to 1, got ${shown(lengths)}`);
  }
  const perm = indexRange(new Int32Array(n), true);
  let at = 0;
  return counts.map((c) => new Subset(dataset, perm.subarray(at, (at += c))));
}

/** How a DataLoader turns a batch's samples into one value (torch's collate_fn). */
export type Collate<T, B> = (samples: T[]) => B;

/**
 * The samples of an async stream, up to `ahead` of them asked for before the consumer wants them:
 * one request in flight at a time (an async iterator need not take overlapping next calls), the next
 * one sent as each arrives. A failed request's error comes to the consumer in turn; an early stop
 * closes the stream.
 */
async function* readAhead<T>(stream: AsyncIterable<T>, ahead: number): AsyncGenerator<T> {
  const source = stream[Symbol.asyncIterator]();
  const ready: T[] = [];
  let inFlight: Promise<void> | null = null, ended = false, failure: { error: unknown } | null = null;
  const pump = (): void => {
    if (inFlight || ended || failure || ready.length >= ahead) return;
    inFlight = Promise.resolve(source.next()).then(
      (r) => {
        inFlight = null;
        if (r.done) ended = true;
        else {
          ready.push(r.value);
          pump();
        }
      },
      (error: unknown) => {
        inFlight = null;
        failure = { error };
      },
    );
  };
  let finished = false;
  try {
    for (;;) {
      pump();
      while (ready.length === 0 && inFlight) await inFlight;
      if (ready.length > 0) {
        const sample = ready.shift() as T;
        pump(); // the next request goes out before the sample is handed over
        yield sample;
        continue;
      }
      if (failure) throw (failure as { error: unknown }).error;
      finished = true;
      return;
    }
  } finally {
    // Stopped early (a break, an error in the loop's body): the stream is closed as for await would.
    if (!finished && !failure && !ended) {
      if (inFlight) await (inFlight as Promise<void>).catch(() => undefined);
      await source.return?.();
    }
  }
}

/** Options of DataLoader. */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Visit the samples in a new random order each pass (default false). */
  shuffle?: boolean;
  /** Leave out a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Builds a batch from its samples (default: defaultCollate). */
  collate?: Collate<T, B>;
  /** The order of the samples, walked anew each pass (a Sampler: RandomSampler, WeightedRandomSampler ...); not with shuffle. */
  sampler?: Iterable<number>;
  /** The batches themselves as lists of indices (a BatchSampler); not with batchSize, shuffle, sampler or dropLast. */
  batchSampler?: Iterable<readonly number[]>;
  /**
   * Batches of an async stream to read ahead while the program works on the one it was given
   * (torch's prefetch_factor; default 0): the stream's next samples are asked for before a batch is
   * handed over, so that their I/O runs during the step. Only for async streams.
   */
  prefetchFactor?: number;
}

/**
 * torch's default_collate for the library's values: tensors stacked along a new dim 0, numbers made
 * a 1-D tensor, and arrays and objects collated field by field (a TensorDataset's [x, y] samples
 * become [xs, ys]).
 */
export function defaultCollate(samples: unknown[]): unknown {
  if (samples.length === 0) throw new Error('defaultCollate: a batch needs at least one sample');
  const first = samples[0];
  if (first instanceof Tensor) {
    samples.forEach((s, i) => {
      if (!(s instanceof Tensor) || s.shape.length !== first.shape.length || s.shape.some((d, k) => d !== first.shape[k])) {
        throw new Error(`defaultCollate: sample ${i} is ${s instanceof Tensor ? `shape ${fmt(s.shape)}` : shown(s)}, sample 0 a tensor of shape ${fmt(first.shape)}: a batch stacks tensors of one shape`);
      }
    });
    return stack(samples as Tensor[], 0);
  }
  if (typeof first === 'number') {
    samples.forEach((s, i) => {
      if (typeof s !== 'number') throw new Error(`defaultCollate: sample ${i} is ${shown(s)} where sample 0 is a number`);
    });
    return tensor(samples as number[]);
  }
  if (Array.isArray(first)) {
    return first.map((_, k) => defaultCollate(samples.map((s, i) => {
      if (!Array.isArray(s) || s.length !== first.length) throw new Error(`defaultCollate: sample ${i} is not an array of ${first.length} like sample 0`);
      return s[k];
    })));
  }
  if (first !== null && typeof first === 'object') {
    return Object.fromEntries(Object.keys(first).map((k) => [k, defaultCollate(samples.map((s) => (s as Record<string, unknown>)[k]))]));
  }
  throw new Error(`defaultCollate: cannot batch ${shown(first)}; give the DataLoader a collate of your own`);
}

/**
 * The samples of a dataset in batches, as torch.utils.data.DataLoader (without worker processes):
 * `for (const [xb, yb] of new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 64, shuffle: true }))`.
 * Each iteration is a new pass, reshuffled when `shuffle` is set (the library's seeded generator).
 * Over a TensorDataset with the default collate, each batch's rows are gathered at once.
 */
export class DataLoader<T = Tensor[], B = T> implements Iterable<B> {
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether each pass is in a new random order. */
  readonly shuffle: boolean;
  /** Whether a last short batch is left out. */
  readonly dropLast: boolean;
  private readonly collate: Collate<T, B> | null;
  /** The sampler given, or null for the dataset's order (shuffled or not). */
  readonly sampler: Iterable<number> | null;
  /** The batch sampler given, or null. */
  readonly batchSampler: Iterable<readonly number[]> | null;

  /** The dataset walked: map-style (length and get(i)) or a stream of samples. */
  readonly dataset: MapDataset<T> | StreamDataset<T>;
  /** Batches of an async stream read ahead (0: none). */
  readonly prefetchFactor: number;

  constructor(dataset: MapDataset<T> | StreamDataset<T>, options?: DataLoaderOptions<T, B>) {
    if (!isMapDataset(dataset) && !isIterable(dataset) && !isAsyncIterable(dataset)) {
      throw new Error(`DataLoader: dataset must have a length (a non-negative integer) and get(i), or be an iterable or async iterable of samples, got ${shown(dataset)}`);
    }
    if (isMapDataset(dataset)) checkDataset(dataset, 'DataLoader');
    this.dataset = dataset;
    const o = optionsOf(options, 'DataLoader', { batchSize: 'value', shuffle: 'boolean', dropLast: 'boolean', collate: 'value', sampler: 'value', batchSampler: 'value', prefetchFactor: 'value' });
    if (!isMapDataset(dataset)) {
      // torch's rule: a stream's order is its own.
      for (const k of ['shuffle', 'sampler', 'batchSampler'] as const) {
        if (o[k] !== undefined && o[k] !== false) throw new Error(`DataLoader: a stream dataset (an iterable) has no ${k}: its samples are batched in the order they come (got ${k} ${shown(o[k])})`);
      }
    }
    if (o.sampler !== undefined && !isIterable(o.sampler)) throw new Error(`DataLoader: sampler must be an iterable of indices (a Sampler), got ${shown(o.sampler)}`);
    if (o.batchSampler !== undefined && !isIterable(o.batchSampler)) throw new Error(`DataLoader: batchSampler must be an iterable of index lists (a BatchSampler), got ${shown(o.batchSampler)}`);
    // torch's rules: a sampler decides the order, so no shuffle; a batch sampler decides the batches too.
    if (o.sampler !== undefined && o.shuffle) throw new Error('DataLoader: sampler option is mutually exclusive with shuffle');
    if (o.batchSampler !== undefined && (o.batchSize !== undefined || o.shuffle || o.sampler !== undefined || o.dropLast)) {
      throw new Error('DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
    }
    this.sampler = o.sampler ?? null;
    this.batchSampler = o.batchSampler ?? null;
    this.batchSize = o.batchSize ?? 1;
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1) throw new Error(`DataLoader: batchSize must be a positive integer, got ${shown(o.batchSize)}`);
    if (o.collate !== undefined && typeof o.collate !== 'function') throw new Error(`DataLoader: collate must be a function, got ${shown(o.collate)}`);
    this.shuffle = o.shuffle ?? false;
    this.dropLast = o.dropLast ?? false;
    this.collate = o.collate ?? null;
    this.prefetchFactor = o.prefetchFactor ?? 0;
    if (!Number.isSafeInteger(this.prefetchFactor) || this.prefetchFactor < 0) throw new Error(`DataLoader: prefetchFactor must be a non-negative integer, got ${shown(o.prefetchFactor)}`);
    // torch's rule (prefetch_factor only with workers), here: only a stream that waits can be read ahead.
    if (this.prefetchFactor > 0 && (isMapDataset(dataset) || !isAsyncIterable(dataset))) {
      throw new Error(`DataLoader: prefetchFactor ${this.prefetchFactor} reads an async stream ahead; this dataset is ${isMapDataset(dataset) ? 'map-style' : 'a plain iterable'}, whose samples come without waiting`);
    }
  }

  /**
   * Batches in a pass: the batch sampler's count, or ceil(samples / batchSize) (floor with dropLast);
   * a stream's only when it has a numeric `length` (as torch's __len__).
   */
  get length(): number {
    if (this.batchSampler) return lengthOf(this.batchSampler);
    const d = this.dataset as { length?: unknown };
    if (!isMapDataset(this.dataset) && typeof d.length !== 'number') throw new Error('DataLoader: the length of a stream dataset is not known (it has no length)');
    const n = this.sampler ? lengthOf(this.sampler) : (d.length as number);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    const d = this.dataset;
    if (!isMapDataset(d)) {
      if (!isIterable(d)) throw new Error('DataLoader: the dataset is async (it has only Symbol.asyncIterator): walk the loader with for await');
      const cut = this.streamCutter();
      for (const sample of d) {
        const batch = cut.add(sample);
        if (batch) yield batch.value;
      }
      const rest = cut.rest();
      if (rest) yield rest.value;
      return;
    }
    if (this.batchSampler) {
      for (const batch of this.batchSampler) yield this.batchOf(Int32Array.from(batch), 0, batch.length);
      return;
    }
    const idx = this.sampler ? Int32Array.from(this.sampler) : order(d.length, this.shuffle);
    const n = idx.length;
    const last = this.dropLast ? n - (n % this.batchSize) : n;
    for (let b = 0; b < last; b += this.batchSize) yield this.batchOf(idx, b, Math.min(last, b + this.batchSize));
  }

  /**
   * The batches for `for await`: a stream's samples as they arrive (an async iterable's or a plain
   * one's), or the batches of for...of.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    const d = this.dataset;
    if (isMapDataset(d) || !isAsyncIterable(d)) {
      yield* this[Symbol.iterator]() as Iterator<B> as unknown as Iterable<B>;
      return;
    }
    const cut = this.streamCutter();
    for await (const sample of this.prefetchFactor > 0 ? readAhead(d, this.prefetchFactor * this.batchSize) : d) {
      const batch = cut.add(sample);
      if (batch) yield batch.value;
    }
    const rest = cut.rest();
    if (rest) yield rest.value;
  }

  /**
   * A stream's samples cut into batches as they come: add returns a batch when one is full, rest
   * the short last one (none with dropLast). A batch is boxed: a collate may return anything.
   */
  private streamCutter(): { add(sample: T): { value: B } | null; rest(): { value: B } | null } {
    let samples: T[] = [];
    return {
      add: (sample) => {
        samples.push(sample);
        if (samples.length < this.batchSize) return null;
        const value = this.collated(samples);
        samples = [];
        return { value };
      },
      rest: () => (samples.length > 0 && !this.dropLast ? { value: this.collated(samples) } : null),
    };
  }

  /** The batch of samples idx[b..e), each checked to be in the dataset. */
  private batchOf(idx: Int32Array, b: number, e: number): B {
    const dataset = this.dataset as MapDataset<T>;
    const n = dataset.length;
    for (let k = b; k < e; k++) if (!(idx[k] >= 0 && idx[k] < n)) throw new Error(`DataLoader: the sampler gave index ${idx[k]}, out of range for ${n} samples`);
    if (!this.collate && dataset instanceof TensorDataset) return dataset.rows(idx, b, e) as unknown as B;
    return this.collated(Array.from(idx.subarray(b, e), (i) => dataset.get(i)));
  }

  /** One batch of samples, by the collate given or defaultCollate. */
  private collated(samples: T[]): B {
    return (this.collate ? this.collate(samples) : defaultCollate(samples)) as B;
  }
}
