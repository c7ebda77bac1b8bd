// torch's statistics beyond mean / var / median: nansum, nanmean, varMean, stdMean, aminmax, msort,
// quantile, nanquantile, cummax, cummin, logcumsumexp, cov and corrcoef. Composed of the library's
// ops where one fits (their gradients are those ops'); cummax / cummin pick positions and gather,
// and logcumsumexp runs on the runningFold kernel (in double), its backward a loop of its own here.
import { Tensor } from '../tensor';
import { fmt, normDim, sameShape, splitAt } from '../shape';
import { optionsOf, OptionKinds, shown } from '../args';
import { noGrad } from '../autograd';
import { allocOutput } from '../storage';
import { checkTensor, composedOf, record } from './core';
import { add, div, mul, sub } from './binary';
import { Dims, mean, sum } from './reduce';
import { amax, amin, cumsum } from './cumulative';
import { clamp } from './compare';
import { eq, varianceAs, VarianceOptions } from './more';
import { gather } from './index_ops';
import { reshape, squeeze, transpose, unsqueeze } from './shape';
import { sort, SortResult } from './sort';
import { lerp, movedim } from './composed';
import { matmul } from './matmul';
import { RunningFold, Unary } from '../backend/backend';
import { B } from '../backend/registry';
import { logAddExp } from '../backend/reference/reduce';
import { exp, log, sqrt, unaryOp } from './unary';
import { recomposedRule } from '../autograd_graph';
import { diagonal } from './structure';

/** x with its NaNs as zeros (one kernel pass); the gradient passes where x is a number and is 0 at the NaNs. */
function nanAsZero(x: Tensor): Tensor {
  return unaryOp(x, Unary.nanTo, 0, 'nanAsZero');
}

/** The sum of the elements that are not NaN, of all or along `dim` (torch.nansum); the gradient is 0 at the NaNs. */
export function nansum(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  checkTensor(x, 'nansum');
  return composedOf((own) => sum(own(nanAsZero(x)), dim, keepDim), [x]);
}

/** The mean of the elements that are not NaN, of all or along `dim` (torch.nanmean; NaN where all are). */
export function nanmean(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  checkTensor(x, 'nanmean');
  return composedOf((own) => {
    const count = own(noGrad(() => sum(own(eq(x, x)), dim, keepDim)));
    return div(own(sum(own(nanAsZero(x)), dim, keepDim)), count);
  }, [x]);
}

/** [variance, mean] of all elements or along `dim`, with var's options (torch.var_mean). */
export function varMean(x: Tensor, dim?: Dims, options?: VarianceOptions): [Tensor, Tensor] {
  const v = varianceAs('varMean', x, dim, options, false);
  return [v, mean(x, dim, options?.keepDim ?? false)];
}

/** [standard deviation, mean] of all elements or along `dim`, with std's options (torch.std_mean). */
export function stdMean(x: Tensor, dim?: Dims, options?: VarianceOptions): [Tensor, Tensor] {
  const s = varianceAs('stdMean', x, dim, options, true);
  return [s, mean(x, dim, options?.keepDim ?? false)];
}

/** Options of aminmax. */
export interface AminmaxOptions {
  /** The dim reduced (default: all elements). */
  dim?: number;
  /** Keep the reduced dim(s) as size 1 (default false). */
  keepDim?: boolean;
}

/** The smallest and the largest elements, of all or along `dim`, as amin and amax with their gradients (torch.aminmax; torch 1.13 has none). */
export function aminmax(x: Tensor, options?: AminmaxOptions): { min: Tensor; max: Tensor } {
  checkTensor(x, 'aminmax');
  const o = optionsOf(options, 'aminmax', { dim: 'value', keepDim: 'boolean' } satisfies OptionKinds<AminmaxOptions>);
  if (o.dim !== undefined && typeof o.dim !== 'number') throw new Error(`aminmax: dim must be a number, got ${shown(o.dim)}`);
  // torch's aminmax keeps every dim (as size 1) when keepDim reduces all of them.
  const keepAll = o.dim === undefined && (o.keepDim ?? false);
  const ends = (f: typeof amax) => (keepAll ? composedOf((own) => reshape(own(f(x)), x.shape.map(() => 1)), [x]) : f(x, o.dim, o.keepDim ?? false));
  return { min: ends(amin), max: ends(amax) };
}

