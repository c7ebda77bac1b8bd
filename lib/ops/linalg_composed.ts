// The rest of torch.linalg that is made of the library's ops (their gradients are those ops'):
// vector and matrix norms (those of singular values through svdvals), cond, matrixPower, multiDot, cross, vecdot and lstsq.
import { Tensor } from '../tensor';
import { fmt, normDim } from '../shape';
import { checkFinite, optionsOf, OptionKinds, shown } from '../args';
import { checkTensor, composedOf } from './core';
import { abs } from './unary';
import { div, mul, pow, sub } from './binary';
import { sum } from './reduce';
import { amax, amin, norm as pNorm } from './cumulative';
import { countNonzero } from './composed';
import { matmul } from './matmul';
import { expand, permute, reshape, squeeze, transpose, unsqueeze } from './shape';
import { cat, narrow } from './join';
import { eye, full, zeros } from './creation';
import { inv } from './linalg';
import { qr } from './qr';
import { solveTriangular } from './cholesky';
import { squareMatrices } from './matrices';
import { FLOAT32_EPS, matrixRank, pinv, ranksOfValues, svdvals } from './svd';
import { noGrad } from '../autograd';

/** Dims of a reduction: one, or a list. */
type NormDims = number | readonly number[];

/**
 * The vector norm of x over `dim` (all elements by default), as torch.linalg.vector_norm: ord 2
 * (default), 1, Infinity (max |x|), -Infinity (min |x|), 0 (the count of nonzeros, no gradient), or
 * any other real p, (sum |x|^p)^(1/p).
 */
export function vectorNorm(x: Tensor, ord = 2, dim?: NormDims, keepDim = false): Tensor {
  checkTensor(x, 'vectorNorm');
  if (typeof ord !== 'number' || Number.isNaN(ord)) throw new Error(`vectorNorm: ord must be a number, got ${shown(ord)}`);
  if (ord === 2 || ord === 1 || ord === Infinity) return pNorm(x, ord, dim, keepDim);
  return composedOf((own) => {
    if (ord === -Infinity) return amin(own(abs(x)), dim, keepDim);
    if (ord === 0) {
      const count = countNonzero(x, dim);
      return keepDim ? reshape(own(count), keptShape(x.shape, dim)) : count;
    }
    const powered = own(sum(own(pow(own(abs(x)), ord)), dim, keepDim));
    return pow(powered, 1 / ord);
  }, [x]);
}

