// torch.special's Bessel functions J0, J1, Y0, Y1, K0, K1 and the scaled e^x K0, e^x K1, each in
// double and rounded once: J and Y by their power series up to |x| = 12 and Hankel's asymptotic
// expansion past it; K by the trapezoid rule on K_n(x) = integral over t >= 0 of e^(-x cosh t) cosh(nt),
// whose integrand is even and analytic, so that the rule converges geometrically in the step. Torch
// 1.13 gives none of them a derivative; here each has its derivative (J0' = -J1, J1' = J0 - J1 / x,
// Y likewise, K0' = -K1, K1' = -K0 - K1 / x).
import { Tensor } from '../tensor';
import { unaryOf } from './special';
import { eq, where } from './more';
import { div, sub } from './binary';

const EULER_GAMMA = 0.5772156649015329;
// Past |x| = 12 Hankel's expansion is below 1e-10 of the value's envelope; below it the series loses at
// most 4 of double's 16 digits to cancellation.
const ASYMPTOTIC_FROM = 12;

/** Hankel's P and Q for order n at x (the expansion's terms until they stop shrinking). */
function hankel(n: 0 | 1, x: number): { p: number; q: number } {
  const mu = 4 * n * n;
  let p = 1, q = 0, term = 1;
  for (let k = 1; k < 60; k++) {
    const next = (term * (mu - (2 * k - 1) ** 2)) / (k * 8 * x);
    if (Math.abs(next) >= Math.abs(term) && k > 1) break;
    term = next;
    // Terms alternate between Q (odd k) and P (even k), each with the sign (-1)^floor(k / 2).
    if (k % 2 === 1) q += (k % 4 === 1 ? 1 : -1) * term;
    else p += (k % 4 === 2 ? -1 : 1) * term;
    if (Math.abs(term) < 1e-17) break;
  }
  return { p, q };
}

/** J_n and Y_n (n 0 or 1) at x >= ASYMPTOTIC_FROM by Hankel's expansion. */
function hankelJY(n: 0 | 1, x: number): { j: number; y: number } {
  const { p, q } = hankel(n, x);
  const chi = x - (n / 2 + 0.25) * Math.PI;
  const scale = Math.sqrt(2 / (Math.PI * x));
  return { j: scale * (p * Math.cos(chi) - q * Math.sin(chi)), y: scale * (p * Math.sin(chi) + q * Math.cos(chi)) };
}

/** J_n(x), n 0 or 1: the power series sum (-1)^k (x/2)^(2k+n) / (k! (k+n)!), or Hankel's expansion. */
export function besselJ(n: 0 | 1, x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  const sign = n === 1 && x < 0 ? -1 : 1;
  if (ax >= ASYMPTOTIC_FROM) return ax === Infinity ? 0 : sign * hankelJY(n, ax).j;
  const q = -(ax * ax) / 4;
  let term = n === 0 ? 1 : ax / 2, total = term;
  for (let k = 1; k < 100; k++) {
    term *= q / (k * (k + n));
    total += term;
    if (Math.abs(term) < 1e-17 * Math.abs(total) && k > 2) break;
  }
  return sign * total;
}

/** Y_n(x), n 0 or 1, for x > 0 (-Infinity at 0, NaN below): the series with J_n's logarithm, or Hankel's expansion. */
export function besselY(n: 0 | 1, x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x >= ASYMPTOTIC_FROM) return x === Infinity ? 0 : hankelJY(n, x).y;
  const half = x / 2, q = -(half * half);
  const log = Math.log(half);
  if (n === 0) {
    // (2/pi) [(ln(x/2) + gamma) J0(x) - sum_{k>=1} H_k (-x^2/4)^k / (k!)^2]
    let term = 1, harmonic = 0, total = 0;
    for (let k = 1; k < 100; k++) {
      term *= q / (k * k);
      harmonic += 1 / k;
      total += harmonic * term;
      if (Math.abs(term * harmonic) < 1e-17 * Math.abs(total)) break;
    }
    return (2 / Math.PI) * ((log + EULER_GAMMA) * besselJ(0, x) - total);
  }
  // (2/pi) ln(x/2) J1(x) - 2 / (pi x) - (1/pi) sum_{k>=0} (H_k + H_{k+1} - 2 gamma) (-1)^k (x/2)^(2k+1) / (k! (k+1)!)
  let term = half, hk = 0, total = (1 - 2 * EULER_GAMMA) * term;
  for (let k = 1; k < 100; k++) {
    term *= q / (k * (k + 1));
    hk += 1 / k;
    const part = (2 * hk + 1 / (k + 1) - 2 * EULER_GAMMA) * term;
    total += part;
    if (Math.abs(part) < 1e-17 * Math.abs(total)) break;
  }
  return (2 / Math.PI) * log * besselJ(1, x) - 2 / (Math.PI * x) - total / Math.PI;
}

