// 3-D convolution and pooling over NCDHW volumes, as torch.nn.functional's conv3d, avg_pool3d and
// adaptive_avg_pool3d. A convolution is made of the 2-D ops: the depth windows' slices are stacked as
// channels (a depth-wise im2col), so that it is one conv2d, whose GEMM, threads and gradients it
// takes. Average pooling, plain and adaptive, runs on the avgPool kernel (avg_pool.ts), max pooling
// on a kernel of its own (max_pool3d.ts).
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, shown } from '../args';
import { checkTensor, composedOf } from './core';
import { add } from './binary';
import { conv2d, outputSize, samePads, spatialSizes } from './conv';
import { convTranspose2d } from './conv_more';
import { indexAdd } from './index_write';
import { zeros } from './creation';
import { narrow, stack } from './join';
import { pad } from './pad_resize';
import { AdaptiveSize } from './adaptive';
import { adaptiveWindows, averagedWhole, averagePool, averageWindows, slidingWindows } from './avg_pool';
import { permute, reshape, squeeze } from './shape';
import { indexSelect } from './index_ops';
import { byVolume, conv3dByVolume } from './conv3d_by_volume';

/** A size of each of the three spatial dimensions: one number for all, or [depth, height, width]. */
export type Size3 = number | readonly [number, number, number];

/** Options of conv3d and nn.Conv3d (each as torch.nn.functional.conv3d's). */
export interface Conv3dOptions {
  /** The step between windows (default 1). */
  stride?: Size3;
  /** Zeros added on each side (default 0); 'valid' is 0, 'same' keeps the size (stride 1; an odd total padded one more at the end, as torch). */
  padding?: Size3 | 'valid' | 'same';
  /** The step between a window's elements (default 1). */
  dilation?: Size3;
  /** Channel groups (default 1). */
  groups?: number;
}

/** Options of maxPool3d and nn.MaxPool3d. */
export interface MaxPool3dOptions {
  /** The step between windows (default: the kernel size). */
  stride?: Size3;
  /** Implicit -infinity added on each side (default 0; at most half the kernel size). */
  padding?: Size3;
  /** The step between a window's elements (default 1). */
  dilation?: Size3;
  /** Round the output size up rather than down (default false): a last, partial window. */
  ceilMode?: boolean;
}

/** Options of avgPool3d and nn.AvgPool3d. */
export interface AvgPool3dOptions {
  /** The step between windows (default: the kernel size). */
  stride?: Size3;
  /** Zeros added on each side (default 0; at most half the kernel size). */
  padding?: Size3;
  /** Round the output size up rather than down (default false). */
  ceilMode?: boolean;
  /** Count the padding's zeros in each window's divisor (default true, as torch). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead (a non-zero integer). */
  divisorOverride?: number;
}

/** `v` as [depth, height, width] (see spatialSizes). */
export function triple(v: Size3 | undefined, fallback: readonly [number, number, number] | null, what: string, arg: string, min: number): [number, number, number] {
  return spatialSizes(v, fallback, what, arg, min, ['depth', 'height', 'width']) as [number, number, number];
}

/** x as [N, C, D, H, W] (an unbatched [C, D, H, W] given a batch of one), or an error naming `what`. */
export function volumes(x: Tensor, what: string): { x5: Tensor; batched: boolean } {
  checkTensor(x, what);
  if (x.ndim !== 4 && x.ndim !== 5) throw new Error(`${what}: input must be 4-D [C, D, H, W] or 5-D [N, C, D, H, W], got shape ${fmt(x.shape)}`);
  return x.ndim === 5 ? { x5: x, batched: true } : { x5: x.reshape([1, ...x.shape]), batched: false };
}

/**
 * The depth windows of x5 [N, C, D, H, W] (already padded in depth): for each window offset kd,
 * the slices at depths d * stride + kd * dilation, as [N * outDepth, C, H, W]; and outDepth.
 */