/** x's shape with `dim` (all dims when undefined) kept as ones. */
function keptShape(shape: readonly number[], dim?: NormDims): number[] {
  const dims = dim === undefined ? shape.map((_, i) => i) : (Array.isArray(dim) ? dim : [dim]).map((d) => normDim(d as number, shape.length, 'vectorNorm'));
  return shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

/** A matrix norm's order: 'fro', 'nuc', or 1, -1, 2, -2, Infinity, -Infinity. */
export type MatrixNormOrd = 'fro' | 'nuc' | 1 | -1 | 2 | -2 | typeof Infinity;

/**
 * The matrix norm of A over its last two dims (or `dim`, two of them), as torch.linalg.matrix_norm:
 * 'fro' (default) the square root of the sum of squares, 'nuc' the sum of the singular values, 2 / -2
 * the largest / smallest singular value, 1 / -1 the largest / smallest column sum of |A|, Infinity /
 * -Infinity the largest / smallest row sum.
 */
export function matrixNorm(A: Tensor, ord: MatrixNormOrd = 'fro', dim: readonly [number, number] = [-2, -1], keepDim = false): Tensor {
  checkTensor(A, 'matrixNorm');
  if (A.ndim < 2) throw new Error(`matrixNorm: A must have at least 2 dims, got shape ${fmt(A.shape)}`);
  if (!Array.isArray(dim) || dim.length !== 2) throw new Error(`matrixNorm: dim must be two dims, got ${shown(dim)}`);
  const [r, c] = dim.map((d) => normDim(d, A.ndim, 'matrixNorm'));
  if (r === c) throw new Error(`matrixNorm: dim must be two different dims, got ${shown(dim)}`);
  if (ord === 'fro') return pNorm(A, 2, [r, c], keepDim);
  if (ord === 'nuc' || ord === 2 || ord === -2) return singularValueNorm(A, ord, r, c, keepDim);
  if (ord !== 1 && ord !== -1 && ord !== Infinity && ord !== -Infinity) {
    throw new Error(`matrixNorm: ord must be 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity, got ${shown(ord)}`);
  }
  // Column sums (over rows) for +-1, row sums (over columns) for +-Infinity; then the extreme of those.
  const [summed, over] = Math.abs(ord) === 1 ? [r, c] : [c, r];
  return composedOf((own) => {
    const sums = own(sum(own(abs(A)), summed, true));
    const pick = ord > 0 ? amax : amin;
    const y = own(pick(sums, over, true));
    return keepDim ? y : squeeze(own(squeeze(y, Math.max(r, c))), Math.min(r, c));
  }, [A]);
}

/** 'nuc', 2 or -2 over dims r and c of A: the singular values' sum, largest or smallest (dims r, c moved last first). */
function singularValueNorm(A: Tensor, ord: 'nuc' | 2 | -2, r: number, c: number, keepDim: boolean): Tensor {
  if (ord !== 'nuc' && A.shape[r] * A.shape[c] === 0) throw new Error(`matrixNorm: ord ${ord} of an empty matrix is not defined (it has no singular values), got shape ${fmt(A.shape)}`);
  return composedOf((own) => {
    const rest = A.shape.map((_, i) => i).filter((i) => i !== r && i !== c);
    const last = r === A.ndim - 2 && c === A.ndim - 1 ? A : own(permute(A, [...rest, r, c]));
    const s = own(svdvals(last));
    const y = ord === 'nuc' ? own(sum(s, -1)) : own((ord === 2 ? amax : amin)(s, -1));
    return keepDim ? reshape(y, A.shape.map((d, i) => (i === r || i === c ? 1 : d))) : y;
  }, [A]);
}

/**
 * torch.linalg.norm: with `dim` a number (or x 1-D and no dim) the vector norm; with `dim` two dims
 * (or x 2-D and no dim) the matrix norm; with neither ord nor dim, the 2-norm of all elements.
 */
export function norm(x: Tensor, ord?: number | 'fro' | 'nuc', dim?: NormDims, keepDim = false): Tensor {
  checkTensor(x, 'norm');
  const matrix = Array.isArray(dim) ? dim.length === 2 : dim === undefined && ord !== undefined && x.ndim === 2;
  if (matrix) return matrixNorm(x, (ord ?? 'fro') as MatrixNormOrd, (dim as [number, number] | undefined) ?? [-2, -1], keepDim);
  if (ord === 'fro' || ord === 'nuc') throw new Error(`norm: ord '${ord}' is a matrix norm: give a 2-D x or two dims, got shape ${fmt(x.shape)} and dim ${shown(dim)}`);
  if (dim === undefined && ord !== undefined && x.ndim !== 1) throw new Error(`norm: with ord and no dim, x must be 1-D or 2-D, got shape ${fmt(x.shape)}`);
  return vectorNorm(x, ord ?? 2, dim, keepDim);
}

/**
 * The condition number of a matrix (or each of a batch) in the norm `p` (torch.linalg.cond): for 2
 * (the default) the largest singular value over the smallest, for -2 the inverse of that (any shape);
 * for 'fro', 'nuc', 1, -1, Infinity and -Infinity, ||A|| ||A^-1|| (square A).
 */
export function cond(A: Tensor, p: MatrixNormOrd = 2): Tensor {
  if (p === 2 || p === -2) {
    checkTensor(A, 'cond');
    if (A.ndim < 2) throw new Error(`cond: A must be a matrix or a batch of them (shape [..., m, n]), got shape ${fmt(A.shape)}`);
    // An empty matrix's condition number is 0, as torch's.
    if (A.shape[A.ndim - 1] * A.shape[A.ndim - 2] === 0) return zeros(A.shape.slice(0, -2));
    return composedOf((own) => {
      const s = own(svdvals(A));
      const k = s.shape[s.ndim - 1];
      const first = own(narrow(s, -1, 0, 1)), last = own(narrow(s, -1, k - 1, 1));
      return squeeze(own(p === 2 ? div(first, last) : div(last, first)), -1);
    }, [A]);
  }
  squareMatrices(A, 'cond');
  if (p !== 'fro' && p !== 'nuc' && p !== 1 && p !== -1 && p !== Infinity && p !== -Infinity) {
    throw new Error(`cond: p must be 2, -2, 'fro', 'nuc', 1, -1, Infinity or -Infinity, got ${shown(p)}`);
  }
  return composedOf((own) => mul(own(matrixNorm(A, p)), own(matrixNorm(own(inv(A)), p))), [A]);
}

/**
 * A square matrix (or each of a batch) to the integer power n (torch.linalg.matrix_power): by
 * repeated squaring, the identity for 0, the inverse's power for n < 0.
 */
export function matrixPower(A: Tensor, n: number): Tensor {
  const { n: size, batch } = squareMatrices(A, 'matrixPower');
  if (!Number.isSafeInteger(n)) throw new Error(`matrixPower: n must be an integer, got ${shown(n)}`);
  if (n === 0) return batch.length ? expand(eye(size), [...batch, size, size]) : eye(size);
  return composedOf((own) => {
    let base = n < 0 ? own(inv(A)) : A;
    let result: Tensor | null = null;
    for (let e = Math.abs(n); e > 0; e = Math.floor(e / 2)) {
      if (e % 2) result = result ? own(matmul(result, base)) : base;
      if (e > 1) base = own(matmul(base, base));
    }
    return result!;
  }, [A]);
}

/**
 * The product of two or more matrices (torch.linalg.multi_dot), in the order of fewest multiply-adds
 * (the matrix chain's dynamic programme); the first may be a vector (a row) and the last a vector (a
 * column), which then leave the result without that dim.
 */
export function multiDot(tensors: readonly Tensor[]): Tensor {
  if (!Array.isArray(tensors) || tensors.length < 2) throw new Error(`multiDot: expected an array of two or more tensors, got ${shown(tensors)}`);
  tensors.forEach((t, i) => {
    checkTensor(t, 'multiDot');
    const vectorOk = (i === 0 || i === tensors.length - 1) && t.ndim === 1;
    if (t.ndim !== 2 && !vectorOk) throw new Error(`multiDot: tensor ${i} must be 2-D${i === 0 || i === tensors.length - 1 ? ' (or 1-D)' : ''}, got shape ${fmt(t.shape)}`);
  });
  const first = tensors[0], last = tensors[tensors.length - 1];
  return composedOf((own) => {
    const ms = tensors.map((t, i) => (t.ndim === 2 ? t : own(i === 0 ? unsqueeze(t, 0) : unsqueeze(t, 1))));
    for (let i = 1; i < ms.length; i++) {
      if (ms[i - 1].shape[1] !== ms[i].shape[0]) throw new Error(`multiDot: tensors ${i - 1} and ${i} cannot be multiplied: shapes ${fmt(tensors[i - 1].shape)} and ${fmt(tensors[i].shape)}`);
    }
    // dims[i] x dims[i + 1] is matrix i; cost[i][j] the fewest multiply-adds for matrices i..j.
    const dims = [ms[0].shape[0], ...ms.map((m) => m.shape[1])];
    const k = ms.length;
    const cost = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const split = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let len = 1; len < k; len++) {
      for (let i = 0; i + len < k; i++) {
        const j = i + len;
        cost[i][j] = Infinity;
        for (let s = i; s < j; s++) {
          const c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1];
          if (c < cost[i][j]) { cost[i][j] = c; split[i][j] = s; }
        }
      }
    }
    const chain = (i: number, j: number): Tensor => (i === j ? ms[i] : own(matmul(chain(i, split[i][j]), chain(split[i][j] + 1, j))));
    let y = chain(0, k - 1);
    if (last.ndim === 1) y = own(squeeze(y, 1));
    if (first.ndim === 1) y = squeeze(y, 0);
    return y;
  }, tensors);
}

