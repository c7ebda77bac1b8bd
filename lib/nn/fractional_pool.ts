// nn.FractionalMaxPool2d / 3d: the functional poolings as layers; each forward draws its windows'
// samples anew (from the generator manualSeed seeds), as torch's layers do.
import { Tensor } from '../tensor';
import { optionsOf } from '../args';
import { Module } from './module';
import { fractionalMaxPool, FractionalMaxPoolOptions } from '../ops/fractional_pool';

/** A fractional max pooling layer's options: outputSize or outputRatio (one of the two). */
export type FractionalMaxPoolLayerOptions = Omit<FractionalMaxPoolOptions, 'randomSamples'>;

abstract class FractionalMaxPool extends Module {
  /** The window, as given. */
  readonly kernelSize: number | readonly number[];
  /** outputSize or outputRatio, as given. */
  readonly options: Readonly<FractionalMaxPoolLayerOptions>;

  protected constructor(private readonly dims: 2 | 3, kernelSize: number | readonly number[], options: FractionalMaxPoolLayerOptions) {
    super();
    const what = `FractionalMaxPool${dims}d`;
    this.options = optionsOf(options, what, { outputSize: 'value', outputRatio: 'value' });
    this.kernelSize = kernelSize;
    if ((this.options.outputSize === undefined) === (this.options.outputRatio === undefined)) throw new Error(`${what}: give either outputSize or outputRatio (one of the two)`);
  }

  forward(x: Tensor): Tensor {
    return fractionalMaxPool(x, this.dims, this.kernelSize, this.options, this.constructor.name).values;
  }
}

/** 2-D fractional max pooling as torch.nn.FractionalMaxPool2d (see fractionalMaxPool2d). */
export class FractionalMaxPool2d extends FractionalMaxPool {
  constructor(kernelSize: number | readonly [number, number], options: FractionalMaxPoolLayerOptions) {
    super(2, kernelSize, options);
  }
}

/** 3-D fractional max pooling as torch.nn.FractionalMaxPool3d (see fractionalMaxPool3d). */
export class FractionalMaxPool3d extends FractionalMaxPool {
  constructor(kernelSize: number | readonly [number, number, number], options: FractionalMaxPoolLayerOptions) {
    super(3, kernelSize, options);
  }
}
