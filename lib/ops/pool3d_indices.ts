// 3-D max pooling's indices and its inverse: maxPool3dWithIndices (torch.nn.functional.max_pool3d with
// return_indices) takes its values from maxPool3d (and so its gradient) and each value's position in
// its [D, H, W] volume from a scan of the window in torch's order (depth, row, column; the first
// largest, or the last NaN); maxUnpool3d puts values back at such positions, zeros elsewhere, through
// scatter (its gradient reads the output's gradient there), as maxUnpool2d does for planes.
import { Tensor } from '../tensor';
import { fmt, sameShape } from '../shape';
import { optionsOf, shown } from '../args';
import { allocOutput } from '../storage';
import { composedOf } from './core';
import { reshape } from './shape';
import { scatter } from './scatter';
import { zeros } from './creation';
import { maxPool3d, MaxPool3dOptions, Size3, triple, volumes } from './conv3d';
import { outputSizeOf } from './unpool';

/**
 * 3-D max pooling with each value's position in its volume (d * H * W + h * W + w), as float values
 * (torch.nn.functional.max_pool3d with return_indices).
 */
export function maxPool3dWithIndices(x: Tensor, kernelSize: Size3, options?: MaxPool3dOptions): { values: Tensor; indices: Tensor } {
  const what = 'maxPool3dWithIndices';
  const values = maxPool3d(x, kernelSize, options);
  const { x5 } = volumes(x, what);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', dilation: 'value', ceilMode: 'boolean' });
  const kernel = triple(kernelSize, null, what, 'kernelSize', 1);
  const stride = triple(o.stride, kernel, what, 'stride', 1);
  const padding = triple(o.padding, [0, 0, 0], what, 'padding', 0);
  const dilation = triple(o.dilation, [1, 1, 1], what, 'dilation', 1);
  const [n, c, D, H, W] = x5.shape;
  const [oD, oH, oW] = values.shape.slice(-3);
  const indices = allocOutput(values.size);
  const xd = x5.data;
  let e = 0;
  for (let v = 0; v < n * c; v++) {
    const base = v * D * H * W;
    for (let od = 0; od < oD; od++) {
      for (let oh = 0; oh < oH; oh++) {
        for (let ow = 0; ow < oW; ow++) {
          let best = -Infinity, at = -1;
          for (let kd = 0; kd < kernel[0]; kd++) {
            const d = od * stride[0] - padding[0] + kd * dilation[0];
            if (d < 0 || d >= D) continue;
            for (let kh = 0; kh < kernel[1]; kh++) {
              const h = oh * stride[1] - padding[1] + kh * dilation[1];
              if (h < 0 || h >= H) continue;
              for (let kw = 0; kw < kernel[2]; kw++) {
                const w = ow * stride[2] - padding[2] + kw * dilation[2];
                if (w < 0 || w >= W) continue;
                const pos = (d * H + h) * W + w;
                const val = xd[base + pos];
                // torch's rule: a larger value or any NaN takes the place (so the last NaN wins).
                if (at < 0 || val > best || Number.isNaN(val)) {
                  best = val;
                  at = pos;
                }
              }
            }
          }
          indices[e++] = at;
        }
      }
    }
  }
  return { values, indices: new Tensor(indices, [...values.shape]) };
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
  const { x5, batched } = volumes(x, what);
  if (!(indices instanceof Tensor) || !sameShape(indices.shape, x.shape)) throw new Error(`${what}: indices must have x's shape ${fmt(x.shape)}, got ${indices instanceof Tensor ? fmt(indices.shape) : shown(indices)}`);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', outputSize: 'value' });
  const kernel = triple(kernelSize, null, what, 'kernelSize', 1);
  const stride = triple(o.stride, kernel, what, 'stride', 1);
  const padding = triple(o.padding, [0, 0, 0], what, 'padding', 0);
  const inSize = x5.shape.slice(-3);
  const defaults = inSize.map((s, d) => (s - 1) * stride[d] - 2 * padding[d] + kernel[d]);
  const out = outputSizeOf(o.outputSize, defaults, stride, what);
  const volIn = inSize[0] * inSize[1] * inSize[2], volOut = out[0] * out[1] * out[2], vols = x5.shape[0] * x5.shape[1];
  for (let e = 0; e < indices.size; e++) {
    const v = indices.data[e];
    if (!Number.isInteger(v) || v < 0 || v >= volOut) throw new Error(`${what}: indices hold positions in the ${out.join(' x ')} output volumes, [0, ${volOut}), got ${shown(v)} at element ${e}`);
  }
  return composedOf((own) => {
    const y = own(scatter(own(zeros([vols, volOut])), 1, own(reshape(indices, [vols, volIn])), own(reshape(x5, [vols, volIn]))));
    return reshape(y, [...(batched ? [x5.shape[0]] : []), x5.shape[1], ...out]);
  }, [x]);
}
