// The rest of torch.nn.functional's convolution family, built on ops/conv.ts: conv1d and the 1-d
// poolings as their 2-d twins over images one row high; conv_transpose2d as the gradient of a
// convolution run forwards (the input's rows times the weight, added back into an image by
// imageRowsGrad, col2im).
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { allocOutput } from '../storage';
import { OptionKinds, optionsOf, shown } from '../args';
import { checkTensor, letGoAfterBackward, letGoAfterRead, record } from './core';
import { as1d, lengths, rowImages } from './one_row';
import { matmul } from './matmul';
import { cat, narrow } from './join';
import { add } from './binary';
import { avgPool2d, AvgPool2dOptions, checkGeometry, conv2d, convByImageFloats, Geometry, imageRowsOf, maxPool2d, MaxPool2dOptions, maxPool2dWithIndices, packed, pair, runsByImage, Size2 } from './conv';
import type { PoolWithIndices } from './adaptive';
import { convTransposeByImage, flippedConv } from './conv_by_image';

/** Options of conv1d and nn.Conv1d (torch.nn.functional.conv1d's). */
export interface Conv1dOptions {
  /** The step between windows (default 1). */
  stride?: number;
  /** Zeros added on each side (default 0); 'valid' is 0, 'same' keeps the length (stride 1; an odd total padded one more at the end, as torch). */
  padding?: number | 'valid' | 'same';
  /** The step between a window's elements (default 1). */
  dilation?: number;
  /** Channel groups (default 1). */
  groups?: number;
}

/** Options of maxPool1d and nn.MaxPool1d. */
export interface MaxPool1dOptions {
  /** The step between windows (default: the kernel size). */
  stride?: number;
  /** Implicit -infinity added on each side (default 0; at most half the kernel size). */
  padding?: number;
  /** The step between a window's elements (default 1). */
  dilation?: number;
  /** Round the output length up rather than down (default false). */
  ceilMode?: boolean;
}

/** Options of avgPool1d and nn.AvgPool1d. */
export interface AvgPool1dOptions {
  /** The step between windows (default: the kernel size). */
  stride?: number;
  /** Zeros added on each side (default 0; at most half the kernel size). */
  padding?: number;
  /** Round the output length up rather than down (default false). */
  ceilMode?: boolean;
  /** Count the padding's zeros in each window's divisor (default true). */
  countIncludePad?: boolean;
}

/** Options of convTranspose2d and nn.ConvTranspose2d (torch.nn.functional.conv_transpose2d's). */
export interface ConvTranspose2dOptions {
  /** The step between the input's positions in the output (default 1). */
  stride?: Size2;
  /** Rows and columns taken off each side of the full output (default 0). */
  padding?: Size2;
  /** Rows and columns added at the bottom and right (default 0; less than the stride or the dilation). */
  outputPadding?: Size2;
  /** The step between a window's elements (default 1). */
  dilation?: Size2;
  /** Channel groups (default 1). */
  groups?: number;
}

/** Options of convTranspose1d and nn.ConvTranspose1d (torch.nn.functional.conv_transpose1d's). */
export interface ConvTranspose1dOptions {
  /** The step between the input's positions in the output (default 1). */
  stride?: number;
  /** Elements taken off each end of the full output (default 0). */
  padding?: number;
  /** Elements added at the end (default 0; less than the stride or the dilation). */
  outputPadding?: number;
  /** The step between a window's elements (default 1). */
  dilation?: number;
  /** Channel groups (default 1). */
  groups?: number;
}

/** One integer of at least `min` (a 1-d size), or an error naming `arg`; left out, the fallback (null: required). */
export function single(v: number | undefined, fallback: number | null, what: string, arg: string, min: number): number {
  if (v === undefined) {
    if (fallback === null) throw new Error(`${what}: ${arg} is required`);
    return fallback;
  }
  if (!Number.isInteger(v) || v < min) throw new Error(`${what}: ${arg} must be an integer of at least ${min}, got ${shown(v)}`);
  return v;
}

