// nn.functional: torch.nn.functional's names in one place (`const F = nn.functional`). The losses as
// functions of (input, target, options), dropout, layerNorm, normalize, cosineSimilarity and
// pairwiseDistance; the activations, convolutions, poolings and the rest are the library's own ops,
// re-exported.
import { Tensor } from '../tensor';
import { checkTensor, composedOf } from '../ops/core';
import { add, div, mul, scalarOp } from '../ops/binary';
import { matmul } from '../ops/matmul';
import { softmax } from '../ops/softmax';
import { expand, transpose } from '../ops/shape';
import { eq, maskedFill, triu } from '../ops/more';
import { ones, zeros } from '../ops/creation';
import { Unary } from '../backend/backend';
import { sqrt } from '../ops/unary';
import { clamp } from '../ops/compare';
import { norm } from '../ops/cumulative';
import { sum } from '../ops/reduce';
import { broadcastShapes, normDim } from '../shape';
import { checkNonNegative, optionsOf, positiveInt, shown } from '../args';
import { dropped, checkDropProbability, AlphaDropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout } from './dropout';
import { Module } from './module';
import { layerNormOver, normalizedShapeOf } from './layernorm';
import { groupNormOver } from './groupnorm';
import { EMBEDDING_OPTIONS, embeddingRows, LookupOptions, lookupOf } from './embedding';
import { checkNormP } from '../ops/structure';
import {
  BCELoss, BCEOptions, BCEWithLogitsLoss, BCEWithLogitsOptions, ClassLossOptions, ClassTarget, CrossEntropyLoss, CrossEntropyOptions,
  HuberLoss, HuberOptions, KLDivLoss, KLDivOptions, L1Loss, LossOptions, MSELoss, NLLLoss, SmoothL1Loss, SmoothL1Options,
} from './loss';

export {
  relu, sigmoid, tanh, gelu, leakyRelu, elu, silu, softplus, hardtanh, relu6, hardsigmoid, hardswish, logsigmoid, mish, selu,
  softsign, tanhshrink, prelu, hardshrink, softshrink, threshold, celu, glu, softmin, softmax, logSoftmax, linear, conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, maxPool1d, maxPool2d, maxPool3d,
  maxPool1dWithIndices, maxPool2dWithIndices, maxPool3dWithIndices, maxUnpool1d, maxUnpool2d, maxUnpool3d, avgPool1d, avgPool2d, avgPool3d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d, adaptiveMaxPool1d, adaptiveMaxPool2d, adaptiveMaxPool3d, pad,
  interpolate, unfold, fold, oneHot, gridSample, affineGrid, pixelShuffle, pixelUnshuffle,
} from '../ops';
export { pairwiseDistance } from '../ops/structure';
export { pdist } from '../ops/structure_more';
export { adaptiveMaxPool1dWithIndices, adaptiveMaxPool2dWithIndices } from '../ops/adaptive';
export { adaptiveMaxPool3dWithIndices } from '../ops/max_pool3d';
export { upsample, upsampleNearest, upsampleBilinear } from './pad_resize';
export { fractionalMaxPool2d, fractionalMaxPool2dWithIndices, fractionalMaxPool3d, fractionalMaxPool3dWithIndices } from '../ops/fractional_pool';
export { batchNorm, instanceNorm, localResponseNorm } from './instancenorm';
export { bilinear, channelShuffle } from './bilinear';
export { lpPool1d, lpPool2d } from './lppool';
export { embeddingBag } from './embedding_bag';
export { rrelu, gumbelSoftmax } from './random_activation';
export type { GumbelSoftmaxOptions } from './random_activation';
export type { BatchNormFunctionOptions, InstanceNormFunctionOptions } from './instancenorm';
export type { PairwiseDistanceOptions } from '../ops/structure';
export { marginRankingLoss, hingeEmbeddingLoss, softMarginLoss, cosineEmbeddingLoss, tripletMarginLoss, poissonNllLoss, gaussianNllLoss } from './loss_extra';
export { multiMarginLoss, multilabelMarginLoss, multilabelSoftMarginLoss, tripletMarginWithDistanceLoss } from './loss_multi';
export { ctcLoss } from './ctc_loss';

