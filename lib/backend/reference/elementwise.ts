// Element-wise reference kernels: unary, its gradient (and with a bias column sum), broadcasting
// binary, strided copy, axpy, and the three-operand pointwise3.
import { Binary, BinaryCode, Pointwise3, Pointwise3Code, Reduce, SELU_NEG, SELU_SCALE, Unary, UnaryCode } from '../backend';
import { reduce } from './reduce';
import { erf, erfc, gelu, geluGrad, sigmoid } from './math';
import { Round, roundingOf } from '../../storage';
import { powC } from '../../cmath';

/** f(x), its intermediates rounded by r (the storage's precision; none by default). */
export function unaryScalar(op: number, x: number, p: number, r: Round = (v) => v): number {
  switch (op) {
    case Unary.identity: return x;
    case Unary.neg: return -x;
    case Unary.exp: return Math.exp(x);
    case Unary.log: return Math.log(x);
    case Unary.sqrt: return Math.sqrt(x);
    case Unary.abs: return Math.abs(x);
    case Unary.relu: return x < 0 ? 0 : x; // as torch: NaN stays NaN, -0 stays -0
    case Unary.sigmoid: return sigmoid(x);
    case Unary.tanh: return Math.tanh(x);
    case Unary.gelu: return gelu(x);
    case Unary.leakyRelu: return x > 0 ? x : x * p;
    case Unary.elu: return x > 0 ? x : p * Math.expm1(x);
    case Unary.powScalar: return powScalar(x, p, r);
    case Unary.scale: return x * p;
    case Unary.addScalar: return x + p;
    case Unary.sign: return x > 0 ? 1 : x < 0 ? -1 : 0;
    case Unary.log1p: return Math.log1p(x);
    case Unary.rsubScalar: return p - x;
    case Unary.rdivScalar: return r(1 / x) * p; // torch's p / x: a reciprocal, then scaled
    case Unary.clampAbs: return x > p ? p : x < -p ? -p : x;
    case Unary.silu: return x * sigmoid(x);
    case Unary.divScalar: return x / p;
    case Unary.clampMin: return x < p ? p : x; // NaN and -0 (against 0) stay, as torch's clamp_min
    case Unary.clampMax: return x > p ? p : x;
    case Unary.softplus: return x > p ? x : Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); // no overflow (native's comment)
    case Unary.clampKept: return x;
    case Unary.floor: return Math.floor(x);
    case Unary.ceil: return Math.ceil(x);
    case Unary.round: return roundHalfEven(x);
    case Unary.trunc: return Math.trunc(x);
    case Unary.frac: return x - Math.trunc(x);
    case Unary.sin: return Math.sin(x);
    case Unary.cos: return Math.cos(x);
    case Unary.erf: return erf(x);
    case Unary.expm1: return Math.expm1(x);
    case Unary.log2: return Math.log2(x);
    case Unary.log10: return Math.log10(x);
    case Unary.erfc: return erfc(x);
    case Unary.tan: return Math.tan(x);
    case Unary.atan: return Math.atan(x);
    case Unary.asin: return Math.asin(x);
    case Unary.acos: return Math.acos(x);
    case Unary.sinh: return Math.sinh(x);
    case Unary.cosh: return Math.cosh(x);
    case Unary.asinh: return Math.asinh(x);
    case Unary.acosh: return Math.acosh(x);
    case Unary.atanh: return Math.atanh(x);
    case Unary.hardswish: return r(x * clamp06(r(x + 3))) / 6;
    case Unary.hardsigmoid: return clamp06(r(x + 3)) / 6;
    case Unary.mish: return x * mishTanh(x, r);
    case Unary.hardshrink: return x >= -p && x <= p ? 0 : x;
    case Unary.signbit: return x < 0 || Object.is(x, -0) ? 1 : 0; // a NaN's sign: unary reads float32 storage's bits
    case Unary.nanTo: return x !== x ? p : x;
    case Unary.softshrink: return x > p ? x - p : x < -p ? x + p : 0;
    case Unary.logsigmoid: return Math.min(0, x) - r(Math.log1p(r(Math.exp(-Math.abs(x)))));
    case Unary.selu: return x <= 0 ? r(Math.expm1(x)) * SELU_NEG : x * SELU_SCALE;
    case Unary.celu: return x <= 0 ? p * r(Math.expm1(r(x * r(1 / p)))) : x;
    case Unary.smoothL1: {
      const z = Math.abs(x);
      return z < p ? r(r(0.5 * z) * z) / p : z - r(0.5 * p);
    }
    case Unary.huber: {
      const z = Math.abs(x);
      return z < p ? r(0.5 * z) * z : p * r(z - r(0.5 * p));
    }
    default: throw new Error(`unary: unknown op code ${op}`);
  }
}

