// MultiheadAttention as torch.nn.MultiheadAttention (1.13): the same parameters under the same names
// (in_proj_weight, in_proj_bias, out_proj.weight, ...; q_proj_weight, k_proj_weight, v_proj_weight
// when kdim or vdim differ from embedDim; bias_k, bias_v with addBiasKv), the same computation
// (F.multi_head_attention_forward's scaled dot product: q / sqrt(headDim), q k^T plus the mask,
// softmax, dropout, times v, the output projection), made of the library's ops.
import { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { Linear } from './linear';
import { xavierNormal, xavierUniform } from './init';
import { dropout as dropoutFn } from './functional';
import { checkDropProbability } from './dropout';
import { checkTensor, letGoAfterBackward } from '../ops/core';
import { add, div } from '../ops/binary';
import { linear } from '../ops/matmul';
import { bmm } from '../ops/matrix_products';
import { softmax } from '../ops/softmax';
import { cat, narrow } from '../ops/join';
import { reshape, transpose, unsqueeze, squeeze, expand } from '../ops/shape';
import { maskedFill } from '../ops/more';
import { sum } from '../ops/reduce';
import { zeros } from '../ops/creation';
import { fmt } from '../shape';
import { optionsOf, positiveInt, shown } from '../args';

/** Options of MultiheadAttention (torch's keyword arguments). */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Biases on the input and output projections (default true). */
  bias?: boolean;
  /** The keys' features (default embedDim). */
  kdim?: number;
  /** The values' features (default embedDim). */
  vdim?: number;
  /** Inputs and output [batch, seq, feature] (default false: [seq, batch, feature]). */
  batchFirst?: boolean;
  /** A learned key and value (bias_k, bias_v [1, 1, embedDim]) appended to the projected keys and values (default false). */
  addBiasKv?: boolean;
  /** A zero key and value appended to each head's keys and values (default false). */
  addZeroAttn?: boolean;
}

/** Options of one attention call. */
export interface AttentionOptions {
  /** [batch, source] (or [source] unbatched): which keys each sample ignores (see maskKind). */
  keyPaddingMask?: Tensor | null;
  /** [target, source] or [batch * numHeads, target, source]: which keys each query may not see (see maskKind). */
  attnMask?: Tensor | null;
  /**
   * 'bool' (default): a mask's nonzero elements are blocked, as torch's boolean masks; 'float': the
   * masks are added to the scores, as torch's float masks (-Infinity blocks).
   */
  maskKind?: 'bool' | 'float';
  /** Return the attention weights too (default true). */
  needWeights?: boolean;
  /** Average the weights over the heads (default true), else one map per head. */
  averageAttnWeights?: boolean;
}

/** An attention call's output and (when asked for) its weights. */
export interface AttentionResult {
  /** [target, batch, embedDim] ([batch, target, embedDim] with batchFirst; [target, embedDim] unbatched). */
  output: Tensor;
  /** [batch, target, source] averaged, or [batch, numHeads, target, source]; null when not asked for. */
  weights: Tensor | null;
}

/** torch's out_proj class, named for its printing (a Linear in every other way). */
export class NonDynamicallyQuantizableLinear extends Linear {}

/**
 * Multi-head attention, as torch.nn.MultiheadAttention: the query, key and value projected (one
 * packed weight when their sizes agree), split into numHeads heads, each head's softmax(q k^T /
 * sqrt(headDim) + mask) v, the heads joined and projected out.
 */
