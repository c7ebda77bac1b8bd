// 3-D max pooling as torch.nn.functional's max_pool3d and adaptive_max_pool3d: one kernel call over
// the volumes (Backend.maxPool3d: each window scanned by depth, row and column, a larger value or any
// NaN taking the place, as torch's CPU kernels scan), and the gradient to the one element each
// window took. (Made of 2-D poolings of the depth slices combined by maximum or amax, as before,
// the values were the same but a tie across slices split its gradient between them.)
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf } from '../args';
import { allocOutput } from '../storage';
import { noGrad } from '../autograd';
import { letGoAfterBackward, letGoAfterRead } from './core';
import { outputSize, taken, takenOffsets, windowsMeetImage } from './conv';
import { indexSelect, picksAllInOrder } from './index_ops';
import { AdaptiveSize, oneByOne, windowsOf } from './adaptive';
import { adaptiveSizes, MaxPool3dOptions, poolSizes, Size3, triple, volumes } from './conv3d';

/** The sizes of a 3-D window geometry, each [depth, height, width]. */
interface Windows3 { kernel: number[]; stride: number[]; padding: number[]; dilation: number[]; out: number[] }

/**
 * x5 [N, C, D, H, W] pooled over `g`'s windows by the backend's kernel: the values [N, C, oD, oH, oW]
 * and the offset in x5 of each one taken (conv.ts's takenOffsets).
 */
function pooled(x5: Tensor, g: Windows3): { y: Float32Array; offsets: Tensor; at: Int32Array } {
  const [n, c, d, h, w] = x5.shape;
  const { kernel: k, stride: s, padding: p, dilation: dl, out } = g;
  const y = allocOutput(n * c * out[0] * out[1] * out[2]);
  const { offsets, at } = takenOffsets(y.length);
  B().maxPool3d(x5.data, Int32Array.of(n, c, h, w, k[1], k[2], s[1], s[2], p[1], p[2], dl[1], dl[2], out[1], out[2]),
    Int32Array.of(d, k[0], s[0], p[0], dl[0], out[0]), y, at);
  return { y, offsets, at };
}

/** The pooled values as an op of x whose gradient goes to the element each took (conv.ts's taken); the offsets let go. */
function routed(x: Tensor, y: Float32Array, shape: number[], offsets: Tensor, at: Int32Array, what: string): Tensor {
  const values = taken(x, y, shape, offsets, at, what);
  letGoAfterRead(values, offsets);
  return values;
}

/** Each output's position in its [D, H, W] volume, from offsets in x (max_pool3d's return_indices), as float values. */
function positionsOf(at: Int32Array, outsPerVolume: number, volume: number, shape: number[]): Tensor {
  const positions = allocOutput(at.length);
  for (let e = 0; e < at.length; e++) positions[e] = at[e] - Math.floor(e / outsPerVolume) * volume;
  return new Tensor(positions, shape);
}

/**
 * 3-D max pooling as torch.nn.functional.max_pool3d (no indices): each window's largest value (the
 * first in torch's scan among ties; the last NaN if it holds any), whose element takes the gradient.
 */
export function maxPool3d(x: Tensor, kernelSize: Size3, options?: MaxPool3dOptions): Tensor {
  return maxPool3dParts(x, kernelSize, options, 'maxPool3d', false).values;
}

/** maxPool3d's values and, with `withIndices`, each one's position in its volume (maxPool3dWithIndices). */
export function maxPool3dParts(x: Tensor, kernelSize: Size3, options: MaxPool3dOptions | undefined, what: string,
  withIndices: boolean): { values: Tensor; indices: Tensor | null } {
  const { x5, batched } = volumes(x, what);
  const o = optionsOf(options, what, { stride: 'value', padding: 'value', dilation: 'value', ceilMode: 'boolean' });
  const dilation = triple(o.dilation, [1, 1, 1], what, 'dilation', 1);
  const { sizes: [kernel, stride, padding], outDepth } = poolSizes(x5, kernelSize, o, dilation[0], what);
  const ceil = o.ceilMode ?? false;
  const sizes = x5.shape.slice(2);
  const out = [outDepth];
  for (const i of [1, 2]) {
    const side = i === 1 ? 'height' : 'width';
    if (2 * padding[i] > kernel[i]) throw new Error(`${what}: padding must be at most half the kernel size, got padding ${padding[i]} and kernel size ${kernel[i]} in ${side}`);
    out.push(outputSize(sizes[i], kernel[i], stride[i], padding[i], dilation[i], ceil));
    if (out[i] < 1) throw new Error(`${what}: the input's ${side} ${sizes[i]} (padded) is smaller than the kernel's extent ${dilation[i] * (kernel[i] - 1) + 1}`);
  }
  if (!sizes.every((s, i) => windowsMeetImage(s, out[i], kernel[i], stride[i], padding[i], dilation[i]))) {
    throw new Error(`${what}: a window of kernel ${kernel.join(' x ')}, dilation ${dilation.join(' x ')} lies wholly in the padding of input ${fmt(x.shape)}`);
  }
  const { y, offsets, at } = pooled(x5, { kernel, stride, padding, dilation, out });
  const shape = [...(batched ? [x5.shape[0]] : []), x5.shape[1], ...out];
  const indices = withIndices ? positionsOf(at, out[0] * out[1] * out[2], sizes[0] * sizes[1] * sizes[2], shape) : null;
  return { values: routed(x, y, shape, offsets, at, what), indices };
}