/**
 * 1-D convolution (cross-correlation, as torch.nn.functional.conv1d) of x [N, C, L] (or [C, L]) with
 * weight [out, C / groups, k] and an optional bias [out]: the output is [N, out, lo], lo =
 * floor((L + 2 padding - dilation (k - 1) - 1) / stride) + 1.
 */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options?: Conv1dOptions): Tensor {
  const what = 'conv1d';
  const x4 = rowImages(x, what);
  checkTensor(weight, what);
  if (weight.ndim !== 3) throw new Error(`conv1d: weight must be 3-D [out, in / groups, k], got shape ${fmt(weight.shape)}`);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', dilation: 'value', groups: 'value' });
  const stride = single(o.stride, 1, what, 'stride', 1);
  const dilation = single(o.dilation, 1, what, 'dilation', 1);
  const padding = o.padding === 'same' || o.padding === 'valid' ? o.padding : single(o.padding, 0, what, 'padding', 0);
  const [out, cg, k] = weight.shape;
  const w4 = weight.reshape([out, cg, 1, k]);
  return as1d(what, /^conv2d$/, [[x4, x], [w4, weight]], () => lengths(conv2d(x4, w4, bias, {
    stride: [1, stride], dilation: [1, dilation], groups: o.groups, padding: typeof padding === 'number' ? [0, padding] : padding,
  })));
}

/**
 * A 1-d pooling as its 2-d twin over images one row high: the kernel, stride, padding and dilation
 * (max pooling's) as [1, v] or [0, v]; the other options as given. `pool` runs the 2-d op and
 * returns its result back in 1-d shapes (lengths), the values alone or with their indices.
 */
function pool1d<O extends { stride?: number; padding?: number; dilation?: number }, O2, R extends Tensor | PoolWithIndices>(x: Tensor, kernelSize: number,
  options: O | undefined, what: string, kinds: OptionKinds<O>, pool: (x4: Tensor, k: Size2, o: O2) => R): R {
  const x4 = rowImages(x, what);
  const o = optionsOf(options, what, kinds);
  const k = single(kernelSize, null, what, 'kernelSize', 1);
  const sizes = {
    stride: [1, single(o.stride, k, what, 'stride', 1)], padding: [0, single(o.padding, 0, what, 'padding', 0)],
    ...(o.dilation === undefined ? {} : { dilation: [1, single(o.dilation, 1, what, 'dilation', 1)] }),
  };
  return as1d(what, /^(maxPool2d|maxPool2dWithIndices|avgPool2d)$/, [[x4, x]], () => pool(x4, [1, k], { ...o, ...sizes } as unknown as O2));
}

const MAX_POOL_1D: OptionKinds<MaxPool1dOptions> = { stride: 'value', padding: 'value', dilation: 'value', ceilMode: 'boolean' };

/** 1-D max pooling of x [N, C, L] (or [C, L]), as torch.nn.functional.max_pool1d. */
export function maxPool1d(x: Tensor, kernelSize: number, options?: MaxPool1dOptions): Tensor {
  return pool1d(x, kernelSize, options, 'maxPool1d', MAX_POOL_1D, (x4, k, o: MaxPool2dOptions) => lengths(maxPool2d(x4, k, o)));
}

/**
 * maxPool1d's values and, as max_pool1d(return_indices=True), the position along L each was taken
 * from (what maxUnpool1d puts them back by).
 */
export function maxPool1dWithIndices(x: Tensor, kernelSize: number, options?: MaxPool1dOptions): PoolWithIndices {
  return pool1d(x, kernelSize, options, 'maxPool1dWithIndices', MAX_POOL_1D, (x4, k, o: MaxPool2dOptions) => {
    const { values, indices } = maxPool2dWithIndices(x4, k, o);
    return { values: lengths(values), indices: lengths(indices) };
  });
}

/** 1-D average pooling of x [N, C, L] (or [C, L]), as torch.nn.functional.avg_pool1d. */
export function avgPool1d(x: Tensor, kernelSize: number, options?: AvgPool1dOptions): Tensor {
  return pool1d(x, kernelSize, options, 'avgPool1d', { stride: 'value', padding: 'value', ceilMode: 'boolean', countIncludePad: 'boolean' },
    (x4, k, o: AvgPool2dOptions) => lengths(avgPool2d(x4, k, o)));
}