/** torch.nn.functional.mse_loss: MSELoss's value (errors name MSELoss). */
export const mseLoss = (input: Tensor, target: Tensor, options?: LossOptions): Tensor => new MSELoss(options).forward(input, target);
/** torch.nn.functional.l1_loss: L1Loss's value. */
export const l1Loss = (input: Tensor, target: Tensor, options?: LossOptions): Tensor => new L1Loss(options).forward(input, target);
/** torch.nn.functional.smooth_l1_loss: SmoothL1Loss's value (`beta`). */
export const smoothL1Loss = (input: Tensor, target: Tensor, options?: SmoothL1Options): Tensor => new SmoothL1Loss(options).forward(input, target);
/** torch.nn.functional.huber_loss: HuberLoss's value (`delta`). */
export const huberLoss = (input: Tensor, target: Tensor, options?: HuberOptions): Tensor => new HuberLoss(options).forward(input, target);
/** torch.nn.functional.kl_div: KLDivLoss's value (input log-probabilities; `logTarget`, 'batchmean'). */
export const klDiv = (input: Tensor, target: Tensor, options?: KLDivOptions): Tensor => new KLDivLoss(options).forward(input, target);
/** torch.nn.functional.binary_cross_entropy: BCELoss's value (probabilities in; `weight`). */
export const binaryCrossEntropy = (input: Tensor, target: Tensor, options?: BCEOptions): Tensor => new BCELoss(options).forward(input, target);
/** torch.nn.functional.binary_cross_entropy_with_logits: BCEWithLogitsLoss's value (`weight`, `posWeight`). */
export const binaryCrossEntropyWithLogits = (input: Tensor, target: Tensor, options?: BCEWithLogitsOptions): Tensor =>
  new BCEWithLogitsLoss(options).forward(input, target);
/** torch.nn.functional.cross_entropy: CrossEntropyLoss's value (class indices or probabilities; `weight`, `ignoreIndex`, `labelSmoothing`). */
export const crossEntropy = (input: Tensor, target: ClassTarget, options?: CrossEntropyOptions): Tensor => new CrossEntropyLoss(options).forward(input, target);
/** torch.nn.functional.nll_loss: NLLLoss's value (input log-probabilities; `weight`, `ignoreIndex`). */
export const nllLoss = (input: Tensor, target: ClassTarget, options?: ClassLossOptions): Tensor => new NLLLoss(options).forward(input, target);

/**
 * torch.nn.functional.dropout: with `training` (default true) each element zeroed with probability p
 * (default 0.5) and the rest scaled by 1 / (1 - p), from the generator manualSeed seeds; else x.
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  checkTensor(x, 'dropout');
  checkDropProbability(p, 'dropout');
  if (typeof training !== 'boolean') throw new Error(`dropout: training must be true or false, got ${shown(training)}`);
  return !training || p === 0 ? x : dropped(x, p, x.shape);
}

/** A dropout module's forward as a function of (x, p, training), as torch.nn.functional's. */
function dropoutFunction(Layer: new (p: number) => Module, what: string): (x: Tensor, p?: number, training?: boolean) => Tensor {
  return (x, p = 0.5, training = true) => {
    if (typeof training !== 'boolean') throw new Error(`${what}: training must be true or false, got ${shown(training)}`);
    const layer = new Layer(p);
    if (!training) layer.eval();
    return layer.forward(x);
  };
}

/** torch.nn.functional.dropout1d: whole channels of [N, C, L] (or [C, L]), as nn.Dropout1d. */
export const dropout1d = dropoutFunction(Dropout1d, 'dropout1d');
/** torch.nn.functional.dropout2d: whole channels of [N, C, H, W] (or [N, C, L], as torch 1.13 reads it), as nn.Dropout2d. */
export const dropout2d = dropoutFunction(Dropout2d, 'dropout2d');
/** torch.nn.functional.dropout3d: whole channels of [N, C, D, H, W] (or [C, D, H, W]), as nn.Dropout3d. */
export const dropout3d = dropoutFunction(Dropout3d, 'dropout3d');
/** torch.nn.functional.alpha_dropout: as nn.AlphaDropout. */
export const alphaDropout = dropoutFunction(AlphaDropout, 'alphaDropout');
/** torch.nn.functional.feature_alpha_dropout: as nn.FeatureAlphaDropout. */
export const featureAlphaDropout = dropoutFunction(FeatureAlphaDropout, 'featureAlphaDropout');

/** Options of layerNorm. */
export interface LayerNormFunctionOptions {
  /** Scale of normalizedShape (default none). */
  weight?: Tensor | null;
  /** Shift of normalizedShape (default none). */
  bias?: Tensor | null;
  /** Added to the variance before its square root (default 1e-5). */
  eps?: number;
}

