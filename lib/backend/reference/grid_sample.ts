// Sampling NCHW images at the points of a grid: the specification of native/src/kernels/grid_sample.cc
// (torch's grid sampler, one point at a time), every step rounded to float32 as the kernel's are
// (not for the float64 storage of gradient checks).
import { Round, roundingOf } from '../../storage';

/** A grid coordinate as a pixel position along a side of `size`, and d(position) / d(coordinate). */
function sourceIndex(coord: number, size: number, padding: number, align: boolean, f: Round): [number, number] {
  let grad: number;
  if (align) {
    grad = f((size - 1) / 2);
    coord = f(f(f(coord + 1) / 2) * (size - 1));
  } else {
    grad = f(size / 2);
    coord = f(f(f(f(coord + 1) * size) - 1) / 2);
  }
  if (padding === 0) return [coord, grad];
  if (padding === 2) {
    // torch's reflect_coordinates_set_grad, over [twiceLow / 2, twiceHigh / 2].
    const twiceLow = align ? 0 : -1, twiceHigh = align ? 2 * (size - 1) : 2 * size - 1;
    if (twiceLow === twiceHigh) return [0, 0];
    const low = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
    let inside = f(coord - low), mult = 1;
    if (inside < 0) {
      mult = -1;
      inside = -inside;
    }
    const extra = f(inside % span);
    if (Math.floor(f(inside / span)) % 2 === 0) coord = f(extra + low);
    else {
      coord = f(f(span - extra) + low);
      mult = -mult;
    }
    grad = f(grad * mult);
  }
  // torch's clip_coordinates_set_grad: to [0, size - 1], no gradient at or past the edges.
  if (coord <= 0) return [0, 0];
  if (coord >= size - 1) return [size - 1, 0];
  return [coord, grad];
}

const inside = (y: number, x: number, h: number, w: number): boolean => y >= 0 && y < h && x >= 0 && x < w;

/** A whole pixel position; NaN, infinities and positions past 2^40 become -2, outside every image. */
const whole = (v: number): number => (Math.abs(v) < 2 ** 40 ? v : -2);