// min(max(v, 0), 6) with NaN kept (torch's std::min(std::max(...)) order).
const clamp06 = (v: number): number => (v < 0 ? 0 : v > 6 ? 6 : v);
// mish's tanh(softplus(x)), each step rounded.
const mishTanh = (x: number, r: Round): number => r(Math.tanh(r(Math.log1p(r(Math.exp(x))))));
const SIXTH = Math.fround(1 / 6);

/** The nearest integer, halves to the even one (C's nearbyint, torch.round); Math.round takes halves up. */
function roundHalfEven(x: number): number {
  const up = Math.round(x);
  return up - x === 0.5 && up % 2 !== 0 ? up - 1 : up;
}

/** x ** p as torch computes a tensor to a number's power: sqrt, 1 / sqrt and 1 / x for 0.5, -0.5 and -1, products for 2, 3 and -2. */
function powScalar(x: number, p: number, r: Round): number {
  if (p === 0.5) return Math.sqrt(x);
  if (p === -0.5) return 1 / r(Math.sqrt(x));
  if (p === -1) return 1 / x;
  if (p === 2) return x * x;
  if (p === 3) return r(x * x) * x;
  if (p === -2) return 1 / r(x * x);
  return powC(x, p);
}

/**
 * gy * f'(x), given x and y = f(x), written as torch's backward formula writes it, with each
 * intermediate rounded by r to the storage's precision as the native kernel's float arithmetic
 * rounds it: where an infinity meets a zero (NaN) and where an intermediate overflows follow from that.
 */
export function unaryGradScalar(op: number, x: number, y: number, gy: number, p: number, r: Round): number {
  switch (op) {
    case Unary.identity: return gy;
    case Unary.neg: return -gy;
    case Unary.exp: return gy * y;
    case Unary.log: return gy / x;
    case Unary.sqrt: return gy / r(2 * y);
    case Unary.abs: return gy * (x > 0 ? 1 : x < 0 ? -1 : 0);
    case Unary.relu: return y <= 0 ? 0 : gy; // a NaN passes the gradient, as torch's threshold_backward
    case Unary.sigmoid: return r(gy * y) * r(1 - y);
    case Unary.tanh: return gy * r(1 - r(y * y));
    case Unary.gelu: return gy * r(geluGrad(x));
    case Unary.leakyRelu: return x > 0 ? gy : gy * p;
    case Unary.elu: return x > 0 ? gy : gy * r(p * r(Math.exp(x))); // from x, as torch: y + p cancels for x << 0; NaN gives NaN
    case Unary.powScalar: return p === 0 ? 0 : gy * r(p * r(powScalar(x, p - 1, r)));
    case Unary.scale: return gy * p;
    case Unary.addScalar: return gy;
    case Unary.sign: case Unary.floor: case Unary.ceil: case Unary.round: case Unary.trunc: return 0; // torch: zeros, whatever gy holds
    case Unary.frac: return gy;
    case Unary.sin: return gy * r(Math.cos(x));
    case Unary.cos: return gy * -r(Math.sin(x));
    case Unary.erf: return r(r(1.1283791670955126 * r(Math.exp(-r(x * x)))) * gy);
    case Unary.expm1: return gy * r(y + 1);
    case Unary.log2: return gy / r(x * r(0.6931471805599453));
    case Unary.log10: return gy / r(x * r(2.3025850929940456));
    case Unary.erfc: return r(r(-1.1283791670955126 * r(Math.exp(-r(x * x)))) * gy);
    // torch's derivatives.yaml (native's comment).
    case Unary.tan: return gy * r(1 + r(y * y));
    case Unary.atan: return gy / r(r(x * x) + 1);
    case Unary.asin: return gy * r(1 / r(Math.sqrt(r(1 - r(x * x)))));
    case Unary.acos: return gy * -r(1 / r(Math.sqrt(r(1 - r(x * x)))));
    case Unary.sinh: return gy * r(Math.cosh(x));
    case Unary.cosh: return gy * r(Math.sinh(x));
    case Unary.asinh: return gy * r(1 / r(Math.sqrt(r(r(x * x) + 1))));
    case Unary.acosh: return gy * r(1 / r(Math.sqrt(r(r(x * x) - 1))));
    case Unary.atanh: return gy / r(1 - r(x * x));
    case Unary.log1p: return gy / r(x + 1);
    case Unary.rsubScalar: return -gy;
    case Unary.rdivScalar: { // torch's reciprocal backward after the scaling's
      const q = r(1 / x);
      return -r(gy * p) * r(q * q);
    }
    case Unary.clampAbs: return x > p || x < -p ? 0 : gy;
    case Unary.divScalar: return gy / p;
    case Unary.clampMin: return x >= p ? gy : 0; // torch: the gradient passes where min <= x (not at NaN)
    case Unary.clampMax: return x <= p ? gy : 0;
    case Unary.clampKept: return x === y ? gy : 0;
    case Unary.softplus: { // torch's gy z / (z + 1), z = e^x
      const z = r(Math.exp(x));
      return x > p ? gy : r(gy * z) / r(z + 1);
    }
    case Unary.silu: {
      const s = r(sigmoid(x));
      return r(gy * s) * r(1 + r(x * r(1 - s)));
    }
    // torch's vector loop (its scalar loop, for tensors shorter than a vector, gives 1.5 at 3).
    case Unary.hardswish: return x < -3 ? 0 : x >= 3 ? gy : gy * r(r(x / 3) + 0.5);
    case Unary.hardsigmoid: return x > -3 && x < 3 ? gy * SIXTH : 0;
    case Unary.hardshrink: case Unary.softshrink: return x >= -p && x <= p ? 0 : gy;
    case Unary.signbit: return 0;
    case Unary.nanTo: return x !== x ? 0 : gy;
    case Unary.selu: return x <= 0 ? r(gy * SELU_NEG) * r(Math.exp(x)) : gy * SELU_SCALE;
    // (smoothL1 tests x <= -p first: at p 0, L1's values, the slope at 0 is -1, as torch's.)
    case Unary.smoothL1: return (x <= -p ? -1 : x >= p ? 1 : r(x / p)) * gy;
    case Unary.huber: return (x < -p ? -p : x > p ? p : x) * gy;
    case Unary.celu: {
      const s = r(1 / p);
      return x <= 0 ? r(r(gy * s) * p) * r(Math.exp(r(x * s))) : gy;
    }
    case Unary.logsigmoid: {
      const z = r(Math.exp(-Math.abs(x)));
      const q = r(z / r(1 + z));
      return gy * (x < 0 ? r(1 - q) : q);
    }
    case Unary.mish: {
      const s = r(1 / r(1 + r(Math.exp(-x))));
      const t = mishTanh(x, r);
      return gy * r(t + r(r(x * s) * r(1 - r(t * t))));
    }
    default: throw new Error(`unaryGrad: unknown op code ${op}`);
  }
}

