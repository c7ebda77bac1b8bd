// torch's remaining element-wise functions: xlogy (on the kernels, with torch's derivatives),
// logaddexp2, copysign (each a loop of its own here, in double and rounded once, with torch's
// derivatives), logit, sinc, exp2, ldexp, deg2rad, rad2deg (composed), and the ones without a
// gradient: signbit, heaviside, floorDivide, isin, isposinf, isneginf and the logical operators (0/1
// masks, as the comparisons give). Also torch's other names for the library's functions (clip,
// absolute, arccos ...).
import { Tensor } from '../tensor';
import { broadcastShapes, Shape, sizeOf } from '../shape';
import { optionsOf, shown } from '../args';
import { noGrad } from '../autograd';
import { alloc, allocOutput } from '../storage';
import { asTensor, broadcastBinary, checkTensor, composedOf, disposeAll, expandTo, Operand, record, sumOwnTo } from './core';
import { Binary, Unary } from '../backend/backend';
import { B } from '../backend/registry';
import { add, div, mul, pow, sub } from './binary';
import { sumBackTo } from './reduce';
import { atan2 } from './binary_more';
import { abs, acos, acosh, asin, asinh, atan, atanh, exp, log, log1p, neg, round, sign, sin, trunc } from './unary';
import { clamp, maximum } from './compare';
import { eq, ge, gt, le, lt, ne, where } from './more';
import { cat } from './join';
import { isnan, swapaxes } from './composed';
import { nonzero } from './mask_select';

type Pair = (x: number, y: number) => number;

/** The two operands as tensors and their broadcast shape (an error naming `what` if there is none). */
function pairOperands(a: Operand, b: Operand, what: string): { ta: Tensor; tb: Tensor; shape: Shape } {
  const ta = asTensor(a, what), tb = asTensor(b, what);
  return { ta, tb, shape: broadcastShapes(ta.shape, tb.shape, what) };
}

/** The two operands, their broadcast shape, their values at it, and f over those pairs. */
function pairValues(a: Operand, b: Operand, what: string, f: Pair): { ta: Tensor; tb: Tensor; shape: Shape; xa: Float32Array; xb: Float32Array; y: Float32Array } {
  const { ta, tb, shape } = pairOperands(a, b, what);
  const xa = expandTo(ta.data, ta.shape, shape), xb = expandTo(tb.data, tb.shape, shape);
  const y = allocOutput(sizeOf(shape));
  for (let i = 0; i < y.length; i++) y[i] = f(xa[i], xb[i]);
  return { ta, tb, shape, xa, xb, y };
}

/** f over the broadcast pairs, without a gradient. */
function pairMap(a: Operand, b: Operand, what: string, f: Pair): Tensor {
  const { shape, y } = pairValues(a, b, what, f);
  return new Tensor(y, shape);
}

/** The two partial derivatives of a pair op as recorded ops of its operands and output (null: zero). */
export type PairSlopes = (a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null];

/**
 * f over the broadcast pairs, with a gradient: `da` and `db` give each operand's partial derivative
 * at (x, y, out), which times gy is summed back to that operand's shape. `slopes`, the same
 * derivatives as recorded ops, is createGraph's (none: that walk's error names the op).
 */
export function pairOp(a: Operand, b: Operand, what: string, f: Pair, da: (x: number, y: number, out: number) => number,
  db: (x: number, y: number, out: number) => number, slopes?: PairSlopes): Tensor {
  const { ta, tb, shape, xa, xb, y } = pairValues(a, b, what, f);
  const part = (t: Tensor, d: (x: number, y: number, out: number) => number, gy: Float32Array): Float32Array | null => {
    if (!t.requiresGrad) return null;
    const g = allocOutput(gy.length);
    for (let i = 0; i < g.length; i++) g[i] = gy[i] * d(xa[i], xb[i], y[i]);
    return sumOwnTo(g, shape, t.shape);
  };
  const out = record(y, shape, [ta, tb], what, (gy) => [part(ta, da, gy), part(tb, db, gy)]);
  if (slopes && out.node) {
    out.node.graphBackward = (gy) => {
      const [sa, sb] = slopes(ta, tb, out);
      return [ta.requiresGrad && sa ? sumBackTo(mul(gy, sa), ta.shape) : null, tb.requiresGrad && sb ? sumBackTo(mul(gy, sb), tb.shape) : null];
    };
  }
  return out;
}

