// Reference layer normalization over the rows of a [rows, cols] matrix, and its backward. Sums run
// in the storage's precision (roundingOf): in float32, as PyTorch's kernel sums, a row of values
// near 3e38 overflows its mean to inf and normalizes to NaN.
import { roundingOf } from '../../storage';

export function layerNorm(x: Float32Array, rows: number, cols: number, w: Float32Array | null, b: Float32Array | null, eps: number,
  y: Float32Array, mean: Float32Array, rstd: Float32Array): void {
  const f = roundingOf(y);
  for (let r = 0; r < rows; r++) {
    const at = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) s = f(s + x[at + c]);
    const mu = f(s / cols);
    let v = 0;
    for (let c = 0; c < cols; c++) {
      const d = f(x[at + c] - mu);
      v = f(v + f(d * d));
    }
    const rs = f(1 / f(Math.sqrt(f(f(v / cols) + eps))));
    for (let c = 0; c < cols; c++) y[at + c] = f(f(f(x[at + c] - mu) * rs) * (w ? w[c] : 1)) + (b ? b[c] : 0);
    mean[r] = mu;
    rstd[r] = rs;
  }
}

export function layerNormGrad(gy: Float32Array, x: Float32Array, rows: number, cols: number, w: Float32Array | null, mean: Float32Array,
  rstd: Float32Array, gx: Float32Array, gw: Float32Array | null, gb: Float32Array | null): void {
  const f = roundingOf(gx);
  if (gw) gw.fill(0);
  if (gb) gb.fill(0);
  for (let r = 0; r < rows; r++) {
    const at = r * cols;
    const xhat = (c: number) => f(f(x[at + c] - mean[r]) * rstd[r]);
    const g = (c: number) => (w ? f(gy[at + c] * w[c]) : gy[at + c]);
    let c1 = 0;
    let c2 = 0;
    for (let c = 0; c < cols; c++) {
      c1 = f(c1 + g(c));
      c2 = f(c2 + f(g(c) * xhat(c)));
    }
    c1 = f(c1 / cols);
    c2 = f(c2 / cols);
    for (let c = 0; c < cols; c++) {
      gx[at + c] = rstd[r] * f(f(g(c) - c1) - f(xhat(c) * c2));
      if (gw) gw[c] = f(gw[c] + f(gy[at + c] * xhat(c)));
      if (gb) gb[c] = f(gb[c] + gy[at + c]);
    }
  }
}
