// Ops a PyTorch user reaches for beyond DESIGN.md's list: clone, the comparisons (0/1
// masks, no gradient), where, var/std, logsumexp and softplus. Composed of the native ops where
// one fits.
import { Binary, BinaryCode, Unary } from '../backend/backend';
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { broadcastShapes, normDim, sizeOf, splitAt } from '../shape';
import { checkKeepDim, OptionKinds, optionsOf, shown } from '../args';
import { allocOutput } from '../storage';
import { add, div, mul, sub } from './binary';
import { recycleArray } from '../reuse';
import { asTensor, broadcastBinary, checkTensor, copyInto, disposeAll, expandTo, letGoAfterBackward, letGoAfterRead, Operand, record, recordKeeping, sumOwnTo } from './core';
import { Dims, max, mean, reducedShape, reduceOverDims, sum, sumBackTo, sumOrMean } from './reduce';
import { exp, log, unaryOp } from './unary';
import { reshape } from './shape';
import { nonzero } from './mask_select';
import { select } from './index_ops';
import { isGradEnabled, noGrad } from '../autograd';

/** A copy of x with its own storage; gradients flow through it (torch.clone). */
export function clone(x: Tensor): Tensor {
  checkTensor(x, 'clone');
  const y = allocOutput(x.size);
  copyInto(x.data, y);
  const out = record(y, x.shape, [x], 'clone', (gy) => [gy]);
  if (out.node) out.node.graphBackward = (gy) => [gy];
  return out;
}

function compare(name: string, code: BinaryCode, a: Operand, b: Operand): Tensor {
  const ta = asTensor(a, name);
  const tb = asTensor(b, name);
  const shape = broadcastShapes(ta.shape, tb.shape, name);
  return new Tensor(broadcastBinary(code, ta.data, ta.shape, tb.data, tb.shape, shape), shape);
}

/** 1 where a > b, else 0 (broadcast; NaN compares false; no gradient), as torch.gt as floats. */
export const gt = (a: Operand, b: Operand): Tensor => compare('gt', Binary.gtMask, a, b);
/** 1 where a >= b, else 0. */
export const ge = (a: Operand, b: Operand): Tensor => compare('ge', Binary.geMask, a, b);
/** 1 where a < b, else 0. */
export const lt = (a: Operand, b: Operand): Tensor => compare('lt', Binary.ltMask, a, b);
/** 1 where a <= b, else 0. */
export const le = (a: Operand, b: Operand): Tensor => compare('le', Binary.leMask, a, b);
/** 1 where a == b, else 0 (NaN equals nothing). */
export const eq = (a: Operand, b: Operand): Tensor => compare('eq', Binary.eqMask, a, b);
/** 1 where a != b, else 0 (NaN differs from everything). */
export const ne = (a: Operand, b: Operand): Tensor => compare('ne', Binary.neMask, a, b);

