// Conv1d, ConvTranspose1d/2d, MaxPool1d and AvgPool1d, as torch.nn's: the layers hold
// their sizes and parameters; ops/conv_more.ts computes.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { AvgPool1dOptions, avgPool1d, conv1d, Conv1dOptions, convTranspose1d, ConvTranspose1dOptions, convTranspose2d, ConvTranspose2dOptions, MaxPool1dOptions, maxPool1d } from '../ops/conv_more';
import { pair, Size2 } from '../ops/conv';
import { maxUnpool1d, MaxUnpool1dOptions } from '../ops/unpool';
import { Module } from './module';
import { MaxUnpoolBase } from './max_unpool';
import { Parameter } from './parameter';
import { convParameters, convRepr, modePads, PaddingMode, paddingModeOf, pyTuple } from './conv';
import { pad } from '../ops/pad_resize';
import { pyBool } from '../format';
import { optionsOf, positiveInt, shown } from '../args';

/** Options of nn.Conv1d: conv1d's, whether to learn a bias, and how to fill the padding. */
export interface Conv1dLayerOptions extends Conv1dOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** Fill the padding with zeros (default), or the input reflected, replicated or wrapped around (see pad). */
  paddingMode?: PaddingMode;
}

/** Options of nn.ConvTranspose1d: convTranspose1d's, and whether to learn a bias. */
export interface ConvTranspose1dLayerOptions extends ConvTranspose1dOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
}

/** Options of nn.ConvTranspose2d: convTranspose2d's, and whether to learn a bias. */
export interface ConvTranspose2dLayerOptions extends ConvTranspose2dOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
}

/** One integer of at least `min`, or an error naming `arg`. */
function atLeast(v: number, what: string, arg: string, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new Error(`${what}: ${arg} must be an integer of at least ${min}, got ${shown(v)}`);
  return v;
}

/** An error naming `what` unless both channel counts divide into `groups`. */
export function divisible(what: string, inChannels: number, outChannels: number, groups: number): void {
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new Error(`${what}: inChannels (${inChannels}) and outChannels (${outChannels}) must both be divisible by groups (${groups})`);
  }
}

/**
 * 1-D convolution as torch.nn.Conv1d: weight [out, in / groups, k] and bias [out], initialised as
 * torch's. Inputs [N, in, L] (or [in, L]) give [N, out, lo]; see conv1d.
 */
export class Conv1d extends Module {
  /** Channels of each input. */
  readonly inChannels: number;
  /** Channels of each output. */
  readonly outChannels: number;
  /** The window's length. */
  readonly kernelSize: number;
  /** The step between windows. */
  readonly stride: number;
  /** Zeros added on each side, or 'valid' / 'same' as given. */
  readonly padding: number | 'valid' | 'same';
  /** The step between a window's elements. */
  readonly dilation: number;
  /** Channel groups. */
  readonly groups: number;
  /** How the padding is filled. */
  readonly paddingMode: PaddingMode;
  /** The weight [outChannels, inChannels / groups, kernelSize]. */
  weight: Parameter;
  /** The bias [outChannels], or null when made with bias: false. */
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: number, options?: Conv1dLayerOptions) {
    super();
    const what = 'Conv1d';
    const o = optionsOf(options, what, { stride: 'value', padding: 'value', dilation: 'value', groups: 'value', bias: 'boolean', paddingMode: 'value' });
    this.inChannels = positiveInt(inChannels, what, 'inChannels');
    this.outChannels = positiveInt(outChannels, what, 'outChannels');
    this.kernelSize = atLeast(kernelSize, what, 'kernelSize', 1);
    this.paddingMode = paddingModeOf(o.paddingMode, what);
    this.stride = atLeast(o.stride ?? 1, what, 'stride', 1);
    this.dilation = atLeast(o.dilation ?? 1, what, 'dilation', 1);
    this.padding = o.padding === 'same' || o.padding === 'valid' ? o.padding : atLeast(o.padding ?? 0, what, 'padding', 0);
    this.groups = positiveInt(o.groups ?? 1, what, 'groups');
    divisible(what, inChannels, outChannels, this.groups);
    if (this.padding === 'same' && this.stride !== 1) throw new Error(`Conv1d: padding 'same' needs stride 1, got ${this.stride}`);
    [this.weight, this.bias] = convParameters([outChannels, inChannels / this.groups, this.kernelSize], o.bias !== false, outChannels);
  }

  protected override extraRepr(): string {
    const p = this.padding;
    return convRepr({ inChannels: this.inChannels, outChannels: this.outChannels, kernelSize: [this.kernelSize], stride: [this.stride],
      padding: typeof p === 'string' ? p : [p], dilation: [this.dilation], groups: this.groups, bias: this.bias, paddingMode: this.paddingMode });
  }

  forward(x: Tensor): Tensor {
    const { stride, dilation, groups } = this;
    if (this.paddingMode === 'zeros') return conv1d(x, this.weight, this.bias, { stride, padding: this.padding, dilation, groups });
    // Padded first, as torch's _conv_forward pads it.
    const pads = modePads(typeof this.padding === 'number' ? [this.padding] : this.padding, [this.kernelSize], [dilation]);
    return conv1d(pad(x, pads, { mode: this.paddingMode }), this.weight, this.bias, { stride, dilation, groups });
  }
}