/** torch.nn.functional.layer_norm: x normalized over its trailing dims normalizedShape, then weight x + bias. */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], options?: LayerNormFunctionOptions): Tensor {
  const o = optionsOf(options, 'layerNorm', { weight: 'value', bias: 'value', eps: 'value' });
  const shape = normalizedShapeOf(normalizedShape, 'layerNorm');
  const eps = checkNonNegative(o.eps ?? 1e-5, 'layerNorm', 'eps');
  for (const [name, t] of [['weight', o.weight], ['bias', o.bias]] as const) {
    if (t === undefined || t === null) continue;
    checkTensor(t, `layerNorm ${name}`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`layerNorm: ${name} has shape [${t.shape.join(', ')}], normalizedShape is [${shape.join(', ')}]`);
    }
  }
  return layerNormOver(x, shape, o.weight ?? null, o.bias ?? null, eps, 'layerNorm');
}

/**
 * torch.nn.functional.embedding: the rows of weight [numEmbeddings, embeddingDim] at `indices`
 * (integers, any shape); paddingIdx's row gets no gradient; maxNorm renormalizes the rows read in
 * place first, scaleGradByFreq divides each row's gradient by its reads.
 */
export function embedding(indices: Tensor, weight: Tensor, options?: { paddingIdx?: number | null } & LookupOptions): Tensor {
  const o = optionsOf(options, 'embedding', EMBEDDING_OPTIONS);
  const lookup = lookupOf(o, 'embedding');
  checkTensor(weight, 'embedding weight');
  const n = weight.shape[0] ?? 0;
  const pad = o.paddingIdx ?? null;
  if (pad !== null && (!Number.isInteger(pad) || pad < -n || pad >= n)) throw new Error(`embedding: paddingIdx must be an integer within [${-n}, ${n}), got ${shown(pad)}`);
  return embeddingRows(indices, weight, pad === null ? null : pad < 0 ? pad + n : pad, 'embedding', lookup);
}

/** Options of groupNorm. */
export interface GroupNormFunctionOptions {
  /** Per-channel scale [C] (default none). */
  weight?: Tensor | null;
  /** Per-channel shift [C] (default none). */
  bias?: Tensor | null;
  /** Added to the variance before its square root (default 1e-5). */
  eps?: number;
}

/** torch.nn.functional.group_norm: x [N, C, ...] normalized over each of numGroups groups of channels, then weight x + bias per channel. */
export function groupNorm(x: Tensor, numGroups: number, options?: GroupNormFunctionOptions): Tensor {
  const o = optionsOf(options, 'groupNorm', { weight: 'value', bias: 'value', eps: 'value' });
  positiveInt(numGroups, 'groupNorm', 'numGroups');
  for (const [name, t] of [['weight', o.weight], ['bias', o.bias]] as const) if (t !== undefined && t !== null) checkTensor(t, `groupNorm ${name}`);
  return groupNormOver(x, numGroups, o.weight ?? null, o.bias ?? null, checkNonNegative(o.eps ?? 1e-5, 'groupNorm', 'eps'), 'groupNorm');
}

/** Options of scaledDotProductAttention (torch 2's keyword arguments). */
export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcast against [..., L, S]: with maskKind 'bool' (default) a nonzero element lets that query
   * see that key and a zero blocks it, as torch's boolean attn_mask here (MultiheadAttention's masks
   * block where nonzero, as torch's there); with 'float' it is added to the scores.
   */
  attnMask?: Tensor | null;
  /** How attnMask is read (default 'bool'). */
  maskKind?: 'bool' | 'float';
  /** Dropout on the attention weights, always applied when above 0 (default 0), as torch's. */
  dropoutP?: number;
  /** Each query sees the keys at and before its own position (default false; not with attnMask). */
  isCausal?: boolean;
  /** The scores' factor (default 1 / sqrt(E)). */
  scale?: number;
}

