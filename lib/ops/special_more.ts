// The rest of torch.special beside the Bessel functions: the normal distribution's ndtr, ndtri and
// log_ndtr, erfcx, xlog1py, i0e / i1e, entr, spherical_bessel_j0, the Hurwitz zeta and the classical
// orthogonal polynomials. Each value is computed in double and rounded once; the gradients are torch
// 1.13's formulas (derivatives.yaml), and where torch has none (zeta, the polynomials) backward says so.
import { Tensor } from '../tensor';
import { shown } from '../args';
import { erf, erfcFraction, normalCdf } from '../backend/reference/math';
import { besselI, erfinvOf, unaryOf } from './special';
import { besselK } from './bessel';
import { logicalOr, pairOp, pairOpOf, xTimes } from './pointwise_more';
import { add, div, mul, sub } from './binary';
import { cos, exp, log, log1p, neg, sign, sin, square } from './unary';
import { eq, gt, ne, where } from './more';
import type { Operand } from './core';

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** The standard normal density at x. */
const density = (x: number): number => Math.exp(-0.5 * x * x) / SQRT_2PI;

/** The standard normal CDF in double (the reference backend's, GELU's). */
export const ndtrOf = normalCdf;

/**
 * exp(x^2) erfc(x) in double: past x = 2 the continued fraction of erfc without its exp(-x^2), below
 * it the product, and for negative x 2 exp(x^2) - erfcx(-x) (Infinity once exp(x^2) overflows).
 */
export function erfcxOf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return x < -26.7 ? Infinity : 2 * Math.exp(x * x) - erfcxOf(-x);
  if (x === Infinity) return 0;
  if (x < 2) return Math.exp(x * x) * (1 - erf(x));
  return TWO_OVER_SQRT_PI / 2 / erfcFraction(x);
}

/** log of the normal CDF in double: log1p(-ndtr(-x)) above 0, through erfcx below it (no underflow). */
export function logNdtrOf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 0) return Math.log1p(-ndtrOf(-x));
  return Math.log(0.5 * erfcxOf(-x * Math.SQRT1_2)) - 0.5 * x * x;
}