/** A transposed convolution layer's settings: one number (1-d) or one per spatial dim. */
interface TransposedLayer<S extends number | readonly number[]> {
  kernelSize: S;
  stride: S;
  padding: S;
  outputPadding: S;
  dilation: S;
  groups: number;
}

/**
 * A transposed layer's options for one call on x: its own, with the output padding that makes the
 * output `outputSize` (its spatial sizes, or the whole shape with the batch and channels first)
 * when one is asked for, as torch's _output_padding; an error naming `what` for a size out of reach.
 * x of another rank keeps the layer's padding and meets the op's own error.
 */
export function transposedCall<S extends number | readonly number[]>(layer: TransposedLayer<S>, x: Tensor, outputSize: readonly number[] | null, what: string):
  { stride: S; padding: S; outputPadding: S; dilation: S; groups: number } {
  const { stride, padding, dilation, groups } = layer;
  const own = { stride, padding, outputPadding: layer.outputPadding, dilation, groups };
  const each = (v: S): readonly number[] => (typeof v === 'number' ? [v] : (v as readonly number[]));
  const dims = each(layer.kernelSize).length;
  if (outputSize === null || !(x instanceof Tensor) || (x.ndim !== dims + 1 && x.ndim !== dims + 2)) return own;
  const lead = x.ndim - dims;
  const sizes = Array.isArray(outputSize) && outputSize.length === dims + lead ? outputSize.slice(lead) : outputSize;
  if (!Array.isArray(sizes) || sizes.length !== dims || !sizes.every((v) => Number.isInteger(v))) {
    throw new Error(`${what}: for ${x.ndim}-D input, outputSize must have ${dims} or ${dims + lead} integers, got ${shown(outputSize)}`);
  }
  const [k, st, p, d] = [layer.kernelSize, stride, padding, dilation].map(each);
  const least = sizes.map((_, i) => (x.shape[lead + i] - 1) * st[i] - 2 * p[i] + d[i] * (k[i] - 1) + 1);
  const most = least.map((v, i) => v + st[i] - 1);
  if (sizes.some((v, i) => v < least[i] || v > most[i])) {
    throw new Error(`${what}: requested an output size of ${fmt(sizes)}, but valid sizes range from ${fmt(least)} to ${fmt(most)} (for an input of ${fmt(x.shape.slice(lead))})`);
  }
  const chosen = sizes.map((v, i) => v - least[i]);
  return { ...own, outputPadding: (typeof layer.outputPadding === 'number' ? chosen[0] : chosen) as S };
}

/**
 * 1-D transposed convolution as torch.nn.ConvTranspose1d: weight [in, out / groups, k] and bias
 * [out], initialised as torch's. Inputs [N, in, L] (or [in, L]) give [N, out, lo]; see convTranspose1d.
 */
