// torch.linalg.svd and svdvals (the backend's svd kernel: Golub-Kahan-Reinsch in double precision), with
// torch's gradient, and what is made of singular values: pinv (with torch's own gradient formula,
// which holds at rank-deficient matrices too) and matrixRank.
import { Tensor } from '../tensor';
import { isGradEnabled } from '../autograd';
import { B } from '../backend/registry';
import { checkFinite, optionsOf, OptionKinds, shown } from '../args';
import { alloc, allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { copyBlocks } from '../copy';
import { checkTensor, record } from './core';
import { batchProducts, transposeEach } from './lu';
import { matricesOf, reached, recordResults, whichMatrix } from './matrices';
import { eighArrays } from './eigh';
import { matmul } from './matmul';
import { mul } from './binary';
import { unsqueeze } from './shape';
import { pinvGraphGradient, svdGraphGradient } from './svd_graph';

/** Options of svd. */
export interface SvdOptions {
  /** U [..., m, m] and Vh [..., n, n] (default, as torch's) rather than [..., m, k] and [..., k, n], k = min(m, n). */
  fullMatrices?: boolean;
}

/** svd's result: A = U diag(S) Vh. */
export interface SvdResult {
  /** [..., m, k] (or [..., m, m] with fullMatrices): the left singular vectors as columns. */
  U: Tensor;
  /** [..., k], descending and non-negative. */
  S: Tensor;
  /** [..., k, n] (or [..., n, n] with fullMatrices): the right singular vectors as rows. */
  Vh: Tensor;
}

/** Options of pinv and matrixRank: singular values at most max(atol, rtol * the largest) count as zero. */
export interface RankTolerance {
  /** Absolute tolerance (default 0). */
  atol?: number;
  /** Relative tolerance: by default max(m, n) times float32's epsilon, or 0 when atol > 0 is given (torch's rule). */
  rtol?: number;
  /** A is symmetric (its lower triangle read): eigenvalues instead of singular values, as torch's. */
  hermitian?: boolean;
}

const RANK_TOLERANCE: OptionKinds<RankTolerance> = { atol: 'value', rtol: 'value', hermitian: 'boolean' };
/** float32's machine epsilon: torch's default tolerances are multiples of it. */
export const FLOAT32_EPS = 1.1920928955078125e-7;

const matrices = (A: Tensor, what: string) => matricesOf(A, what);

/** The kernel's arrays (vectors only when asked), or an error naming a matrix that holds a NaN or an infinity. */
function decompose(A: Tensor, what: string, full: boolean, withVectors: boolean) {
  const { m, n, k, batch, count } = matrices(A, what);
  const uCols = full ? m : k, vtRows = full ? n : k;
  const s = alloc(count * k), u = withVectors ? allocOutput(count * m * uCols) : alloc(0), vt = withVectors ? allocOutput(count * vtRows * n) : alloc(0);
  const info = new Int32Array(count);
  B().svd(A.data, m, n, count, full, s, u, vt, info);
  const bad = info.findIndex((v) => v !== 0);
  if (bad >= 0) {
    throw new Error(`${what}: ${info[bad] === 1 ? 'A holds a NaN or an infinity' : 'the singular value iteration did not converge'}${whichMatrix(bad, batch)}`);
  }
  return { m, n, k, batch, count, s, u, vt, uCols, vtRows };
}

/** The first `keep` of every `of` columns of count r-row matrices, contiguous (the array itself when keep = of). */
function leadingColumns(src: Float32Array, count: number, r: number, of: number, keep: number): Float32Array {
  if (keep === of) return src;
  const out = allocOutput(count * r * keep);
  copyBlocks(src, 0, of, out, 0, keep, keep, count * r);
  return out;
}

/**
 * The gradient of A = U diag(S) Vh for m >= n (k = n; U m x k, Vh k x k), as torch's svd_backward:
 * U (X + I gS) Vh with X_jl = ((U^T gU)_jl skewed S_l + S_j (Vh gVh^T)_jl skewed) / (S_l^2 - S_j^2),
 * plus (I - U U^T) gU diag(1/S) Vh when m > n. A result none reached adds nothing (for S alone:
 * U diag(gS) Vh, defined at repeated and zero singular values).
 */
function tallGradient(count: number, m: number, k: number, u: Float32Array, s: Float32Array, vt: Float32Array,
  gu: Float32Array | null, gs: Float32Array, gvt: Float32Array | null): Float32Array {
  const x = allocOutput(count * k * k).fill(0);
  const utgu = gu ? batchProducts(count, true, false, k, k, m, u, gu) : null;
  const vtgv = gvt ? batchProducts(count, false, true, k, k, k, vt, gvt) : null;
  for (let b = 0; b < count; b++) {
    const o = b * k * k, sb = s.subarray(b * k, (b + 1) * k);
    for (let j = 0; j < k; j++) {
      for (let l = 0; l < k; l++) {
        if (j === l) {
          x[o + j * k + j] = gs[b * k + j];
          continue;
        }
        const skewU = utgu ? utgu[o + j * k + l] - utgu[o + l * k + j] : 0;
        const skewV = vtgv ? vtgv[o + j * k + l] - vtgv[o + l * k + j] : 0;
        x[o + j * k + l] = (skewU * sb[l] + sb[j] * skewV) / (sb[l] * sb[l] - sb[j] * sb[j]);
      }
    }
  }
  let left: Float32Array;
  if (gu && m > k) {
    // U X + (I - U U^T) gU diag(1/S), then times Vh.
    const gus = allocOutput(count * m * k);
    for (let e = 0; e < gus.length; e++) gus[e] = gu[e] / s[Math.floor(e / (m * k)) * k + (e % k)];
    const ux = batchProducts(count, false, false, m, k, k, u, x);
    const p = batchProducts(count, true, false, k, k, m, u, gus);
    const up = batchProducts(count, false, false, m, k, k, u, p);
    for (let e = 0; e < ux.length; e++) ux[e] += gus[e] - up[e];
    left = batchProducts(count, false, false, m, k, k, ux, vt);
    for (const t of [gus, ux, p, up]) recycleArray(t);
  } else {
    const xv = batchProducts(count, false, false, k, k, k, x, vt);
    left = batchProducts(count, false, false, m, k, k, u, xv);
    recycleArray(xv);
  }
  for (const t of [x, utgu, vtgv]) if (t) recycleArray(t);
  return left;
}

/**
 * svd's gradient for any shape: the reduced factors' (the full ones' leading columns, as torch's), a
 * wide matrix through its transpose (A^T = V diag(S) U^T).
 */
function svdGradient(d: ReturnType<typeof decompose>, gu: Float32Array | null, gs: Float32Array, gvt: Float32Array | null): Float32Array {
  const { m, n, k, count, s } = d;
  const u = leadingColumns(d.u, count, m, d.uCols, k);
  // Vh's first k rows of each matrix: the whole block when reduced.
  const rows = (src: Float32Array) => {
    if (d.vtRows === k) return src;
    const out = allocOutput(count * k * n);
    copyBlocks(src, 0, d.vtRows * n, out, 0, k * n, k * n, count);
    return out;
  };
  const guk = gu ? leadingColumns(gu, count, m, d.uCols, k) : null, gvtk = gvt ? rows(gvt) : null;
  const vtk = rows(d.vt), gU = guk && reached(guk) ? guk : null, gVh = gvtk && reached(gvtk) ? gvtk : null;
  if (m >= n) return tallGradient(count, m, k, u, s, vtk, gU, gs, gVh);
  const t = (a: Float32Array, r: number, c: number) => transposeEach(a, count, r, c);
  const gt = tallGradient(count, n, k, t(vtk, k, n), s, t(u, m, k), gVh ? t(gVh, k, n) : null, gs, gU ? t(gU, m, k) : null);
  return t(gt, n, m);
}

/**
 * The singular value decomposition of a matrix or of each in a batch (torch.linalg.svd): A = U
 * diag(S) Vh with S descending: Householder bidiagonalization and the implicit-shift QR iteration
 * (Golub-Kahan-Reinsch) in double precision. fullMatrices (default true, as torch's) completes U and Vh to
 * square orthogonal matrices. Each pair of singular vectors' sign is arbitrary, as LAPACK's. Gradient
 * as torch's: from the reduced factors (the full ones' extra columns take none), undefined where
 * singular values repeat and U's or Vh's gradient is used.
 */
export function svd(A: Tensor, options?: SvdOptions): SvdResult {
  const full = optionsOf(options, 'svd', { fullMatrices: 'boolean' }).fullMatrices ?? true;
  const d = decompose(A, 'svd', full, true);
  const [U, S, Vh] = recordResults([d.u, d.s, d.vt], [[...d.batch, d.m, d.uCols], [...d.batch, d.k], [...d.batch, d.vtRows, d.n]], [A], 'svd',
    ([gu, gs, gvt]) => [svdGradient(d, gu, gs, gvt)],
    ([gu, gs, gvh], [u, s, vh]) => [svdGraphGradient(d.m, d.n, u, s, vh, gu, gs, gvh)]);
  return { U, S, Vh };
}

/** The singular values of a matrix or each of a batch, descending (torch.linalg.svdvals); gradient U diag(gS) Vh. */
export function svdvals(A: Tensor): Tensor {
  checkTensor(A, 'svdvals');
  const d = decompose(A, 'svdvals', false, isGradEnabled() && A.requiresGrad);
  const out = record(d.s, [...d.batch, d.k], [A], 'svdvals', (gs) => [svdGradient(d, null, gs, null)]);
  // U diag(gS) Vh with U and Vh from a recorded svd of A (the same kernel: the same factors), so that
  // a second derivative reaches them, as torch's.
  if (out.node) {
    out.node.graphBackward = (gs) => {
      const { U, Vh } = svd(A, { fullMatrices: false });
      return [matmul(mul(U, unsqueeze(gs, -2)), Vh)];
    };
  }
  return out;
}

/** torch's tolerances: atol (default 0) and rtol (default max(m, n) eps, or 0 when atol > 0 is given). */
function tolerances(options: RankTolerance | undefined, what: string, m: number, n: number) {
  const o = optionsOf(options, what, RANK_TOLERANCE);
  const atol = o.atol === undefined ? 0 : checkFinite(o.atol, what, 'atol');
  const rtol = o.rtol === undefined ? (o.atol !== undefined && atol > 0 ? 0 : Math.max(m, n) * FLOAT32_EPS) : checkFinite(o.rtol, what, 'rtol');
  for (const [name, v] of [['atol', atol], ['rtol', rtol]] as const) if (v < 0) throw new Error(`${what}: ${name} must be non-negative, got ${shown(v)}`);
  if (o.hermitian && m !== n) throw new Error(`${what}: with hermitian, A must be square, got shape [..., ${m}, ${n}]`);
  return { atol, rtol, hermitian: o.hermitian ?? false };
}

/**
 * The gradient of P = pinv(A) as torch's pinv_backward: -P^T G P^T + (I - A P) G^T P P^T +
 * P^T P G^T (I - P A), for A m x n and P n x m.
 */
function pinvGradient(count: number, m: number, n: number, a: Float32Array, p: Float32Array, g: Float32Array): Float32Array {
  const mm = (ta: boolean, tb: boolean, r: number, c: number, depth: number, x: Float32Array, y: Float32Array) => batchProducts(count, ta, tb, r, c, depth, x, y);
  // -P^T G P^T (m x n)
  const ptg = mm(true, false, m, m, n, p, g);
  const out = mm(false, true, m, n, m, ptg, p);
  for (let e = 0; e < out.length; e++) out[e] = -out[e];
  // (I - A P) G^T P P^T: G^T P P^T is m x n; minus A P times it.
  const ppt = mm(false, true, n, n, m, p, p);
  const gtppt = mm(true, false, m, n, n, g, ppt);
  const ap = mm(false, false, m, m, n, a, p);
  const apx = mm(false, false, m, n, m, ap, gtppt);
  // P^T P G^T (I - P A): P^T P G^T is m x n; minus it times P A.
  const ptp = mm(true, false, m, m, n, p, p);
  const ptpgt = mm(false, true, m, n, m, ptp, g);
  const pa = mm(false, false, n, n, m, p, a);
  const xpa = mm(false, false, m, n, n, ptpgt, pa);
  for (let e = 0; e < out.length; e++) out[e] += gtppt[e] - apx[e] + ptpgt[e] - xpa[e];
  for (const t of [ptg, ppt, gtppt, ap, apx, ptp, ptpgt, pa, xpa]) recycleArray(t);
  return out;
}

/**
 * The Moore-Penrose pseudoinverse of a matrix or each of a batch (torch.linalg.pinv): V diag(1/S) U^T
 * over the singular values above max(atol, rtol * the largest), the others taken as zero; with
 * `hermitian`, from the eigendecomposition of A's lower triangle. Gradient as torch's (its pinv
 * formula, defined at rank-deficient A).
 */
export function pinv(A: Tensor, options?: RankTolerance): Tensor {
  const { m, n, k, batch, count } = matrices(A, 'pinv');
  const { atol, rtol, hermitian } = tolerances(options, 'pinv', m, n);
  let p: Float32Array;
  if (hermitian) {
    const { values: l, vectors: v } = eighArrays(A, 'pinv', undefined, true);
    // V diag(1/L) V^T over the kept eigenvalues.
    const scaled = allocOutput(count * n * n);
    for (let b = 0; b < count; b++) {
      let top = 0;
      for (let j = 0; j < n; j++) top = Math.max(top, Math.abs(l[b * n + j]));
      const tol = Math.max(atol, rtol * top);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const lj = l[b * n + j];
          scaled[(b * n + i) * n + j] = Math.abs(lj) > tol ? v[(b * n + i) * n + j] / lj : 0;
        }
      }
    }
    p = batchProducts(count, false, true, n, n, n, scaled, v);
    recycleArray(scaled);
    recycleArray(v);
  } else {
    const d = decompose(A, 'pinv', false, true);
    // diag(1/S) U^T (k x m), then V (n x k) times it.
    const sut = transposeEach(d.u, count, m, k);
    for (let b = 0; b < count; b++) {
      const tol = Math.max(atol, rtol * (k > 0 ? d.s[b * k] : 0));
      for (let j = 0; j < k; j++) {
        const sj = d.s[b * k + j];
        for (let i = 0; i < m; i++) sut[(b * k + j) * m + i] = sj > tol ? sut[(b * k + j) * m + i] / sj : 0;
      }
    }
    p = batchProducts(count, true, false, n, m, k, d.vt, sut);
    for (const t of [sut, d.u, d.vt]) recycleArray(t);
  }
  const out = record(p, [...batch, n, m], [A], 'pinv', (g) => [pinvGradient(count, m, n, A.data, p, g)]);
  if (out.node) out.node.graphBackward = (g) => [pinvGraphGradient(A, out, g)];
  return out;
}

