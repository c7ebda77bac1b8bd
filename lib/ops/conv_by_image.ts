// A convolution over large images one image at a time, as torch's slow_conv2d: each image's windows
// as columns (imageColumns, im2col) [cg kh kw, oh ow] into one scratch array, and per channel group
// the product W [og, cg kh kw] times those columns, written straight into the image's output planes
// [og, oh ow] (NCHW: no transposing copy after). Its backward makes each image's columns again
// instead of keeping them.
// conv.ts takes this path when all the images' rows at once would be large (its byImageFloats says
// when, and what it measured).
import { B } from '../backend/registry';
import { Reduce } from '../backend/backend';
import { Tensor } from '../tensor';
import { alloc, allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { record } from './core';
import { Geometry, packed } from './conv';

/**
 * conv2d of x4 [n, c, h, w] with weight [out, c / groups, kh, kw] and bias [out] (or null) over the
 * windows of g (padding already in g or in x4), one image at a time: [n, out, oh, ow].
 */
export function convByImage(x4: Tensor, weight: Tensor, bias: Tensor | null, g: Geometry, groups: number): Tensor {
  const out = weight.shape[0];
  const og = out / groups, cg = g.c / groups;
  const depth = cg * g.kh * g.kw; // one window's length: columns' rows
  const plane = g.oh * g.ow; // one output plane: a column per position
  const image = g.c * g.h * g.w;
  const geom = packed({ ...g, n: 1 });
  const x = x4.data, w = weight.data;
  const y = allocOutput(g.n * out * plane);
  // Bias first, then the products added to it (beta 1), as torch's slow_conv2d.
  if (bias) for (let s = 0; s < g.n; s++) for (let o = 0; o < out; o++) y.fill(bias.data[o], (s * out + o) * plane, (s * out + o + 1) * plane);
  const cols = allocOutput(depth * plane);
  for (let s = 0; s < g.n; s++) {
    const xs = x.subarray(s * image, (s + 1) * image);
    for (let k = 0; k < groups; k++) {
      B().imageColumns(xs, geom, k * cg, cg, cols);
      B().gemm(false, false, og, plane, depth, 1, w.subarray(k * og * depth, (k + 1) * og * depth), cols, bias ? 1 : 0,
        y.subarray((s * out + k * og) * plane, (s * out + (k + 1) * og) * plane), null, 0);
    }
  }
  recycleArray(cols);
  const inputs = bias ? [x4, weight, bias] : [x4, weight];
  return record(y, [g.n, out, g.oh, g.ow], inputs, 'conv2d', (gy) => {
    const gx = x4.requiresGrad ? allocOutput(x4.size) : null;
    const gw = weight.requiresGrad ? allocOutput(weight.size) : null;
    const windows = gw ? allocOutput(depth * plane) : null;
    const windowsGrad = gx ? allocOutput(depth * plane) : null;
    for (let s = 0; s < g.n; s++) {
      const xs = x.subarray(s * image, (s + 1) * image);
      for (let k = 0; k < groups; k++) {
        const gys = gy.subarray((s * out + k * og) * plane, (s * out + (k + 1) * og) * plane);
        const wk = w.subarray(k * og * depth, (k + 1) * og * depth);
        if (gw && windows) {
          // gW_k += gy_sk [og, plane] cols_sk^T [plane, depth], the images in order.
          B().imageColumns(xs, geom, k * cg, cg, windows);
          B().gemm(false, true, og, depth, plane, 1, gys, windows, s === 0 ? 0 : 1, gw.subarray(k * og * depth, (k + 1) * og * depth), null, 0);
        }
        if (gx && windowsGrad) {
          // The columns' gradient W_k^T gy_sk [depth, plane], summed back into the image's channels.
          B().gemm(true, false, depth, plane, og, 1, wk, gys, 0, windowsGrad, null, 0);
          B().imageColumnsGrad(windowsGrad, geom, k * cg, cg, gx.subarray(s * image, (s + 1) * image));
        }
      }
    }
    if (windows) recycleArray(windows);
    if (windowsGrad) recycleArray(windowsGrad);
    const grads: (Float32Array | null)[] = [gx, gw];
    if (bias) grads.push(bias.requiresGrad ? biasGrad(gy, g.n, out, plane) : null);
    return grads;
  });
}

/** The bias's gradient: gy [n, out, plane] summed over its planes, then over its images. */
function biasGrad(gy: Float32Array, n: number, out: number, plane: number): Float32Array {
  const planeSums = allocOutput(n * out);
  B().reduce(Reduce.sum, gy, n * out, plane, 1, planeSums, null);
  const gb = alloc(out);
  B().reduce(Reduce.sum, planeSums, 1, n, out, gb, null);
  recycleArray(planeSums);
  return gb;
}
