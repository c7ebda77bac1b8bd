// Conv2d, MaxPool2d and AvgPool2d over NCHW images, as torch.nn's: the layers hold their sizes and
// parameters; ops/conv.ts computes.
import { Tensor } from '../tensor';
import { AvgPool2dOptions, avgPool2d, conv2d, Conv2dOptions, conv2dThen, MaxPool2dOptions, maxPool2d, pair, samePads, Size2 } from '../ops/conv';
import type { FusedActivation } from '../ops/matmul';
import { zeros } from '../ops/creation';
import { pad } from '../ops/pad_resize';
import { maxUnpool2d, MaxUnpool2dOptions } from '../ops/unpool';
import { Module } from './module';
import { MaxUnpoolBase } from './max_unpool';
import { Parameter } from './parameter';
import { kaimingUniform, uniform } from './init';
import { pyBool } from '../format';
import { optionsOf, positiveInt, shown } from '../args';

/** How a convolution layer fills its padding: torch's padding_mode (pad's modes, 'zeros' its constant 0). */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** Options of nn.Conv2d: conv2d's, whether to learn a bias, and how to fill the padding. */
export interface Conv2dLayerOptions extends Conv2dOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** Fill the padding with zeros (default), or the input reflected, replicated or wrapped around (see pad). */
  paddingMode?: PaddingMode;
}

/** A layer's paddingMode, or an error naming `what`. */
export function paddingModeOf(v: PaddingMode | undefined, what: string): PaddingMode {
  if (v !== undefined && !PADDING_MODES.includes(v)) throw new Error(`${what}: paddingMode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got ${shown(v)}`);
  return v ?? 'zeros';
}

/**
 * What a layer padding in a mode other than 'zeros' gives pad (torch's _reversed_padding_repeated_twice):
 * [before, after] per spatial dimension, the last first; 'same' splits each total as conv2d does.
 */
export function modePads(padding: readonly number[] | 'same' | 'valid', kernel: readonly number[], dilation: readonly number[]): number[] {
  if (padding === 'same') return samePads(kernel, dilation);
  const pads: number[] = [];
  for (let d = kernel.length - 1; d >= 0; d--) pads.push(padding === 'valid' ? 0 : padding[d], padding === 'valid' ? 0 : padding[d]);
  return pads;
}

/** A size as Python prints it: one number, or a tuple of two. */
export function pySize(v: Size2): string {
  return typeof v === 'number' ? String(v) : `(${v[0]}, ${v[1]})`;
}

/** Sizes as Python prints a tuple: (3,) or (3, 3). */
export const pyTuple = (v: readonly number[]): string => (v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);

/**
 * A convolution's weight of `shape` and a bias of biasSize elements (none without `bias`), both
 * uniform in +-1/sqrt(fan in) as torch initialises them (kaiming_uniform with a = sqrt(5)); the fan
 * in is dimension 1 times the kernel's size (for a transposed convolution, its out channels per group).
 */
export function convParameters(shape: number[], bias: boolean, biasSize: number): [Parameter, Parameter | null] {
  const weight = new Parameter(kaimingUniform(zeros(shape), { a: Math.sqrt(5) }));
  const bound = 1 / Math.sqrt(shape.slice(1).reduce((a, b) => a * b, 1));
  return [weight, bias ? new Parameter(uniform(zeros([biasSize]), -bound, bound)) : null];
}

/** torch's _ConvNd.extra_repr: the sizes, and the options that differ from their defaults. */
export function convRepr(c: { inChannels: number; outChannels: number; kernelSize: readonly number[]; stride: readonly number[];
  padding: readonly number[] | string; dilation: readonly number[]; groups: number; bias: Parameter | null; outputPadding?: readonly number[];
  paddingMode?: PaddingMode; }): string {
  let s = `${c.inChannels}, ${c.outChannels}, kernel_size=${pyTuple(c.kernelSize)}, stride=${pyTuple(c.stride)}`;
  const p = c.padding;
  if (typeof p === 'string') s += `, padding=${p}`;
  else if (p.some((v) => v !== 0)) s += `, padding=${pyTuple(p)}`;
  if (c.dilation.some((v) => v !== 1)) s += `, dilation=${pyTuple(c.dilation)}`;
  if (c.outputPadding?.some((v) => v !== 0)) s += `, output_padding=${pyTuple(c.outputPadding)}`;
  if (c.groups !== 1) s += `, groups=${c.groups}`;
  if (c.bias === null) s += `, bias=${pyBool(false)}`;
  if (c.paddingMode !== undefined && c.paddingMode !== 'zeros') s += `, padding_mode=${c.paddingMode}`;
  return s;
}