/** The nearest integer, halves to the even one (C's nearbyint). */
function nearest(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The points' positions in the input, from the grid, with their gradient factors. */
function positions(grid: Float32Array, p: number, h: number, w: number, padding: number, align: boolean, f: Round): [number, number, number, number] {
  const [ix, gradx] = sourceIndex(grid[2 * p], w, padding, align, f);
  const [iy, grady] = sourceIndex(grid[2 * p + 1], h, padding, align, f);
  return [ix, iy, gradx, grady];
}

/**
 * A point's four neighbours (torch's nw, ne, sw, se): the first's offset in a plane, each one's
 * weight and whether it lies inside the image, and the floors and ceilings of the position.
 */
interface Corners { nw: number; weights: [number, number, number, number]; in: [boolean, boolean, boolean, boolean]; fx0: number; fy0: number; fx1: number; fy1: number }

function corners(ix: number, iy: number, h: number, w: number, f: Round): Corners {
  const fx0 = Math.floor(ix), fy0 = Math.floor(iy), fx1 = f(fx0 + 1), fy1 = f(fy0 + 1);
  const x0 = whole(fx0), y0 = whole(fy0);
  return {
    nw: y0 * w + x0, fx0, fy0, fx1, fy1,
    weights: [f(f(fx1 - ix) * f(fy1 - iy)), f(f(ix - fx0) * f(fy1 - iy)), f(f(fx1 - ix) * f(iy - fy0)), f(f(ix - fx0) * f(iy - fy0))],
    in: [inside(y0, x0, h, w), inside(y0, x0 + 1, h, w), inside(y0 + 1, x0, h, w), inside(y0 + 1, x0 + 1, h, w)],
  };
}

export function gridSample(x: Float32Array, grid: Float32Array, out: Float32Array, dims: Int32Array, mode: number, padding: number, align: boolean): void {
  const [n, c, h, w, ho, wo] = dims;
  const points = ho * wo, plane = h * w;
  const f = roundingOf(out);
  for (let p = 0; p < n * points; p++) {
    const b = Math.floor(p / points), at = p % points;
    const [ix, iy] = positions(grid, p, h, w, padding, align, f);
    const image = b * c * plane, o = b * c * points + at;
    if (mode === 1) {
      const xn = whole(nearest(ix)), yn = whole(nearest(iy));
      const inImage = inside(yn, xn, h, w);
      for (let k = 0; k < c; k++) out[o + k * points] = inImage ? x[image + k * plane + yn * w + xn] : 0;
      continue;
    }
    const { nw, weights: [wnw, wne, wsw, wse], in: [inNw, inNe, inSw, inSe] } = corners(ix, iy, h, w, f);
    for (let k = 0; k < c; k++) {
      const src = image + k * plane;
      let acc = 0;
      if (inNw) acc = f(acc + f(x[src + nw] * wnw));
      if (inNe) acc = f(acc + f(x[src + nw + 1] * wne));
      if (inSw) acc = f(acc + f(x[src + nw + w] * wsw));
      if (inSe) acc = f(acc + f(x[src + nw + w + 1] * wse));
      out[o + k * points] = acc;
    }
  }
}

export function gridSampleGrad(gy: Float32Array, x: Float32Array, grid: Float32Array, dims: Int32Array, mode: number, padding: number, align: boolean,
  gx: Float32Array | null, ggrid: Float32Array | null): void {
  const [n, c, h, w, ho, wo] = dims;
  const points = ho * wo, plane = h * w;
  const f = roundingOf(gy);
  if (gx) gx.fill(0, 0, n * c * plane);
  for (let b = 0; b < n; b++) {
    const image = b * c * plane;
    for (let at = 0; at < points; at++) {
      const p = b * points + at;
      const [ix, iy, gradx, grady] = positions(grid, p, h, w, padding, align, f);
      const go = b * c * points + at;
      if (mode === 1) {
        const xn = whole(nearest(ix)), yn = whole(nearest(iy));
        if (gx && inside(yn, xn, h, w)) for (let k = 0; k < c; k++) gx[image + k * plane + yn * w + xn] = f(gx[image + k * plane + yn * w + xn] + gy[go + k * points]);
        if (ggrid) ggrid[2 * p] = ggrid[2 * p + 1] = 0;
        continue;
      }
      const { nw, fx0, fy0, fx1, fy1, weights: [wnw, wne, wsw, wse], in: [inNw, inNe, inSw, inSe] } = corners(ix, iy, h, w, f);
      let gix = 0, giy = 0;
      // Each corner: its share of the output's gradient to the input, and its value times the
      // weight's slopes to the position (torch's order of products).
      const corner = (k: number, off: number, weight: number, dx: number, dy: number) => {
        const gout = gy[go + k * points];
        if (gx) gx[image + k * plane + off] = f(gx[image + k * plane + off] + f(weight * gout));
        const v = x[image + k * plane + off];
        gix = f(gix + f(f(v * dx) * gout));
        giy = f(giy + f(f(v * dy) * gout));
      };
      for (let k = 0; k < c; k++) {
        // The slopes signed as torch's += and -=: a - b * c is a + (-b) * c, the same float.
        if (inNw) corner(k, nw, wnw, -f(fy1 - iy), -f(fx1 - ix));
        if (inNe) corner(k, nw + 1, wne, f(fy1 - iy), -f(ix - fx0));
        if (inSw) corner(k, nw + w, wsw, -f(iy - fy0), f(fx1 - ix));
        if (inSe) corner(k, nw + w + 1, wse, f(iy - fy0), f(ix - fx0));
      }
      if (ggrid) {
        ggrid[2 * p] = f(gradx * gix);
        ggrid[2 * p + 1] = f(grady * giy);
      }
    }
  }
}