/**
 * forward(a, b) (made of the library's kernels, without a graph) as an op of both operands whose
 * partial derivatives are `slopes` (recorded ops, evaluated without a graph for the plain backward):
 * each times gy, summed back to its operand's shape (as pairOp's: the binary kernel, then sumOwnTo).
 */
export function pairOpOf(a: Operand, b: Operand, what: string, forward: (ta: Tensor, tb: Tensor) => Tensor, slopes: PairSlopes): Tensor {
  // (Checked first: the error names `what`, not a kernel inside forward.)
  const { ta, tb, shape } = pairOperands(a, b, what);
  const made = noGrad(() => forward(ta, tb));
  const out = record(made.data, [...shape], [ta, tb], what, (gy) => noGrad(() => {
    const [sa, sb] = slopes(ta, tb, out);
    const part = (t: Tensor, slope: Tensor | null): Float32Array | null => {
      if (!t.requiresGrad) return null;
      if (slope === null) return alloc(t.size);
      return sumOwnTo(broadcastBinary(Binary.mul, gy, shape, slope.data, slope.shape, shape), shape, t.shape);
    };
    const grads = [part(ta, sa), part(tb, sb)];
    disposeAll(...[sa, sb].filter((t): t is Tensor => t !== null && t !== ta && t !== tb && t !== out));
    return grads;
  }));
  // out holds the storage now: made's hold is let go (it stays out of the pool until out goes).
  made.dispose();
  if (out.node) {
    out.node.graphBackward = (gy) => {
      const [sa, sb] = slopes(ta, tb, out);
      return [ta.requiresGrad && sa ? sumBackTo(mul(gy, sa), ta.shape) : null, tb.requiresGrad && sb ? sumBackTo(mul(gy, sb), tb.shape) : null];
    };
  }
  return out;
}

/**
 * x log(y), broadcast, 0 where x is 0 and y is not NaN (torch.xlogy: entropy terms at p = 0): x
 * times log(y) in float, as torch's. Gradients as torch's: xlogy(x != 0, y) for x (0 at x = 0), x / y
 * for y.
 */
export function xlogy(x: Operand, y: Operand): Tensor {
  return pairOpOf(x, y, 'xlogy', (a, b) => xTimes(a, b, log), (a, b) => [xlogy(ne(a, 0), b), div(a, b)]);
}

/**
 * a f(b) broadcast, 0 where a is 0 and b is not NaN (xlogy's and xlog1py's rule), without a graph:
 * all kernels, the temporaries disposed (a closure an element took 15 ms a million).
 */
export function xTimes(a: Tensor, b: Tensor, f: (t: Tensor) => Tensor): Tensor {
  // (b == b: 1 where b is a number.)
  const fb = f(b), zeroA = eq(a, 0), numberB = eq(b, b), zeros = mul(zeroA, numberB), product = mul(a, fb);
  const y = where(zeros, 0, product);
  disposeAll(fb, zeroA, numberB, zeros, product);
  return y;
}

const LN2 = Math.LN2;

/** log2(2^a + 2^b) without overflow, broadcast (torch.logaddexp2); gradients 1 / (1 + 2^(b - a)) and 1 / (1 + 2^(a - b)). */
export function logaddexp2(a: Operand, b: Operand): Tensor {
  const f = (x: number, y: number) => {
    if (x === y && !Number.isFinite(x)) return x;
    const m = Math.max(x, y);
    return m + Math.log1p(Math.pow(2, -Math.abs(x - y))) / LN2;
  };
  const share = (p: Tensor, q: Tensor) => div(1, add(exp(mul(sub(q, p), LN2)), 1));
  return pairOp(a, b, 'logaddexp2', f, (x, y) => 1 / (1 + Math.pow(2, y - x)), (x, y) => 1 / (1 + Math.pow(2, x - y)), (p, q) => [share(p, q), share(q, p)]);
}

/** |a| with the sign of b (its sign bit: -0 and -NaN count as negative), broadcast (torch.copysign); a's gradient copysign(a, b) / a (0 at a = 0), b's 0. */
export function copysign(a: Operand, b: Operand): Tensor {
  const f = (x: number, y: number) => (signBitOf(y) ? -Math.abs(x) : Math.abs(x));
  const slope = (x: number, out: number) => (x === 0 ? 0 : out / x);
  // a's slope is +-1 or 0, a constant: copysign is piecewise linear in a.
  return pairOp(a, b, 'copysign', f, (x, _y, out) => slope(x, out), () => 0, (ta, tb, out) => {
    const shape = out.shape, xa = expandTo(ta.data, ta.shape, shape);
    return [new Tensor(Float32Array.from(out.data, (v, i) => slope(xa[i], v)), [...shape]), null];
  });
}