/** The normal quantile in double: sqrt(2) erfinv(2p - 1) refined by Newton steps on log ndtr (accurate in both tails). */
export function ndtriOf(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  // 2p - 1 rounds to -1 for p below 1e-16: start there from the tail's leading term instead.
  let x = p < 1e-15 ? -Math.sqrt(-2 * Math.log(p * SQRT_2PI * Math.sqrt(-2 * Math.log(p)))) : Math.SQRT2 * erfinvOf(2 * p - 1);
  const upper = p > 0.5;
  for (let k = 0; k < 6; k++) {
    // In the upper half the step works on 1 - p through the mirror image, as precise there.
    const err = upper ? logNdtrOf(-x) - Math.log1p(-p) : logNdtrOf(x) - Math.log(p);
    const slope = density(x) / ndtrOf(upper ? -x : x);
    const step = err / slope;
    x = upper ? x + step : x - step;
    if (Math.abs(step) < 1e-16 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** The standard normal CDF (torch.special.ndtr); the gradient the normal density. */
export const ndtr = (x: Tensor): Tensor => unaryOf(x, 'ndtr', ndtrOf, (v) => density(v), (t) => mul(exp(mul(square(t), -0.5)), 1 / SQRT_2PI));

/** The inverse of ndtr on [0, 1] (torch.special.ndtri; NaN outside); the gradient sqrt(2 pi) exp(ndtri(p)^2 / 2). */
export const ndtri = (p: Tensor): Tensor => unaryOf(p, 'ndtri', ndtriOf, (_, out) => SQRT_2PI * Math.exp(0.5 * out * out), (_, y) => mul(exp(mul(square(y), 0.5)), SQRT_2PI));

/** log(ndtr(x)), accurate where ndtr underflows (torch.special.log_ndtr); the gradient density(x) / ndtr(x). */
export const logNdtr = (x: Tensor): Tensor => unaryOf(x, 'logNdtr', logNdtrOf, (v, out) => Math.exp(-0.5 * v * v - out) / SQRT_2PI,
  (t, y) => div(exp(sub(mul(square(t), -0.5), y)), SQRT_2PI));

/** The scaled complementary error function exp(x^2) erfc(x) (torch.special.erfcx); the gradient 2 x erfcx(x) - 2 / sqrt(pi). */
export const erfcx = (x: Tensor): Tensor => unaryOf(x, 'erfcx', erfcxOf, (v, out) => 2 * v * out - TWO_OVER_SQRT_PI, (t, y) => sub(mul(mul(t, y), 2), TWO_OVER_SQRT_PI));

/**
 * x log1p(y), broadcast, 0 where x is 0 and y is not NaN (torch.special.xlog1py). Gradients as torch's:
 * log1p(y) for x (0 where x is 0 and y <= -1, unlike xlogy's), x / (1 + y) for y.
 */
export function xlog1py(x: Operand, y: Operand): Tensor {
  return pairOpOf(x, y, 'xlog1py', (a, b) => xTimes(a, b, log1p), (a, b) => [xlog1py(logicalOr(ne(a, 0), gt(b, -1)), b), div(a, add(b, 1))]);
}

/** e^-|x| I_n(x) in double: the series times e^-|x|, or past 700 the expansion 1 / sqrt(2 pi x) sum (-1)^k a_k(n) / x^k. */
export function besselIeOf(n: 0 | 1, x: number): number {
  const ax = Math.abs(x);
  if (!(ax > 700)) return besselI(n, x) * Math.exp(-ax);
  if (ax === Infinity) return 0;
  let term = 1, total = 1;
  for (let k = 1; k < 30; k++) {
    term *= -(4 * n * n - (2 * k - 1) ** 2) / (k * 8 * ax);
    total += term;
    if (Math.abs(term) < 1e-17) break;
  }
  const value = total / Math.sqrt(2 * Math.PI * ax);
  return n === 1 && x < 0 ? -value : value;
}

/** e^-|x| I0(x) (torch.special.i0e); the gradient i1e(x) - sgn(x) i0e(x). */
export const i0e = (x: Tensor): Tensor => unaryOf(x, 'i0e', (v) => besselIeOf(0, v), (v, out) => besselIeOf(1, v) - Math.sign(v) * out,
  (t, y) => sub(i1e(t), mul(sign(t), y)));

/** e^-|x| I1(x) (torch.special.i1e); the gradient i0e(x) - i1e(x) (sgn(x) + 1 / x) (1/2 at 0). */
export const i1e = (x: Tensor): Tensor => unaryOf(x, 'i1e', (v) => besselIeOf(1, v), (v, out) => (v === 0 ? 0.5 : besselIeOf(0, v) - out * (Math.sign(v) + 1 / v)),
  (t, y) => where(eq(t, 0), 0.5, sub(i0e(t), mul(y, add(sign(t), div(1, t))))));

/** -x ln x elementwise (torch.special.entr): 0 at 0, -Infinity below 0; the gradient -(1 + ln x). */
export const entr = (x: Tensor): Tensor => unaryOf(x, 'entr', (v) => (Number.isNaN(v) ? NaN : v > 0 ? -v * Math.log(v) : v === 0 ? 0 : -Infinity),
  (v) => -(1 + Math.log(v)), (t) => neg(add(log(t), 1)));

/** sin(x) / x, 1 at 0 (torch.special.spherical_bessel_j0, which has no gradient in torch 1.13); the gradient (x cos x - sin x) / x^2, 0 at 0. */
export const sphericalBesselJ0 = (x: Tensor): Tensor => unaryOf(x, 'sphericalBesselJ0', (v) => (v === 0 ? 1 : Math.abs(v) === Infinity ? 0 : Math.sin(v) / v),
  (v) => (v === 0 ? 0 : (v * Math.cos(v) - Math.sin(v)) / (v * v)), (t) => where(eq(t, 0), 0, div(sub(mul(t, cos(t)), sin(t)), square(t))));

// (2k)! / B_2k for k = 1 ... 12: the Euler-Maclaurin corrections of the Hurwitz zeta (as Cephes's table).
const ZETA_A = (() => {
  const bernoulli = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798, -174611 / 330, 854513 / 138, -236364091 / 2730];
  let factorial = 1;
  return bernoulli.map((b, i) => {
    factorial *= (2 * i + 1) * (2 * i + 2);
    return factorial / b;
  });
})();

/** The Hurwitz zeta sum over k >= 0 of (k + q)^-x in double, as Cephes's zeta: terms up to 9 past q, then Euler-Maclaurin. */
export function zetaOf(x: number, q: number): number {
  if (Number.isNaN(x) || Number.isNaN(q)) return NaN;
  if (x === 1) return Infinity;
  if (x < 1) return NaN;
  if (q <= 0) {
    if (q === Math.floor(q)) return Infinity;
    if (x !== Math.floor(x)) return NaN; // q^-x is not real
  }
  let s = Math.pow(q, -x), a = q, b = 0;
  for (let i = 0; i < 9 || a <= 9; i++) {
    a += 1;
    b = Math.pow(a, -x);
    s += b;
    if (Math.abs(b / s) < 1.1e-16) return s;
  }
  const w = a;
  s += (b * w) / (x - 1) - 0.5 * b;
  let fact = 1, k = 0;
  for (const A of ZETA_A) {
    fact *= x + k;
    b /= w;
    const t = (fact * b) / A;
    s += t;
    if (Math.abs(t / s) < 1.1e-16) break;
    k += 1;
    fact *= x + k;
    b /= w;
    k += 1;
  }
  return s;
}

// Ai(0) and -Ai'(0): the power series' two constants.
const AIRY_C1 = 0.355028053887817239, AIRY_C2 = 0.258819403792806798;

/**
 * Airy's Ai(x) in double: the power series c1 f(x) - c2 g(x) on [-8, 2] (at -8 it loses 7 of double's
 * digits to cancellation); past 2, (1/pi) sqrt(x/3) K_{1/3}(zeta) with zeta = 2/3 x^(3/2) (besselK's
 * trapezoid rule); below -8, the oscillating asymptotic expansion in zeta.
 */
export function airyAiOf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity || x === -Infinity) return 0;
  if (x > 2) {
    const zeta = (2 / 3) * x * Math.sqrt(x);
    return (Math.sqrt(x / 3) / Math.PI) * besselK(1 / 3, zeta, true) * Math.exp(-zeta);
  }
  if (x >= -8) {
    const x3 = x * x * x;
    let f = 1, g = x, tf = 1, tg = x;
    for (let k = 1; k < 200; k++) {
      tf *= x3 / ((3 * k - 1) * (3 * k));
      tg *= x3 / ((3 * k) * (3 * k + 1));
      f += tf;
      g += tg;
      if (Math.abs(tf) + Math.abs(tg) < 1e-18 * (Math.abs(f) + Math.abs(g))) break;
    }
    return AIRY_C1 * f - AIRY_C2 * g;
  }
  const ax = -x, zeta = (2 / 3) * ax * Math.sqrt(ax);
  // u_k = (2k+1)(2k+3)...(6k-1) / (216^k k!), alternating between the sine's sum (even k) and the cosine's (odd k).
  let u = 1, p = 1, q = 0;
  for (let k = 1; k < 60; k++) {
    const next = (u * (6 * k - 5) * (6 * k - 3) * (6 * k - 1)) / ((2 * k - 1) * 216 * k) / zeta;
    if (Math.abs(next) >= Math.abs(u) && k > 1) break;
    u = next;
    const sign = Math.floor(k / 2) % 2 === 0 ? 1 : -1;
    if (k % 2 === 0) p += sign * u;
    else q += sign * u;
    if (Math.abs(u) < 1e-17) break;
  }
  const phase = zeta + Math.PI / 4;
  return (Math.sin(phase) * p - Math.cos(phase) * q) / (Math.sqrt(Math.PI) * Math.pow(ax, 0.25));
}

