// torch's linear algebra under its older top-level names (torch.svd, torch.qr, torch.cholesky, torch.lu,
// torch.lu_unpack, torch.lu_solve, torch.triangular_solve, torch.cholesky_inverse, torch.ormqr, ...):
// code ported from PyTorch calls these, whose arguments and results differ from torch.linalg's (svd's
// V where linalg gives Vh, qr's `some`, triangular_solve's (B, A) order and upper default). Each is
// torch.linalg's function with torch's old conventions around it, so values and gradients are those.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf } from '../args';
import { alloc } from '../storage';
import { B } from '../backend/registry';
import { checkTensor, composedOf, letGoAfterBackward } from './core';
import { add, mul, sub } from './binary';
import { matmul } from './matmul';
import { mT, unsqueeze } from './shape';
import { narrow } from './join';
import { clone, tril } from './more';
import { eye, zeros } from './creation';
import { cholesky as linalgCholesky, solveTriangular } from './cholesky';
import { qr as linalgQr } from './qr';
import type { QrResult } from './qr';
import { svd as linalgSvd, svdvals } from './svd';
import { factored, luSolve as linalgLuSolve, permutationMatrices, unpacked } from './lu_family';
import { multiDot } from './linalg_composed';
import { checkPivotRows, checkPivotShape, matricesOf, refuseGradient, squareMatrices } from './matrices';

/** Options of cholesky and choleskyInverse. */
export interface UpperOptions {
  /** The factor is upper triangular, A = U^T U (default false: lower, A = L L^T). */
  upper?: boolean;
}

/**
 * The Cholesky factor of a symmetric positive-definite matrix or each of a batch (torch.cholesky):
 * lower L (A = L L^T) by default, upper U (A = U^T U) with `upper`. linalg.cholesky with torch's
 * old argument; the same gradient.
 */
export function cholesky(A: Tensor, options?: UpperOptions): Tensor {
  return linalgCholesky(A, { upper: optionsOf(options, 'cholesky', { upper: 'boolean' }).upper ?? false });
}

/**
 * The inverse of A = L L^T (or U^T U with `upper`) from its Cholesky factor (torch.cholesky_inverse):
 * (L^-1)^T L^-1, L^-1 by a triangular solve that reads the factor's triangle alone. Gradient through
 * that triangle (torch's formula also gives the unread triangle a gradient; the values agree where
 * the factor is triangular).
 */
export function choleskyInverse(factor: Tensor, options?: UpperOptions): Tensor {
  const upper = optionsOf(options, 'choleskyInverse', { upper: 'boolean' }).upper ?? false;
  const { n } = squareMatrices(factor, 'choleskyInverse', 'the factor');
  return composedOf((own) => {
    const inverse = own(solveTriangular(factor, own(eye(n)), { upper }));
    // A^-1 = L^-T L^-1, or U^-1 U^-T.
    return upper ? matmul(inverse, own(mT(inverse))) : matmul(own(mT(inverse)), inverse);
  }, [factor]);
}

/** Options of qr. */
export interface LegacyQrOptions {
  /** The reduced decomposition (default true: Q [..., m, k], R [..., k, n]); false: the complete one (Q [..., m, m]). */
  some?: boolean;
}

/** The QR decomposition A = Q R (torch.qr): linalg.qr, mode 'reduced', or 'complete' with `some: false`. */
export function qr(A: Tensor, options?: LegacyQrOptions): QrResult {
  const some = optionsOf(options, 'qr', { some: 'boolean' }).some ?? true;
  return linalgQr(A, { mode: some ? 'reduced' : 'complete' });
}

/** Options of svd. */
export interface LegacySvdOptions {
  /** The reduced decomposition (default true: U [..., m, k], V [..., n, k]); false: U [..., m, m], V [..., n, n]. */
  some?: boolean;
  /** Compute U and V (default true); false leaves them zeros of [..., m, m] and [..., n, n], as torch's. */
  computeUv?: boolean;
}