/**
 * 2-D convolution as torch.nn.Conv2d: weight [out, in / groups, kh, kw] and bias [out], both
 * initialised uniform in +-1/sqrt(in / groups * kh * kw) (kaiming_uniform with a = sqrt(5)). Inputs
 * [N, in, H, W] (or [in, H, W]) give [N, out, oh, ow]; see conv2d for the sizes.
 */
export class Conv2d extends Module {
  /** Channels of each input image. */
  readonly inChannels: number;
  /** Channels of each output image. */
  readonly outChannels: number;
  /** The window [height, width]. */
  readonly kernelSize: [number, number];
  /** The step between windows [height, width]. */
  readonly stride: [number, number];
  /** Zeros added on each side [height, width], or 'valid' / 'same' as given. */
  readonly padding: [number, number] | 'valid' | 'same';
  /** The step between a window's elements [height, width]. */
  readonly dilation: [number, number];
  /** Channel groups. */
  readonly groups: number;
  /** How the padding is filled. */
  readonly paddingMode: PaddingMode;
  /** The weight [outChannels, inChannels / groups, kh, kw]. */
  weight: Parameter;
  /** The bias [outChannels], or null when made with bias: false. */
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Size2, options?: Conv2dLayerOptions) {
    super();
    const what = 'Conv2d';
    const o = optionsOf(options, what, { stride: 'value', padding: 'value', dilation: 'value', groups: 'value', bias: 'boolean', paddingMode: 'value' });
    this.inChannels = positiveInt(inChannels, what, 'inChannels');
    this.outChannels = positiveInt(outChannels, what, 'outChannels');
    this.kernelSize = pair(kernelSize, null, what, 'kernelSize', 1);
    this.paddingMode = paddingModeOf(o.paddingMode, what);
    this.stride = pair(o.stride, [1, 1], what, 'stride', 1);
    this.dilation = pair(o.dilation, [1, 1], what, 'dilation', 1);
    this.padding = o.padding === 'same' || o.padding === 'valid' ? o.padding : pair(o.padding, [0, 0], what, 'padding', 0);
    this.groups = positiveInt(o.groups ?? 1, what, 'groups');
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new Error(`Conv2d: inChannels (${inChannels}) and outChannels (${outChannels}) must both be divisible by groups (${this.groups})`);
    }
    const [kh, kw] = this.kernelSize;
    // conv2d refuses this at every forward; say so here, where the layer is made (as torch does).
    if (this.padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) throw new Error(`Conv2d: padding 'same' needs stride 1, got ${pyTuple(this.stride)}`);
    [this.weight, this.bias] = convParameters([outChannels, inChannels / this.groups, kh, kw], o.bias !== false, outChannels);
  }

  /** conv2d's options for this layer. */
  private options(): Conv2dOptions {
    const padding = this.paddingMode === 'zeros' ? this.padding : 0; // padded before, by pad
    return { stride: this.stride, padding, dilation: this.dilation, groups: this.groups };
  }

  /** x padded in paddingMode (other than 'zeros'), as torch's _conv_forward pads it. */
  private padded(x: Tensor): Tensor {
    if (this.paddingMode === 'zeros') return x;
    return pad(x, modePads(this.padding, this.kernelSize, this.dilation), { mode: this.paddingMode });
  }

  protected override extraRepr(): string {
    return convRepr(this);
  }

  forward(x: Tensor): Tensor {
    return conv2d(this.padded(x), this.weight, this.bias, this.options());
  }

  /** forward followed by an activation, fused into the GEMM's epilogue. */
  forwardWithActivation(x: Tensor, act: FusedActivation): Tensor {
    return conv2dThen(this.padded(x), this.weight, this.bias, this.options(), act);
  }
}

