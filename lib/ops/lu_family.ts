// torch.linalg's LU family over square matrices: luFactor (LAPACK's packed factors and pivots), lu (P, L
// and U apart) and luSolve, with torch's gradients. The factorization is the backend's luFactor kernel
// (lu.ts); its gradient, torch's linalg_lu_backward, is written once in ops: the plain backward runs
// it without recording, createGraph's with.
import { Tensor } from '../tensor';
import { noGrad } from '../autograd';
import { alloc } from '../storage';
import { optionsOf } from '../args';
import { fmt } from '../shape';
import { composedOf, letGoAfterBackward, record } from './core';
import { add, sub } from './binary';
import { matmul } from './matmul';
import { mT } from './shape';
import { cat, narrow } from './join';
import { tril, triu } from './more';
import { eye } from './creation';
import { solveTriangular } from './cholesky';
import { factorAll, Factored, releaseFactors } from './lu';
import { recycleArray } from '../reuse';
import { checkPivotRows, checkPivotShape, CheckErrorsOptions, matricesOf, squareMatrices, whichMatrix } from './matrices';


/** luFactor's result: A = P L U, L and U packed in LU. */
export interface LuFactorResult {
  /** L (unit lower, its diagonal not stored) and U in one [..., m, n] tensor, as LAPACK stores them. */
  LU: Tensor;
  /** [..., min(m, n)]: row i was swapped with row pivots[i] at step i, 1-based as torch's (float32 values). */
  pivots: Tensor;
}

/** luFactorEx's result: luFactor's and each matrix's info. */
export interface LuFactorExResult extends LuFactorResult {
  /** [...]: 0, or k + 1 where U[k, k] is the first zero on U's diagonal (the matrix is singular). */
  info: Tensor;
}

/** lu's result: A = P L U. */
export interface LuResult {
  /** [..., m, m], the permutation matrix. */
  P: Tensor;
  /** [..., m, k], lower triangular (trapezoidal) with a unit diagonal, k = min(m, n). */
  L: Tensor;
  /** [..., k, n], upper triangular (trapezoidal). */
  U: Tensor;
}

/** Options of luSolve. */
export interface LuSolveOptions {
  /** Solve A X = B (default true) or X A = B. */
  left?: boolean;
  /** Solve with A^T in place of A (default false). */
  adjoint?: boolean;
}

/**
 * The permutation matrices P (A = P L U) of LAPACK's 1-based sequential row swaps, count of them, each
 * m x m from k swaps (k = m for a square factorization).
 */
export function permutationMatrices(pivots: Float32Array, m: number, count: number, batch: readonly number[], k = m): Tensor {
  const p = alloc(count * m * m);
  const perm = new Int32Array(m);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < m; i++) perm[i] = i;
    for (let i = 0; i < k; i++) {
      const j = pivots[b * k + i] - 1;
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    // The swaps took A's row perm[r] to row r of L U: P has a 1 at (perm[r], r).
    for (let r = 0; r < m; r++) p[b * m * m + perm[r] * m + r] = 1;
  }
  return new Tensor(p, [...batch, m, m]);
}

/**
 * L (unit diagonal, [..., m, k]) and U ([..., k, n]) read from packed m x n factors, k = min(m, n)
 * (the intermediates through `own`; L and U are the caller's).
 */
export function unpacked(lu: Tensor, own: (t: Tensor) => Tensor = (t) => t): { L: Tensor; U: Tensor } {
  const [m, n] = lu.shape.slice(-2), k = Math.min(m, n);
  const below = own(tril(lu, -1));
  const L = add(k === n ? below : own(narrow(below, -1, 0, k)), own(eye(m, k)));
  const U = k === m ? triu(lu) : narrow(own(triu(lu)), -2, 0, k);
  return { L, U };
}

/**
 * The gradient of square A = L U (no pivoting), gL and gU the factors' gradients (only L's strict
 * lower and U's upper triangle count): L^-T [tril(L^T gL, -1) + triu(gU U^T)] U^-T.
 */
function squareLuGradient(l: Tensor, u: Tensor, gl: Tensor, gu: Tensor): Tensor {
  const inner = add(tril(matmul(mT(l), gl), -1), triu(matmul(gu, mT(u))));
  const right = solveTriangular(mT(u), inner, { upper: false, left: false });
  return solveTriangular(mT(l), right, { upper: true, unitriangular: true });
}