/** svd's result: A = U diag(S) V^T. */
export interface LegacySvdResult {
  /** The left singular vectors, as columns. */
  U: Tensor;
  /** [..., k], descending and non-negative. */
  S: Tensor;
  /** The right singular vectors, as columns (linalg.svd's Vh transposed). */
  V: Tensor;
}

/**
 * The singular value decomposition A = U diag(S) V^T (torch.svd): linalg.svd with V in place of Vh,
 * reduced unless `some` is false. With `computeUv: false` S alone is computed (svdvals, and its
 * gradient), U and V zeros. Gradients as linalg.svd's.
 */
export function svd(A: Tensor, options?: LegacySvdOptions): LegacySvdResult {
  const o = optionsOf(options, 'svd', { some: 'boolean', computeUv: 'boolean' });
  checkTensor(A, 'svd');
  if (o.computeUv === false) {
    const S = svdvals(A);
    const [m, n] = A.shape.slice(-2), batch = A.shape.slice(0, -2);
    return { U: zeros([...batch, m, m]), S, V: zeros([...batch, n, n]) };
  }
  const { U, S, Vh } = linalgSvd(A, { fullMatrices: !(o.some ?? true) });
  return { U, S, V: mT(Vh) };
}

/** Options of lu. */
export interface LegacyLuOptions {
  /** Partial pivoting (default true). Without it torch has no CPU factorization, nor has this. */
  pivot?: boolean;
  /** Return each matrix's info and factor singular matrices too (default false: a singular matrix is an error). */
  getInfos?: boolean;
}

/** lu's result: A = P L U packed as LAPACK's getrf gives it. */
export interface LegacyLuResult {
  /** L's strict lower triangle and U's upper one in one [..., m, n] tensor. */
  LU: Tensor;
  /** [..., min(m, n)], 1-based: row i was swapped with row pivots[i] at step i (float32 values). */
  pivots: Tensor;
  /** [...] with `getInfos`: 0, or k + 1 where U[k, k] is the first zero on U's diagonal. */
  infos?: Tensor;
}

/**
 * The LU factorization with partial pivoting of a matrix or each of a batch, square or not (torch.lu):
 * linalg.luFactor, or linalg.luFactorEx with `getInfos`. Gradient through LU as theirs.
 */
export function lu(A: Tensor, options?: LegacyLuOptions): LegacyLuResult {
  const o = optionsOf(options, 'lu', { pivot: 'boolean', getInfos: 'boolean' });
  if (o.pivot === false) throw new Error('lu: pivot false (LU without pivoting) has no CPU factorization, here as in torch; leave pivot true');
  const getInfos = o.getInfos ?? false;
  const { LU, pivots, info } = factored(A, 'lu', !getInfos);
  if (getInfos) return { LU, pivots, infos: info };
  info.dispose();
  return { LU, pivots };
}

/** Options of luUnpack. */
export interface LuUnpackOptions {
  /** Unpack L and U (default true); false leaves them empty. */
  unpackData?: boolean;
  /** Unpack P (default true); false leaves it empty. */
  unpackPivots?: boolean;
}

/** luUnpack's result: A = P L U. */
export interface LuUnpackResult {
  /** [..., m, m], the permutation matrix (empty without unpackPivots). */
  P: Tensor;
  /** [..., m, k], unit lower triangular, k = min(m, n) (empty without unpackData). */
  L: Tensor;
  /** [..., k, n], upper triangular (empty without unpackData). */
  U: Tensor;
}

/**
 * P, L and U of packed LU factors [..., m, n] and their 1-based pivots [..., min(m, n)]
 * (torch.lu_unpack), as luFactor or lu give them. Gradients reach LU through L and U.
 */
