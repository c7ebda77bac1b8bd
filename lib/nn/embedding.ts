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
import { pyFloat } from '../format';
import { bumpVersion } from '../versions';
import { mul } from '../ops/binary';

/** Options of Embedding. */
export interface EmbeddingOptions extends LookupOptions {
  /** An index whose vector stays zero and gets no gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

/** How a lookup treats the rows it reads (Embedding's and nn.functional.embedding's options past paddingIdx). */
export interface LookupOptions {
  /** Rows read whose normType-norm exceeds it are scaled in place to it first, as torch's max_norm (default none). */
  maxNorm?: number | null;
  /** The p of maxNorm's norm (default 2). */
  normType?: number;
  /** Each row's gradient divided by how often the batch reads it (torch's scale_grad_by_freq; default false). */
  scaleGradByFreq?: boolean;
}

/** The option kinds of Embedding and F.embedding (optionsOf's table). */
export const EMBEDDING_OPTIONS = { paddingIdx: 'value', maxNorm: 'value', normType: 'value', scaleGradByFreq: 'boolean' } as const;

/** LookupOptions checked, with their defaults. */
export function lookupOf(o: LookupOptions, what: string): { maxNorm: number | null; normType: number; scaleGradByFreq: boolean } {
  const maxNorm = o.maxNorm ?? null;
  if (maxNorm !== null && (typeof maxNorm !== 'number' || !(maxNorm >= 0))) throw new Error(`${what}: maxNorm must be a non-negative number or null, got ${shown(maxNorm)}`);
  const normType = o.normType ?? 2;
  if (typeof normType !== 'number' || !(normType > 0)) throw new Error(`${what}: normType must be a positive number, got ${shown(normType)}`);
  const scaleGradByFreq = o.scaleGradByFreq ?? false;
  if (typeof scaleGradByFreq !== 'boolean') throw new Error(`${what}: scaleGradByFreq must be true or false, got ${shown(scaleGradByFreq)}`);
  return { maxNorm, normType, scaleGradByFreq };
}

/** The rows idx names scaled in place to norm maxNorm where theirs is larger (torch's embedding_renorm_: by maxNorm / (norm + 1e-7)). */
function renormRows(weight: Tensor, idx: Int32Array, maxNorm: number, p: number): void {
  const dim = weight.shape[1], w = weight.data;
  let changed = false;
  for (const row of new Set(idx)) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += p === 2 ? w[row * dim + j] ** 2 : Math.abs(w[row * dim + j]) ** p;
    const norm = p === 2 ? Math.sqrt(sum) : sum ** (1 / p);
    if (norm > maxNorm) {
      const scale = Math.fround(maxNorm / (norm + 1e-7));
      for (let j = 0; j < dim; j++) w[row * dim + j] *= scale;
      changed = true;
    }
  }
  if (changed) bumpVersion(w);
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
  /** maxNorm, normType and scaleGradByFreq, as given or defaulted. */
  readonly lookup: Readonly<ReturnType<typeof lookupOf>>;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingOptions) {
    super();
    options = optionsOf(options, 'Embedding', EMBEDDING_OPTIONS);
    this.lookup = lookupOf(options, 'Embedding');
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    ({ weight: this.weight, paddingIdx: this.paddingIdx } = embeddingTable(numEmbeddings, embeddingDim, options.paddingIdx, 'Embedding'));
  }

  protected override extraRepr(): string {
    const l = this.lookup;
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, padding_idx=${this.paddingIdx}`}` +
      `${l.maxNorm === null ? '' : `, max_norm=${pyFloat(l.maxNorm)}`}${l.normType === 2 ? '' : `, norm_type=${pyFloat(l.normType)}`}${l.scaleGradByFreq ? ', scale_grad_by_freq=True' : ''}`;
  }

  /** The vectors of `indices` (a tensor of integers, any shape): shape [...indices.shape, embeddingDim]. */
  forward(indices: Tensor): Tensor {
    return embeddingRows(indices, this.weight, this.paddingIdx, 'Embedding', this.lookup);
  }

  /**
   * An Embedding holding `embeddings` [numEmbeddings, embeddingDim] (a copy), as torch's
   * from_pretrained: frozen (no gradient) unless `freeze: false`.
   */
  static fromPretrained(embeddings: Tensor, options?: EmbeddingOptions & { freeze?: boolean }): Embedding {
    checkTensor(embeddings, 'Embedding.fromPretrained');
    const o = optionsOf(options, 'Embedding.fromPretrained', { ...EMBEDDING_OPTIONS, freeze: 'boolean' });
    if (embeddings.ndim !== 2) throw new Error(`Embedding.fromPretrained: embeddings must be 2-D [numEmbeddings, embeddingDim], got shape ${fmt(embeddings.shape)}`);
    const { freeze, ...rest } = o;
    const e = new Embedding(embeddings.shape[0], embeddings.shape[1], rest);
    e.weight.data.set(embeddings.data);
    e.weight.requiresGrad = !(freeze ?? true);
    return e;
  }
}

/**
 * The rows of `weight` [n, dim] at `indices` (integers in [0, n), any shape): [...indices.shape, dim];
 * the gradient a dense [n, dim] with paddingIdx's row left zero (Embedding's forward and
 * nn.functional.embedding). `what` names the caller in errors.
 */
export function embeddingRows(indices: Tensor, weight: Tensor, paddingIdx: number | null, what: string, lookup: ReturnType<typeof lookupOf> | null = null): Tensor {
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
  if (lookup?.maxNorm !== null && lookup?.maxNorm !== undefined) renormRows(weight, idx, lookup.maxNorm, lookup.normType);
  const y = allocOutput(idx.length * dim);
  B().indexRows(weight.data, 1, n, dim, idx, y);
  const skip = paddingIdx ?? -1; // the padding row gets no gradient
  // With scaleGradByFreq, each read's gradient over the count of reads of its row.
  const counts = lookup?.scaleGradByFreq ? new Map<number, number>() : null;
  if (counts) for (const v of idx) counts.set(v, (counts.get(v) ?? 0) + 1);
  const out = record(y, [...indices.shape, dim], [weight], 'embedding', (gy) => {
    // The table's gradient is as large as the table: the storage zeroGrad released is reused (a
    // fresh 51 MB array each step, past glibc's largest heap block, was mapped and faulted in anew:
    // a 50000 x 256 table's training step took 166 ms here, 9.5 with the storage reused).
    const gw = weight.gradBuffer().fill(0);
    B().indexRowsGrad(gy, 1, n, dim, idx, gw, skip);
    if (counts) for (const [row, c] of counts) if (c > 1) for (let j = 0; j < dim; j++) gw[row * dim + j] /= c;
    return [gw];
  });
  if (out.node) {
    out.node.graphBackward = (gy) => {
      // Each output element's offset in the table (-1 for the padding row's, which gets nothing).
      const at = new Int32Array(idx.length * dim);
      for (let p = 0; p < idx.length; p++) for (let j = 0; j < dim; j++) at[p * dim + j] = idx[p] === skip ? -1 : idx[p] * dim + j;
      if (!counts) return [addAt(gy, at, weight.shape)];
      const inverse = new Tensor(Float32Array.from({ length: idx.length * dim }, (_, e) => 1 / (counts.get(idx[Math.floor(e / dim)]) as number)), [...gy.shape]);
      return [addAt(mul(gy, inverse), at, weight.shape)];
    };
  }
  return out;
}
