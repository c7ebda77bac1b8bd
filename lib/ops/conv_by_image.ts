// A convolution over large images one image at a time, as torch's slow_conv2d: each image's windows
// as columns (imageColumns, im2col) [cg kh kw, oh ow] into one scratch array, and per channel group
// the product W [og, cg kh kw] times those columns, written straight into the image's output planes
// [og, oh ow] (NCHW: no transposing copy after). Its backward makes each image's columns again
// instead of keeping them.
// A transposed convolution (the convolution's input gradient) likewise: per image W^T x as columns,
// summed into the output by imageColumnsGrad. conv.ts and conv_more.ts take these paths when all the
// images' rows at once would be large (conv.ts's byImageFloats says when, and what it measured).
import { B } from '../backend/registry';
import { Reduce } from '../backend/backend';
import { Tensor } from '../tensor';
import { alloc, allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { record } from './core';
import { Geometry, packed } from './conv';
import { convGraphGrads, imageGradRows } from './conv_graph';
import { wantsGradient } from '../autograd_graph';
import { sum } from './reduce';

/** The at-th block of `size` floats of a: an image's, or a group's part of one. */
export const part = (a: Float32Array, at: number, size: number): Float32Array => a.subarray(at * size, (at + 1) * size);

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
  const w = weight.data;
  const y = windowsProducts(x4.data, w, bias, geom, null, g.n, groups, og, cg, plane);
  const inputs = bias ? [x4, weight, bias] : [x4, weight];
  const result = record(y, [g.n, out, g.oh, g.ow], inputs, 'conv2d', (gy) => {
    const gx = x4.requiresGrad ? allocOutput(x4.size) : null;
    const gw = weight.requiresGrad ? allocOutput(weight.size) : null;
    // At stride 1 the input gradient is itself a convolution, of gy with the flipped weight.
    const asConv = gx && flippedConv(g, out);
    const flipped = asConv ? flippedWeight(w, groups, og, cg, g.kh * g.kw) : null;
    const gyGeom = asConv ? packed(asConv) : null;
    const windowsGrad = gx && !asConv ? allocOutput(depth * plane) : null;
    for (let s = 0; s < g.n; s++) {
      for (let k = 0; k < groups; k++) {
        const gys = part(gy, s * groups + k, og * plane);
        // gW_k += gy_sk [og, plane] cols_sk^T [plane, depth], the images in order.
        if (gw) B().gemmWindows(false, true, og, depth, plane, 1, gys, part(x4.data, s, image), geom, k * cg, cg, s === 0 ? 0 : 1, part(gw, k, og * depth));
        if (gx && flipped && gyGeom) {
          // gx_sk [cg, h w] = the flipped W_k [cg, og kh kw] times gy_s's windows of channels k og ...
          B().gemmWindows(false, false, cg, g.h * g.w, og * g.kh * g.kw, 1, part(flipped, k, cg * og * g.kh * g.kw), part(gy, s, out * plane), gyGeom,
            k * og, og, 0, part(gx, s * groups + k, cg * g.h * g.w));
        } else if (gx && windowsGrad) {
          // ... otherwise the columns' gradient W_k^T gy_sk [depth, plane], summed back into the image's channels.
          B().gemm(true, false, depth, plane, og, 1, part(w, k, og * depth), gys, 0, windowsGrad, null, 0);
          B().imageColumnsGrad(windowsGrad, geom, k * cg, cg, part(gx, s, image));
        }
      }
    }
    if (windowsGrad) recycleArray(windowsGrad);
    if (flipped) recycleArray(flipped);
    const grads: (Float32Array | null)[] = [gx, gw];
    if (bias) grads.push(bias.requiresGrad ? biasGrad(gy, g.n, out, plane) : null);
    return grads;
  });
  if (result.node) {
    result.node.graphBackward = (gy) => {
      const gRows = imageGradRows(gy);
      const { gx, gw } = convGraphGrads(gRows, x4, weight, g, groups);
      return [gx, gw, bias && wantsGradient(bias) ? sum(gRows, 0) : null];
    };
  }
  return result;
}

/**
 * The geometry over an image's output gradient [out, oh, ow] whose windows, times the flipped weight,
 * are the input gradient [c, h, w]: at stride 1 each input position's gradient gathers gy over one
 * window of the kernel's extent, padded by dilation (k - 1) - padding on each side. Null at other
 * strides, or where the padding exceeds that extent (a negative padding), which go through the
 * columns' gradient.
 */
export function flippedConv(g: Geometry, out: number): Geometry | null {
  const ph = g.dh * (g.kh - 1) - g.ph, pw = g.dw * (g.kw - 1) - g.pw;
  if (g.sh !== 1 || g.sw !== 1 || ph < 0 || pw < 0) return null;
  return { n: 1, c: out, h: g.oh, w: g.ow, kh: g.kh, kw: g.kw, sh: 1, sw: 1, ph, pw, dh: g.dh, dw: g.dw, oh: g.h, ow: g.w };
}

/**
 * weight [groups og, cg, kh, kw] as each group's [cg, og kh kw] with the kernel turned half a turn:
 * flipped[k][i][(o kh + u) kw + v] = weight[k og + o][i][kh - 1 - u][kw - 1 - v] (`window` = kh kw; a
 * 3-D kernel's kd kh kw likewise, each of its axes reversed).
 */
