// The discrete Fourier transform of rows of complex numbers (interleaved real and imaginary parts), in
// O(n log n) for every n: iterative radix-2 Cooley-Tukey for powers of two, Bluestein's chirp-z
// (a convolution done by power-of-two transforms) for the rest. Worked in doubles, rounded to the
// storage once. As a recorded op its backward is the opposite transform unscaled: the real-linear map
// of F = e^{-2 pi i jk / n} has transpose F^H, the unscaled inverse.
import { Tensor } from '../tensor';
import { allocOutput } from '../storage';
import { record } from './core';

/** A power-of-two transform's tables: the bit-reversal permutation and the twiddles e^{-2 pi i k / n}, k < n / 2. */
class Radix2 {
  private readonly swaps: Int32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(private readonly n: number) {
    const pairs: number[] = [];
    for (let i = 1, j = 0; i < n; i++) {
      let bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) pairs.push(i, j);
    }
    this.swaps = Int32Array.from(pairs);
    // Each twiddle from its own angle, not a running product: no error builds up along a row.
    this.cos = new Float64Array(n >> 1);
    this.sin = new Float64Array(n >> 1);
    for (let k = 0; k < n >> 1; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
  }

  /** Transforms re / im in place; sign -1 forward, +1 the unscaled inverse. */
  run(re: Float64Array, im: Float64Array, sign: number): void {
    const { n, swaps } = this;
    for (let p = 0; p < swaps.length; p += 2) {
      const i = swaps[p], j = swaps[p + 1];
      const tr = re[i], ti = im[i];
      re[i] = re[j];
      im[i] = im[j];
      re[j] = tr;
      im[j] = ti;
    }
    const flip = -sign;
    for (let len = 2; len <= n; len <<= 1) {
      const half = len >> 1, stride = n / len;
      for (let k = 0; k < half; k++) {
        const wr = this.cos[k * stride], wi = flip * this.sin[k * stride];
        for (let a = k; a < n; a += len) {
          const b = a + half;
          const xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}

/** One row's transform for any n: radix-2 when n is a power of two, else Bluestein over a power-of-two convolution. */
class RowTransform {
  private readonly n: number;
  private readonly sign: number;
  private readonly m: number;
  private readonly chirpRe: Float64Array;
  private readonly chirpIm: Float64Array;
  private readonly kernelRe: Float64Array;
  private readonly kernelIm: Float64Array;
  private readonly plan: Radix2;
  private readonly ar: Float64Array;
  private readonly ai: Float64Array;

  constructor(n: number, inverse: boolean) {
    this.n = n;
    this.sign = inverse ? 1 : -1;
    const pow2 = (n & (n - 1)) === 0;
    this.m = pow2 ? n : 2 ** Math.ceil(Math.log2(2 * n - 1));
    this.chirpRe = new Float64Array(pow2 ? 0 : n);
    this.chirpIm = new Float64Array(pow2 ? 0 : n);
    this.kernelRe = new Float64Array(pow2 ? 0 : this.m);
    this.kernelIm = new Float64Array(pow2 ? 0 : this.m);
    this.plan = new Radix2(this.m);
    this.ar = new Float64Array(pow2 ? 0 : this.m);
    this.ai = new Float64Array(pow2 ? 0 : this.m);
    if (pow2) return;
    // w_k = e^{sign i pi k^2 / n}, k^2 taken mod 2n so that the angle keeps its digits for large k.
    for (let k = 0; k < n; k++) {
      const angle = (this.sign * Math.PI * ((k * k) % (2 * n))) / n;
      this.chirpRe[k] = Math.cos(angle);
      this.chirpIm[k] = Math.sin(angle);
    }
    // The convolution kernel conj(w_k) at k and m - k, transformed once.
    for (let k = 0; k < n; k++) {
      this.kernelRe[k] = this.chirpRe[k];
      this.kernelIm[k] = -this.chirpIm[k];
      if (k > 0) {
        this.kernelRe[this.m - k] = this.chirpRe[k];
        this.kernelIm[this.m - k] = -this.chirpIm[k];
      }
    }
    this.plan.run(this.kernelRe, this.kernelIm, -1);
  }

  /** Transforms row re / im (length n) in place. */
  run(re: Float64Array, im: Float64Array): void {
    const { n, m } = this;
    if (m === n) {
      this.plan.run(re, im, this.sign);
      return;
    }
    const { ar, ai } = this;
    ar.fill(0);
    ai.fill(0);
    for (let k = 0; k < n; k++) {
      ar[k] = re[k] * this.chirpRe[k] - im[k] * this.chirpIm[k];
      ai[k] = re[k] * this.chirpIm[k] + im[k] * this.chirpRe[k];
    }
    this.plan.run(ar, ai, -1);
    for (let k = 0; k < m; k++) {
      const r = ar[k] * this.kernelRe[k] - ai[k] * this.kernelIm[k];
      ai[k] = ar[k] * this.kernelIm[k] + ai[k] * this.kernelRe[k];
      ar[k] = r;
    }
    this.plan.run(ar, ai, 1);
    for (let k = 0; k < n; k++) {
      const cr = ar[k] / m, ci = ai[k] / m;
      re[k] = cr * this.chirpRe[k] - ci * this.chirpIm[k];
      im[k] = cr * this.chirpIm[k] + ci * this.chirpRe[k];
    }
  }
}

/** The unscaled transform of every row of data ([rows, n, 2] interleaved), a new array. */
export function transformRows(data: Float32Array, n: number, inverse: boolean): Float32Array {
  const out = allocOutput(data.length);
  if (n === 0) return out;
  const t = new RowTransform(n, inverse);
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let o = 0; o < data.length; o += 2 * n) {
    for (let k = 0; k < n; k++) {
      re[k] = data[o + 2 * k];
      im[k] = data[o + 2 * k + 1];
    }
    t.run(re, im);
    for (let k = 0; k < n; k++) {
      out[o + 2 * k] = re[k];
      out[o + 2 * k + 1] = im[k];
    }
  }
  return out;
}

/**
 * The unscaled DFT (or, with `inverse`, its conjugate) of x [..., n, 2] along dim -2, as a recorded op:
 * its gradient is the opposite transform of the output's, also unscaled.
 */
export function complexTransform(x: Tensor, inverse: boolean): Tensor {
  const n = x.shape[x.ndim - 2];
  const y = record(transformRows(x.data, n, inverse), [...x.shape], [x], inverse ? 'ifft' : 'fft', (gy) => [transformRows(gy, n, !inverse)]);
  if (y.node) y.node.graphBackward = (gy) => [complexTransform(gy, !inverse)];
  return y;
}
