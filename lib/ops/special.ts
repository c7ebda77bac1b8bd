// torch's special functions: lgamma, digamma, polygamma, erfinv, i0, i1, mvlgamma, and igamma and
// igammac (the regularized incomplete gamma functions). Each is evaluated in double and rounded once
// (torch evaluates in float32, a few ulps from the exact value), with torch's derivative: lgamma' =
// digamma, digamma' = polygamma(1), polygamma(n)' = polygamma(n + 1), erfinv' = sqrt(pi) / 2
// exp(erfinv^2), i0' = i1, i1' = i0 - i1 / x, igamma's in x = x^(a-1) e^-x / Gamma(a) (none in a, as torch's).
// lgamma, digamma, trigamma, erfinv, i0 and i1 run on the backend's `special` kernel (threaded C++ on
// the native one); polygamma past n = 1 and the incomplete gamma functions, a loop of their own here.
import { Tensor } from '../tensor';
import { B } from '../backend/registry';
import { Special, SpecialCode } from '../backend/backend';
import { shown } from '../args';
import { allocOutput } from '../storage';
import { checkTensor, composedOf, record } from './core';
import { besselI, digammaOf, erfinvOf, lgammaOf, trigammaOf } from '../backend/reference/special_math';
import { add, div, mul, sub } from './binary';
import { eq, where } from './more';
import { sum } from './reduce';
import { exp, log, neg } from './unary';
import { unsqueeze } from './shape';
import { arange } from './creation';
import type { Operand } from './core';
import { pairOp } from './pointwise_more';

/**
 * f(x) elementwise with the gradient gy * df(x, f(x)) (none when df is null); `slope`, the same
 * derivative as recorded ops of x and the output, is createGraph's (none: that walk's error names it).
 * f and df may be codes of the `special` kernel (then each is a float, and the gradient their product,
 * as torch's), or closures of doubles, evaluated here an element at a time.
 */
export function unaryOf(x: Tensor, what: string, f: ((v: number) => number) | SpecialCode, df: ((v: number, out: number) => number) | SpecialCode | null,
  slope?: (x: Tensor, y: Tensor) => Tensor): Tensor {
  checkTensor(x, what);
  const y = allocOutput(x.size);
  const xd = x.data;
  if (typeof f === 'number') B().special(f, xd, y);
  else for (let i = 0; i < y.length; i++) y[i] = f(xd[i]);
  if (df === null) return new Tensor(y, [...x.shape]);
  const out = record(y, [...x.shape], [x], what, (gy) => {
    const g = allocOutput(gy.length);
    if (typeof df === 'number') {
      B().special(df, x.data, g);
      for (let i = 0; i < g.length; i++) g[i] = gy[i] * g[i];
    } else {
      const xs = x.data;
      for (let i = 0; i < g.length; i++) g[i] = gy[i] * df(xs[i], y[i]);
    }
    return [g];
  });
  if (slope && out.node) out.node.graphBackward = (gy) => [mul(gy, slope(x, out))];
  return out;
}

// Cephes' Euler-Maclaurin coefficients for the Hurwitz zeta function (torch's zeta).
const ZETA_A = [12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
  -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18];

/** The Hurwitz zeta function sum over k >= 0 of (k + q)^-s, as Cephes (and torch) compute it. */
function zetaOf(s: number, q: number): number {
  const eps = 1.1102230246251565e-16;
  if (s === 1) return Infinity;
  if (s < 1) return NaN;
  if (q <= 0) {
    if (q === Math.floor(q)) return Infinity;
    if (s !== Math.floor(s)) return NaN;
  }
  let total = Math.pow(q, -s), a = q, b = 0, i = 0;
  while (i < 9 || a <= 9) {
    i++;
    a += 1;
    b = Math.pow(a, -s);
    total += b;
    if (Math.abs(b / total) < eps) return total;
  }
  const w = a;
  total += (b * w) / (s - 1) - 0.5 * b;
  let fac = 1, k = 0;
  for (let j = 0; j < 12; j++) {
    fac *= s + k;
    b /= w;
    const t = (fac * b) / ZETA_A[j];
    total += t;
    if (Math.abs(t / total) < eps) break;
    k++;
    fac *= s + k;
    b /= w;
    k++;
  }
  return total;
}