function depthSlices(x5: Tensor, kernel: number, stride: number, dilation: number, what: string, own: (t: Tensor) => Tensor): { slices: Tensor[]; outDepth: number } {
  const [n, c, d, h, w] = x5.shape;
  const outDepth = Math.floor((d - dilation * (kernel - 1) - 1) / stride) + 1;
  if (outDepth < 1) throw new Error(`${what}: the input's depth ${d} (padded) is smaller than the kernel's extent ${dilation * (kernel - 1) + 1}`);
  const depthFirst = swapDepth(x5, own);
  const slices: Tensor[] = [];
  for (let k = 0; k < kernel; k++) {
    const picked = stride === 1
      ? own(narrow(depthFirst, 1, k * dilation, outDepth))
      : own(indexSelect(depthFirst, 1, Array.from({ length: outDepth }, (_, i) => i * stride + k * dilation)));
    slices.push(own(reshape(picked, [n * outDepth, c, h, w])));
  }
  return { slices, outDepth };
}

/** dims 1 and 2 swapped ([N, C, D, H, W] as [N, D, C, H, W], and back), a copy. */
const swapDepth = (t: Tensor, own: (t: Tensor) => Tensor): Tensor => own(permute(t, [0, 2, 1, 3, 4]));

/** y [N * outDepth, C', H', W'] back to [N, C', outDepth, H', W'] (and unbatched when x was). */
function volumesBack(y: Tensor, n: number, outDepth: number, batched: boolean, own: (t: Tensor) => Tensor): Tensor {
  const [, c, h, w] = y.shape;
  const v = swapDepth(own(reshape(y, [n, outDepth, c, h, w])), own);
  return batched ? v : squeeze(v, 0);
}

/**
 * 3-D convolution as torch.nn.functional.conv3d: x [N, C, D, H, W] (or [C, D, H, W]), weight [out,
 * C / groups, kd, kh, kw], bias [out] or null. The depth windows' slices stacked as channels make it
 * one conv2d (group by group, window offset by offset, in the weight's order), so its gradients are
 * conv2d's.
 */
export function conv3d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options?: Conv3dOptions): Tensor {
  const what = 'conv3d';
  const { x5, batched } = volumes(x, what);
  checkTensor(weight, what);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', dilation: 'value', groups: 'value' });
  const [sd, sh, sw] = triple(o.stride, [1, 1, 1], what, 'stride', 1);
  const same = o.padding === 'same';
  const [pd, ph, pw] = o.padding === 'valid' || o.padding === 'same' ? [0, 0, 0] : triple(o.padding, [0, 0, 0], what, 'padding', 0);
  const [dd, dh, dw] = triple(o.dilation, [1, 1, 1], what, 'dilation', 1);
  if (same && (sd !== 1 || sh !== 1 || sw !== 1)) throw new Error(`${what}: padding 'same' needs stride 1, got ${shown(o.stride)}`);
  const groups = o.groups ?? 1;
  const c = x5.shape[1];
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) throw new Error(`${what}: groups must be a positive integer dividing the input's ${c} channels, got ${shown(groups)}`);
  if (weight.ndim !== 5 || weight.shape[1] !== c / groups || weight.shape[0] % groups !== 0) {
    throw new Error(`${what}: weight must be [out, ${c / groups}, kd, kh, kw] with out divisible by ${groups} for an input of shape ${fmt(x.shape)} and groups ${groups}, got shape ${fmt(weight.shape)}`);
  }
  if (bias !== null) {
    checkTensor(bias, what);
    if (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]) throw new Error(`${what}: bias must be [${weight.shape[0]}], got shape ${fmt(bias.shape)}`);
  }
  const [, , kd, kh, kw] = weight.shape;
  const pads = same ? samePads([kd, kh, kw], [dd, dh, dw]) : [pw, pw, ph, ph, pd, pd];
  // asCalled: unbatched when the input was; else 5-D, as the by-volume node whose createGraph gradients it gives.
  const composed = (asCalled: boolean): Tensor => composedConv3d(x5, weight, bias, same ? pads : [0, 0, 0, 0, pd, pd], [sd, sh, sw],
    same ? [0, 0] : [ph, pw], [dd, dh, dw], groups, asCalled ? batched : true);
  if (pads[0] === pads[1] && pads[2] === pads[3] && pads[4] === pads[5]) {
    // The windows directly, one volume at a time, where the input's gradient is a convolution too.
    const [n, , d, h, w] = x5.shape;
    const [qd, qh, qw] = [pads[4], pads[2], pads[0]];
    const g = { n, c, h, w, kh, kw, sh, sw, ph: qh, pw: qw, dh, dw, oh: outputSize(h, kh, sh, qh, dh, false), ow: outputSize(w, kw, sw, qw, dw, false) };
    const t = { d, kd, sd, pd: qd, dd, od: outputSize(d, kd, sd, qd, dd, false) };
    if (byVolume(g, t)) {
      const y = conv3dByVolume(x5, weight, bias, g, t, groups, () => composed(false));
      return batched ? y : squeeze(y, 0);
    }
  }
  return composed(true);
}

