// Conv3d, MaxPool3d and AvgPool3d, as torch.nn's: the layers hold their sizes and parameters;
// ops/conv3d.ts computes.
import { Tensor } from '../tensor';
import { avgPool3d, AvgPool3dOptions, conv3d, Conv3dOptions, convTranspose3d, ConvTranspose3dOptions, MaxPool3dOptions, Size3, triple } from '../ops/conv3d';
import { maxPool3d } from '../ops/max_pool3d';
import { Module } from './module';
import { MaxUnpoolBase } from './max_unpool';
import { Parameter } from './parameter';
import { convParameters, convRepr, modePads, PaddingMode, paddingModeOf, pyTuple } from './conv';
import { divisible, transposedCall } from './conv_more';
import { pad } from '../ops/pad_resize';
import { optionsOf, positiveInt } from '../args';
import { maxUnpool3d, MaxUnpool3dOptions } from '../ops/pool3d_indices';
import { pyBool } from '../format';

/** Options of nn.Conv3d: conv3d's, whether to learn a bias, and how to fill the padding. */
export interface Conv3dLayerOptions extends Conv3dOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** Fill the padding with zeros (default), or the input reflected, replicated or wrapped around (see pad). */
  paddingMode?: PaddingMode;
}

/**
 * 3-D convolution as torch.nn.Conv3d: weight [out, in / groups, kd, kh, kw] and bias [out],
 * initialised as torch's. Inputs [N, in, D, H, W] (or [in, D, H, W]); see conv3d.
 */
export class Conv3d extends Module {
  /** Channels of each input. */
  readonly inChannels: number;
  /** Channels of each output. */
  readonly outChannels: number;
  /** The window [depth, height, width]. */
  readonly kernelSize: [number, number, number];
  /** The step between windows. */
  readonly stride: [number, number, number];
  /** Zeros added on each side, or 'valid' / 'same' as given. */
  readonly padding: [number, number, number] | 'valid' | 'same';
  /** The step between a window's elements. */
  readonly dilation: [number, number, number];
  /** Channel groups. */
  readonly groups: number;
  /** How the padding is filled. */
  readonly paddingMode: PaddingMode;
  /** The weight [outChannels, inChannels / groups, kd, kh, kw]. */
  weight: Parameter;
  /** The bias [outChannels], or null when made with bias: false. */
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Size3, options?: Conv3dLayerOptions) {
    super();
    const what = 'Conv3d';
    const o = optionsOf(options, what, { stride: 'value', padding: 'value', dilation: 'value', groups: 'value', bias: 'boolean', paddingMode: 'value' });
    this.inChannels = positiveInt(inChannels, what, 'inChannels');
    this.outChannels = positiveInt(outChannels, what, 'outChannels');
    this.kernelSize = triple(kernelSize, null, what, 'kernelSize', 1);
    this.stride = triple(o.stride, [1, 1, 1], what, 'stride', 1);
    this.padding = o.padding === 'valid' || o.padding === 'same' ? o.padding : triple(o.padding, [0, 0, 0], what, 'padding', 0);
    this.paddingMode = paddingModeOf(o.paddingMode, what);
    this.dilation = triple(o.dilation, [1, 1, 1], what, 'dilation', 1);
    this.groups = positiveInt(o.groups ?? 1, what, 'groups');
    if (this.padding === 'same' && this.stride.some((v) => v !== 1)) throw new Error(`${what}: padding 'same' needs stride 1, got ${pyTuple(this.stride)}`);
    divisible(what, inChannels, outChannels, this.groups);
    [this.weight, this.bias] = convParameters([outChannels, inChannels / this.groups, ...this.kernelSize], o.bias !== false, outChannels);
  }

  protected override extraRepr(): string {
    return convRepr({ inChannels: this.inChannels, outChannels: this.outChannels, kernelSize: this.kernelSize, stride: this.stride,
      padding: this.padding, dilation: this.dilation, groups: this.groups, bias: this.bias, paddingMode: this.paddingMode });
  }

  forward(x: Tensor): Tensor {
    const { stride, dilation, groups } = this;
    if (this.paddingMode === 'zeros') return conv3d(x, this.weight, this.bias, { stride, padding: this.padding, dilation, groups });
    // Padded first, as torch's _conv_forward pads it.
    return conv3d(pad(x, modePads(this.padding, this.kernelSize, dilation), { mode: this.paddingMode }), this.weight, this.bias, { stride, dilation, groups });
  }
}

