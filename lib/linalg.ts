// torch.linalg's names (`bp.linalg.det`, ...): re-exports only.
export { det, slogdet, inv, solve } from './ops/linalg';
export type { SlogdetResult } from './ops/linalg';
export { luFactor, lu, luSolve } from './ops/lu_family';
export type { LuFactorResult, LuResult, LuSolveOptions } from './ops/lu_family';
export { cholesky, choleskyEx, solveTriangular } from './ops/cholesky';
export type { CholeskyOptions, CholeskyExOptions, CholeskyExResult, SolveTriangularOptions } from './ops/cholesky';
export { qr } from './ops/qr';
export type { QrOptions, QrResult } from './ops/qr';
export { vectorNorm, matrixNorm, norm, cond, matrixPower, multiDot, cross, vecdot, lstsq } from './ops/linalg_composed';
export { matrixExp } from './ops/matrix_exp';
export { vander, tensorinv, tensorsolve } from './ops/linalg_shapes';
export type { MatrixNormOrd, LstsqResult, LstsqOptions, LstsqDriver } from './ops/linalg_composed';
export { eigh, eigvalsh } from './ops/eigh';
export type { EighOptions, EighResult } from './ops/eigh';
export { svd, svdvals, pinv, matrixRank } from './ops/svd';
export type { SvdOptions, SvdResult, RankTolerance } from './ops/svd';
