// The Transformer modules of torch.nn (1.13): TransformerEncoderLayer, TransformerDecoderLayer, the
// stacks TransformerEncoder and TransformerDecoder, and Transformer. The same sub-modules under the
// same names (self_attn, multihead_attn, linear1, linear2, norm1..3, dropouts; layers.0...), so a
// torch state dict loads; post-norm by default, pre-norm with normFirst; the feed-forward block's
// activation fused into its first GEMM.
import { Tensor } from '../tensor';
import { Module, checkModule } from './module';
import { Linear } from './linear';
import { LayerNorm } from './layernorm';
import { Dropout } from './dropout';
import { MultiheadAttention } from './attention';
import { ModuleList } from './containers';
import { xavierUniform } from './init';
import { add } from '../ops/binary';
import { linear } from '../ops/matmul';
import { full } from '../ops/creation';
import { triu } from '../ops/more';
import { checkTensor, letGoAfterBackward } from '../ops/core';
import { optionsOf, positiveInt, shown } from '../args';

/** Options of TransformerEncoderLayer and TransformerDecoderLayer (torch's keyword arguments). */
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
  /** Normalize before each block (pre-norm) instead of after its residual sum (default false). */
  normFirst?: boolean;
}

/** Options of TransformerDecoderLayer: the encoder layer's. */
export type TransformerDecoderLayerOptions = TransformerEncoderLayerOptions;

/** A layer's options checked, with their defaults. */
function layerSettings(options: TransformerEncoderLayerOptions | undefined, what: string) {
  const o = optionsOf(options, what, { dimFeedforward: 'value', dropout: 'value', activation: 'value', layerNormEps: 'value', batchFirst: 'boolean', normFirst: 'boolean' });
  const activation = o.activation ?? 'relu';
  if (activation !== 'relu' && activation !== 'gelu') throw new Error(`${what}: activation must be 'relu' or 'gelu', got ${shown(activation)}`);
  const ff = positiveInt(o.dimFeedforward ?? 2048, what, 'dimFeedforward');
  return { o, activation, ff, p: o.dropout ?? 0.1, eps: o.layerNormEps ?? 1e-5, batchFirst: o.batchFirst ?? false, normFirst: o.normFirst ?? false };
}

/** A sub-block of a layer: its norm, and the block itself (attention or feed-forward, its output dropout included). */
type Residual = [norm: LayerNorm, block: (x: Tensor) => Tensor];

/**
 * x through each residual block in turn: x = norm(x + block(x)), or with normFirst x = x + block(norm(x)).
 * Every intermediate but the result is let go after backward.
 */
function residuals(src: Tensor, blocks: Residual[], normFirst: boolean, made: Tensor[]): Tensor {
  const own = (t: Tensor): Tensor => (made.push(t), t);
  let x = src;
  for (const [norm, block] of blocks) x = own(normFirst ? add(x, own(block(own(norm.forward(x))))) : norm.forward(own(add(x, own(block(x))))));
  // A dropout in eval mode hands its input on: each tensor let go once.
  letGoAfterBackward(...new Set(made.filter((t) => t !== src && t !== x)));
  return x;
}

/**
 * What every Transformer layer has, built in torch's order: self-attention, the feed-forward block
 * (linear1, dropout, linear2), two norms and two dropouts, and the block the feed-forward layers make.
 */
abstract class TransformerLayer extends Module {
  /** The self-attention block. */
  self_attn: MultiheadAttention;
  /** The feed-forward block's first layer (dModel -> dimFeedforward). */
  linear1: Linear;
  /** Dropout inside the feed-forward block. */
  dropout: Dropout;
  /** The feed-forward block's second layer (dimFeedforward -> dModel). */
  linear2: Linear;
  /** The norm around the self-attention block. */
  norm1: LayerNorm;
  /** The norm around the next block (the feed-forward block in an encoder layer, the attention over memory in a decoder layer). */
  norm2: LayerNorm;
  /** Dropout on the self-attention block's output. */
  dropout1: Dropout;
  /** Dropout on the next block's output. */
  dropout2: Dropout;
  /** Pre-norm (true) or post-norm (false). */
  readonly normFirst: boolean;
  /** The feed-forward block's activation. */
  readonly activation: 'relu' | 'gelu';
  /** The constructor's arguments, for the stacks' copies. */
  readonly config: { dModel: number; nhead: number; options: TransformerEncoderLayerOptions };

