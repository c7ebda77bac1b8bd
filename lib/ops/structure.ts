// torch's diagonal, diag, diagEmbed, trace, meshgrid, repeatInterleave, kron and pairwiseDistance, made of the library's ops
// (their gradients are those ops'): a diagonal is an index select of the flattened tensor, a
// diagonal matrix an index add into zeros, repeatInterleave an index select along its dim.
import { Tensor } from '../tensor';
import { contiguousStrides, fmt, normDim, sizeOf } from '../shape';
import { optionsOf, shown } from '../args';
import { checkTensor, composedOf, letGoAfterBackward, Operand } from './core';
import { indexSelect } from './index_ops';
import { indexAdd } from './index_write';
import { sum } from './reduce';
import { expand, reshape } from './shape';
import { add, mul, sub } from './binary';
import { zeros } from './creation';
import { norm } from './cumulative';
import { tensorArray } from './join';

/** An integer argument, or an error naming it. */
export function checkInt(v: unknown, what: string, name: string): number {
  if (!Number.isSafeInteger(v)) throw new Error(`${what}: ${name} must be an integer, got ${shown(v)}`);
  return v as number;
}

/**
 * The diagonal of x over dims dim1 and dim2 (torch.diagonal): offset > 0 above the main diagonal, < 0
 * below; those two dims are removed and the diagonal becomes the last dim (empty past the corner).
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const { at, shape } = diagonalPositions(x, offset, dim1, dim2, 'diagonal');
  return composedOf((own) => reshape(own(indexSelect(own(reshape(x, [x.size])), 0, at)), shape), [x]);
}

/**
 * Where the elements of x's diagonal over dims dim1 and dim2 lie in x flattened, in the order
 * diagonal() gives them, and that result's shape (the other dims, then the diagonal).
 */
export function diagonalPositions(x: Tensor, offset: number, dim1: number, dim2: number, what: string): { at: Int32Array; shape: number[] } {
  checkTensor(x, what);
  checkInt(offset, what, 'offset');
  if (x.ndim < 2) throw new Error(`${what}: the input must have at least 2 dims, got shape ${fmt(x.shape)}`);
  const d1 = normDim(dim1, x.ndim, what), d2 = normDim(dim2, x.ndim, what);
  if (d1 === d2) throw new Error(`${what}: dim1 and dim2 must be different dims, got ${dim1} and ${dim2}`);
  const strides = contiguousStrides(x.shape);
  const len = Math.max(0, offset >= 0 ? Math.min(x.shape[d1], x.shape[d2] - offset) : Math.min(x.shape[d1] + offset, x.shape[d2]));
  const start = len === 0 ? 0 : offset >= 0 ? offset * strides[d2] : -offset * strides[d1];
  // The other dims in order, then the diagonal: each output element's offset in x, an odometer over them.
  const rest = x.shape.map((_, d) => d).filter((d) => d !== d1 && d !== d2);
  const shape = [...rest.map((d) => x.shape[d]), len];
  const steps = [...rest.map((d) => strides[d]), strides[d1] + strides[d2]];
  const at = new Int32Array(sizeOf(shape));
  for (let e = 0; e < at.length; e++) {
    let rem = e, off = start;
    for (let k = shape.length - 1; k >= 0; k--) {
      off += (rem % shape[k]) * steps[k];
      rem = Math.floor(rem / shape[k]);
    }
    at[e] = off;
  }
  return { at, shape };
}

/**
 * torch.diag: of a 1-D x, the square matrix with x on its `diagonal`-th diagonal (zeros elsewhere);
 * of a 2-D x, that diagonal as a 1-D tensor.
 */
export function diag(x: Tensor, diagonalIndex = 0): Tensor {
  checkTensor(x, 'diag');
  checkInt(diagonalIndex, 'diag', 'diagonal');
  if (x.ndim === 2) return diagonal(x, diagonalIndex, 0, 1);
  if (x.ndim !== 1) throw new Error(`diag: the input must be 1-D or 2-D, got shape ${fmt(x.shape)}`);
  return diagEmbed(x, diagonalIndex);
}

/**
 * A tensor of `shape` holding zeros but for x's elements (in order, flattened) at the flat
 * positions `at`: the gradient picks them back out.
 */