export class ConvTranspose1d extends Module {
  /** Channels of each input. */
  readonly inChannels: number;
  /** Channels of each output. */
  readonly outChannels: number;
  /** The window's length. */
  readonly kernelSize: number;
  /** The step between the input's positions in the output. */
  readonly stride: number;
  /** Elements taken off each end. */
  readonly padding: number;
  /** Elements added at the end. */
  readonly outputPadding: number;
  /** The step between a window's elements. */
  readonly dilation: number;
  /** Channel groups. */
  readonly groups: number;
  /** The weight [inChannels, outChannels / groups, kernelSize]. */
  weight: Parameter;
  /** The bias [outChannels], or null when made with bias: false. */
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: number, options?: ConvTranspose1dLayerOptions) {
    super();
    const what = 'ConvTranspose1d';
    const o = optionsOf(options, what, { stride: 'value', padding: 'value', outputPadding: 'value', dilation: 'value', groups: 'value', bias: 'boolean' });
    this.inChannels = positiveInt(inChannels, what, 'inChannels');
    this.outChannels = positiveInt(outChannels, what, 'outChannels');
    this.kernelSize = atLeast(kernelSize, what, 'kernelSize', 1);
    this.stride = atLeast(o.stride ?? 1, what, 'stride', 1);
    this.padding = atLeast(o.padding ?? 0, what, 'padding', 0);
    this.outputPadding = atLeast(o.outputPadding ?? 0, what, 'outputPadding', 0);
    this.dilation = atLeast(o.dilation ?? 1, what, 'dilation', 1);
    this.groups = positiveInt(o.groups ?? 1, what, 'groups');
    divisible(what, inChannels, outChannels, this.groups);
    [this.weight, this.bias] = convParameters([inChannels, outChannels / this.groups, this.kernelSize], o.bias !== false, outChannels);
  }

  protected override extraRepr(): string {
    return convRepr({ inChannels: this.inChannels, outChannels: this.outChannels, kernelSize: [this.kernelSize], stride: [this.stride],
      padding: [this.padding], dilation: [this.dilation], outputPadding: [this.outputPadding], groups: this.groups, bias: this.bias });
  }

  forward(x: Tensor): Tensor {
    return this.forwardTo(x, null);
  }

  /**
   * forward giving an output of length outputSize[0] (or of the whole shape outputSize), as torch's
   * forward(input, output_size): the size picks the output padding (null: the layer's own).
   */
  forwardTo(x: Tensor, outputSize: readonly number[] | null): Tensor {
    return convTranspose1d(x, this.weight, this.bias, transposedCall(this, x, outputSize, 'ConvTranspose1d'));
  }
}

/**
 * 2-D transposed convolution as torch.nn.ConvTranspose2d: weight [in, out / groups, kh, kw] and bias
 * [out], initialised as torch's. Inputs [N, in, H, W] (or [in, H, W]) give [N, out, oh, ow]; see
 * convTranspose2d.
 */
export class ConvTranspose2d extends Module {
  /** Channels of each input image. */
  readonly inChannels: number;
  /** Channels of each output image. */
  readonly outChannels: number;
  /** The window [height, width]. */
  readonly kernelSize: [number, number];
  /** The step between the input's positions in the output [height, width]. */
  readonly stride: [number, number];
  /** Rows and columns taken off each side [height, width]. */
  readonly padding: [number, number];
  /** Rows and columns added at the bottom and right [height, width]. */
  readonly outputPadding: [number, number];
  /** The step between a window's elements [height, width]. */
  readonly dilation: [number, number];
  /** Channel groups. */
  readonly groups: number;
  /** The weight [inChannels, outChannels / groups, kh, kw]. */
  weight: Parameter;
  /** The bias [outChannels], or null when made with bias: false. */
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Size2, options?: ConvTranspose2dLayerOptions) {
    super();
    const what = 'ConvTranspose2d';
    const o = optionsOf(options, what, { stride: 'value', padding: 'value', outputPadding: 'value', dilation: 'value', groups: 'value', bias: 'boolean' });
    this.inChannels = positiveInt(inChannels, what, 'inChannels');
    this.outChannels = positiveInt(outChannels, what, 'outChannels');
    this.kernelSize = pair(kernelSize, null, what, 'kernelSize', 1);
    this.stride = pair(o.stride, [1, 1], what, 'stride', 1);
    this.padding = pair(o.padding, [0, 0], what, 'padding', 0);
    this.outputPadding = pair(o.outputPadding, [0, 0], what, 'outputPadding', 0);
    this.dilation = pair(o.dilation, [1, 1], what, 'dilation', 1);
    this.groups = positiveInt(o.groups ?? 1, what, 'groups');
    divisible(what, inChannels, outChannels, this.groups);
    const [kh, kw] = this.kernelSize;
    [this.weight, this.bias] = convParameters([inChannels, outChannels / this.groups, kh, kw], o.bias !== false, outChannels);
  }

  protected override extraRepr(): string {
    return convRepr(this);
  }

  forward(x: Tensor): Tensor {
    return this.forwardTo(x, null);
  }

  /**
   * forward giving an output of size outputSize [height, width] (or of the whole shape outputSize), as
   * torch's forward(input, output_size): the size picks the output padding (null: the layer's own).
   */
  forwardTo(x: Tensor, outputSize: readonly number[] | null): Tensor {
    return convTranspose2d(x, this.weight, this.bias, transposedCall(this, x, outputSize, 'ConvTranspose2d'));
  }
}

