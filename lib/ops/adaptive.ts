// Adaptive pooling, as torch.nn.functional's adaptive_{avg,max}_pool{1,2}d: output i along a side
// of n pools the inputs floor(i n / out) .. ceil((i + 1) n / out) - 1. Average pooling sums those
// windows on the avgPool kernel. The max pooling's windows differ in size, so each side's are
// gathered (indexSelect) into windows of one size k, the longest, a short window's last element
// repeated, and maxPool2d's kernel (torch's rule for ties and NaN) runs with kernel and stride k over
// the gathered image.
import { Tensor } from '../tensor';
import { fmt, sizeOf } from '../shape';
import { shown } from '../args';
import { checkTensor, letGoAfterBackward } from './core';
import { indexSelect, picksAllInOrder } from './index_ops';
import { as1d, lengths, rowImages } from './one_row';
import { maxPool2dWithIndices } from './conv';
import { adaptiveWindows, averagedWhole, averagePool, averageWindows, wholeSide } from './avg_pool';

/** An output size of a side: a positive integer, or null to keep the input's. */
export type AdaptiveSize = number | null;

/** One side's windows gathered to k elements each: the input index of each (window-major). */
export interface Windows { index: Int32Array; k: number }

/** The windows of a side of n to out, gathered to the longest's size, a short window's last element repeated. */
export function windowsOf(n: number, out: number): Windows {
  const { bounds, counts } = adaptiveWindows(n, out);
  const k = counts.reduce((m, l) => Math.max(m, l), 0);
  const index = new Int32Array(out * k);
  for (let i = 0; i < out; i++) {
    const [s, e] = [bounds[2 * i], bounds[2 * i + 1]];
    for (let a = 0; a < k; a++) index[i * k + a] = Math.min(s + a, e - 1);
  }
  return { index, k };
}

/** Whether a side's windows are its elements one by one (out = n): nothing to gather. */
export const oneByOne = (n: number, out: number) => n === out;

/**
 * The output sizes [oh, ow] of an adaptive 2-d pooling of x [N, C, H, W] (or [C, H, W]), checked as
 * torch checks them, or an error naming `what`.
 */
function outputSizes(x: Tensor, outputSize: AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize], what: string): [number, number] {
  checkTensor(x, what);
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${what}: input must be 3-D [C, H, W] or 4-D [N, C, H, W], got shape ${fmt(x.shape)}`);
  const sizes = typeof outputSize === 'number' || outputSize === null ? [outputSize, outputSize] : outputSize;
  if (!Array.isArray(sizes) || sizes.length !== 2 || !sizes.every((s) => s === null || (Number.isInteger(s) && s >= 1))) {
    throw new Error(`${what}: outputSize must be a positive integer or two of them [height, width] (null keeps that side), got ${shown(outputSize)}`);
  }
  // As torch: a batch may be empty, an image may not.
  if (x.shape.slice(x.ndim === 4 ? 1 : 0).some((s) => s === 0)) throw new Error(`${what}: the input's channels, height and width must not be 0, got shape ${fmt(x.shape)}`);
  const [h, w] = x.shape.slice(-2);
  const [oh, ow] = [sizes[0] ?? h, sizes[1] ?? w];
  // The windows gathered (a side's longest at most ceil(n / out) + 1 long) must fit the storage's
  // 2^32 elements and the kernels' int32 sides; checked before their index lists are made.
  const [gh, gw] = [oh * (Math.ceil(h / oh) + 1), ow * (Math.ceil(w / ow) + 1)];
  if (gh > 2 ** 31 - 1 || gw > 2 ** 31 - 1 || sizeOf([...x.shape.slice(0, -2), gh, gw]) > 2 ** 32) {
    throw new Error(`${what}: outputSize [${oh}, ${ow}] for input ${fmt(x.shape)} is too large: its windows would hold more than 2^32 elements (or a side more than 2^31 - 1)`);
  }
  return [oh, ow];
}

/**
 * 2-D adaptive average pooling of x [N, C, H, W] (or [C, H, W]) to outputSize [oh, ow] (one number
 * for both; null keeps that side), as torch.nn.functional.adaptive_avg_pool2d: output (i, j)
 * averages rows floor(i H / oh) .. ceil((i + 1) H / oh) - 1, and columns alike (each window's sum
 * divided by its height, then its width, as torch; to one element, the mean).
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize]): Tensor {
  const [oh, ow] = outputSizes(x, outputSize, 'adaptiveAvgPool2d');
  const [h, w] = x.shape.slice(-2);
  if (oh === 1 && ow === 1) return averagedWhole(x, 2);
  return averagePool(x, averageWindows(x.size / (h * w), [wholeSide, adaptiveWindows(h, oh), adaptiveWindows(w, ow)], 'bySide'), [...x.shape.slice(0, -2), oh, ow]);
}

/** A max pooling's values and where each was taken from, as torch's return_indices gives them. */
export interface PoolWithIndices {
  /** The pooled values. */
  values: Tensor;
  /** Each value's position within its plane (row * W + column; along L in 1-d), as float values. */
  indices: Tensor;
}

