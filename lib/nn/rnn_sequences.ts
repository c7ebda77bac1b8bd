// torch.nn.utils.rnn: sequences of different lengths padded to one tensor (padSequence), or packed: a
// batch of them stored time step by time step, each step holding only the sequences that are still
// running (the longest first), so that a recurrent layer runs no step past a sequence's end and its
// final state is each sequence's own last step's. Packing and unpacking are index picks and copies,
// so gradients flow through both.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, shown } from '../args';
import { composedOf, letGoAfterBackward } from '../ops/core';
import { indexSelect, select } from '../ops/index_ops';
import { indexCopy } from '../ops/index_write';
import { reshape, transpose } from '../ops/shape';
import { full, tensor } from '../ops/creation';
import { pad } from '../ops/pad_resize';
import { narrow, stack, tensorArray } from '../ops/join';

/**
 * A packed batch of sequences (torch.nn.utils.rnn.PackedSequence): `data` holds every sequence's
 * steps, step by step ([sum of lengths, ...features]); `batchSizes[t]` how many sequences have a step
 * t (non-increasing); `sortedIndices[k]` which sequence of the caller's batch is the k-th longest
 * (null when the batch came sorted) and `unsortedIndices` its inverse.
 */
export class PackedSequence {
  /**
   * @param data the steps, [sum of lengths, ...features]
   * @param batchSizes how many sequences run at each step
   * @param sortedIndices the caller's sequence at each sorted place, or null
   * @param unsortedIndices the sorted place of each of the caller's sequences, or null
   */
  constructor(readonly data: Tensor, readonly batchSizes: readonly number[], readonly sortedIndices: readonly number[] | null = null,
    readonly unsortedIndices: readonly number[] | null = null) {
    if (!(data instanceof Tensor) || data.ndim < 1) throw new Error(`PackedSequence: data must be a tensor of at least 1 dim, got ${shown(data)}`);
    const total = batchSizes.reduce((a, b) => a + b, 0);
    if (total !== data.shape[0] || batchSizes.some((b, t) => !Number.isInteger(b) || b < 1 || (t > 0 && b > batchSizes[t - 1]))) {
      throw new Error(`PackedSequence: batchSizes must be positive, non-increasing and sum to data's ${data.shape[0]} rows, got ${shown([...batchSizes])}`);
    }
  }

  /** How many sequences the batch holds. */
  get batch(): number {
    return this.batchSizes[0] ?? 0;
  }

  /** Each sequence's length in sorted order (longest first). */
  sortedLengths(): number[] {
    return Array.from({ length: this.batch }, (_, b) => this.batchSizes.filter((s) => s > b).length);
  }

  /** The same packing around other data with the same rows (a layer's output). */
  withData(data: Tensor): PackedSequence {
    return new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }
}

/** Options of packPaddedSequence. */
export interface PackPaddedOptions {
  /** The input is [batch, time, ...] (default false: [time, batch, ...]). */
  batchFirst?: boolean;
  /** The lengths come longest first (default true); false sorts them, and padPackedSequence restores the order. */
  enforceSorted?: boolean;
}

function lengthsOf(lengths: Tensor | readonly number[], batch: number, time: number, what: string): number[] {
  const ls = lengths instanceof Tensor ? Array.from(lengths.data) : Array.isArray(lengths) ? [...lengths] : null;
  if (ls === null) throw new Error(`${what}: lengths must be a tensor or an array of integers, got ${shown(lengths)}`);
  if (ls.length !== batch) throw new Error(`${what}: lengths must have one length per sequence (${batch}), got ${ls.length}`);
  ls.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 1 || l > time) throw new Error(`${what}: lengths must be integers in [1, ${time}] (the padded length), got ${shown(l)} at position ${i}`);
  });
  return ls;
}

/**
 * Padded sequences [time, batch, ...] ([batch, time, ...] with batchFirst) packed by their lengths
 * (torch.nn.utils.rnn.pack_padded_sequence): each sequence's first lengths[i] steps, step by step.
 * With enforceSorted (the default) the lengths must not increase; otherwise the batch is sorted
 * longest first (ties keep their order) and the packing remembers how.
 */
