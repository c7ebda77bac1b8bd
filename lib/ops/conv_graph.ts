// conv2d's backward as recorded ops (createGraph): the input's gradient is the rows' gradient (the
// output's times the weight) summed back into the image (imageFromRows, col2im), the weight's the
// output's gradient times the input's windows (imageRows, im2col); the two ops are each other's
// gradient, so the result can be differentiated again, to any order.
import { Tensor } from '../tensor';
import { wantsGradient } from '../autograd_graph';
import { Geometry, imageRowsOf } from './conv';
import { imageFromRows } from './conv_more';
import { matmul } from './matmul';
import { cat, narrow } from './join';
import { permute, reshape, transpose } from './shape';

/** An image gradient [n, c, h, w] (or [n, out, oh, ow]) as rows [n h w, c], one per position. */
export function imageGradRows(gy: Tensor): Tensor {
  const [n, c, h, w] = gy.shape;
  return reshape(permute(gy, [0, 2, 3, 1]), [n * h * w, c]);
}

/**
 * The gradients of x4 [n, c, h, w] and of the weight (its own shape: [out, c / groups, kh, kw] or
 * the [out, c kh kw] of one group) of a convolution over g's windows with `groups`, from the
 * gradient of its pre-activation output as rows [n oh ow, out]. Null for an input needing none.
 */
export function convGraphGrads(gRows: Tensor, x4: Tensor, weight: Tensor, g: Geometry, groups: number): { gx: Tensor | null; gw: Tensor | null } {
  const out = weight.shape[0], og = out / groups, cg = g.c / groups;
  const w2 = reshape(weight, [out, cg * g.kh * g.kw]);
  const gxs: Tensor[] = [], gws: Tensor[] = [];
  for (let k = 0; k < groups; k++) {
    const gk = groups === 1 ? gRows : narrow(gRows, 1, k * og, og);
    if (wantsGradient(x4)) gxs.push(imageFromRows(matmul(gk, groups === 1 ? w2 : narrow(w2, 0, k * og, og)), { ...g, c: cg }));
    if (wantsGradient(weight)) gws.push(matmul(transpose(gk, 0, 1), imageRowsOf(x4, g, k * cg, cg, 0)));
  }
  const joined = (parts: Tensor[], dim: number) => (parts.length === 0 ? null : parts.length === 1 ? parts[0] : cat(parts, dim));
  const gw = joined(gws, 0);
  return { gx: joined(gxs, 1), gw: gw && reshape(gw, weight.shape) };
}
