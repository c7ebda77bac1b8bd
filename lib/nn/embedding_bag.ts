// F.embeddingBag and nn.EmbeddingBag (torch's embedding_bag): each bag of indices looked up in the
// table and reduced by sum, mean or max, without the [indices, dim] rows being kept. Composed of the
// library's ops (rows by indexSelect, bags summed by indexAdd, maxima by amax), so the gradients are
// theirs: sum and mean spread to every row of the bag, max to the row that was largest.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, OptionKinds, shown } from '../args';
import { checkTensor, composedOf } from '../ops/core';
import { div, mul } from '../ops/binary';
import { indexSelect } from '../ops/index_ops';
import { indexAdd } from '../ops/index_write';
import { amax } from '../ops/cumulative';
import { narrow, stack } from '../ops/join';
import { reshape, unsqueeze } from '../ops/shape';
import { zeros } from '../ops/creation';
import { embeddingTable, paddingIndexOf } from './embedding';
import { Module } from './module';
import { Parameter } from './parameter';

/** How a bag's rows are reduced. */
export type BagMode = 'sum' | 'mean' | 'max';

/** Options of embeddingBag. */
export interface EmbeddingBagOptions {
  /** Where each bag starts in a 1-D input (not with a 2-D input, whose rows are the bags). */
  offsets?: Tensor | readonly number[] | null;
  /** 'sum', 'mean' (default) or 'max'. */
  mode?: BagMode;
  /** A weight per index, multiplying its row (mode 'sum' only). */
  perSampleWeights?: Tensor | null;
  /** offsets also hold the end of the last bag, as CSR's do (default false). */
  includeLastOffset?: boolean;
  /** An index left out of every bag (not counted by mean). */
  paddingIdx?: number | null;
}

const BAG_OPTIONS: OptionKinds<EmbeddingBagOptions> = { offsets: 'value', mode: 'value', perSampleWeights: 'value', includeLastOffset: 'boolean', paddingIdx: 'value' };

/**
 * torch.nn.functional.embedding_bag: input [B, N] (each row a bag) or 1-D with offsets; weight
 * [num, dim]; the result [B, dim], an empty bag's row zeros.
 */