/**
 * The image [n, c, h, w] whose imageRows are `rows` summed back (imageRowsGrad, col2im) for the
 * windows of `g`; its gradient is imageRows of the image's gradient.
 */
export function imageFromRows(rows: Tensor, g: Geometry): Tensor {
  const geom = packed(g);
  const y = allocOutput(g.n * g.c * g.h * g.w);
  B().imageRowsGrad(rows.data, geom, 0, g.c, y);
  const out = record(y, [g.n, g.c, g.h, g.w], [rows], 'imageFromRows', (gy) => {
    const gr = allocOutput(rows.size);
    B().imageRows(gy, geom, 0, g.c, 0, gr);
    return [gr];
  });
  if (out.node) out.node.graphBackward = (gy) => [imageRowsOf(gy, g, 0, g.c, 0)];
  return out;
}

/**
 * 2-D transposed convolution (torch.nn.functional.conv_transpose2d, the gradient of conv2d with
 * respect to its input) of x [N, C, H, W] (or [C, H, W]) with weight [C, out / groups, kh, kw] and an
 * optional bias [out]: the output is [N, out, oh, ow], oh = (H - 1) stride - 2 padding + dilation
 * (kh - 1) + outputPadding + 1 (ow alike).
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options?: ConvTranspose2dOptions): Tensor {
  const what = 'convTranspose2d';
  checkTensor(x, what);
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${what}: input must be 3-D [C, H, W] or 4-D [N, C, H, W], got shape ${fmt(x.shape)}`);
  checkTensor(weight, what);
  if (bias !== null && !(bias instanceof Tensor)) throw new Error(`${what}: bias must be a Tensor or null, got ${shown(bias)}`);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', outputPadding: 'value', dilation: 'value', groups: 'value' });
  if (weight.ndim !== 4) throw new Error(`${what}: weight must be 4-D [in, out / groups, kh, kw], got shape ${fmt(weight.shape)}`);
  const batched = x.ndim === 4;
  const x4 = batched ? x : x.reshape([1, ...x.shape]);
  const [n, c, h, w] = x4.shape;
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${what}: groups must be a positive integer, got ${shown(groups)}`);
  const [cin, og, kh, kw] = weight.shape;
  if (cin !== c || c % groups !== 0) {
    throw new Error(`${what}: input ${fmt(x.shape)} (${c} channels) does not match weight ${fmt(weight.shape)} with groups ${groups} (expected ${cin} input channels, divisible by groups)`);
  }
  const out = og * groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== out)) throw new Error(`${what}: bias shape ${fmt(bias.shape)} does not match weight shape ${fmt(weight.shape)} with groups ${groups} (expected [${out}])`);
  const [sh, sw] = pair(o.stride, [1, 1], what, 'stride', 1);
  const [ph, pw] = pair(o.padding, [0, 0], what, 'padding', 0);
  const [dh, dw] = pair(o.dilation, [1, 1], what, 'dilation', 1);
  const [qh, qw] = pair(o.outputPadding, [0, 0], what, 'outputPadding', 0);
  if ((qh >= sh && qh >= dh) || (qw >= sw && qw >= dw)) {
    throw new Error(`${what}: outputPadding ${qh} x ${qw} must be smaller than the stride ${sh} x ${sw} or the dilation ${dh} x ${dw}`);
  }
  const oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + qh + 1;
  const ow = (w - 1) * sw - 2 * pw + dw * (kw - 1) + qw + 1;
  // The output's windows are the convolution's whose input gradient this is: one per input position.
  const g: Geometry = { n, c: og, h: oh, w: ow, kh, kw, sh, sw, ph, pw, dh, dw, oh: h, ow: w };
  if (oh < 1 || ow < 1) throw new Error(`${what}: the output size (${oh} x ${ow}) is too small for input ${fmt(x.shape)} with kernel ${kh} x ${kw}, stride ${sh} x ${sw}, padding ${ph} x ${pw}`);
  checkGeometry(g, x, what);
  // At stride 1 one image at a time is the convolution of x with the flipped weight, so it goes by
  // conv2d's rule for that convolution too (forward and backward, batch -> one image at a time, ms at
  // one / two threads: [32, 64, 28, 28] 3x3 to 64 89.4 / 50.7 -> 62.2 / 39.3; [32, 16, 32, 32] to 16
  // 21.4 / 11.4 -> 7.9 / 5.6; [8, 64, 56, 56] to 32 47.2 / 25.7 -> 30.4 / 17.8).
  const asConv = flippedConv(g, c);
  const byImage = n * h * w * og * kh * kw >= convByImageFloats() || (asConv !== null && runsByImage({ ...asConv, n }, og, c / groups));
  const y0 = byImage ? convTransposeByImage(x4, weight, g, groups) : convTransposeOfRows(x4, weight, g, groups);
  let y = y0;
  if (bias) {
    y = add(y0, bias.reshape([out, 1, 1]));
    letGoAfterBackward(y0);
  }
  return batched ? y : y.reshape([out, oh, ow]);
}

/**
 * convTranspose2d's product for the whole batch at once (no bias): the input's positions as rows [n h
 * w, c] times each group's weight [cg, og kh kw], summed into the output's windows (g: its window
 * geometry, as convTransposeByImage's).
 */