/** Airy's function Ai (torch.special.airy_ai; no derivative, as torch 1.13's: backward says so). */
export const airyAi = (x: Tensor): Tensor => unaryOf(x, 'airyAi', airyAiOf, () => {
  throw new Error('airyAi: the derivative is not implemented (nor is it in torch 1.13)');
});

/** A pair op without a derivative, as torch 1.13's: backward through it is an error that names it. */
function withoutDerivative(a: Operand, b: Operand, what: string, f: (x: number, y: number) => number): Tensor {
  const none = (): number => {
    throw new Error(`${what}: the derivative is not implemented (nor is it in torch 1.13)`);
  };
  return pairOp(a, b, what, f, none, none);
}

/** The Hurwitz zeta function sum over k >= 0 of (k + q)^-x, broadcast (torch.special.zeta; no derivative, as torch's). */
export const zeta = (x: Operand, q: Operand): Tensor => withoutDerivative(x, q, 'zeta', zetaOf);

/** p_0 = 1, p_1 = first(x), then p_{k+1} = next(k, x, p_k, p_{k-1}): the n-th value (0 for n < 0; n truncated to an integer, as torch's). */
function recurrence(first: (x: number) => number, next: (k: number, x: number, p: number, q: number) => number): (x: number, n: number) => number {
  return (x, n) => {
    if (Number.isNaN(x) || Number.isNaN(n)) return NaN;
    const m = Math.trunc(n);
    if (m < 0) return 0;
    if (m === 0) return 1;
    let prev = 1, cur = first(x);
    for (let k = 1; k < m; k++) [prev, cur] = [cur, next(k, x, cur, prev)];
    return cur;
  };
}

