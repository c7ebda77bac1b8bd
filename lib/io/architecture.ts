// A model's architecture as JSON, so that load() can rebuild it from a checkpoint's metadata.
import { Module } from '../nn/module';
import { Parameter } from '../nn/parameter';
import { fmt, sameShape } from '../shape';
import { shown } from '../args';
import { Linear } from '../nn/linear';
import { Sequential } from '../nn/sequential';
import { BatchNorm1d, BatchNorm2d } from '../nn/batchnorm';
import { AvgPool2d, Conv2d, MaxPool2d, PaddingMode } from '../nn/conv';
import { AvgPool1d, Conv1d, ConvTranspose1d, ConvTranspose2d, MaxPool1d } from '../nn/conv_more';
import { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d } from '../nn/adaptive';
import { Fold, Unfold } from '../nn/fold';
import { GRU, LSTM, RNN } from '../nn/rnn';
import type { Size2 } from '../ops/conv';
import { AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout } from '../nn/dropout';
import { PAD_LAYERS, PadLayer, PadLayerName, PixelShuffle, PixelUnshuffle, Upsample, UpsamplingBilinear2d, UpsamplingNearest2d } from '../nn/pad_resize';
import type { InterpolateMode } from '../ops/interpolate';
import { LayerNorm } from '../nn/layernorm';
import { Embedding } from '../nn/embedding';
import {
  ELU, Flatten, GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh,
} from '../nn/activation';

/** A JSON description of a module. */
export type LayerSpec =
  | { type: 'Sequential'; layers: LayerSpec[] }
  | { type: 'Linear'; inFeatures: number; outFeatures: number; bias: boolean }
  | { type: 'BatchNorm1d' | 'BatchNorm2d'; numFeatures: number; eps: number; momentum: number | null; affine: boolean; trackRunningStats?: boolean }
  | { type: 'Conv2d'; inChannels: number; outChannels: number; kernelSize: [number, number]; stride: [number, number];
      padding: [number, number] | 'same' | 'valid'; dilation: [number, number]; groups: number; bias: boolean; paddingMode?: PaddingMode }
  | { type: 'Conv1d'; inChannels: number; outChannels: number; kernelSize: number; stride: number; padding: number | 'same' | 'valid';
      dilation: number; groups: number; bias: boolean; paddingMode?: PaddingMode }
  | { type: 'ConvTranspose2d'; inChannels: number; outChannels: number; kernelSize: [number, number]; stride: [number, number];
      padding: [number, number]; outputPadding: [number, number]; dilation: [number, number]; groups: number; bias: boolean }
  | { type: 'ConvTranspose1d'; inChannels: number; outChannels: number; kernelSize: number; stride: number; padding: number; outputPadding: number;
      dilation: number; groups: number; bias: boolean }
  | { type: 'MaxPool1d'; kernelSize: number; stride: number; padding: number; dilation: number; ceilMode: boolean }
  | { type: 'AvgPool1d'; kernelSize: number; stride: number; padding: number; ceilMode: boolean; countIncludePad: boolean }
  | { type: 'AdaptiveAvgPool2d' | 'AdaptiveMaxPool2d'; outputSize: number | null | [number | null, number | null] }
  | { type: 'AdaptiveAvgPool1d' | 'AdaptiveMaxPool1d'; outputSize: number }
  | { type: 'Unfold'; kernelSize: Size2; dilation: Size2; padding: Size2; stride: Size2 }
  | { type: 'RNN' | 'LSTM' | 'GRU'; inputSize: number; hiddenSize: number; numLayers: number; bias: boolean; batchFirst: boolean; dropout: number;
      bidirectional: boolean; nonlinearity?: 'tanh' | 'relu' }
  | { type: 'Fold'; outputSize: Size2; kernelSize: Size2; dilation: Size2; padding: Size2; stride: Size2 }
  | { type: 'MaxPool2d'; kernelSize: Size2; stride: Size2; padding: Size2; dilation: Size2; ceilMode: boolean }
  | { type: 'AvgPool2d'; kernelSize: Size2; stride: Size2; padding: Size2; ceilMode: boolean; countIncludePad: boolean; divisorOverride: number | null }
  | { type: 'LayerNorm'; normalizedShape: number[]; eps: number; elementwiseAffine: boolean }
  | { type: 'Embedding'; numEmbeddings: number; embeddingDim: number; paddingIdx: number | null }
  | { type: 'Dropout' | 'Dropout1d' | 'Dropout2d' | 'Dropout3d' | 'AlphaDropout' | 'FeatureAlphaDropout'; p: number }
  /** A padding layer (value: the constant of the ConstantPadNd layers). */
  | { type: PadLayerName; padding: number[]; value?: number }
  | { type: 'Upsample' | 'UpsamplingNearest2d' | 'UpsamplingBilinear2d'; size: number | number[] | null; scaleFactor: number | number[] | null;
      mode?: InterpolateMode; alignCorners?: boolean }
  | { type: 'LeakyReLU'; negativeSlope: number }
  | { type: 'ELU'; alpha: number }
  | { type: 'Softplus'; beta: number; threshold: number }
  | { type: 'Softmax' | 'LogSoftmax'; dim: number }
  | { type: 'Flatten'; startDim: number; endDim: number }
  | { type: 'PixelShuffle'; upscaleFactor: number }
  | { type: 'PixelUnshuffle'; downscaleFactor: number }
  | { type: 'ReLU' | 'Sigmoid' | 'Tanh' | 'GELU' | 'SiLU' | 'Identity' }
  /** A module with parameters used again: the same object as the one at state-dict prefix `as`. */
  | { type: 'Same'; as: string };