export function packPaddedSequence(input: Tensor, lengths: Tensor | readonly number[], options?: PackPaddedOptions): PackedSequence {
  const what = 'packPaddedSequence';
  if (!(input instanceof Tensor)) throw new Error(`${what}: input must be a tensor, got ${shown(input)}`);
  const o = optionsOf(options, what, { batchFirst: 'boolean', enforceSorted: 'boolean' });
  if (input.ndim < 2) throw new Error(`${what}: input must be [time, batch, ...] or [batch, time, ...], got shape ${fmt(input.shape)}`);
  const batchFirst = o.batchFirst ?? false;
  const [time, batch] = batchFirst ? [input.shape[1], input.shape[0]] : [input.shape[0], input.shape[1]];
  const ls = lengthsOf(lengths, batch, time, what);
  let order = ls.map((_, i) => i);
  const enforceSorted = o.enforceSorted ?? true;
  if (enforceSorted) {
    ls.forEach((l, i) => {
      if (i > 0 && l > ls[i - 1]) throw new Error(`${what}: lengths must not increase when enforceSorted is true (pass enforceSorted: false to have them sorted), got ${shown(ls)}`);
    });
  } else {
    order = order.sort((a, b) => ls[b] - ls[a]);
  }
  const sorted = order.map((i) => ls[i]);
  const batchSizes = Array.from({ length: sorted[0] }, (_, t) => sorted.filter((l) => l > t).length);
  // Row t * batch + i of the [time * batch, ...] view is step t of sequence i (time-major).
  const rows: number[] = [];
  batchSizes.forEach((n, t) => {
    for (let k = 0; k < n; k++) rows.push(t * batch + order[k]);
  });
  const rest = input.shape.slice(2);
  const data = composedOf((own) => {
    const timeMajor = batchFirst ? own(transpose(input, 0, 1)) : input;
    return indexSelect(own(reshape(timeMajor, [time * batch, ...rest])), 0, rows);
  }, [input]);
  if (enforceSorted) return new PackedSequence(data, batchSizes);
  const unsorted = new Array<number>(batch);
  order.forEach((i, k) => { unsorted[i] = k; });
  return new PackedSequence(data, batchSizes, order, unsorted);
}

/** Options of padPackedSequence. */
export interface PadPackedOptions {
  /** The result is [batch, time, ...] (default false: [time, batch, ...]). */
  batchFirst?: boolean;
  /** What fills the steps past each sequence's end (default 0). */
  paddingValue?: number;
  /** Pad to this many steps (at least the longest length) instead of the longest length. */
  totalLength?: number;
}

/** What padPackedSequence returns: the padded batch in the caller's order and each sequence's length. */
export interface PadPackedResult {
  /** [time, batch, ...] or [batch, time, ...]. */
  output: Tensor;
  /** Each sequence's length, in the batch's order. */
  lengths: Tensor;
}

/** A packed batch back to padded sequences in the order it was packed from (torch.nn.utils.rnn.pad_packed_sequence). */
export function padPackedSequence(sequence: PackedSequence, options?: PadPackedOptions): PadPackedResult {
  const what = 'padPackedSequence';
  if (!(sequence instanceof PackedSequence)) throw new Error(`${what}: sequence must be a PackedSequence, got ${shown(sequence)}`);
  const o = optionsOf(options, what, { batchFirst: 'boolean', paddingValue: 'value', totalLength: 'value' });
  const value = o.paddingValue ?? 0;
  if (typeof value !== 'number') throw new Error(`${what}: paddingValue must be a number, got ${shown(value)}`);
  const longest = sequence.batchSizes.length, batch = sequence.batch;
  const time = o.totalLength ?? longest;
  if (!Number.isInteger(time) || time < longest) throw new Error(`${what}: totalLength must be an integer no less than the longest length ${longest}, got ${shown(o.totalLength)}`);
  const order = sequence.sortedIndices ?? Array.from({ length: batch }, (_, i) => i);
  const rows: number[] = [];
  sequence.batchSizes.forEach((n, t) => {
    for (let k = 0; k < n; k++) rows.push(t * batch + order[k]);
  });
  const rest = sequence.data.shape.slice(1);
  const output = composedOf((own) => {
    const blank = own(full([time * batch, ...rest], value));
    const timeMajor = own(reshape(own(indexCopy(blank, 0, rows, sequence.data)), [time, batch, ...rest]));
    return o.batchFirst ? transpose(timeMajor, 0, 1) : timeMajor;
  }, [sequence.data]);
  const sortedLengths = sequence.sortedLengths();
  const lengths = new Array<number>(batch);
  order.forEach((i, k) => { lengths[i] = sortedLengths[k]; });
  return { output, lengths: tensor(lengths) };
}

/**
 * Sequences of different lengths [L_i, ...] packed (torch.nn.utils.rnn.pack_sequence): padSequence
 * then packPaddedSequence by their lengths; enforceSorted (default true) asks them longest first.
 */
export function packSequence(sequences: readonly Tensor[], options?: { enforceSorted?: boolean }): PackedSequence {
  const seqs = tensorArray(sequences, 'packSequence');
  const o = optionsOf(options, 'packSequence', { enforceSorted: 'boolean' });
  const padded = padSequence(seqs);
  const packed = packPaddedSequence(padded, seqs.map((s) => s.shape[0]), { enforceSorted: o.enforceSorted ?? true });
  letGoAfterBackward(padded);
  return packed;
}