export function embeddingBag(input: Tensor, weight: Tensor, options?: EmbeddingBagOptions): Tensor {
  const what = 'embeddingBag';
  checkTensor(input, what);
  checkTensor(weight, `${what} weight`);
  if (weight.ndim !== 2) throw new Error(`${what}: weight must be [numEmbeddings, embeddingDim], got shape ${fmt(weight.shape)}`);
  const o = optionsOf(options, what, BAG_OPTIONS);
  const mode = o.mode ?? 'mean';
  if (mode !== 'sum' && mode !== 'mean' && mode !== 'max') throw new Error(`${what}: mode must be 'sum', 'mean' or 'max', got ${shown(mode)}`);
  const [num, dim] = weight.shape;
  const padding = paddingIndexOf(o.paddingIdx, num, what) ?? -1;
  // The bags as [start, end) ranges of the flattened input.
  let starts: number[];
  if (input.ndim === 2) {
    if (o.offsets !== undefined && o.offsets !== null) throw new Error(`${what}: offsets are for a 1-D input; a 2-D input's rows are its bags`);
    starts = Array.from({ length: input.shape[0] }, (_, b) => b * input.shape[1]);
  } else if (input.ndim === 1) {
    if (o.offsets === undefined || o.offsets === null) throw new Error(`${what}: a 1-D input needs offsets, where each bag starts`);
    starts = Array.from(o.offsets instanceof Tensor ? o.offsets.data : o.offsets);
    if (o.includeLastOffset) {
      if (starts.length === 0) throw new Error(`${what}: with includeLastOffset, offsets must hold at least the last bag's end`);
      starts = starts.slice(0, -1);
    }
    starts.forEach((s, i) => {
      if (!Number.isInteger(s) || s < 0 || s > input.size || (i > 0 && s < starts[i - 1])) throw new Error(`${what}: offsets must be non-decreasing integers within [0, ${input.size}], got ${s} at ${i}`);
    });
    if (starts.length > 0 && starts[0] !== 0) throw new Error(`${what}: the first offset must be 0, got ${starts[0]}`);
  } else throw new Error(`${what}: input must be 1-D (with offsets) or 2-D [bags, indices], got shape ${fmt(input.shape)}`);
  const weights = o.perSampleWeights ?? null;
  if (weights !== null) {
    checkTensor(weights, `${what} perSampleWeights`);
    if (mode !== 'sum') throw new Error(`${what}: perSampleWeights are for mode 'sum' only, got mode '${mode}'`);
    if (weights.size !== input.size || weights.ndim !== input.ndim) throw new Error(`${what}: perSampleWeights must have the input's shape ${fmt(input.shape)}, got ${fmt(weights.shape)}`);
  }
  const bags = starts.length;
  // Every index kept (padding left out), its bag, and each bag's count.
  const kept: number[] = [], bagOf: number[] = [], counts = new Array<number>(bags).fill(0);
  for (let b = 0; b < bags; b++) {
    const end = b + 1 < bags ? starts[b + 1] : input.size;
    for (let i = starts[b]; i < end; i++) {
      const v = input.data[i];
      if (!Number.isInteger(v) || v < 0 || v >= num) throw new Error(`${what}: index ${v} at position ${i} is out of range [0, ${num})`);
      if (v === padding) continue;
      kept.push(i);
      bagOf.push(b);
      counts[b]++;
    }
  }
  return composedOf((own) => {
    const rows = own(indexSelect(weight, 0, kept.map((i) => input.data[i])));
    if (mode === 'max') {
      let at = 0;
      const maxima = counts.map((c) => {
        const part = c === 0 ? own(zeros([dim])) : own(amax(own(narrow(rows, 0, at, c)), 0));
        at += c;
        return part;
      });
      return bags === 0 ? zeros([0, dim]) : stack(maxima, 0);
    }
    const scaled = weights ? own(mul(rows, own(unsqueeze(own(indexSelect(own(reshape(weights, [weights.size])), 0, kept)), 1)))) : rows;
    const sums = own(indexAdd(own(zeros([bags, dim])), 0, bagOf, scaled));
    if (mode === 'sum') return sums;
    // mean: over the bag's kept indices (an empty bag's zeros stay zeros).
    return div(sums, own(new Tensor(Float32Array.from(counts, (c) => Math.max(c, 1)), [bags, 1])));
  }, [input, weight]);
}

/** Options of nn.EmbeddingBag. */
export interface EmbeddingBagModuleOptions {
  /** 'sum', 'mean' (default) or 'max'. */
  mode?: BagMode;
  /** offsets also hold the end of the last bag (default false). */
  includeLastOffset?: boolean;
  /** An index left out of every bag, its row zero (negative counts from the end). */
  paddingIdx?: number | null;
}

/** Bags of embeddings reduced by sum, mean or max, as torch.nn.EmbeddingBag (weight N(0, 1)). */
export class EmbeddingBag extends Module {
  /** The table [numEmbeddings, embeddingDim]. */
  weight: Parameter;
  /** How a bag's rows are reduced. */
  readonly mode: BagMode;
  /** Whether offsets hold the last bag's end too. */
  readonly includeLastOffset: boolean;
  /** The padding index (non-negative), or null. */
  readonly paddingIdx: number | null;

  /** @param numEmbeddings rows of the table @param embeddingDim length of each vector */
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options?: EmbeddingBagModuleOptions) {
    super();
    const o = optionsOf(options, 'EmbeddingBag', { mode: 'value', includeLastOffset: 'boolean', paddingIdx: 'value' });
    this.mode = o.mode ?? 'mean';
    if (this.mode !== 'sum' && this.mode !== 'mean' && this.mode !== 'max') throw new Error(`EmbeddingBag: mode must be 'sum', 'mean' or 'max', got ${shown(this.mode)}`);
    this.includeLastOffset = o.includeLastOffset ?? false;
    ({ weight: this.weight, paddingIdx: this.paddingIdx } = embeddingTable(numEmbeddings, embeddingDim, o.paddingIdx, 'EmbeddingBag'));
  }

  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}, mode='${this.mode}'${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }

  /** The bags of input (2-D rows, or 1-D with offsets), reduced: [bags, embeddingDim]. */
  forward(input: Tensor, offsets?: Tensor, perSampleWeights?: Tensor): Tensor {
    return embeddingBag(input, this.weight, { offsets, mode: this.mode, perSampleWeights, includeLastOffset: this.includeLastOffset, paddingIdx: this.paddingIdx });
  }
}
