// The padding layers (constant, zero, reflection, replication), Upsample and PixelShuffle /
// PixelUnshuffle, as torch.nn's; ops/pad_resize.ts, interpolate.ts and pixel_shuffle.ts compute.
import { Tensor } from '../tensor';
import { pad, PadMode } from '../ops/pad_resize';
import { interpolate, interpolateMode, InterpolateOptions } from '../ops/interpolate';
import { Module } from './module';
import { pyFloat } from '../format';
import { optionsOf, positiveInt, shown } from '../args';
import { pixelShuffle, pixelUnshuffle } from '../ops/pixel_shuffle';

/** [left, right] for a padding layer of one dimension; then [top, bottom], then [front, back] for two and three. */
export type Padding1d = [number, number];
/** [left, right, top, bottom]. */
export type Padding2d = [number, number, number, number];
/** [left, right, top, bottom, front, back]. */
export type Padding3d = [number, number, number, number, number, number];

const SIDES = ['left', 'right', 'top', 'bottom', 'front', 'back'];

/**
 * A padding layer over the last 1, 2 or 3 dimensions (torch's ConstantPadNd, ZeroPad2d,
 * ReflectionPadNd, ReplicationPadNd): the amounts, the mode and the value, given to pad.
 */
export abstract class PadLayer<P extends number[]> extends Module {
  /** The amounts, two per dimension padded: [left, right] first (see pad). */
  readonly padding: P;
  /** How the added elements are filled. */
  readonly mode: PadMode;
  /** The added elements' value in 'constant' mode (0 in the others). */
  readonly value: number;

  /** @param padding one amount for every side, or two per dimension @param dims dimensions padded */
  protected constructor(padding: number | Readonly<P>, dims: number, mode: PadMode, value: number) {
    super();
    const what = new.target.name; // the layer's class, in its errors
    this.mode = mode;
    this.value = value;
    const p = typeof padding === 'number' ? new Array<number>(2 * dims).fill(padding) : padding;
    if (!Array.isArray(p) || p.length !== 2 * dims || !p.every((v) => Number.isInteger(v))) {
      throw new Error(`${what}: padding must be an integer or ${2 * dims} of them [${SIDES.slice(0, 2 * dims).join(', ')}], got ${shown(padding)}`);
    }
    if (typeof value !== 'number') throw new Error(`${what}: value must be a number, got ${shown(value)}`);
    this.padding = [...p] as P;
  }

  /** torch's repr: ConstantPadNd's names the padding and the value; the others show the padding alone. */
  protected override extraRepr(): string {
    const amounts = `(${this.padding.join(', ')})`;
    return this.mode === 'constant' ? `padding=${amounts}, value=${pyFloat(this.value)}` : amounts;
  }

  forward(x: Tensor): Tensor {
    return pad(x, this.padding, { mode: this.mode, value: this.value });
  }
}

/** Pads the last dimension with a constant, as torch.nn.ConstantPad1d (negative amounts cut). */
export class ConstantPad1d extends PadLayer<Padding1d> {
  /** @param padding one amount for both sides, or [left, right] @param value the added elements' value */
  constructor(padding: number | Readonly<Padding1d>, value: number) {
    super(padding, 1, 'constant', value);
  }
}

/** Pads the last two dimensions with a constant, as torch.nn.ConstantPad2d (negative amounts cut). */
export class ConstantPad2d extends PadLayer<Padding2d> {
  /** @param padding one amount for all four sides, or [left, right, top, bottom] @param value the added elements' value */
  constructor(padding: number | Readonly<Padding2d>, value: number) {
    super(padding, 2, 'constant', value);
  }
}

/** Pads the last three dimensions with a constant, as torch.nn.ConstantPad3d (negative amounts cut). */
export class ConstantPad3d extends PadLayer<Padding3d> {
  /** @param padding one amount for all six sides, or [left, right, top, bottom, front, back] @param value the added elements' value */
  constructor(padding: number | Readonly<Padding3d>, value: number) {
    super(padding, 3, 'constant', value);
  }
}