/** conv3d from recorded ops: the depth windows' slices stacked as channels of one conv2d. */
function composedConv3d(x5: Tensor, weight: Tensor, bias: Tensor | null, pads: number[], [sd, sh, sw]: number[], [ph, pw]: number[],
  [dd, dh, dw]: number[], groups: number, batched: boolean): Tensor {
  const what = 'conv3d';
  const [n] = x5.shape;
  const [out, cg, kd, kh, kw] = weight.shape;
  return composedOf((own) => {
    const padded = pads.some((p) => p > 0) ? own(pad(x5, pads)) : x5;
    const { slices, outDepth } = depthSlices(padded, kd, sd, dd, what, own);
    const [, , h, w] = slices[0].shape;
    // Channels ordered [group][window offset][channel in group], the weight's [out][offset][channel].
    const grouped = slices.map((s) => own(reshape(s, [n * outDepth, groups, cg, h, w])));
    const rows = own(reshape(own(stack(grouped, 2)), [n * outDepth, groups * kd * cg, h, w]));
    const w2 = own(reshape(swapDepth(weight, own), [out, kd * cg, kh, kw]));
    const y = own(conv2d(rows, w2, bias, { stride: [sh, sw], padding: [ph, pw], dilation: [dh, dw], groups }));
    return volumesBack(y, n, outDepth, batched, own);
  }, bias ? [x5, weight, bias] : [x5, weight]);
}

/** Options of convTranspose3d and nn.ConvTranspose3d (torch.nn.functional.conv_transpose3d's). */
export interface ConvTranspose3dOptions {
  /** The step between the input's positions in the output (default 1). */
  stride?: Size3;
  /** Elements taken off each side of the full output (default 0). */
  padding?: Size3;
  /** Elements added at the end of each dim (default 0; less than the stride or the dilation). */
  outputPadding?: Size3;
  /** The step between a window's elements (default 1). */
  dilation?: Size3;
  /** Channel groups (default 1). */
  groups?: number;
}

/**
 * 3-D transposed convolution as torch.nn.functional.conv_transpose3d: x [N, in, D, H, W] (or
 * unbatched), weight [in, out / groups, kd, kh, kw], bias [out] or null. Each depth offset of the
 * kernel is a convTranspose2d of every input depth slice, added (indexAdd) at depth d * stride +
 * offset * dilation - padding of the output; so its gradients are those ops'.
 */