/** Options of nn.ConvTranspose3d: convTranspose3d's, and whether to learn a bias. */
export interface ConvTranspose3dLayerOptions extends ConvTranspose3dOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
}

/**
 * 3-D transposed convolution as torch.nn.ConvTranspose3d: weight [in, out / groups, kd, kh, kw] and
 * bias [out], initialised as torch's. Inputs [N, in, D, H, W] (or unbatched); see convTranspose3d.
 */
export class ConvTranspose3d extends Module {
  /** Channels of each input. */
  readonly inChannels: number;
  /** Channels of each output. */
  readonly outChannels: number;
  /** The window [depth, height, width]. */
  readonly kernelSize: [number, number, number];
  /** The step between the input's positions in the output. */
  readonly stride: [number, number, number];
  /** Elements taken off each side of the full output. */
  readonly padding: [number, number, number];
  /** Elements added at the end of each dim. */
  readonly outputPadding: [number, number, number];
  /** The step between a window's elements. */
  readonly dilation: [number, number, number];
  /** Channel groups. */
  readonly groups: number;
  /** The weight [inChannels, outChannels / groups, kd, kh, kw]. */
  weight: Parameter;
  /** The bias [outChannels], or null when made with bias: false. */
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Size3, options?: ConvTranspose3dLayerOptions) {
    super();
    const what = 'ConvTranspose3d';
    const o = optionsOf(options, what, { stride: 'value', padding: 'value', outputPadding: 'value', dilation: 'value', groups: 'value', bias: 'boolean' });
    this.inChannels = positiveInt(inChannels, what, 'inChannels');
    this.outChannels = positiveInt(outChannels, what, 'outChannels');
    this.kernelSize = triple(kernelSize, null, what, 'kernelSize', 1);
    this.stride = triple(o.stride, [1, 1, 1], what, 'stride', 1);
    this.padding = triple(o.padding, [0, 0, 0], what, 'padding', 0);
    this.outputPadding = triple(o.outputPadding, [0, 0, 0], what, 'outputPadding', 0);
    this.dilation = triple(o.dilation, [1, 1, 1], what, 'dilation', 1);
    this.groups = positiveInt(o.groups ?? 1, what, 'groups');
    divisible(what, inChannels, outChannels, this.groups);
    [this.weight, this.bias] = convParameters([inChannels, outChannels / this.groups, ...this.kernelSize], o.bias !== false, outChannels);
  }

  protected override extraRepr(): string {
    return convRepr(this);
  }

  forward(x: Tensor): Tensor {
    return this.forwardTo(x, null);
  }

  /**
   * forward giving an output of size outputSize [depth, height, width] (or of the whole shape
   * outputSize), as torch's forward(input, output_size): the size picks the output padding (null:
   * the layer's own).
   */
  forwardTo(x: Tensor, outputSize: readonly number[] | null): Tensor {
    return convTranspose3d(x, this.weight, this.bias, transposedCall(this, x, outputSize, 'ConvTranspose3d'));
  }
}

/** A size as torch prints a pooling layer's: as given, one number or a tuple. */
const pySize3 = (v: Size3): string => (typeof v === 'number' ? String(v) : pyTuple(v));

/** 3-D max pooling as torch.nn.MaxPool3d (see maxPool3d); the stride defaults to the kernel size. */
export class MaxPool3d extends Module {
  /** The window, as given. */
  readonly kernelSize: Size3;
  /** The options, as given (stride the kernel size when left out). */
  readonly options: { readonly stride: Size3; readonly padding: Size3; readonly dilation: Size3; readonly ceilMode: boolean };