/** The positions of cond's nonzero elements, one 1-D tensor of indices per dim (torch.where(condition): nonzero's columns). */
export function where(cond: Tensor): Tensor[];
/** a where cond is nonzero, else b (all three broadcast), as torch.where; gradients go to the side chosen. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor;
export function where(cond: Tensor, a?: Operand, b?: Operand): Tensor | Tensor[] {
  checkTensor(cond, 'where');
  if (a === undefined && b === undefined) {
    const at = nonzero(cond.ndim === 0 ? reshape(cond, [1]) : cond);
    return Array.from({ length: at.shape[1] }, (_, d) => select(at, 1, d)); // unbind's columns (shape_more.ts would import this file back)
  }
  if (a === undefined || b === undefined) throw new Error(`where: give both a and b (the values where cond holds and where it does not), or neither (cond's nonzero positions), got ${a === undefined ? 'b' : 'a'} alone`);
  const ta = asTensor(a, 'where');
  const tb = asTensor(b, 'where');
  const shape = broadcastShapes(broadcastShapes(cond.shape, ta.shape, 'where'), tb.shape, 'where');
  const y = allocOutput(sizeOf(shape));
  const operands = [cond, ta, tb].map((t) => t.data);
  const expanded = [cond, ta, tb].map((t) => expandTo(t.data, t.shape, shape));
  B().select(expanded[0], expanded[1], expanded[2], y);
  expanded.forEach((e, i) => { if (e !== operands[i]) recycleArray(e); });
  // A mask the caller made for this op alone can go back to the pool once the backward has read it
  // (letGoAfterRead).
  const out = recordKeeping(y, shape, [ta, tb], [cond], 'where', (gy) => [
    ta.requiresGrad ? sumOwnTo(broadcastBinary(Binary.keepWhere, gy, shape, cond.data, cond.shape, shape), shape, ta.shape) : null,
    tb.requiresGrad ? sumOwnTo(broadcastBinary(Binary.dropWhere, gy, shape, cond.data, cond.shape, shape), shape, tb.shape) : null,
  ]);
  if (out.node) {
    out.node.graphBackward = (gy) => [
      ta.requiresGrad ? sumBackTo(where(cond, gy, 0), ta.shape) : null,
      tb.requiresGrad ? sumBackTo(where(cond, 0, gy), tb.shape) : null,
    ];
  }
  return out;
}

/** Options of var and std. */
export interface VarianceOptions {
  /** Divide by n - 1 (Bessel's correction, the default) rather than n. */
  unbiased?: boolean;
  /**
   * The divisor is max(0, n - correction) (torch's `correction`: 1 is Bessel's, the default; 0 the
   * population variance). A non-negative number; not together with `unbiased`.
   */
  correction?: number;
  /** Keep the reduced dimension as size 1. */
  keepDim?: boolean;
}

const VARIANCE_OPTIONS: OptionKinds<VarianceOptions> = { unbiased: 'boolean', correction: 'value', keepDim: 'boolean' };

/** What var subtracts from the count in its divisor: `correction`, or 1 / 0 for `unbiased`. */
function correctionOf(o: VarianceOptions, what: string): number {
  if (o.correction === undefined) return (o.unbiased ?? true) ? 1 : 0;
  if (o.unbiased !== undefined) throw new Error(`${what}: give unbiased or correction, not both`);
  const c = o.correction;
  if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) throw new Error(`${what}: correction must be a non-negative number, got ${shown(c)}`);
  return c;
}

/** Variance of all elements or along `dim` (one dimension or a list of them; unbiased by default), as torch.var. */
export function variance(x: Tensor, dim?: Dims, options?: VarianceOptions): Tensor {
  return varianceAs('var', x, dim, options, false);
}

/**
 * Standard deviation: the square root of variance (same options), as torch.std, whose gradient is 0
 * (not 0 * Infinity) where the deviation is 0.
 */
export function std(x: Tensor, dim?: Dims, options?: VarianceOptions): Tensor {
  return varianceAs('std', x, dim, options, true);
}

