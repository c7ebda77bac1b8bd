// AdaptiveAvgPool1d/2d and AdaptiveMaxPool1d/2d, as torch.nn's (without return_indices: the
// functional ...WithIndices ops give them); ops/adaptive.ts computes.
import { Tensor } from '../tensor';
import { AdaptiveSize, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d } from '../ops/adaptive';
import { Module } from './module';
import { shown } from '../args';

/** A 2-d adaptive pooling's output size: one for both sides, or [height, width] (null keeps that side). */
export type AdaptiveSize2 = AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize];

/** A 2-d adaptive pooling layer: its output size, as given, and the op it runs. */
abstract class AdaptivePool2d extends Module {
  /** The output size as given: one number for both sides, or [height, width] (null keeps that side). */
  readonly outputSize: AdaptiveSize2;

  protected constructor(outputSize: AdaptiveSize2, what: string, private readonly pool: (x: Tensor, size: AdaptiveSize2) => Tensor) {
    super();
    const sizes = typeof outputSize === 'number' || outputSize === null ? [outputSize] : outputSize;
    if (!Array.isArray(sizes) || (Array.isArray(outputSize) && outputSize.length !== 2) || !sizes.every((s) => s === null || (Number.isInteger(s) && s >= 1))) {
      throw new Error(`${what}: outputSize must be a positive integer or two of them [height, width] (null keeps that side), got ${shown(outputSize)}`);
    }
    this.outputSize = outputSize;
  }

  protected override extraRepr(): string {
    const o = this.outputSize;
    const py = (v: AdaptiveSize) => (v === null ? 'None' : String(v));
    return `output_size=${Array.isArray(o) ? `(${o.map(py).join(', ')})` : py(o as AdaptiveSize)}`;
  }

  forward(x: Tensor): Tensor {
    return this.pool(x, this.outputSize);
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
