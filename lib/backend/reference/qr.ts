// Reference Householder QR: the twin of native/src/kernels/qr.cc (LAPACK's geqrf and orgqr), the
// same reflectors, panels and order, each reflector's norm summed in doubles, every other step
// outside the products rounded to the storage's precision as it is made; this backend's gemm for
// the block reflectors' products.
import { roundingOf } from '../../storage';
import { gemm } from './gemm';

/** H = I - tau v v^T applied from the left to rows r0..m, columns c0..c1 of x (row stride ld), v's first entry 1. */
function reflect(x: Float32Array, ld: number, r0: number, m: number, c0: number, c1: number, v: Float64Array, tau: number, round: (v: number) => number): void {
  if (tau === 0 || c0 >= c1) return;
  const width = c1 - c0;
  const w = new Float64Array(width);
  for (let i = r0; i < m; i++) {
    const vi = v[i - r0], xi = i * ld + c0;
    for (let c = 0; c < width; c++) w[c] = round(w[c] + round(vi * x[xi + c]));
  }
  for (let i = r0; i < m; i++) {
    const tv = round(tau * v[i - r0]), xi = i * ld + c0;
    for (let c = 0; c < width; c++) x[xi + c] = x[xi + c] - round(tv * w[c]);
  }
}

/** Columns per panel (qr.cc's kPanel). */
const kPanel = 32;

/**
 * The panel's reflectors as I - V T V^T: v (rows x nb, unit lower trapezoidal) and t (nb x nb upper
 * triangular, LAPACK's larft), each sum rounded step by step as qr.cc's block_reflector.
 */
function blockReflector(a: Float32Array, m: number, n: number, j0: number, nb: number, tau: Float64Array, round: (v: number) => number): { v: Float32Array; t: Float32Array } {
  const rows = m - j0;
  const v = a.slice(0, rows * nb), t = a.slice(0, nb * nb).fill(0);
  for (let i = 0; i < rows; i++) for (let p = 0; p < nb; p++) v[i * nb + p] = i === p ? 1 : i < p ? 0 : a[(j0 + i) * n + j0 + p];
  const z = new Float64Array(nb);
  for (let i = 0; i < nb; i++) {
    t[i * nb + i] = tau[j0 + i];
    if (tau[j0 + i] === 0) continue;
    for (let p = 0; p < i; p++) {
      let s = 0;
      for (let r = i; r < rows; r++) s = round(s + round(v[r * nb + p] * v[r * nb + i]));
      z[p] = s;
    }
    for (let p = 0; p < i; p++) {
      let s = 0;
      for (let q = p; q < i; q++) s = round(s + round(t[p * nb + q] * z[q]));
      t[p * nb + i] = -tau[j0 + i] * s;
    }
  }
  return { v, t };
}

/** Rows j0..m, columns c0..c1 of x (row stride ld) := (I - V op(T) V^T) x, op(T) = T^T when `trans`, by three products as qr.cc's apply_block. */
function applyBlock(x: Float32Array, ld: number, m: number, j0: number, c0: number, c1: number, nb: number, v: Float32Array, t: Float32Array, trans: boolean): void {
  const rows = m - j0, width = c1 - c0;
  if (width <= 0 || rows <= 0) return;
  const xc = x.slice(0, rows * width), w = x.slice(0, nb * width), w2 = x.slice(0, nb * width);
  for (let i = 0; i < rows; i++) xc.set(x.subarray((j0 + i) * ld + c0, (j0 + i) * ld + c1), i * width);
  gemm(true, false, nb, width, rows, 1, v, xc, 0, w, null, 0);
  gemm(trans, false, nb, width, nb, 1, t, w, 0, w2, null, 0);
  gemm(false, false, rows, width, nb, -1, v, w2, 1, xc, null, 0);
  for (let i = 0; i < rows; i++) x.set(xc.subarray(i * width, (i + 1) * width), (j0 + i) * ld + c0);
}

function factor(a: Float32Array, m: number, n: number, q: Float32Array | null, qCols: number): void {
  const round = roundingOf(a);
  const k = Math.min(m, n);
  const v = new Float64Array(m), tau = new Float64Array(k);
  for (let j0 = 0; j0 < k; j0 += kPanel) {
    const j1 = Math.min(k, j0 + kPanel);
    for (let j = j0; j < j1; j++) {
      const alpha = a[j * n + j];
      let norm2 = 0;
      for (let i = j + 1; i < m; i++) norm2 += a[i * n + j] * a[i * n + j];
      v[0] = 1;
      if (norm2 === 0) {
        tau[j] = 0;
        continue;
      }
      // -sign(alpha) as C's copysign reads it: -0 counts as negative.
      const negative = alpha < 0 || Object.is(alpha, -0);
      const beta = round((negative ? 1 : -1) * Math.sqrt(alpha * alpha + norm2));
      tau[j] = round(round(beta - alpha) / beta);
      const scale = round(1 / round(alpha - beta));
      for (let i = j + 1; i < m; i++) {
        a[i * n + j] = a[i * n + j] * scale;
        v[i - j] = a[i * n + j];
      }
      a[j * n + j] = beta;
      reflect(a, n, j, m, j + 1, j1, v, tau[j], round);
    }
    if (j1 < n) {
      const { v: vb, t } = blockReflector(a, m, n, j0, j1 - j0, tau, round);
      applyBlock(a, n, m, j0, j1, n, j1 - j0, vb, t, true);
    }
  }
  if (!q || qCols === 0) return;
  for (let i = 0; i < m; i++) for (let c = 0; c < qCols; c++) q[i * qCols + c] = i === c ? 1 : 0;
  for (let j0 = Math.floor((k - 1) / kPanel) * kPanel; j0 >= 0; j0 -= kPanel) {
    const nb = Math.min(k, j0 + kPanel) - j0;
    const { v: vb, t } = blockReflector(a, m, n, j0, nb, tau, round);
    applyBlock(q, qCols, m, j0, j0, qCols, nb, vb, t, false);
  }
}

/** Each of count m x n matrices at a factored in place, and Q's first qCols columns into q; the Backend contract's householderQr. */
export function householderQr(a: Float32Array, m: number, n: number, count: number, q: Float32Array, qCols: number): void {
  for (let b = 0; b < count; b++) {
    const qb = qCols > 0 ? q.subarray(b * m * qCols, (b + 1) * m * qCols) : null;
    if (m === 0 || n === 0) {
      if (qb) for (let i = 0; i < m; i++) for (let c = 0; c < qCols; c++) qb[i * qCols + c] = i === c ? 1 : 0;
      continue;
    }
    factor(a.subarray(b * m * n, (b + 1) * m * n), m, n, qb, qCols);
  }
}