/** 2-D max pooling as torch.nn.MaxPool2d (see maxPool2d); the stride defaults to the kernel size. */
export class MaxPool2d extends Module {
  /** The window, as given. */
  readonly kernelSize: Size2;
  /** The options, as given (stride the kernel size when left out). */
  readonly options: Readonly<Required<Omit<MaxPool2dOptions, 'ceilMode'>>> & { readonly ceilMode: boolean };

  constructor(kernelSize: Size2, options?: MaxPool2dOptions) {
    super();
    const o = optionsOf(options, 'MaxPool2d', { stride: 'value', padding: 'value', dilation: 'value', ceilMode: 'boolean' });
    pair(kernelSize, null, 'MaxPool2d', 'kernelSize', 1);
    this.kernelSize = kernelSize;
    this.options = { stride: o.stride ?? kernelSize, padding: o.padding ?? 0, dilation: o.dilation ?? 1, ceilMode: o.ceilMode ?? false };
    pair(this.options.stride, [1, 1], 'MaxPool2d', 'stride', 1);
    pair(this.options.padding, [0, 0], 'MaxPool2d', 'padding', 0);
    pair(this.options.dilation, [1, 1], 'MaxPool2d', 'dilation', 1);
  }

  protected override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(o.stride)}, padding=${pySize(o.padding)}, dilation=${pySize(o.dilation)}, ceil_mode=${pyBool(o.ceilMode)}`;
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/**
 * 2-D max unpooling as torch.nn.MaxUnpool2d (see maxUnpool2d): forward(x, indices) puts MaxPool2d's
 * outputs back where maxPool2dWithIndices found them; the stride defaults to the kernel size.
 */
export class MaxUnpool2d extends MaxUnpoolBase<Size2> {
  /**
   * @param kernelSize the pooling's window
   * @param options the pooling's stride and padding
   */
  constructor(kernelSize: Size2, options?: Omit<MaxUnpool2dOptions, 'outputSize'>) {
    super(kernelSize, options, 'MaxUnpool2d', (v, arg, min) => pair(v, null, 'MaxUnpool2d', arg, min), 0);
  }

  protected override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.options.stride)}, padding=${pySize(this.options.padding)}`;
  }

  /** forward with torch's output_size: the planes' [height, width] where several are possible. */
  unpool(x: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpool2d(x, indices, this.kernelSize, { ...this.options, outputSize });
  }
}

/** 2-D average pooling as torch.nn.AvgPool2d (see avgPool2d); the stride defaults to the kernel size. */
export class AvgPool2d extends Module {
  /** The window, as given. */
  readonly kernelSize: Size2;
  /** The options, as given (stride the kernel size when left out). */
  readonly options: Readonly<AvgPool2dOptions> & { readonly stride: Size2; readonly padding: Size2 };

  constructor(kernelSize: Size2, options?: AvgPool2dOptions) {
    super();
    const o = optionsOf(options, 'AvgPool2d', { stride: 'value', padding: 'value', ceilMode: 'boolean', countIncludePad: 'boolean', divisorOverride: 'value' });
    pair(kernelSize, null, 'AvgPool2d', 'kernelSize', 1);
    this.kernelSize = kernelSize;
    this.options = { ...o, stride: o.stride ?? kernelSize, padding: o.padding ?? 0 };
    pair(this.options.stride, [1, 1], 'AvgPool2d', 'stride', 1);
    pair(this.options.padding, [0, 0], 'AvgPool2d', 'padding', 0);
    const d = o.divisorOverride;
    if (d !== undefined && (!Number.isInteger(d) || d === 0)) throw new Error(`AvgPool2d: divisorOverride must be a non-zero integer, got ${shown(d)}`);
  }

  protected override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.options.stride)}, padding=${pySize(this.options.padding)}`;
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}
