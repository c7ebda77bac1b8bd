// torch's in-place tensor methods (add_, mul_, clamp_, zero_, fill_, copy_, uniform_, normal_ ...):
// the out-of-place op's result written into the tensor's own storage, which its reshapes and detach()
// share, as torch's views do. As in torch they run outside the graph: inside noGrad (optimizer steps,
// initializations, `p.data` updates) or on tensors that need no gradient, and backward() refuses to
// use a value written over after an op read it (versions.ts). torch also rewrites the graph of a
// non-leaf tensor written in place with gradients on; here that is an error naming the out-of-place op.
import { Tensor } from '../tensor';
import { broadcastShapes, contiguousStrides, fmt, sameShape } from '../shape';
import { noGrad, isGradEnabled } from '../autograd';
import { shown } from '../args';
import { bumpVersion } from '../versions';
import { assertNotInEpoch } from '../worker_owned';
import { checkNumber, checkTensor, expandTo, Operand } from './core';
import { add, div, mul, sub } from './binary';
import { exp, floor, log1p, neg, tan } from './unary';
import { expand } from './shape';
import { ones, rand, randn } from './creation';
import { bernoulli } from './sampling';

/** Writes compute()'s result (of t's shape) into t's storage and returns t. */
function inPlace(t: Tensor, what: string, operands: readonly unknown[], compute: () => Tensor): Tensor {
  checkTensor(t, what);
  if (isGradEnabled() && (t.requiresGrad || operands.some((o) => o instanceof Tensor && o.requiresGrad))) {
    throw new Error(`${what}: in-place operations run outside the graph: inside noGrad() (as optimizer steps and initializations do) ` +
      `or on tensors that need no gradient, but ${t.requiresGrad ? 'this tensor' : 'an operand'} requires one; use the out-of-place ${what.slice(0, -1)}`);
  }
  assertNotInEpoch([t], what);
  const r = noGrad(compute);
  if (!sameShape(r.shape, t.shape)) throw new Error(`${what}: the result's shape ${fmt(r.shape)} must be the tensor's own ${fmt(t.shape)} (an in-place op cannot broadcast it)`);
  if (r.data !== t.data) t.data.set(r.data);
  bumpVersion(t.data);
  return t;
}

/**
 * The Tensor methods whose result has the tensor's own shape and that torch also has in place, as
 * `name_` (sin_, clamp_, tril_, scatter_, indexAdd_ ...): each twin runs the method and writes its
 * result into the tensor (twin below). add_ and sub_ take torch's alpha, which add and sub do not.
 */
export const IN_PLACE_TWINS = [
  // One operand.
  'neg', 'abs', 'exp', 'log', 'sqrt', 'relu', 'sigmoid', 'tanh', 'absolute', 'negative', 'sign', 'sgn',
  'floor', 'ceil', 'round', 'trunc', 'fix', 'frac', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan',
  'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'arcsinh', 'arccosh',
  'arctanh', 'exp2', 'expm1', 'log2', 'log10', 'log1p', 'square', 'reciprocal', 'rsqrt', 'erf', 'erfc',
  'erfinv', 'lgamma', 'digamma', 'i0', 'sinc', 'logit', 'deg2rad', 'rad2deg', 'nanToNum', 'polygamma',
  'mvlgamma',
  // Two or more, broadcast into the tensor's shape.
  'mul', 'div', 'pow', 'multiply', 'divide', 'trueDivide', 'subtract', 'floorDivide', 'remainder',
  'fmod', 'atan2', 'arctan2', 'hypot', 'copysign', 'nextafter', 'heaviside', 'xlogy', 'ldexp', 'gcd',
  'lcm', 'floatPower', 'igamma', 'igammac', 'lerp', 'addcmul', 'addcdiv', 'clamp', 'clip', 'clampMin',
  'clampMax', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'greater', 'greaterEqual', 'less', 'lessEqual',
  'notEqual', 'logicalAnd', 'logicalOr', 'logicalXor', 'logicalNot', 'maskedFill',
  // Products added to the tensor.
  'addmm', 'addmv', 'addr', 'addbmm', 'baddbmm',
  // Along a dim, or into chosen places.
  'cumsum', 'cumprod', 'renorm', 'tril', 'triu', 'indexAdd', 'indexCopy', 'indexFill', 'indexReduce',
  'scatter', 'scatterAdd', 'scatterReduce', 'maskedScatter', 'indexPut', 'put',
] as const;

/** A method that has an in-place twin. */
export type InPlaceTwinName = (typeof IN_PLACE_TWINS)[number];