/** torch's float remainder (native's remainder_s). */
function remainder(a: number, b: number, r: Round): number {
  const mod = a % b;
  return mod !== 0 && (b < 0) !== (mod < 0) ? r(mod + b) : mod;
}

/** torch's div(a, b, rounding_mode='floor') for floats (native's floor_div_s), each step rounded by r. */
function floorDiv(a: number, b: number, r: Round): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = r(r(a - mod) / b);
  if (mod !== 0 && (b < 0) !== (mod < 0)) div = r(div - 1);
  if (div === 0) return (a / b < 0 || Object.is(a / b, -0)) ? -0 : 0;
  let floordiv = Math.floor(div);
  if (r(div - floordiv) > 0.5) floordiv += 1;
  return floordiv;
}

export function binaryScalar(op: number, a: number, b: number, r: Round = (v) => v): number {
  switch (op) {
    case Binary.add: return a + b;
    case Binary.sub: return a - b;
    case Binary.mul: return a * b;
    case Binary.div: return a / b;
    case Binary.pow: return powC(a, b);
    case Binary.bce: return -(b * Math.max(Math.log(a), -100) + (1 - b) * Math.max(Math.log(1 - a), -100));
    case Binary.bceGrad: return (a - b) / Math.max(a * (1 - a), 1e-12);
    case Binary.bceLogits: return (a > 0 ? a * (1 - b) : -a * b) + Math.log1p(Math.exp(-Math.abs(a))); // no cancellation in max(a, 0) - a b
    case Binary.bceLogitsGrad: return sigmoid(a) - b;
    case Binary.maximum: return a > b || Number.isNaN(a) ? a : b;
    case Binary.gtMask: return a > b ? 1 : 0;
    case Binary.geMask: return a >= b ? 1 : 0;
    case Binary.ltMask: return a < b ? 1 : 0;
    case Binary.leMask: return a <= b ? 1 : 0;
    case Binary.eqMask: return a === b ? 1 : 0;
    case Binary.neMask: return a !== b ? 1 : 0;
    case Binary.minimum: return a < b || Number.isNaN(a) ? a : b;
    case Binary.keepWhere: return b !== 0 ? a : 0;
    case Binary.dropWhere: return b !== 0 ? 0 : a;
    // (r: the storage's rounding of each step, as the native kernel's float steps round)
    case Binary.powGradBase: return b === 0 ? 0 : b * r(powC(a, r(b - 1)));
    case Binary.powGradExponent: return a === 0 && b >= 0 ? 0 : r(powC(a, b)) * r(Math.log(a));
    case Binary.atan2: return Math.atan2(a, b);
    case Binary.atan2Recip: return 1 / r(r(a * a) + r(b * b));
    case Binary.fmod: return a % b; // JavaScript's % is C's fmod, exact
    case Binary.remainder: return remainder(a, b, r);
    case Binary.floorDiv: return floorDiv(a, b, r);
    case Binary.logaddexp: return Number.isFinite(a) || a !== b ? r(Math.max(a, b)) + r(Math.log1p(r(Math.exp(-r(Math.abs(r(a - b))))))) : a;
    case Binary.logaddexpDenom: return 1 + r(Math.exp(r(b - a)));
    case Binary.hypot: return Math.hypot(a, b);
    default: throw new Error(`binary: unknown op code ${op}`);
  }
}