/** x sorted along dim 0 (torch.msort). */
export function msort(x: Tensor): Tensor {
  checkTensor(x, 'msort');
  const { values, indices } = sort(x, 0);
  indices.dispose();
  return values;
}

/** How quantile finds a value between two elements. */
export type QuantileInterpolation = 'linear' | 'lower' | 'higher' | 'nearest' | 'midpoint';

/** Options of quantile and nanquantile. */
export interface QuantileOptions {
  /** Keep the reduced dim (all dims, without `dim`) as size 1 (default false). */
  keepDim?: boolean;
  /** Between two elements: 'linear' (default), 'lower', 'higher', 'nearest' (halves to even) or 'midpoint'. */
  interpolation?: QuantileInterpolation;
}

const INTERPOLATIONS: readonly QuantileInterpolation[] = ['linear', 'lower', 'higher', 'nearest', 'midpoint'];

/** Rounds half to even, as torch's round. */
const roundHalfEven = (v: number): number => {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

function quantileOf(x: Tensor, q: number | readonly number[] | Tensor, dim: number | undefined, options: QuantileOptions | undefined, skipNaN: boolean, what: string): Tensor {
  checkTensor(x, what);
  const o = optionsOf(options, what, { keepDim: 'boolean', interpolation: 'value' } satisfies OptionKinds<QuantileOptions>);
  const interpolation = o.interpolation ?? 'linear';
  if (!INTERPOLATIONS.includes(interpolation)) throw new Error(`${what}: interpolation must be one of ${INTERPOLATIONS.map((m) => `'${m}'`).join(', ')}, got ${shown(o.interpolation)}`);
  if (q instanceof Tensor && q.ndim > 1) throw new Error(`${what}: q must be a number or a 0-D or 1-D tensor, got shape ${fmt(q.shape)}`);
  const qs = typeof q === 'number' ? [q] : q instanceof Tensor ? Array.from(q.data) : Array.isArray(q) ? q : null;
  if (qs === null || !qs.every((v) => typeof v === 'number' && v >= 0 && v <= 1)) throw new Error(`${what}: q must be in [0, 1] (a number, an array or a tensor), got ${shown(q)}`);
  const scalarQ = typeof q === 'number' || (q instanceof Tensor && q.ndim === 0);
  if (x.size === 0) throw new Error(`${what}: the input must not be empty, got shape ${fmt(x.shape)}`);
  const keepDim = o.keepDim ?? false;
  const d = dim === undefined ? -1 : normDim(dim, x.ndim, what);
  return composedOf((own) => {
    // The slices as rows [..., n], sorted (NaNs last): values gathered, so gradients go back.
    const rows = d < 0 ? own(reshape(x, [x.size])) : x.ndim === 0 ? own(reshape(x, [1])) : own(movedim(x, d, -1));
    const order = sort(rows, -1);
    own(order.indices);
    const sorted = own(order.values);
    const n = sorted.shape[sorted.ndim - 1], count = sorted.size / n;
    const nq = qs.length;
    const below = new Float32Array(count * nq), above = new Float32Array(count * nq), weight = new Float32Array(count * nq);
    for (let r = 0; r < count; r++) {
      let nans = 0;
      for (let i = 0; i < n; i++) if (Number.isNaN(sorted.data[r * n + i])) nans++;
      for (let k = 0; k < nq; k++) {
        // torch's float32 ranks: q (float32) times the last index, the NaNs' slice at its last (NaN) element.
        let rank = skipNaN ? Math.max(0, Math.fround(Math.fround(qs[k]) * (n - nans - 1))) : nans > 0 ? n - 1 : Math.fround(Math.fround(qs[k]) * (n - 1));
        if (interpolation === 'lower') rank = Math.floor(rank);
        else if (interpolation === 'higher') rank = Math.ceil(rank);
        else if (interpolation === 'nearest') rank = roundHalfEven(rank);
        const at = r * nq + k;
        below[at] = Math.floor(rank);
        above[at] = Math.ceil(rank);
        weight[at] = interpolation === 'midpoint' ? 0.5 : Math.fround(rank - Math.floor(rank));
      }
    }
    const shape = [...sorted.shape.slice(0, -1), nq];
    const lo = own(gather(sorted, -1, own(new Tensor(below, shape))));
    const between = interpolation === 'linear' || interpolation === 'midpoint';
    const values = between ? own(lerp(lo, own(gather(sorted, -1, own(new Tensor(above, shape)))), own(new Tensor(weight, shape)))) : lo;
    // [..., nq] -> [nq, ...], the q dim dropped for a single q, the reduced dim(s) kept as 1 when asked.
    let y = own(movedim(values, -1, 0));
    if (keepDim) y = own(reshape(y, [nq, ...x.shape.map((s, i) => (d < 0 || i === d ? 1 : s))]));
    return scalarQ ? squeeze(y, 0) : y;
  }, [x]);
}

/**
 * The q-th quantiles of all elements or along `dim` (torch.quantile): q a number in [0, 1] or a list
 * of them (a leading output dim), between the two nearest elements as `interpolation` says; NaN
 * where a slice holds a NaN. The gradient goes to the elements the value came from.
 */
export function quantile(x: Tensor, q: number | readonly number[] | Tensor, dim?: number, options?: QuantileOptions): Tensor {
  return quantileOf(x, q, dim, options, false, 'quantile');
}

/** quantile over the elements that are not NaN (torch.nanquantile; NaN where all are). */
export function nanquantile(x: Tensor, q: number | readonly number[] | Tensor, dim?: number, options?: QuantileOptions): Tensor {
  return quantileOf(x, q, dim, options, true, 'nanquantile');
}

/**
 * Running extremes along `dim`: each position's value and where it was reached (the latest of equal
 * values; from a NaN on, NaN at the latest NaN), gathered from there.
 */
function runningPick(x: Tensor, dim: number, largest: boolean, what: string): SortResult {
  checkTensor(x, what);
  const d = normDim(dim, x.ndim, what);
  const [outer, len, inner] = splitAt(x.shape, d);
  const at = new Float32Array(x.size);
  B().runningPicks(x.data, outer, len, inner, largest, at);
  const indices = new Tensor(at, [...x.shape]);
  return { values: gather(x, d, indices), indices };
}

/** The running maximum along `dim` and where each was reached (torch.cummax). */
export function cummax(x: Tensor, dim: number): SortResult {
  return runningPick(x, dim, true, 'cummax');
}

/** The running minimum along `dim` and where each was reached (torch.cummin). */
export function cummin(x: Tensor, dim: number): SortResult {
  return runningPick(x, dim, false, 'cummin');
}

/**
 * log(cumsum(exp(x))) along `dim`, computed as a running log-sum-exp in double (torch.logcumsumexp):
 * no overflow for large x, no -Infinity where early terms are far below later ones.
 */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  checkTensor(x, 'logcumsumexp');
  const d = normDim(dim, x.ndim, 'logcumsumexp');
  const [outer, len, inner] = splitAt(x.shape, d);
  const y = allocOutput(x.size);
  const slices = (f: (base: number) => void) => {
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) f(o * len * inner + i);
  };
  const xs = x.data;
  B().runningFold(RunningFold.logAddExp, xs, outer, len, inner, y, false);
  // torch's backward: gx[j] = sum over i >= j of gy[i] exp(x[j] - y[i]), the positive and negative
  // parts of gy summed apart as log-sum-exps from the end, so that nothing overflows.
  const out = record(y, [...x.shape], [x], 'logcumsumexp', (gy) => {
    const gx = allocOutput(x.size);
    slices((base) => {
      let pos = -Infinity, neg = -Infinity;
      for (let k = len - 1; k >= 0; k--) {
        const at = base + k * inner, g = gy[at];
        if (g > 0) pos = logAddExp(pos, Math.log(g) - y[at]);
        else if (g < 0) neg = logAddExp(neg, Math.log(-g) - y[at]);
        gx[at] = Math.exp(xs[at] + pos) - Math.exp(xs[at] + neg);
      }
    });
    return [gx];
  });
  // createGraph: log(cumsum(exp(x - m))) + m recorded, m the slices' maximum (a constant: the sum's
  // value does not depend on it), then walked.
  if (out.node) {
    out.node.graphBackward = recomposedRule([x], () => {
      const m = noGrad(() => amax(x, d, true));
      return add(log(cumsum(exp(sub(x, m)), d)), m);
    });
  }
  return out;
}