export function placedInZeros(x: Tensor, at: Int32Array | readonly number[], shape: readonly number[]): Tensor {
  return composedOf((own) => reshape(own(indexAdd(own(zeros([sizeOf(shape)])), 0, at, own(reshape(x, [x.size])))), shape), [x]);
}

/**
 * x's last dim put on a diagonal of a new pair of dims (torch.diag_embed): the output has one dim
 * more, its dims dim1 and dim2 (counted in the output) of size n + |offset|, the other dims x's
 * leading ones in order; offset > 0 above the main diagonal, < 0 below.
 */
export function diagEmbed(x: Tensor, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  checkTensor(x, 'diagEmbed');
  checkInt(offset, 'diagEmbed', 'offset');
  if (x.ndim === 0) throw new Error('diagEmbed: the input must have at least 1 dim, got a 0-d tensor');
  const nd = x.ndim + 1;
  const d1 = normDim(dim1, nd, 'diagEmbed'), d2 = normDim(dim2, nd, 'diagEmbed');
  if (d1 === d2) throw new Error(`diagEmbed: dim1 and dim2 must be different dims, got ${dim1} and ${dim2}`);
  const n = x.shape[x.ndim - 1], m = n + Math.abs(offset);
  const lead = x.shape.slice(0, -1);
  // The output's dims: x's leading ones where neither diagonal dim is.
  const shape: number[] = [];
  for (let d = 0, k = 0; d < nd; d++) shape.push(d === d1 || d === d2 ? m : lead[k++]);
  const strides = contiguousStrides(shape);
  const leadDims = shape.map((_, d) => d).filter((d) => d !== d1 && d !== d2);
  const step = strides[d1] + strides[d2];
  const start = offset >= 0 ? offset * strides[d2] : -offset * strides[d1];
  const at = new Int32Array(x.size);
  for (let e = 0; e < at.length; e++) {
    let rem = Math.floor(e / n), off = start + (e % n) * step;
    for (let k = lead.length - 1; k >= 0; k--) {
      off += (rem % lead[k]) * strides[leadDims[k]];
      rem = Math.floor(rem / lead[k]);
    }
    at[e] = off;
  }
  return placedInZeros(x, at, shape);
}

/** The sum of a 2-D x's main diagonal, a 0-d tensor (torch.trace). */
export function trace(x: Tensor): Tensor {
  checkTensor(x, 'trace');
  if (x.ndim !== 2) throw new Error(`trace: the input must be 2-D, got shape ${fmt(x.shape)}`);
  const d = diagonal(x);
  const y = sum(d);
  letGoAfterBackward(d);
  return y;
}

/** Options of meshgrid. */
export interface MeshgridOptions {
  /** 'ij' (default, torch's): output dim k follows tensor k; 'xy' (NumPy's): the first two swapped. */
  indexing?: 'ij' | 'xy';
}

/**
 * Coordinate grids of 1-D (or 0-d) tensors (torch.meshgrid): n tensors of sizes s1..sn give n tensors
 * of shape [s1, ..., sn] ('ij'), the k-th holding tensor k's values along dim k.
 */
export function meshgrid(tensors: readonly Tensor[], options?: MeshgridOptions): Tensor[] {
  const ts = tensorArray(tensors, 'meshgrid');
  const o = optionsOf(options, 'meshgrid', { indexing: 'value' });
  const indexing = o.indexing ?? 'ij';
  if (indexing !== 'ij' && indexing !== 'xy') throw new Error(`meshgrid: indexing must be 'ij' or 'xy', got ${shown(indexing)}`);
  ts.forEach((t, i) => {
    if (t.ndim > 1) throw new Error(`meshgrid: tensor ${i} must be 0-D or 1-D, got shape ${fmt(t.shape)}`);
  });
  // 'xy' is 'ij' with the first two tensors' dims exchanged.
  const dimOf = (i: number) => (indexing === 'xy' && ts.length >= 2 && i < 2 ? 1 - i : i);
  const shape = ts.map((_, d) => ts.findIndex((__, i) => dimOf(i) === d)).map((i) => ts[i].size);
  return ts.map((t, i) => {
    const view = reshape(t, shape.map((s, d) => (d === dimOf(i) ? s : 1)));
    const y = expand(view, shape);
    letGoAfterBackward(view);
    return y;
  });
}

