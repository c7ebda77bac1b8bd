// torch.linalg.ldl_factor, ldl_factor_ex and ldl_solve: the Bunch-Kaufman factorization A = P L D L^T P^T
// of a symmetric (possibly indefinite) matrix, as LAPACK's sytrf with uplo 'L' stores it (torch's
// layout: L below the diagonal, D's 1 x 1 and 2 x 2 blocks on and beside it, 1-based pivots, a 2 x 2
// block's pair both negative), and the solve from those factors (sytrs). Worked in doubles, each
// matrix's factors rounded to the storage once at the end. torch has no derivative for either; here
// ldlSolve has the one in B (A^-1 G, A symmetric), and a factor that needs a gradient is an error.
import { Tensor } from '../tensor';
import { fmt, broadcastShapes } from '../shape';
import { optionsOf } from '../args';
import { alloc } from '../storage';
import { checkTensor, record } from './core';
import { expand } from './shape';
import { noGrad } from '../autograd';
import { checkPivotShape, refuseGradient, squareMatrices, whichMatrix } from './matrices';
import type { CheckErrorsOptions } from './matrices';

/** Options of ldlFactor and ldlSolve. */
export interface LdlOptions {
  /** A is Hermitian rather than symmetric: the same for real tensors (default false). */
  hermitian?: boolean;
}

/** Options of ldlFactorEx. */
export interface LdlFactorExOptions extends LdlOptions, CheckErrorsOptions {}

/** ldlFactor's result. */
export interface LdlFactorResult {
  /** [..., n, n]: L's strict lower triangle and D's blocks (diagonal and, for a 2 x 2 block, the entry below it); zeros above. */
  LD: Tensor;
  /** [..., n], 1-based as LAPACK's: p > 0, a 1 x 1 block after rows and columns k and p were swapped; a pair -p, -p, a 2 x 2 block after k + 1 and p were (float32 values). */
  pivots: Tensor;
}

/** ldlFactorEx's result: ldlFactor's and each matrix's info. */
export interface LdlFactorExResult extends LdlFactorResult {
  /** [...]: 0, or k + 1 where D[k, k] is exactly zero (D is singular; the factors are complete). */
  info: Tensor;
}

/** Bunch-Kaufman's threshold (1 + sqrt(17)) / 8: it bounds L's entries' growth. */
const ALPHA = (1 + Math.sqrt(17)) / 8;

/**
 * Factors the n x n matrix a (doubles, row-major; its lower triangle read) in place as LAPACK's
 * dsytf2 with uplo 'L'; ipiv gets the 1-based pivots. The first zero block's 1-based step, or 0.
 */
function factorOne(a: Float64Array, n: number, ipiv: Int32Array): number {
  const at = (i: number, j: number) => i * n + j;
  const swap = (p: number, q: number) => { const t = a[p]; a[p] = a[q]; a[q] = t; };
  let info = 0;
  for (let k = 0; k < n;) {
    let kstep = 1, kp = k;
    const absakk = Math.abs(a[at(k, k)]);
    let imax = k, colmax = 0;
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[at(i, k)]);
      if (v > colmax) { colmax = v; imax = i; }
    }
    if (Math.max(absakk, colmax) === 0 || Number.isNaN(absakk)) {
      if (info === 0) info = k + 1;
    } else {
      if (absakk < ALPHA * colmax) {
        // The largest off-diagonal entry in row and column imax of the trailing matrix.
        let rowmax = 0;
        for (let j = k; j < imax; j++) rowmax = Math.max(rowmax, Math.abs(a[at(imax, j)]));
        for (let i = imax + 1; i < n; i++) rowmax = Math.max(rowmax, Math.abs(a[at(i, imax)]));
        if (absakk >= ALPHA * colmax * (colmax / rowmax)) kp = k;
        else if (Math.abs(a[at(imax, imax)]) >= ALPHA * rowmax) kp = imax;
        else { kp = imax; kstep = 2; }
      }
      const kk = k + kstep - 1;
      if (kp !== kk) {
        // Rows and columns kk and kp of the trailing lower triangle swapped.
        for (let i = kp + 1; i < n; i++) swap(at(i, kk), at(i, kp));
        for (let j = kk + 1; j < kp; j++) swap(at(j, kk), at(kp, j));
        swap(at(kk, kk), at(kp, kp));
        if (kstep === 2) swap(at(k + 1, k), at(kp, k));
      }
      if (kstep === 1) {
        const d11 = 1 / a[at(k, k)];
        for (let j = k + 1; j < n; j++) {
          const xj = a[at(j, k)] * d11;
          for (let i = j; i < n; i++) a[at(i, j)] -= a[at(i, k)] * xj;
        }
        for (let i = k + 1; i < n; i++) a[at(i, k)] *= d11;
      } else if (k < n - 2) {
        let d21 = a[at(k + 1, k)];
        const d11 = a[at(k + 1, k + 1)] / d21, d22 = a[at(k, k)] / d21;
        const t = 1 / (d11 * d22 - 1);
        d21 = t / d21;
        for (let j = k + 2; j < n; j++) {
          const wk = d21 * (d11 * a[at(j, k)] - a[at(j, k + 1)]);
          const wkp1 = d21 * (d22 * a[at(j, k + 1)] - a[at(j, k)]);
          for (let i = j; i < n; i++) a[at(i, j)] -= a[at(i, k)] * wk + a[at(i, k + 1)] * wkp1;
          a[at(j, k)] = wk;
          a[at(j, k + 1)] = wkp1;
        }
      }
    }
    if (kstep === 1) ipiv[k] = kp + 1;
    else ipiv[k] = ipiv[k + 1] = -(kp + 1);
    k += kstep;
  }
  return info;
}