/** Options of cov. */
export interface CovOptions {
  /** Subtracted from the observations' count (or weight) in the divisor (default 1, Bessel's). */
  correction?: number;
  /** How many times each observation counts: a 1-D tensor of non-negative integers, one per observation. */
  fweights?: Tensor;
  /** Each observation's weight: a 1-D tensor of non-negative numbers, one per observation. */
  aweights?: Tensor;
}

function checkWeights(w: unknown, n: number, integers: boolean, name: string): Tensor | undefined {
  if (w === undefined) return undefined;
  if (!(w instanceof Tensor) || w.ndim > 1 || w.size !== n) {
    throw new Error(`cov: ${name} must be a 1-D tensor of one weight per observation (${n}), got ${w instanceof Tensor ? `shape ${fmt(w.shape)}` : shown(w)}`);
  }
  // A plain loop (TypedArray's findIndex calls its callback at ~10 ns an element).
  const wd = w.data;
  let bad = -1;
  for (let e = 0; e < wd.length && bad < 0; e++) if (!(wd[e] >= 0) || (integers && !Number.isInteger(wd[e]))) bad = e;
  if (bad >= 0) throw new Error(`cov: ${name} must hold non-negative ${integers ? 'integers' : 'numbers'}, got ${w.data[bad]} at ${bad}`);
  return w;
}