const bitsView = new DataView(new ArrayBuffer(4));
/** The float32 sign bit of v (set for -0 and for NaNs that carry it). */
function signBitOf(v: number): boolean {
  bitsView.setFloat32(0, v);
  return bitsView.getUint32(0) >>> 31 === 1;
}

/** 1 where x's sign bit is set (negative numbers, -0, negative NaNs), else 0 (torch.signbit; no gradient). */
export function signbit(x: Tensor): Tensor {
  checkTensor(x, 'signbit');
  const y = allocOutput(x.size);
  B().unary(Unary.signbit, x.data, y, 0);
  return new Tensor(y, [...x.shape]);
}

/** 0 where x < 0, `values` where x is 0, 1 where x > 0 (and 0 at NaN), broadcast (torch.heaviside; no gradient). */
export function heaviside(x: Tensor, values: Operand): Tensor {
  checkTensor(x, 'heaviside');
  return pairMap(x, values, 'heaviside', (v, at0) => (v === 0 ? at0 : v > 0 ? 1 : 0));
}

/**
 * a / b rounded toward -Infinity, broadcast (torch.floor_divide, Python's //: computed from fmod as
 * torch does, so that 7.5 // -2 is -4). No gradient, as torch's.
 */
export function floorDivide(a: Operand, b: Operand): Tensor {
  // The backend's floorDiv (remainder's backward kernel: the same steps in float, as torch's).
  const ta = asTensor(a, 'floorDivide'), tb = asTensor(b, 'floorDivide');
  const shape = broadcastShapes(ta.shape, tb.shape, 'floorDivide');
  return new Tensor(broadcastBinary(Binary.floorDiv, ta.data, ta.shape, tb.data, tb.shape, shape), shape);
}

/** Options of round. */
export interface RoundOptions {
  /** Round to this many decimal places (negative: to tens, hundreds ...; default 0; torch's decimals). */
  decimals?: number;
}

/**
 * Each element to the nearest integer, halves to the even one (torch.round), or to `decimals`
 * places, as torch's: x * 10^d rounded, then / 10^d, each a float rounding (x / 10^-d rounded, then
 * * 10^-d, for negative d). Gradient 0.
 */
export function roundTo(x: Tensor, options?: RoundOptions | number): Tensor {
  checkTensor(x, 'round');
  const decimals = typeof options === 'number' ? options : optionsOf(options, 'round', { decimals: 'value' }).decimals ?? 0;
  if (!Number.isSafeInteger(decimals)) throw new Error(`round: decimals must be an integer, got ${shown(decimals)}`);
  if (decimals === 0) return round(x);
  const scale = Math.fround(10 ** Math.abs(decimals));
  return decimals > 0 ? div(round(mul(x, scale)), scale) : mul(round(div(x, scale)), scale);
}

/** Options of div. */
export interface DivOptions {
  /** Round the quotient toward zero ('trunc') or toward -Infinity ('floor'); null or absent: a true division (torch's rounding_mode). */
  roundingMode?: 'trunc' | 'floor' | null;
}

/**
 * a / b, broadcast (torch.div): a true division, or rounded as `roundingMode` asks (the float
 * quotient truncated; Python's // as floorDivide). A rounded quotient's gradient is zero, as torch's.
 */
export function divRounded(a: Operand, b: Operand, options?: DivOptions): Tensor {
  const mode = optionsOf(options, 'div', { roundingMode: 'value' }).roundingMode ?? null;
  if (mode === null) return div(a, b);
  const none = (): [null, null] => [null, null];
  // The float quotient truncated, or floorDivide's kernel (torch's floor_divide is this division).
  if (mode === 'trunc') {
    return pairOpOf(a, b, 'div', (ta, tb) => {
      const q = div(ta, tb), y = trunc(q);
      q.dispose();
      return y;
    }, none);
  }
  if (mode === 'floor') return pairOpOf(a, b, 'div', floorDivide, none);
  throw new Error(`div: roundingMode must be 'trunc', 'floor' or null, got ${shown(mode)}`);
}

