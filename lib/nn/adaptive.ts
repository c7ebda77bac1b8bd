// AdaptiveAvgPool1d/2d/3d and AdaptiveMaxPool1d/2d/3d, as torch.nn's (without return_indices: the
// functional ...WithIndices ops give them); ops/adaptive.ts computes.
import { Tensor } from '../tensor';
import { AdaptiveSize, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d } from '../ops/adaptive';
import { adaptiveAvgPool3d } from '../ops/conv3d';
import { adaptiveMaxPool3d } from '../ops/max_pool3d';
import { Module } from './module';
import { shown } from '../args';

/** A 2-d adaptive pooling's output size: one for both sides, or [height, width] (null keeps that side). */
export type AdaptiveSize2 = AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize];

/** A 2-d or 3-d adaptive pooling layer: its output size, as given, and the op it runs. */
abstract class AdaptivePoolNd<S> extends Module {
  /** The output size as given: one number for every side, or one per side (null keeps that side). */
  readonly outputSize: S;

  protected constructor(outputSize: S, what: string, private readonly pool: (x: Tensor, size: S) => Tensor, sides: readonly string[]) {
    super();
    const o = outputSize as unknown;
    const sizes = typeof o === 'number' || o === null ? [o] : o;
    if (!Array.isArray(sizes) || (Array.isArray(o) && o.length !== sides.length) || !sizes.every((v) => v === null || (Number.isInteger(v) && v >= 1))) {
      throw new Error(`${what}: outputSize must be a positive integer or ${sides.length === 2 ? 'two' : 'three'} of them [${sides.join(', ')}] (null keeps that side), got ${shown(outputSize)}`);
    }
    this.outputSize = outputSize;
  }

  protected override extraRepr(): string {
    const o = this.outputSize as unknown;
    const py = (v: AdaptiveSize) => (v === null ? 'None' : String(v));
    return `output_size=${Array.isArray(o) ? `(${o.map(py).join(', ')})` : py(o as AdaptiveSize)}`;
  }

  forward(x: Tensor): Tensor {
    return this.pool(x, this.outputSize);
  }
}

/** A 2-d adaptive pooling layer. */
abstract class AdaptivePool2d extends AdaptivePoolNd<AdaptiveSize2> {
  protected constructor(outputSize: AdaptiveSize2, what: string, pool: (x: Tensor, size: AdaptiveSize2) => Tensor) {
    super(outputSize, what, pool, ['height', 'width']);
  }
}

/** A 3-d adaptive pooling's output size: one for every side, or [depth, height, width] (null keeps that side). */
export type AdaptiveSize3 = AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize, AdaptiveSize];

/** 3-D adaptive average pooling as torch.nn.AdaptiveAvgPool3d (see adaptiveAvgPool3d). */
export class AdaptiveAvgPool3d extends AdaptivePoolNd<AdaptiveSize3> {
  /** @param outputSize one size for every side, or [depth, height, width] (null keeps that side) */
  constructor(outputSize: AdaptiveSize3) {
    super(outputSize, 'AdaptiveAvgPool3d', adaptiveAvgPool3d, ['depth', 'height', 'width']);
  }
}

/** 3-D adaptive max pooling as torch.nn.AdaptiveMaxPool3d (see adaptiveMaxPool3d). */
export class AdaptiveMaxPool3d extends AdaptivePoolNd<AdaptiveSize3> {
  /** @param outputSize one size for every side, or [depth, height, width] (null keeps that side) */
  constructor(outputSize: AdaptiveSize3) {
    super(outputSize, 'AdaptiveMaxPool3d', adaptiveMaxPool3d, ['depth', 'height', 'width']);
  }
}

/** 2-D adaptive average pooling as torch.nn.AdaptiveAvgPool2d (see adaptiveAvgPool2d). */
export class AdaptiveAvgPool2d extends AdaptivePool2d {
  /** @param outputSize one size for both sides, or [height, width] (null keeps that side) */
  constructor(outputSize: AdaptiveSize2) {
    super(outputSize, 'AdaptiveAvgPool2d', adaptiveAvgPool2d);
  }
}

/** 2-D adaptive max pooling as torch.nn.AdaptiveMaxPool2d (see adaptiveMaxPool2d). */
export class AdaptiveMaxPool2d extends AdaptivePool2d {
  /** @param outputSize one size for both sides, or [height, width] (null keeps that side) */
  constructor(outputSize: AdaptiveSize2) {
    super(outputSize, 'AdaptiveMaxPool2d', adaptiveMaxPool2d);
  }
}

/** A 1-d adaptive pooling layer: its output length and the op it runs. */
abstract class AdaptivePool1d extends Module {
  /** The output length. */
  readonly outputSize: number;

  protected constructor(outputSize: number, what: string, private readonly pool: (x: Tensor, size: number) => Tensor) {
    super();
    if (!Number.isInteger(outputSize) || outputSize < 1) throw new Error(`${what}: outputSize must be a positive integer, got ${shown(outputSize)}`);
    this.outputSize = outputSize;
  }

  protected override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }

  forward(x: Tensor): Tensor {
    return this.pool(x, this.outputSize);
  }
}

/** 1-D adaptive average pooling as torch.nn.AdaptiveAvgPool1d (see adaptiveAvgPool1d). */
export class AdaptiveAvgPool1d extends AdaptivePool1d {
  /** @param outputSize the output length */
  constructor(outputSize: number) {
    super(outputSize, 'AdaptiveAvgPool1d', adaptiveAvgPool1d);
  }
}

/** 1-D adaptive max pooling as torch.nn.AdaptiveMaxPool1d (see adaptiveMaxPool1d). */
export class AdaptiveMaxPool1d extends AdaptivePool1d {
  /** @param outputSize the output length */
  constructor(outputSize: number) {
    super(outputSize, 'AdaptiveMaxPool1d', adaptiveMaxPool1d);
  }
}