/**
 * The spec of `m`. A module with parameters or buffers that appears twice is described once and
 * then referred to by where it first appeared, so that load() ties it again (two copies would load
 * the same numbers but train apart).
 */
export function describe(m: Module, path = '', seen = new Map<Module, string>(), enclosing = new Set<Module>()): LayerSpec {
  // A layer that holds a Sequential enclosing it (m.me = m) has no tree to write, nor one to load.
  if (enclosing.has(m)) throw new Error(`save: the ${m.constructor.name} at '${path}' is one that encloses it (a model that contains itself cannot be saved as layers)`);
  const first = seen.get(m);
  if (first !== undefined) return { type: 'Same', as: first };
  if (m.parameters().length || m.namedBuffers().length) seen.set(m, path);
  if (m instanceof Sequential) {
    enclosing.add(m);
    const layers = m.layers.map((l, i) => describe(l, path ? `${path}.${i}` : String(i), seen, enclosing));
    enclosing.delete(m);
    return { type: 'Sequential', layers };
  }
  if (m instanceof Linear) return { type: 'Linear', inFeatures: m.inFeatures, outFeatures: m.outFeatures, bias: m.bias !== null };
  if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) {
    const { numFeatures, eps, momentum, trackRunningStats } = m;
    return { type: m instanceof BatchNorm1d ? 'BatchNorm1d' : 'BatchNorm2d', numFeatures, eps, momentum, affine: m.weight !== null, trackRunningStats };
  }
  if (m instanceof Conv2d) {
    const { inChannels, outChannels, kernelSize, stride, padding, dilation, groups, paddingMode } = m;
    return { type: 'Conv2d', inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias: m.bias !== null, paddingMode };
  }
  if (m instanceof Conv1d) {
    const { inChannels, outChannels, kernelSize, stride, padding, dilation, groups, paddingMode } = m;
    return { type: 'Conv1d', inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias: m.bias !== null, paddingMode };
  }
  if (m instanceof ConvTranspose1d) {
    const { inChannels, outChannels, kernelSize, stride, padding, outputPadding, dilation, groups } = m;
    return { type: 'ConvTranspose1d', inChannels, outChannels, kernelSize, stride, padding, outputPadding, dilation, groups, bias: m.bias !== null };
  }
  if (m instanceof ConvTranspose2d) {
    const { inChannels, outChannels, kernelSize, stride, padding, outputPadding, dilation, groups } = m;
    return { type: 'ConvTranspose2d', inChannels, outChannels, kernelSize, stride, padding, outputPadding, dilation, groups, bias: m.bias !== null };
  }
  if (m instanceof MaxPool1d) return { type: 'MaxPool1d', kernelSize: m.kernelSize, ...m.options };
  if (m instanceof AvgPool1d) return { type: 'AvgPool1d', kernelSize: m.kernelSize, ...m.options };
  if (m instanceof AdaptiveAvgPool2d || m instanceof AdaptiveMaxPool2d) {
    const o = m.outputSize;
    return { type: m instanceof AdaptiveAvgPool2d ? 'AdaptiveAvgPool2d' : 'AdaptiveMaxPool2d', outputSize: Array.isArray(o) ? [o[0], o[1]] : (o as number | null) };
  }
  if (m instanceof AdaptiveAvgPool1d) return { type: 'AdaptiveAvgPool1d', outputSize: m.outputSize };
  if (m instanceof RNN || m instanceof LSTM || m instanceof GRU) {
    const { inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional } = m;
    const type = m instanceof RNN ? 'RNN' : m instanceof LSTM ? 'LSTM' : 'GRU';
    return { type, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, ...(m instanceof RNN ? { nonlinearity: m.nonlinearity } : {}) };
  }
  if (m instanceof Unfold) return { type: 'Unfold', kernelSize: m.kernelSize, ...m.options };
  if (m instanceof Fold) return { type: 'Fold', outputSize: m.outputSize, kernelSize: m.kernelSize, ...m.options };
  if (m instanceof AdaptiveMaxPool1d) return { type: 'AdaptiveMaxPool1d', outputSize: m.outputSize };
  if (m instanceof MaxPool2d) return { type: 'MaxPool2d', kernelSize: m.kernelSize, ...m.options };
  if (m instanceof AvgPool2d) {
    const o = m.options;
    return { type: 'AvgPool2d', kernelSize: m.kernelSize, stride: o.stride, padding: o.padding, ceilMode: o.ceilMode ?? false,
      countIncludePad: o.countIncludePad ?? true, divisorOverride: o.divisorOverride ?? null };
  }
  if (m instanceof LayerNorm) return { type: 'LayerNorm', normalizedShape: [...m.normalizedShape], eps: m.eps, elementwiseAffine: m.weight !== null };
  if (m instanceof Embedding) return { type: 'Embedding', numEmbeddings: m.numEmbeddings, embeddingDim: m.embeddingDim, paddingIdx: m.paddingIdx };
  if (m instanceof Dropout) return { type: 'Dropout', p: m.p };
  if (m instanceof Dropout2d) return { type: 'Dropout2d', p: m.p };
  if (m instanceof Dropout1d) return { type: 'Dropout1d', p: m.p };
  if (m instanceof Dropout3d) return { type: 'Dropout3d', p: m.p };
  if (m instanceof AlphaDropout) return { type: 'AlphaDropout', p: m.p };
  if (m instanceof FeatureAlphaDropout) return { type: 'FeatureAlphaDropout', p: m.p };
  if (m instanceof PadLayer) {
    const [, type] = PAD_LAYERS.find(([C]) => m instanceof C) as (typeof PAD_LAYERS)[number];
    return m.mode === 'constant' && type !== 'ZeroPad2d' ? { type, padding: [...m.padding], value: m.value } : { type, padding: [...m.padding] };
  }
  if (m instanceof Upsample) {
    const { size, scaleFactor } = m.options;
    const plain = (v: number | readonly number[] | undefined) => (v === undefined ? null : typeof v === 'number' ? v : [...v]);
    const type = m instanceof UpsamplingNearest2d ? 'UpsamplingNearest2d' : m instanceof UpsamplingBilinear2d ? 'UpsamplingBilinear2d' : 'Upsample';
    if (type !== 'Upsample') return { type, size: plain(size), scaleFactor: plain(scaleFactor) };
    return { type, size: plain(size), scaleFactor: plain(scaleFactor), mode: m.options.mode, alignCorners: m.options.alignCorners };
  }
  if (m instanceof LeakyReLU) return { type: 'LeakyReLU', negativeSlope: m.negativeSlope };
  if (m instanceof ELU) return { type: 'ELU', alpha: m.alpha };
  if (m instanceof Softplus) return { type: 'Softplus', beta: m.beta, threshold: m.threshold };
  if (m instanceof Softmax) return { type: 'Softmax', dim: m.dim };
  if (m instanceof LogSoftmax) return { type: 'LogSoftmax', dim: m.dim };
  if (m instanceof Flatten) return { type: 'Flatten', startDim: m.startDim, endDim: m.endDim };
  if (m instanceof PixelShuffle) return { type: 'PixelShuffle', upscaleFactor: m.upscaleFactor };
  if (m instanceof PixelUnshuffle) return { type: 'PixelUnshuffle', downscaleFactor: m.downscaleFactor };
  for (const [C, type] of [[ReLU, 'ReLU'], [Sigmoid, 'Sigmoid'], [Tanh, 'Tanh'], [GELU, 'GELU'], [SiLU, 'SiLU'], [Identity, 'Identity']] as const) {
    if (m instanceof C) return { type };
  }
  throw new Error(`save: cannot describe a module of class ${m.constructor.name}; save its stateDict with writeSafetensors instead`);
}

