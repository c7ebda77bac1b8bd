// Scalar math the reference kernels share. erf is computed to double precision so that the
// float64 finite-difference gradient checks of GELU are not limited by the approximation.

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_2PI = 0.3989422804014327;

/** erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (2n+1)!!: all terms positive, no cancellation. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax > 6) return x > 0 ? 1 : -1;
  let term = ax;
  let sum = ax;
  const x2 = ax * ax;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  return x < 0 || Object.is(x, -0) ? -r : r; // odd: erf(-0) is -0, as C's and torch's
}

export function sigmoid(x: number): number {
  // Two branches keep exp's argument non-positive: no overflow for large |x|.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * erfc(x) = 1 - erf(x), without the cancellation of that difference for large x: past x = 2 a
 * continued fraction, erfc(x) = exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 2) return 1 - erf(x);
  if (x > 27) return 0; // below the smallest double
  return (TWO_OVER_SQRT_PI / 2) * Math.exp(-x * x) / erfcFraction(x);
}

/** erfc's continued fraction x + (1/2) / (x + 1 / (x + (3/2) / ...)) for x >= 2 (erfcx's too: exp(x^2) erfc(x) = (1 / sqrt pi) / it). */
export function erfcFraction(x: number): number {
  let f = x;
  for (let n = 60; n >= 1; n--) f = x + n / 2 / f;
  return f;
}

/** The standard normal CDF, as erfc(-x / sqrt 2) / 2: exact far into the negative tail. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}

export function gelu(x: number): number {
  return x * normalCdf(x);
}

export function geluGrad(x: number): number {
  return normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}