/**
 * torch's linalg_lu_backward for A = P L U of any shape, gL = tril(g, -1) and gU = triu(g) cut to L's
 * and U's shapes. A tall A's L = [L1; L2] adds L2 = A2 U^-1 to the square case (so gA2 = gL2 U^-T, and
 * U's gradient loses L2^T gA2); a wide A's U = [U1 U2] adds U2 = L^-1 A2 (gA2 = L^-T gU2, and L's
 * gradient loses gA2 U2^T).
 */
function luGradient(p: Tensor, l: Tensor, u: Tensor, gl: Tensor, gu: Tensor): Tensor {
  const [m, k] = l.shape.slice(-2), n = u.shape[u.ndim - 1];
  if (m === n) return matmul(p, squareLuGradient(l, u, gl, gu));
  if (m > n) {
    const [l1, l2, gl1, gl2] = [narrow(l, -2, 0, k), narrow(l, -2, k, m - k), narrow(gl, -2, 0, k), narrow(gl, -2, k, m - k)];
    const ga2 = solveTriangular(mT(u), gl2, { upper: false, left: false });
    const ga1 = squareLuGradient(l1, u, gl1, triu(sub(gu, matmul(mT(l2), ga2))));
    return matmul(p, cat([ga1, ga2], -2));
  }
  const [u1, u2, gu1, gu2] = [narrow(u, -1, 0, k), narrow(u, -1, k, n - k), narrow(gu, -1, 0, k), narrow(gu, -1, k, n - k)];
  const ga2 = solveTriangular(mT(l), gu2, { upper: true, unitriangular: true });
  const ga1 = squareLuGradient(l, u1, tril(sub(gl, matmul(ga2, mT(u2))), -1), gu1);
  return matmul(p, cat([ga1, ga2], -1));
}

/**
 * The LU factorization with partial pivoting of a matrix or each of a batch, square or not
 * (torch.linalg.lu_factor): A = P L U with L and U packed in one tensor and LAPACK's 1-based pivots.
 * An m x n A gives L m x k and U k x n, k = min(m, n), and k pivots.
 * A singular matrix is an error naming it, as torch's (luSolve would divide by U's zero): luFactorEx
 * or lu factor it anyway. Gradient as torch's, through LU's strict lower triangle (L's) and its upper
 * one (U's).
 */
export function luFactor(A: Tensor): LuFactorResult {
  const { LU, pivots } = factored(A, 'luFactor', true);
  return { LU, pivots };
}

/**
 * luFactor without the error (torch.linalg.lu_factor_ex): the factors of singular matrices too, and
 * each matrix's info (0, or k + 1 for the first zero U[k, k]); `checkErrors` gives luFactor's error.
 */
export function luFactorEx(A: Tensor, options?: CheckErrorsOptions): LuFactorExResult {
  return factored(A, 'luFactorEx', optionsOf(options, 'luFactorEx', { checkErrors: 'boolean' }).checkErrors ?? false);
}

/**
 * The factors of count m x n matrices: the square kernel's, an m x n matrix padded with zero columns
 * (tall) or rows (wide) to max(m, n) square. The padding changes no pivot among the first k = min(m, n)
 * steps (zero rows never win a column's search, zero columns stay zero), so the top-left m x n block
 * and the first k pivots are the rectangular factorization's, as LAPACK's getrf gives it.
 */
function rectangularFactors(data: Float32Array, m: number, n: number, count: number): Pick<Factored, 'lu' | 'pivots' | 'zeroAt'> {
  if (m === n) return factorAll(data, n, count);
  const size = Math.max(m, n), k = Math.min(m, n);
  const padded = alloc(count * size * size).fill(0);
  for (let b = 0; b < count; b++) for (let i = 0; i < m; i++) padded.set(data.subarray((b * m + i) * n, (b * m + i + 1) * n), (b * size + i) * size);
  const f = factorAll(padded, size, count);
  const lu = alloc(count * m * n), pivots = new Int32Array(count * k), zeroAt = new Int32Array(count);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < m; i++) lu.set(f.lu.subarray((b * size + i) * size, (b * size + i) * size + n), (b * m + i) * n);
    pivots.set(f.pivots.subarray(b * size, b * size + k), b * k);
    // Past step k only padding is left: its zero pivots are not the matrix's.
    zeroAt[b] = f.zeroAt[b] < k ? f.zeroAt[b] : -1;
  }
  releaseFactors(f);
  recycleArray(padded);
  return { lu, pivots, zeroAt };
}