/** Pads the last two dimensions with zeros, as torch.nn.ZeroPad2d (negative amounts cut). */
export class ZeroPad2d extends ConstantPad2d {
  /** @param padding one amount for all four sides, or [left, right, top, bottom] */
  constructor(padding: number | Readonly<Padding2d>) {
    super(padding, 0);
  }

  protected override extraRepr(): string {
    return `(${this.padding.join(', ')})`;
  }
}

/** Pads the last dimension with the input mirrored about its edges, as torch.nn.ReflectionPad1d (each amount below the size). */
export class ReflectionPad1d extends PadLayer<Padding1d> {
  /** @param padding one amount for both sides, or [left, right] */
  constructor(padding: number | Readonly<Padding1d>) {
    super(padding, 1, 'reflect', 0);
  }
}

/** Pads the last two dimensions with the input mirrored about its edges, as torch.nn.ReflectionPad2d. */
export class ReflectionPad2d extends PadLayer<Padding2d> {
  /** @param padding one amount for all four sides, or [left, right, top, bottom] */
  constructor(padding: number | Readonly<Padding2d>) {
    super(padding, 2, 'reflect', 0);
  }
}

/** Pads the last three dimensions with the input mirrored about its edges, as torch.nn.ReflectionPad3d. */
export class ReflectionPad3d extends PadLayer<Padding3d> {
  /** @param padding one amount for all six sides, or [left, right, top, bottom, front, back] */
  constructor(padding: number | Readonly<Padding3d>) {
    super(padding, 3, 'reflect', 0);
  }
}

/** Pads the last dimension with copies of its edge elements, as torch.nn.ReplicationPad1d. */
export class ReplicationPad1d extends PadLayer<Padding1d> {
  /** @param padding one amount for both sides, or [left, right] */
  constructor(padding: number | Readonly<Padding1d>) {
    super(padding, 1, 'replicate', 0);
  }
}

/** Pads the last two dimensions with copies of their edge elements, as torch.nn.ReplicationPad2d. */
export class ReplicationPad2d extends PadLayer<Padding2d> {
  /** @param padding one amount for all four sides, or [left, right, top, bottom] */
  constructor(padding: number | Readonly<Padding2d>) {
    super(padding, 2, 'replicate', 0);
  }
}

/** Pads the last three dimensions with copies of their edge elements, as torch.nn.ReplicationPad3d. */
export class ReplicationPad3d extends PadLayer<Padding3d> {
  /** @param padding one amount for all six sides, or [left, right, top, bottom, front, back] */
  constructor(padding: number | Readonly<Padding3d>) {
    super(padding, 3, 'replicate', 0);
  }
}

/** The padding layers by torch's names, subclasses before their bases (ZeroPad2d before ConstantPad2d). */
export const PAD_LAYERS = [
  [ZeroPad2d, 'ZeroPad2d'], [ConstantPad1d, 'ConstantPad1d'], [ConstantPad2d, 'ConstantPad2d'], [ConstantPad3d, 'ConstantPad3d'],
  [ReflectionPad1d, 'ReflectionPad1d'], [ReflectionPad2d, 'ReflectionPad2d'], [ReflectionPad3d, 'ReflectionPad3d'],
  [ReplicationPad1d, 'ReplicationPad1d'], [ReplicationPad2d, 'ReplicationPad2d'], [ReplicationPad3d, 'ReplicationPad3d'],
] as const;

/** A padding layer's name among PAD_LAYERS. */
export type PadLayerName = (typeof PAD_LAYERS)[number][1];

/** Resizes [N, C, L] or [N, C, H, W] as torch.nn.Upsample (see interpolate for the sizes and modes). */
export class Upsample extends Module {
  /** The options, as given. */
  readonly options: Readonly<InterpolateOptions>;