/**
 * K_n(x) (n 0, 1, or Airy's 1/3), for x > 0 (Infinity at 0, NaN below), times e^x when scaled: the trapezoid rule on
 * the integral of e^(-x (cosh t - 1)) cosh(nt) over t >= 0 until the integrand is below 1e-18 of the
 * sum. The rule's error falls as e^(-2 pi d / h) for an integrand bounded in the strip |Im t| < d,
 * where it grows as e^(x d^2 / 2): steps of min(1/8, 1/(2 sqrt x)) keep it near e^(-79) for every x.
 */
export function besselK(n: number, x: number, scaled: boolean): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return Infinity;
  if (x === Infinity) return 0;
  const h = Math.min(0.125, 0.5 / Math.sqrt(x));
  let total = 0.5; // the t = 0 term, halved (the integrand is even: the rule over the whole line, halved)
  for (let k = 1; k < 100000; k++) {
    const t = k * h;
    const f = Math.exp(-x * (Math.cosh(t) - 1)) * (n === 0 ? 1 : Math.cosh(n * t));
    total += f;
    if (f < 1e-18 * total) break;
  }
  const value = total * h;
  return scaled ? value : value * Math.exp(-x);
}

/** The Bessel function of the first kind of order 0 (torch.special.bessel_j0); the gradient -J1(x). */
export const besselJ0 = (x: Tensor): Tensor => unaryOf(x, 'besselJ0', (v) => besselJ(0, v), (v) => -besselJ(1, v), (t) => besselJ1(t).neg());

/** The Bessel function of the first kind of order 1 (torch.special.bessel_j1); the gradient J0(x) - J1(x) / x (1/2 at 0). */
export const besselJ1 = (x: Tensor): Tensor => unaryOf(x, 'besselJ1', (v) => besselJ(1, v), (v, out) => (v === 0 ? 0.5 : besselJ(0, v) - out / v),
  (t, y) => where(eq(t, 0), 0.5, sub(besselJ0(t), div(y, t))));

/** The Bessel function of the second kind of order 0 (torch.special.bessel_y0; NaN below 0); the gradient -Y1(x). */
export const besselY0 = (x: Tensor): Tensor => unaryOf(x, 'besselY0', (v) => besselY(0, v), (v) => -besselY(1, v), (t) => besselY1(t).neg());

/** The Bessel function of the second kind of order 1 (torch.special.bessel_y1); the gradient Y0(x) - Y1(x) / x. */
export const besselY1 = (x: Tensor): Tensor => unaryOf(x, 'besselY1', (v) => besselY(1, v), (v, out) => besselY(0, v) - out / v,
  (t, y) => besselY0(t).sub(y.div(t)));

/** The modified Bessel function of the second kind of order 0 (torch.special.modified_bessel_k0); the gradient -K1(x). */
export const modifiedBesselK0 = (x: Tensor): Tensor => unaryOf(x, 'modifiedBesselK0', (v) => besselK(0, v, false), (v) => -besselK(1, v, false), (t) => modifiedBesselK1(t).neg());

/** The modified Bessel function of the second kind of order 1 (torch.special.modified_bessel_k1); the gradient -K0(x) - K1(x) / x. */
export const modifiedBesselK1 = (x: Tensor): Tensor => unaryOf(x, 'modifiedBesselK1', (v) => besselK(1, v, false), (v, out) => -besselK(0, v, false) - out / v,
  (t, y) => modifiedBesselK0(t).neg().sub(y.div(t)));

/** e^x K0(x) (torch.special.scaled_modified_bessel_k0); the gradient e^x (K0(x) - K1(x)). */
export const scaledModifiedBesselK0 = (x: Tensor): Tensor => unaryOf(x, 'scaledModifiedBesselK0', (v) => besselK(0, v, true), (v, out) => out - besselK(1, v, true),
  (t, y) => y.sub(scaledModifiedBesselK1(t)));

/** e^x K1(x) (torch.special.scaled_modified_bessel_k1); the gradient e^x (K1(x) (1 - 1/x) - K0(x)). */
export const scaledModifiedBesselK1 = (x: Tensor): Tensor => unaryOf(x, 'scaledModifiedBesselK1', (v) => besselK(1, v, true), (v, out) => out * (1 - 1 / v) - besselK(0, v, true),
  (t, y) => y.mul(t.reciprocal().neg().add(1)).sub(scaledModifiedBesselK0(t)));
