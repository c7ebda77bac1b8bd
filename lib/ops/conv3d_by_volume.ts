// A 3-D convolution one volume at a time on gemmWindows, whose columns hold the windows in depth too:
// per volume and channel group, the product W [og, cg kd kh kw] times the volume's columns [cg kd kh
// kw, od oh ow], written straight into its [og, od, oh, ow] output; the weight's gradient gy times
// those columns transposed, the volumes in order; the input's gradient the convolution of gy with the
// flipped weight (stride 1 only: conv3d takes this path then). The columns are never in memory. The
// depth slices stacked as channels of a conv2d (conv3d.ts's composed path) took 40.8 ms forward and
// backward for [4, 16, 16, 16, 16] 3x3x3 to 32 channels at one thread, this 23.4, PyTorch 16.8-18.0.
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { recomposedRule } from '../autograd_graph';
import { record } from './core';
import { Geometry, packed } from './conv';
import { biasGrad, flippedConv, flippedWeight, part, windowsProducts } from './conv_by_image';

/** The depth windows of a call (DEPTH_GEOMETRY's order), by name. */
export interface DepthWindows {
  d: number; kd: number; sd: number; pd: number; dd: number; od: number;
}

const packedDepth = (t: DepthWindows): Int32Array => Int32Array.of(t.d, t.kd, t.sd, t.pd, t.dd, t.od);

/**
 * Whether conv3d of these windows (g across the image, t in depth) runs here: stride 1 on every side
 * and no padding past the kernel's extent (the flipped convolution's padding is the extent less it).
 */
export function byVolume(g: Geometry, t: DepthWindows): boolean {
  return flippedConv(g, g.c) !== null && t.sd === 1 && t.pd <= t.dd * (t.kd - 1) && g.oh >= 1 && g.ow >= 1 && t.od >= 1;
}

/**
 * conv3d of x5 [n, c, d, h, w] with weight [out, c / groups, kd, kh, kw] and bias [out] (or null):
 * [n, out, od, oh, ow]. `composed` builds the same convolution from recorded ops: createGraph's
 * gradients are its gradients.
 */
export function conv3dByVolume(x5: Tensor, weight: Tensor, bias: Tensor | null, g: Geometry, t: DepthWindows, groups: number,
  composed: () => Tensor): Tensor {
  const out = weight.shape[0], og = out / groups, cg = g.c / groups;
  const window = t.kd * g.kh * g.kw;
  const depth = cg * window; // the columns' rows
  const plane = t.od * g.oh * g.ow; // an output channel's positions
  const volume = g.c * t.d * g.h * g.w;
  const geom = packed({ ...g, n: 1 }), dgeom = packedDepth(t);
  const w = weight.data;
  const y = windowsProducts(x5.data, w, bias, geom, dgeom, g.n, groups, og, cg, plane);
  const inputs = bias ? [x5, weight, bias] : [x5, weight];
  const result = record(y, [g.n, out, t.od, g.oh, g.ow], inputs, 'conv3d', (gy) => {
    const gx = x5.requiresGrad ? allocOutput(x5.size) : null;
    const gw = weight.requiresGrad ? allocOutput(weight.size) : null;
    // The windows of gy [out, od, oh, ow] whose product with the flipped weight is the input's gradient
    // (byVolume: stride 1, so flippedConv has them).
    const gyGeom = packed(flippedConv(g, out) as Geometry);
    const gyDepth = packedDepth({ d: t.od, kd: t.kd, sd: 1, pd: t.dd * (t.kd - 1) - t.pd, dd: t.dd, od: t.d });
    const flipped = gx ? flippedWeight(w, groups, og, cg, window) : null;
    for (let s = 0; s < g.n; s++) {
      for (let k = 0; k < groups; k++) {
        const gys = part(gy, s * groups + k, og * plane);
        if (gw) B().gemmWindows(false, true, og, depth, plane, 1, gys, part(x5.data, s, volume), geom, k * cg, cg, s === 0 ? 0 : 1, part(gw, k, og * depth), dgeom);
        if (gx && flipped) {
          B().gemmWindows(false, false, cg, t.d * g.h * g.w, og * window, 1, part(flipped, k, cg * og * window), part(gy, s, out * plane), gyGeom,
            k * og, og, 0, part(gx, s * groups + k, cg * t.d * g.h * g.w), gyDepth);
        }
      }
    }
    if (flipped) recycleArray(flipped);
    const grads: (Float32Array | null)[] = [gx, gw];
    if (bias) grads.push(bias.requiresGrad ? biasGrad(gy, g.n, out, plane) : null);
    return grads;
  });
  if (result.node) result.node.graphBackward = recomposedRule(inputs, composed);
  return result;
}
