// The LU factors of a batch of square matrices (the backend's luFactor), and what linalg.ts reads
// from them: solves, inverses, determinants.
import { B } from '../backend/registry';
import { alloc, allocOutput, roundingOf } from '../storage';
import { recycleArray } from '../reuse';
import { int32sFrom } from '../tiny';
import { copyStrided } from './core';

/** A batch of factored n x n matrices: P A = L U for each. */
export interface Factored {
  n: number;
  count: number;
  /** Each matrix's L (below the diagonal, unit diagonal implied) and U, back to back. */
  lu: Float32Array;
  /** Row j swapped with row pivots[i n + j] at step j, per matrix (0-based). */
  pivots: Int32Array;
  /** Each matrix's first zero pivot (singular), or -1. */
  zeroAt: Int32Array;
}

/** The factors of the count n x n matrices in `data` (left as it is). */
export function factorAll(data: Float32Array, n: number, count: number): Factored {
  const lu = allocOutput(data.length);
  lu.set(data);
  const pivots = new Int32Array(count * n), zeroAt = new Int32Array(count);
  B().luFactor(lu, n, count, pivots, zeroAt);
  return { n, count, lu, pivots, zeroAt };
}

/** Matrix i's factors alone, as a batch of one (views, not copies). */
export function oneOf(f: Factored, i: number): Factored {
  const { n } = f;
  return { n, count: 1, lu: f.lu.subarray(i * n * n, (i + 1) * n * n), pivots: f.pivots.subarray(i * n, (i + 1) * n), zeroAt: f.zeroAt.subarray(i, i + 1) };
}

/** Gives the factors' storage back to the pool: nothing reads them any more. */
export function releaseFactors(f: Factored): void {
  recycleArray(f.lu);
}

/** X = A^-1 rhs for each factored A and its n x k block of rhs (rhs left as it is). */
export function solveAll(f: Factored, rhs: Float32Array, k: number): Float32Array {
  const x = allocOutput(rhs.length);
  x.set(rhs);
  B().luSolve(f.lu, f.pivots, f.n, f.count, x, k);
  return x;
}

/** Each factored matrix's inverse, back to back. */
export function inverses(f: Factored): Float32Array {
  const { n, count } = f;
  const eye = alloc(count * n * n);
  for (let i = 0; i < count; i++) for (let j = 0; j < n; j++) eye[i * n * n + j * n + j] = 1;
  B().luSolve(f.lu, f.pivots, n, count, eye, n);
  return eye;
}

/** Each of count n x m matrices (back to back) transposed, m x n: one strided copy (the backend's transpose kernel). */
export function transposeEach(a: Float32Array, count: number, n: number, m: number): Float32Array {
  const t = allocOutput(a.length);
  if (a.length > 0) copyStrided(a, int32sFrom([n * m, 1, m]), t, int32sFrom([count, m, n]));
  return t;
}

/**
 * The count products op(a_i) op(b_i) (m x k by k x n, either operand transposed as stored), in a
 * fresh array; negated when `negate` (the gradients' minus signs).
 */
export function batchProducts(count: number, ta: boolean, tb: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, negate = false): Float32Array {
  const c = allocOutput(count * m * n);
  B().gemmBatch(ta, tb, count, m, n, k, a, b, c);
  if (negate) for (let e = 0; e < c.length; e++) c[e] = -c[e];
  return c;
}

/** Matrix i's number of row swaps is odd. */
function oddSwaps(f: Factored, i: number): boolean {
  let odd = false;
  for (let j = 0; j < f.n; j++) if (f.pivots[i * f.n + j] !== j) odd = !odd;
  return odd;
}

/** det(A_i): U's diagonal multiplied in float32 steps (as torch's prod), its sign flipped per swap. */
export function determinant(f: Factored, i: number): number {
  const { n, lu } = f;
  const round = roundingOf(lu);
  let d = 1;
  for (let j = 0; j < n; j++) d = round(d * lu[i * n * n + j * n + j]);
  return oddSwaps(f, i) ? -d : d;
}

/** det(A_i)'s sign (+-1; 0 when singular; NaN with a NaN on U's diagonal) and log |det(A_i)|. */
export function signAndLog(f: Factored, i: number): { sign: number; logAbs: number } {
  const { n, lu } = f;
  if (f.zeroAt[i] >= 0) return { sign: 0, logAbs: -Infinity };
  let sign = oddSwaps(f, i) ? -1 : 1, logAbs = 0;
  for (let j = 0; j < n; j++) {
    const d = lu[i * n * n + j * n + j];
    if (d < 0) sign = -sign;
    logAbs += Math.log(Math.abs(d));
  }
  return Number.isNaN(logAbs) ? { sign: NaN, logAbs: NaN } : { sign, logAbs };
}

/**
 * adj(A_i)^T, det's gradient, for a singular A_i from its factors, into out (n x n). With two or
 * more zero pivots A_i has rank n - 2 or less and its adjugate is zero. With one, at z, the
 * adjugate has rank one: from P A = L U, adj(A) = det(P) adj(U) L^-1 P, and adj(U) = c x y^T with
 * U x = 0, y^T U = 0 (x_z = y_z = 1) and c = the product of U's other diagonal entries (the (z, z)
 * minor of a triangle). So adj(A)^T = det(P) c r x^T with r = P^T L^-T y. O(n^2), in doubles.
 */
export function singularAdjugateT(f: Factored, i: number, out: Float32Array): void {
  const { n } = f;
  const lu = f.lu.subarray(i * n * n, (i + 1) * n * n), piv = f.pivots.subarray(i * n, (i + 1) * n);
  out.fill(0);
  const zeros: number[] = [];
  for (let j = 0; j < n; j++) if (lu[j * n + j] === 0) zeros.push(j);
  if (zeros.length !== 1) return;
  const z = zeros[0];
  let c = oddSwaps(f, i) ? -1 : 1;
  for (let j = 0; j < n; j++) if (j !== z) c *= lu[j * n + j];
  const x = new Float64Array(n), y = new Float64Array(n);
  x[z] = 1;
  for (let j = z - 1; j >= 0; j--) {
    let s = 0;
    for (let k = j + 1; k <= z; k++) s += lu[j * n + k] * x[k];
    x[j] = -s / lu[j * n + j];
  }
  y[z] = 1;
  for (let j = z + 1; j < n; j++) {
    let s = 0;
    for (let k = z; k < j; k++) s += y[k] * lu[k * n + j];
    y[j] = -s / lu[j * n + j];
  }
  // r = P^T L^-T y: L^T (unit upper) solved bottom up, then the swaps undone in reverse order.
  const r = y;
  for (let j = n - 1; j >= 0; j--) {
    let s = r[j];
    for (let k = j + 1; k < n; k++) s -= lu[k * n + j] * r[k];
    r[j] = s;
  }
  for (let j = n - 1; j >= 0; j--) {
    const p = piv[j];
    if (p !== j) [r[j], r[p]] = [r[p], r[j]];
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) out[a * n + b] = c * r[a] * x[b];
}