/** polygamma(n, x) in double: digamma, trigamma, then (-1)^(n+1) n! zeta(n + 1, x) as torch. */
function polygammaOf(n: number, x: number): number {
  if (n === 0) return digammaOf(x);
  if (n === 1) return trigammaOf(x);
  return (n % 2 === 1 ? 1 : -1) * Math.exp(lgammaOf(n + 1)) * zetaOf(n + 1, x);
}

/** log |Gamma(x)| (torch.lgamma); the gradient digamma(x). */
export function lgamma(x: Tensor): Tensor {
  return unaryOf(x, 'lgamma', Special.lgamma, Special.digamma, (t) => digamma(t));
}

/** The logarithmic derivative of Gamma (torch.digamma; -Infinity at 0, NaN at negative integers); the gradient polygamma(1, x). */
export function digamma(x: Tensor): Tensor {
  return unaryOf(x, 'digamma', Special.digamma, Special.trigamma, (t) => polygamma(1, t));
}

/** The n-th derivative of digamma (torch.polygamma; n a non-negative integer); the gradient polygamma(n + 1, x). */
export function polygamma(n: number, x: Tensor): Tensor {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`polygamma: n must be a non-negative integer, got ${shown(n)}`);
  if (n <= 1) return unaryOf(x, 'polygamma', n === 0 ? Special.digamma : Special.trigamma, n === 0 ? Special.trigamma : (v) => polygammaOf(2, v), (t) => polygamma(n + 1, t));
  return unaryOf(x, 'polygamma', (v) => polygammaOf(n, v), (v) => polygammaOf(n + 1, v), (t) => polygamma(n + 1, t));
}

/** The inverse of erf on (-1, 1) (torch.erfinv; ±Infinity at ±1, NaN outside); the gradient sqrt(pi) / 2 exp(erfinv(x)^2). */
export function erfinv(x: Tensor): Tensor {
  // The gradient from the output, as torch's (which computes erfinv again, in float).
  return unaryOf(x, 'erfinv', Special.erfinv, (_, y) => 0.886226925452758 * Math.exp(y * y), (_, y) => mul(exp(mul(y, y)), 0.886226925452758));
}

/** The modified Bessel function of the first kind, order 0 (torch.i0); the gradient I1(x). */
export function i0(x: Tensor): Tensor {
  return unaryOf(x, 'i0', Special.besselI0, Special.besselI1, (t) => i1(t));
}

/** The modified Bessel function of the first kind, order 1 (torch.special.i1); the gradient I0(x) - I1(x) / x (1/2 at 0), as torch's. */
export function i1(x: Tensor): Tensor {
  return unaryOf(x, 'i1', Special.besselI1, (v, out) => (v === 0 ? 0.5 : besselI(0, v) - out / v),
    (t, y) => where(eq(t, 0), 0.5, sub(i0(t), div(y, t))));
}

/**
 * The multivariate log-gamma of dimension p (torch.mvlgamma): sum over i < p of lgamma(x - i / 2) plus
 * p (p - 1) / 4 log(pi); every element must exceed (p - 1) / 2.
 */
