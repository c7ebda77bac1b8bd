// Embedding: a lookup table of vectors indexed by integers, as torch.nn.Embedding (dense gradient;
// the padding row is zero and gets no gradient).
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { zeros } from '../ops/creation';
import { normal } from './init';
import { checkTensor, record } from '../ops/core';
import { addAt } from '../ops/offsets';
import { allocIndexOutput, allocOutput } from '../storage';
import { Module } from './module';
import { Parameter } from './parameter';
import { optionsOf, shown } from '../args';
import { fmt } from '../shape';

/** Options of Embedding. */
export interface EmbeddingOptions {
  /** An index whose vector stays zero and gets no gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

/** A padding index within [-num, num) made non-negative (null stays null), or an error naming `what`. */
export function paddingIndexOf(pad: number | null | undefined, num: number, what: string): number | null {
  if (pad === undefined || pad === null) return null;
  if (!Number.isInteger(pad) || pad < -num || pad >= num) throw new Error(`${what}: paddingIdx must be an integer within [${-num}, ${num}), got ${shown(pad)}`);
  return pad < 0 ? pad + num : pad;
}

/** An embedding table [num, dim] of N(0, 1) draws with the padding row zero, its sizes and padding index checked. */
export function embeddingTable(num: number, dim: number, pad: number | null | undefined, what: string): { weight: Parameter; paddingIdx: number | null } {
  for (const [name, v] of [['numEmbeddings', num], ['embeddingDim', dim]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${what}: ${name} must be a non-negative integer, got ${shown(v)}`);
  }
  const paddingIdx = paddingIndexOf(pad, num, what);
  // N(0, 1) as randn draws it, through init so that load() can skip it (withoutRandomInit).
  const weight = new Parameter(normal(zeros([num, dim])));
  if (paddingIdx !== null) weight.data.fill(0, paddingIdx * dim, (paddingIdx + 1) * dim);
  return { weight, paddingIdx };
}

/** A table of numEmbeddings vectors of embeddingDim, looked up by index (weight N(0, 1), as torch). */
export class Embedding extends Module {
  /** The table [numEmbeddings, embeddingDim]. */
  weight: Parameter;
  /** The padding index (non-negative), or null. */
  readonly paddingIdx: number | null;

  /** Rows of the table. */
  readonly numEmbeddings: number;
  /** Length of each vector. */
  readonly embeddingDim: number;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingOptions) {
    super();
    options = optionsOf(options, 'Embedding', { paddingIdx: 'value' });
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    ({ weight: this.weight, paddingIdx: this.paddingIdx } = embeddingTable(numEmbeddings, embeddingDim, options.paddingIdx, 'Embedding'));
  }

  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, padding_idx=${this.paddingIdx}`}`;
  }

  /** The vectors of `indices` (a tensor of integers, any shape): shape [...indices.shape, embeddingDim]. */
  forward(indices: Tensor): Tensor {
    return embeddingRows(indices, this.weight, this.paddingIdx, 'Embedding');
  }

  /**
   * An Embedding holding `embeddings` [numEmbeddings, embeddingDim] (a copy), as torch's
   * from_pretrained: frozen (no gradient) unless `freeze: false`.
   */
  static fromPretrained(embeddings: Tensor, options?: EmbeddingOptions & { freeze?: boolean }): Embedding {
    checkTensor(embeddings, 'Embedding.fromPretrained');
    const o = optionsOf(options, 'Embedding.fromPretrained', { paddingIdx: 'value', freeze: 'boolean' });
    if (embeddings.ndim !== 2) throw new Error(`Embedding.fromPretrained: embeddings must be 2-D [numEmbeddings, embeddingDim], got shape ${fmt(embeddings.shape)}`);
    const e = new Embedding(embeddings.shape[0], embeddings.shape[1], { paddingIdx: o.paddingIdx });
    e.weight.data.set(embeddings.data);
    e.weight.requiresGrad = !(o.freeze ?? true);
    return e;
  }
}

/**
 * The rows of `weight` [n, dim] at `indices` (integers in [0, n), any shape): [...indices.shape, dim];
 * the gradient a dense [n, dim] with paddingIdx's row left zero (Embedding's forward and
 * nn.functional.embedding). `what` names the caller in errors.
 */
export function embeddingRows(indices: Tensor, weight: Tensor, paddingIdx: number | null, what: string): Tensor {
  checkTensor(indices, what);
  checkTensor(weight, `${what} weight`);
  if (weight.ndim !== 2) throw new Error(`${what}: weight must be 2-D [numEmbeddings, embeddingDim], got shape ${fmt(weight.shape)}`);
  const [n, dim] = weight.shape;
  const idx = allocIndexOutput(indices.size);
  for (let i = 0; i < idx.length; i++) {
    const v = indices.data[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new Error(`${what}: index ${v} at position ${i} is out of range [0, ${n})`);
    idx[i] = v;
  }
  const y = allocOutput(idx.length * dim);
  B().indexRows(weight.data, 1, n, dim, idx, y);
  const skip = paddingIdx ?? -1; // the padding row gets no gradient
  const out = record(y, [...indices.shape, dim], [weight], 'embedding', (gy) => {
    // The table's gradient is as large as the table: the storage zeroGrad released is reused (a
    // fresh 51 MB array each step, past glibc's largest heap block, was mapped and faulted in anew:
    // a 50000 x 256 table's training step took 166 ms here, 9.5 with the storage reused).
    const gw = weight.gradBuffer().fill(0);
    B().indexRowsGrad(gy, 1, n, dim, idx, gw, skip);
    return [gw];
  });
  if (out.node) {
    out.node.graphBackward = (gy) => {
      // Each output element's offset in the table (-1 for the padding row's, which gets nothing).
      const at = new Int32Array(idx.length * dim);
      for (let p = 0; p < idx.length; p++) for (let j = 0; j < dim; j++) at[p * dim + j] = idx[p] === skip ? -1 : idx[p] * dim + j;
      return [addAt(gy, at, weight.shape)];
    };
  }
  return out;
}
