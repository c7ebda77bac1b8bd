// Convolution and pooling over NCHW images, as torch.nn.functional's conv2d, max_pool2d and
// avg_pool2d. A convolution is lowered onto the GEMM: the image's windows as rows (imageRows, im2col)
// times the weight viewed as [out, in / groups * kh * kw], through linear, so that its bias, its
// gradients and its threading are linear's. Average pooling is the rows' sums over a divisor;
// max pooling has a kernel of its own (torch's ties and NaN, and the indices it returns).
import { B } from '../backend/registry';
import { firstInside } from '../window';
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { alloc, allocOutput } from '../storage';
import { shown, optionsOf } from '../args';
import { checkTensor, letGoAfterBackward, letGoAfterRead, record } from './core';
import { FusedActivation, linear } from './matmul';
import { cat, narrow } from './join';
import { add } from './binary';
import { gelu, relu, sigmoid, tanh } from './unary';
import { pad, padAlong } from './pad_resize';
import { convByImage } from './conv_by_image';
import { convRowsThen } from './conv_rows';
import { imageFromRows } from './conv_more';
import { convGraphGrads, imageGradRows } from './conv_graph';
import { addAt } from './offsets';
import { averagePool, averageWindows, slidingWindows, wholeSide } from './avg_pool';

/** A size of each of the two spatial dimensions: one number for both, or [height, width]. */
export type Size2 = number | readonly [number, number];

/** Options of conv2d and nn.Conv2d (each as torch.nn.functional.conv2d's). */
export interface Conv2dOptions {
  /** The step between windows (default 1). */
  stride?: Size2;
  /** Zeros added on each side (default 0); 'valid' is 0, 'same' keeps the size (stride 1; an odd total padded one more at the bottom and right, as torch). */
  padding?: Size2 | 'valid' | 'same';
  /** The step between a window's elements (default 1). */
  dilation?: Size2;
  /** Channel groups (default 1): in and out channels are cut into this many groups, each convolved alone. */
  groups?: number;
}

/** Options of maxPool2d and nn.MaxPool2d. */
export interface MaxPool2dOptions {
  /** The step between windows (default: the kernel size). */
  stride?: Size2;
  /** Implicit -infinity added on each side (default 0; at most half the kernel size). */
  padding?: Size2;
  /** The step between a window's elements (default 1). */
  dilation?: Size2;
  /** Round the output size up rather than down (default false): a last, partial window. */
  ceilMode?: boolean;
}

/** Options of avgPool2d and nn.AvgPool2d. */
export interface AvgPool2dOptions {
  /** The step between windows (default: the kernel size). */
  stride?: Size2;
  /** Zeros added on each side (default 0; at most half the kernel size). */
  padding?: Size2;
  /** Round the output size up rather than down (default false). */
  ceilMode?: boolean;
  /** Count the padding's zeros in each window's divisor (default true, as torch). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead (a non-zero integer). */
  divisorOverride?: number;
}

/**
 * `v` as one integer of at least `min` per spatial dim (`names`: [height, width], or [depth, height,
 * width]), one number standing for all, or an error naming `arg`; left out, the fallback (null: the
 * argument is required, as a kernel's size is).
 */
export function spatialSizes(v: number | readonly number[] | undefined, fallback: readonly number[] | null, what: string, arg: string, min: number,
  names: readonly string[]): number[] {
  if (v === undefined) {
    if (fallback === null) throw new Error(`${what}: ${arg} is required`);
    return [...fallback];
  }
  const p = typeof v === 'number' ? names.map(() => v) : v;
  if (!Array.isArray(p) || p.length !== names.length || !p.every((e) => Number.isInteger(e) && e >= min)) {
    throw new Error(`${what}: ${arg} must be an integer of at least ${min} or ${names.length === 2 ? 'two' : 'three'} of them [${names.join(', ')}], got ${shown(v)}`);
  }
  return [...p];
}

/** `v` as [height, width] (see spatialSizes). */
export function pair(v: Size2 | undefined, fallback: readonly [number, number] | null, what: string, arg: string, min: number): [number, number] {
  return spatialSizes(v, fallback, what, arg, min, ['height', 'width']) as [number, number];
}

/**
 * 'same' padding as torch splits each dim's total dilation * (k - 1), an odd total's extra at the
 * end: in pad's order (the last dim first, [before, after] each).
 */