  protected constructor(dModel: number, nhead: number, options: TransformerEncoderLayerOptions | undefined, what: string) {
    super();
    const s = layerSettings(options, what);
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: s.p, batchFirst: s.batchFirst });
    this.linear1 = new Linear(dModel, s.ff);
    this.dropout = new Dropout(s.p);
    this.linear2 = new Linear(s.ff, dModel);
    this.norm1 = new LayerNorm(dModel, { eps: s.eps });
    this.norm2 = new LayerNorm(dModel, { eps: s.eps });
    this.dropout1 = new Dropout(s.p);
    this.dropout2 = new Dropout(s.p);
    this.normFirst = s.normFirst;
    this.activation = s.activation;
    this.config = { dModel, nhead, options: { ...s.o } };
  }

  /** linear2(dropout(activation(linear1(x)))), then `out` (the block's output dropout). */
  protected feedForward(x: Tensor, out: Dropout, made: Tensor[]): Tensor {
    const own = (t: Tensor): Tensor => (made.push(t), t);
    const hidden = own(this.dropout.forward(own(linear(x, this.linear1.weight, this.linear1.bias, this.activation))));
    return out.forward(own(this.linear2.forward(hidden)));
  }
}

/**
 * Self-attention and a feed-forward block, each with a residual connection and a LayerNorm, as
 * torch.nn.TransformerEncoderLayer: x = norm1(x + sa(x)), x = norm2(x + ff(x)); with normFirst,
 * x = x + sa(norm1(x)), x = x + ff(norm2(x)).
 */
export class TransformerEncoderLayer extends TransformerLayer {
  constructor(dModel: number, nhead: number, options?: TransformerEncoderLayerOptions) {
    super(dModel, nhead, options, 'TransformerEncoderLayer');
  }

  /** The layer's output for src; srcMask and srcKeyPaddingMask as MultiheadAttention's boolean masks. */
  forward(src: Tensor, srcMask?: Tensor, srcKeyPaddingMask?: Tensor): Tensor {
    checkTensor(src, 'TransformerEncoderLayer');
    const made: Tensor[] = [];
    return residuals(src, [
      [this.norm1, (x) => this.dropout1.forward(ownIn(made, this.self_attn.forward(x, x, x, srcKeyPaddingMask, srcMask)))],
      [this.norm2, (x) => this.feedForward(x, this.dropout2, made)],
    ], this.normFirst, made);
  }
}

/**
 * Self-attention, attention over the encoder's output (memory) and a feed-forward block, each with a
 * residual connection and a LayerNorm, as torch.nn.TransformerDecoderLayer.
 */
export class TransformerDecoderLayer extends TransformerLayer {
  /** The attention over memory. */
  multihead_attn: MultiheadAttention;
  /** The norm around the feed-forward block. */
  norm3: LayerNorm;
  /** Dropout on the feed-forward block's output. */
  dropout3: Dropout;

  constructor(dModel: number, nhead: number, options?: TransformerDecoderLayerOptions) {
    super(dModel, nhead, options, 'TransformerDecoderLayer');
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: this.self_attn.dropout, batchFirst: this.self_attn.batchFirst });
    this.norm3 = new LayerNorm(dModel, { eps: this.norm1.eps });
    this.dropout3 = new Dropout(this.dropout1.p);
    // torch's field order (its print and state dict).
    reorderFields(this, ['self_attn', 'multihead_attn', 'linear1', 'dropout', 'linear2', 'norm1', 'norm2', 'norm3', 'dropout1', 'dropout2', 'dropout3']);
  }

  /** The layer's output for tgt attending to memory; the masks as MultiheadAttention's boolean masks. */
  forward(tgt: Tensor, memory: Tensor, tgtMask?: Tensor, memoryMask?: Tensor, tgtKeyPaddingMask?: Tensor, memoryKeyPaddingMask?: Tensor): Tensor {
    checkTensor(tgt, 'TransformerDecoderLayer tgt');
    checkTensor(memory, 'TransformerDecoderLayer memory');
    const made: Tensor[] = [];
    return residuals(tgt, [
      [this.norm1, (x) => this.dropout1.forward(ownIn(made, this.self_attn.forward(x, x, x, tgtKeyPaddingMask, tgtMask)))],
      [this.norm2, (x) => this.dropout2.forward(ownIn(made, this.multihead_attn.forward(x, memory, memory, memoryKeyPaddingMask, memoryMask)))],
      [this.norm3, (x) => this.feedForward(x, this.dropout3, made)],
    ], this.normFirst, made);
  }
}

