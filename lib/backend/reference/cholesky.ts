// Reference Cholesky factorization: the twin of native/src/kernels/cholesky.cc (LAPACK's spotrf2,
// lower), the same recursion and base width, each element's left-looking sum rounded product by
// product, with this backend's gemm for the products.
import { roundingOf } from '../../storage';
import { at, Block, kBase, subProduct } from './triangular';

/** x = b L^-T in place for the lower triangle L (w x w) and b (m x w), row by row. */
function solveRightLowerT(l: Block, b: Block, m: number, w: number): void {
  if (w <= kBase) {
    const d = b.data, ld = l.data, round = roundingOf(d);
    for (let r = 0; r < m; r++) {
      const br = b.off + r * b.ld;
      for (let j = 0; j < w; j++) {
        const lj = l.off + j * l.ld;
        let t = d[br + j];
        for (let k = 0; k < j; k++) t = round(t - round(d[br + k] * ld[lj + k]));
        d[br + j] = t / ld[lj + j];
      }
    }
    return;
  }
  const w1 = Math.floor(w / 2);
  solveRightLowerT(l, b, m, w1);
  subProduct(at(b, 0, w1), b, at(l, w1, 0), m, w - w1, w1, true);
  solveRightLowerT(at(l, w1, w1), at(b, 0, w1), m, w - w1);
}

/** Factors the lower triangle of the w x w block a in place: 0, or the order of the first leading minor that is not positive-definite. */
function factor(a: Block, w: number): number {
  const d = a.data, round = roundingOf(d);
  if (w <= kBase) {
    for (let j = 0; j < w; j++) {
      const lj = a.off + j * a.ld;
      let s = d[lj + j];
      for (let k = 0; k < j; k++) s = round(s - round(d[lj + k] * d[lj + k]));
      if (!(s > 0)) return j + 1;
      const diag = round(Math.sqrt(s));
      d[lj + j] = diag;
      for (let i = j + 1; i < w; i++) {
        const li = a.off + i * a.ld;
        let t = d[li + j];
        for (let k = 0; k < j; k++) t = round(t - round(d[li + k] * d[lj + k]));
        d[li + j] = t / diag;
      }
    }
    return 0;
  }
  const n1 = Math.floor(w / 2), n2 = w - n1;
  const r1 = factor(a, n1);
  if (r1) return r1;
  solveRightLowerT(a, at(a, n1, 0), n2, n1);
  subProduct(at(a, n1, n1), at(a, n1, 0), at(a, n1, 0), n2, n2, n1, true);
  const r2 = factor(at(a, n1, n1), n2);
  return r2 ? r2 + n1 : 0;
}

/** Each of count n x n matrices at a factored in place from its lower triangle (zeros above); the Backend contract's cholesky. */
export function cholesky(a: Float32Array, n: number, count: number, info: Int32Array): void {
  for (let i = 0; i < count; i++) {
    info[i] = n === 0 ? 0 : factor({ data: a, off: i * n * n, ld: n }, n);
    for (let r = 0; r < n; r++) a.fill(0, i * n * n + r * n + r + 1, i * n * n + (r + 1) * n);
  }
}
