// Reference LU factorization and solves: the same recursion as native/src/kernels/lu.cc (LAPACK's
// sgetrf2), the same base width, the same element-by-element steps rounded alike (each product
// rounded to float32 before its difference), with this backend's gemm for the products.
import { roundingOf } from '../../storage';
import { at, Block, kBase, solveLower, solveUpper, subProduct } from './triangular';

function swapRows(a: Block, i: number, j: number, cols: number): void {
  const d = a.data, ri = a.off + i * a.ld, rj = a.off + j * a.ld;
  for (let c = 0; c < cols; c++) {
    const t = d[ri + c];
    d[ri + c] = d[rj + c];
    d[rj + c] = t;
  }
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
  solveLower(a, right, n1, n2, true);
  subProduct(at(a, n1, n1), at(a, n1, 0), right, m - n1, n2, n1, false);
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
  if (n === 0 || k === 0) return;
  for (let i = 0; i < count; i++) {
    const f: Block = { data: lu, off: i * n * n, ld: n }, b: Block = { data: rhs, off: i * n * k, ld: k };
    for (let j = 0; j < n; j++) if (pivots[i * n + j] !== j) swapRows(b, j, pivots[i * n + j], k);
    solveLower(f, b, n, k, true);
    solveUpper(f, b, n, k, false);
  }
}
