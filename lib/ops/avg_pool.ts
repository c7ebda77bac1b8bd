// Average pooling on the avgPool kernel: avg_pool1d/2d/3d's sliding windows and the adaptive poolings'
// windows alike, as each side's [start, end) bounds inside the input and the divisors of the sums.
// The kernel sums each window from 0 in order and divides, as torch's loops; its gradient spreads the
// divided gradient back over the windows (avgPoolGrad), and the gradient of that is the pooling again.
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { applyLinear } from './linear_map';
import { mean } from './reduce';

/** One side's windows: [start, end) pairs inside the input, and what each divides by. */
export interface SideWindows {
  /** The input's size along the side. */
  size: number;
  /** [start, end) of each window, clipped to the input. */
  bounds: number[];
  /** Each window's count: its extent over the padded input, or (countIncludePad false) inside the input. */
  counts: number[];
}

/** The windows of an average pooling over [planes, d, h, w], as the avgPool kernel takes them. */
export interface AverageWindows {
  /** AVG_POOL_GEOMETRY's eight int32s. */
  geom: Int32Array;
  /** Each side's window bounds, depth's then height's then width's. */
  bounds: Int32Array;
  /** One divisor per output position, or with the geometry's bySide one per window of each side. */
  divisor: Float32Array;
}

/**
 * avg_pool's windows along a side of `size`: out windows of k at stride s over the input padded by p
 * each side (ceil mode's last window may end past that padding: torch clips it there), counted with
 * the padding or (includePad false) without.
 */
export function slidingWindows(size: number, out: number, k: number, s: number, p: number, includePad: boolean): SideWindows {
  const bounds: number[] = [], counts: number[] = [];
  for (let i = 0; i < out; i++) {
    const start = i * s - p, end = Math.min(start + k, size + p);
    const [first, last] = [Math.max(start, 0), Math.min(end, size)];
    // (torch's output sizes leave no window wholly in the padding; were one asked for, it would be
    // empty, [last, last), not a pair the kernel refuses.)
    bounds.push(Math.min(first, last), last);
    counts.push(includePad ? end - start : last - first);
  }
  return { size, bounds, counts };
}

/** The adaptive poolings' windows along a side of n to out: window i covers floor(i n / out) .. ceil((i + 1) n / out) - 1. */
export function adaptiveWindows(n: number, out: number): SideWindows {
  const bounds: number[] = [], counts: number[] = [];
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * n) / out), end = Math.ceil(((i + 1) * n) / out);
    bounds.push(start, end);
    counts.push(end - start);
  }
  return { size: n, bounds, counts };
}

/** A side of one element with one window over it (the depth of 2-D pooling, the height of 1-D). */
export const wholeSide: SideWindows = { size: 1, bounds: [0, 1], counts: [1] };

/**
 * The windows of `planes` planes with the sides [depth, height, width]: divided by the product of
 * the sides' counts (or `override`; avg_pool's divisor), or by each side's count in turn (bySide;
 * adaptive pooling's sum / kd / kh / kw).
 */
export function averageWindows(planes: number, sides: readonly [SideWindows, SideWindows, SideWindows], divide: 'bySide' | { override?: number }): AverageWindows {
  const outs = sides.map((s) => s.counts.length);
  const geom = Int32Array.from([planes, ...sides.map((s) => s.size), ...outs, divide === 'bySide' ? 1 : 0]);
  const bounds = Int32Array.from(sides.flatMap((s) => s.bounds));
  let divisor: Float32Array;
  if (divide === 'bySide') divisor = Float32Array.from(sides.flatMap((s) => s.counts));
  else {
    const [cd, ch, cw] = sides.map((s) => s.counts);
    divisor = new Float32Array(outs[0] * outs[1] * outs[2]);
    for (let t = 0, o = 0; t < outs[0]; t++) {
      for (let i = 0; i < outs[1]; i++) for (let j = 0; j < outs[2]; j++, o++) divisor[o] = divide.override ?? cd[t] * ch[i] * cw[j];
    }
  }
  return { geom, bounds, divisor };
}

/**
 * The average pooling of x (its elements as the windows' planes) into `shape`. Gradient: the
 * output's, divided, spread over each window (its own gradient the pooling again).
 */
export function averagePool(x: Tensor, w: AverageWindows, shape: readonly number[]): Tensor {
  return applyLinear(x, {
    shapes: [x.shape, shape],
    names: ['avgPool', 'avgPoolGrad'],
    run(back, from, to) {
      if (back) B().avgPoolGrad(from, w.geom, w.bounds, w.divisor, to);
      else B().avgPool(from, w.geom, w.bounds, w.divisor, to);
    },
  });
}

/**
 * The mean of each plane (x's last `sides` dims), those dims kept as ones: adaptive average pooling to
 * one element, which torch computes as this mean (one division, and a sum in lanes, not a chain).
 */
export function averagedWhole(x: Tensor, sides: number): Tensor {
  return mean(x, Array.from({ length: sides }, (_, i) => -1 - i), true);
}