// var, or std (takeSqrt): `what` names the caller in its errors. The value is the backend's
// variance kernel, in double and rounded once as torch's CPU kernel (std's square root taken in
// double: the std of 1e30s is finite, their variance past float's range). The gradient is torch's
// rule, (2 / divisor) * gy * (x - mean), with mean as torch's backward takes it (float32 mean()),
// and std's is var's times gy / (2 std), 0 where std is 0 (torch's masked_fill).
export function varianceAs(what: string, x: Tensor, dim: Dims | undefined, options: VarianceOptions | undefined, takeSqrt: boolean): Tensor {
  checkTensor(x, what);
  const o = optionsOf(options, what, VARIANCE_OPTIONS);
  const keepDim = o.keepDim ?? false;
  if (Array.isArray(dim)) return reduceOverDims(x, dim, keepDim, what, (t, d) => varianceAs(what, t, d, { ...o, keepDim: false }, takeSqrt));
  const d = dim === undefined ? -1 : normDim(dim as number, x.ndim, what); // -1: over all elements
  const [outer, n, inner] = d < 0 ? [1, x.size, 1] : splitAt(x.shape, d);
  const correction = correctionOf(o, what);
  // torch's max(0, n - correction): an empty dimension gives 0 / 0 = NaN, as torch does.
  const divisor = Math.max(0, n - correction);
  const shape = reducedShape(x.shape, d, keepDim);
  const kernel = (sqrt: boolean): Float32Array => {
    const out = allocOutput(outer * inner);
    B().variance(x.data, outer, n, inner, correction, sqrt, out);
    return out;
  };
  if (!(x.requiresGrad && isGradEnabled())) return new Tensor(kernel(takeSqrt), shape);
  const xd = x.detach();
  const mu = d < 0 ? mean(xd) : mean(xd, d, true);
  const dev = sub(xd, mu);
  const devData = dev.data;
  // The deviations' storage goes back to the pool once the backward has read them (disposed while
  // it was pending, it went to the collector).
  const v = recordKeeping(kernel(false), shape, [x], [dev], 'var', (gy) => {
    const g = allocOutput(gy.length);
    B().unary(Unary.scale, gy, g, 2 / divisor);
    const kept = reducedShape(x.shape, d, true);
    const gx = broadcastBinary(Binary.mul, g, kept, devData, x.shape, x.shape);
    recycleArray(g);
    return [gx];
  });
  if (v.node) {
    // (2 / divisor) gy (x - mean(x)), the mean recorded from x this time.
    const kept = reducedShape(x.shape, d, true);
    v.node.graphBackward = (gy) => [mul(mul(reshape(gy, kept), 2 / divisor), sub(x, d < 0 ? mean(x) : mean(x, d, true)))];
  }
  disposeAll(mu, xd);
  letGoAfterRead(v, dev);
  if (!takeSqrt) return v;
  const y = kernel(true);
  const sd = record(y, shape, [v], 'std', (gy) => {
    // sqrt's gy / (2 y), then 0 where y is 0.
    const gv = allocOutput(gy.length);
    B().unaryGrad(Unary.sqrt, v.data, y, gy, gv, 0);
    const g = broadcastBinary(Binary.keepWhere, gv, shape, y, shape, shape);
    recycleArray(gv);
    return [g];
  });
  if (sd.node) sd.node.graphBackward = (gy) => [where(eq(sd, 0), 0, div(gy, mul(sd, 2)))];
  letGoAfterBackward(v);
  return sd;
}

/** log(sum(exp(x))) along `dim`, computed stably (the largest value factored out), as torch.logsumexp. */
export function logsumexp(x: Tensor, dim: number, keepDim = false): Tensor {
  checkTensor(x, 'logsumexp');
  checkKeepDim(keepDim, 'logsumexp');
  const d = normDim(dim, x.ndim, 'logsumexp');
  if (x.shape[d] === 0) return emptyLogsumexp(x, d, keepDim);
  // Without a node: recorded and then detached, max's node awaited a backward for good, and while
  // any does, nothing made before it goes back to the pool (reuse.ts).
  const m = noGrad(() => max(x, d, true));
  // torch: an infinite maximum is factored out as 0 (all -inf gives -inf, a +inf gives +inf).
  for (let i = 0; i < m.data.length; i++) if (Math.abs(m.data[i]) === Infinity) m.data[i] = 0;
  const shifted = sub(x, m);
  const e = exp(shifted);
  const s = sum(e, d, true);
  const l = log(s);
  const y = add(l, m);
  const out = keepDim ? y : y.reshape(reducedShape(x.shape, d, false));
  // The steps: with a graph recorded, nodes whose backwards read their inputs' data (pooled once
  // they ran); m a constant of sub's and add's nodes, read by neither backward.
  letGoAfterBackward(shifted, e, s, l, ...(keepDim ? [] : [y]));
  m.dispose();
  return out;
}

/** logsumexp over an empty dimension: log 0 = -Infinity everywhere, as torch (max has no answer there). */
function emptyLogsumexp(x: Tensor, d: number, keepDim: boolean): Tensor {
  const shape = reducedShape(x.shape, d, keepDim);
  const y = allocOutput(sizeOf(shape));
  y.fill(-Infinity);
  return record(y, shape, [x], 'logsumexp', () => [allocOutput(0)]);
}