/** Rebuilds the module that `spec` describes (describe's inverse, ties included). */
export function build(spec: LayerSpec, path = '', built = new Map<string, Module>()): Module {
  let m: Module;
  try {
    m = buildOne(spec, path, built);
  } catch (e) {
    // A layer's own constructor refusing a damaged field ("Linear: inFeatures must be ..."): say
    // that it came from the file, and which layer.
    if (e instanceof Error && !e.message.startsWith('load: ')) throw new Error(`load: the checkpoint's architecture at '${path}': ${e.message}`);
    throw e;
  }
  if (spec.type !== 'Same') built.set(path, m);
  return m;
}

function buildOne(spec: LayerSpec, path: string, built: Map<string, Module>): Module {
  // The spec comes from a file: a damaged one must fail here, naming the layer, not inside a
  // constructor reading a field that is not there.
  const where = `the checkpoint's architecture at '${path}'`;
  if (spec === null || typeof spec !== 'object' || typeof (spec as { type?: unknown }).type !== 'string') throw new Error(`load: ${where} is not a layer description: ${shown(spec)}`);
  if (spec.type === 'Sequential' && !Array.isArray(spec.layers)) throw new Error(`load: ${where} is a Sequential without a list of layers`);
  if (spec.type === 'Same' && typeof spec.as !== 'string') throw new Error(`load: ${where} refers to a layer without naming it`);
  switch (spec.type) {
    case 'Same': {
      const m = built.get(spec.as);
      if (!m) throw new Error(`load: the checkpoint's architecture refers to a layer at '${spec.as}' before describing one there`);
      return m;
    }
    case 'Sequential': return new Sequential(...spec.layers.map((l, i) => build(l, path ? `${path}.${i}` : String(i), built)));
    case 'Linear': return new Linear(spec.inFeatures, spec.outFeatures, { bias: spec.bias });
    case 'BatchNorm1d': case 'BatchNorm2d': { // (checkpoints written before trackRunningStats was saved all kept running statistics)
      const options = { eps: spec.eps, momentum: spec.momentum, affine: spec.affine, trackRunningStats: spec.trackRunningStats ?? true };
      return spec.type === 'BatchNorm1d' ? new BatchNorm1d(spec.numFeatures, options) : new BatchNorm2d(spec.numFeatures, options);
    }
    case 'Conv2d': {
      const { type, inChannels, outChannels, kernelSize, ...options } = spec; // the rest are the layer's options
      return new Conv2d(inChannels, outChannels, kernelSize, options);
    }
    case 'Conv1d': {
      const { type, inChannels, outChannels, kernelSize, ...options } = spec; // the rest are the layer's options
      return new Conv1d(inChannels, outChannels, kernelSize, options);
    }
    case 'ConvTranspose1d': {
      const { type, inChannels, outChannels, kernelSize, ...options } = spec; // the rest are the layer's options
      return new ConvTranspose1d(inChannels, outChannels, kernelSize, options);
    }
    case 'ConvTranspose2d': {
      const { type, inChannels, outChannels, kernelSize, ...options } = spec; // the rest are the layer's options
      return new ConvTranspose2d(inChannels, outChannels, kernelSize, options);
    }
    case 'MaxPool1d': {
      const { stride, padding, dilation, ceilMode } = spec;
      return new MaxPool1d(spec.kernelSize, { stride, padding, dilation, ceilMode });
    }
    case 'AvgPool1d': {
      const { stride, padding, ceilMode, countIncludePad } = spec;
      return new AvgPool1d(spec.kernelSize, { stride, padding, ceilMode, countIncludePad });
    }
    case 'AdaptiveAvgPool2d': return new AdaptiveAvgPool2d(spec.outputSize);
    case 'AdaptiveMaxPool2d': return new AdaptiveMaxPool2d(spec.outputSize);
    case 'AdaptiveAvgPool1d': return new AdaptiveAvgPool1d(spec.outputSize);
    case 'AdaptiveMaxPool1d': return new AdaptiveMaxPool1d(spec.outputSize);
    case 'RNN': case 'LSTM': case 'GRU': {
      const { numLayers, bias, batchFirst, dropout, bidirectional } = spec;
      const options = { numLayers, bias, batchFirst, dropout, bidirectional };
      if (spec.type === 'RNN') return new RNN(spec.inputSize, spec.hiddenSize, { ...options, nonlinearity: spec.nonlinearity });
      return spec.type === 'LSTM' ? new LSTM(spec.inputSize, spec.hiddenSize, options) : new GRU(spec.inputSize, spec.hiddenSize, options);
    }
    case 'Unfold': return new Unfold(spec.kernelSize, { dilation: spec.dilation, padding: spec.padding, stride: spec.stride });
    case 'Fold': return new Fold(spec.outputSize, spec.kernelSize, { dilation: spec.dilation, padding: spec.padding, stride: spec.stride });
    case 'MaxPool2d': {
      const { stride, padding, dilation, ceilMode } = spec;
      return new MaxPool2d(spec.kernelSize, { stride, padding, dilation, ceilMode });
    }
    case 'AvgPool2d': {
      const { stride, padding, ceilMode, countIncludePad, divisorOverride } = spec;
      return new AvgPool2d(spec.kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride: divisorOverride ?? undefined });
    }
    case 'LayerNorm': return new LayerNorm(spec.normalizedShape, { eps: spec.eps, elementwiseAffine: spec.elementwiseAffine });
    case 'Embedding': return new Embedding(spec.numEmbeddings, spec.embeddingDim, { paddingIdx: spec.paddingIdx });
    case 'Dropout': return new Dropout(spec.p);
    case 'Dropout2d': return new Dropout2d(spec.p);
    case 'Dropout1d': return new Dropout1d(spec.p);
    case 'Dropout3d': return new Dropout3d(spec.p);
    case 'AlphaDropout': return new AlphaDropout(spec.p);
    case 'FeatureAlphaDropout': return new FeatureAlphaDropout(spec.p);
    case 'ZeroPad2d': case 'ReflectionPad1d': case 'ReflectionPad2d': case 'ReflectionPad3d':
    case 'ReplicationPad1d': case 'ReplicationPad2d': case 'ReplicationPad3d': case 'ConstantPad1d': case 'ConstantPad2d': case 'ConstantPad3d': {
      const [C] = PAD_LAYERS.find(([, name]) => name === spec.type) as (typeof PAD_LAYERS)[number];
      // Each class takes the padding its dimensions need; a damaged one fails in its constructor.
      return new (C as unknown as new (padding: number[], value?: number) => Module)(spec.padding, spec.value as number);
    }
    case 'Upsample': return new Upsample({ size: spec.size ?? undefined, scaleFactor: spec.scaleFactor ?? undefined, mode: spec.mode, alignCorners: spec.alignCorners });
    case 'UpsamplingNearest2d': return new UpsamplingNearest2d({ size: spec.size ?? undefined, scaleFactor: spec.scaleFactor ?? undefined });
    case 'UpsamplingBilinear2d': return new UpsamplingBilinear2d({ size: spec.size ?? undefined, scaleFactor: spec.scaleFactor ?? undefined });
    case 'LeakyReLU': return new LeakyReLU(spec.negativeSlope);
    case 'ELU': return new ELU(spec.alpha);
    case 'Softmax': return new Softmax(spec.dim);
    case 'LogSoftmax': return new LogSoftmax(spec.dim);
    case 'Flatten': return new Flatten(spec.startDim, spec.endDim);
    case 'PixelShuffle': return new PixelShuffle(spec.upscaleFactor);
    case 'PixelUnshuffle': return new PixelUnshuffle(spec.downscaleFactor);
    case 'ReLU': return new ReLU();
    case 'Sigmoid': return new Sigmoid();
    case 'Tanh': return new Tanh();
    case 'GELU': return new GELU();
    case 'SiLU': return new SiLU();
    case 'Softplus': return new Softplus(spec.beta, spec.threshold);
    case 'Identity': return new Identity();
    default: throw new Error(`load: unknown layer type '${(spec as { type: string }).type}' in the checkpoint's architecture`);
  }
}

