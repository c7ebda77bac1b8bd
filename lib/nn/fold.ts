// Unfold and Fold, as torch.nn's (ops/fold.ts computes): an image's sliding blocks as columns, and back.
import { Tensor } from '../tensor';
import { fold, FoldOptions, unfold } from '../ops/fold';
import { pair, Size2 } from '../ops/conv';
import { Module } from './module';
import { pySize } from './conv';
import { optionsOf } from '../args';

/** The blocks' geometry of an Unfold or Fold layer, as given, checked where the layer is made. */
function geometry(kernelSize: Size2, options: FoldOptions | undefined, what: string): { kernelSize: Size2; options: Required<FoldOptions> } {
  const o = optionsOf(options, what, { dilation: 'value', padding: 'value', stride: 'value' });
  pair(kernelSize, null, what, 'kernelSize', 1);
  const checked = { dilation: o.dilation ?? 1, padding: o.padding ?? 0, stride: o.stride ?? 1 };
  pair(checked.dilation, null, what, 'dilation', 1);
  pair(checked.padding, null, what, 'padding', 0);
  pair(checked.stride, null, what, 'stride', 1);
  return { kernelSize, options: checked };
}

/** torch's repr of the blocks' geometry. */
function geometryRepr(kernelSize: Size2, o: Required<FoldOptions>): string {
  return `kernel_size=${pySize(kernelSize)}, dilation=${pySize(o.dilation)}, padding=${pySize(o.padding)}, stride=${pySize(o.stride)}`;
}

/** An image's sliding blocks as columns, as torch.nn.Unfold (see unfold). */
export class Unfold extends Module {
  /** The block, as given. */
  readonly kernelSize: Size2;
  /** dilation, padding and stride, as given (their defaults where left out). */
  readonly options: Readonly<Required<FoldOptions>>;

  constructor(kernelSize: Size2, options?: FoldOptions) {
    super();
    ({ kernelSize: this.kernelSize, options: this.options } = geometry(kernelSize, options, 'Unfold'));
  }

  protected override extraRepr(): string {
    return geometryRepr(this.kernelSize, this.options);
  }

  forward(x: Tensor): Tensor {
    return unfold(x, this.kernelSize, this.options);
  }
}

/** Columns of blocks summed back into images, as torch.nn.Fold (see fold). */
export class Fold extends Module {
  /** The images' [height, width], as given. */
  readonly outputSize: Size2;
  /** The block, as given. */
  readonly kernelSize: Size2;
  /** dilation, padding and stride, as given (their defaults where left out). */
  readonly options: Readonly<Required<FoldOptions>>;

  constructor(outputSize: Size2, kernelSize: Size2, options?: FoldOptions) {
    super();
    pair(outputSize, null, 'Fold', 'outputSize', 1);
    this.outputSize = outputSize;
    ({ kernelSize: this.kernelSize, options: this.options } = geometry(kernelSize, options, 'Fold'));
  }

  protected override extraRepr(): string {
    return `output_size=${pySize(this.outputSize)}, ${geometryRepr(this.kernelSize, this.options)}`;
  }

  forward(x: Tensor): Tensor {
    return fold(x, this.outputSize, this.kernelSize, this.options);
  }
}
