// Sampling images at arbitrary points, as torch.nn.functional's grid_sample and affine_grid (spatial
// transformers, warps). gridSample is a kernel pair (native/src/kernels/grid_sample.cc, its twin
// reference/grid_sample.ts): torch's formulas, the grid's [-1, 1] unnormalized to pixel positions,
// the padding mode applied to them, then the four neighbours (bilinear) or the nearest (halves to
// even), each read where it lies inside the image and 0 elsewhere. Composed of the library's ops
// (gathers of the four corners, weights, masks: grid_sample_composed.ts, createGraph's form) it took
// 74 ms forward for [32, 3, 128, 128] at one thread, PyTorch 23. affineGrid is a product with a
// constant base grid.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, shown } from '../args';
import { B } from '../backend/registry';
import { allocOutput } from '../storage';
import { checkTensor, composedOf, record } from './core';
import { matmul } from './matmul';
import { recomposedRule } from '../autograd_graph';
import { composedGridSample } from './grid_sample_composed';
import { zerosLike } from './creation';

/** How gridSample reads the input between pixels. */
export type GridSampleMode = 'bilinear' | 'nearest';
/** What gridSample reads for points outside the input. */
export type GridSamplePadding = 'zeros' | 'border' | 'reflection';

/** Options of gridSample (torch.nn.functional.grid_sample's). */
export interface GridSampleOptions {
  /** 'bilinear' (default): the four neighbours weighted; 'nearest': the nearest pixel (halves to even). */
  mode?: GridSampleMode;
  /** 'zeros' (default): 0 outside; 'border': the nearest edge pixel; 'reflection': positions reflected at the edges. */
  paddingMode?: GridSamplePadding;
  /** -1 and 1 are the corner pixels' centres (true) or the image's outer edges (false, default). */
  alignCorners?: boolean;
}

const MODES: readonly string[] = ['bilinear', 'nearest'];
const PADDINGS: readonly string[] = ['zeros', 'border', 'reflection'];

/**
 * Samples input [N, C, H, W] at the points of grid [N, Ho, Wo, 2] (x then y, each in [-1, 1] across
 * the input's width and height; outside that, as paddingMode says): [N, C, Ho, Wo], as
 * torch.nn.functional.grid_sample. Differentiable with respect to both input and grid ('nearest'
 * gives the grid a zero gradient, as torch).
 */
export function gridSample(input: Tensor, grid: Tensor, options?: GridSampleOptions): Tensor {
  const what = 'gridSample';
  checkTensor(input, what);
  checkTensor(grid, what);
  const o = optionsOf(options, what, { mode: 'value', paddingMode: 'value', alignCorners: 'value' });
  const mode = o.mode ?? 'bilinear', padding = o.paddingMode ?? 'zeros', align = o.alignCorners ?? false;
  if (!MODES.includes(mode)) throw new Error(`${what}: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${shown(mode)}${(mode as string) === 'bicubic' ? ' (bicubic is not supported)' : ''}`);
  if (!PADDINGS.includes(padding)) throw new Error(`${what}: paddingMode must be one of ${PADDINGS.map((m) => `'${m}'`).join(', ')}, got ${shown(padding)}`);
  if (typeof align !== 'boolean') throw new Error(`${what}: alignCorners must be a boolean, got ${shown(align)}`);
  if (input.ndim !== 4) throw new Error(`${what}: input must be 4-D [N, C, H, W], got shape ${fmt(input.shape)}${input.ndim === 5 ? ' (volumes are not supported)' : ''}`);
  const [n, c, h, w] = input.shape;
  if (grid.ndim !== 4 || grid.shape[0] !== n || grid.shape[3] !== 2) {
    throw new Error(`${what}: grid must be [N, Ho, Wo, 2] with input's N = ${n}, got shape ${fmt(grid.shape)} for input ${fmt(input.shape)}`);
  }
  if (h === 0 || w === 0) throw new Error(`${what}: input ${fmt(input.shape)} has no pixels to sample`);
  const [, ho, wo] = grid.shape;
  const dims = Int32Array.of(n, c, h, w, ho, wo);
  const modeCode = MODES.indexOf(mode), paddingCode = PADDINGS.indexOf(padding);
  const out = allocOutput(n * c * ho * wo);
  B().gridSample(input.data, grid.data, out, dims, modeCode, paddingCode, align);
  const y = record(out, [n, c, ho, wo], [input, grid], 'gridSample', (gy) => {
    const gx = input.requiresGrad ? allocOutput(input.size) : null;
    const gg = grid.requiresGrad ? allocOutput(grid.size) : null;
    B().gridSampleGrad(gy, input.data, grid.data, dims, modeCode, paddingCode, align, gx, gg);
    return [gx, gg];
  });
  if (y.node) {
    // 'nearest' reads the grid through rounding alone: its gradient is zeros there, as the kernels' and torch's.
    const rule = recomposedRule([input, grid], () => composedGridSample(input, grid, mode as GridSampleMode, padding as GridSamplePadding, align));
    y.node.graphBackward = (gy) => {
      const [gx, gg] = rule(gy);
      return [gx, gg ?? (grid.requiresGrad ? zerosLike(grid) : null)];
    };
  }
  return y;
}