export function flippedWeight(w: Float32Array, groups: number, og: number, cg: number, window: number): Float32Array {
  const f = allocOutput(groups * og * cg * window);
  for (let k = 0; k < groups; k++) {
    for (let o = 0; o < og; o++) {
      for (let i = 0; i < cg; i++) {
        const from = ((k * og + o) * cg + i) * window, to = ((k * cg + i) * og + o) * window;
        for (let e = 0; e < window; e++) f[to + e] = w[from + window - 1 - e];
      }
    }
  }
  return f;
}

/**
 * A convolution's output [n, groups og, plane] one image (or volume) at a time: the bias first, then
 * per image and group W_k [og, cg window] times its windows (gemmWindows, whose geometry geom and, for
 * a volume's, dgeom say) added to it, as torch's slow_conv2d.
 */
export function windowsProducts(x: Float32Array, w: Float32Array, bias: Tensor | null, geom: Int32Array, dgeom: Int32Array | null,
  n: number, groups: number, og: number, cg: number, plane: number): Float32Array {
  const out = groups * og, depth = w.length / out, image = x.length / n;
  const y = allocOutput(n * out * plane);
  if (bias) for (let s = 0; s < n; s++) for (let o = 0; o < out; o++) y.fill(bias.data[o], (s * out + o) * plane, (s * out + o + 1) * plane);
  for (let s = 0; s < n; s++) {
    for (let k = 0; k < groups; k++) {
      B().gemmWindows(false, false, og, plane, depth, 1, part(w, k, og * depth), part(x, s, image), geom, k * cg, cg, bias ? 1 : 0,
        part(y, s * groups + k, og * plane), dgeom);
    }
  }
  return y;
}

/** The bias's gradient: gy [n, out, plane] summed over its planes, then over its images. */
export function biasGrad(gy: Float32Array, n: number, out: number, plane: number): Float32Array {
  const planeSums = allocOutput(n * out);
  B().reduce(Reduce.sum, gy, n * out, plane, 1, planeSums, null);
  const gb = alloc(out);
  B().reduce(Reduce.sum, planeSums, 1, n, out, gb, null);
  recycleArray(planeSums);
  return gb;
}

/**
 * convTranspose2d of x4 [n, c, h, w] with weight [c, og, kh, kw] per group (no bias: conv_more.ts
 * adds it), one image at a time: for each image and group, the columns W_k^T x_sk [og kh kw, h w]
 * summed into the output's channels (imageColumnsGrad: the convolution's input gradient, which a
 * transposed convolution is). g is the output's window geometry (g.c = og, g.h x g.w the output, g.oh
 * x g.ow the input). The batch path's rows [n h w, og kh kw] were kept until backward.
 */
export function convTransposeByImage(x4: Tensor, weight: Tensor, g: Geometry, groups: number): Tensor {
  const og = g.c, out = og * groups, cg = x4.shape[1] / groups;
  const depth = og * g.kh * g.kw; // one input position's window into the output: columns' rows
  const plane = g.oh * g.ow; // the input's positions: a column each
  const outPlane = g.h * g.w;
  const geom = packed({ ...g, n: 1, c: out });
  const x = x4.data, w = weight.data;
  const y = allocOutput(g.n * out * outPlane);
  // At stride 1, the convolution of x with the flipped weight (as conv2d's input gradient).
  const asConv = flippedConv(g, cg * groups);
  const flipped = asConv ? flippedWeight(w, groups, cg, og, g.kh * g.kw) : null;
  const cols = asConv ? null : allocOutput(depth * plane);
  for (let s = 0; s < g.n; s++) {
    for (let k = 0; k < groups; k++) {
      if (asConv && flipped) {
        B().gemmWindows(false, false, og, outPlane, cg * g.kh * g.kw, 1, part(flipped, k, og * cg * g.kh * g.kw), part(x, s, cg * groups * plane),
          packed(asConv), k * cg, cg, 0, part(y, s * groups + k, og * outPlane));
      } else if (cols) {
        B().gemm(true, false, depth, plane, cg, 1, part(w, k, cg * depth), part(x, s * groups + k, cg * plane), 0, cols, null, 0);
        B().imageColumnsGrad(cols, geom, k * og, og, part(y, s, out * outPlane));
      }
    }
  }
  if (cols) recycleArray(cols);
  if (flipped) recycleArray(flipped);
  return record(y, [g.n, out, g.h, g.w], [x4, weight], 'convTranspose2d', (gy) => {
    const gx = x4.requiresGrad ? allocOutput(x4.size) : null;
    const gw = weight.requiresGrad ? allocOutput(weight.size) : null;
    for (let s = 0; s < g.n; s++) {
      const gys = part(gy, s, out * outPlane);
      for (let k = 0; k < groups; k++) {
        // The output gradient's windows at each input position: the convolution of gy with W.
        if (gx) B().gemmWindows(false, false, cg, plane, depth, 1, part(w, k, cg * depth), gys, geom, k * og, og, 0, part(gx, s * groups + k, cg * plane));
        if (gw) B().gemmWindows(false, true, cg, depth, plane, 1, part(x, s * groups + k, cg * plane), gys, geom, k * og, og, s === 0 ? 0 : 1, part(gw, k, cg * depth));
      }
    }
    return [gx, gw];
  });
}