export function unary(op: UnaryCode, x: Float32Array, out: Float32Array, p: number): void {
  const r = roundingOf(out);
  const q = r(p); // the native kernels take p as a float, as torch casts a number to the tensor's type
  if (op === Unary.signbit && x instanceof Float32Array) {
    // The bits themselves: a number read from a Float32Array does not keep a NaN's sign.
    const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
    for (let i = 0; i < x.length; i++) out[i] = bits[i] >>> 31;
    return;
  }
  for (let i = 0; i < x.length; i++) out[i] = unaryScalar(op, x[i], q, r);
}

export function unaryGrad(op: UnaryCode, x: Float32Array, y: Float32Array, gy: Float32Array, gx: Float32Array, p: number): void {
  const r = roundingOf(gx);
  const q = r(p);
  for (let i = 0; i < gy.length; i++) gx[i] = unaryGradScalar(op, x[i], y[i], gy[i], q, r);
}

/** Visits every multi-index of `shape`, calling visit(outIndex, offsetA, offsetB). */
function forEachIndex(shape: Int32Array, sa: Int32Array, sb: Int32Array, visit: (o: number, ia: number, ib: number) => void): void {
  const nd = shape.length;
  let total = 1;
  for (let d = 0; d < nd; d++) total *= shape[d];
  if (total === 0) return;
  const idx = new Int32Array(nd);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < total; o++) {
    visit(o, ia, ib);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < shape[d]) break;
      ia -= sa[d] * shape[d];
      ib -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
}

export function binary(op: BinaryCode, a: Float32Array, aStrides: Int32Array, b: Float32Array, bStrides: Int32Array, out: Float32Array, shape: Int32Array): void {
  const r = roundingOf(out);
  forEachIndex(shape, aStrides, bStrides, (o, ia, ib) => {
    out[o] = binaryScalar(op, a[ia], b[ib], r);
  });
}

export function stridedCopy(x: Float32Array, xStrides: Int32Array, out: Float32Array, shape: Int32Array, outStrides?: Int32Array | null): void {
  if (outStrides) forEachIndex(shape, xStrides, outStrides, (_, ix, io) => { out[io] = x[ix]; });
  else forEachIndex(shape, xStrides, xStrides, (o, ix) => { out[o] = x[ix]; });
}

export function clamp(x: Float32Array, lo: number, hi: number, out: Float32Array): void {
  const r = roundingOf(out);
  const [l, h] = [r(lo), r(hi)]; // as floats, as the native kernel takes them
  for (let i = 0; i < out.length; i++) {
    const v = x[i] < l ? l : x[i];
    out[i] = v > h ? h : v;
  }
}

export function select(cond: Float32Array, a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = cond[i] !== 0 ? a[i] : b[i];
}

export function axpy(alpha: number, x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] += alpha * x[i];
}

/** Reference biasActGrad: the activation's backward, then the bias gradient as column sums. */
export function biasActGrad(act: UnaryCode, y: Float32Array, gy: Float32Array, gz: Float32Array, rows: number, cols: number, gb: Float32Array | null): void {
  unaryGrad(act, y, y, gy, gz, 0);
  if (gb) reduce(Reduce.sum, gz, 1, rows, cols, gb, null);
}

/** addcmul, addcdiv and the two lerps over arrays of one length, each operation rounded (out's precision). */
export function pointwise3(op: Pointwise3Code, x: Float32Array, a: Float32Array, b: Float32Array, p: number, out: Float32Array): void {
  if (a.length !== x.length || b.length !== x.length || out.length !== x.length) throw new RangeError(`pointwise3: a, b and out must have x's ${x.length} elements`);
  const r = roundingOf(out);
  const q = r(p);
  for (let i = 0; i < x.length; i++) {
    const v = x[i], u = a[i];
    switch (op) {
      case Pointwise3.addcmul: out[i] = v + r(r(q * u) * b[i]); break;
      case Pointwise3.addcdiv: out[i] = v + r(r(q * u) / b[i]); break;
      case Pointwise3.lerpNear: out[i] = v + r(r(u - v) * q); break;
      case Pointwise3.lerpFar: out[i] = u - r(r(u - v) * q); break;
      default: throw new Error(`pointwise3: unknown op code ${op}`);
    }
  }
}