function factored(A: Tensor, what: string, options: LdlFactorExOptions | undefined, check: boolean): LdlFactorExResult {
  const o = optionsOf(options, what, { hermitian: 'boolean', checkErrors: 'boolean' });
  const { n, count, batch } = squareMatrices(A, what);
  refuseGradient(what, { A });
  check ||= o.checkErrors ?? false;
  const ld = alloc(count * n * n), pivots = alloc(count * n), info = alloc(count);
  const a = new Float64Array(n * n), ipiv = new Int32Array(n);
  for (let b = 0; b < count; b++) {
    // The lower triangle alone, as sytrf reads it; the upper one comes out zero, as torch's.
    a.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = A.data[b * n * n + i * n + j];
    const bad = factorOne(a, n, ipiv);
    if (check && bad > 0) {
      throw new Error(`${what}: the input matrix is singular${whichMatrix(b, batch)}: D's diagonal entry ${bad} of its LDL^T factorization ` +
        'is zero, so ldlSolve would divide by zero (ldlFactorEx factors it anyway)');
    }
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) ld[b * n * n + i * n + j] = a[i * n + j];
    for (let i = 0; i < n; i++) pivots[b * n + i] = ipiv[i];
    info[b] = bad;
  }
  return { LD: new Tensor(ld, [...A.shape]), pivots: new Tensor(pivots, [...batch, n]), info: new Tensor(info, batch) };
}

/**
 * The LDL^T factorization with Bunch-Kaufman pivoting of a symmetric matrix or each of a batch
 * (torch.linalg.ldl_factor), its lower triangle read: A = P L D L^T P^T with D of 1 x 1 and 2 x 2
 * blocks, so that indefinite matrices factor too; packed as LAPACK's sytrf. A singular D is an error
 * naming the matrix (torch 1.13 fails an internal assertion there). No gradient, as torch's.
 */
export function ldlFactor(A: Tensor, options?: LdlOptions): LdlFactorResult {
  const { LD, pivots, info } = factored(A, 'ldlFactor', options, true);
  info.dispose();
  return { LD, pivots };
}

/** ldlFactor without the error (torch.linalg.ldl_factor_ex): each matrix's info too; `checkErrors` gives ldlFactor's error. */
export function ldlFactorEx(A: Tensor, options?: LdlFactorExOptions): LdlFactorExResult {
  return factored(A, 'ldlFactorEx', options, false);
}

/** Solves each n x k block of x in place from one matrix's factors (LAPACK's sytrs, uplo 'L'), doubles. */
function solveOne(a: Float64Array, ipiv: Int32Array, n: number, x: Float64Array, k: number): void {
  const swapRows = (p: number, q: number) => {
    for (let c = 0; c < k; c++) { const t = x[p * k + c]; x[p * k + c] = x[q * k + c]; x[q * k + c] = t; }
  };
  // L D y = P^T b, forward.
  for (let s = 0; s < n;) {
    if (ipiv[s] > 0) {
      const p = ipiv[s] - 1;
      if (p !== s) swapRows(s, p);
      for (let i = s + 1; i < n; i++) for (let c = 0; c < k; c++) x[i * k + c] -= a[i * n + s] * x[s * k + c];
      for (let c = 0; c < k; c++) x[s * k + c] /= a[s * n + s];
      s += 1;
    } else {
      const p = -ipiv[s] - 1;
      if (p !== s + 1) swapRows(s + 1, p);
      for (let i = s + 2; i < n; i++) {
        for (let c = 0; c < k; c++) x[i * k + c] -= a[i * n + s] * x[s * k + c] + a[i * n + s + 1] * x[(s + 1) * k + c];
      }
      const d21 = a[(s + 1) * n + s], d11 = a[s * n + s] / d21, d22 = a[(s + 1) * n + s + 1] / d21;
      const denom = d11 * d22 - 1;
      for (let c = 0; c < k; c++) {
        const b1 = x[s * k + c] / d21, b2 = x[(s + 1) * k + c] / d21;
        x[s * k + c] = (d22 * b1 - b2) / denom;
        x[(s + 1) * k + c] = (d11 * b2 - b1) / denom;
      }
      s += 2;
    }
  }
  // L^T P^T x = y, backward.
  for (let s = n - 1; s >= 0;) {
    const two = ipiv[s] < 0;
    for (const r of two ? [s, s - 1] : [s]) {
      for (let i = s + 1; i < n; i++) for (let c = 0; c < k; c++) x[r * k + c] -= a[i * n + r] * x[i * k + c];
    }
    const p = Math.abs(ipiv[s]) - 1;
    if (p !== s) swapRows(s, p);
    s -= two ? 2 : 1;
  }
}