export function luUnpack(LU: Tensor, pivots: Tensor, options?: LuUnpackOptions): LuUnpackResult {
  const what = 'luUnpack';
  const o = optionsOf(options, what, { unpackData: 'boolean', unpackPivots: 'boolean' });
  const { m, k, batch, count } = matricesOf(LU, what, 'LU');
  checkPivotShape(pivots, LU, k, what, 'LU');
  let P: Tensor;
  if (o.unpackPivots ?? true) {
    checkPivotRows(pivots, k, m, what);
    P = permutationMatrices(pivots.data, m, count, batch, k);
  } else {
    P = zeros([0]);
  }
  if (!(o.unpackData ?? true)) return { P, L: zeros([0]), U: zeros([0]) };
  const made: Tensor[] = [];
  const { L, U } = unpacked(LU, (t) => (made.push(t), t));
  letGoAfterBackward(...made);
  return { P, L, U };
}

/**
 * The solution X of A X = B from A's LU factors (torch.lu_solve: B first, then lu's LU and pivots):
 * linalg.luSolve(LU, pivots, B); its gradients.
 */
export function luSolve(Bm: Tensor, LU: Tensor, pivots: Tensor): Tensor {
  return linalgLuSolve(LU, pivots, Bm);
}

/** Options of triangularSolve. */
export interface TriangularSolveOptions {
  /** A is upper triangular (default true, as torch's), or lower. */
  upper?: boolean;
  /** Solve A^T X = B (default false). */
  transpose?: boolean;
  /** A's diagonal is taken as ones, not read (default false). */
  unitriangular?: boolean;
}

/** triangularSolve's result. */
export interface TriangularSolveResult {
  /** X, with A's and B's batch dims broadcast. */
  solution: Tensor;
  /** A copy of A, broadcast to the batch dims. */
  clonedCoefficient: Tensor;
}

/**
 * The solution X of A X = B (A^T X = B with `transpose`) for a triangular A, upper by default
 * (torch.triangular_solve: B first, then A): linalg.solveTriangular, and a copy of A. Gradients as its.
 */
export function triangularSolve(Bm: Tensor, A: Tensor, options?: TriangularSolveOptions): TriangularSolveResult {
  const o = optionsOf(options, 'triangularSolve', { upper: 'boolean', transpose: 'boolean', unitriangular: 'boolean' });
  checkTensor(Bm, 'triangularSolve');
  checkTensor(A, 'triangularSolve A');
  const upper = o.upper ?? true, transpose = o.transpose ?? false;
  const solution = composedOf((own) => solveTriangular(transpose ? own(mT(A)) : A, Bm, { upper: upper !== transpose, unitriangular: o.unitriangular ?? false }), [A, Bm]);
  const batch = solution.shape.slice(0, -2), n = A.shape[A.ndim - 1];
  const clonedCoefficient = A.ndim - 2 === batch.length ? clone(A) : composedOf((own) => clone(own(A.expand([...batch, n, n]))), [A]);
  return { solution, clonedCoefficient };
}

/** geqrf's result: LAPACK's compact QR. */
export interface GeqrfResult {
  /** [..., m, n]: R on and above the diagonal, the Householder vectors (their leading 1 not stored) below. */
  a: Tensor;
  /** [..., min(m, n)]: the reflectors' scalars, H_i = I - tau_i v_i v_i^T. */
  tau: Tensor;
}

/**
 * The QR decomposition as LAPACK's geqrf stores it (torch.geqrf): R above the diagonal and the
 * Householder reflectors below, with their scalars tau; householderProduct (orgqr) makes Q of them,
 * ormqr multiplies by Q. No gradient (torch has none): an input that needs one is an error.
 */
export function geqrf(A: Tensor): GeqrfResult {
  const { m, n, k, batch, count } = matricesOf(A, 'geqrf');
  refuseGradient('geqrf', { A });
  const a = alloc(A.size);
  a.set(A.data);
  B().householderQr(a, m, n, count, alloc(0), 0);
  // The kernel keeps no tau: for v with its leading 1, tau = (beta - alpha) / beta = 2 / (v^T v); a
  // column with nothing below the diagonal made no reflector (tau 0, v = e_1).
  const tau = alloc(count * k);
  for (let b = 0; b < count; b++) {
    for (let j = 0; j < k; j++) {
      let sq = 0;
      for (let i = j + 1; i < m; i++) sq += a[b * m * n + i * n + j] ** 2;
      tau[b * k + j] = sq === 0 ? 0 : 2 / (1 + sq);
    }
  }
  return { a: new Tensor(a, [...A.shape]), tau: new Tensor(tau, [...batch, k]) };
}