function convTransposeOfRows(x4: Tensor, weight: Tensor, g: Geometry, groups: number): Tensor {
  const [n, c, h, w] = x4.shape;
  const cg = c / groups, og = g.c;
  // The input as rows [n h w, c]: one per position, its channels along the row.
  const xPerm = x4.permute([0, 2, 3, 1]);
  const xRows = xPerm.reshape([n * h * w, c]);
  const parts: Tensor[] = [];
  let product: Tensor | null = null; // the one group's product, xRows's reader
  for (let k = 0; k < groups; k++) {
    const xk = groups === 1 ? xRows : narrow(xRows, 1, k * cg, cg);
    const wk = (groups === 1 ? weight : narrow(weight, 0, k * cg, cg)).reshape([cg, og * g.kh * g.kw]);
    const rows = matmul(xk, wk);
    product = rows;
    parts.push(imageFromRows(rows, g));
    letGoAfterRead(parts[k], rows);
  }
  // The input's reordered copy and the output before its bias are nobody else's: pooled once
  // backward has run through them (they went to the collector, ~150 KB a step of a small layer).
  letGoAfterBackward(xPerm);
  letGoAfterRead(groups === 1 ? product : null, xRows);
  if (groups === 1) return parts[0];
  const y = cat(parts, 1);
  letGoAfterBackward(...parts);
  return y;
}

/**
 * 1-D transposed convolution (torch.nn.functional.conv_transpose1d) of x [N, C, L] (or [C, L]) with
 * weight [C, out / groups, k] and an optional bias [out]: the output is [N, out, lo], lo = (L - 1)
 * stride - 2 padding + dilation (k - 1) + outputPadding + 1; convTranspose2d over one-row images.
 */
export function convTranspose1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options?: ConvTranspose1dOptions): Tensor {
  const what = 'convTranspose1d';
  const x4 = rowImages(x, what);
  checkTensor(weight, what);
  if (weight.ndim !== 3) throw new Error(`${what}: weight must be 3-D [in, out / groups, k], got shape ${fmt(weight.shape)}`);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', outputPadding: 'value', dilation: 'value', groups: 'value' });
  const stride = single(o.stride, 1, what, 'stride', 1);
  const padding = single(o.padding, 0, what, 'padding', 0);
  const outputPadding = single(o.outputPadding, 0, what, 'outputPadding', 0);
  const dilation = single(o.dilation, 1, what, 'dilation', 1);
  const [cin, og, k] = weight.shape;
  const w4 = weight.reshape([cin, og, 1, k]);
  return as1d(what, /^convTranspose2d$/, [[x4, x], [w4, weight]], () => lengths(convTranspose2d(x4, w4, bias, {
    stride: [1, stride], padding: [0, padding], outputPadding: [0, outputPadding], dilation: [1, dilation], groups: o.groups,
  })));
}