/** The cross product of 3-vectors along `dim` (default -1), broadcast (torch.linalg.cross). */
export function cross(a: Tensor, b: Tensor, dim = -1): Tensor {
  checkTensor(a, 'cross');
  checkTensor(b, 'cross');
  const da = normDim(dim, a.ndim, 'cross'), db = normDim(dim, b.ndim, 'cross');
  if (a.shape[da] !== 3 || b.shape[db] !== 3) {
    throw new Error(`cross: dim ${dim} must have size 3 in both inputs, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  return composedOf((own) => {
    const at = (t: Tensor, d: number, i: number) => own(narrow(t, d, i, 1));
    const part = (i: number, j: number) => own(sub(own(mul(at(a, da, i), at(b, db, j))), own(mul(at(a, da, j), at(b, db, i)))));
    const parts = [part(1, 2), part(2, 0), part(0, 1)];
    // Each part keeps `dim` as size 1 (in the broadcast shape): side by side along it, the product.
    return cat(parts, dim < 0 ? parts[0].ndim + dim : dim);
  }, [a, b]);
}

/**
 * The cross product of a and b along dim (torch.cross): given no dim, a's first dim of size 3 (torch's
 * rule, where linalg.cross takes the last), the two broadcast against each other.
 */
export function crossAlong(a: Tensor, b: Tensor, dim?: number): Tensor {
  checkTensor(a, 'cross');
  if (dim === undefined) {
    dim = a.shape.indexOf(3);
    if (dim < 0) throw new Error(`cross: a has no dim of size 3 (shape ${fmt(a.shape)}); give dim`);
  }
  return cross(a, b, dim);
}

/** The dot products of x and y along `dim` (default -1), broadcast (torch.linalg.vecdot). */
export function vecdot(x: Tensor, y: Tensor, dim = -1): Tensor {
  checkTensor(x, 'vecdot');
  checkTensor(y, 'vecdot');
  return composedOf((own) => sum(own(mul(x, y)), dim), [x, y]);
}

/** Whether some matrix of R ([..., k, k], upper triangular) has a diagonal entry at most `rcond` times its largest. */
function rankDeficient(R: Tensor, rcond: number): boolean {
  const k = R.shape[R.ndim - 1], d = R.data;
  for (let o = 0; o < d.length; o += k * k) {
    let top = 0, low = Infinity;
    for (let i = 0; i < k; i++) {
      const v = Math.abs(d[o + i * k + i]);
      top = Math.max(top, v);
      low = Math.min(low, v);
    }
    if (k > 0 && low <= rcond * top) return true;
  }
  return false;
}

/** torch.linalg.lstsq's LAPACK drivers, which decide what comes with the solution. */
export type LstsqDriver = 'gels' | 'gelsy' | 'gelsd' | 'gelss';
const LSTSQ_DRIVERS: readonly LstsqDriver[] = ['gels', 'gelsy', 'gelsd', 'gelss'];

/** lstsq's options (torch.linalg.lstsq's driver and rcond). */
export interface LstsqOptions {
  /**
   * Which outputs come with the solution, as torch's CPU drivers give them: 'gelsy' (the default)
   * the rank; 'gelsd' and 'gelss' the residuals, the rank and the singular values; 'gels' the
   * residuals. The solution is the same with each.
   */
  driver?: LstsqDriver;
  /**
   * A's singular values at most rcond times its largest count as zero: the rank, and the
   * minimum-norm solution a rank-deficient A gets. Default max(m, n) float32 epsilons (torch's).
   */
  rcond?: number;
}
const LSTSQ_OPTIONS: OptionKinds<LstsqOptions> = { driver: 'value', rcond: 'value' };

/** lstsq's result (torch.linalg.lstsq's fields); what the driver does not give is an empty tensor [0], as torch's. */
export interface LstsqResult {
  /** X minimizing ||A X - B|| (the minimum-norm one when A has more columns than rows, or is rank-deficient). */
  solution: Tensor;
  /**
   * ||A X - B||^2 down each column of X, [..., k]: with 'gelsd', 'gelss' and 'gels' when A is tall
   * (m > n) and every matrix of it has full rank. Not recorded for backward (torch's neither).
   */
  residuals: Tensor;
  /** Each matrix's effective rank, [...] (whole numbers): with 'gelsy', 'gelsd' and 'gelss'. */
  rank: Tensor;
  /** Each matrix's singular values, [..., min(m, n)], descending: with 'gelsd' and 'gelss'. */
  singularValues: Tensor;
}

/**
 * The least-squares solution of A X = B (torch.linalg.lstsq) for A [..., m, n] and B [..., m, k]
 * (or vectors [..., m], one dim fewer than A, as torch's; the solution then [..., n]):
 * through A's QR decomposition, R^-1 Q^T B when m >= n, and the minimum-norm Q R^-T B (A^T = Q R)
 * when m < n; where R's diagonal shows A rank-deficient (an entry at most rcond times the largest),
 * the minimum-norm pinv(A) B, as torch's default driver (gelsy, a complete orthogonal
 * factorization) gives. Gradients through those ops; torch's own are pinv's (the same where A has
 * full rank). The residuals, rank and singular values the driver asks for are computed without
 * gradients.
 */
export function lstsq(A: Tensor, Bm: Tensor, options?: LstsqOptions): LstsqResult {
  checkTensor(A, 'lstsq');
  checkTensor(Bm, 'lstsq');
  // B with one dim fewer than A holds vectors [..., m], solved as [..., m, 1] (torch's rule).
  const vectors = A.ndim >= 2 && Bm.ndim === A.ndim - 1;
  if (vectors && Bm.shape[Bm.ndim - 1] !== A.shape[A.ndim - 2]) {
    throw new Error(`lstsq: B with one dim fewer than A holds vectors [..., m] of A's m rows, got shapes ${fmt(A.shape)} and ${fmt(Bm.shape)}`);
  }
  if (A.ndim < 2 || (!vectors && (Bm.ndim < 2 || Bm.shape[Bm.ndim - 2] !== A.shape[A.ndim - 2]))) {
    throw new Error(`lstsq: A must be [..., m, n] and B [..., m, k] (or [..., m]) with the same m, got shapes ${fmt(A.shape)} and ${fmt(Bm.shape)}`);
  }
  const m = A.shape[A.ndim - 2], n = A.shape[A.ndim - 1], k = Math.min(m, n);
  const o = optionsOf(options, 'lstsq', LSTSQ_OPTIONS);
  const driver = o.driver ?? 'gelsy';
  if (!LSTSQ_DRIVERS.includes(driver)) throw new Error(`lstsq: driver must be one of ${LSTSQ_DRIVERS.map((d) => `'${d}'`).join(', ')}, got ${shown(o.driver)}`);
  const rcond = o.rcond === undefined ? Math.max(m, n) * FLOAT32_EPS : checkFinite(o.rcond, 'lstsq', 'rcond');
  if (rcond < 0) throw new Error(`lstsq: rcond must be non-negative, got ${shown(rcond)}`);
  let deficient = false;
  const solution = composedOf((own) => {
    const B = vectors ? own(unsqueeze(Bm, -1)) : Bm;
    const { Q, R } = qr(m >= n ? A : own(transpose(A, -1, -2)));
    own(Q); own(R);
    deficient = rankDeficient(R, rcond);
    let X: Tensor;
    if (deficient) X = matmul(own(pinv(A, { rtol: rcond })), B);
    else if (m >= n) X = solveTriangular(R, own(matmul(own(transpose(Q, -1, -2)), B)), { upper: true });
    else X = matmul(Q, own(solveTriangular(own(transpose(R, -1, -2)), B, { upper: false })));
    return vectors ? squeeze(own(X), -1) : X;
  }, [A, Bm]);
  const none = () => zeros([0]);
  return noGrad(() => {
    const batch = A.shape.slice(0, -2);
    const withValues = driver === 'gelsd' || driver === 'gelss';
    const singularValues = withValues ? svdvals(A) : none();
    const count = batch.reduce((c, d) => c * d, 1);
    const rank = withValues ? ranksOfValues(singularValues.data, k, count, batch, 0, rcond) : driver === 'gels' ? none() : deficient ? matrixRank(A, { rtol: rcond }) : full(batch, k);
    // Full rank for every matrix: by the driver's own test (the singular values', or R's diagonal).
    const fullRank = driver === 'gels' ? !deficient : rank.data.every((r) => r === k);
    // Of [..., m, k] columns (vectors as one column each: [..., 1], as torch's).
    const column = (t: Tensor) => (vectors ? unsqueeze(t, -1) : t);
    const residuals = driver !== 'gelsy' && m > n && fullRank ? sum(pow(sub(matmul(A, column(solution)), column(Bm)), 2), -2) : none();
    return { solution, residuals, rank, singularValues };
  });
}
