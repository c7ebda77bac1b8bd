// torch.linalg's Cholesky family: cholesky (lower or upper), solveTriangular and choleskySolve, with
// torch's gradients, over a matrix or a batch of them. The factorization and the solves are the
// backend's cholesky and triSolve kernels.
import { Tensor } from '../tensor';
import { B } from '../backend/registry';
import { optionsOf } from '../args';
import { allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { composedOf, record } from './core';
import { transpose } from './shape';
import { add, mul } from './binary';
import { neg } from './unary';
import { matmul } from './matmul';
import { tril, triu } from './more';
import { batchProducts, transposeEach } from './lu';
import { CheckErrorsOptions, solveBroadcast, squareMatrices, whichMatrix } from './matrices';

/** Options of cholesky. */
export interface CholeskyOptions {
  /** Give U = L^T (A = U^T U), read from A's upper triangle; default false: L, from the lower one. */
  upper?: boolean;
}

/** Options of choleskyEx. */
export interface CholeskyExOptions extends CholeskyOptions, CheckErrorsOptions {}

/** choleskyEx's result. */
export interface CholeskyExResult {
  /** The factors; where a matrix is not positive-definite, the partial factor the kernel left, as LAPACK's. */
  L: Tensor;
  /** [...]: 0 where the factorization succeeded, else the order of the first leading minor that is not positive-definite. */
  info: Tensor;
}

/**
 * The lower factors of count n x n matrices and each one's info (0, or the order of its first leading
 * minor that is not positive-definite); with `check`, an error naming `what` and the first such matrix.
 */
function lowerFactors(data: Float32Array, n: number, count: number, batch: number[], what: string, check: boolean): { l: Float32Array; info: Int32Array } {
  const l = allocOutput(data.length);
  l.set(data);
  const info = new Int32Array(count);
  B().cholesky(l, n, count, info);
  const i = info.findIndex((v) => v !== 0);
  if (check && i >= 0) {
    recycleArray(l);
    throw new Error(`${what}: the input is not positive-definite${whichMatrix(i, batch)}: ` +
      `its leading minor of order ${info[i]} is not positive-definite, so the factorization could not be completed`);
  }
  return { l, info };
}

/** X = T^-1 rhs for each triangle of t (n x n) and n x k block of rhs (rhs left as it is). */
function triSolved(t: Float32Array, n: number, count: number, upper: boolean, unit: boolean, rhs: Float32Array, k: number): Float32Array {
  const x = allocOutput(rhs.length);
  x.set(rhs);
  B().triSolve(t, n, count, upper, unit, x, k);
  return x;
}

/**
 * The Cholesky factor of a symmetric positive-definite matrix or of each in a batch
 * (torch.linalg.cholesky): L lower with A = L L^T, read from A's lower triangle, or with
 * `upper: true` U = L^T, read from the upper one. An error names a matrix that is not
 * positive-definite and the order of its failing leading minor. Gradient as torch's (symmetric):
 * L^-T Phi(L^T G) L^-1, Phi the lower triangle made symmetric with its diagonal halved.
 */
export function cholesky(A: Tensor, options?: CholeskyOptions): Tensor {
  return factored(A, optionsOf(options, 'cholesky', { upper: 'boolean' }).upper ?? false, 'cholesky', true).L;
}

/**
 * cholesky without the error (torch.linalg.cholesky_ex): the factors and, for each matrix, 0 or the
 * order of its first leading minor that is not positive-definite (a jitter loop's test); with
 * `checkErrors`, cholesky's error instead. Gradient as cholesky's.
 */
export function choleskyEx(A: Tensor, options?: CholeskyExOptions): CholeskyExResult {
  const o = optionsOf(options, 'choleskyEx', { upper: 'boolean', checkErrors: 'boolean' });
  return factored(A, o.upper ?? false, 'choleskyEx', o.checkErrors ?? false);
}

function factored(A: Tensor, upper: boolean, what: string, check: boolean): CholeskyExResult {
  const { n, count, batch } = squareMatrices(A, what);
  // U's upper triangle is the lower one of A^T's factor.
  const source = upper ? transposeEach(A.data, count, n, n) : A.data;
  const { l: lower, info } = lowerFactors(source, n, count, batch, what, check);
  if (upper) recycleArray(source);
  const y = upper ? transposeEach(lower, count, n, n) : lower;
  if (upper) recycleArray(lower);
  const out = record(y, [...A.shape], [A], 'cholesky', (gy) => {
    const l = upper ? transposeEach(y, count, n, n) : y, gl = upper ? transposeEach(gy, count, n, n) : gy;
    // S = Phi(L^T G): the lower triangle of L^T G made symmetric, each entry halved.
    const m = batchProducts(count, true, false, n, n, n, l, gl);
    for (let b = 0; b < count; b++) {
      const o = b * n * n;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) m[o + j * n + i] = m[o + i * n + j] = 0.5 * m[o + i * n + j];
        m[o + i * n + i] *= 0.5;
      }
    }
    // L^-T S L^-1 = (L^-T (L^-T S)^T)^T (S symmetric), each solve against the upper triangle L^T.
    const lt = transposeEach(l, count, n, n);
    const y1 = triSolved(lt, n, count, true, false, m, n);
    const y1t = transposeEach(y1, count, n, n);
    const z = triSolved(lt, n, count, true, false, y1t, n);
    const g = transposeEach(z, count, n, n);
    for (const t of [m, lt, y1, y1t, z]) recycleArray(t);
    if (upper) for (const t of [l, gl]) recycleArray(t);
    return [g];
  });
  // createGraph: torch's cholesky_backward in recorded ops (P = tril(L^T G), S = (P + tril(P, -1)^T) / 2,
  // then L^-T S L^-1 by two triangular solves), so that its own derivatives are torch's.
  if (out.node) {
    out.node.graphBackward = (gy) => {
      const l = upper ? transpose(out, -1, -2) : out, lt = transpose(l, -1, -2);
      const p = tril(matmul(lt, upper ? transpose(gy, -1, -2) : gy));
      const s = mul(add(p, transpose(tril(p, -1), -1, -2)), 0.5);
      return [solveTriangular(l, solveTriangular(lt, s, { upper: true }), { upper: false, left: false })];
    };
  }
  return { L: out, info: new Tensor(Float32Array.from(info), batch) };
}

