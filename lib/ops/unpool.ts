// Max unpooling (torch.nn.functional.max_unpool2d, and max_unpool1d over rows one high): each value put back where its max pooling took
// it from, the plane positions maxPool2dWithIndices returns, and zeros everywhere else. Through
// scatter, so x's gradient is the output's gradient read at those positions (torch's); a position
// named twice keeps the later value, as torch's CPU loop does.
import { Tensor } from '../tensor';
import { fmt, sameShape } from '../shape';
import { optionsOf, shown } from '../args';
import { checkTensor, composedOf } from './core';
import { reshape } from './shape';
import { scatter } from './scatter';
import { zeros } from './creation';
import { pair, Size2 } from './conv';
import { single } from './conv_more';
import { as1d, lengths, rowImages } from './one_row';

/** Options of maxUnpool2d and nn.MaxUnpool2d: the pooling's, and the size to undo it to. */
export interface MaxUnpool2dOptions {
  /** The pooling's stride: one number for both dims or [height, width]; default the kernel size. */
  stride?: Size2;
  /** The pooling's padding (each side); default 0. */
  padding?: Size2;
  /**
   * The output's height and width (the last two entries, so a whole shape may be given), where a
   * pooling's rounding down left several sizes possible: each within stride of the default
   * (in - 1) stride - 2 padding + kernel, as torch asks.
   */
  outputSize?: readonly number[];
}

/**
 * x [N, C, H, W] (or [C, H, W]) put back into planes of the pooled input's size: each value at the
 * position `indices` (x's shape; as maxPool2dWithIndices gives them, h * width + w within its
 * plane) names, zeros elsewhere (torch.nn.functional.max_unpool2d).
 */
export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: Size2, options?: MaxUnpool2dOptions): Tensor {
  const what = 'maxUnpool2d';
  checkTensor(x, what);
  checkTensor(indices, what);
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${what}: x must be [N, C, H, W] or [C, H, W], got shape ${fmt(x.shape)}`);
  if (!sameShape(indices.shape, x.shape)) throw new Error(`${what}: indices must have x's shape ${fmt(x.shape)}, got ${fmt(indices.shape)}`);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', outputSize: 'value' });
  const kernel = pair(kernelSize, null, what, 'kernelSize', 1);
  const stride = pair(o.stride, kernel, what, 'stride', 1);
  const padding = pair(o.padding, [0, 0], what, 'padding', 0);
  return unpoolInto(x, indices, kernel, stride, padding, o.outputSize, 'planes', what);
}

/**
 * x's values put back at `indices` (x's shape, positions within each output plane or volume of the
 * last kernel.length dims), zeros elsewhere: maxUnpool2d's and maxUnpool3d's common part, through
 * scatter. The output size is the pooling's undone (outputSizeOf); a position outside it throws.
 */
export function unpoolInto(x: Tensor, indices: Tensor, kernel: readonly number[], stride: readonly number[], padding: readonly number[],
  outputSize: readonly number[] | undefined, kind: 'planes' | 'volumes', what: string): Tensor {
  const dims = kernel.length;
  const inSize = x.shape.slice(-dims);
  const defaults = inSize.map((s, d) => (s - 1) * stride[d] - 2 * padding[d] + kernel[d]);
  const out = outputSizeOf(outputSize, defaults, stride, what);
  const sizeIn = inSize.reduce((a, b) => a * b, 1), sizeOut = out.reduce((a, b) => a * b, 1), count = x.size / Math.max(sizeIn, 1);
  for (let e = 0; e < indices.size; e++) {
    const v = indices.data[e];
    if (!Number.isInteger(v) || v < 0 || v >= sizeOut) {
      throw new Error(`${what}: indices hold positions in the ${out.join(' x ')} output ${kind}, [0, ${sizeOut}), got ${shown(v)} at element ${e}`);
    }
  }
  return composedOf((own) => {
    const flat = own(reshape(x, [count, sizeIn]));
    const y = own(scatter(own(zeros([count, sizeOut])), 1, own(reshape(indices, [count, sizeIn])), flat));
    return reshape(y, [...x.shape.slice(0, -dims), ...out]);
  }, [x]);
}

/**
 * The output's last dims (the defaults' count: [height, width], or [depth, height, width]): the
 * defaults, or outputSize's last entries, each within stride of its default (torch's check).
 */
export function outputSizeOf(outputSize: readonly number[] | undefined, defaults: number[], stride: readonly number[], what: string): number[] {
  const dims = defaults.length;
  if (outputSize === undefined) {
    if (defaults.some((d) => d < 1)) throw new Error(`${what}: the output would be ${defaults.join(' x ')}: padding too large for the kernel`);
    return defaults;
  }
  if (!Array.isArray(outputSize) || outputSize.length < dims || outputSize.some((v) => !Number.isInteger(v))) {
    throw new Error(`${what}: outputSize must be an array of integers ending with the ${dims === 3 ? 'depth, height' : 'height'} and width, got ${shown(outputSize)}`);
  }
  const size = outputSize.slice(-dims);
  if (size.some((v, d) => !(v > defaults[d] - stride[d] && v < defaults[d] + stride[d]) || v < 1)) {
    throw new Error(`${what}: outputSize ${size.join(' x ')} must lie within the stride (${stride.join(' x ')}) of ${defaults.join(' x ')} in each dim, exclusive`);
  }
  return size;
}

/** Options of maxUnpool1d and nn.MaxUnpool1d: the pooling's, and the length to undo it to. */
export interface MaxUnpool1dOptions {
  /** The pooling's stride; default the kernel size. */
  stride?: number;
  /** The pooling's padding (each side); default 0. */
  padding?: number;
  /**
   * The output's length (the last entry, so a whole shape may be given), within stride of the
   * default (in - 1) stride - 2 padding + kernel, as torch asks.
   */
  outputSize?: readonly number[];
}

/**
 * x [N, C, L] (or [C, L]) put back into rows of the pooled input's length: each value at the
 * position along L that `indices` (x's shape, as maxPool1dWithIndices gives them) names, zeros
 * elsewhere (torch.nn.functional.max_unpool1d). maxUnpool2d over rows one high.
 */
export function maxUnpool1d(x: Tensor, indices: Tensor, kernelSize: number, options?: MaxUnpool1dOptions): Tensor {
  const what = 'maxUnpool1d';
  const x4 = rowImages(x, what);
  checkTensor(indices, what);
  if (!sameShape(indices.shape, x.shape)) throw new Error(`${what}: indices must have x's shape ${fmt(x.shape)}, got ${fmt(indices.shape)}`);
  const i4 = rowImages(indices, what);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', outputSize: 'value' });
  const k = single(kernelSize, null, what, 'kernelSize', 1);
  const stride = single(o.stride, k, what, 'stride', 1), padding = single(o.padding, 0, what, 'padding', 0);
  const size = o.outputSize;
  if (size !== undefined && (!Array.isArray(size) || size.length < 1)) throw new Error(`${what}: outputSize must be an array of integers ending with the length, got ${shown(size)}`);
  const outputSize = size === undefined ? undefined : [1, size[size.length - 1]];
  return as1d(what, /^maxUnpool2d$/, [[x4, x], [i4, indices]], () => lengths(maxUnpool2d(x4, i4, [1, k], { stride: [1, stride], padding: [0, padding], outputSize })));
}