/** The pivots checked as sytrf makes them: each in 1..n; a 2 x 2 block's pair both -p with p after the block's first row. */
function checkPivots(pivots: Float32Array, n: number, what: string): void {
  for (let b = 0; b < pivots.length; b += n) {
    for (let s = 0; s < n;) {
      const v = pivots[b + s];
      if (!Number.isInteger(v) || v === 0 || Math.abs(v) > n || (v > 0 && v < s + 1) || (v < 0 && (s + 1 >= n || pivots[b + s + 1] !== v || -v < s + 2))) {
        throw new Error(`${what}: pivots[${b + s}] = ${v} is not one that ldlFactor makes (1..${n} at or after the row, or a pair of equal negatives for a 2 x 2 block)`);
      }
      s += v > 0 ? 1 : 2;
    }
  }
}

/** X = A^-1 B for each factored A; every argument already of the batch dims `batch`. */
function solveAll(LD: Float32Array, pivots: Float32Array, Bd: Float32Array, n: number, k: number, count: number): Float32Array {
  const out = alloc(count * n * k);
  const a = new Float64Array(n * n), ipiv = new Int32Array(n), x = new Float64Array(n * k);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < n * n; i++) a[i] = LD[b * n * n + i];
    for (let i = 0; i < n; i++) ipiv[i] = pivots[b * n + i];
    for (let i = 0; i < n * k; i++) x[i] = Bd[b * n * k + i];
    solveOne(a, ipiv, n, x, k);
    out.set(x, b * n * k);
  }
  return out;
}

/**
 * The solution X of A X = B from A's ldlFactor (torch.linalg.ldl_solve): LD [..., n, n], pivots
 * [..., n], B [..., n, k], batch dims broadcast. Gradient in B (A^-1 G: A is symmetric; torch 1.13
 * has none); factors that need a gradient are an error, as there is no derivative in them.
 */
export function ldlSolve(LD: Tensor, pivots: Tensor, Bm: Tensor, options?: LdlOptions): Tensor {
  const what = 'ldlSolve';
  optionsOf(options, what, { hermitian: 'boolean' });
  const { n, batch } = squareMatrices(LD, what, 'LD');
  checkTensor(Bm, `${what} B`);
  checkPivotShape(pivots, LD, n, what, 'LD');
  if (Bm.ndim < 2 || Bm.shape[Bm.ndim - 2] !== n) throw new Error(`${what}: B must be [..., ${n}, k] for LD of shape ${fmt(LD.shape)}, got shape ${fmt(Bm.shape)}`);
  refuseGradient(what, { LD });
  checkPivots(pivots.data, n, what);
  const k = Bm.shape[Bm.ndim - 1];
  let outBatch: number[];
  try {
    outBatch = broadcastShapes(batch, Bm.shape.slice(0, -2));
  } catch {
    throw new Error(`${what}: the batch dims of LD ${fmt(LD.shape)} and B ${fmt(Bm.shape)} do not broadcast`);
  }
  const count = outBatch.reduce((p, d) => p * d, 1);
  const [ld, piv] = noGrad(() => [expand(LD, [...outBatch, n, n]), expand(pivots, [...outBatch, n])]);
  const b = expand(Bm, [...outBatch, n, k]);
  const x = record(solveAll(ld.data, piv.data, b.data, n, k, count), [...outBatch, n, k], [b], what, (gy) => [solveAll(ld.data, piv.data, gy, n, k, count)]);
  if (x.node) x.node.graphBackward = (gy) => [ldlSolve(ld, piv, gy)];
  return x;
}
