// TransformerEncoderLayer and TransformerEncoder as torch.nn's (1.13): the same sub-modules under the
// same names (self_attn, linear1, linear2, norm1, norm2, dropouts; layers.0...), post-norm by
// default or pre-norm with normFirst, the feed-forward block's activation fused into its first GEMM.
import { Tensor } from '../tensor';
import { Module, checkModule } from './module';
import { Linear } from './linear';
import { LayerNorm } from './layernorm';
import { Dropout } from './dropout';
import { MultiheadAttention } from './attention';
import { ModuleList } from './containers';
import { add } from '../ops/binary';
import { linear } from '../ops/matmul';
import { checkTensor, letGoAfterBackward } from '../ops/core';
import { optionsOf, shown } from '../args';

/** Options of TransformerEncoderLayer (torch's keyword arguments). */
export interface TransformerEncoderLayerOptions {
  /** The feed-forward block's hidden width (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block, and on the attention weights (default 0.1). */
  dropout?: number;
  /** The feed-forward block's activation (default 'relu'). */
  activation?: 'relu' | 'gelu';
  /** The layer norms' eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs [batch, seq, feature] (default false: [seq, batch, feature]). */
  batchFirst?: boolean;
  /** Normalize before attention and the feed-forward block (pre-norm) instead of after (default false). */
  normFirst?: boolean;
}

/**
 * Self-attention and a feed-forward block, each with a residual connection and a LayerNorm, as
 * torch.nn.TransformerEncoderLayer: x = norm1(x + sa(x)), x = norm2(x + ff(x)); with normFirst,
 * x = x + sa(norm1(x)), x = x + ff(norm2(x)).
 */
export class TransformerEncoderLayer extends Module {
  /** The self-attention block. */
  self_attn: MultiheadAttention;
  /** The feed-forward block's first layer (dModel -> dimFeedforward). */
  linear1: Linear;
  /** Dropout inside the feed-forward block. */
  dropout: Dropout;
  /** The feed-forward block's second layer (dimFeedforward -> dModel). */
  linear2: Linear;
  /** The norm around the attention block. */
  norm1: LayerNorm;
  /** The norm around the feed-forward block. */
  norm2: LayerNorm;
  /** Dropout on the attention block's output. */
  dropout1: Dropout;
  /** Dropout on the feed-forward block's output. */
  dropout2: Dropout;
  /** Pre-norm (true) or post-norm (false). */
  readonly normFirst: boolean;
  /** The feed-forward block's activation. */
  readonly activation: 'relu' | 'gelu';
  /** The constructor's arguments, for TransformerEncoder's copies. */
  readonly config: { dModel: number; nhead: number; options: TransformerEncoderLayerOptions };

  constructor(dModel: number, nhead: number, options?: TransformerEncoderLayerOptions) {
    super();
    const o = optionsOf(options, 'TransformerEncoderLayer', {
      dimFeedforward: 'value', dropout: 'value', activation: 'value', layerNormEps: 'value', batchFirst: 'boolean', normFirst: 'boolean',
    });
    const act = o.activation ?? 'relu';
    if (act !== 'relu' && act !== 'gelu') throw new Error(`TransformerEncoderLayer: activation must be 'relu' or 'gelu', got ${shown(act)}`);
    const p = o.dropout ?? 0.1;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: o.batchFirst ?? false });
    const ff = o.dimFeedforward ?? 2048;
    if (!Number.isSafeInteger(ff) || ff <= 0) throw new Error(`TransformerEncoderLayer: dimFeedforward must be a positive integer, got ${shown(ff)}`);
    this.linear1 = new Linear(dModel, ff);
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel);
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps ?? 1e-5 });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps ?? 1e-5 });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.normFirst = o.normFirst ?? false;
    this.activation = act;
    this.config = { dModel, nhead, options: { ...o } };
  }

  /** The layer's output for src; srcMask and srcKeyPaddingMask as MultiheadAttention's boolean masks. */
  forward(src: Tensor, srcMask?: Tensor, srcKeyPaddingMask?: Tensor): Tensor {
    checkTensor(src, 'TransformerEncoderLayer');
    const made: Tensor[] = [];
    const own = (t: Tensor): Tensor => (made.push(t), t);
    const sa = (x: Tensor) => this.dropout1.forward(own(this.self_attn.forward(x, x, x, srcKeyPaddingMask, srcMask)));
    const ff = (x: Tensor) => {
      const hidden = own(this.dropout.forward(own(linear(x, this.linear1.weight, this.linear1.bias, this.activation))));
      return this.dropout2.forward(own(this.linear2.forward(hidden)));
    };
    let x: Tensor;
    if (this.normFirst) {
      const x1 = own(add(src, own(sa(own(this.norm1.forward(src))))));
      x = add(x1, own(ff(own(this.norm2.forward(x1)))));
    } else {
      const x1 = own(this.norm1.forward(own(add(src, own(sa(src))))));
      x = this.norm2.forward(own(add(x1, own(ff(x1)))));
    }
    // A dropout in eval mode hands its input on: each tensor let go once.
    letGoAfterBackward(...new Set(made.filter((t) => t !== src && t !== x)));
    return x;
  }
}

/** Options of TransformerEncoder. */
export interface TransformerEncoderOptions {
  /** A module applied to the last layer's output (torch's norm argument), e.g. a LayerNorm. */
  norm?: Module | null;
}

/**
 * numLayers copies of encoderLayer applied in turn (torch.nn.TransformerEncoder: each copy starts
 * with the layer's weights, as torch's deep copies do), then the optional norm.
 */
export class TransformerEncoder extends Module {
  /** The layers, copies of the layer given. */
  layers: ModuleList;
  /** Applied to the last layer's output, or null. */
  norm: Module | null;
  /** How many layers. */
  readonly numLayers: number;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, options?: TransformerEncoderOptions) {
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new Error(`TransformerEncoder: encoderLayer must be a TransformerEncoderLayer, got ${shown(encoderLayer)}`);
    if (!Number.isSafeInteger(numLayers) || numLayers < 1) throw new Error(`TransformerEncoder: numLayers must be a positive integer, got ${shown(numLayers)}`);
    const o = optionsOf(options, 'TransformerEncoder', { norm: 'value' });
    const { dModel, nhead, options: layerOptions } = encoderLayer.config;
    const state = encoderLayer.stateDict();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => {
      const copy = new TransformerEncoderLayer(dModel, nhead, layerOptions);
      copy.loadStateDict(state);
      return copy.train(encoderLayer.training);
    }));
    this.norm = o.norm === undefined || o.norm === null ? null : checkModule(o.norm, 'TransformerEncoder norm');
    this.numLayers = numLayers;
  }

  /** The encoder's output for src; mask and srcKeyPaddingMask as TransformerEncoderLayer's. */
  forward(src: Tensor, mask?: Tensor, srcKeyPaddingMask?: Tensor): Tensor {
    let x = src;
    for (const layer of this.layers) {
      const next = (layer as TransformerEncoderLayer).forward(x, mask, srcKeyPaddingMask);
      if (x !== src) letGoAfterBackward(x);
      x = next;
    }
    if (!this.norm) return x;
    const y = this.norm.forward(x);
    if (x !== src && y !== x) letGoAfterBackward(x);
    return y;
  }
}
