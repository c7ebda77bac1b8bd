// Reference LU factorization and solves: the same recursion as native/src/kernels/lu.cc (LAPACK's
// sgetrf2), the same base width, the same element-by-element steps rounded alike (each product
// rounded to float32 before its difference), with this backend's gemm for the products.
import { gemm } from './gemm';
import { roundingOf } from '../../storage';

const kBase = 16;

/** A block of a row-major matrix: element (i, j) at data[off + i * ld + j]. */
interface Block { data: Float32Array; off: number; ld: number }

const at = (b: Block, i: number, j: number): Block => ({ data: b.data, off: b.off + i * b.ld + j, ld: b.ld });

/** Rows x cols of b copied into a contiguous array. */
function copyOut(b: Block, rows: number, cols: number): Float32Array {
  // Of b's own element type: the library's float64 mode (gradient checks) hands this backend doubles.
  const out = b.data.slice(0, rows * cols);
  for (let i = 0; i < rows; i++) out.set(b.data.subarray(b.off + i * b.ld, b.off + i * b.ld + cols), i * cols);
  return out;
}

/** C -= A B (C m x n, A m x k, B k x n), through gemm on contiguous copies, as lu.cc's sub_product. */
function subProduct(c: Block, a: Block, b: Block, m: number, n: number, k: number): void {
  if (m === 0 || n === 0 || k === 0) return;
  const cc = copyOut(c, m, n);
  gemm(false, false, m, n, k, -1, copyOut(a, m, k), copyOut(b, k, n), 1, cc, null, 0);
  for (let i = 0; i < m; i++) c.data.set(cc.subarray(i * n, (i + 1) * n), c.off + i * c.ld);
}

function swapRows(a: Block, i: number, j: number, cols: number): void {
  const d = a.data, ri = a.off + i * a.ld, rj = a.off + j * a.ld;
  for (let c = 0; c < cols; c++) {
    const t = d[ri + c];
    d[ri + c] = d[rj + c];
    d[rj + c] = t;
  }
}

/** b = L^-1 b, L the unit lower triangle of l (w x w), b w x q. */
function solveUnitLower(l: Block, b: Block, w: number, q: number): void {
  if (w <= kBase) {
    const d = b.data, round = roundingOf(d);
    for (let j = 0; j < w; j++) {
      const bj = b.off + j * b.ld;
      for (let i = j + 1; i < w; i++) {
        const f = l.data[l.off + i * l.ld + j], bi = b.off + i * b.ld;
        for (let c = 0; c < q; c++) d[bi + c] = d[bi + c] - round(f * d[bj + c]);
      }
    }
    return;
  }
  const w1 = Math.floor(w / 2);
  solveUnitLower(l, b, w1, q);
  subProduct(at(b, w1, 0), at(l, w1, 0), b, w - w1, q, w1);
  solveUnitLower(at(l, w1, w1), at(b, w1, 0), w - w1, q);
}

/** b = U^-1 b, U the upper triangle of u (w x w, diagonal included), b w x q. */
function solveUpper(u: Block, b: Block, w: number, q: number): void {
  if (w <= kBase) {
    const d = b.data, round = roundingOf(d);
    for (let i = w - 1; i >= 0; i--) {
      const bi = b.off + i * b.ld;
      for (let j = i + 1; j < w; j++) {
        const f = u.data[u.off + i * u.ld + j], bj = b.off + j * b.ld;
        for (let c = 0; c < q; c++) d[bi + c] = d[bi + c] - round(f * d[bj + c]);
      }
      const diag = u.data[u.off + i * u.ld + i];
      for (let c = 0; c < q; c++) d[bi + c] = d[bi + c] / diag;
    }
    return;
  }
  const w1 = Math.floor(w / 2);
  solveUpper(at(u, w1, w1), at(b, w1, 0), w - w1, q);
  subProduct(b, at(u, 0, w1), at(b, w1, 0), w1, q, w - w1);
  solveUpper(u, b, w1, q);
}

/** Factors the m x w block a (m >= w) in place; piv[po + j] the row swapped with row j. The first zero pivot's step, or -1. */
function factor(a: Block, m: number, w: number, piv: Int32Array, po: number): number {
  const d = a.data, round = roundingOf(d);
  if (w <= kBase) {
    let zero = -1;
    for (let j = 0; j < w; j++) {
      let p = j, best = Math.abs(d[a.off + j * a.ld + j]);
      for (let i = j + 1; i < m; i++) {
        const v = Math.abs(d[a.off + i * a.ld + j]);
        if (v > best) { best = v; p = i; }
      }
      piv[po + j] = p;
      if (p !== j) swapRows(a, j, p, w);
      const pivot = d[a.off + j * a.ld + j];
      if (pivot === 0) {
        if (zero < 0) zero = j;
        continue;
      }
      const aj = a.off + j * a.ld;
      for (let i = j + 1; i < m; i++) {
        const ai = a.off + i * a.ld;
        d[ai + j] = d[ai + j] / pivot;
        const f = d[ai + j];
        for (let c = j + 1; c < w; c++) d[ai + c] = d[ai + c] - round(f * d[aj + c]);
      }
    }
    return zero;
  }
  const n1 = Math.floor(w / 2), n2 = w - n1;
  const z1 = factor(a, m, n1, piv, po);
  const right = at(a, 0, n1);
  for (let j = 0; j < n1; j++) if (piv[po + j] !== j) swapRows(right, j, piv[po + j], n2);
  solveUnitLower(a, right, n1, n2);
  subProduct(at(a, n1, n1), at(a, n1, 0), right, m - n1, n2, n1);
  const z2 = factor(at(a, n1, n1), m - n1, n2, piv, po + n1);
  for (let j = n1; j < w; j++) {
    piv[po + j] += n1;
    if (piv[po + j] !== j) swapRows(a, j, piv[po + j], n1);
  }
  return z1 >= 0 ? z1 : z2 >= 0 ? z2 + n1 : -1;
}

/** Each of count n x n matrices at a factored in place (P A = L U); the Backend contract's luFactor. */
export function luFactor(a: Float32Array, n: number, count: number, pivots: Int32Array, zeroAt: Int32Array): void {
  for (let i = 0; i < count; i++) zeroAt[i] = n === 0 ? -1 : factor({ data: a, off: i * n * n, ld: n }, n, n, pivots, i * n);
}

/** A X = B solved in place in rhs (count n x k blocks) from luFactor's factors; the Backend contract's luSolve. */
export function luSolve(lu: Float32Array, pivots: Int32Array, n: number, count: number, rhs: Float32Array, k: number): void {
  for (let i = 0; i < count; i++) {
    const f: Block = { data: lu, off: i * n * n, ld: n }, b: Block = { data: rhs, off: i * n * k, ld: k };
    for (let j = 0; j < n; j++) if (pivots[i * n + j] !== j) swapRows(b, j, pivots[i * n + j], k);
    solveUnitLower(f, b, n, k);
    solveUpper(f, b, n, k);
  }
}