const chebyshev = (first: (x: number) => number) => recurrence(first, (_k, x, p, q) => 2 * x * p - q);
const T = chebyshev((x) => x), U = chebyshev((x) => 2 * x), V = chebyshev((x) => 2 * x - 1), W = chebyshev((x) => 2 * x + 1);
const shifted = (f: (x: number, n: number) => number) => (x: number, n: number) => f(2 * x - 1, n);
const H = recurrence((x) => 2 * x, (k, x, p, q) => 2 * x * p - 2 * k * q);
const He = recurrence((x) => x, (k, x, p, q) => x * p - k * q);
const L = recurrence((x) => 1 - x, (k, x, p, q) => ((2 * k + 1 - x) * p - k * q) / (k + 1));
const P = recurrence((x) => x, (k, x, p, q) => ((2 * k + 1) * x * p - k * q) / (k + 1));

/** A polynomial family's value at (x, n), broadcast, by its three-term recurrence in double. */
function polynomial(what: string, f: (x: number, n: number) => number): (x: Operand, n: Operand) => Tensor {
  return (x, n) => {
    if (typeof n === 'number' && !Number.isFinite(n) && !Number.isNaN(n)) throw new Error(`${what}: n must be finite, got ${shown(n)}`);
    return withoutDerivative(x, n, what, f);
  };
}

/** The Chebyshev polynomial of the first kind T_n(x) (torch.special.chebyshev_polynomial_t; no derivative, as torch's). */
export const chebyshevPolynomialT = polynomial('chebyshevPolynomialT', T);
/** The Chebyshev polynomial of the second kind U_n(x) (torch.special.chebyshev_polynomial_u). */
export const chebyshevPolynomialU = polynomial('chebyshevPolynomialU', U);
/** The Chebyshev polynomial of the third kind V_n(x) (torch.special.chebyshev_polynomial_v). */
export const chebyshevPolynomialV = polynomial('chebyshevPolynomialV', V);
/** The Chebyshev polynomial of the fourth kind W_n(x) (torch.special.chebyshev_polynomial_w). */
export const chebyshevPolynomialW = polynomial('chebyshevPolynomialW', W);
/** T_n(2x - 1) (torch.special.shifted_chebyshev_polynomial_t). */
export const shiftedChebyshevPolynomialT = polynomial('shiftedChebyshevPolynomialT', shifted(T));
/** U_n(2x - 1) (torch.special.shifted_chebyshev_polynomial_u). */
export const shiftedChebyshevPolynomialU = polynomial('shiftedChebyshevPolynomialU', shifted(U));
/** V_n(2x - 1) (torch.special.shifted_chebyshev_polynomial_v). */
export const shiftedChebyshevPolynomialV = polynomial('shiftedChebyshevPolynomialV', shifted(V));
/** W_n(2x - 1) (torch.special.shifted_chebyshev_polynomial_w). */
export const shiftedChebyshevPolynomialW = polynomial('shiftedChebyshevPolynomialW', shifted(W));
/** The physicists' Hermite polynomial H_n(x) (torch.special.hermite_polynomial_h). */
export const hermitePolynomialH = polynomial('hermitePolynomialH', H);
/** The probabilists' Hermite polynomial He_n(x) (torch.special.hermite_polynomial_he). */
export const hermitePolynomialHe = polynomial('hermitePolynomialHe', He);
/** The Laguerre polynomial L_n(x) (torch.special.laguerre_polynomial_l). */
export const laguerrePolynomialL = polynomial('laguerrePolynomialL', L);
/** The Legendre polynomial P_n(x) (torch.special.legendre_polynomial_p). */
export const legendrePolynomialP = polynomial('legendrePolynomialP', P);