/** The operands' values checked to be integers (gcd and lcm are integer functions, as torch's). */
function integerPair(what: string): (f: Pair) => Pair {
  return (f) => (x, y) => {
    for (const v of [x, y]) if (!Number.isInteger(v)) throw new Error(`${what}: the elements must be integers, got ${shown(v)}`);
    return f(x, y);
  };
}

/** Euclid's greatest common divisor of |a| and |b| (0 for two zeros). */
function gcdOf(a: number, b: number): number {
  let x = Math.abs(a), y = Math.abs(b);
  while (x !== 0) [x, y] = [y % x, x];
  return y;
}

/** The greatest common divisor of integer-valued a and b, broadcast, never negative (torch.gcd; no gradient). */
export function gcd(a: Operand, b: Operand): Tensor {
  return pairMap(a, b, 'gcd', integerPair('gcd')(gcdOf));
}

/** The least common multiple of integer-valued a and b, broadcast, never negative, 0 where either is 0 (torch.lcm; no gradient). */
export function lcm(a: Operand, b: Operand): Tensor {
  return pairMap(a, b, 'lcm', integerPair('lcm')((x, y) => {
    const g = gcdOf(x, y);
    return g === 0 ? 0 : Math.abs((x / g) * y);
  }));
}

/**
 * a ** b computed in double and rounded once, broadcast (torch.float_power, whose result is double).
 * Gradients as torch's pow's, in double: b a^(b-1) for a (0 where b is 0), a^b log(a) for b (0 where
 * a is 0 and b >= 0).
 */
export function floatPower(a: Operand, b: Operand): Tensor {
  return pairOp(a, b, 'floatPower', Math.pow, (x, y) => (y === 0 ? 0 : y * Math.pow(x, y - 1)),
    (x, y) => (x === 0 && y >= 0 ? 0 : Math.pow(x, y) * Math.log(x)),
    (ta, tb, out) => [where(eq(tb, 0), 0, mul(tb, floatPower(ta, sub(tb, 1)))), where(mul(eq(ta, 0), ge(tb, 0)), 0, mul(out, log(ta)))]);
}

/** 1 where an element of x is among `test`'s elements, else 0 (torch.isin; NaN is in nothing; invert for the opposite). */
export function isin(x: Tensor, test: Tensor | readonly number[] | number, invert = false): Tensor {
  checkTensor(x, 'isin');
  const values = test instanceof Tensor ? test.data : typeof test === 'number' ? [test] : Array.isArray(test) ? test : null;
  if (values === null) throw new Error(`isin: test must be a tensor, an array of numbers or a number, got ${shown(test)}`);
  // A Set's SameValueZero takes -0 as 0, as torch's ==, but NaN as NaN, which torch's == does not.
  const set = new Set<number>(Array.from(values, (v) => Math.fround(v)));
  const y = allocOutput(x.size);
  for (let i = 0; i < y.length; i++) y[i] = (x.data[i] === x.data[i] && set.has(x.data[i])) !== invert ? 1 : 0;
  return new Tensor(y, [...x.shape]);
}

const nextView = new DataView(new ArrayBuffer(4));

/** The float32 after a in the direction of b (a itself when equal, NaN when either is). */
function nextFloat(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === b) return b;
  if (a === 0) return b > 0 ? 1.401298464324817e-45 : -1.401298464324817e-45;
  nextView.setFloat32(0, a);
  const bits = nextView.getUint32(0);
  // Away from zero adds one to the magnitude's bits, toward zero takes one.
  nextView.setUint32(0, (b > a) === (a > 0) ? bits + 1 : bits - 1);
  return nextView.getFloat32(0);
}

/** The next float32 after a toward b, broadcast (torch.nextafter; no gradient). */
export function nextafter(a: Operand, b: Operand): Tensor {
  return pairMap(a, b, 'nextafter', nextFloat);
}

/** x as mantissa times 2^exponent, the mantissa's magnitude in [0.5, 1) (0 for 0), as C's frexp (torch.frexp; no gradient). */
export function frexp(x: Tensor): { mantissa: Tensor; exponent: Tensor } {
  checkTensor(x, 'frexp');
  const m = allocOutput(x.size), e = allocOutput(x.size);
  for (let i = 0; i < x.size; i++) {
    const v = x.data[i];
    if (v === 0 || !Number.isFinite(v)) {
      [m[i], e[i]] = [v, 0];
      continue;
    }
    let ex = Math.floor(Math.log2(Math.abs(v))) + 1;
    let man = v / 2 ** ex;
    // log2 can land one off near powers of two: bring the magnitude into [0.5, 1).
    if (Math.abs(man) >= 1) [man, ex] = [man / 2, ex + 1];
    else if (Math.abs(man) < 0.5) [man, ex] = [man * 2, ex - 1];
    [m[i], e[i]] = [man, ex];
  }
  return { mantissa: new Tensor(m, [...x.shape]), exponent: new Tensor(e, [...x.shape]) };
}