/** t, recorded among `made`. */
function ownIn(made: Tensor[], t: Tensor): Tensor {
  made.push(t);
  return t;
}

/** Moves `first` to the front of m's own fields, in that order (the order torch prints sub-modules in). */
function reorderFields(m: Module, first: string[]): void {
  const self = m as unknown as Record<string, unknown>;
  const rest = Object.keys(self).filter((k) => !first.includes(k));
  const values = Object.fromEntries(Object.keys(self).map((k) => [k, self[k]]));
  for (const k of Object.keys(self)) delete self[k];
  for (const k of [...first, ...rest]) self[k] = values[k];
}

/** Options of TransformerEncoder and TransformerDecoder. */
export interface TransformerEncoderOptions {
  /** A module applied to the last layer's output (torch's norm argument), e.g. a LayerNorm. */
  norm?: Module | null;
}

/** Options of TransformerDecoder: the encoder's. */
export type TransformerDecoderOptions = TransformerEncoderOptions;

/** n copies of `layer`, each a new layer of its constructor's arguments starting from its weights (torch's deep copies). */
function copiesOf<L extends TransformerEncoderLayer | TransformerDecoderLayer>(layer: L, n: number, what: string,
  make: (c: L['config']) => L): ModuleList {
  positiveInt(n, what, 'numLayers');
  const state = layer.stateDict();
  return new ModuleList(Array.from({ length: n }, () => {
    const copy = make(layer.config);
    copy.loadStateDict(state);
    return copy.train(layer.training);
  }));
}

/**
 * A stack of copies of one layer and an optional final norm, as torch's TransformerEncoder and
 * TransformerDecoder: each copy starts with the layer's weights, as torch's deep copies do.
 */
abstract class TransformerStack<L extends TransformerEncoderLayer | TransformerDecoderLayer> extends Module {
  /** The layers, copies of the layer given. */
  layers: ModuleList;
  /** Applied to the last layer's output, or null. */
  norm: Module | null;

  protected constructor(layer: L, numLayers: number, options: TransformerEncoderOptions | undefined, what: string,
    cls: new (dModel: number, nhead: number, options?: TransformerEncoderLayerOptions) => L) {
    super();
    if (!(layer instanceof cls)) throw new Error(`${what}: ${what === 'TransformerEncoder' ? 'encoderLayer' : 'decoderLayer'} must be a ${cls.name}, got ${shown(layer)}`);
    this.layers = copiesOf(layer, numLayers, what, (c) => new cls(c.dModel, c.nhead, c.options));
    const o = optionsOf(options, what, { norm: 'value' });
    this.norm = o.norm === undefined || o.norm === null ? null : checkModule(o.norm, `${what} norm`);
  }

  /** How many layers. */
  get numLayers(): number {
    return this.layers.length;
  }

  /** input through every layer (`step` calls one) and the norm; each intermediate let go after backward. */
  protected run(input: Tensor, step: (layer: L, x: Tensor) => Tensor): Tensor {
    let x = input;
    for (const layer of this.layers) {
      const next = step(layer as L, x);
      if (x !== input) letGoAfterBackward(x);
      x = next;
    }
    if (!this.norm) return x;
    const y = this.norm.forward(x);
    if (x !== input && y !== x) letGoAfterBackward(x);
    return y;
  }
}

/** numLayers copies of encoderLayer applied in turn (torch.nn.TransformerEncoder), then the optional norm. */
export class TransformerEncoder extends TransformerStack<TransformerEncoderLayer> {
  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, options?: TransformerEncoderOptions) {
    super(encoderLayer, numLayers, options, 'TransformerEncoder', TransformerEncoderLayer);
  }

  /** The encoder's output for src; mask and srcKeyPaddingMask as TransformerEncoderLayer's. */
  forward(src: Tensor, mask?: Tensor, srcKeyPaddingMask?: Tensor): Tensor {
    return this.run(src, (layer, x) => layer.forward(x, mask, srcKeyPaddingMask));
  }
}