  /** @param options interpolate's */
  constructor(options: InterpolateOptions) {
    super();
    const what = new.target.name; // the layer's class (UpsamplingNearest2d's too), in its errors
    const o = optionsOf(options, what, { size: 'value', scaleFactor: 'value', mode: 'value', alignCorners: 'boolean' });
    if ((o.size === undefined) === (o.scaleFactor === undefined)) throw new Error(`${what}: give exactly one of size and scaleFactor`);
    interpolateMode(o, what); // the sizes are checked against each input, by interpolate
    this.options = { ...o };
  }

  protected override extraRepr(): string {
    const { size, scaleFactor } = this.options;
    const tuple = (v: number | readonly number[], f: (x: number) => string) => (typeof v === 'number' ? f(v) : `(${v.map(f).join(', ')})`);
    const first = size !== undefined ? `size=${tuple(size, String)}` : `scale_factor=${tuple(scaleFactor as number | readonly number[], pyFloat)}`;
    return `${first}, mode=${this.options.mode ?? 'nearest'}`;
  }

  forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }
}

/** The size or the factor of an UpsamplingNearest2d or UpsamplingBilinear2d (one of the two). */
export type UpsamplingOptions = Pick<InterpolateOptions, 'size' | 'scaleFactor'>;

/** interpolate's options for upsampling by nearest neighbour: the size or factor given, checked. */
const nearestOf = (options: UpsamplingOptions, what: string): InterpolateOptions => ({ ...optionsOf(options, what, { size: 'value', scaleFactor: 'value' }), mode: 'nearest' });
/** interpolate's options for upsampling bilinearly with the corners aligned. */
const bilinearOf = (options: UpsamplingOptions, what: string): InterpolateOptions => ({ ...optionsOf(options, what, { size: 'value', scaleFactor: 'value' }), mode: 'bilinear', alignCorners: true });

/** Resizes [N, C, H, W] by nearest neighbour, as torch.nn.UpsamplingNearest2d (Upsample in mode 'nearest'). */
export class UpsamplingNearest2d extends Upsample {
  constructor(options: UpsamplingOptions) {
    super(nearestOf(options, 'UpsamplingNearest2d'));
  }
}

/** Resizes [N, C, H, W] bilinearly with the corners aligned, as torch.nn.UpsamplingBilinear2d (Upsample in mode 'bilinear', alignCorners true). */
export class UpsamplingBilinear2d extends Upsample {
  constructor(options: UpsamplingOptions) {
    super(bilinearOf(options, 'UpsamplingBilinear2d'));
  }
}

/** torch.nn.functional.upsample: interpolate (torch's older name). */
export const upsample = (x: Tensor, options: InterpolateOptions): Tensor => interpolate(x, options);
/** torch.nn.functional.upsample_nearest: interpolate in mode 'nearest'. */
export const upsampleNearest = (x: Tensor, options: UpsamplingOptions): Tensor => interpolate(x, nearestOf(options, 'upsampleNearest'));
/** torch.nn.functional.upsample_bilinear: interpolate in mode 'bilinear' with the corners aligned. */
export const upsampleBilinear = (x: Tensor, options: UpsamplingOptions): Tensor => interpolate(x, bilinearOf(options, 'upsampleBilinear'));

/** Channels to space, as torch.nn.PixelShuffle: [*, C r^2, H, W] to [*, C, H r, W r] (see pixelShuffle). */
export class PixelShuffle extends Module {
  /** r, as given. */
  readonly upscaleFactor: number;

  constructor(upscaleFactor: number) {
    super();
    this.upscaleFactor = positiveInt(upscaleFactor, 'PixelShuffle', 'upscaleFactor');
  }

  protected override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }

  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }
}

/** Space to channels, as torch.nn.PixelUnshuffle: [*, C, H r, W r] to [*, C r^2, H, W] (see pixelUnshuffle). */
export class PixelUnshuffle extends Module {
  /** r, as given. */
  readonly downscaleFactor: number;

  constructor(downscaleFactor: number) {
    super();
    this.downscaleFactor = positiveInt(downscaleFactor, 'PixelUnshuffle', 'downscaleFactor');
  }

  protected override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }

  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }
}
