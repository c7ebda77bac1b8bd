// Reference singular value decomposition: the twin of native/src/kernels/svd.cc (one-sided Jacobi),
// the same operations in the same order on doubles (JavaScript's numbers, as svd.cc's), rounded to
// the storage's precision at the end: the same bits.
import { roundingOf } from '../../storage';

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 60;

/** x[xo..] . y[yo..] over len elements with four partial sums (element i into sum i mod 4), as svd.cc's. */
function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (; i + 4 <= len; i += 4) {
    s0 += x[xo + i] * y[yo + i];
    s1 += x[xo + i + 1] * y[yo + i + 1];
    s2 += x[xo + i + 2] * y[yo + i + 2];
    s3 += x[xo + i + 3] * y[yo + i + 3];
  }
  if (i < len) s0 += x[xo + i] * y[yo + i];
  if (i + 1 < len) s1 += x[xo + i + 1] * y[yo + i + 1];
  if (i + 2 < len) s2 += x[xo + i + 2] * y[yo + i + 2];
  return (s0 + s1) + (s2 + s3);
}

/** Rows p and q of z (length len, at p * len and q * len) := [c x - s y, s x + c y]. */
function rotate(z: Float64Array, p: number, q: number, len: number, c: number, s: number): void {
  const xo = p * len, yo = q * len;
  for (let i = 0; i < len; i++) {
    const a = z[xo + i], b = z[yo + i];
    z[xo + i] = c * a - s * b;
    z[yo + i] = s * a + c * b;
  }
}

/** svd.cc's jacobi: the rows of w rotated pairwise until orthogonal, v accumulating; false past MAX_SWEEPS. */
function jacobi(w: Float64Array, rows: number, cols: number, v: Float64Array | null, norms: Float64Array): boolean {
  const tol = Math.sqrt(rows) * EPS;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    for (let j = 0; j < cols; j++) norms[j] = dot(w, j * rows, w, j * rows, rows);
    let rotated = false;
    for (let p = 0; p + 1 < cols; p++) {
      for (let q = p + 1; q < cols; q++) {
        const alpha = norms[p], beta = norms[q];
        const gamma = dot(w, p * rows, w, q * rows, rows);
        if (!(Math.abs(gamma) > tol * Math.sqrt(alpha * beta))) continue;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        rotate(w, p, q, rows, c, s);
        if (v) rotate(v, p, q, cols, c, s);
        norms[p] = alpha - t * gamma;
        norms[q] = beta + t * gamma;
        rotated = true;
      }
    }
    if (!rotated) return true;
  }
  return false;
}

/** svd.cc's complete: columns have..want of basis (rows long each) as Q e_j from the Householder QR of the first `have`. */
function complete(basis: Float64Array, rows: number, have: number, want: number): void {
  const refl = new Float64Array(rows * have), x = new Float64Array(rows);
  for (let i = 0; i < have; i++) {
    const r = i * rows;
    refl.set(basis.subarray(i * rows, (i + 1) * rows), r);
    for (let h = 0; h < i; h++) {
      const vh = h * rows;
      const f = (2 * dot(refl, vh + h, refl, r + h, rows - h)) / dot(refl, vh + h, refl, vh + h, rows - h);
      for (let e = h; e < rows; e++) refl[r + e] -= f * refl[vh + e];
    }
    refl.fill(0, r, r + i);
    const len = Math.sqrt(dot(refl, r + i, refl, r + i, rows - i));
    refl[r + i] += refl[r + i] >= 0 ? len : -len;
  }
  for (let j = have; j < want; j++) {
    x.fill(0);
    x[j] = 1;
    for (let h = have - 1; h >= 0; h--) {
      const vh = h * rows;
      const f = (2 * dot(refl, vh + h, x, h, rows - h)) / dot(refl, vh + h, refl, vh + h, rows - h);
      for (let e = h; e < rows; e++) x[e] -= f * refl[vh + e];
    }
    basis.set(x, j * rows);
  }
}

/** One m x n matrix at a[o..]: svd.cc's decompose; 1 when it holds a NaN or an infinity. */
function decompose(a: Float32Array, o: number, m: number, n: number, full: boolean, s: Float32Array, so: number,
  u: Float32Array | null, uo: number, vt: Float32Array | null, vo: number): number {
  for (let i = 0; i < m * n; i++) if (!Number.isFinite(a[o + i])) return 1;
  const round = roundingOf(s);
  const tall = m >= n;
  const rows = tall ? m : n, cols = tall ? n : m;
  const w = new Float64Array(rows * cols), v = u ? new Float64Array(cols * cols) : null, norms = new Float64Array(cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) w[j * rows + i] = tall ? a[o + i * n + j] : a[o + j * n + i];
  if (v) for (let j = 0; j < cols; j++) v[j * cols + j] = 1;
  if (!jacobi(w, rows, cols, v, norms)) return 1;
  const sigma = new Float64Array(cols);
  for (let j = 0; j < cols; j++) sigma[j] = Math.sqrt(dot(w, j * rows, w, j * rows, rows));
  // Descending, ties in index order (Array.prototype.sort is stable).
  const order = Array.from({ length: cols }, (_, i) => i).sort((x, y) => (sigma[x] > sigma[y] ? -1 : sigma[x] < sigma[y] ? 1 : 0));
  for (let j = 0; j < cols; j++) s[so + j] = round(sigma[order[j]]);
  if (!u || !vt || !v) return 0;
  const want = full ? rows : cols;
  const left = new Float64Array(rows * want);
  let rank = 0;
  while (rank < cols && sigma[order[rank]] > 0) {
    const col = order[rank] * rows, sg = sigma[order[rank]];
    for (let i = 0; i < rows; i++) left[rank * rows + i] = w[col + i] / sg;
    rank++;
  }
  if (rank < want) complete(left, rows, rank, want);
  const uCols = full ? m : cols, vtRows = full ? n : cols;
  for (let j = 0; j < uCols; j++) for (let i = 0; i < m; i++) u[uo + i * uCols + j] = tall ? left[j * rows + i] : v[order[j] * cols + i];
  for (let j = 0; j < vtRows; j++) for (let i = 0; i < n; i++) vt[vo + j * n + i] = tall ? v[order[j] * cols + i] : left[j * rows + i];
  return 0;
}

/** Each of count m x n matrices decomposed: descending singular values, and U and V^T unless u and vt are empty; the Backend contract's svd. */
export function svd(a: Float32Array, m: number, n: number, count: number, full: boolean, s: Float32Array, u: Float32Array, vt: Float32Array, info: Int32Array): void {
  const k = Math.min(m, n), uCols = full ? m : k, vtRows = full ? n : k;
  const vectors = u.length > 0 || vt.length > 0;
  for (let b = 0; b < count; b++) {
    info[b] = decompose(a, b * m * n, m, n, full, s, b * k, vectors ? u : null, b * m * uCols, vectors ? vt : null, b * vtRows * n);
  }
}
