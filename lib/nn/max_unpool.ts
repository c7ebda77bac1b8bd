// What nn.MaxUnpool1d, 2d and 3d share: the pooling's kernel, stride (the kernel's when left out) and
// padding, each checked by its dimension's checker, and forward(x, indices) as unpool() without an
// output size.
import { Tensor } from '../tensor';
import { optionsOf } from '../args';
import { Module } from './module';

/** A max unpooling layer of sizes S (a number, or one per spatial dim). */
export abstract class MaxUnpoolBase<S> extends Module {
  /** The pooling's window, as given. */
  readonly kernelSize: S;
  /** The pooling's stride and padding (stride the kernel size when left out). */
  readonly options: Readonly<{ stride: S; padding: S }>;

  /** @param check throws, naming `what` and the argument, for a size below `min` */
  protected constructor(kernelSize: S, options: { stride?: S; padding?: S } | undefined, what: string, check: (v: S, arg: string, min: number) => unknown, zero: S) {
    super();
    const o = optionsOf(options, what, { stride: 'value', padding: 'value' });
    check(kernelSize, 'kernelSize', 1);
    this.kernelSize = kernelSize;
    this.options = { stride: o.stride ?? kernelSize, padding: o.padding ?? zero };
    check(this.options.stride, 'stride', 1);
    check(this.options.padding, 'padding', 0);
  }

  forward(x: Tensor, indices: Tensor): Tensor {
    return this.unpool(x, indices);
  }

  /** forward with torch's output_size: the spatial size where several are possible. */
  abstract unpool(x: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor;
}