export class MultiheadAttention extends Module {
  /** The query's (and output's) features. */
  readonly embedDim: number;
  /** How many heads embedDim is split into. */
  readonly numHeads: number;
  /** embedDim / numHeads: each head's features. */
  readonly headDim: number;
  /** The keys' features. */
  readonly kdim: number;
  /** The values' features. */
  readonly vdim: number;
  /** Dropout on the attention weights in training. */
  readonly dropout: number;
  /** Inputs and output [batch, seq, feature] rather than [seq, batch, feature]. */
  readonly batchFirst: boolean;
  /** [3 embedDim, embedDim], null when kdim or vdim differ from embedDim. */
  in_proj_weight: Parameter | null;
  /** The query's projection [embedDim, embedDim], only when kdim or vdim differ from embedDim. */
  q_proj_weight: Parameter | null;
  /** The keys' projection [embedDim, kdim], only when kdim or vdim differ from embedDim. */
  k_proj_weight: Parameter | null;
  /** The values' projection [embedDim, vdim], only when kdim or vdim differ from embedDim. */
  v_proj_weight: Parameter | null;
  /** [3 embedDim], null without bias. */
  in_proj_bias: Parameter | null;
  /** The output projection (heads joined -> embedDim). */
  out_proj: NonDynamicallyQuantizableLinear;
  /** [1, 1, embedDim]: the key appended to the projected keys (addBiasKv), else null. */
  bias_k: Parameter | null;
  /** [1, 1, embedDim]: the value appended to the projected values (addBiasKv), else null. */
  bias_v: Parameter | null;
  /** Whether a zero key and value are appended to each head's (addZeroAttn). */
  readonly addZeroAttn: boolean;

  constructor(embedDim: number, numHeads: number, options?: MultiheadAttentionOptions) {
    super();
    const o = optionsOf(options, 'MultiheadAttention', { dropout: 'value', bias: 'boolean', kdim: 'value', vdim: 'value', batchFirst: 'boolean', addBiasKv: 'boolean', addZeroAttn: 'boolean' });
    this.embedDim = positiveInt(embedDim, 'MultiheadAttention', 'embedDim');
    this.numHeads = positiveInt(numHeads, 'MultiheadAttention', 'numHeads');
    if (embedDim % numHeads !== 0) throw new Error(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.headDim = embedDim / numHeads;
    this.kdim = o.kdim === undefined ? embedDim : positiveInt(o.kdim, 'MultiheadAttention', 'kdim');
    this.vdim = o.vdim === undefined ? embedDim : positiveInt(o.vdim, 'MultiheadAttention', 'vdim');
    this.dropout = checkDropProbability(o.dropout ?? 0, 'MultiheadAttention');
    this.batchFirst = o.batchFirst ?? false;
    const packed = this.kdim === embedDim && this.vdim === embedDim;
    const e = embedDim;
    this.in_proj_weight = packed ? new Parameter(zeros([3 * e, e])) : null;
    this.q_proj_weight = packed ? null : new Parameter(zeros([e, e]));
    this.k_proj_weight = packed ? null : new Parameter(zeros([e, this.kdim]));
    this.v_proj_weight = packed ? null : new Parameter(zeros([e, this.vdim]));
    this.in_proj_bias = o.bias === false ? null : new Parameter(zeros([3 * e]));
    // torch's order of draws: out_proj's Linear init, then _reset_parameters' xavier_uniform_.
    this.out_proj = new NonDynamicallyQuantizableLinear(e, e, { bias: o.bias !== false });
    this.bias_k = o.addBiasKv ? new Parameter(zeros([1, 1, e])) : null;
    this.bias_v = o.addBiasKv ? new Parameter(zeros([1, 1, e])) : null;
    this.addZeroAttn = o.addZeroAttn ?? false;
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w) xavierUniform(w);
    if (this.out_proj.bias) this.out_proj.bias.data.fill(0);
    for (const b of [this.bias_k, this.bias_v]) if (b) xavierNormal(b);
  }

  /** The attention output for query, key and value (see attention for the masks' meaning, as 'bool' masks). */
  forward(query: Tensor, key: Tensor = query, value: Tensor = key, keyPaddingMask?: Tensor, attnMask?: Tensor): Tensor {
    return this.attention(query, key, value, { keyPaddingMask, attnMask, needWeights: false }).output;
  }