/**
 * torch.nn.functional.scaled_dot_product_attention (torch 2's reference formula): softmax(q k^T
 * scale + bias) v for query [..., L, E], key [..., S, E] and value [..., S, Ev], batch dims broadcast;
 * the bias -Infinity where a mask or causality blocks.
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options?: ScaledDotProductAttentionOptions): Tensor {
  const what = 'scaledDotProductAttention';
  const o = optionsOf(options, what, { attnMask: 'value', maskKind: 'value', dropoutP: 'value', isCausal: 'boolean', scale: 'value' });
  for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
    checkTensor(t, `${what} ${name}`);
    if (t.ndim < 2) throw new Error(`${what}: ${name} must have at least 2 dims, got shape [${t.shape.join(', ')}]`);
  }
  const [l, e] = query.shape.slice(-2), s = key.shape[key.ndim - 2];
  if (key.shape[key.ndim - 1] !== e || value.shape[value.ndim - 2] !== s) {
    throw new Error(`${what}: query [..., L, E], key [..., S, E] and value [..., S, Ev] disagree: shapes [${query.shape.join(', ')}], [${key.shape.join(', ')}] and [${value.shape.join(', ')}]`);
  }
  const kind = o.maskKind ?? 'bool';
  if (kind !== 'bool' && kind !== 'float') throw new Error(`${what}: maskKind must be 'bool' or 'float', got ${shown(kind)}`);
  if (o.isCausal && o.attnMask) throw new Error(`${what}: isCausal and attnMask are exclusive (torch's rule)`);
  const p = checkDropProbability(o.dropoutP ?? 0, what);
  const scale = o.scale ?? 1 / Math.sqrt(e);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new Error(`${what}: scale must be a finite number, got ${shown(scale)}`);
  const mask = o.attnMask ?? null;
  if (mask) checkTensor(mask, `${what} attnMask`);
  return composedOf((own) => {
    let scores = own(mul(own(matmul(query, own(transpose(key, -2, -1)))), scale));
    let bias: Tensor | null = null;
    if (o.isCausal) bias = own(maskedFill(own(zeros([l, s])), own(triu(own(ones([l, s])), 1)), -Infinity));
    else if (mask) bias = kind === 'float' ? mask : own(maskedFill(own(zeros([...mask.shape])), own(eq(mask, 0)), -Infinity));
    if (bias) scores = own(add(scores, bias));
    let weights = own(softmax(scores, -1));
    if (p > 0) weights = own(dropout(weights, p));
    return matmul(weights, value);
  }, mask ? [mask] : []);
}


/** Options of normalize. */
export interface NormalizeOptions {
  /** The norm (1, 2 or Infinity; default 2). */
  p?: number;
  /** The dim normalized along (default 1). */
  dim?: number;
  /** The smallest divisor (default 1e-12). */
  eps?: number;
}

/** torch.nn.functional.normalize: x / max(||x||_p along dim, eps). */
export function normalize(x: Tensor, options?: NormalizeOptions): Tensor {
  checkTensor(x, 'normalize');
  const o = optionsOf(options, 'normalize', { p: 'value', dim: 'value', eps: 'value' });
  const p = checkNormP(o.p ?? 2, 'normalize');
  const dim = normDim(o.dim ?? 1, x.ndim, 'normalize');
  const eps = checkNonNegative(o.eps ?? 1e-12, 'normalize', 'eps');
  // div broadcasts the norms (expanded first, they were one more array of x's size).
  return div(x, clamp(norm(x, p, dim, true), eps));
}

/** Options of cosineSimilarity. */
export interface CosineSimilarityOptions {
  /** The dim the vectors lie along, in the broadcast shape (default 1). */
  dim?: number;
  /** The smallest norm each vector is divided by (default 1e-8). */
  eps?: number;
}

/**
 * torch.nn.functional.cosine_similarity (1.13's): sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps))
 * along dim, after broadcasting the two; that dim is removed. As torch's, each squared norm is
 * clamped at eps^2 in place, outside the graph: where a norm is under eps its gradient still flows
 * through it as though unclamped (torch's bits: x / sqrt(clamped sum of squares), then the products' sum).
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, options?: CosineSimilarityOptions): Tensor {
  checkTensor(x1, 'cosineSimilarity x1');
  checkTensor(x2, 'cosineSimilarity x2');
  const o = optionsOf(options, 'cosineSimilarity', { dim: 'value', eps: 'value' });
  const shape = broadcastShapes(x1.shape, x2.shape, 'cosineSimilarity');
  const dim = normDim(o.dim ?? 1, shape.length, 'cosineSimilarity');
  const eps = checkNonNegative(o.eps ?? 1e-8, 'cosineSimilarity', 'eps');
  const unit = (x: Tensor): Tensor => {
    const b = expand(x, shape);
    const squares = scalarOp(sum(mul(b, b), dim, true), Unary.clampMin, eps * eps, 'cosineSimilarity', true);
    return div(b, sqrt(squares));
  };
  return sum(mul(unit(x1), unit(x2)), dim);
}

