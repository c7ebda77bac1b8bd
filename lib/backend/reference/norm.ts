// Reference layer normalization over the rows of a [rows, cols] matrix, and batch normalization per
// channel of [n, c, l], with their backwards. Layer normalization's sums run in the storage's
// precision (roundingOf): in float32, as PyTorch's kernel sums, a row of values near 3e38 overflows
// its mean to inf and normalizes to NaN. Batch normalization's channels are longer (n * l values):
// their sums run in double, overflowing as float's would (channelSum).
import { Round, roundingOf } from '../../storage';
import { addWithinFloat } from './reduce';

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

// Channel k's sum of v(i, j) over x viewed as [n, c, l], in double as reduce()'s sums (more exactly
// than the native kernel's float lanes), a partial sum past float's range rounded as a float's
// would be: to infinity, where it stays. (In float, in order, the sum of 80000 values near 3 was off
// by 2e-5 of the mean, more than the native kernel's.)
function channelSum(n: number, l: number, r: Round, v: (i: number, j: number) => number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < l; j++) s = addWithinFloat(s, v(i, j), r);
  }
  return s;
}

export function batchNorm(x: Float32Array, n: number, c: number, l: number, w: Float32Array | null, b: Float32Array | null, eps: number,
  batchStats: boolean, y: Float32Array, mean: Float32Array, variance: Float32Array, rstd: Float32Array): void {
  const f = roundingOf(y);
  const count = n * l;
  for (let k = 0; k < c; k++) {
    const at = (i: number, j: number) => (i * c + k) * l + j;
    if (batchStats) {
      const mu = f(channelSum(n, l, f, (i, j) => x[at(i, j)]) / count);
      mean[k] = mu;
      variance[k] = f(channelSum(n, l, f, (i, j) => f(f(x[at(i, j)] - mu) ** 2)) / count);
    }
    rstd[k] = f(1 / f(Math.sqrt(f(variance[k] + eps))));
    // (x - mean) * scale + shift, scale = rstd * w: the native kernel's factors and roundings.
    const scale = w ? f(rstd[k] * w[k]) : rstd[k];
    const shift = b ? b[k] : 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < l; j++) y[at(i, j)] = f(f(f(x[at(i, j)] - mean[k]) * scale) + shift);
    }
  }
}

export function batchNormGrad(gy: Float32Array, x: Float32Array, n: number, c: number, l: number, w: Float32Array | null, mean: Float32Array,
  rstd: Float32Array, batchStats: boolean, gx: Float32Array, gw: Float32Array | null, gb: Float32Array | null): void {
  const f = roundingOf(gx);
  const count = n * l;
  for (let k = 0; k < c; k++) {
    const at = (i: number, j: number) => (i * c + k) * l + j;
    const xhat = (i: number, j: number) => f(f(x[at(i, j)] - mean[k]) * rstd[k]);
    const sumG = channelSum(n, l, f, (i, j) => gy[at(i, j)]);
    const sumGx = channelSum(n, l, f, (i, j) => f(gy[at(i, j)] * xhat(i, j)));
    if (gw) gw[k] = sumGx;
    if (gb) gb[k] = sumG;
    const scale = w ? f(rstd[k] * w[k]) : rstd[k];
    // (gy - mean(gy) - (x - mean) * q) * scale, q = rstd * mean(gy * xhat): as the native kernel.
    const meanG = f(sumG / count);
    const q = f(rstd[k] * f(sumGx / count));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < l; j++) {
        const g = gy[at(i, j)];
        gx[at(i, j)] = batchStats ? f(f(f(g - meanG) - f(f(x[at(i, j)] - mean[k]) * q)) * scale) : f(g * scale);
      }
    }
  }
}
