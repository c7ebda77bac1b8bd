// Max unpooling (torch.nn.functional.max_unpool2d): each value put back where its max pooling took
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
  const inSize = x.shape.slice(-2);
  const defaults = inSize.map((s, d) => (s - 1) * stride[d] - 2 * padding[d] + kernel[d]);
  const out = outputSizeOf(o.outputSize, defaults, stride, what);
  const planeIn = inSize[0] * inSize[1], planeOut = out[0] * out[1], planes = x.size / Math.max(planeIn, 1);
  for (let e = 0; e < indices.size; e++) {
    const v = indices.data[e];
    if (!Number.isInteger(v) || v < 0 || v >= planeOut) {
      throw new Error(`${what}: indices hold positions in the ${out[0]} x ${out[1]} output planes, [0, ${planeOut}), got ${shown(v)} at element ${e}`);
    }
  }
  return composedOf((own) => {
    const flat = own(reshape(x, [planes, planeIn]));
    const y = own(scatter(own(zeros([planes, planeOut])), 1, own(reshape(indices, [planes, planeIn])), flat));
    return reshape(y, [...x.shape.slice(0, -2), out[0], out[1]]);
  }, [x]);
}

/** The output's [height, width]: the defaults, or outputSize's last two entries, each within stride of its default (torch's check). */
function outputSizeOf(outputSize: readonly number[] | undefined, defaults: number[], stride: readonly number[], what: string): number[] {
  if (outputSize === undefined) {
    if (defaults.some((d) => d < 1)) throw new Error(`${what}: the output would be ${defaults.join(' x ')}: padding too large for the kernel`);
    return defaults;
  }
  if (!Array.isArray(outputSize) || outputSize.length < 2 || outputSize.some((v) => !Number.isInteger(v))) {
    throw new Error(`${what}: outputSize must be an array of integers ending with the height and width, got ${shown(outputSize)}`);
  }
  const size = outputSize.slice(-2);
  size.forEach((v, d) => {
    if (!(v > defaults[d] - stride[d] && v < defaults[d] + stride[d]) || v < 1) {
      throw new Error(`${what}: outputSize ${fmt(size)} must lie within stride of ${fmt(defaults)} in each dim (exclusive), got ${v} in dim ${d}`);
    }
  });
  return size;
}