/** 1 where x is +Infinity, else 0 (torch.isposinf). */
export function isposinf(x: Tensor): Tensor {
  checkTensor(x, 'isposinf');
  return noGrad(() => eq(x, Infinity));
}

/** 1 where x is -Infinity, else 0 (torch.isneginf). */
export function isneginf(x: Tensor): Tensor {
  checkTensor(x, 'isneginf');
  return noGrad(() => eq(x, -Infinity));
}

/**
 * op of the truth masks of a and b (1 where nonzero, NaN included, as torch's logical operators read
 * them), broadcast, without a graph: kernels, the masks disposed (a closure an element took ~10 ms a
 * million).
 */
function logicalPair(a: Operand, b: Operand, what: string, op: (p: Tensor, q: Tensor) => Tensor): Tensor {
  const { ta, tb } = pairOperands(a, b, what);
  return noGrad(() => {
    const p = ne(ta, 0), q = ne(tb, 0), y = op(p, q);
    disposeAll(p, q);
    return y;
  });
}

/** 1 where both a and b are nonzero, broadcast (torch.logical_and). */
export const logicalAnd = (a: Operand, b: Operand): Tensor => logicalPair(a, b, 'logicalAnd', mul);
/** 1 where a or b is nonzero, broadcast (torch.logical_or). */
export const logicalOr = (a: Operand, b: Operand): Tensor => logicalPair(a, b, 'logicalOr', maximum);
/** 1 where exactly one of a and b is nonzero, broadcast (torch.logical_xor). */
export const logicalXor = (a: Operand, b: Operand): Tensor => logicalPair(a, b, 'logicalXor', ne);

/** 1 where x is 0, else 0 (torch.logical_not). */
export function logicalNot(x: Tensor): Tensor {
  checkTensor(x, 'logicalNot');
  return noGrad(() => eq(x, 0));
}

/**
 * log(z / (1 - z)), z = x clamped to [eps, 1 - eps] when eps is given (torch.logit); the gradient
 * 1 / (z (1 - z)), 0 where the clamp held x.
 */
export function logit(x: Tensor, eps?: number): Tensor {
  checkTensor(x, 'logit');
  if (eps !== undefined && (typeof eps !== 'number' || !(eps >= 0 && eps <= 0.5))) throw new Error(`logit: eps must be a number in [0, 0.5], got ${shown(eps)}`);
  return composedOf((own) => {
    const z = eps === undefined ? x : own(clamp(x, eps, 1 - eps));
    return sub(own(log(z)), own(log1p(own(neg(z)))));
  }, [x]);
}

/** sin(pi x) / (pi x), 1 at 0 (torch.sinc); the gradient 0 at 0. */
export function sinc(x: Tensor): Tensor {
  checkTensor(x, 'sinc');
  return composedOf((own) => {
    const zero = own(noGrad(() => eq(x, 0)));
    // Where x is 0 the quotient is taken at 1 instead: its 0/0 would send NaN back through the unpicked side.
    const safe = own(where(zero, 1, x));
    const px = own(mul(safe, Math.PI));
    return where(zero, 1, own(div(own(sin(px)), px)));
  }, [x]);
}

/** 2^x (torch.exp2). */
export function exp2(x: Tensor): Tensor {
  checkTensor(x, 'exp2');
  return pow(2, x);
}

/** x 2^e, broadcast (torch.ldexp). */
export function ldexp(x: Tensor, e: Operand): Tensor {
  checkTensor(x, 'ldexp');
  return composedOf((own) => mul(x, own(pow(2, e))), [x]);
}

/** x in degrees as radians (torch.deg2rad). */
export function deg2rad(x: Tensor): Tensor {
  checkTensor(x, 'deg2rad');
  return mul(x, Math.PI / 180);
}

/** x in radians as degrees (torch.rad2deg). */
export function rad2deg(x: Tensor): Tensor {
  checkTensor(x, 'rad2deg');
  return mul(x, 180 / Math.PI);
}

