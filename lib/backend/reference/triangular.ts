// Reference triangular solves and the pieces of the dense factorizations (lu.ts, cholesky.ts): the
// twins of native/src/kernels/triangular.cc, the same recursion and base width, each element-by-
// element product rounded before its difference, with this backend's gemm for the products.
import { gemm } from './gemm';
import { roundingOf } from '../../storage';

/** Widths at or below this are solved and factored element by element (triangular.h's kBase). */
export const kBase = 16;

/** A block of a row-major matrix: element (i, j) at data[off + i * ld + j]. */
export interface Block { data: Float32Array; off: number; ld: number }

export const at = (b: Block, i: number, j: number): Block => ({ data: b.data, off: b.off + i * b.ld + j, ld: b.ld });

/** Rows x cols of b copied into a contiguous array of b's element type (doubles in the library's float64 mode). */
function copyOut(b: Block, rows: number, cols: number): Float32Array {
  const out = b.data.slice(0, rows * cols);
  for (let i = 0; i < rows; i++) out.set(b.data.subarray(b.off + i * b.ld, b.off + i * b.ld + cols), i * cols);
  return out;
}

/** C -= A op(B) (C m x n, A m x k, B k x n or n x k stored when transB), through gemm on contiguous copies. */
export function subProduct(c: Block, a: Block, b: Block, m: number, n: number, k: number, transB: boolean): void {
  if (m === 0 || n === 0 || k === 0) return;
  const cc = copyOut(c, m, n);
  gemm(false, transB, m, n, k, -1, copyOut(a, m, k), transB ? copyOut(b, n, k) : copyOut(b, k, n), 1, cc, null, 0);
  for (let i = 0; i < m; i++) c.data.set(cc.subarray(i * n, (i + 1) * n), c.off + i * c.ld);
}

/** b = L^-1 b, L the lower triangle of l (w x w; unit diagonal when `unit`), b w x q. */
export function solveLower(l: Block, b: Block, w: number, q: number, unit: boolean): void {
  if (w <= kBase) {
    const d = b.data, round = roundingOf(d);
    for (let j = 0; j < w; j++) {
      const bj = b.off + j * b.ld;
      if (!unit) {
        const diag = l.data[l.off + j * l.ld + j];
        for (let c = 0; c < q; c++) d[bj + c] = d[bj + c] / diag;
      }
      for (let i = j + 1; i < w; i++) {
        const f = l.data[l.off + i * l.ld + j], bi = b.off + i * b.ld;
        for (let c = 0; c < q; c++) d[bi + c] = d[bi + c] - round(f * d[bj + c]);
      }
    }
    return;
  }
  const w1 = Math.floor(w / 2);
  solveLower(l, b, w1, q, unit);
  subProduct(at(b, w1, 0), at(l, w1, 0), b, w - w1, q, w1, false);
  solveLower(at(l, w1, w1), at(b, w1, 0), w - w1, q, unit);
}

/** b = U^-1 b, U the upper triangle of u (w x w; unit diagonal when `unit`), b w x q. */
export function solveUpper(u: Block, b: Block, w: number, q: number, unit: boolean): void {
  if (w <= kBase) {
    const d = b.data, round = roundingOf(d);
    for (let i = w - 1; i >= 0; i--) {
      const bi = b.off + i * b.ld;
      for (let j = i + 1; j < w; j++) {
        const f = u.data[u.off + i * u.ld + j], bj = b.off + j * b.ld;
        for (let c = 0; c < q; c++) d[bi + c] = d[bi + c] - round(f * d[bj + c]);
      }
      if (!unit) {
        const diag = u.data[u.off + i * u.ld + i];
        for (let c = 0; c < q; c++) d[bi + c] = d[bi + c] / diag;
      }
    }
    return;
  }
  const w1 = Math.floor(w / 2);
  solveUpper(at(u, w1, w1), at(b, w1, 0), w - w1, q, unit);
  subProduct(b, at(u, 0, w1), at(b, w1, 0), w1, q, w - w1, false);
  solveUpper(u, b, w1, q, unit);
}

/** T X = B solved in place in rhs for each of count triangles of t; the Backend contract's triSolve. */
export function triSolve(t: Float32Array, n: number, count: number, upper: boolean, unit: boolean, rhs: Float32Array, k: number): void {
  if (n === 0 || k === 0) return;
  for (let i = 0; i < count; i++) {
    const m: Block = { data: t, off: i * n * n, ld: n }, b: Block = { data: rhs, off: i * n * k, ld: k };
    if (upper) solveUpper(m, b, n, k, unit);
    else solveLower(m, b, n, k, unit);
  }
}