export function samePads(kernel: readonly number[], dilation: readonly number[]): number[] {
  const pads: number[] = [];
  for (let d = kernel.length - 1; d >= 0; d--) {
    const total = dilation[d] * (kernel[d] - 1);
    pads.push(Math.floor(total / 2), total - Math.floor(total / 2));
  }
  return pads;
}

/** The window geometry of a call (IMAGE_GEOMETRY's order), by name. */
export interface Geometry {
  n: number; c: number; h: number; w: number; kh: number; kw: number; sh: number; sw: number;
  ph: number; pw: number; dh: number; dw: number; oh: number; ow: number;
}

/** The geometry as a kernel takes it. */
export function packed(g: Geometry): Int32Array {
  return Int32Array.of(g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow);
}

/** torch's output size along one dimension (pooling_output_shape; ceil mode's last window must start inside the image or its left padding). */
export function outputSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = Math.floor((span + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

/** x as 4-D [n, c, h, w] (a 3-D [c, h, w] taken as a batch of one), or an error naming `what`. */
export function images(x: Tensor, what: string): { x4: Tensor; batched: boolean } {
  checkTensor(x, what);
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${what}: input must be 3-D [C, H, W] or 4-D [N, C, H, W], got shape ${fmt(x.shape)}`);
  return x.ndim === 4 ? { x4: x, batched: true } : { x4: x.reshape([1, ...x.shape]), batched: false };
}

/**
 * An error naming `what` unless the geometry has an output and every one of its numbers fits the
 * int32 the kernels take it as (a stride of 2^31 would wrap to a negative one).
 */
export function checkGeometry(g: Geometry, x: Tensor, what: string): void {
  if (g.oh < 1 || g.ow < 1) {
    throw new Error(`${what}: the output size (${g.oh} x ${g.ow}) is too small for input ${fmt(x.shape)} with kernel ${g.kh} x ${g.kw}, stride ${g.sh} x ${g.sw}, padding ${g.ph} x ${g.pw}, dilation ${g.dh} x ${g.dw}`);
  }
  const big = Object.entries(g).find(([, v]) => v > 2 ** 31 - 1);
  if (big) throw new Error(`${what}: ${big[0]} = ${big[1]} is larger than 2^31 - 1 (input ${fmt(x.shape)})`);
}

/**
 * The windows of x4 [n, c, h, w], channels [c0, c0 + cg), as rows [n oh ow, cg kh kw] (padding read
 * as `pad`); its gradient is the rows' gradient added back to the positions they were read from.
 */
export function imageRowsOf(x4: Tensor, g: Geometry, c0: number, cg: number, pad: number): Tensor {
  const geom = packed(g);
  const rows = allocOutput(g.n * g.oh * g.ow * cg * g.kh * g.kw);
  B().imageRows(x4.data, geom, c0, cg, pad, rows);
  const out = record(rows, [g.n * g.oh * g.ow, cg * g.kh * g.kw], [x4], 'imageRows', (gy) => {
    // Channels outside [c0, c0 + cg) get no gradient: zeros, unless the kernel writes them all.
    const gx = c0 === 0 && cg === g.c ? allocOutput(x4.size) : alloc(x4.size);
    B().imageRowsGrad(gy, geom, c0, cg, gx);
    return [gx];
  });
  // The group's channels, the others' zeros around them.
  if (out.node) out.node.graphBackward = (gy) => [padAlong(imageFromRows(gy, { ...g, c: cg }), 1, c0, g.c - c0 - cg)];
  return out;
}

/**
 * rows [n oh ow, channels] (one row per output position) as images [n, channels, oh, ow]. The rows
 * (and their view) are seen by nobody outside: their storage goes back to the pool once backward()
 * has run through them (as a Sequential's intermediates), not to the collector.
 */
function rowsToImages(y: Tensor, g: Geometry, channels: number, batched: boolean): Tensor {
  const view = y.reshape([g.n, g.oh * g.ow, channels]);
  const permuted = view.permute([0, 2, 1]);
  const out = permuted.reshape([g.n, channels, g.oh, g.ow]);
  // The permuted tensor too: it holds out's storage (a holder of its own), which otherwise never
  // went back to the pool, and a 6 MB array a step (a LeNet's first layer at batch 64) went to the
  // collector, whose mark-compacts then ran every other step.
  letGoAfterBackward(y, view, permuted);
  return batched ? out : out.reshape([channels, g.oh, g.ow]);
}


/**
 * 2-D convolution (cross-correlation, as torch.nn.functional.conv2d) of x [N, C, H, W] (or [C, H, W])
 * with weight [out, C / groups, kh, kw] and an optional bias [out]: the output is [N, out, oh, ow],
 * oh = floor((H + 2 padding - dilation (kh - 1) - 1) / stride) + 1 (and ow alike).
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options?: Conv2dOptions): Tensor {
  return conv2dThen(x, weight, bias, options, 'none');
}

/**
 * conv2d followed by an activation, applied in the GEMM's epilogue (its backward fused with the bias
 * gradient): nn.Sequential runs a Conv2d and the ReLU (Sigmoid, Tanh, GELU) after it this way.
 */
export function conv2dThen(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions | undefined, activation: FusedActivation): Tensor {
  const what = 'conv2d';
  const { x4, batched } = images(x, what);
  checkTensor(weight, what);
  if (bias !== null && !(bias instanceof Tensor)) throw new Error(`conv2d: bias must be a Tensor or null, got ${shown(bias)}`);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', dilation: 'value', groups: 'value' });
  if (weight.ndim !== 4) throw new Error(`conv2d: weight must be 4-D [out, in / groups, kh, kw], got shape ${fmt(weight.shape)}`);
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`conv2d: groups must be a positive integer, got ${shown(groups)}`);
  const [out, cg, kh, kw] = weight.shape;
  const c = x4.shape[1];
  if (c % groups !== 0 || out % groups !== 0 || cg * groups !== c) {
    throw new Error(`conv2d: input ${fmt(x.shape)} (${c} channels) does not match weight ${fmt(weight.shape)} with groups ${groups} (expected ${cg * groups} input channels, and out channels divisible by groups)`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== out)) throw new Error(`conv2d: bias shape ${fmt(bias.shape)} does not match weight shape ${fmt(weight.shape)} (expected [${out}])`);
  const [sh, sw] = pair(o.stride, [1, 1], what, 'stride', 1);
  const [dh, dw] = pair(o.dilation, [1, 1], what, 'dilation', 1);
  let ph: number, pw: number;
  let input = x4;
  if (o.padding === 'valid') [ph, pw] = [0, 0];
  else if (o.padding === 'same') {
    if (sh !== 1 || sw !== 1) throw new Error(`conv2d: padding 'same' needs stride 1, got ${sh} x ${sw}`);
    const pads = samePads([kh, kw], [dh, dw]);
    if (pads[0] === pads[1] && pads[2] === pads[3]) [ph, pw] = [pads[2], pads[0]];
    else {
      // An odd total, as torch pads it: the extra row and column at the bottom and right, which the
      // windows (symmetric) cannot say; so the input is padded first.
      input = pad(x4, pads);
      [ph, pw] = [0, 0];
    }
  } else [ph, pw] = pair(o.padding, [0, 0], what, 'padding', 0);
  const [n, , h, w] = input.shape;
  const g: Geometry = { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh: outputSize(h, kh, sh, ph, dh, false), ow: outputSize(w, kw, sw, pw, dw, false) };
  checkGeometry(g, x, what);
  const og = out / groups;
  if (groups > 1 && cg === 1) return depthwise(input, weight, bias, g, og, activation, batched);
  if (runsByImage(g, og, cg)) {
    const y = thenActivation(convByImage(input, weight, bias, g, groups), activation);
    return batched ? y : y.reshape(y.shape.slice(1));
  }
  if (groups === 1) return rowsToImages(convRowsThen(input, weight.reshape([out, cg * kh * kw]), bias, g, activation), g, out, batched);
  const parts: Tensor[] = [];
  for (let k = 0; k < groups; k++) {
    // Each group reads its own channels.
    const rows = imageRowsOf(narrow(input, 1, k * cg, cg), { ...g, c: cg }, 0, cg, 0);
    parts.push(linear(rows, narrow(weight, 0, k * og, og).reshape([og, cg * kh * kw]), bias && narrow(bias, 0, k * og, og), activation));
    letGoAfterRead(parts[k], rows);
  }
  const y = rowsToImages(cat(parts, 1), g, out, batched);
  letGoAfterBackward(...parts);
  return y;
}

// Convolutions whose rows (one channel group's, all images) would hold this many floats (64 MiB)
// run one image at a time (conv_by_image.ts): the batch path's rows are an input of the GEMM that
// backward keeps until the weight's gradient, so a network of such layers held all of them at once,
// and past 32 MiB each was a fresh mapping to fault in. Two 3x3 convolutions with ReLU between,
// forward and backward (a .scratch loop, medians of 8 steps, 2 alternated runs each; a noisy host),
// batch path -> one image at a time, ms at 1 / 2 threads: [32, 64, 56, 56] (rows 57.8M floats)
// 588-617 / 316-508 -> 286-403 / 194-271, and 1.13 GB -> 0.41 GB resident (PyTorch 1.13: 632 / 228,
// 0.54-0.60 GB); below this size one image at a time was faster at one thread and slower at two:
// [32, 64, 28, 28] (14.5M) 174-182 / 91-111 -> 132-159 / 103-124, [64, 32, 28, 28] 129-131 / 83-86
// -> 104-105 / 95-96, [8, 64, 56, 56] 137-138 / 100 -> 122-125 / 99-108. convTranspose2d (4x4,
// stride 2, 64 -> 32 channels) on [16, 64, 64, 64] (rows 33.5M): 254-269 / 170-186 -> 147-164 /
// 121-123 ms, 0.57 -> 0.33 GB (PyTorch 558 / 492); its smaller sizes ran as fast or faster one image
// at a time too, but a generator's first layer (a batch of 1x1 inputs) would be a matrix-vector
// product per image, so it keeps the same threshold.
let byImageFloats = 1 << 24;

// Where the native backend reads a convolution's windows from the image itself (its gemm_shifted.cc,
// session 68: stride 1, windows of at least 64 entries, at most 64 output channels per group, and an
// image wide enough that few windows wrap around a row's end), one image at a time gains from an
// eighth of that size (2M floats). Forward and backward with the input's gradient (.scratch loop,
// medians of 5 rounds alternating the two paths), batch -> one image at a time, ms at 1 / 2
// threads: [32, 16, 32, 32] 3x3 to 16 (4.7M) 17.7 / 13.3 -> 8.3 / 6.8; [8, 64, 56, 56] to 64
// (14.5M) 87.5 / 48.1 -> 59.7 / 35.2; [32, 64, 28, 28] 81.9 / 53.3 -> 63.2 / 42.9; [128, 32, 16, 16]
// to 32 (4.7M) 42.6 / 25.3 -> 26.8 / 23.6; conv1d [32, 64, 1024], 5 taps to 64 (10.5M) 66.9 / 42.6 ->
// 46.6 / 44.8. Not so for the others: a first layer of 1 or 3 channels ([128, 3, 32, 32] to 64:
// 39.7 / 28.7 -> 50.6 / 56.4), 128 output channels ([32, 64, 16, 16]: 48.2 / 30.5 -> 42.7 / 31.9;
// [64, 128, 8, 8]: 48.7 / 27.1 -> 49.6 / 35.5).
function readsWindowsInPlace(g: Geometry, og: number, cg: number): boolean {
  return g.sh === 1 && g.sw === 1 && cg * g.kh * g.kw >= 64 && og <= 64 && 8 * g.dw * (g.kw - 1) < g.w + 2 * g.pw;
}

/** @internal Whether conv2d over g (og outputs and cg inputs per group) runs one image at a time. */
export function runsByImage(g: Geometry, og: number, cg: number): boolean {
  const rows = g.n * g.oh * g.ow * cg * g.kh * g.kw;
  return rows >= byImageFloats || (rows >= byImageFloats / 8 && readsWindowsInPlace(g, og, cg));
}

/** The rows size (floats) from which conv2d and convTranspose2d run one image at a time. */
export function convByImageFloats(): number {
  return byImageFloats;
}

/** @internal Sets the rows size from which conv2d and convTranspose2d run one image at a time (tests); returns the old one. */
export function setConvByImageFloats(floats: number): number {
  const old = byImageFloats;
  byImageFloats = floats;
  return old;
}

const ACTIVATIONS: Record<Exclude<FusedActivation, 'none'>, (t: Tensor) => Tensor> = { relu, sigmoid, tanh, gelu };

/**
 * A depthwise convolution (groups = channels, m = og outputs per channel) by its own kernels: one
 * GEMM per channel (the grouped path) took 106 ms forward and backward for [64, 32, 28, 28] 3x3 at
 * one thread (PyTorch 119). The bias and the activation are ops after it.
 */
function depthwise(x4: Tensor, weight: Tensor, bias: Tensor | null, g: Geometry, m: number, activation: FusedActivation, batched: boolean): Tensor {
  const geom = packed(g);
  const outShape = [g.n, g.c * m, g.oh, g.ow];
  const out = allocOutput(g.n * g.c * m * g.oh * g.ow);
  B().depthwiseConv2d(x4.data, geom, m, weight.data, out);
  let y = record(out, outShape, [x4, weight], 'conv2d', (gy) => {
    let gx: Float32Array | null = null, gw: Float32Array | null = null;
    if (x4.requiresGrad) B().depthwiseConv2dGradInput(gy, geom, m, weight.data, gx = allocOutput(x4.size));
    if (weight.requiresGrad) B().depthwiseConv2dGradWeight(gy, x4.data, geom, m, gw = allocOutput(weight.size));
    return [gx, gw];
  });
  if (y.node) {
    y.node.graphBackward = (gy) => {
      const { gx, gw } = convGraphGrads(imageGradRows(gy), x4, weight, g, g.c);
      return [gx, gw];
    };
  }
  if (bias) {
    const conv = y;
    y = add(y, bias.reshape([g.c * m, 1, 1]));
    letGoAfterBackward(conv);
  }
  y = thenActivation(y, activation);
  return batched ? y : y.reshape(outShape.slice(1));
}

/** activation(y) as an op after y (y let go after backward), or y itself for 'none'. */
function thenActivation(y: Tensor, activation: FusedActivation): Tensor {
  if (activation === 'none') return y;
  const out = ACTIVATIONS[activation](y);
  letGoAfterBackward(y);
  return out;
}

/** The geometry of a pooling call, checked as torch checks it (pad at most half the kernel). */
function poolGeometry(x4: Tensor, x: Tensor, kernelSize: Size2, stride: Size2 | undefined, padding: Size2 | undefined,
  dilation: Size2 | undefined, ceil: boolean, what: string): Geometry {
  const [kh, kw] = pair(kernelSize, null, what, 'kernelSize', 1);
  const [sh, sw] = pair(stride, [kh, kw], what, 'stride', 1);
  const [ph, pw] = pair(padding, [0, 0], what, 'padding', 0);
  const [dh, dw] = pair(dilation, [1, 1], what, 'dilation', 1);
  if (ph > kh / 2 || pw > kw / 2) throw new Error(`${what}: padding ${ph} x ${pw} must be at most half the kernel size ${kh} x ${kw}`);
  const [n, c, h, w] = x4.shape;
  const g = { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh: outputSize(h, kh, sh, ph, dh, ceil), ow: outputSize(w, kw, sw, pw, dw, ceil) };
  checkGeometry(g, x, what);
  return g;
}

/** Whether every window along a dimension has an element inside the image. */
export function windowsMeetImage(size: number, out: number, k: number, s: number, p: number, d: number): boolean {
  for (let i = 0; i < out; i++) {
    const first = firstInside(i * s - p, d);
    if (first >= size || first > i * s - p + (k - 1) * d) return false;
  }
  return true;
}

/**
 * The values of a max pooling, the offsets in x of the elements taken (over `offsets`' storage: the
 * caller lets go of it once read), and the sizes to turn those into torch's indices.
 */
interface MaxPoolResult { values: Tensor; at: Int32Array; offsets: Tensor; shape: number[]; plane: number; outsPerPlane: number }

function maxPool(x: Tensor, kernelSize: Size2, options: MaxPool2dOptions | undefined, what: string): MaxPoolResult {
  const { x4, batched } = images(x, what);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', dilation: 'value', ceilMode: 'boolean' });
  const g = poolGeometry(x4, x, kernelSize, o.stride, o.padding, o.dilation, o.ceilMode ?? false, what);
  if (!windowsMeetImage(g.h, g.oh, g.kh, g.sh, g.ph, g.dh) || !windowsMeetImage(g.w, g.ow, g.kw, g.sw, g.pw, g.dw)) {
    throw new Error(`${what}: a window of kernel ${g.kh} x ${g.kw}, dilation ${g.dh} x ${g.dw} lies wholly in the padding of input ${fmt(x.shape)}`);
  }
  const outs = g.n * g.c * g.oh * g.ow;
  const y = allocOutput(outs);
  const { offsets, at } = takenOffsets(outs);
  B().maxPool2d(x4.data, packed(g), y, at);
  const shape = batched ? [g.n, g.c, g.oh, g.ow] : [g.c, g.oh, g.ow];
  return { values: taken(x, y, shape, offsets, at, what), at, offsets, shape, plane: g.h * g.w, outsPerPlane: g.oh * g.ow };
}

/**
 * Room for the offsets in x of the values a max pooling takes, as int32 over float storage that a
 * constant input of the node holds (taken()), so that it goes back to the pool once the backward has
 * read it: a fresh Int32Array a step was all of a CNN's step that still went to the collector. The
 * caller lets go of `offsets` once it has read `at`.
 */
export function takenOffsets(outs: number): { offsets: Tensor; at: Int32Array } {
  const offsets = new Tensor(allocOutput(outs), [outs]);
  return { offsets, at: new Int32Array(offsets.data.buffer, offsets.data.byteOffset, outs) };
}

/** The values y of a max pooling of x as an op whose gradient goes to the element each took (`at`; -1 none), as gather's backward. */
export function taken(x: Tensor, y: Float32Array, shape: number[], offsets: Tensor, at: Int32Array, what: string): Tensor {
  const out = record(y, shape, [x, offsets], what, (gy) => {
    const gx = alloc(x.size);
    B().indexRowsGrad(gy, 1, x.size, 1, at, gx, -1);
    return [gx, null];
  });
  // The offsets copied while the node (and so `offsets`' storage) is alive.
  if (out.node) out.node.graphBackward = (gy) => [addAt(gy, at.slice(), x.shape)];
  return out;
}

/**
 * 2-D max pooling of x [N, C, H, W] (or [C, H, W]), as torch.nn.functional.max_pool2d: each window's
 * largest value (NaN if it holds one); the gradient goes to the position taken.
 */
export function maxPool2d(x: Tensor, kernelSize: Size2, options?: MaxPool2dOptions): Tensor {
  const { values, offsets } = maxPool(x, kernelSize, options, 'maxPool2d');
  letGoAfterRead(values, offsets);
  return values;
}

/**
 * maxPool2d's values and, as max_pool2d(return_indices=True), the position each was taken from
 * within its plane (row * W + column), as float values.
 */
export function maxPool2dWithIndices(x: Tensor, kernelSize: Size2, options?: MaxPool2dOptions): { values: Tensor; indices: Tensor } {
  const { values, at, offsets, shape, plane, outsPerPlane } = maxPool(x, kernelSize, options, 'maxPool2dWithIndices');
  const indices = allocOutput(at.length);
  for (let e = 0; e < at.length; e++) indices[e] = at[e] - Math.floor(e / outsPerPlane) * plane;
  letGoAfterRead(values, offsets);
  return { values, indices: new Tensor(indices, shape) };
}

/**
 * 2-D average pooling of x [N, C, H, W] (or [C, H, W]), as torch.nn.functional.avg_pool2d: each
 * window's sum over its size (the padding counted unless countIncludePad is false; divisorOverride
 * in place of either).
 */
export function avgPool2d(x: Tensor, kernelSize: Size2, options?: AvgPool2dOptions): Tensor {
  const what = 'avgPool2d';
  const { x4, batched } = images(x, what);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', ceilMode: 'boolean', countIncludePad: 'boolean', divisorOverride: 'value' });
  const g = poolGeometry(x4, x, kernelSize, o.stride, o.padding, undefined, o.ceilMode ?? false, what);
  const override = o.divisorOverride;
  if (override !== undefined && (!Number.isInteger(override) || override === 0)) throw new Error(`avgPool2d: divisorOverride must be a non-zero integer, got ${shown(override)}`);
  const include = o.countIncludePad ?? true;
  const sides = [wholeSide, slidingWindows(g.h, g.oh, g.kh, g.sh, g.ph, include), slidingWindows(g.w, g.ow, g.kw, g.sw, g.pw, include)] as const;
  return averagePool(x, averageWindows(g.n * g.c, sides, { override }), batched ? [g.n, g.c, g.oh, g.ow] : [g.c, g.oh, g.ow]);
}

