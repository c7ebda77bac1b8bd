// Reference singular value decomposition: the twin of native/src/kernels/svd.cc (Golub-Kahan-Reinsch),
// the same operations in the same order on doubles (JavaScript's numbers, as svd.cc's), rounded to
// the storage's precision at the end: the same bits.
import { roundingOf } from '../../storage';
import type { DecompositionOutput } from '../backend';
import { dot4, pythag, rotationLength } from './double_loops';

const MAX_ITERATIONS = 75;

/** |a| with b's sign (Fortran's SIGN). */
const withSign = (a: number, b: number) => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/** Columns p and q of a column-major array (each len long): [x, y] := [x c + y s, y c - x s], as svd.cc's. */
function rotate(z: Float64Array, p: number, q: number, len: number, c: number, s: number): void {
  const xo = p * len, yo = q * len;
  for (let i = 0; i < len; i++) {
    const x = z[xo + i], y = z[yo + i];
    z[xo + i] = x * c + y * s;
    z[yo + i] = y * c - x * s;
  }
}

/**
 * svd.cc's bidiagonalize, then its diagonalize, loop for loop: a (m x n, m >= n, column-major) to
 * bidiagonal form by Householder reflections, then the implicit-shift QR iteration on it; w the
 * singular values (unsorted, non-negative). With v (n x n, column-major), a ends as U's columns and v as V's.
 */