/**
 * The covariance matrix of the variables in x's rows, observed in its columns (torch.cov): a 1-D x is
 * one variable, whose covariance is 0-d (as is a single row's), with torch's weights and correction.
 */
export function cov(x: Tensor, options?: CovOptions): Tensor {
  checkTensor(x, 'cov');
  if (x.ndim > 2) throw new Error(`cov: expects a 1-D or 2-D tensor (variables by observations), got shape ${fmt(x.shape)}`);
  const o = optionsOf(options, 'cov', { correction: 'value', fweights: 'value', aweights: 'value' } satisfies OptionKinds<CovOptions>);
  const correction = o.correction ?? 1;
  if (!Number.isSafeInteger(correction)) throw new Error(`cov: correction must be an integer, got ${shown(correction)}`);
  const n = x.ndim < 2 ? x.size : x.shape[1];
  const fw = checkWeights(o.fweights, n, true, 'fweights'), aw = checkWeights(o.aweights, n, false, 'aweights');
  return composedOf((own) => {
    const rows = x.ndim < 2 ? own(reshape(x, [1, n])) : x;
    const w = fw && aw ? own(noGrad(() => mul(fw, aw))) : (fw ?? aw);
    // torch's divisor: the weight sum less the correction (times sum(w aw) / sum(w) with aweights), at least 0.
    const wSum = w ? own(sum(w)).item() : n;
    const awTerm = w && aw ? own(noGrad(() => sum(own(mul(w, aw))))).item() / wSum : 1;
    const divisor = Math.max(0, correction === 0 ? wSum : wSum - correction * awTerm);
    const weighted = (t: Tensor) => (w ? own(mul(t, w)) : t);
    const avg = own(div(own(sum(weighted(rows), 1, true)), wSum));
    const centered = own(sub(rows, avg));
    const c = own(div(own(matmul(centered, own(transpose(weighted(centered), 0, 1)))), divisor));
    return c.shape[0] === 1 ? reshape(c, []) : c;
  }, [x]);
}

/** The Pearson correlation coefficients of the variables in x's rows (torch.corrcoef), clamped to [-1, 1]. */
export function corrcoef(x: Tensor): Tensor {
  checkTensor(x, 'corrcoef');
  return composedOf((own) => {
    const c = own(cov(x));
    if (c.ndim === 0) return div(c, c);
    const sd = own(sqrt(own(diagonal(c))));
    const scaled = own(div(own(div(c, own(unsqueeze(sd, 1)))), own(unsqueeze(sd, 0))));
    return clamp(scaled, -1, 1);
  }, [x]);
}

/** True when both have one shape and equal elements (torch.equal; NaN equals nothing). */
export function equal(a: Tensor, b: Tensor): boolean {
  checkTensor(a, 'equal');
  checkTensor(b, 'equal');
  if (!sameShape(a.shape, b.shape)) return false;
  for (let i = 0; i < a.size; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}
