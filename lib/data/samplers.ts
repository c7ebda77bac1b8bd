// torch.utils.data's samplers and ConcatDataset: a sampler is an iterable of sample indices with a
// length, walked anew each pass (the random ones draw again from the library's seeded generator);
// BatchSampler groups another's indices into batches. DataLoader takes either as `sampler` or
// `batchSampler`, as torch's does.
import { Tensor } from '../tensor';
import { optionsOf, shown } from '../args';
import { indexRange, randInt, seedWords } from '../random';
import { shardOf } from '../train/batches';
import { multinomial } from '../ops/sampling';
import { tensor } from '../ops/creation';
import type { MapDataset } from './loader';

/** Sample indices in some order, walked once per pass (torch.utils.data.Sampler). */
export interface Sampler<T = number> extends Iterable<T> {
  /** How many the walk yields. */
  readonly length: number;
}

/** A dataset's length, checked. */
function lengthOf(dataset: { length: number }, what: string): number {
  if (dataset === null || typeof dataset !== 'object' || !Number.isSafeInteger(dataset.length) || dataset.length < 0) {
    throw new Error(`${what}: dataset must have a length (a non-negative integer), got ${shown(dataset)}`);
  }
  return dataset.length;
}

/** 0 ... length - 1 in order (torch.utils.data.SequentialSampler). */
export class SequentialSampler implements Sampler {
  readonly length: number;

  constructor(dataset: { length: number }) {
    this.length = lengthOf(dataset, 'SequentialSampler');
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.length; i++) yield i;
  }
}

/** Options of RandomSampler. */
export interface RandomSamplerOptions {
  /** Draw with replacement (default false: a permutation). */
  replacement?: boolean;
  /** How many to draw (default the dataset's length; without replacement, more than it takes further permutations, as torch's). */
  numSamples?: number;
}

/**
 * The dataset's indices in a random order, a new one each pass (torch.utils.data.RandomSampler):
 * permutations (numSamples past the length takes further ones), or with replacement uniform draws.
 */
export class RandomSampler implements Sampler {
  readonly length: number;
  /** Whether indices are drawn with replacement. */
  readonly replacement: boolean;
  private readonly size: number;

  constructor(dataset: { length: number }, options?: RandomSamplerOptions) {
    const what = 'RandomSampler';
    this.size = lengthOf(dataset, what);
    const o = optionsOf(options, what, { replacement: 'boolean', numSamples: 'value' });
    this.replacement = o.replacement ?? false;
    // An empty dataset has no index to draw (torch's pass divides by its length).
    if (this.size === 0) throw new Error(`${what}: the dataset is empty`);
    this.length = o.numSamples ?? this.size;
    if (!Number.isSafeInteger(this.length) || this.length <= 0) throw new Error(`${what}: numSamples should be a positive integer value, but got num_samples=${shown(o.numSamples)}`);
  }

  *[Symbol.iterator](): Iterator<number> {
    if (this.replacement) {
      for (let i = 0; i < this.length; i++) yield randInt(this.size);
      return;
    }
    for (let left = this.length; left > 0; left -= this.size) {
      const perm = indexRange(new Int32Array(this.size), true);
      for (let i = 0; i < Math.min(left, this.size); i++) yield perm[i];
    }
  }
}

/** The given indices in a random order, a new one each pass (torch.utils.data.SubsetRandomSampler). */
export class SubsetRandomSampler implements Sampler {
  /** The indices, as given. */
  readonly indices: readonly number[];

  constructor(indices: ArrayLike<number>) {
    if (indices === null || typeof indices !== 'object' || typeof indices.length !== 'number') throw new Error(`SubsetRandomSampler: indices must be an array of integers, got ${shown(indices)}`);
    this.indices = Array.from(indices, (v, k) => {
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`SubsetRandomSampler: index ${shown(v)} at position ${k} is not a non-negative integer`);
      return v;
    });
  }

  get length(): number {
    return this.indices.length;
  }

  *[Symbol.iterator](): Iterator<number> {
    const perm = indexRange(new Int32Array(this.indices.length), true);
    for (const p of perm) yield this.indices[p];
  }
}

/**
 * numSamples indices drawn with probability in proportion to `weights` (torch.utils.data.WeightedRandomSampler:
 * torch.multinomial's draws; with replacement by default, each at most once without).
 */