function golubKahan(a: Float64Array, m: number, n: number, w: Float64Array, v: Float64Array | null, rv1: Float64Array, t: Float64Array): boolean {
  let g = 0, scale = 0, anorm = 0;
  for (let i = 0; i < n; i++) {
    const l = i + 1, ci = i * m;
    rv1[i] = scale * g;
    g = 0;
    scale = 0;
    let s = 0;
    for (let k = i; k < m; k++) scale += Math.abs(a[ci + k]);
    if (scale !== 0) {
      for (let k = i; k < m; k++) {
        a[ci + k] /= scale;
        s += a[ci + k] * a[ci + k];
      }
      const f = a[ci + i];
      g = -withSign(Math.sqrt(s), f);
      const h = f * g - s;
      a[ci + i] = f - g;
      for (let j = l; j < n; j++) {
        const cj = j * m;
        const r = dot4(a, ci + i, a, cj + i, m - i) / h;
        for (let k = i; k < m; k++) a[cj + k] += r * a[ci + k];
      }
      for (let k = i; k < m; k++) a[ci + k] *= scale;
    }
    w[i] = scale * g;
    g = 0;
    scale = 0;
    s = 0;
    if (i !== n - 1) {
      for (let k = l; k < n; k++) scale += Math.abs(a[k * m + i]);
      if (scale !== 0) {
        for (let k = l; k < n; k++) {
          a[k * m + i] /= scale;
          s += a[k * m + i] * a[k * m + i];
        }
        const f = a[l * m + i];
        g = -withSign(Math.sqrt(s), f);
        const h = f * g - s;
        a[l * m + i] = f - g;
        for (let k = l; k < n; k++) rv1[k] = a[k * m + i] / h;
        // Each row j > i: t_j = its dot with row i, then row j += t_j rv1 (by columns).
        t.fill(0, l, m);
        for (let k = l; k < n; k++) {
          const aik = a[k * m + i], ck = k * m;
          for (let j = l; j < m; j++) t[j] += a[ck + j] * aik;
        }
        for (let k = l; k < n; k++) {
          const r = rv1[k], ck = k * m;
          for (let j = l; j < m; j++) a[ck + j] += t[j] * r;
        }
        for (let k = l; k < n; k++) a[k * m + i] *= scale;
      }
    }
    anorm = Math.max(anorm, Math.abs(w[i]) + Math.abs(rv1[i]));
  }
  if (v) {
    // The right-hand reflections accumulated into V (row i of a copied into t first).
    let l = n;
    for (let i = n - 1; i >= 0; i--) {
      if (i < n - 1) {
        if (g !== 0) {
          for (let k = l; k < n; k++) t[k] = a[k * m + i];
          for (let j = l; j < n; j++) v[i * n + j] = t[j] / t[l] / g;
          for (let j = l; j < n; j++) {
            const r = dot4(t, l, v, j * n + l, n - l);
            for (let k = l; k < n; k++) v[j * n + k] += r * v[i * n + k];
          }
        }
        for (let j = l; j < n; j++) {
          v[j * n + i] = 0;
          v[i * n + j] = 0;
        }
      }
      v[i * n + i] = 1;
      g = rv1[i];
      l = i;
    }
    // The left-hand ones into a, which becomes U.
    for (let i = n - 1; i >= 0; i--) {
      const l = i + 1, ci = i * m;
      for (let j = l; j < n; j++) a[j * m + i] = 0;
      if (w[i] !== 0) {
        const inv = 1 / w[i];
        for (let j = l; j < n; j++) {
          const cj = j * m;
          const f = (dot4(a, ci + l, a, cj + l, m - l) / a[ci + i]) * inv;
          for (let k = i; k < m; k++) a[cj + k] += f * a[ci + k];
        }
        for (let k = i; k < m; k++) a[ci + k] *= inv;
      } else {
        for (let k = i; k < m; k++) a[ci + k] = 0;
      }
      a[ci + i] += 1;
    }
  }
  // The bidiagonal (w on the diagonal, rv1 above it) diagonalized, the last value first.
  for (let k = n - 1; k >= 0; k--) {
    for (let its = 1; ; its++) {
      let split = true, l = k, nm = 0;
      for (; l >= 0; l--) {
        nm = l - 1;
        if (Math.abs(rv1[l]) + anorm === anorm) {
          split = false;
          break;
        }
        if (Math.abs(w[nm]) + anorm === anorm) break;
      }
      if (split) {
        // w[nm] is negligible: rotations zero rv1[l..k].
        let c = 0, s = 1;
        for (let i = l; i <= k; i++) {
          const f = s * rv1[i];
          rv1[i] = c * rv1[i];
          if (Math.abs(f) + anorm === anorm) break;
          const h = rotationLength(f, w[i]);
          c = w[i] / h;
          s = -f / h;
          w[i] = h;
          if (v) rotate(a, nm, i, m, c, s);
        }
      }
      const z = w[k];
      if (l === k) {
        if (z < 0) {
          w[k] = -z;
          if (v) for (let j = 0; j < n; j++) v[k * n + j] = -v[k * n + j];
        }
        break;
      }
      if (its === MAX_ITERATIONS) return false;
      // A QR step with the shift from the bottom 2 x 2 minor.
      let x = w[l], y = w[k - 1], gg = rv1[k - 1], h = rv1[k];
      let f = ((y - z) * (y + z) + (gg - h) * (gg + h)) / (2 * h * y);
      gg = pythag(f, 1);
      f = ((x - z) * (x + z) + h * (y / (f + withSign(gg, f)) - h)) / x;
      let c = 1, s = 1;
      for (let j = l; j < k; j++) {
        const i = j + 1;
        gg = rv1[i];
        y = w[i];
        h = s * gg;
        gg = c * gg;
        let r = rotationLength(f, h);
        rv1[j] = r;
        c = f / r;
        s = h / r;
        f = x * c + gg * s;
        gg = gg * c - x * s;
        h = y * s;
        y *= c;
        if (v) rotate(v, j, i, n, c, s);
        r = rotationLength(f, h);
        w[j] = r;
        if (r !== 0) {
          c = f / r;
          s = h / r;
        }
        f = c * gg + s * y;
        x = c * y - s * gg;
        if (v) rotate(a, j, i, m, c, s);
      }
      rv1[l] = 0;
      rv1[k] = f;
      w[k] = x;
    }
  }
  return true;
}

