// Sampling images at arbitrary points, as torch.nn.functional's grid_sample and affine_grid (spatial
// transformers, warps): composed of the library's differentiable ops, so that the gradients with
// respect to the input and to the grid (through the bilinear weights) are theirs. torch's formulas
// (GridSampler.h): the grid's [-1, 1] unnormalized to pixel positions, the padding mode applied to
// the positions, then the four neighbours (bilinear) or the nearest (halves to even), each read where
// it lies inside the image and 0 elsewhere.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, shown } from '../args';
import { checkTensor, composedOf } from './core';
import { tensor } from './creation';
import { matmul } from './matmul';
import { where } from './more';

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
 * gives the grid no gradient, as torch).
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
  const points = ho * wo;
  return composedOf((own) => {
    const ix = sourcePositions(own(grid.select(3, 0)), w, padding as GridSamplePadding, align, own);
    const iy = sourcePositions(own(grid.select(3, 1)), h, padding as GridSamplePadding, align, own);
    const flat = own(input.reshape([n, c, h * w]));
    // The input at whole positions (xs, ys) [N, Ho, Wo] (no gradient of their own), times weight
    // [N, Ho, Wo] where they lie inside it: [N, C, Ho Wo].
    const read = (xs: Tensor, ys: Tensor, weight: Tensor | null): Tensor => {
      const inside = own(own(own(xs.ge(0)).mul(own(xs.le(w - 1)))).mul(own(own(ys.ge(0)).mul(own(ys.le(h - 1))))));
      const at = own(own(own(ys.clamp(0, h - 1)).mul(w)).add(own(xs.clamp(0, w - 1))));
      const index = own(own(at.reshape([n, 1, points])).expand([n, c, points]));
      const scale = own((weight ? own(weight.mul(inside)) : inside).reshape([n, 1, points]));
      return own(own(flat.gather(2, index)).mul(scale));
    };
    let out: Tensor;
    if (mode === 'nearest') out = read(own(own(ix.detach()).round()), own(own(iy.detach()).round()), null);
    else {
      const x0 = own(own(ix.detach()).floor()), y0 = own(own(iy.detach()).floor());
      const x1 = own(x0.add(1)), y1 = own(y0.add(1));
      // torch's weights: the far corner's distance on each side.
      const wx0 = own(x1.sub(ix)), wx1 = own(ix.sub(x0)), wy0 = own(y1.sub(iy)), wy1 = own(iy.sub(y0));
      out = own(read(x0, y0, own(wx0.mul(wy0))).add(read(x1, y0, own(wx1.mul(wy0)))));
      out = own(out.add(read(x0, y1, own(wx0.mul(wy1)))));
      out = own(out.add(read(x1, y1, own(wx1.mul(wy1)))));
    }
    return out.reshape([n, c, ho, wo]);
  }, [input, grid]);
}

/**
 * The grid's coordinates g (along a side of `size` pixels) as pixel positions, with the padding mode
 * applied (torch's grid_sampler_compute_source_index): 'border' clips them to the image,
 * 'reflection' reflects them at its edges (its outer edges, or the corner pixels' centres with
 * alignCorners) and then clips them.
 */
function sourcePositions(g: Tensor, size: number, padding: GridSamplePadding, align: boolean, own: (t: Tensor) => Tensor): Tensor {
  let p = align ? own(own(g.add(1)).mul((size - 1) / 2)) : own(own(own(own(g.add(1)).mul(size)).sub(1)).div(2));
  if (padding === 'zeros') return p;
  if (padding === 'reflection') p = align ? reflect(p, 0, 2 * (size - 1), own) : reflect(p, -1, 2 * size - 1, own);
  // torch's clip_coordinates_set_grad: no gradient at the edges themselves either (clamp passes it there).
  const inside = own(own(p.gt(0)).mul(own(p.lt(size - 1))));
  return own(where(inside, p, own(own(p.detach()).clamp(0, size - 1))));
}

/** torch's reflect_coordinates: p reflected into [twiceLow / 2, twiceHigh / 2] as many times as it takes. */
function reflect(p: Tensor, twiceLow: number, twiceHigh: number, own: (t: Tensor) => Tensor): Tensor {
  if (twiceLow === twiceHigh) return own(p.mul(0));
  const low = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
  // |p - low|, its gradient -1 below low and 1 from low on (torch's reflect_coordinates_set_grad; abs gives 0 at low).
  const shifted = own(p.sub(low));
  const away = own(where(own(shifted.lt(0)), own(shifted.neg()), shifted));
  const extra = own(away.fmod(span));
  const evenFlips = own(own(own(own(away.detach()).div(span)).floor()).remainder(2).eq(0));
  return own(where(evenFlips, own(extra.add(low)), own(own(extra.neg()).add(span + low))));
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
  const base = new Float32Array(h * w * 3);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) base.set([xs[j], ys[i], 1], (i * w + j) * 3);
  }
  return composedOf((own) => own(matmul(tensor(base, { shape: [h * w, 3] }), own(theta.transpose(1, 2)))).reshape([n, h, w, 2]), [theta]);
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