/**
 * The sampling grid [N, H, W, 2] of the affine maps theta [N, 2, 3] for an output of `size` [N, C, H,
 * W], as torch.nn.functional.affine_grid: each output pixel's (x, y) in [-1, 1] (the corner pixels'
 * centres with alignCorners, else the outer edges) mapped by theta. For gridSample; differentiable
 * with respect to theta.
 */
export function affineGrid(theta: Tensor, size: readonly number[], alignCorners = false): Tensor {
  const what = 'affineGrid';
  checkTensor(theta, what);
  if (typeof alignCorners !== 'boolean') throw new Error(`${what}: alignCorners must be a boolean, got ${shown(alignCorners)}`);
  if (!Array.isArray(size) || size.length !== 4 || !size.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(`${what}: size must be [N, C, H, W], four positive integers, got ${shown(size)}${Array.isArray(size) && size.length === 5 ? ' (volumes are not supported)' : ''}`);
  }
  const [n, , h, w] = size;
  if (theta.ndim !== 3 || theta.shape[0] !== n || theta.shape[1] !== 2 || theta.shape[2] !== 3) {
    throw new Error(`${what}: theta must be [N, 2, 3] with size's N = ${n}, got shape ${fmt(theta.shape)}`);
  }
  // The output pixels' (x, y, 1), row by row, as torch's base grid.
  const xs = steps(w, alignCorners), ys = steps(h, alignCorners);
  const base = allocOutput(h * w * 3);
  for (let i = 0, at = 0; i < h; i++) {
    for (let j = 0; j < w; j++, at += 3) {
      base[at] = xs[j];
      base[at + 1] = ys[i];
      base[at + 2] = 1;
    }
  }
  return composedOf((own) => own(matmul(own(new Tensor(base, [h * w, 3])), own(theta.transpose(1, 2)))).reshape([n, h, w, 2]), [theta]);
}

/** torch's linspace_from_neg_one: `count` points from -1 to 1 (scaled by (count - 1) / count unless alignCorners), in float32. */
function steps(count: number, alignCorners: boolean): Float32Array {
  const out = new Float32Array(count);
  if (count <= 1) return out;
  const step = Math.fround(2 / (count - 1));
  for (let i = 0; i < count; i++) {
    // torch's linspace: from the start for the first half, from the end for the rest.
    const v = i < count / 2 ? Math.fround(-1 + Math.fround(step * i)) : Math.fround(1 - Math.fround(step * (count - 1 - i)));
    out[i] = alignCorners ? v : Math.fround(Math.fround(v * (count - 1)) / count);
  }
  return out;
}