/** numLayers copies of decoderLayer applied in turn (torch.nn.TransformerDecoder), then the optional norm. */
export class TransformerDecoder extends TransformerStack<TransformerDecoderLayer> {
  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, options?: TransformerDecoderOptions) {
    super(decoderLayer, numLayers, options, 'TransformerDecoder', TransformerDecoderLayer);
  }

  /** The decoder's output for tgt attending to memory; the masks as TransformerDecoderLayer's. */
  forward(tgt: Tensor, memory: Tensor, tgtMask?: Tensor, memoryMask?: Tensor, tgtKeyPaddingMask?: Tensor, memoryKeyPaddingMask?: Tensor): Tensor {
    return this.run(tgt, (layer, x) => layer.forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask));
  }
}

/** Options of Transformer (torch's keyword arguments). */
export interface TransformerOptions extends TransformerEncoderLayerOptions {
  /** The model's features (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
}

/**
 * An encoder-decoder Transformer, as torch.nn.Transformer: a TransformerEncoder and a
 * TransformerDecoder, each ending in a LayerNorm, every weight matrix initialised Xavier-uniform.
 */
export class Transformer extends Module {
  /** The encoder stack (with its final norm). */
  encoder: TransformerEncoder;
  /** The decoder stack (with its final norm). */
  decoder: TransformerDecoder;
  /** The model's features. */
  readonly dModel: number;
  /** Attention heads. */
  readonly nhead: number;
  /** Inputs [batch, seq, feature] rather than [seq, batch, feature]. */
  readonly batchFirst: boolean;

  constructor(options?: TransformerOptions) {
    super();
    const o = optionsOf(options, 'Transformer', {
      dModel: 'value', nhead: 'value', numEncoderLayers: 'value', numDecoderLayers: 'value',
      dimFeedforward: 'value', dropout: 'value', activation: 'value', layerNormEps: 'value', batchFirst: 'boolean', normFirst: 'boolean',
    });
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, ...layer } = o;
    const eps = layer.layerNormEps ?? 1e-5;
    this.encoder = new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layer), numEncoderLayers, { norm: new LayerNorm(dModel, { eps }) });
    this.decoder = new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layer), numDecoderLayers, { norm: new LayerNorm(dModel, { eps }) });
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = layer.batchFirst ?? false;
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform(p);
  }

  /** The decoder's output for tgt, attending to the encoder's output for src; the masks as the layers'. */
  forward(src: Tensor, tgt: Tensor, srcMask?: Tensor, tgtMask?: Tensor, memoryMask?: Tensor,
    srcKeyPaddingMask?: Tensor, tgtKeyPaddingMask?: Tensor, memoryKeyPaddingMask?: Tensor): Tensor {
    checkTensor(src, 'Transformer src');
    checkTensor(tgt, 'Transformer tgt');
    const batch = this.batchFirst ? 0 : 1;
    if (src.ndim === 3 && tgt.ndim === 3 && src.shape[batch] !== tgt.shape[batch]) {
      throw new Error(`Transformer: the batch sizes of src and tgt must be equal, got shapes [${src.shape.join(', ')}] and [${tgt.shape.join(', ')}]`);
    }
    const memory = this.encoder.forward(src, srcMask, srcKeyPaddingMask);
    const out = this.decoder.forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    letGoAfterBackward(memory);
    return out;
  }

  /**
   * A causal mask of sz positions, as torch's generate_square_subsequent_mask: -Infinity above the
   * diagonal, 0 elsewhere (its nonzero entries block, as a boolean mask; added, as a 'float' one).
   */
  static generateSquareSubsequentMask(sz: number): Tensor {
    if (!Number.isSafeInteger(sz) || sz < 0) throw new Error(`Transformer.generateSquareSubsequentMask: sz must be a non-negative integer, got ${shown(sz)}`);
    const all = full([sz, sz], -Infinity);
    const y = triu(all, 1);
    all.dispose();
    return y;
  }
}
