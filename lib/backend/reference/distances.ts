// Reference kernels of cdist: the p-norm distances between two sets of rows, and their gradients.
// Float arithmetic throughout (torch's cdist on float away from its matrix-product path): each
// difference and partial sum rounded to float, the columns taken in order; p 2's squares added by
// fused multiply-adds (one rounding each), as the native vectors do. On float64 storage (the gradient
// checks') nothing is rounded.
import { Round, roundingOf } from '../../storage';

const f = Math.fround;

/**
 * a * b + c rounded once to float (C's fmaf) for floats a, b, c. The product is exact in double; the
 * double sum s is rounded, and rounding it again to float goes wrong only where s landed exactly
 * halfway between two floats: there the sum's rounding error (Knuth's two-sum) says which side the
 * exact value lies on.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f(s);
  if (r === s || !Number.isFinite(r)) return r;
  const bv = s - p;
  const err = p - (s - bv) + (c - bv);
  if (err === 0) return r;
  // The float on s's other side, when s is halfway between it and r.
  const other = 2 * s - r;
  if (f(other) !== other || Math.abs(other - s) !== Math.abs(s - r)) return r;
  return err > 0 === other > r ? other : r;
}

/** See Backend.distances. */
export function distances(x1: Float32Array, x2: Float32Array, batch: number, rows1: number, rows2: number, cols: number, p: number, out: Float32Array): void {
  const r = roundingOf(out);
  const fma = r === f ? fmaf : (a: number, b: number, c: number) => a * b + c;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < rows1; i++) {
      const a = (b * rows1 + i) * cols;
      for (let j = 0; j < rows2; j++) {
        const c = (b * rows2 + j) * cols;
        let acc = 0;
        for (let k = 0; k < cols; k++) {
          const d = r(x1[a + k] - x2[c + k]);
          if (p === 2) acc = fma(d, d, acc);
          else if (p === 1) acc = r(acc + Math.abs(d));
          else acc = Math.abs(d) > acc || d !== d ? Math.abs(d) : acc; // the largest: a NaN, once met, stays
        }
        out[(b * rows1 + i) * rows2 + j] = p === 2 ? r(Math.sqrt(acc)) : acc;
      }
    }
  }
}

/**
 * The gradient of distance `dist` between two rows with respect to their difference d in one column,
 * times g (torch's _cdist_backward, with p 2's d * (g / dist) where torch has (g d) / dist: one
 * division a pair).
 */
function distanceSlope(d: number, g: number, dist: number, p: number, r: Round): number {
  if (p === 2) return dist === 0 ? 0 : r(d * r(g / dist));
  const sign = d > 0 ? 1 : d < 0 ? -1 : 0; // torch.sign's: 0 at NaN
  return g * (p === 1 ? sign : sign * (Math.abs(d) === dist ? 1 : 0));
}

/** See Backend.distancesGrad. */
export function distancesGrad(x1: Float32Array, x2: Float32Array, dist: Float32Array, g: Float32Array, batch: number, rows1: number, rows2: number,
  cols: number, p: number, gx1: Float32Array, gx2: Float32Array): void {
  const r = roundingOf(gx1);
  gx1.fill(0, 0, batch * rows1 * cols);
  gx2.fill(0, 0, batch * rows2 * cols);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < rows1; i++) {
      const a = (b * rows1 + i) * cols;
      for (let j = 0; j < rows2; j++) {
        const c = (b * rows2 + j) * cols, at = (b * rows1 + i) * rows2 + j;
        for (let k = 0; k < cols; k++) {
          const t = distanceSlope(r(x1[a + k] - x2[c + k]), g[at], dist[at], p, r);
          // gx1's row i sums over j in order, gx2's row j over i in order.
          gx1[a + k] = r(gx1[a + k] + t);
          gx2[c + k] = r(gx2[c + k] - t);
        }
      }
    }
  }
}