export class WeightedRandomSampler implements Sampler {
  readonly length: number;
  /** The weights, one per index. */
  readonly weights: Tensor;
  /** Whether an index may be drawn more than once. */
  readonly replacement: boolean;

  constructor(weights: ArrayLike<number> | Tensor, numSamples: number, replacement = true) {
    const what = 'WeightedRandomSampler';
    if (!Number.isSafeInteger(numSamples) || numSamples <= 0) throw new Error(`${what}: numSamples should be a positive integer value, but got num_samples=${shown(numSamples)}`);
    if (typeof replacement !== 'boolean') throw new Error(`${what}: replacement should be a boolean value, but got replacement=${shown(replacement)}`);
    const w = weights instanceof Tensor ? weights : weights !== null && typeof weights === 'object' && typeof weights.length === 'number' ? tensor(Array.from(weights)) : null;
    if (!w || w.ndim !== 1) throw new Error(`${what}: weights should be a 1-D sequence of numbers, got ${w ? `shape [${w.shape.join(', ')}]` : shown(weights)}`);
    this.weights = w;
    this.length = numSamples;
    this.replacement = replacement;
    // Checked now rather than at the first pass's draw.
    // Plain loops (TypedArray's findIndex and filter call their callbacks at ~10 ns an element).
    const wd = w.data;
    let positive = 0;
    for (let e = 0; e < wd.length; e++) {
      if (!(wd[e] >= 0) || !Number.isFinite(wd[e])) throw new Error(`${what}: weights must be finite and non-negative, got ${wd[e]} at position ${e}`);
      if (wd[e] > 0) positive++;
    }
    if (positive === 0 || (!replacement && numSamples > positive)) throw new Error(`${what}: cannot draw ${numSamples} samples${replacement ? '' : ' without replacement'} from ${positive} positive weights`);
  }

  *[Symbol.iterator](): Iterator<number> {
    yield* multinomial(this.weights, this.length, this.replacement).data;
  }
}

/** Another sampler's indices in batches of batchSize, the last short one left out with dropLast (torch.utils.data.BatchSampler). */
export class BatchSampler implements Sampler<number[]> {
  /** The sampler whose indices are grouped. */
  readonly sampler: Sampler;
  /** Indices per batch. */
  readonly batchSize: number;
  /** Whether a last short batch is left out. */
  readonly dropLast: boolean;

  constructor(sampler: Sampler | Iterable<number>, batchSize: number, dropLast: boolean) {
    const what = 'BatchSampler';
    if (sampler === null || typeof sampler !== 'object' || typeof (sampler as Iterable<number>)[Symbol.iterator] !== 'function') throw new Error(`${what}: sampler must be an iterable of indices, got ${shown(sampler)}`);
    if (!Number.isSafeInteger(batchSize) || batchSize <= 0) throw new Error(`${what}: batchSize should be a positive integer value, but got batch_size=${shown(batchSize)}`);
    if (typeof dropLast !== 'boolean') throw new Error(`${what}: dropLast should be a boolean value, but got drop_last=${shown(dropLast)}`);
    this.sampler = 'length' in sampler && Number.isSafeInteger(sampler.length) ? (sampler as Sampler) : { length: [...sampler].length, [Symbol.iterator]: () => sampler[Symbol.iterator]() };
    this.batchSize = batchSize;
    this.dropLast = dropLast;
  }

  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}

/** Datasets one after another (torch.utils.data.ConcatDataset): sample i of the whole is sample i - offset of the dataset it falls in. */
export class ConcatDataset<T> implements MapDataset<T> {
  /** The datasets, in order. */
  readonly datasets: readonly MapDataset<T>[];
  /** Where each dataset ends in the whole (torch's cumulative_sizes). */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: readonly MapDataset<T>[]) {
    if (!Array.isArray(datasets) || datasets.length === 0) throw new Error(`ConcatDataset: datasets should not be an empty iterable, got ${shown(datasets)}`);
    datasets.forEach((d, k) => {
      if (d === null || typeof d !== 'object' || typeof d.get !== 'function') throw new Error(`ConcatDataset: dataset ${k} must have a length and get(i), got ${shown(d)}`);
      lengthOf(d, `ConcatDataset: dataset ${k}`);
    });
    this.datasets = [...datasets];
    let total = 0;
    this.cumulativeSizes = datasets.map((d) => (total += d.length));
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

  /** Sample i of the whole (negative counts from the end). */
  get(i: number): T {
    const n = this.length;
    if (!Number.isSafeInteger(i) || i < -n || i >= n) throw new Error(`ConcatDataset.get: index ${shown(i)} is out of range for ${n} samples`);
    const at = i < 0 ? i + n : i;
    const k = this.cumulativeSizes.findIndex((end) => at < end);
    return this.datasets[k].get(at - (k === 0 ? 0 : this.cumulativeSizes[k - 1]));
  }
}

