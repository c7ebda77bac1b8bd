// torch's scatter_reduce and index_reduce: src's elements folded into a copy of x at the places an
// index names (sum, prod, mean, amax, amin), with or without x's own value in the fold. The fold runs
// in index order in the storage's precision, as torch's CPU loop does, so the values are its bits;
// the gradients are torch's formulas (FunctionsManual's scatter_reduce_backward): a product's
// gradient divides by the factor unless it is zero, a mean's by the count, and an extreme's is shared
// evenly by every element equal to it.
import { Tensor } from '../tensor';
import { B } from '../backend/registry';
import { ScatterFold, ScatterFoldCode } from '../backend/backend';
import { normDim, splitAt } from '../shape';
import { allocOutput, roundingOf } from '../storage';
import { shown } from '../args';
import { checkTensor, record } from './core';
import { indexList } from './index_ops';
import { releasePositions, scatterPositions } from './scatter';
import { div, mul } from './binary';
import { pickAt } from './offsets';
import { maskedFill, where as choose } from './more';

/** How scatterReduce folds the elements that land on one place. */
export type ScatterReduction = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';
/** How indexReduce folds the slices that land on one slice (torch.index_reduce has no 'sum': that is indexAdd). */
export type IndexReduction = 'prod' | 'mean' | 'amax' | 'amin';

/** Options of scatterReduce and indexReduce. */
export interface ScatterReduceOptions {
  /** Whether x's own value at a place takes part in the fold (default true, as torch's include_self). */
  includeSelf?: boolean;
}

// Each fold's starting value where x's own is left out.
const IDENTITY: Record<ScatterReduction, number> = { sum: 0, mean: 0, prod: 1, amax: -Infinity, amin: Infinity };
// The kernel's fold of each (a mean sums, then divides).
const FOLD: Record<ScatterReduction, ScatterFoldCode> = { sum: ScatterFold.sum, mean: ScatterFold.sum, prod: ScatterFold.prod, amax: ScatterFold.amax, amin: ScatterFold.amin };

/** x with src[e] folded in at where[e], e in order (the scatterFold kernel); also how many values each place's mean divides by. */
function fold(x: Float32Array, where: Int32Array, src: Float32Array, reduce: ScatterReduction, includeSelf: boolean): { y: Float32Array; count: Float32Array | null } {
  const y = allocOutput(x.length);
  y.set(x);
  if (!includeSelf) {
    const identity = IDENTITY[reduce];
    for (let e = 0; e < where.length; e++) y[where[e]] = identity;
  }
  // A NaN stays once it is in, as torch's max and min keep it (an extreme is NaN if any input is).
  // Each partial result is rounded to the storage's precision, as torch's loop stores it.
  B().scatterFold(src, where, FOLD[reduce], y);
  if (reduce !== 'mean') return { y, count: null };
  const count = allocOutput(x.length).fill(includeSelf ? 1 : 0);
  for (let e = 0; e < where.length; e++) count[where[e]] += 1;
  for (let i = 0; i < count.length; i++) {
    if (count[i] === 0) count[i] = 1;
    y[i] = y[i] / count[i];
  }
  return { y, count };
}

/** A copy of a with the elements where `zero` says so replaced by 1. */
const ones = (a: ArrayLike<number>, zero: (i: number) => boolean): Float32Array => {
  const out = allocOutput(a.length);
  for (let i = 0; i < a.length; i++) out[i] = zero(i) ? 1 : a[i];
  return out;
};

/** How many elements equal each place's extreme: an extreme's gradient is shared by them all, x's own counted even when left out. */
function tiesOf(xd: Float32Array, where: Int32Array, sd: Float32Array, y: Float32Array): Float32Array {
  const ties = allocOutput(xd.length);
  for (let i = 0; i < ties.length; i++) ties[i] = xd[i] === y[i] ? 1 : 0;
  for (let e = 0; e < where.length; e++) if (sd[e] === y[where[e]]) ties[where[e]] += 1;
  return ties;
}

