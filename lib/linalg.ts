// torch.linalg's names (`bp.linalg.det`, ...): re-exports only.
export { det, slogdet, inv, invEx, solve } from './ops/linalg';
export type { SlogdetResult, InvExResult } from './ops/linalg';
export type { CheckErrorsOptions } from './ops/matrices';
export { luFactor, luFactorEx, lu, luSolve } from './ops/lu_family';
export type { LuFactorResult, LuFactorExResult, LuResult, LuSolveOptions } from './ops/lu_family';
export { cholesky, choleskyEx, solveTriangular } from './ops/cholesky';
export type { CholeskyOptions, CholeskyExOptions, CholeskyExResult, SolveTriangularOptions } from './ops/cholesky';
export { qr } from './ops/qr';
export type { QrOptions, QrResult } from './ops/qr';
export { vectorNorm, matrixNorm, norm, cond, matrixPower, multiDot, cross, vecdot, lstsq } from './ops/linalg_composed';
export { matrixExp } from './ops/matrix_exp';
export { vander, tensorinv, tensorsolve, diagonal } from './ops/linalg_shapes';
export { matmul } from './ops/matmul';
export type { MatrixNormOrd, LstsqResult, LstsqOptions, LstsqDriver } from './ops/linalg_composed';
export { eigh, eigvalsh } from './ops/eigh';
export type { EighOptions, EighResult } from './ops/eigh';
export { svd, svdvals, pinv, matrixRank } from './ops/svd';
export type { SvdOptions, SvdResult, RankTolerance } from './ops/svd';