/** Options of DistributedSampler. */
export interface DistributedSamplerOptions {
  /** How many processes share the dataset (torch's num_replicas; the process group's worldSize when a group is given). */
  numReplicas?: number;
  /** This process's place among them, 0 ... numReplicas - 1 (the group's rank when a group is given). */
  rank?: number;
  /** A process group (distributed.initProcessGroup's) to read numReplicas and rank from. */
  group?: { rank: number; worldSize: number };
  /** A new order each epoch, the same on every process (default true). */
  shuffle?: boolean;
  /** Added to the epoch to seed each epoch's order (default 0): every process must give the same. */
  seed?: number;
  /** Leave out the tail that does not divide evenly, rather than repeat the start to fill it (default false). */
  dropLast?: boolean;
}

/**
 * This process's share of the dataset's indices (torch.utils.data.DistributedSampler): each epoch's
 * order (a permutation seeded by seed + epoch, the same on every process; setEpoch before each), made
 * to divide evenly by repeating its start or, with dropLast, by cutting its tail, then every
 * numReplicas-th index from rank. The order's generator is its own: the library's is left as it was.
 */
export class DistributedSampler implements Sampler {
  /** How many processes share the dataset. */
  readonly numReplicas: number;
  /** This process's place among them. */
  readonly rank: number;
  /** Whether each epoch has its own order. */
  readonly shuffle: boolean;
  /** The orders' seed, before the epoch is added. */
  readonly seed: number;
  /** Whether the tail that does not divide evenly is left out. */
  readonly dropLast: boolean;
  /** How many indices each process gets per epoch. */
  readonly length: number;
  private readonly size: number;
  private epoch = 0;

  constructor(dataset: { length: number }, options?: DistributedSamplerOptions) {
    const what = 'DistributedSampler';
    this.size = lengthOf(dataset, what);
    const o = optionsOf(options, what, { numReplicas: 'value', rank: 'value', group: 'value', shuffle: 'boolean', seed: 'value', dropLast: 'boolean' });
    const group = o.group;
    if (group !== undefined && (group === null || typeof group !== 'object' || !Number.isSafeInteger(group.rank) || !Number.isSafeInteger(group.worldSize))) {
      throw new Error(`${what}: group must be a process group (with rank and worldSize), got ${shown(group)}`);
    }
    this.numReplicas = o.numReplicas ?? group?.worldSize ?? NaN;
    this.rank = o.rank ?? group?.rank ?? NaN;
    if (!Number.isSafeInteger(this.numReplicas) || this.numReplicas < 1) throw new Error(`${what}: numReplicas must be a positive integer (or give a group), got ${shown(o.numReplicas)}`);
    if (!Number.isSafeInteger(this.rank) || this.rank < 0 || this.rank >= this.numReplicas) throw new Error(`${what}: Invalid rank ${shown(o.rank ?? group?.rank)}, rank should be in the interval [0, ${this.numReplicas - 1}]`);
    this.shuffle = o.shuffle ?? true;
    this.seed = o.seed ?? 0;
    if (!Number.isSafeInteger(this.seed)) throw new Error(`${what}: seed must be an integer, got ${shown(o.seed)}`);
    this.dropLast = o.dropLast ?? false;
    this.length = this.dropLast && this.size % this.numReplicas !== 0 ? Math.ceil((this.size - this.numReplicas) / this.numReplicas) : Math.ceil(this.size / this.numReplicas);
  }

  /** The epoch whose order the next pass takes (torch's set_epoch): call it before each epoch when shuffling. */
  setEpoch(epoch: number): void {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new Error(`DistributedSampler.setEpoch: epoch must be a non-negative integer, got ${shown(epoch)}`);
    this.epoch = epoch;
  }

  *[Symbol.iterator](): Iterator<number> {
    const all = indexRange(new Int32Array(this.size), this.shuffle, seedWords(this.seed + this.epoch));
    const total = this.length * this.numReplicas;
    yield* shardOf(this.dropLast ? all.subarray(0, total) : all, this.rank, this.numReplicas).subarray(0, this.length);
  }
}
