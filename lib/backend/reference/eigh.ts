// Reference symmetric eigendecomposition: the twin of native/src/kernels/eigh.cc (EISPACK's tred2
// and tql2), the same operations in the same order on doubles (JavaScript's numbers, as eigh.cc's),
// rounded to the storage's precision at the end: the same bits.
import { roundingOf } from '../../storage';
import type { DecompositionOutput } from '../backend';
import { dot4, pythag, rotationLength } from './double_loops';

const EPS = 2.220446049250313e-16;

/**
 * z (n x n, symmetric on entry) := Q with Q^T A Q tridiagonal (read only for its diagonal without
 * `vectors`); d its diagonal, e[1..n) its subdiagonal: eigh.cc's tred2, loop for loop.
 */
function tred2(z: Float64Array, n: number, d: Float64Array, e: Float64Array, g: Float64Array, vectors: boolean): void {
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1, u = i * n;
    let h = 0, scale = 0;
    if (l > 0) {
      for (let k = 0; k <= l; k++) scale += Math.abs(z[u + k]);
      if (scale === 0) {
        e[i] = z[u + l];
      } else {
        for (let k = 0; k <= l; k++) {
          z[u + k] /= scale;
          h += z[u + k] * z[u + k];
        }
        let f = z[u + l];
        const root = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * root;
        h -= f * root;
        z[u + l] = f - root;
        for (let r = 0; r <= l; r++) {
          z[r * n + i] = z[u + r] / h;
          g[r] = dot4(z, r * n, z, u, r + 1);
          for (let k = 0; k < r; k++) g[k] += z[r * n + k] * z[u + r];
        }
        f = 0;
        for (let j = 0; j <= l; j++) {
          e[j] = g[j] / h;
          f += e[j] * z[u + j];
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          f = z[u + j];
          const gj = e[j] = e[j] - hh * f;
          for (let k = 0; k <= j; k++) z[j * n + k] -= (f * e[k] + gj * z[u + k]);
        }
      }
    } else {
      e[i] = z[u + l];
    }
    d[i] = h;
  }
  d[0] = 0;
  e[0] = 0;
  for (let i = 0; i < n; i++) {
    if (vectors && d[i] !== 0) {
      g.fill(0, 0, i);
      for (let k = 0; k < i; k++) {
        const aik = z[i * n + k];
        for (let j = 0; j < i; j++) g[j] += aik * z[k * n + j];
      }
      for (let k = 0; k < i; k++) {
        const aki = z[k * n + i];
        for (let j = 0; j < i; j++) z[k * n + j] -= g[j] * aki;
      }
    }
    d[i] = z[i * n + i];
    z[i * n + i] = 1;
    for (let j = 0; j < i; j++) z[j * n + i] = z[i * n + j] = 0;
  }
}

/** The implicit QL iteration on (d, e), each rotation applied to the rows of vt (when given). False past 60 iterations for one eigenvalue. */
function tql2(d: Float64Array, e: Float64Array, vt: Float64Array | null, n: number): boolean {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0, m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= EPS * dd) break;
      }
      if (m !== l) {
        if (iter++ === 60) return false;
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = pythag(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
        let s = 1, c = 1, p = 0;
        let i: number;
        for (i = m - 1; i >= l; i--) {
          let f = s * e[i];
          const b = c * e[i];
          e[i + 1] = r = rotationLength(f, g);
          if (r === 0) {
            d[i + 1] -= p;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          d[i + 1] = g + (p = s * r);
          g = c * r - b;
          if (!vt) continue;
          const vi = i * n, vj = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            f = vt[vj + k];
            vt[vj + k] = s * vt[vi + k] + c * f;
            vt[vi + k] = c * vt[vi + k] - s * f;
          }
        }
        if (r === 0 && i >= l) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return true;
}

/** Each of count symmetric matrices decomposed: ascending eigenvalues, eigenvectors as columns (when vectors is not empty); the Backend contract's eigh. */
export function eigh(a: Float32Array, n: number, count: number, upper: boolean, values: DecompositionOutput, vectors: DecompositionOutput, info: Int32Array): void {
  const round = roundingOf(values);
  for (let b = 0; b < count; b++) {
    info[b] = 0;
    if (n === 0) continue;
    const o = b * n * n;
    const withVectors = vectors.length > 0;
    const z = new Float64Array(n * n), vt = withVectors ? new Float64Array(n * n) : null;
    const d = new Float64Array(n), e = new Float64Array(n), g = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) z[i * n + j] = z[j * n + i] = upper ? a[o + j * n + i] : a[o + i * n + j];
    tred2(z, n, d, e, g, withVectors);
    if (vt) for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) vt[i * n + k] = z[k * n + i];
    if (!tql2(d, e, vt, n)) {
      info[b] = 1;
      continue;
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (d[x] < d[y] ? -1 : d[x] > d[y] ? 1 : 0));
    for (let j = 0; j < n; j++) {
      values[b * n + j] = round(d[order[j]]);
      if (vt) for (let k = 0; k < n; k++) vectors[o + k * n + j] = vt[order[j] * n + k];
    }
  }
}
