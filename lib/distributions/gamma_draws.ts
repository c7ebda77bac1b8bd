// Gamma draws (Marsaglia and Tsang's sampler), and draws that gradients flow through (implicit
// reparameterization: Figurnov, Mohamed and Mnih, 2018). A standard Gamma(a) draw z solves P(a, z) = u for a uniform u, so dz/da = -(dP/da)(a, z) /
// p(z; a), with P the regularized lower incomplete gamma function and p the density. torch
// approximates that ratio (Taylor series, a saddle-point expansion and a fitted rational function);
// here it is computed: dP/da from P's series term by term below z = a + 1, and above it from the
// upper function Q = 1 - P (its continued fraction) by a central difference, all in double.
import { Tensor } from '../tensor';
import { alloc, allocOutput } from '../storage';
import { record } from '../ops/core';
import { digammaOf, incompleteGammaOf, lgammaOf } from '../ops/special';
import { liveRngState, liveSpareNormal } from '../random';
import { normalFrom, uniform01 } from '../random';

/** @internal One Gamma(alpha, 1) draw: Marsaglia and Tsang's method (alpha < 1 boosted by u^(1/alpha)). */
export function standardGamma(alpha: number, s: Uint32Array, spare: Float64Array): number {
  const boost = alpha < 1 ? Math.pow(uniform01(), 1 / alpha) : 1;
  const a = alpha < 1 ? alpha + 1 : alpha;
  const d = a - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = normalFrom(s, spare);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = uniform01();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * boost;
  }
}

/** dP(a, x)/da, in double. */
function lowerGammaSlopeInA(a: number, x: number): number {
  if (x < a + 1) {
    // P = e^-x sum_n x^(a+n) / Gamma(a+n+1); each term's derivative in a is itself times
    // (log x - digamma(a+n+1)), and digamma(a+n+1) = digamma(a) + sum_{k<=n} 1 / (a+k).
    const logX = Math.log(x);
    let psi = digammaOf(a) + 1 / a;
    let term = 1 / a, sum = term * (logX - psi);
    for (let n = 1; n < 100000; n++) {
      term *= x / (a + n);
      psi += 1 / (a + n);
      const add = term * (logX - psi);
      sum += add;
      if (Math.abs(add) <= Math.abs(sum) * 1e-17 && term < 1e-17 * (1 / a)) break;
    }
    return sum * Math.exp(a * logX - x - lgammaOf(a));
  }
  const h = 1e-4 * a;
  return -(incompleteGammaOf(a + h, x, true) - incompleteGammaOf(a - h, x, true)) / (2 * h);
}

/** dz/da for a standard Gamma(a) draw z: -(dP/da)(a, z) / p(z; a). */
export function standardGammaSlope(a: number, z: number): number {
  const density = Math.exp((a - 1) * Math.log(z) - z - lgammaOf(a));
  const slope = -lowerGammaSlopeInA(a, z) / density;
  return Number.isFinite(slope) ? slope : 0;
}

/**
 * Standard Gamma draws, one per element of the concentrations `c` (at least float32's smallest
 * normal number, as torch clamps), recorded so that the gradient reaches c through
 * standardGammaSlope.
 */
export function standardGammaDraws(c: Tensor): Tensor {
  const z = allocOutput(c.size);
  const s = liveRngState(), spare = liveSpareNormal();
  for (let i = 0; i < z.length; i++) z[i] = Math.max(standardGamma(c.data[i], s, spare), 2 ** -126);
  return record(z, [...c.shape], [c], 'standardGamma', (gy) => {
    const gc = alloc(c.size);
    for (let i = 0; i < gc.length; i++) gc[i] = gy[i] * standardGammaSlope(c.data[i], z[i]);
    return [gc];
  });
}
