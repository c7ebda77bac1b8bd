// torch.linalg.qr over a matrix or a batch of them (Householder reflections, the backend's
// householderQr kernel), with torch's gradient, and the orthogonal matrices that nn.init.orthogonal
// draws from it.
import { Tensor } from '../tensor';
import { B } from '../backend/registry';
import { fmt } from '../shape';
import { optionsOf, shown } from '../args';
import { allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { checkTensor } from './core';
import { copyBlocks } from '../copy';
import { batchProducts, transposeEach } from './lu';
import { recordResults } from './matrices';
import { add, sub } from './binary';
import { matmul } from './matmul';
import { mT } from './shape';
import { cat, narrow } from './join';
import { triu } from './more';
import { solveTriangular } from './cholesky';


/** tallGradient in recorded ops (createGraph): (gQ + Q S) R^-T, S = triu(X) + triu(X, 1)^T. */
function tallGraph(q: Tensor, r: Tensor, gq: Tensor, gr: Tensor): Tensor {
  const x = sub(matmul(gr, mT(r)), matmul(mT(q), gq));
  const s = add(triu(x), mT(triu(x, 1)));
  return solveTriangular(mT(r), add(gq, matmul(q, s)), { upper: false, left: false });
}

/** Options of qr. */
export interface QrOptions {
  /** 'reduced' (default: Q m x k, R k x n, k = min(m, n)), 'complete' (Q m x m, R m x n) or 'r' (R alone, Q empty). */
  mode?: 'reduced' | 'complete' | 'r';
}

/** qr's result: A = Q R, Q with orthonormal columns, R upper triangular. */
export interface QrResult {
  /** [..., m, k] (or [..., m, m] with mode 'complete'; empty with mode 'r'). */
  Q: Tensor;
  /** [..., k, n] (or [..., m, n] with mode 'complete'). */
  R: Tensor;
}

/**
 * The gradient of A = Q R (reduced, m >= n: k = n) as torch's: (gQ + Q S) R^-T with X = gR R^T -
 * Q^T gQ and S its upper triangle made symmetric, the diagonal kept once.
 */
function tallGradient(count: number, m: number, n: number, q: Float32Array, r: Float32Array, gq: Float32Array, gr: Float32Array): Float32Array {
  const x = batchProducts(count, false, true, n, n, n, gr, r);
  const qtg = batchProducts(count, true, false, n, n, m, q, gq);
  for (let b = 0; b < count; b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = x[o + i * n + j] - qtg[o + i * n + j];
        x[o + i * n + j] = v;
        if (j > i) x[o + j * n + i] = v;
      }
    }
  }
  const y = batchProducts(count, false, false, m, n, n, q, x);
  for (let e = 0; e < y.length; e++) y[e] += gq[e];
  // gA = Y R^-T: gA^T = R^-1 Y^T, R upper.
  const yt = transposeEach(y, count, m, n);
  B().triSolve(r, n, count, true, false, yt, m);
  const g = transposeEach(yt, count, n, m);
  for (const t of [x, qtg, y, yt]) recycleArray(t);
  return g;
}

/**
 * The gradient for m < n (k = m), as torch's: A = [X | Y], R = [U | V] with U square and V = Q^T Y;
 * Y's gradient is Q gV, X's the square case's with gQ + Y gV^T for gQ and gU for gR.
 */
function wideGradient(count: number, m: number, n: number, a: Float32Array, q: Float32Array, r: Float32Array, gq: Float32Array, gr: Float32Array): Float32Array {
  // Columns c0..c1 of every row of the count m x n matrices in src, contiguous.
  const cols = (src: Float32Array, c0: number, c1: number) => {
    const out = allocOutput(count * m * (c1 - c0));
    copyBlocks(src, c0, n, out, 0, c1 - c0, c1 - c0, count * m);
    return out;
  };
  const u = cols(r, 0, m), gu = cols(gr, 0, m), gv = cols(gr, m, n), y = cols(a, m, n);
  const gq2 = batchProducts(count, false, true, m, m, n - m, y, gv);
  for (let e = 0; e < gq2.length; e++) gq2[e] += gq[e];
  const gx = tallGradient(count, m, m, q, u, gq2, gu);
  const gy = batchProducts(count, false, false, m, n - m, m, q, gv);
  // [gX | gY], row by row.
  const g = allocOutput(count * m * n);
  copyBlocks(gx, 0, m, g, 0, n, m, count * m);
  copyBlocks(gy, 0, n - m, g, m, n, n - m, count * m);
  for (const t of [u, gu, gv, y, gq2, gx, gy]) recycleArray(t);
  return g;
}

/**
 * The QR decomposition of a matrix or of each in a batch (torch.linalg.qr), by Householder
 * reflections as LAPACK's geqrf and orgqr (R's diagonal may be negative, as theirs). Gradient as
 * torch's, for mode 'reduced' and for 'complete' when m <= n; mode 'r' and 'complete' with m > n
 * have none (torch's neither): their backward is an error.
 */
export function qr(A: Tensor, options?: QrOptions): QrResult {
  checkTensor(A, 'qr');
  const mode = optionsOf(options, 'qr', { mode: 'value' }).mode ?? 'reduced';
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') throw new Error(`qr: mode must be 'reduced', 'complete' or 'r', got ${shown(mode)}`);
  if (A.ndim < 2) throw new Error(`qr: A must be a matrix or a batch of them (shape [..., m, n]), got shape ${fmt(A.shape)}`);
  const m = A.shape[A.ndim - 2], n = A.shape[A.ndim - 1], batch = A.shape.slice(0, -2);
  const count = batch.reduce((p, d) => p * d, 1), k = Math.min(m, n);
  const qCols = mode === 'complete' ? m : mode === 'r' ? 0 : k, rRows = mode === 'complete' ? m : k;
  const a = allocOutput(A.size);
  a.set(A.data);
  const q = allocOutput(count * m * qCols);
  B().householderQr(a, m, n, count, q, qCols);
  const r = allocOutput(count * rRows * n);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < rRows; i++) for (let j = 0; j < n; j++) r[(b * rRows + i) * n + j] = j >= i ? a[(b * m + i) * n + j] : 0;
  }
  recycleArray(a);
  const qShape = mode === 'r' ? [0] : [...batch, m, qCols], rShape = [...batch, rRows, n];
  const undefinedGradient = () => {
    if (mode === 'r' || (mode === 'complete' && m > n)) {
      throw new Error(`qr: the gradient of mode '${mode}'${mode === 'r' ? '' : ' with more rows than columns'} is not defined (torch's neither): ` +
        (mode === 'r' ? 'Q is not computed' : 'Q\'s last columns are not determined by A'));
    }
  };
  const [Q, R] = recordResults([q, r], [qShape, rShape], [A], 'qr', ([gq, gr]) => {
    undefinedGradient();
    return [m >= n ? tallGradient(count, m, n, q, r, gq, gr) : wideGradient(count, m, n, A.data, q, r, gq, gr)];
  }, ([gQ, gR], [q2, r2]) => {
    undefinedGradient();
    if (m >= n) return [tallGraph(q2, r2, gQ, gR)];
    // wideGradient's split: R = [U | V], A = [X | Y].
    const gV = narrow(gR, -1, m, n - m);
    const gX = tallGraph(q2, narrow(r2, -1, 0, m), add(gQ, matmul(narrow(A, -1, m, n - m), mT(gV))), narrow(gR, -1, 0, m));
    return [cat([gX, matmul(q2, gV)], -1)];
  });
  return { Q, R };
}