/**
 * 3-D adaptive max pooling as torch.nn.functional.adaptive_max_pool3d (no indices): output i along a
 * side of n takes the largest of inputs floor(i n / out) .. ceil((i + 1) n / out) - 1 (the first in
 * torch's scan among ties; the last NaN), whose element takes the gradient. Each side's windows are
 * gathered to the longest's size k by repeating a short one's last element (adaptive.ts), and
 * pooled with kernel and stride k.
 */
export function adaptiveMaxPool3d(x: Tensor, outputSize: AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize, AdaptiveSize]): Tensor {
  return adaptiveMaxPool3dParts(x, outputSize, 'adaptiveMaxPool3d', false).values;
}

/**
 * adaptiveMaxPool3d with each value's position in its [D, H, W] volume, flattened (torch's
 * adaptive_max_pool3d(return_indices=True)).
 */
export function adaptiveMaxPool3dWithIndices(x: Tensor, outputSize: AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize, AdaptiveSize]): { values: Tensor; indices: Tensor } {
  const { values, indices } = adaptiveMaxPool3dParts(x, outputSize, 'adaptiveMaxPool3dWithIndices', true);
  return { values, indices: indices as Tensor };
}

/** adaptiveMaxPool3d's values and, with `withIndices`, each one's position in its volume. */
function adaptiveMaxPool3dParts(x: Tensor, outputSize: AdaptiveSize | readonly [AdaptiveSize, AdaptiveSize, AdaptiveSize], what: string,
  withIndices: boolean): { values: Tensor; indices: Tensor | null } {
  const { x5, batched } = volumes(x, what);
  const out = adaptiveSizes(x5, outputSize, what);
  const sizes = x5.shape.slice(2);
  const sides = sizes.map((s, i) => (oneByOne(s, out[i]) ? null : windowsOf(s, out[i])));
  const kernel = sides.map((w) => w?.k ?? 1);
  const gathered = noGrad(() => {
    const made: Tensor[] = [];
    let g = x5;
    sides.forEach((w, i) => {
      if (w && !picksAllInOrder(w.index, sizes[i])) made.push((g = indexSelect(g, 2 + i, w.index)));
    });
    letGoAfterBackward(...made.filter((t) => t !== g));
    return g;
  });
  const { y, offsets, at } = pooled(gathered, { kernel, stride: kernel, padding: [0, 0, 0], dilation: [1, 1, 1], out });
  if (gathered !== x5) {
    // Offsets in the gathered volumes back to x's.
    const [gd, gh, gw] = gathered.shape.slice(2);
    const [d, h, w] = sizes;
    const index = sides.map((s) => s?.index ?? null);
    for (let e = 0; e < at.length; e++) {
      const v = Math.floor(at[e] / (gd * gh * gw));
      let r = at[e] - v * gd * gh * gw;
      const z = Math.floor(r / (gh * gw));
      r -= z * gh * gw;
      const yy = Math.floor(r / gw), xx = r - yy * gw;
      at[e] = ((v * d + (index[0] ? index[0][z] : z)) * h + (index[1] ? index[1][yy] : yy)) * w + (index[2] ? index[2][xx] : xx);
    }
    gathered.dispose();
  }
  const shape = [...(batched ? [x5.shape[0]] : []), x5.shape[1], ...out];
  const indices = withIndices ? positionsOf(at, out[0] * out[1] * out[2], sizes[0] * sizes[1] * sizes[2], shape) : null;
  return { values: routed(x, y, shape, offsets, at, what), indices };
}