/** Options of padSequence. */
export interface PadSequenceOptions {
  /** The result [batch, longest, ...] (true) or [longest, batch, ...] (default false). */
  batchFirst?: boolean;
  /** What fills the positions past each sequence's end (default 0). */
  paddingValue?: number;
}

/**
 * Sequences of different lengths [L_i, ...] (the rest of their shapes equal) padded to the longest
 * and stacked (torch.nn.utils.rnn.pad_sequence): [longest, batch, ...], or [batch, longest, ...] with
 * batchFirst. Gradients go back to each sequence's own positions.
 */
export function padSequence(sequences: readonly Tensor[], options?: PadSequenceOptions): Tensor {
  const seqs = tensorArray(sequences, 'padSequence');
  const o = optionsOf(options, 'padSequence', { batchFirst: 'boolean', paddingValue: 'value' });
  const value = o.paddingValue ?? 0;
  if (typeof value !== 'number') throw new Error(`padSequence: paddingValue must be a number, got ${shown(value)}`);
  const rest = seqs[0].shape.slice(1);
  seqs.forEach((s, i) => {
    if (s.ndim < 1 || s.ndim !== rest.length + 1 || s.shape.slice(1).some((d, k) => d !== rest[k])) {
      throw new Error(`padSequence: sequence ${i} has shape ${fmt(s.shape)}, sequence 0 ${fmt(seqs[0].shape)}: all but the first dim must agree`);
    }
  });
  const longest = Math.max(...seqs.map((s) => s.shape[0]));
  // pad's amounts run from the last dim: zeros for the rest, then [0, missing] for dim 0.
  const padded = seqs.map((s) => (s.shape[0] === longest ? s : pad(s, [...rest.flatMap(() => [0, 0]), 0, longest - s.shape[0]], { value })));
  const batchFirst = stack(padded, 0);
  letGoAfterBackward(...padded.filter((p, i) => p !== seqs[i]));
  if (o.batchFirst) return batchFirst;
  const y = transpose(batchFirst, 0, 1);
  letGoAfterBackward(batchFirst);
  return y;
}

/** Options of unpadSequence. */
export interface UnpadSequenceOptions {
  /** The padded tensor is [batch, time, ...] (true) or [time, batch, ...] (default false). */
  batchFirst?: boolean;
}

/**
 * padSequence undone (torch.nn.utils.rnn.unpad_sequence): each sequence's first lengths[b] steps,
 * [length, ...] each, in the batch's order. Gradients flow back into the padded tensor. (torch 1.13's
 * transposes a time-first input in place; this one leaves it as it is.)
 */
export function unpadSequence(padded: Tensor, lengths: Tensor | readonly number[], options?: UnpadSequenceOptions): Tensor[] {
  const what = 'unpadSequence';
  if (!(padded instanceof Tensor) || padded.ndim < 2) throw new Error(`${what}: padded must be a tensor of at least 2 dims (time and batch), got ${padded instanceof Tensor ? `shape ${fmt(padded.shape)}` : shown(padded)}`);
  const batchFirst = optionsOf(options, what, { batchFirst: 'boolean' }).batchFirst ?? false;
  const [batchDim, timeDim] = batchFirst ? [0, 1] : [1, 0];
  if (!(lengths instanceof Tensor) && !Array.isArray(lengths)) throw new Error(`${what}: lengths must be a tensor or an array of numbers, got ${shown(lengths)}`);
  const lens = lengths instanceof Tensor ? Array.from(lengths.data) : lengths;
  const batch = padded.shape[batchDim], time = padded.shape[timeDim];
  if (lens.length !== batch) throw new Error(`${what}: lengths must hold one length per sequence (${batch}), got ${lens.length}`);
  lens.forEach((n, b) => {
    if (!Number.isInteger(n) || n < 0 || n > time) throw new Error(`${what}: length ${b} must be an integer in [0, ${time}], got ${shown(n)}`);
  });
  return Array.from(lens, (n, b) => composedOf((own) => own(narrow(own(select(padded, batchDim, b)), 0, 0, n)).contiguous(), [padded]));
}

/** packSequence undone (torch.nn.utils.rnn.unpack_sequence): the sequences, each [length, ...], in their original order. */
export function unpackSequence(packed: PackedSequence): Tensor[] {
  if (!(packed instanceof PackedSequence)) throw new Error(`unpackSequence: packed must be a PackedSequence, got ${shown(packed)}`);
  const { output, lengths } = padPackedSequence(packed, { batchFirst: true });
  const out = unpadSequence(output, lengths, { batchFirst: true });
  letGoAfterBackward(output);
  return out;
}

