// torch.svd_lowrank and torch.pca_lowrank: Halko, Martinsson and Tropp's randomized SVD as torch 1.13
// runs it (a basis of A's range from A times a Gaussian [n, q], sharpened by niter power iterations
// of QR factorizations, then the exact SVD of A projected on it), from recorded ops, so differentiable.
// The Gaussian comes from the library's generator: with q at least A's rank the results are A's
// exact singular values and vectors (up to the vectors' signs), as torch's are.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, shown } from '../args';
import { checkTensor } from './core';
import { randn } from './creation';
import { matmul } from './matmul';
import { sub } from './binary';
import { mean } from './reduce';
import { transpose } from './shape';
import { qr } from './qr';
import { svd } from './svd';

/** Options of svdLowrank and pcaLowrank. */
export interface LowrankOptions {
  /** How many singular values to find (svdLowrank's default 6; pcaLowrank's min(6, m, n)). */
  q?: number;
  /** Power iterations sharpening the range's basis (default 2). */
  niter?: number;
}

/** svdLowrank's and pcaLowrank's result: A ~ U diag(S) V^T. */
export interface LowrankResult {
  /** [..., m, q] */
  U: Tensor;
  /** [..., q], descending. */
  S: Tensor;
  /** [..., n, q]: the right singular vectors as columns (torch returns V, not Vh, here). */
  V: Tensor;
}

const mT = (t: Tensor) => transpose(t, -1, -2);

/** An orthonormal basis [..., m, q] of A's range (torch's get_approximate_basis). */
function basis(A: Tensor, q: number, niter: number): Tensor {
  const n = A.shape[A.ndim - 1];
  let Q = qr(matmul(A, randn([n, q]))).Q;
  for (let i = 0; i < niter; i++) {
    Q = qr(matmul(mT(A), Q)).Q;
    Q = qr(matmul(A, Q)).Q;
  }
  return Q;
}

function lowrank(A: Tensor, q: number, niter: number, what: string): LowrankResult {
  const [m, n] = A.shape.slice(-2);
  if (!Number.isSafeInteger(q) || q < 1 || q > Math.min(m, n)) throw new Error(`${what}: q must be an integer in [1, min(m, n)] (${Math.min(m, n)} for A of shape ${fmt(A.shape)}), got ${shown(q)}`);
  if (!Number.isSafeInteger(niter) || niter < 0) throw new Error(`${what}: niter must be a non-negative integer, got ${shown(niter)}`);
  // torch's choice: a wide A, or more columns than q, is worked on through its transpose. (Its
  // intermediates are left to the collector: U, S and V each hold on to some of them.)
  if (m < n || n > q) {
    const Q = basis(mT(A), q, niter);
    const r = svd(matmul(A, Q), { fullMatrices: false });
    return { U: r.U, S: r.S, V: matmul(Q, mT(r.Vh)) };
  }
  const Q = basis(A, q, niter);
  const r = svd(matmul(mT(Q), A), { fullMatrices: false });
  return { U: matmul(Q, r.U), S: r.S, V: mT(r.Vh) };
}

/** The q largest singular triplets of A [..., m, n], approximately (torch.svd_lowrank; q 6 and niter 2 by default). */
export function svdLowrank(A: Tensor, options?: LowrankOptions): LowrankResult {
  const what = 'svdLowrank';
  checkTensor(A, what);
  if (A.ndim < 2) throw new Error(`${what}: A must be a matrix or a batch of them, got shape ${fmt(A.shape)}`);
  const o = optionsOf(options, what, { q: 'value', niter: 'value' });
  return lowrank(A, o.q ?? 6, o.niter ?? 2, what);
}

/**
 * Principal components of A's rows (torch.pca_lowrank): svdLowrank of A less its column means (with
 * center, the default), q min(6, m, n) by default.
 */
export function pcaLowrank(A: Tensor, options?: LowrankOptions & { center?: boolean }): LowrankResult {
  const what = 'pcaLowrank';
  checkTensor(A, what);
  if (A.ndim < 2) throw new Error(`${what}: A must be a matrix or a batch of them, got shape ${fmt(A.shape)}`);
  const o = optionsOf(options, what, { q: 'value', niter: 'value', center: 'boolean' });
  const [m, n] = A.shape.slice(-2);
  const centred = o.center === false ? A : sub(A, mean(A, -2, true));
  return lowrank(centred, o.q ?? Math.min(6, m, n), o.niter ?? 2, what);
}