/** luFactorEx's result, errors naming `what`; a singular matrix is one when `check`. */
export function factored(A: Tensor, what: string, check: boolean): LuFactorExResult {
  const { m, n, k, count, batch } = matricesOf(A, what);
  const f = rectangularFactors(A.data, m, n, count);
  const bad = f.zeroAt.findIndex((z) => z >= 0);
  if (check && bad >= 0) {
    throw new Error(`${what}: the input matrix is singular${whichMatrix(bad, batch)}: pivot ${f.zeroAt[bad] + 1} of its LU factorization ` +
      'is zero, so luSolve would divide by zero (luFactorEx or lu factor it anyway)');
  }
  const info = new Tensor(Float32Array.from(f.zeroAt, (z) => z + 1), batch);
  const pivotData = alloc(count * k);
  f.pivots.forEach((p, j) => (pivotData[j] = p + 1));
  const pivots = new Tensor(pivotData, [...batch, k]);
  // P is made when a backward first needs it, from the kernel's own pivots (pivots' storage may have
  // gone back to the pool by then).
  let P: Tensor | null = null;
  const rule = (lu: Tensor, g: Tensor): Tensor => {
    const { L, U } = unpacked(lu);
    const cut = unpacked(g);
    P ??= permutationMatrices(Float32Array.from(f.pivots, (p) => p + 1), m, count, batch, k);
    // unpacked(g)'s L has the unit diagonal added: its strict lower part is L's gradient.
    return luGradient(P, L, U, tril(cut.L, -1), cut.U);
  };
  const LU: Tensor = record(f.lu, [...A.shape], [A], 'luFactor', (gy) => [noGrad(() => rule(LU, new Tensor(gy, [...A.shape]))).data]);
  if (LU.node) LU.node.graphBackward = (gy) => [rule(LU, gy)];
  return { LU, pivots, info };
}

/**
 * The LU factorization with partial pivoting (torch.linalg.lu) of a matrix or each of a batch:
 * A = P L U, P an m x m permutation matrix, L m x k unit lower trapezoidal, U k x n upper
 * trapezoidal, k = min(m, n). Gradient as torch's (through luFactor's).
 */
export function lu(A: Tensor): LuResult {
  const { m, k, count, batch } = matricesOf(A, 'lu');
  const { LU, pivots, info } = factored(A, 'lu', false);
  const P = permutationMatrices(pivots.data, m, count, batch, k);
  const made: Tensor[] = [];
  const { L, U } = unpacked(LU, (t) => (made.push(t), t));
  letGoAfterBackward(LU, pivots, info, ...made);
  return { P, L, U };
}

/**
 * The solution X of A X = B (or X A = B with `left: false`, A^T in place of A with `adjoint: true`)
 * from A's luFactor (torch.linalg.lu_solve): LU and pivots [..., n, n] and [..., n], B [..., n, k]
 * ([..., k, n] with left false); batch dims broadcast. Two triangular solves and the permutation, so
 * gradients reach B and LU.
 */
export function luSolve(LU: Tensor, pivots: Tensor, Bm: Tensor, options?: LuSolveOptions): Tensor {
  const o = optionsOf(options, 'luSolve', { left: 'boolean', adjoint: 'boolean' });
  const { n, count, batch } = squareMatrices(LU, 'luSolve', 'LU');
  checkPivotShape(pivots, LU, n, 'luSolve', 'LU');
  checkPivotRows(pivots, n, n, 'luSolve');
  const left = o.left ?? true, adjoint = o.adjoint ?? false;
  if (!(Bm instanceof Tensor) || Bm.ndim < 2 || Bm.shape[Bm.ndim - (left ? 2 : 1)] !== n) {
    throw new Error(`luSolve: B must be ${left ? `[..., ${n}, k]` : `[..., k, ${n}]`} for LU of shape ${fmt(LU.shape)}${left ? '' : ' (left: false)'}, ` +
      `got ${Bm instanceof Tensor ? `shape ${fmt(Bm.shape)}` : typeof Bm}`);
  }
  const P = permutationMatrices(pivots.data, n, count, batch);
  return composedOf((own) => {
    const { L, U } = unpacked(LU, own);
    own(L);
    own(U);
    // A = P L U. A X = B: X = U^-1 L^-1 P^T B; A^T X = B: X = P L^-T U^-T B. X A = B is A^T X^T = B^T.
    const b = left ? Bm : own(mT(Bm));
    const transposed = left === adjoint;
    const x = transposed
      ? matmul(P, own(solveTriangular(own(mT(L)), own(solveTriangular(own(mT(U)), b, { upper: false })), { upper: true, unitriangular: true })))
      : solveTriangular(U, own(solveTriangular(L, own(matmul(own(mT(P)), b)), { upper: false, unitriangular: true })), { upper: true });
    return left ? x : mT(own(x));
  }, [LU, Bm]);
}