  constructor(kernelSize: Size3, options?: MaxPool3dOptions) {
    super();
    const o = optionsOf(options, 'MaxPool3d', { stride: 'value', padding: 'value', dilation: 'value', ceilMode: 'boolean' });
    triple(kernelSize, null, 'MaxPool3d', 'kernelSize', 1);
    this.kernelSize = kernelSize;
    this.options = { stride: o.stride ?? kernelSize, padding: o.padding ?? 0, dilation: o.dilation ?? 1, ceilMode: o.ceilMode ?? false };
    triple(this.options.stride, null, 'MaxPool3d', 'stride', 1);
    triple(this.options.padding, null, 'MaxPool3d', 'padding', 0);
    triple(this.options.dilation, null, 'MaxPool3d', 'dilation', 1);
  }

  protected override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${pySize3(this.kernelSize)}, stride=${pySize3(o.stride)}, padding=${pySize3(o.padding)}, dilation=${pySize3(o.dilation)}, ceil_mode=${pyBool(o.ceilMode)}`;
  }

  forward(x: Tensor): Tensor {
    return maxPool3d(x, this.kernelSize, this.options);
  }
}

/** 3-D average pooling as torch.nn.AvgPool3d (see avgPool3d); the stride defaults to the kernel size. */
export class AvgPool3d extends Module {
  /** The window, as given. */
  readonly kernelSize: Size3;
  /** The options, as given (stride the kernel size when left out). */
  readonly options: Readonly<AvgPool3dOptions> & { readonly stride: Size3; readonly padding: Size3 };

  constructor(kernelSize: Size3, options?: AvgPool3dOptions) {
    super();
    const o = optionsOf(options, 'AvgPool3d', { stride: 'value', padding: 'value', ceilMode: 'boolean', countIncludePad: 'boolean', divisorOverride: 'value' });
    triple(kernelSize, null, 'AvgPool3d', 'kernelSize', 1);
    this.kernelSize = kernelSize;
    this.options = { ...o, stride: o.stride ?? kernelSize, padding: o.padding ?? 0 };
    triple(this.options.stride, null, 'AvgPool3d', 'stride', 1);
    triple(this.options.padding, null, 'AvgPool3d', 'padding', 0);
  }

  protected override extraRepr(): string {
    return `kernel_size=${pySize3(this.kernelSize)}, stride=${pySize3(this.options.stride)}, padding=${pySize3(this.options.padding)}`;
  }

  forward(x: Tensor): Tensor {
    return avgPool3d(x, this.kernelSize, this.options);
  }
}

/** Undoes MaxPool3d as torch.nn.MaxUnpool3d: forward(x, indices) puts the pooled values back where maxPool3dWithIndices found them; the stride defaults to the kernel size. */
export class MaxUnpool3d extends MaxUnpoolBase<Size3> {
  /**
   * @param kernelSize the pooling's window
   * @param options the pooling's stride and padding
   */
  constructor(kernelSize: Size3, options?: Omit<MaxUnpool3dOptions, 'outputSize'>) {
    super(kernelSize, options, 'MaxUnpool3d', (v, arg, min) => triple(v, null, 'MaxUnpool3d', arg, min), 0);
  }

  protected override extraRepr(): string {
    // torch's repr of MaxUnpool3d spells every size out as a triple (its _triple), unlike MaxPool3d's.
    const t3 = (v: Size3, name: string) => pyTuple(triple(v, null, 'MaxUnpool3d', name, 0));
    return `kernel_size=${t3(this.kernelSize, 'kernelSize')}, stride=${t3(this.options.stride, 'stride')}, padding=${t3(this.options.padding, 'padding')}`;
  }

  /** forward with torch's output_size: the volumes' [depth, height, width] where several are possible. */
  unpool(x: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpool3d(x, indices, this.kernelSize, { ...this.options, outputSize });
  }
}