/** The in-place twin of method `name` (torch's `name_`): the method's result for `args` written into t. */
export function twin(t: Tensor, name: InPlaceTwinName, args: readonly unknown[]): Tensor {
  return inPlace(t, `${name}_`, args, () => (t as unknown as Record<InPlaceTwinName, (...a: readonly unknown[]) => Tensor>)[name](...args));
}

/** t += other (broadcast into t's shape; torch's add_), times alpha when given. */
export function add_(t: Tensor, other: Operand, alpha = 1): Tensor {
  checkNumber(alpha, 'add_', 'alpha');
  return inPlace(t, 'add_', [other], () => add(t, alpha === 1 ? other : mul(other instanceof Tensor ? other : Math.fround(other), alpha)));
}
/** t -= other (torch's sub_), times alpha when given. */
export function sub_(t: Tensor, other: Operand, alpha = 1): Tensor {
  checkNumber(alpha, 'sub_', 'alpha');
  return inPlace(t, 'sub_', [other], () => sub(t, alpha === 1 ? other : mul(other instanceof Tensor ? other : Math.fround(other), alpha)));
}
/** Every element set to value (torch's fill_). */
export function fill_(t: Tensor, value: number): Tensor {
  if (typeof value !== 'number') throw new Error(`fill_: value must be a number, got ${shown(value)}`);
  return inPlace(t, 'fill_', [], () => {
    t.data.fill(value);
    return t;
  });
}
/** Every element set to 0 (torch's zero_). */
export const zero_ = (t: Tensor): Tensor => inPlace(t, 'zero_', [], () => {
  t.data.fill(0);
  return t;
});
/** src's values (broadcast to t's shape) copied in (torch's copy_). */
export function copy_(t: Tensor, src: Tensor): Tensor {
  checkTensor(src, 'copy_ src');
  return inPlace(t, 'copy_', [src], () => expand(src, t.shape));
}
/**
 * The main diagonal set to value (torch's fill_diagonal_): of a matrix, or of a tensor whose dims are
 * all one length; a tall matrix's diagonal starts again below the square when wrap is true (NumPy's
 * fill_diagonal).
 */
export function fillDiagonal_(t: Tensor, value: number, wrap = false): Tensor {
  const what = 'fillDiagonal_';
  checkTensor(t, what);
  checkNumber(value, what, 'value');
  if (typeof wrap !== 'boolean') throw new Error(`${what}: wrap must be true or false, got ${shown(wrap)}`);
  if (t.ndim < 2) throw new Error(`${what}: expects a tensor with at least 2 dimensions, got shape ${fmt(t.shape)}`);
  if (t.ndim > 2 && t.shape.some((n) => n !== t.shape[0])) throw new Error(`${what}: all dimensions must be of equal length beyond 2-D, got shape ${fmt(t.shape)}`);
  // Every step-th element from the first, step the sum of t's strides: min(shape) of them, or for a
  // wrapped matrix all of them, as NumPy's a.flat[::cols + 1].
  const step = contiguousStrides(t.shape).reduce((a, b) => a + b, 0);
  const count = wrap && t.ndim === 2 ? Math.ceil(t.size / step) : Math.min(...t.shape);
  return inPlace(t, what, [], () => {
    for (let k = 0; k < count; k++) t.data[k * step] = value;
    return t;
  });
}

/**
 * 0 / 1 draws, 1 with probability p (a number, or a tensor broadcast to t's shape; default 0.5),
 * written in (torch's bernoulli_).
 */
export function bernoulli_(t: Tensor, p: Tensor | number = 0.5): Tensor {
  checkTensor(t, 'bernoulli_');
  if (p instanceof Tensor) return inPlace(t, 'bernoulli_', [p], () => bernoulli(expand(p, t.shape)));
  return inPlace(t, 'bernoulli_', [], () => bernoulli(t, p));
}

/** The element-wise results of a JavaScript function, each a number, written in: apply_'s and map_'s loop. */
function mapped(t: Tensor, what: string, operands: readonly Tensor[], fn: unknown, at: (d: Float32Array, i: number) => number): Tensor {
  if (typeof fn !== 'function') throw new Error(`${what}: fn must be a function, got ${shown(fn)}`);
  return inPlace(t, what, operands, () => {
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      const v = at(d, i);
      if (typeof v !== 'number') throw new Error(`${what}: fn must return a number, got ${shown(v)} for element ${i}`);
      d[i] = v;
    }
    return t;
  });
}