/** The gradients of x and src (torch's formulas), either null where it is not wanted. */
function foldGrads(gy: Float32Array, x: Tensor, where: Int32Array, src: Tensor, reduce: ScatterReduction, includeSelf: boolean,
  y: Float32Array, count: Float32Array | null): [Float32Array | null, Float32Array | null] {
  const n = where.length;
  const gx = allocOutput(x.size);
  const gs = allocOutput(n);
  const xd = x.data, sd = src.data;
  // Each product rounded to the storage's precision before its division, as torch's two ops do.
  const r = roundingOf(gx);
  if (reduce === 'sum') {
    gx.set(gy);
    for (let e = 0; e < n; e++) gs[e] = gy[where[e]];
  } else if (reduce === 'mean') {
    const c = count as Float32Array;
    for (let i = 0; i < gx.length; i++) gx[i] = gy[i] / c[i];
    for (let e = 0; e < n; e++) gs[e] = gy[where[e]] / c[where[e]];
  } else if (reduce === 'prod') {
    // x's: the product with x's own zero taken as 1, over x. src's: over src where src is the only
    // zero at its place, else the product over src with src's zeros taken as 1 (the product itself
    // then is zero when a place has two zeros, and so is the gradient).
    const xOnes = ones(xd, (i) => xd[i] === 0);
    const withoutX = fold(xOnes, where, sd, reduce, includeSelf).y;
    for (let i = 0; i < gx.length; i++) gx[i] = r(gy[i] * withoutX[i]) / xOnes[i];
    const zeros = allocOutput(x.size).fill(0);
    for (let e = 0; e < n; e++) if (sd[e] === 0) zeros[where[e]] += 1;
    const single = (e: number) => sd[e] === 0 && zeros[where[e]] === 1;
    const withoutSrc = fold(xd, where, ones(sd, single), reduce, includeSelf).y;
    const srcOnes = ones(sd, (e) => sd[e] === 0);
    for (let e = 0; e < n; e++) {
      const w = where[e];
      const scaled = r(gy[w] * (single(e) ? withoutSrc[w] : y[w]));
      gs[e] = single(e) ? scaled : scaled / srcOnes[e];
    }
  } else {
    const ties = tiesOf(xd, where, sd, y);
    const shared = allocOutput(x.size);
    for (let i = 0; i < shared.length; i++) {
      shared[i] = gy[i] / ties[i];
      gx[i] = (xd[i] === y[i] ? 1 : 0) * shared[i];
    }
    for (let e = 0; e < n; e++) gs[e] = (sd[e] === y[where[e]] ? 1 : 0) * shared[where[e]];
  }
  if (!includeSelf) for (let e = 0; e < n; e++) gx[where[e]] = 0;
  return [x.requiresGrad ? gx : null, src.requiresGrad ? gs : null];
}

function checkReduce<R extends string>(reduce: unknown, allowed: readonly R[], what: string, hint = ''): R {
  if (!allowed.includes(reduce as R)) throw new Error(`${what}: reduce must be ${allowed.map((r) => `'${r}'`).join(', ')}${hint}, got ${shown(reduce)}`);
  return reduce as R;
}

function includeSelfOf(options: ScatterReduceOptions | undefined, what: string): boolean {
  const v = options?.includeSelf ?? true;
  if (typeof v !== 'boolean') throw new Error(`${what}: includeSelf must be a boolean, got ${shown(v)}`);
  return v;
}

/** The fold of src into x at `where`, recorded with its gradients. */
function folded(x: Tensor, where: Int32Array, src: Tensor, reduce: ScatterReduction, includeSelf: boolean, op: string): Tensor {
  const { y, count } = fold(x.data, where, src.data, reduce, includeSelf);
  const out = record(y, [...x.shape], [x, src], op, (gy) => foldGrads(gy, x, where, src, reduce, includeSelf, y, count));
  if (out.node) {
    const at = where.slice();
    out.node.graphBackward = (gy) => (reduce === 'prod' ? prodGraphGrads(gy, x, at, src, includeSelf, op) : foldGraphGrads(gy, x, at, src, reduce, includeSelf, y, count));
  }
  return out;
}

/** A constant 0/1 tensor of t's shape: 1 where `on` says so. */
function maskOf(t: Tensor, on: (i: number) => boolean): Tensor {
  const m = allocOutput(t.size);
  for (let i = 0; i < m.length; i++) m[i] = on(i) ? 1 : 0;
  return new Tensor(m, [...t.shape]);
}

/**
 * The product's gradients as torch's rule writes them, in recorded ops (the folds among them, so that
 * they can be differentiated again): x's is gy times the fold over x with its zeros taken as 1, over
 * those x; src's is gy times the fold with src taken as 1 where it is its place's only zero, else gy
 * times the product over src with its zeros taken as 1.
 */
function prodGraphGrads(gy: Tensor, x: Tensor, at: Int32Array, src: Tensor, includeSelf: boolean, op: string): (Tensor | null)[] {
  const xd = x.data, sd = src.data;
  let gx: Tensor | null = null, gs: Tensor | null = null;
  if (x.requiresGrad) {
    const xOnes = maskedFill(x, maskOf(x, (i) => xd[i] === 0), 1);
    gx = div(mul(gy, folded(xOnes, at, src, 'prod', includeSelf, op)), xOnes);
    if (!includeSelf) {
      const folds = new Set(at);
      gx = mul(gx, maskOf(x, (i) => !folds.has(i)));
    }
  }
  if (src.requiresGrad) {
    const zeros = new Float32Array(x.size);
    for (let e = 0; e < at.length; e++) if (sd[e] === 0) zeros[at[e]] += 1;
    const single = maskOf(src, (e) => sd[e] === 0 && zeros[at[e]] === 1);
    const without = folded(x, at, maskedFill(src, single, 1), 'prod', includeSelf, op);
    const result = folded(x, at, src, 'prod', includeSelf, op);
    gs = choose(single, pickAt(mul(gy, without), at, src.shape),
      div(pickAt(mul(gy, result), at, src.shape), maskedFill(src, maskOf(src, (e) => sd[e] === 0), 1)));
  }
  return [gx, gs];
}