/**
 * The numerical rank of a matrix or each of a batch (torch.linalg.matrix_rank): how many singular
 * values (eigenvalues' magnitudes with `hermitian`) exceed max(atol, rtol * the largest). No gradient.
 */
export function matrixRank(A: Tensor, options?: RankTolerance): Tensor {
  const { m, n, k, batch, count } = matrices(A, 'matrixRank');
  const { atol, rtol, hermitian } = tolerances(options, 'matrixRank', m, n);
  const values = hermitian ? eighArrays(A, 'matrixRank', undefined, false).values.map(Math.abs) : decompose(A, 'matrixRank', false, false).s;
  return ranksOfValues(values, k, count, batch, atol, rtol);
}

/**
 * The rank of each of `count` matrices from its k singular values (or absolute eigenvalues), back to
 * back in `values`: how many exceed max(atol, rtol times the matrix's largest). A tensor of shape batch.
 */
export function ranksOfValues(values: Float32Array, k: number, count: number, batch: readonly number[], atol: number, rtol: number): Tensor {
  const ranks = alloc(count);
  for (let b = 0; b < count; b++) {
    const row = values.subarray(b * k, (b + 1) * k);
    const tol = Math.max(atol, rtol * row.reduce((t, v) => Math.max(t, v), 0));
    ranks[b] = row.reduce((c, v) => c + (v > tol ? 1 : 0), 0);
  }
  return new Tensor(ranks, batch);
}

/**
 * The pseudoinverse with singular values at most rcond times the largest taken as zero
 * (torch.pinverse: pinv with rtol = rcond).
 */
export function pinverse(A: Tensor, rcond = 1e-15): Tensor {
  return pinv(A, { rtol: checkFinite(rcond, 'pinverse', 'rcond') });
}