/** 1-D max pooling as torch.nn.MaxPool1d (see maxPool1d); the stride defaults to the kernel size. */
export class MaxPool1d extends Module {
  /** The window's length. */
  readonly kernelSize: number;
  /** The options (stride the kernel size when left out). */
  readonly options: Readonly<Required<MaxPool1dOptions>>;

  constructor(kernelSize: number, options?: MaxPool1dOptions) {
    super();
    const what = 'MaxPool1d';
    const o = optionsOf(options, what, { stride: 'value', padding: 'value', dilation: 'value', ceilMode: 'boolean' });
    this.kernelSize = atLeast(kernelSize, what, 'kernelSize', 1);
    this.options = {
      stride: atLeast(o.stride ?? kernelSize, what, 'stride', 1), padding: atLeast(o.padding ?? 0, what, 'padding', 0),
      dilation: atLeast(o.dilation ?? 1, what, 'dilation', 1), ceilMode: o.ceilMode ?? false,
    };
  }

  protected override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${this.kernelSize}, stride=${o.stride}, padding=${o.padding}, dilation=${o.dilation}, ceil_mode=${pyBool(o.ceilMode)}`;
  }

  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, this.options);
  }
}

/**
 * 1-D max unpooling as torch.nn.MaxUnpool1d (see maxUnpool1d): forward(x, indices) puts MaxPool1d's
 * outputs back where maxPool1dWithIndices found them; the stride defaults to the kernel size.
 */
export class MaxUnpool1d extends MaxUnpoolBase<number> {
  /**
   * @param kernelSize the pooling's window length
   * @param options the pooling's stride and padding
   */
  constructor(kernelSize: number, options?: Omit<MaxUnpool1dOptions, 'outputSize'>) {
    super(kernelSize, options, 'MaxUnpool1d', (v, arg, min) => atLeast(v, 'MaxUnpool1d', arg, min), 0);
  }

  protected override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.options.stride}, padding=${this.options.padding}`;
  }

  /** forward with torch's output_size: the length where several are possible. */
  unpool(x: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpool1d(x, indices, this.kernelSize, { ...this.options, outputSize });
  }
}

/** 1-D average pooling as torch.nn.AvgPool1d (see avgPool1d); the stride defaults to the kernel size. */
export class AvgPool1d extends Module {
  /** The window's length. */
  readonly kernelSize: number;
  /** The options (stride the kernel size when left out). */
  readonly options: Readonly<Required<AvgPool1dOptions>>;

  constructor(kernelSize: number, options?: AvgPool1dOptions) {
    super();
    const what = 'AvgPool1d';
    const o = optionsOf(options, what, { stride: 'value', padding: 'value', ceilMode: 'boolean', countIncludePad: 'boolean' });
    this.kernelSize = atLeast(kernelSize, what, 'kernelSize', 1);
    this.options = {
      stride: atLeast(o.stride ?? kernelSize, what, 'stride', 1), padding: atLeast(o.padding ?? 0, what, 'padding', 0),
      ceilMode: o.ceilMode ?? false, countIncludePad: o.countIncludePad ?? true,
    };
  }

  protected override extraRepr(): string {
    // torch keeps AvgPool1d's sizes as tuples of one.
    return `kernel_size=${pyTuple([this.kernelSize])}, stride=${pyTuple([this.options.stride])}, padding=${pyTuple([this.options.padding])}`;
  }

  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, this.options);
  }
}