/**
 * Each element repeated (torch.repeat_interleave): `repeats` times (a number), or repeats[i] times
 * for element i (an array or tensor of non-negative integers, as long as that dim), along `dim`, or
 * over the flattened x without one.
 */
export function repeatInterleave(x: Tensor, repeats: number | readonly number[] | Tensor, dim?: number): Tensor {
  checkTensor(x, 'repeatInterleave');
  if (dim === undefined) {
    const flat = reshape(x, [x.size]);
    const y = repeatInterleave(flat, repeats, 0);
    letGoAfterBackward(flat);
    return y;
  }
  const d = normDim(dim, x.ndim, 'repeatInterleave');
  const n = x.shape[d];
  const counts = typeof repeats === 'number' ? [repeats] : repeats instanceof Tensor ? Array.from(repeats.data) : repeats;
  if (!Array.isArray(counts) && !(repeats instanceof Tensor)) throw new Error(`repeatInterleave: repeats must be a number, an array or a Tensor, got ${shown(repeats)}`);
  if (counts.length !== 1 && counts.length !== n) {
    throw new Error(`repeatInterleave: repeats must hold one count or one per element of dim ${d} (${n}), got ${counts.length}`);
  }
  counts.forEach((c, i) => {
    if (!Number.isSafeInteger(c) || c < 0) throw new Error(`repeatInterleave: repeats must be non-negative integers, got ${shown(c)} at position ${i}`);
  });
  const index: number[] = [];
  for (let i = 0; i < n; i++) for (let r = counts.length === 1 ? counts[0] : counts[i]; r > 0; r--) index.push(i);
  return indexSelect(x, d, index);
}

/**
 * The Kronecker product (torch.kron): for a of shape [a1..an] and b of [b1..bn] (the shorter given
 * leading 1s), shape [a1 b1, ..., an bn], block (i1..in) being a[i1..in] * b.
 */
export function kron(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'kron');
  checkTensor(b, 'kron');
  const nd = Math.max(a.ndim, b.ndim);
  const pad = (s: readonly number[]) => [...Array<number>(nd - s.length).fill(1), ...s];
  const as = pad(a.shape), bs = pad(b.shape);
  // a's dims interleaved with 1s, b's with 1s the other way: their product is [a1, b1, a2, b2, ...].
  const av = reshape(a, as.flatMap((s) => [s, 1]));
  const bv = reshape(b, bs.flatMap((s) => [1, s]));
  const blocks = mul(av, bv);
  const y = reshape(blocks, as.map((s, i) => s * bs[i]));
  letGoAfterBackward(av, bv, blocks);
  return y;
}

/** p (1, 2 or Infinity, the norms the library computes) or an error naming `what`'s p. */
export function checkNormP(p: unknown, what: string): number {
  if (p !== 1 && p !== 2 && p !== Infinity) throw new Error(`${what}: p must be 1, 2 or Infinity, got ${shown(p)}`);
  return p;
}

/** Options of pairwiseDistance. */
export interface PairwiseDistanceOptions {
  /** The norm (1, 2 or Infinity; default 2). */
  p?: number;
  /** Added to every difference (default 1e-6), as torch's. */
  eps?: number;
  /** Keep the last dim, of size 1 (default false). */
  keepDim?: boolean;
}

/** torch.nn.functional.pairwise_distance: ||x1 - x2 + eps||_p along the last dim of the broadcast shape. */
export function pairwiseDistance(x1: Tensor, x2: Operand, options?: PairwiseDistanceOptions): Tensor {
  checkTensor(x1, 'pairwiseDistance x1');
  const o = optionsOf(options, 'pairwiseDistance', { p: 'value', eps: 'value', keepDim: 'boolean' });
  const p = checkNormP(o.p ?? 2, 'pairwiseDistance');
  const eps = o.eps ?? 1e-6;
  if (typeof eps !== 'number') throw new Error(`pairwiseDistance: eps must be a number, got ${shown(eps)}`);
  const d = add(sub(x1, x2), eps);
  return norm(d, p, d.ndim === 0 ? undefined : d.ndim - 1, o.keepDim ?? false);
}