/** Each element replaced by fn(element) (torch's apply_: a function of the host language, element by element). */
export function apply_(t: Tensor, fn: (v: number) => number): Tensor {
  return mapped(t, 'apply_', [], fn, (d, i) => fn(d[i]));
}

/** Each element replaced by fn(element, other's element), other broadcast to t's shape (torch's map_). */
export function map_(t: Tensor, other: Tensor, fn: (a: number, b: number) => number): Tensor {
  checkTensor(t, 'map_');
  checkTensor(other, 'map_ other');
  if (!sameShape(broadcastShapes(other.shape, t.shape, 'map_'), t.shape)) throw new Error(`map_: other of shape ${fmt(other.shape)} must broadcast to the tensor's shape ${fmt(t.shape)}`);
  const o = expandTo(other.data, other.shape, t.shape);
  return mapped(t, 'map_', [other], fn, (d, i) => fn(d[i], o[i]));
}

/** Uniform draws in [from, to) (torch's uniform_; default [0, 1)). */
export function uniform_(t: Tensor, from = 0, to = 1): Tensor {
  checkNumber(from, 'uniform_', 'from');
  checkNumber(to, 'uniform_', 'to');
  return inPlace(t, 'uniform_', [], () => add(mul(rand(t.shape), to - from), from));
}
/** Normal draws of mean and std (torch's normal_; default 0 and 1). */
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  checkNumber(mean, 'normal_', 'mean');
  checkNumber(std, 'normal_', 'std');
  return inPlace(t, 'normal_', [], () => add(mul(randn(t.shape), std), mean));
}

/** A parameter of a draw, checked: a finite number above 0. */
function positive(v: number, what: string, name: string): number {
  checkNumber(v, what, name);
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`${what}: ${name} must be a positive finite number, got ${shown(v)}`);
  return v;
}
/** Exponential draws of rate lambd (torch's exponential_; default 1): -log(1 - U) / lambd. */
export function exponential_(t: Tensor, lambd = 1): Tensor {
  positive(lambd, 'exponential_', 'lambd');
  return inPlace(t, 'exponential_', [], () => div(neg(log1p(neg(rand(t.shape)))), lambd));
}
/** Geometric draws (torch's geometric_): the trial of the first success, each of probability p in (0, 1]: 1 + floor(log(1 - U) / log(1 - p)). */
export function geometric_(t: Tensor, p: number): Tensor {
  checkNumber(p, 'geometric_', 'p');
  if (!(p > 0 && p <= 1)) throw new Error(`geometric_: p must be in (0, 1], got ${shown(p)}`);
  if (p === 1) return inPlace(t, 'geometric_', [], () => ones(t.shape));
  return inPlace(t, 'geometric_', [], () => add(floor(div(log1p(neg(rand(t.shape))), Math.log1p(-p))), 1));
}
/** Log-normal draws (torch's log_normal_; defaults mean 1, std 2, of the underlying normal): exp(mean + std N). */
export function logNormal_(t: Tensor, mean = 1, std = 2): Tensor {
  checkNumber(mean, 'logNormal_', 'mean');
  positive(std, 'logNormal_', 'std');
  return inPlace(t, 'logNormal_', [], () => exp(add(mul(randn(t.shape), std), mean)));
}
/** Cauchy draws (torch's cauchy_; defaults median 0, sigma 1): median + sigma tan(pi (U - 1/2)). */
export function cauchy_(t: Tensor, median = 0, sigma = 1): Tensor {
  checkNumber(median, 'cauchy_', 'median');
  positive(sigma, 'cauchy_', 'sigma');
  return inPlace(t, 'cauchy_', [], () => add(mul(tan(mul(sub(rand(t.shape), 0.5), Math.PI)), sigma), median));
}
/**
 * Integers drawn uniformly from [from, to) (torch's random_: random_(to) is [0, to); with neither,
 * [0, 2^24], the integers float32 holds exactly).
 */
export function random_(t: Tensor, from?: number, to?: number): Tensor {
  const [lo, hi] = to === undefined ? (from === undefined ? [0, 2 ** 24 + 1] : [0, from]) : [from ?? 0, to];
  for (const [name, v] of [['from', lo], ['to', hi]] as const) {
    if (!Number.isSafeInteger(v)) throw new Error(`random_: ${name} must be an integer, got ${shown(v)}`);
  }
  if (!(lo < hi)) throw new Error(`random_: from must be below to, got [${lo}, ${hi})`);
  return inPlace(t, 'random_', [], () => add(floor(mul(rand(t.shape), hi - lo)), lo));
}