export function convTranspose3d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options?: ConvTranspose3dOptions): Tensor {
  const what = 'convTranspose3d';
  const { x5, batched } = volumes(x, what);
  checkTensor(weight, what);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', outputPadding: 'value', dilation: 'value', groups: 'value' });
  const [sd, sh, sw] = triple(o.stride, [1, 1, 1], what, 'stride', 1);
  const [pd, ph, pw] = triple(o.padding, [0, 0, 0], what, 'padding', 0);
  const [qd, qh, qw] = triple(o.outputPadding, [0, 0, 0], what, 'outputPadding', 0);
  const [dd, dh, dw] = triple(o.dilation, [1, 1, 1], what, 'dilation', 1);
  if (qd >= sd && qd >= dd) throw new Error(`${what}: outputPadding ${qd} in depth must be smaller than the stride ${sd} or the dilation ${dd}`);
  if (weight.ndim !== 5) throw new Error(`${what}: weight must be 5-D [in, out / groups, kd, kh, kw], got shape ${fmt(weight.shape)}`);
  const [n, c, depth, h, w] = x5.shape;
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || weight.shape[0] !== c || c % groups !== 0) {
    throw new Error(`${what}: input ${fmt(x.shape)} (${c} channels) does not match weight ${fmt(weight.shape)} with groups ${shown(groups)} (expected ${weight.shape[0]} input channels, divisible by groups)`);
  }
  const kd = weight.shape[2], out = weight.shape[1] * groups;
  if (kd < 1) throw new Error(`${what}: the kernel's depth must be at least 1, got weight shape ${fmt(weight.shape)}`);
  if (bias !== null) {
    checkTensor(bias, what);
    if (bias.ndim !== 1 || bias.shape[0] !== out) throw new Error(`${what}: bias must be [${out}], got shape ${fmt(bias.shape)}`);
  }
  const outDepth = (depth - 1) * sd - 2 * pd + dd * (kd - 1) + qd + 1;
  if (outDepth < 1) throw new Error(`${what}: the output's depth would be ${outDepth}: padding ${pd} takes more than the full output`);
  return composedOf((own) => {
    const slices = own(reshape(swapDepth(x5, own), [n * depth, c, h, w]));
    let acc: Tensor | null = null;
    for (let k = 0; k < kd; k++) {
      const wk = own(squeeze(own(narrow(weight, 2, k, 1)), 2));
      const z = own(convTranspose2d(slices, wk, null, { stride: [sh, sw], padding: [ph, pw], outputPadding: [qh, qw], dilation: [dh, dw], groups }));
      const [, , ho, wo] = z.shape;
      acc ??= own(zeros([n, outDepth, out, ho, wo]));
      // Input depth i lands at i * stride + k * dilation - padding, where inside the output.
      const from: number[] = [], to: number[] = [];
      for (let i = 0; i < depth; i++) {
        const at = i * sd + k * dd - pd;
        if (at >= 0 && at < outDepth) from.push(i), to.push(at);
      }
      if (from.length === 0) continue;
      const z5 = own(reshape(z, [n, depth, out, ho, wo]));
      acc = own(indexAdd(acc, 1, to, from.length === depth ? z5 : own(indexSelect(z5, 1, from))));
    }
    if (bias) acc = own(add(acc!, own(reshape(bias, [1, 1, out, 1, 1]))));
    const y = swapDepth(acc!, own);
    return batched ? y : squeeze(y, 0);
  }, bias ? [x, weight, bias] : [x, weight]);
}

/**
 * A pooling's kernel, stride (the kernel's by default) and padding (at most half the kernel in
 * depth; 2-d pooling checks the rest), and its output depth, or an error naming `what`.
 */
export function poolSizes(x5: Tensor, kernelSize: Size3, o: { stride?: Size3; padding?: Size3; ceilMode?: boolean }, dilation: number,
  what: string): { sizes: [number, number, number][]; outDepth: number } {
  const kernel = triple(kernelSize, null, what, 'kernelSize', 1);
  const padding = triple(o.padding, [0, 0, 0], what, 'padding', 0);
  const stride = triple(o.stride, kernel, what, 'stride', 1);
  if (2 * padding[0] > kernel[0]) throw new Error(`${what}: padding must be at most half the kernel size, got padding ${padding[0]} and kernel size ${kernel[0]} in depth`);
  const depth = x5.shape[2], [k, s, p] = [kernel[0], stride[0], padding[0]];
  const outDepth = outputSize(depth, k, s, p, dilation, o.ceilMode ?? false);
  if (outDepth < 1) throw new Error(`${what}: the input's depth ${depth} (padded) is smaller than the kernel's extent ${dilation * (k - 1) + 1}`);
  return { sizes: [kernel, stride, padding], outDepth };
}