/**
 * Parameters shared by two different modules (weight tying: `b.weight = a.weight`), as pairs of
 * state-dict names [tied, first]. A module used twice is described by 'Same' and not listed here.
 * Without them load() would give each module a parameter of its own, which would load the same
 * numbers and then train apart.
 */
export function parameterTies(m: Module): Array<[string, string]> {
  const ties: Array<[string, string]> = [];
  // Each parameter's first name and the fields that hold it; a field met again is a module used twice.
  const seen = new Map<Parameter, { name: string; holders: Array<[Module, string]> }>();
  for (const [name, owner, field] of allParameterSlots(m)) {
    const p = (owner as unknown as Record<string, Parameter>)[field];
    const s = seen.get(p);
    if (!s) seen.set(p, { name, holders: [[owner, field]] });
    else if (!s.holders.some(([o, f]) => o === owner && f === field)) {
      ties.push([name, s.name]);
      s.holders.push([owner, field]);
    }
  }
  return ties;
}

/** Applies parameterTies' pairs to a rebuilt model: the module holding `tied` gets `first`'s parameter. */
export function applyParameterTies(m: Module, ties: Array<[string, string]>): void {
  const params = new Map(allParameterSlots(m).map(([name, owner, field]) => [name, { owner, field }]));
  for (const [tied, first] of ties) {
    const dst = params.get(tied), src = params.get(first);
    if (!dst || !src) throw new Error(`load: the checkpoint ties parameter '${tied}' to '${first}', but the architecture has no parameter '${!dst ? tied : first}'`);
    const p = (src.owner as unknown as Record<string, Parameter>)[src.field];
    const q = (dst.owner as unknown as Record<string, Parameter>)[dst.field];
    if (!sameShape(p.shape, q.shape)) throw new Error(`load: the checkpoint ties parameter '${tied}' ${fmt(q.shape)} to '${first}' ${fmt(p.shape)}: the shapes differ`);
    (dst.owner as unknown as Record<string, Parameter>)[dst.field] = p;
  }
}

// Every parameter field by its state-dict name, with the module and field that hold it.
function allParameterSlots(m: Module): Array<[string, Module, string]> {
  const out: Array<[string, Module, string]> = [];
  m.walkFields('', (name, v, owner, key) => { if (v instanceof Parameter) out.push([name, owner, key]); });
  return out;
}