export function mvlgamma(x: Tensor, p: number): Tensor {
  checkTensor(x, 'mvlgamma');
  if (!Number.isSafeInteger(p) || p < 1) throw new Error(`mvlgamma: p must be a positive integer, got ${shown(p)}`);
  const low = (p - 1) / 2;
  // A plain loop (TypedArray's findIndex calls its callback at ~10 ns an element).
  const xd = x.data;
  let bad = -1;
  for (let e = 0; e < xd.length && bad < 0; e++) if (!(xd[e] > low)) bad = e;
  if (bad >= 0) throw new Error(`mvlgamma: every element must be greater than (p - 1) / 2 = ${low}, got ${x.data[bad]} at ${bad}`);
  return composedOf((own) => {
    const halves = own(mul(own(arange(0, p)), -0.5));
    const shifted = own(add(own(unsqueeze(x, -1)), halves));
    return add(own(sum(own(lgamma(shifted)), -1)), (p * (p - 1) / 4) * Math.log(Math.PI));
  }, [x]);
}

/** P(a, x) by its series, for x < a + 1 (Numerical Recipes' gser, in double). */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a, sum = term;
  for (let n = 1; n < 100000 && Math.abs(term) > Math.abs(sum) * 1e-17; n++) {
    term *= x / (a + n);
    sum += term;
  }
  return sum * Math.exp(a * Math.log(x) - x - lgammaOf(a));
}

/** Q(a, x) by its continued fraction, for x >= a + 1 (Lentz's method, as Numerical Recipes' gcf, in double). */
function upperFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return Math.exp(a * Math.log(x) - x - lgammaOf(a)) * h;
}

/** The regularized lower (upper: its complement) incomplete gamma function, with torch's values at the edges. */
export function incompleteGammaOf(a: number, x: number, upper: boolean): number {
  if (Number.isNaN(a) || Number.isNaN(x) || x < 0 || a < 0) return NaN;
  const [atZero, atInfinity] = upper ? [1, 0] : [0, 1];
  if (a === 0) return x > 0 ? atInfinity : NaN;
  if (x === 0) return atZero;
  if (a === Infinity) return x === Infinity ? NaN : atZero;
  if (x === Infinity) return atInfinity;
  if (x < a + 1) return upper ? 1 - lowerSeries(a, x) : lowerSeries(a, x);
  return upper ? upperFraction(a, x) : 1 - upperFraction(a, x);
}

/** The regularized incomplete gamma function's derivative in x: x^(a-1) e^-x / Gamma(a). */
const incompleteGammaSlope = (a: number, x: number): number => Math.exp((a - 1) * Math.log(x) - x - lgammaOf(a));

function incompleteGamma(a: Operand, x: Operand, upper: boolean, what: string): Tensor {
  const noSlopeForA = (): never => {
    throw new Error(`${what}: the gradient for a is not implemented (as in torch); detach a or leave requiresGrad off`);
  };
  return pairOp(a, x, what, (p, q) => incompleteGammaOf(p, q, upper), noSlopeForA, (p, q) => (upper ? -1 : 1) * incompleteGammaSlope(p, q),
    (ta, tx) => {
      if (ta.requiresGrad) noSlopeForA();
      const slope = exp(sub(sub(mul(sub(ta, 1), log(tx)), tx), lgamma(ta)));
      return [null, upper ? neg(slope) : slope];
    });
}

/**
 * The regularized lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a), broadcast
 * (torch.igamma, torch.special.gammainc), evaluated in double (series below x = a + 1, a continued
 * fraction above) and rounded once. NaN for negative a or x. Gradient for x only, as torch's.
 */
export function igamma(a: Operand, x: Operand): Tensor {
  return incompleteGamma(a, x, false, 'igamma');
}

/** The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x) (torch.igammac, torch.special.gammaincc); gradient for x only. */
export function igammac(a: Operand, x: Operand): Tensor {
  return incompleteGamma(a, x, true, 'igammac');
}

/** torch.special.gammainc: igamma. */
export const gammainc = (a: Operand, x: Operand): Tensor => igamma(a, x);
/** torch.special.gammaincc: igammac. */
export const gammaincc = (a: Operand, x: Operand): Tensor => igammac(a, x);

// The scalar functions, for the callers that evaluate one number at a time (distributions' samplers, init).
export { besselI, digammaOf, erfinvOf, lgammaOf };