/** Options of ormqr. */
export interface OrmqrOptions {
  /** Q C (default true), or C Q. */
  left?: boolean;
  /** Q^T in place of Q (default false). */
  transpose?: boolean;
}

/**
 * C multiplied by the Q = H_1 ... H_k that geqrf's (A, tau) describe (torch.ormqr, LAPACK's ormqr):
 * Q C, or C Q with `left: false`, Q^T with `transpose`. A [..., mn, k] with mn C's rows (left) or
 * columns, tau [..., k]. Each reflector applied as a recorded op, so gradients reach A, tau and C
 * (torch 1.13 has none).
 */
export function ormqr(A: Tensor, tau: Tensor, C: Tensor, options?: OrmqrOptions): Tensor {
  const what = 'ormqr';
  const o = optionsOf(options, what, { left: 'boolean', transpose: 'boolean' });
  checkTensor(A, what);
  checkTensor(tau, `${what} tau`);
  checkTensor(C, `${what} C`);
  const left = o.left ?? true, transpose = o.transpose ?? false;
  if (A.ndim < 2 || C.ndim !== A.ndim) throw new Error(`${what}: A and C must be matrices or batches of them with as many dims, got shapes ${fmt(A.shape)} and ${fmt(C.shape)}`);
  const mn = A.shape[A.ndim - 2], k = tau.shape[tau.ndim - 1];
  const cDim = C.shape[C.ndim - (left ? 2 : 1)];
  if (cDim !== mn) throw new Error(`${what}: A has ${mn} rows but C ${left ? 'has' : '(left: false) has'} ${cDim} ${left ? 'rows' : 'columns'}: shapes ${fmt(A.shape)} and ${fmt(C.shape)}`);
  if (tau.ndim !== A.ndim - 1 || k > Math.min(mn, A.shape[A.ndim - 1]) || tau.shape.slice(0, -1).some((s, i) => s !== A.shape[i])) {
    throw new Error(`${what}: tau must be [..., k] with A's batch dims and k at most min(${mn}, ${A.shape[A.ndim - 1]}), got shape ${fmt(tau.shape)} for A ${fmt(A.shape)}`);
  }
  return composedOf((own) => {
    const v = own(add(own(tril(A, -1)), own(eye(mn, A.shape[A.ndim - 1]))));
    // Q C = H_1 (H_2 (... H_k C)); Q^T C = H_k ... H_1 C; C Q = ((C H_1) H_2) ...; C Q^T from H_k down.
    const firstToLast = left === transpose;
    let out = C;
    for (let s = 0; s < k; s++) {
      const i = firstToLast ? s : k - 1 - s;
      const vi = own(narrow(v, -1, i, 1));
      const t = own(unsqueeze(own(narrow(tau, -1, i, 1)), -1));
      const change = left ? own(matmul(vi, own(matmul(own(mT(vi)), out)))) : own(matmul(own(matmul(out, vi)), own(mT(vi))));
      out = own(sub(out, own(mul(change, t))));
    }
    return out === C ? clone(C) : out;
  }, [A, tau, C]);
}

/** The product of the matrices given as arguments (torch.chain_matmul): linalg.multiDot of them, or a copy of one. */
export function chainMatmul(...matrices: Tensor[]): Tensor {
  if (matrices.length === 0) throw new Error('chainMatmul: expected one or more matrices, got none');
  if (matrices.length === 1) {
    checkTensor(matrices[0], 'chainMatmul');
    if (matrices[0].ndim !== 2) throw new Error(`chainMatmul: tensor 0 must be 2-D, got shape ${fmt(matrices[0].shape)}`);
    return clone(matrices[0]);
  }
  matrices.forEach((t, i) => {
    if (t instanceof Tensor && t.ndim !== 2) throw new Error(`chainMatmul: tensor ${i} must be 2-D, got shape ${fmt(t.shape)}`);
  });
  return multiDot(matrices);
}