/** svd.cc's complete: columns have..want of basis (rows long each) as Q e_j from the Householder QR of the first `have`. */
function complete(basis: Float64Array, rows: number, have: number, want: number): void {
  const refl = new Float64Array(rows * have), x = new Float64Array(rows);
  for (let i = 0; i < have; i++) {
    const r = i * rows;
    refl.set(basis.subarray(i * rows, (i + 1) * rows), r);
    for (let h = 0; h < i; h++) {
      const vh = h * rows;
      const f = (2 * dot4(refl, vh + h, refl, r + h, rows - h)) / dot4(refl, vh + h, refl, vh + h, rows - h);
      for (let e = h; e < rows; e++) refl[r + e] -= f * refl[vh + e];
    }
    refl.fill(0, r, r + i);
    const len = Math.sqrt(dot4(refl, r + i, refl, r + i, rows - i));
    refl[r + i] += refl[r + i] >= 0 ? len : -len;
  }
  for (let j = have; j < want; j++) {
    x.fill(0);
    x[j] = 1;
    for (let h = have - 1; h >= 0; h--) {
      const vh = h * rows;
      const f = (2 * dot4(refl, vh + h, x, h, rows - h)) / dot4(refl, vh + h, refl, vh + h, rows - h);
      for (let e = h; e < rows; e++) x[e] -= f * refl[vh + e];
    }
    basis.set(x, j * rows);
  }
}

/** One m x n matrix at a[o..]: svd.cc's decompose; 1 when it holds a NaN or an infinity, 2 when the iteration did not converge. */
function decompose(a: Float32Array, o: number, m: number, n: number, full: boolean, s: DecompositionOutput, so: number,
  u: DecompositionOutput | null, uo: number, vt: DecompositionOutput | null, vo: number): number {
  for (let i = 0; i < m * n; i++) if (!Number.isFinite(a[o + i])) return 1;
  const round = roundingOf(s);
  const tall = m >= n;
  const rows = tall ? m : n, cols = tall ? n : m;
  const w = new Float64Array(rows * cols), v = u ? new Float64Array(cols * cols) : null;
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) w[j * rows + i] = tall ? a[o + i * n + j] : a[o + j * n + i];
  const sigma = new Float64Array(cols);
  if (!golubKahan(w, rows, cols, sigma, v, new Float64Array(cols), new Float64Array(rows))) return 2;
  // Descending, ties in index order (Array.prototype.sort is stable).
  const order = Array.from({ length: cols }, (_, i) => i).sort((x, y) => (sigma[x] > sigma[y] ? -1 : sigma[x] < sigma[y] ? 1 : 0));
  for (let j = 0; j < cols; j++) s[so + j] = round(sigma[order[j]]);
  if (!u || !vt || !v) return 0;
  const want = full ? rows : cols;
  const left = new Float64Array(rows * want);
  for (let j = 0; j < cols; j++) left.set(w.subarray(order[j] * rows, (order[j] + 1) * rows), j * rows);
  if (cols < want) complete(left, rows, cols, want);
  const uCols = full ? m : cols, vtRows = full ? n : cols;
  for (let j = 0; j < uCols; j++) for (let i = 0; i < m; i++) u[uo + i * uCols + j] = tall ? left[j * rows + i] : v[order[j] * cols + i];
  for (let j = 0; j < vtRows; j++) for (let i = 0; i < n; i++) vt[vo + j * n + i] = tall ? v[order[j] * cols + i] : left[j * rows + i];
  return 0;
}

/** Each of count m x n matrices decomposed: descending singular values, and U and V^T unless u and vt are empty; the Backend contract's svd. */
export function svd(a: Float32Array, m: number, n: number, count: number, full: boolean, s: DecompositionOutput, u: DecompositionOutput, vt: DecompositionOutput, info: Int32Array): void {
  const k = Math.min(m, n), uCols = full ? m : k, vtRows = full ? n : k;
  const vectors = u.length > 0 || vt.length > 0;
  for (let b = 0; b < count; b++) {
    info[b] = decompose(a, b * m * n, m, n, full, s, b * k, vectors ? u : null, b * m * uCols, vectors ? vt : null, b * vtRows * n);
  }
}