/**
 * foldGrads in recorded ops for createGraph, but for 'prod' (prodGraphGrads): gy divided by the
 * mean's counts or shared among an extreme's ties, times 0/1 masks of the places that took part,
 * src's picked at `where`. The counts, ties and masks are constants, as in torch's rule.
 */
function foldGraphGrads(gy: Tensor, x: Tensor, where: Int32Array, src: Tensor, reduce: ScatterReduction, includeSelf: boolean,
  y: Float32Array, count: Float32Array | null): (Tensor | null)[] {
  const xd = x.data, sd = src.data;
  const constant = (a: Float32Array, shape: readonly number[]) => new Tensor(a, [...shape]);
  let shared = gy;
  const xPass = allocOutput(x.size).fill(1), srcPass = allocOutput(src.size).fill(1);
  if (reduce === 'mean') shared = div(gy, constant(count as Float32Array, x.shape));
  if (reduce === 'amax' || reduce === 'amin') {
    shared = div(gy, constant(tiesOf(xd, where, sd, y), x.shape));
    for (let i = 0; i < xPass.length; i++) xPass[i] = xd[i] === y[i] ? 1 : 0;
    for (let e = 0; e < where.length; e++) srcPass[e] = sd[e] === y[where[e]] ? 1 : 0;
  }
  if (!includeSelf) for (let e = 0; e < where.length; e++) xPass[where[e]] = 0;
  return [x.requiresGrad ? mul(shared, constant(xPass, x.shape)) : null,
    src.requiresGrad ? mul(pickAt(shared, where, src.shape), constant(srcPass, src.shape)) : null];
}

/**
 * A copy of x with src's elements folded in at the places index names along dim (torch.scatter_reduce):
 * out[..., index[e], ...] = reduce(out[..., index[e], ...], src[e]) in index order, starting from x's
 * own value (includeSelf, the default) or from the fold's identity. 'mean' divides by how many values
 * were folded; 'amax' and 'amin' keep a NaN. index has x's number of dimensions and is no larger than
 * x outside dim; src has index's shape. Gradients for x and src as torch's (an extreme's shared evenly
 * among the elements equal to it).
 */
export function scatterReduce(x: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduction, options?: ScatterReduceOptions): Tensor {
  const what = 'scatterReduce';
  checkTensor(src, `${what} src`);
  const r = checkReduce(reduce, ['sum', 'prod', 'mean', 'amax', 'amin'] as const, what);
  const includeSelf = includeSelfOf(options, what);
  const where = scatterPositions(x, dim, index, src, what);
  const y = folded(x, where, src, r, includeSelf, what);
  if (!y.node) releasePositions(where);
  return y;
}

/**
 * A copy of x with source's slices along dim folded into the slices index names (torch.index_reduce):
 * out.select(dim, index[k]) = reduce(out.select(dim, index[k]), source.select(dim, k)) in k's order,
 * starting from x's own slice (includeSelf) or from the fold's identity. index is 1-D (or an array);
 * source has x's shape but index.length slices along dim. Gradients as scatterReduce's.
 */
export function indexReduce(x: Tensor, dim: number, index: Tensor | readonly number[], source: Tensor, reduce: IndexReduction, options?: ScatterReduceOptions): Tensor {
  const what = 'indexReduce';
  checkTensor(x, what);
  checkTensor(source, `${what} source`);
  const r = checkReduce(reduce, ['prod', 'mean', 'amax', 'amin'] as const, what, " (for sums, indexAdd)");
  const includeSelf = includeSelfOf(options, what);
  if (x.ndim === 0) throw new Error(`${what}: cannot index a zero-dimensional tensor`);
  const d = normDim(dim, x.ndim, what);
  if (index instanceof Tensor && index.ndim > 1) throw new Error(`${what}: index must be 1-D, got shape [${index.shape.join(', ')}]`);
  const idx = indexList(index, x.shape[d], what);
  const want = x.shape.map((s, k) => (k === d ? idx.length : s));
  if (source.ndim !== x.ndim || source.shape.some((s, k) => s !== want[k])) {
    throw new Error(`${what}: source of shape [${source.shape.join(', ')}] must be [${want.join(', ')}] (the input [${x.shape.join(', ')}] with ${idx.length} slices, one per index, along dim ${d})`);
  }
  // source's elements in their own order, each landing where its slice's index sends it.
  const [outer, len, inner] = splitAt(x.shape, d);
  const where = new Int32Array(source.size);
  let e = 0;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < idx.length; k++) for (let i = 0; i < inner; i++) where[e++] = (o * len + idx[k]) * inner + i;
  }
  return folded(x, where, source, r, includeSelf, what);
}