/**
 * a or b by wins(a, b), but never a NaN beside a number: fmax's and fmin's choice as a where(), so the
 * gradient goes whole to the side chosen (to a on a tie), as torch's.
 */
function nanIgnoring(what: string, wins: (a: Tensor, b: Tensor) => Tensor, a: Operand, b: Operand): Tensor {
  const ta = asTensor(a, what);
  const tb = asTensor(b, what);
  broadcastShapes(ta.shape, tb.shape, what);
  return composedOf((own) => where(own(noGrad(() => logicalOr(own(wins(ta, tb)), own(isnan(tb))))), ta, tb), [ta, tb]);
}

/** Element-wise maximum, broadcast, that takes the number where one side is NaN (torch.fmax; NaN where both are). */
export const fmax = (a: Operand, b: Operand): Tensor => nanIgnoring('fmax', ge, a, b);
/** Element-wise minimum, broadcast, that takes the number where one side is NaN (torch.fmin; NaN where both are). */
export const fmin = (a: Operand, b: Operand): Tensor => nanIgnoring('fmin', le, a, b);

// torch's other names for the library's functions.
/** torch.sgn: sign, for real tensors. */
export const sgn = (x: Tensor): Tensor => sign(x);
/** torch.clip: clamp. */
export const clip = (x: Tensor, min?: Tensor | number | null, max?: Tensor | number | null): Tensor => clamp(x, min, max);
/** torch.clamp_min: clamp with a lower bound alone. */
export const clampMin = (x: Tensor, min: Tensor | number): Tensor => clamp(x, min, null);
/** torch.clamp_max: clamp with an upper bound alone. */
export const clampMax = (x: Tensor, max: Tensor | number): Tensor => clamp(x, null, max);
/** torch.absolute: abs. */
export const absolute = (x: Tensor): Tensor => abs(x);
/** torch.negative: neg. */
export const negative = (x: Tensor): Tensor => neg(x);
/** torch.fix: trunc. */
export const fix = (x: Tensor): Tensor => trunc(x);
/** torch.arccos: acos. */
export const arccos = (x: Tensor): Tensor => acos(x);
/** torch.arcsin: asin. */
export const arcsin = (x: Tensor): Tensor => asin(x);
/** torch.arctan: atan. */
export const arctan = (x: Tensor): Tensor => atan(x);
/** torch.arccosh: acosh. */
export const arccosh = (x: Tensor): Tensor => acosh(x);
/** torch.arcsinh: asinh. */
export const arcsinh = (x: Tensor): Tensor => asinh(x);
/** torch.arctanh: atanh. */
export const arctanh = (x: Tensor): Tensor => atanh(x);
/** torch.arctan2: atan2. */
export const arctan2 = (a: Operand, b: Operand): Tensor => atan2(a, b);
/** torch.multiply: mul. */
export const multiply = (a: Operand, b: Operand): Tensor => mul(a, b);
/** torch.subtract: sub. */
export const subtract = (a: Operand, b: Operand): Tensor => sub(a, b);
/** torch.divide: div, rounded as options ask. */
export const divide = (a: Operand, b: Operand, options?: DivOptions): Tensor => divRounded(a, b, options);
/** torch.true_divide: div. */
export const trueDivide = (a: Operand, b: Operand): Tensor => div(a, b);
/** torch.greater: gt. */
export const greater = (a: Operand, b: Operand): Tensor => gt(a, b);
/** torch.greater_equal: ge. */
export const greaterEqual = (a: Operand, b: Operand): Tensor => ge(a, b);
/** torch.less: lt. */
export const less = (a: Operand, b: Operand): Tensor => lt(a, b);
/** torch.less_equal: le. */
export const lessEqual = (a: Operand, b: Operand): Tensor => le(a, b);
/** torch.not_equal: ne. */
export const notEqual = (a: Operand, b: Operand): Tensor => ne(a, b);
/** torch.concat and torch.concatenate: cat. */
export const concat = (tensors: readonly Tensor[], dim = 0): Tensor => cat(tensors, dim);
/** torch.swapdims: swapaxes. */
export const swapdims = (x: Tensor, a: number, b: number): Tensor => swapaxes(x, a, b);
/** torch.argwhere: nonzero (the indices of the nonzero elements, one row each). */
export const argwhere = (x: Tensor): Tensor => nonzero(x);