/**
 * 2-D adaptive max pooling of x [N, C, H, W] (or [C, H, W]) to outputSize, as
 * torch.nn.functional.adaptive_max_pool2d(return_indices=True): each window's largest value (the
 * first among ties; the last NaN if it holds any) and where in its plane it was taken from. The
 * gradient goes to that element.
 */
export function adaptiveMaxPool2dWithIndices(x: Tensor, outputSize: AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize]): PoolWithIndices {
  return adaptiveMax(x, outputSize, 'adaptiveMaxPool2dWithIndices');
}

/** adaptiveMaxPool2dWithIndices, its errors named `what`. */
function adaptiveMax(x: Tensor, outputSize: AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize], what: string): PoolWithIndices {
  const [oh, ow] = outputSizes(x, outputSize, what);
  const [h, w] = x.shape.slice(-2);
  const x4 = x.reshape([-1, 1, h, w]);
  const rows = oneByOne(h, oh) ? null : windowsOf(h, oh);
  const cols = oneByOne(w, ow) ? null : windowsOf(w, ow);
  // The view of x, the gathered windows and the results before their reshape are this function's
  // own (each a holder of storage that otherwise never went back to the pool).
  const made = new Set<Tensor>([x4]);
  let g = x4;
  if (cols && !picksAllInOrder(cols.index, w)) made.add((g = indexSelect(g, 3, cols.index)));
  if (rows && !picksAllInOrder(rows.index, h)) made.add((g = indexSelect(g, 2, rows.index)));
  const [kh, kw] = [rows?.k ?? 1, cols?.k ?? 1];
  const { values, indices } = maxPool2dWithIndices(g, [kh, kw]);
  // Positions in the gathered plane back to the input's.
  const gw = ow * kw;
  const at = indices.data;
  for (let e = 0; e < at.length; e++) {
    const [r, c] = [Math.floor(at[e] / gw), at[e] % gw];
    at[e] = (rows ? rows.index[r] : r) * w + (cols ? cols.index[c] : c);
  }
  const shape = [...x.shape.slice(0, -2), oh, ow];
  const result = { values: values.reshape(shape), indices: indices.reshape(shape) };
  letGoAfterBackward(...made, values, indices);
  return result;
}

/** adaptiveMaxPool2dWithIndices's values: torch.nn.functional.adaptive_max_pool2d. */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize]): Tensor {
  return adaptiveMax(x, outputSize, 'adaptiveMaxPool2d').values;
}

/** A 1-d output size, or an error naming `what`. */
function size1d(outputSize: number, what: string): number {
  if (!Number.isInteger(outputSize) || outputSize < 1) throw new Error(`${what}: outputSize must be a positive integer, got ${shown(outputSize)}`);
  return outputSize;
}

/** 1-D adaptive average pooling of x [N, C, L] (or [C, L]) to outputSize, as torch.nn.functional.adaptive_avg_pool1d. */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  const what = 'adaptiveAvgPool1d';
  const x4 = rowImages(x, what);
  const out = size1d(outputSize, what);
  return as1d(what, /^adaptiveAvgPool2d$/, [[x4, x]], () => lengths(adaptiveAvgPool2d(x4, [1, out])));
}

/** 1-D adaptive max pooling with torch's indices (positions along L), as adaptive_max_pool1d(return_indices=True). */
export function adaptiveMaxPool1dWithIndices(x: Tensor, outputSize: number): PoolWithIndices {
  const what = 'adaptiveMaxPool1dWithIndices';
  const x4 = rowImages(x, what);
  const out = size1d(outputSize, what);
  const { values, indices } = as1d(what, new RegExp(`^${what}$`), [[x4, x]], () => adaptiveMax(x4, [1, out], what));
  return { values: lengths(values), indices: lengths(indices) };
}

/** 1-D adaptive max pooling of x [N, C, L] (or [C, L]) to outputSize, as torch.nn.functional.adaptive_max_pool1d. */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number): Tensor {
  const what = 'adaptiveMaxPool1d';
  const x4 = rowImages(x, what);
  const out = size1d(outputSize, what);
  return as1d(what, new RegExp(`^${what}$`), [[x4, x]], () => lengths(adaptiveMax(x4, [1, out], what).values));
}
