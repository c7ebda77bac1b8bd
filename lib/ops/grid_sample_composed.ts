// gridSample composed of the library's ops (gathers of the four corners, bilinear weights, masks),
// torch's formulas (GridSampler.h) as the kernels have them: createGraph's form of gridSample, whose
// own gradients are then those ops' (torch 1.13 has no second derivative here at all). It was
// gridSample itself before the kernel pair (73.8 -> 16.7 ms forward for [32, 3, 128, 128]).
import { Tensor } from '../tensor';
import { composedOf } from './core';
import { where } from './more';
import type { GridSampleMode, GridSamplePadding } from './grid_sample';

/** input [N, C, H, W] sampled at grid [N, Ho, Wo, 2] as gridSample, its arguments checked there. */
export function composedGridSample(input: Tensor, grid: Tensor, mode: GridSampleMode, padding: GridSamplePadding, align: boolean): Tensor {
  const [n, c, h, w] = input.shape;
  const [, ho, wo] = grid.shape;
  const points = ho * wo;
  return composedOf((own) => {
    const ix = sourcePositions(own(grid.select(3, 0)), w, padding, align, own);
    const iy = sourcePositions(own(grid.select(3, 1)), h, padding, align, own);
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