/**
 * 3-D average pooling as torch.nn.functional.avg_pool3d (ceilMode, countIncludePad,
 * divisorOverride): each window's sum over torch's divisor (the product of each dim's count).
 */
export function avgPool3d(x: Tensor, kernelSize: Size3, options?: AvgPool3dOptions): Tensor {
  const what = 'avgPool3d';
  const { x5, batched } = volumes(x, what);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', ceilMode: 'boolean', countIncludePad: 'boolean', divisorOverride: 'value' });
  const override = o.divisorOverride;
  if (override !== undefined && (!Number.isInteger(override) || override === 0)) throw new Error(`${what}: divisorOverride must be a non-zero integer, got ${shown(override)}`);
  const ceilMode = o.ceilMode ?? false;
  const { sizes: [kernel, stride, padding], outDepth } = poolSizes(x5, kernelSize, o, 1, what);
  const [n, c, depth, height, width] = x5.shape;
  if (2 * padding[1] > kernel[1] || 2 * padding[2] > kernel[2]) {
    throw new Error(`${what}: padding must be at most half the kernel size, got padding ${fmt(padding)} and kernel size ${fmt(kernel)}`);
  }
  const [oh, ow] = [outputSize(height, kernel[1], stride[1], padding[1], 1, ceilMode), outputSize(width, kernel[2], stride[2], padding[2], 1, ceilMode)];
  if (oh < 1 || ow < 1) throw new Error(`${what}: the input's height and width ${height} x ${width} (padded) are smaller than the kernel's ${kernel[1]} x ${kernel[2]}`);
  const include = o.countIncludePad ?? true;
  const sides = [outDepth, oh, ow].map((out, a) => slidingWindows([depth, height, width][a], out, kernel[a], stride[a], padding[a], include));
  const windows = averageWindows(n * c, [sides[0], sides[1], sides[2]], { override });
  return averagePool(x, windows, batched ? [n, c, outDepth, oh, ow] : [c, outDepth, oh, ow]);
}

/** The output sizes [od, oh, ow] of an adaptive 3-d pooling of x5 (null keeps that side), or an error naming `what`. */
export function adaptiveSizes(x5: Tensor, outputSize: AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize, AdaptiveSize], what: string): [number, number, number] {
  const sizes = typeof outputSize === 'number' || outputSize === null ? [outputSize, outputSize, outputSize] : outputSize;
  if (!Array.isArray(sizes) || sizes.length !== 3 || !sizes.every((s) => s === null || (Number.isInteger(s) && s >= 1))) {
    throw new Error(`${what}: outputSize must be a positive integer or three of them [depth, height, width] (null keeps that side), got ${shown(outputSize)}`);
  }
  if (x5.shape.slice(1).some((s) => s === 0)) throw new Error(`${what}: the input's channels, depth, height and width must not be 0, got shape ${fmt(x5.shape)}`);
  const [, , d, h, w] = x5.shape;
  return [sizes[0] ?? d, sizes[1] ?? h, sizes[2] ?? w];
}

/**
 * 3-D adaptive average pooling as torch.nn.functional.adaptive_avg_pool3d: output (t, i, j) averages
 * depths floor(t D / od) .. ceil((t + 1) D / od) - 1, and rows and columns alike (the window's sum
 * divided by its depth, then its height, then its width, as torch; to one element, the mean).
 */
export function adaptiveAvgPool3d(x: Tensor, outputSize: AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize, AdaptiveSize]): Tensor {
  const what = 'adaptiveAvgPool3d';
  const { x5, batched } = volumes(x, what);
  const [od, oh, ow] = adaptiveSizes(x5, outputSize, what);
  const [n, c, d, h, w] = x5.shape;
  const shape = batched ? [n, c, od, oh, ow] : [c, od, oh, ow];
  if (od === 1 && oh === 1 && ow === 1) return averagedWhole(x, 3);
  return averagePool(x, averageWindows(n * c, [adaptiveWindows(d, od), adaptiveWindows(h, oh), adaptiveWindows(w, ow)], 'bySide'), shape);
}
