// Reference discrete Fourier transform of rows of complex numbers: the twin of native/src/kernels/fft.cc,
// the same doubles in the same order, so the same bits. Radix-2 Cooley-Tukey (iterative, bit-reversed
// input) for power-of-two lengths, Bluestein's chirp-z over a power-of-two convolution for the rest.
// Every table (twiddles, chirp, the convolution kernel's transform) comes from fftPlan, made here once
// per length and handed to either backend, so that neither's cos and sin decide a bit. The inverse
// is the forward transform of the conjugate, conjugated: exact negations around the same arithmetic.
import { roundingOf } from '../../storage';

/** The length of the power-of-two transform a length-n row uses: n itself, or Bluestein's convolution length (at least 2n - 1). */
export function convolutionLength(n: number): number {
  if ((n & (n - 1)) === 0) return n;
  let m = 1;
  while (m < 2 * n - 1) m *= 2;
  return m;
}

/** In-place forward radix-2 transform of re / im (length m, a power of two) by the twiddle tables cos / sin (m / 2 each: e^{-2 pi i k / m}). */
export function radix2(re: Float64Array, im: Float64Array, cos: Float64Array, sin: Float64Array): void {
  const m = re.length;
  for (let i = 1, j = 0; i < m; i++) {
    let bit = m >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i], ti = im[i];
      re[i] = re[j];
      im[i] = im[j];
      re[j] = tr;
      im[j] = ti;
    }
  }
  for (let len = 2; len <= m; len *= 2) {
    const half = len / 2, stride = m / len;
    // Block by block, as fft.cc's loops (the arrays read in sequence); each butterfly's arithmetic is the same in any order.
    for (let s0 = 0; s0 < m; s0 += len) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * stride], wi = sin[k * stride];
        const a = s0 + k, b = a + half;
        const xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/**
 * The tables a length-n forward transform reads: cos and sin of -2 pi k / m (m / 2 each, m =
 * convolutionLength(n)), then for Bluestein (n not a power of two) the chirp e^{-i pi k^2 / n} (n
 * real parts, n imaginary) and the transform of the convolution kernel conj(chirp) (m and m).
 */
export function fftPlan(n: number): Float64Array {
  const m = convolutionLength(n), half = m / 2;
  const bluestein = m !== n;
  const plan = new Float64Array(m + (bluestein ? 2 * n + 2 * m : 0));
  for (let k = 0; k < half; k++) {
    plan[k] = Math.cos((2 * Math.PI * k) / m);
    plan[half + k] = -Math.sin((2 * Math.PI * k) / m);
  }
  if (!bluestein) return plan;
  const chirpRe = plan.subarray(m, m + n), chirpIm = plan.subarray(m + n, m + 2 * n);
  const kernelRe = plan.subarray(m + 2 * n, 2 * m + 2 * n), kernelIm = plan.subarray(2 * m + 2 * n);
  for (let k = 0; k < n; k++) {
    // k^2 mod 2n keeps the angle's digits for large k (e^{-i pi k^2 / n} has period 2n in k^2).
    const angle = (-Math.PI * ((k * k) % (2 * n))) / n;
    chirpRe[k] = Math.cos(angle);
    chirpIm[k] = Math.sin(angle);
  }
  for (let k = 0; k < n; k++) {
    kernelRe[k] = chirpRe[k];
    kernelIm[k] = -chirpIm[k];
    if (k > 0) {
      kernelRe[m - k] = chirpRe[k];
      kernelIm[m - k] = -chirpIm[k];
    }
  }
  radix2(kernelRe, kernelIm, plan.subarray(0, half), plan.subarray(half, m));
  return plan;
}

/**
 * The unscaled DFT (inverse: its conjugate) of each of `count` rows of n complex numbers in x
 * (interleaved real and imaginary parts) into out, by fftPlan(n)'s tables; the Backend contract's fftRows.
 */
export function fftRows(x: Float32Array, n: number, count: number, inverse: boolean, plan: Float64Array, out: Float32Array): void {
  const round = roundingOf(out);
  const m = convolutionLength(n), half = m / 2;
  const cos = plan.subarray(0, half), sin = plan.subarray(half, m);
  const bluestein = m !== n;
  const re = new Float64Array(m), im = new Float64Array(m);
  const conj = inverse ? -1 : 1;
  for (let r = 0; r < count; r++) {
    const o = 2 * n * r;
    if (!bluestein) {
      for (let k = 0; k < n; k++) {
        re[k] = x[o + 2 * k];
        im[k] = conj * x[o + 2 * k + 1];
      }
      radix2(re, im, cos, sin);
    } else {
      const chirpRe = plan.subarray(m, m + n), chirpIm = plan.subarray(m + n, m + 2 * n);
      const kernelRe = plan.subarray(m + 2 * n, 2 * m + 2 * n), kernelIm = plan.subarray(2 * m + 2 * n);
      re.fill(0);
      im.fill(0);
      for (let k = 0; k < n; k++) {
        const xr = x[o + 2 * k], xi = conj * x[o + 2 * k + 1];
        re[k] = xr * chirpRe[k] - xi * chirpIm[k];
        im[k] = xr * chirpIm[k] + xi * chirpRe[k];
      }
      radix2(re, im, cos, sin);
      for (let k = 0; k < m; k++) {
        const pr = re[k] * kernelRe[k] - im[k] * kernelIm[k];
        // The convolution's inverse transform as the forward one of the conjugate.
        im[k] = -(re[k] * kernelIm[k] + im[k] * kernelRe[k]);
        re[k] = pr;
      }
      radix2(re, im, cos, sin);
      for (let k = 0; k < n; k++) {
        const cr = re[k] / m, ci = -im[k] / m;
        re[k] = cr * chirpRe[k] - ci * chirpIm[k];
        im[k] = cr * chirpIm[k] + ci * chirpRe[k];
      }
    }
    for (let k = 0; k < n; k++) {
      out[o + 2 * k] = round(re[k]);
      out[o + 2 * k + 1] = round(conj * im[k]);
    }
  }
}
