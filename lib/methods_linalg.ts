// Attaches torch's older linear-algebra names to Tensor as methods (a.cholesky(), a.svd(), b.luSolve(LU,
// pivots), ...), as methods.ts does for the other ops; a file of its own so that each stays small.
import { Tensor } from './tensor';
import * as legacy from './ops/linalg_legacy';
import { householderProduct } from './ops/householder';
import { choleskySolve } from './ops/cholesky';
import type { CholeskySolveOptions } from './ops/cholesky';
import type { QrResult } from './ops/qr';
import type { GeqrfResult, LegacyLuOptions, LegacyLuResult, LegacyQrOptions, LegacySvdOptions, LegacySvdResult, OrmqrOptions, TriangularSolveOptions, TriangularSolveResult, UpperOptions } from './ops/linalg_legacy';

declare module './tensor' {
  interface Tensor {
    /** The Cholesky factor of this symmetric positive-definite matrix, lower unless `upper` (torch.cholesky). */
    cholesky(options?: UpperOptions): Tensor;
    /** The inverse of the matrix whose Cholesky factor this is (torch.cholesky_inverse). */
    choleskyInverse(options?: UpperOptions): Tensor;
    /** X with A X = this, A given by its Cholesky factor (torch.cholesky_solve). */
    choleskySolve(factor: Tensor, options?: CholeskySolveOptions): Tensor;
    /** The QR decomposition, reduced unless `some` is false (torch.qr). */
    qr(options?: LegacyQrOptions): QrResult;
    /** The singular value decomposition U diag(S) V^T (torch.svd). */
    svd(options?: LegacySvdOptions): LegacySvdResult;
    /** The LU factorization with partial pivoting, packed (torch.lu). */
    lu(options?: LegacyLuOptions): LegacyLuResult;
    /** X with A X = this, A given by lu's LU and pivots (torch.lu_solve). */
    luSolve(LU: Tensor, pivots: Tensor): Tensor;
    /** X with A X = this for a triangular A, upper unless told (torch.triangular_solve). */
    triangularSolve(A: Tensor, options?: TriangularSolveOptions): TriangularSolveResult;
    /** The QR decomposition as LAPACK's geqrf stores it (torch.geqrf). */
    geqrf(): GeqrfResult;
    /** The Q of geqrf's reflectors (this) and their tau (torch.orgqr, linalg.householderProduct). */
    orgqr(tau: Tensor): Tensor;
    /** C multiplied by the Q of geqrf's reflectors (this) and tau (torch.ormqr). */
    ormqr(tau: Tensor, C: Tensor, options?: OrmqrOptions): Tensor;
  }
}

const P = Tensor.prototype;
P.cholesky = function (o) { return legacy.cholesky(this, o); };
P.choleskyInverse = function (o) { return legacy.choleskyInverse(this, o); };
P.choleskySolve = function (f, o) { return choleskySolve(this, f, o); };
P.qr = function (o) { return legacy.qr(this, o); };
P.svd = function (o) { return legacy.svd(this, o); };
P.lu = function (o) { return legacy.lu(this, o); };
P.luSolve = function (LU, p) { return legacy.luSolve(this, LU, p); };
P.triangularSolve = function (A, o) { return legacy.triangularSolve(this, A, o); };
P.geqrf = function () { return legacy.geqrf(this); };
P.orgqr = function (tau) { return householderProduct(this, tau); };
P.ormqr = function (tau, C, o) { return legacy.ormqr(this, tau, C, o); };
