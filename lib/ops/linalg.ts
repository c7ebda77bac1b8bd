// torch.linalg's LU family: det, slogdet, logdet, inv and solve over a matrix or a batch of them
// (the last two dims), each with torch's gradient. All go through lu.ts, whose large
// products run on the backend's gemm.
import { Tensor } from '../tensor';
import { record } from './core';
import { CheckErrorsOptions, perMatrix, solveBroadcast, squareMatrices, whichMatrix } from './matrices';
import { batchProducts, determinant, Factored, factorAll, inverses, oneOf, releaseFactors, signAndLog, singularAdjugateT, solveAll, transposeEach } from './lu';
import { allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { optionsOf } from '../args';
import { mul } from './binary';
import { neg } from './unary';
import { matmul } from './matmul';
import { reshape, transpose } from './shape';

/** The first singular matrix's index, or -1. */
const firstSingular = (f: Factored): number => f.zeroAt.findIndex((z) => z >= 0);

/** An error naming the first singular matrix, as torch's "the input matrix is singular". */
function throwIfSingular(f: Factored, what: string, batch: number[]): void {
  const i = firstSingular(f);
  if (i >= 0) {
    throw new Error(`${what}: the input matrix is singular${whichMatrix(i, batch)}: ` +
      `pivot ${f.zeroAt[i] + 1} of its LU factorization is zero, so it has no inverse`);
  }
}

/** The factors of A's matrices, given to `use` and given back to the pool after it. */
function withFactors<T>(data: Float32Array, n: number, count: number, use: (f: Factored) => T): T {
  const f = factorAll(data, n, count);
  try {
    return use(f);
  } finally {
    releaseFactors(f);
  }
}

/**
 * scale(i) A_i^-T for each matrix: the determinants' gradients (A^-T is log |det|'s). A is factored
 * again (not kept from the forward pass, which would hold n^2 floats per matrix until a backward
 * that may never come). A singular matrix goes to `singular` (which writes its gradient into the
 * slice it is given), or, without one, is an error naming it: log |det|'s gradient is unbounded there.
 */
function scaledInverseTransposes(A: Tensor, n: number, count: number, what: string, batch: number[], scale: (i: number) => number,
  singular?: (f: Factored, i: number, out: Float32Array) => void): Float32Array {
  return withFactors(A.data, n, count, (f) => {
    const first = firstSingular(f);
    if (first >= 0 && !singular) {
      throw new Error(`${what}: the gradient at a singular matrix${whichMatrix(first, batch)} is not defined ` +
        `(pivot ${f.zeroAt[first] + 1} of its LU factorization is zero)`);
    }
    const g = allocOutput(count * n * n);
    const slice = (i: number) => g.subarray(i * n * n, (i + 1) * n * n);
    // The inverses of the whole batch at once, or one by one around the singular ones.
    const inverseT = (from: Factored, into: Float32Array) => {
      const inv = inverses(from);
      into.set(transposeEach(inv, from.count, n, n));
      recycleArray(inv);
    };
    if (first < 0) inverseT(f, g);
    else {
      for (let i = 0; i < count; i++) {
        if (f.zeroAt[i] >= 0) singular!(f, i, slice(i));
        else inverseT(oneOf(f, i), slice(i));
      }
    }
    for (let i = 0; i < count; i++) {
      if (f.zeroAt[i] >= 0) continue;
      const s = scale(i);
      const gi = slice(i);
      for (let e = 0; e < gi.length; e++) gi[e] *= s;
    }
    return g;
  });
}

/**
 * The determinant of a square matrix, or of each in a batch ([..., n, n] -> [...]), as
 * torch.linalg.det: through an LU factorization with partial pivoting, 0 for a singular matrix.
 * Gradient adj(A)^T: det(A) A^-T, and at a singular matrix the adjugate from the factors (zero
 * below rank n - 1; torch 1.13 gives zeros there, ours is continuous with the invertible neighbours).
 */
export function det(A: Tensor): Tensor {
  const { n, count, batch } = squareMatrices(A, 'det');
  const y = withFactors(A.data, n, count, (f) => perMatrix(count, (i) => determinant(f, i)));
  const result = record(y, batch, [A], 'det', (gy) => [scaledInverseTransposes(A, n, count, 'det', batch, (i) => gy[i] * y[i],
    (f, i, out) => {
      singularAdjugateT(f, i, out);
      for (let e = 0; e < out.length; e++) out[e] *= gy[i];
    })]);
  // gy det(A) A^-T (inv's error at a singular A: the adjugate has no recorded form here).
  if (result.node) result.node.graphBackward = (gy) => [inverseTransposeTimes(A, mul(gy, result))];
  return result;
}

/** A^-T times s ([...], one factor a matrix) as recorded ops: log-determinants' gradient, and det's. */
function inverseTransposeTimes(A: Tensor, s: Tensor): Tensor {
  return mul(reshape(s, [...s.shape, 1, 1]), transpose(inv(A), -1, -2));
}

/** slogdet's result: det(A) = sign * exp(logabsdet). */
export interface SlogdetResult {
  /** +1 or -1, 0 for a singular matrix (no gradient). */
  sign: Tensor;
  /** log |det(A)|, -Infinity for a singular matrix. */
  logabsdet: Tensor;
}

/**
 * The sign and the log of the absolute value of the determinant, of a matrix or each of a batch
 * ([..., n, n] -> two [...] tensors), as torch.linalg.slogdet: no overflow where det itself would.
 * logabsdet's gradient is A^-T (an error at a singular matrix, where it is unbounded).
 */
export function slogdet(A: Tensor): SlogdetResult {
  const { n, count, batch } = squareMatrices(A, 'slogdet');
  const parts = withFactors(A.data, n, count, (f) => Array.from({ length: count }, (_, i) => signAndLog(f, i)));
  const sign = new Tensor(perMatrix(count, (i) => parts[i].sign), batch);
  const logabsdet = record(perMatrix(count, (i) => parts[i].logAbs), batch, [A], 'slogdet',
    (gy) => [scaledInverseTransposes(A, n, count, 'slogdet', batch, (i) => gy[i])]);
  if (logabsdet.node) logabsdet.node.graphBackward = (gy) => [inverseTransposeTimes(A, gy)];
  return { sign, logabsdet };
}

/**
 * log det(A) of a matrix or each of a batch, as torch.logdet: NaN where the determinant is negative,
 * -Infinity where it is 0. Gradient A^-T.
 */
export function logdet(A: Tensor): Tensor {
  const { n, count, batch } = squareMatrices(A, 'logdet');
  const y = withFactors(A.data, n, count, (f) => perMatrix(count, (i) => {
    const { sign, logAbs } = signAndLog(f, i);
    return sign < 0 ? NaN : logAbs;
  }));
  const out = record(y, batch, [A], 'logdet', (gy) => [scaledInverseTransposes(A, n, count, 'logdet', batch, (i) => gy[i])]);
  if (out.node) out.node.graphBackward = (gy) => [inverseTransposeTimes(A, gy)];
  return out;
}

/**
 * The inverse of a square matrix, or of each in a batch, as torch.linalg.inv (torch.inverse): an
 * error names the first singular one. Gradient -A^-T G A^-T.
 */
export function inv(A: Tensor): Tensor {
  return inverted(A, 'inv', true).inverse;
}

/** invEx's result. */
export interface InvExResult {
  /** The inverses; a singular matrix's holds infinities or NaN (its solve divided by a zero pivot). */
  inverse: Tensor;
  /** [...]: 0, or k where pivot k (1-based) of the matrix's LU factorization is zero (torch's inv_ex may name another pivot of a singular matrix). */
  info: Tensor;
}

/**
 * inv without the error (torch.linalg.inv_ex): each matrix's info (0, or the 1-based index of the
 * zero pivot of a singular one) beside the inverses; `checkErrors` gives inv's error. Gradient inv's.
 */
export function invEx(A: Tensor, options?: CheckErrorsOptions): InvExResult {
  return inverted(A, 'invEx', optionsOf(options, 'invEx', { checkErrors: 'boolean' }).checkErrors ?? false);
}

function inverted(A: Tensor, what: string, check: boolean): InvExResult {
  const { n, count, batch } = squareMatrices(A, what);
  let info!: Tensor;
  const y = withFactors(A.data, n, count, (f) => {
    if (check) throwIfSingular(f, what, batch);
    info = new Tensor(Float32Array.from(f.zeroAt, (z) => z + 1), batch);
    return inverses(f);
  });
  const out = record(y, [...A.shape], [A], 'inv', (gy) => {
    // -(Y^T G) Y^T, a batch of products each way.
    const t = batchProducts(count, true, false, n, n, n, y, gy);
    const g = batchProducts(count, false, true, n, n, n, t, y, true);
    recycleArray(t);
    return [g];
  });
  if (out.node) {
    out.node.graphBackward = (gy) => {
      const yt = transpose(out, -1, -2);
      return [neg(matmul(matmul(yt, gy), yt))];
    };
  }
  return { inverse: out, info };
}

/** torch.inverse's name for inv. */
export const inverse = inv;

/** Solves for [..., n, k] right-hand sides against same-batch [..., n, n] matrices. */
function solveMatrices(A: Tensor, Bm: Tensor, n: number, k: number, count: number, batch: number[]): Tensor {
  const x = withFactors(A.data, n, count, (f) => {
    throwIfSingular(f, 'solve', batch);
    return solveAll(f, Bm.data, k);
  });
  const out = record(x, [...Bm.shape], [A, Bm], 'solve', (gy) => {
    // gB = A^-T G (A^T factored: the pivoting a fresh solve against A^T would do), gA = -gB X^T.
    const at = transposeEach(A.data, count, n, n);
    const gB = withFactors(at, n, count, (f) => solveAll(f, gy, k));
    recycleArray(at);
    const gA = A.requiresGrad ? batchProducts(count, false, true, n, n, k, gB, x, true) : null;
    return [gA, Bm.requiresGrad ? gB : null];
  });
  if (out.node) {
    out.node.graphBackward = (gy) => {
      const gB = solve(transpose(A, -1, -2), gy);
      return [A.requiresGrad ? neg(matmul(gB, transpose(out, -1, -2))) : null, gB];
    };
  }
  return out;
}

/**
 * The solution X of A X = B (torch.linalg.solve): A [..., n, n], B [..., n, k], or a vector [n] or
 * [..., n] (B's dims one fewer than A's and equal to A's but the last); batch dims broadcast. An
 * error names a singular A. Gradients: B's A^-T G, A's -(A^-T G) X^T.
 */
export function solve(A: Tensor, Bm: Tensor): Tensor {
  return solveBroadcast('solve', A, Bm, true, solveMatrices);
}