  /**
   * The attention output and weights, as torch's forward(query, key, value, key_padding_mask,
   * need_weights, attn_mask, average_attn_weights).
   */
  attention(query: Tensor, key: Tensor, value: Tensor, options?: AttentionOptions): AttentionResult {
    const what = 'MultiheadAttention';
    const o = optionsOf(options, what, { keyPaddingMask: 'value', attnMask: 'value', maskKind: 'value', needWeights: 'boolean', averageAttnWeights: 'boolean' });
    for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) checkTensor(t, `${what} ${name}`);
    const kind = o.maskKind ?? 'bool';
    if (kind !== 'bool' && kind !== 'float') throw new Error(`${what}: maskKind must be 'bool' or 'float', got ${shown(kind)}`);
    const unbatched = query.ndim === 2;
    if (query.ndim !== (unbatched ? 2 : 3) || key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new Error(`${what}: query, key and value must all be 3-D (batched) or 2-D (unbatched), got shapes ${fmt(query.shape)}, ${fmt(key.shape)} and ${fmt(value.shape)}`);
    }
    const made: Tensor[] = [];
    const own = (t: Tensor): Tensor => (made.push(t), t);
    // To [seq, batch, feature], torch's internal layout.
    const layout = (t: Tensor) => (unbatched ? own(unsqueeze(t, 1)) : this.batchFirst ? own(transpose(t, 0, 1)) : t);
    const q0 = layout(query), k0 = layout(key), v0 = layout(value);
    const [tgtLen, bsz, e] = q0.shape;
    const srcLen = k0.shape[0];
    if (e !== this.embedDim) throw new Error(`${what}: query has ${e} features, embedDim is ${this.embedDim}`);
    if (k0.shape[2] !== this.kdim || v0.shape[2] !== this.vdim) {
      throw new Error(`${what}: key and value must have ${this.kdim} and ${this.vdim} features, got shapes ${fmt(key.shape)} and ${fmt(value.shape)}`);
    }
    if (k0.shape[1] !== bsz || v0.shape[1] !== bsz || v0.shape[0] !== srcLen) {
      throw new Error(`${what}: query, key and value disagree on batch or source length: shapes ${fmt(query.shape)}, ${fmt(key.shape)} and ${fmt(value.shape)}`);
    }
    const mask = this.mergedMask(o.attnMask ?? null, o.keyPaddingMask ?? null, kind, unbatched, bsz, tgtLen, srcLen, own);
    // The projections: rows of the packed weight (views: their gradients go to it).
    const e3 = (i: number, t: Tensor | null) => (t ? own(narrow(t, 0, i * e, e)) : null);
    const wq = this.in_proj_weight ? e3(0, this.in_proj_weight)! : this.q_proj_weight!;
    const wk = this.in_proj_weight ? e3(1, this.in_proj_weight)! : this.k_proj_weight!;
    const wv = this.in_proj_weight ? e3(2, this.in_proj_weight)! : this.v_proj_weight!;
    const b = this.in_proj_bias;
    // [seq, batch, e] -> [batch * heads, seq, headDim]
    const heads = (t: Tensor, len: number) => own(transpose(own(reshape(t, [len, bsz * this.numHeads, this.headDim])), 0, 1));
    // torch's order: bias_k / bias_v appended along the sequence, then the heads split, then the zero
    // key and value; each extra key is a mask column that blocks nothing.
    let kp = own(linear(k0, wk, e3(1, b))), vp = own(linear(v0, wv, e3(2, b)));
    if (this.bias_k && this.bias_v) {
      kp = own(cat([kp, own(expand(this.bias_k, [1, bsz, e]))], 0));
      vp = own(cat([vp, own(expand(this.bias_v, [1, bsz, e]))], 0));
    }
    const keys = kp.shape[0] + (this.addZeroAttn ? 1 : 0);
    const q = heads(own(linear(q0, wq, e3(0, b))), tgtLen);
    let k = heads(kp, kp.shape[0]), v = heads(vp, vp.shape[0]);
    if (this.addZeroAttn) {
      const zero = zeros([bsz * this.numHeads, 1, this.headDim]);
      k = own(cat([k, own(zero)], 1));
      v = own(cat([v, zero], 1));
    }
    const fullMask = mask && keys > srcLen ? own(cat([mask, own(zeros([...mask.shape.slice(0, -1), keys - srcLen]))], -1)) : mask;
    // torch 1.13's MHA scales q before the product (functional.ts's scaledDotProductAttention, torch 2's
    // formula, scales the product): other roundings, so each keeps its own.
    const scores = own(bmm(own(div(q, Math.sqrt(this.headDim))), own(transpose(k, 1, 2))));
    const masked = fullMask ? own(add(fullMask, scores)) : scores;
    let weights = own(softmax(masked, -1));
    if (this.training && this.dropout > 0) weights = own(dropoutFn(weights, this.dropout));
    const joined = own(reshape(own(transpose(own(bmm(weights, v)), 0, 1)), [tgtLen * bsz, e]));
    let output = reshape(own(linear(joined, this.out_proj.weight, this.out_proj.bias)), [tgtLen, bsz, e]);
    if (unbatched || this.batchFirst) {
      own(output);
      output = unbatched ? squeeze(output, 1) : transpose(output, 0, 1);
    }
    let outWeights: Tensor | null = null;
    if (o.needWeights ?? true) {
      const perHead = reshape(weights, [bsz, this.numHeads, tgtLen, keys]);
      outWeights = o.averageAttnWeights ?? true ? div(own(sum(own(perHead), 1)), this.numHeads) : perHead;
      if (unbatched) outWeights = squeeze(own(outWeights), 0);
    }
    // Neither the inputs nor the two results are among them (own() saw only what this call made in between).
    letGoAfterBackward(...made);
    return { output, weights: outWeights };
  }

  // The two masks as one additive mask broadcast against the scores [batch * heads, target, source]
  // (torch's merge: blocked where either blocks; float masks added).
  private mergedMask(attn: Tensor | null, padding: Tensor | null, kind: 'bool' | 'float', unbatched: boolean,
    bsz: number, tgtLen: number, srcLen: number, own: (t: Tensor) => Tensor): Tensor | null {
    const what = 'MultiheadAttention';
    const additive = (m: Tensor) => (kind === 'float' ? m : own(maskedFill(own(zeros(m.shape as number[])), m, -Infinity)));
    let total: Tensor | null = null;
    if (attn !== null) {
      checkTensor(attn, `${what} attnMask`);
      const full = [bsz * this.numHeads, tgtLen, srcLen];
      const ok = attn.ndim === 2 ? attn.shape[0] === tgtLen && attn.shape[1] === srcLen : attn.ndim === 3 && attn.shape.every((d, i) => d === full[i]);
      if (!ok) throw new Error(`${what}: attnMask must be [${tgtLen}, ${srcLen}] or [${full.join(', ')}], got shape ${fmt(attn.shape)}`);
      total = additive(attn.ndim === 2 ? own(unsqueeze(attn, 0)) : attn);
    }
    if (padding !== null) {
      checkTensor(padding, `${what} keyPaddingMask`);
      const want = unbatched ? [srcLen] : [bsz, srcLen];
      if (padding.ndim !== want.length || padding.shape.some((d, i) => d !== want[i])) {
        throw new Error(`${what}: keyPaddingMask must be [${want.join(', ')}], got shape ${fmt(padding.shape)}`);
      }
      // [batch, source] -> [batch * heads, 1, source], each sample's row for each of its heads.
      const rows = own(expand(own(reshape(padding, [bsz, 1, 1, srcLen])), [bsz, this.numHeads, 1, srcLen]));
      const pad = additive(own(reshape(rows, [bsz * this.numHeads, 1, srcLen])));
      total = total ? own(add(total, pad)) : pad;
    }
    return total;
  }
}
