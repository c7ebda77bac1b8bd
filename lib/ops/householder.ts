// torch.linalg.householder_product and solve_ex, composed of recorded ops (their gradients, and
// createGraph's, are those ops'): the product of Householder reflectors that geqrf's output describes,
// and solve with each matrix's singularity reported instead of thrown.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf } from '../args';
import { checkTensor, composedOf } from './core';
import { eye } from './creation';
import { tril } from './more';
import { add, mul, sub } from './binary';
import { matmul } from './matmul';
import { narrow } from './join';
import { reshape, transpose, unsqueeze } from './shape';
import { luFactorEx, luSolve } from './lu_family';
import type { CheckErrorsOptions } from './matrices';

/**
 * The first n columns of H_1 H_2 ... H_k, H_i = I - tau_i v_i v_i^T with v_i column i of A below the
 * diagonal and 1 on it (torch.linalg.householder_product, LAPACK's orgqr): A [..., m, n], tau [..., k],
 * m >= n >= k. With geqrf's (A, tau) it is the Q of A's QR decomposition.
 */
export function householderProduct(A: Tensor, tau: Tensor): Tensor {
  const what = 'householderProduct';
  checkTensor(A, what);
  checkTensor(tau, `${what} tau`);
  if (A.ndim < 2) throw new Error(`${what}: A must have at least 2 dimensions, got shape ${fmt(A.shape)}`);
  const [m, n] = A.shape.slice(-2);
  const k = tau.shape[tau.ndim - 1];
  if (m < n) throw new Error(`${what}: A must have at least as many rows as columns, got shape ${fmt(A.shape)}`);
  if (tau.ndim !== A.ndim - 1 || tau.shape.slice(0, -1).some((s, i) => s !== A.shape[i]) || k > n) {
    throw new Error(`${what}: tau must be [..., k] with A's batch dims and k at most A's columns (${n}), got shape ${fmt(tau.shape)} for A ${fmt(A.shape)}`);
  }
  return composedOf((own) => {
    // The reflectors' vectors as columns: A below the diagonal, ones on it.
    const v = own(add(own(tril(A, -1)), own(eye(m, n))));
    let q = own(eye(m, n));
    for (let i = k - 1; i >= 0; i--) {
      const vi = own(narrow(v, -1, i, 1));
      const t = own(unsqueeze(own(narrow(tau, -1, i, 1)), -1));
      q = own(sub(q, own(mul(own(matmul(vi, own(matmul(own(transpose(vi, -1, -2)), q)))), t))));
    }
    return q.ndim === A.ndim ? q : own(reshape(q, [...A.shape.slice(0, -2), m, n]));
  }, [A, tau]);
}

/** Options of solveEx. */
export interface SolveExOptions extends CheckErrorsOptions {
  /** Solve A X = B (default true), or X A = B. */
  left?: boolean;
}

/** solveEx's result: the solutions and each matrix's info. */
export interface SolveExResult {
  /** X, B's shape. */
  result: Tensor;
  /** [...]: 0, or k + 1 where A's LU has its first zero pivot at k (then result holds infinities or NaN). */
  info: Tensor;
}

/**
 * solve without the error (torch.linalg.solve_ex): X with A X = B (X A = B when left is false), and
 * each matrix's info; checkErrors gives luFactor's error instead. B a batch of matrices [..., n, k] or
 * of vectors [..., n]. Gradients through the LU factor and its solve.
 */
export function solveEx(A: Tensor, B: Tensor, options?: SolveExOptions): SolveExResult {
  const what = 'solveEx';
  const o = optionsOf(options, what, { left: 'boolean', checkErrors: 'boolean' });
  checkTensor(A, what);
  checkTensor(B, `${what} B`);
  const f = luFactorEx(A, { checkErrors: o.checkErrors ?? false });
  const left = o.left ?? true;
  const vector = B.ndim === A.ndim - 1;
  if (vector && !left) throw new Error(`${what}: B of shape ${fmt(B.shape)} is a batch of vectors, which only left solves take`);
  const result = composedOf((own) => {
    const b = vector ? own(unsqueeze(B, -1)) : B;
    const x = luSolve(f.LU, f.pivots, b, { left });
    return vector ? own(reshape(own(x), B.shape)) : x;
  }, [B]);
  return { result, info: f.info };
}