/** log(1 + e ** (beta x)) / beta, elementwise; x itself where beta x > threshold (torch.nn.functional.softplus). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkTensor(x, 'softplus');
  if (typeof beta !== 'number' || !(beta !== 0) || !Number.isFinite(beta)) throw new Error(`softplus: beta must be a non-zero finite number, got ${shown(beta)}`);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new Error(`softplus: threshold must be a number, got ${shown(threshold)}`);
  // beta 1 (the usual case) is one native kernel each way; the threshold a float, as torch takes it.
  if (beta === 1) return unaryOp(x, Unary.softplus, threshold, 'softplus');
  // Other betas: torch's formula with its roundings (z = x beta in float, then log(1 + e^z) / beta,
  // and x itself past the threshold) from native kernels, whose gradients compose to torch's
  // gy e^z / (e^z + 1). Four passes; the loop over elements this replaces took ~150 ms for 4M.
  const z = mul(x, beta);
  return where(gt(z, threshold), x, div(unaryOp(z, Unary.softplus, threshold, 'softplus'), beta));
}

/** x with `value` where mask is nonzero (torch.masked_fill: mask and x broadcast together); the gradient passes where it is 0. */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  checkTensor(x, 'maskedFill');
  checkTensor(mask, 'maskedFill');
  if (typeof value !== 'number') throw new Error(`maskedFill: value must be a number, got ${shown(value)}`);
  return where(mask, value, x);
}

// tril / triu: x with the elements on the wrong side of diagonal k of its last two dims zeroed.
function triangle(x: Tensor, k: number, lower: boolean, what: string): Tensor {
  checkTensor(x, what);
  if (x.ndim < 2) throw new Error(`${what}: expects a tensor with at least 2 dimensions, got shape [${x.shape.join(', ')}]`);
  if (!Number.isInteger(k)) throw new Error(`${what}: diagonal must be an integer, got ${shown(k)}`);
  const [rows, cols] = x.shape.slice(-2);
  // Each row's kept run copied into the output and the rest zeroed (a mask the size of a matrix, made
  // fresh, then where's select: 0.86 ms for [1024, 1024], torch 0.46). Short rows element by element:
  // a subarray a row costs more than the row.
  const keep = (src: Float32Array): Float32Array => {
    const out = allocOutput(src.length);
    const matrix = rows * cols;
    for (let at = 0; matrix > 0 && at < src.length; at += matrix) {
      for (let i = 0; i < rows; i++) {
        // Row i keeps columns j <= i + k (lower) or j >= i + k (upper): [from, to).
        const edge = Math.min(Math.max(i + k + (lower ? 1 : 0), 0), cols);
        const from = lower ? 0 : edge, to = lower ? edge : cols;
        const s = at + i * cols;
        if (cols < 64) {
          for (let j = 0; j < cols; j++) out[s + j] = j >= from && j < to ? src[s + j] : 0;
          continue;
        }
        out.fill(0, s, s + from);
        out.set(src.subarray(s + from, s + to), s + from);
        out.fill(0, s + to, s + cols);
      }
    }
    return out;
  };
  const out = record(keep(x.data), [...x.shape], [x], what, (gy) => [keep(gy)]);
  if (out.node) out.node.graphBackward = (gy) => [triangle(gy, k, lower, what)];
  return out;
}

/** The lower triangle of the last two dims: elements with column - row <= diagonal (default 0), the rest 0 (torch.tril). */
export const tril = (x: Tensor, diagonal = 0): Tensor => triangle(x, diagonal, true, 'tril');
/** The upper triangle: elements with column - row >= diagonal (default 0), the rest 0 (torch.triu). */
export const triu = (x: Tensor, diagonal = 0): Tensor => triangle(x, diagonal, false, 'triu');

/** 1 where every element (along `dim`) is nonzero, NaN counting as nonzero, else 0 (torch.all as floats; all of nothing is 1). */
export function all(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  checkTensor(x, 'all');
  return eq(sumOrMean(eq(x, 0), dim, keepDim, false, 'all'), 0);
}

/** 1 where some element (along `dim`) is nonzero, NaN counting as nonzero, else 0 (torch.any as floats; any of nothing is 0). */
export function any(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  checkTensor(x, 'any');
  return gt(sumOrMean(ne(x, 0), dim, keepDim, false, 'any'), 0);
}