/** x's upper (or lower) triangle, without its diagonal when the matrix is unit-triangular. */
const triangleOf = (x: Tensor, upper: boolean, unit: boolean): Tensor => (upper ? triu(x, unit ? 1 : 0) : tril(x, unit ? -1 : 0));

/** Options of solveTriangular. */
export interface SolveTriangularOptions {
  /** Required, as torch's: solve against A's upper triangle (true) or its lower one (false). */
  upper: boolean;
  /** Solve X A = B instead of A X = B (default true: A X = B). */
  left?: boolean;
  /** Take A's diagonal as ones, not reading it (default false). */
  unitriangular?: boolean;
}

/** A X = B for same-batch operands, A triangular. */
function triangularMatrices(upper: boolean, unit: boolean): (A: Tensor, Bm: Tensor, n: number, k: number, count: number) => Tensor {
  return (A, Bm, n, k, count) => {
    const x = triSolved(A.data, n, count, upper, unit, Bm.data, k);
    const out = record(x, [...Bm.shape], [A, Bm], 'solveTriangular', (gy) => {
      // gB = A^-T G (A^T's triangle is the other one), gA = -gB X^T on A's triangle (off its diagonal if unit).
      const at = transposeEach(A.data, count, n, n);
      const gB = triSolved(at, n, count, !upper, unit, gy, k);
      recycleArray(at);
      let gA: Float32Array | null = null;
      if (A.requiresGrad) {
        gA = batchProducts(count, false, true, n, n, k, gB, x, true);
        for (let b = 0; b < count; b++) {
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) if (!((upper ? j >= i : j <= i) && !(unit && i === j))) gA[b * n * n + i * n + j] = 0;
          }
        }
      }
      return [gA, Bm.requiresGrad ? gB : null];
    });
    if (out.node) {
      out.node.graphBackward = (gy) => {
        const gB = solveTriangular(transpose(A, -1, -2), gy, { upper: !upper, unitriangular: unit });
        return [A.requiresGrad ? triangleOf(neg(matmul(gB, transpose(out, -1, -2))), upper, unit) : null, Bm.requiresGrad ? gB : null];
      };
    }
    return out;
  };
}

/**
 * The solution X of A X = B, or with `left: false` of X A = B, for A triangular
 * (torch.linalg.solve_triangular): A [..., n, n] (only its upper or lower triangle read, as
 * `upper` says), B [..., n, k] ([..., k, n] with left false); batch dims broadcast. A zero on A's
 * diagonal gives infinities, as torch's. Gradients: B's A^-T G, A's -(A^-T G) X^T on A's triangle.
 */
export function solveTriangular(A: Tensor, Bm: Tensor, options: SolveTriangularOptions): Tensor {
  const o = optionsOf(options, 'solveTriangular', { upper: 'boolean', left: 'boolean', unitriangular: 'boolean' });
  if (typeof o.upper !== 'boolean') throw new Error('solveTriangular: option upper must be given (true or false), as torch requires it');
  const unit = o.unitriangular ?? false;
  if (o.left ?? true) return solveBroadcast('solveTriangular', A, Bm, false, triangularMatrices(o.upper, unit));
  // X A = B is A^T X^T = B^T, A^T's triangle the other one.
  squareMatrices(A, 'solveTriangular');
  return composedOf((own) => {
    const at = own(transpose(A, -1, -2)), bt = own(transpose(Bm, -1, -2));
    const xt = own(solveBroadcast('solveTriangular', at, bt, false, triangularMatrices(!o.upper, unit)));
    return transpose(xt, -1, -2);
  }, [A, Bm]);
}

/** Options of choleskySolve. */
export interface CholeskySolveOptions {
  /** The factor is U (A = U^T U) rather than L (A = L L^T); default false. */
  upper?: boolean;
}

/**
 * The solution X of A X = B given A's Cholesky factor (torch.cholesky_solve(B, L)): L [..., n, n]
 * lower (A = L L^T), or upper with `upper: true`; B [..., n, k]; batch dims broadcast. Two triangular
 * solves, so gradients reach B and the factor.
 */
export function choleskySolve(Bm: Tensor, factor: Tensor, options?: CholeskySolveOptions): Tensor {
  const upper = optionsOf(options, 'choleskySolve', { upper: 'boolean' }).upper ?? false;
  squareMatrices(factor, 'choleskySolve', 'the factor');
  return composedOf((own) => {
    // A = F^T F with F upper, or F F^T with F lower: the first solve is against A's left factor.
    const ft = own(transpose(factor, -1, -2));
    const y = own(solveTriangular(upper ? ft : factor, Bm, { upper: false }));
    return solveTriangular(upper ? factor : ft, y, { upper: true });
  }, [Bm, factor]);
}
