// 3-D max pooling's indices and its inverse: maxPool3dWithIndices (torch.nn.functional.max_pool3d with
// return_indices) gives maxPool3d's values and gradient with each value's position in its [D, H, W]
// volume (max_pool3d.ts: the one element torch's scan takes; the first largest, or the last NaN);
// maxUnpool3d puts values back at such positions, zeros elsewhere, through unpool.ts's unpoolInto (as
// maxUnpool2d does for planes).
import { Tensor } from '../tensor';
import { fmt, sameShape } from '../shape';
import { optionsOf, shown } from '../args';
import { MaxPool3dOptions, Size3, triple, volumes } from './conv3d';
import { maxPool3dParts } from './max_pool3d';
import { unpoolInto } from './unpool';

/**
 * 3-D max pooling with each value's position in its volume (d * H * W + h * W + w), as float values
 * (torch.nn.functional.max_pool3d with return_indices).
 */
export function maxPool3dWithIndices(x: Tensor, kernelSize: Size3, options?: MaxPool3dOptions): { values: Tensor; indices: Tensor } {
  const { values, indices } = maxPool3dParts(x, kernelSize, options, 'maxPool3dWithIndices', true);
  return { values, indices: indices! };
}

/** Options of maxUnpool3d and nn.MaxUnpool3d: the pooling's, and the size to undo it to. */
export interface MaxUnpool3dOptions {
  /** The pooling's stride: one number for all three dims or [depth, height, width]; default the kernel size. */
  stride?: Size3;
  /** The pooling's padding (each side); default 0. */
  padding?: Size3;
  /** The output's [depth, height, width] (the last three entries, so a whole shape may be given), each within stride of the default. */
  outputSize?: readonly number[];
}

/**
 * x [N, C, D, H, W] (or [C, D, H, W]) put back into volumes of the pooled input's size: each value at
 * the position `indices` (x's shape, as maxPool3dWithIndices gives them) names, zeros elsewhere
 * (torch.nn.functional.max_unpool3d).
 */
export function maxUnpool3d(x: Tensor, indices: Tensor, kernelSize: Size3, options?: MaxUnpool3dOptions): Tensor {
  const what = 'maxUnpool3d';
  volumes(x, what); // x's own checks first
  if (!(indices instanceof Tensor) || !sameShape(indices.shape, x.shape)) throw new Error(`${what}: indices must have x's shape ${fmt(x.shape)}, got ${indices instanceof Tensor ? fmt(indices.shape) : shown(indices)}`);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', outputSize: 'value' });
  const kernel = triple(kernelSize, null, what, 'kernelSize', 1);
  const stride = triple(o.stride, kernel, what, 'stride', 1);
  const padding = triple(o.padding, [0, 0, 0], what, 'padding', 0);
  return unpoolInto(x, indices, kernel, stride, padding, o.outputSize, 'volumes', what);
}
