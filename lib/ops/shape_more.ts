// torch's remaining shape and joining functions: broadcastTo, broadcastTensors, unbind, unflatten,
// moveaxis, ravel, t, atleast1d/2d/3d, columnStack, dstack, tensorSplit, hsplit, vsplit, dsplit,
// fliplr, flipud, rot90 and takeAlongDim. Each is made of the library's shape, join and index ops
// (copies where torch returns views, as reshape and expand are here), so the gradients are theirs.
import { Tensor } from '../tensor';
import { broadcastShapes, checkShape, fmt, normDim, normDims } from '../shape';
import { shown } from '../args';
import { checkTensor, composedOf } from './core';
import { expand, reshape, transpose } from './shape';
import { cat, narrow, tensorArray } from './join';
import { flip, gather, select } from './index_ops';
import { movedim } from './composed';

/** x expanded to `shape` (torch.broadcast_to): -1 keeps a dim's size; new dims go in front. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'broadcastTo');
  if (!Array.isArray(shape)) throw new Error(`broadcastTo: shape must be an array of sizes, got ${shown(shape)}`);
  return expand(x, shape);
}

/** The shape the given shapes broadcast to (torch.broadcast_shapes; a number n stands for the shape [n]). */
export function broadcastShapesOf(...shapes: (readonly number[] | number)[]): number[] {
  return shapes.reduce<number[]>((s, shape) => broadcastShapes(s, checkShape(typeof shape === 'number' ? [shape] : shape, 'broadcastShapes'), 'broadcastShapes'), []);
}

/** The tensors expanded to their common broadcast shape (torch.broadcast_tensors). */
export function broadcastTensors(tensors: readonly Tensor[]): Tensor[] {
  const ts = tensorArray(tensors, 'broadcastTensors');
  const shape = ts.reduce<number[]>((s, t) => broadcastShapes(s, t.shape, 'broadcastTensors'), []);
  return ts.map((t) => expand(t, shape));
}

/** The slices of x along `dim`, that dim removed from each (torch.unbind). */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  checkTensor(x, 'unbind');
  if (x.ndim === 0) throw new Error('unbind: cannot unbind a zero-dimensional tensor');
  const d = normDim(dim, x.ndim, 'unbind');
  return Array.from({ length: x.shape[d] }, (_, i) => select(x, d, i));
}

/** x with `dim` split into dims of `sizes` (torch.unflatten): one size may be -1, inferred. */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  checkTensor(x, 'unflatten');
  if (x.ndim === 0) throw new Error('unflatten: cannot unflatten a zero-dimensional tensor');
  const d = normDim(dim, x.ndim, 'unflatten');
  if (!Array.isArray(sizes) || sizes.length === 0 || !sizes.every((s) => Number.isSafeInteger(s) && s >= -1)) {
    throw new Error(`unflatten: sizes must be a non-empty array of sizes (one may be -1), got ${shown(sizes)}`);
  }
  const unknown = sizes.filter((s) => s === -1).length;
  const known = sizes.reduce((p, s) => (s === -1 ? p : p * s), 1);
  const fits = unknown === 0 ? known === x.shape[d] : unknown === 1 && known > 0 && x.shape[d] % known === 0;
  if (!fits) throw new Error(`unflatten: sizes ${shown(sizes)} do not multiply to the size of dim ${d} (${x.shape[d]}) of shape ${fmt(x.shape)}`);
  const resolved = sizes.map((s) => (s === -1 ? x.shape[d] / known : s));
  return reshape(x, [...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)]);
}

/** torch.moveaxis: movedim's other name. */
export function moveaxis(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  return movedim(x, source, destination);
}

/** x as one dim (torch.ravel; a copy where torch may return a view). */
export function ravel(x: Tensor): Tensor {
  checkTensor(x, 'ravel');
  return reshape(x, [x.size]);
}

/** A matrix transposed; 0-d and 1-D tensors as they are (torch.t; a new tensor of the same storage). */
export function t(x: Tensor): Tensor {
  checkTensor(x, 't');
  if (x.ndim > 2) throw new Error(`t: expects a tensor with at most 2 dimensions, got shape ${fmt(x.shape)}; use transpose(d0, d1) or permute`);
  return x.ndim === 2 ? transpose(x, 0, 1) : reshape(x, x.shape);
}

/** x with at least `rank` dims, as torch.atleast_Nd shapes them ([n] -> [1, n] -> [1, n, 1]; [m, n] -> [m, n, 1]). */
function atLeast(x: Tensor, rank: 1 | 2 | 3): Tensor {
  if (x.ndim >= rank) return x;
  const s = x.shape;
  const shape = rank === 1 ? [1] : rank === 2 ? [1, x.size] : s.length === 2 ? [s[0], s[1], 1] : [1, x.size, 1];
  return reshape(x, shape);
}

function atLeastEach(xs: Tensor | readonly Tensor[], rank: 1 | 2 | 3, what: string): Tensor | Tensor[] {
  if (xs instanceof Tensor) return atLeast(xs, rank);
  return tensorArray(xs, what).map((x) => atLeast(x, rank));
}

/** x, or each of a list, with at least one dim (torch.atleast_1d): a 0-d tensor becomes [1]. */
export function atleast1d(x: Tensor): Tensor;
export function atleast1d(xs: readonly Tensor[]): Tensor[];
export function atleast1d(xs: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  return atLeastEach(xs, 1, 'atleast1d');
}

/** x, or each of a list, with at least two dims (torch.atleast_2d): [n] becomes [1, n]. */
export function atleast2d(x: Tensor): Tensor;
export function atleast2d(xs: readonly Tensor[]): Tensor[];
export function atleast2d(xs: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  return atLeastEach(xs, 2, 'atleast2d');
}

/** x, or each of a list, with at least three dims (torch.atleast_3d): [n] becomes [1, n, 1], [m, n] becomes [m, n, 1]. */
export function atleast3d(x: Tensor): Tensor;
export function atleast3d(xs: readonly Tensor[]): Tensor[];
export function atleast3d(xs: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  return atLeastEach(xs, 3, 'atleast3d');
}

/** Tensors side by side as columns (torch.column_stack): 0-d and 1-D ones as [n, 1], the rest joined along dim 1. */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  const ts = tensorArray(tensors, 'columnStack');
  return composedOf((own) => cat(ts.map((x) => (x.ndim <= 1 ? own(reshape(x, [x.size, 1])) : x)), 1), ts);
}

/** Tensors stacked in depth (torch.dstack): each made at least 3-D (atleast3d), joined along dim 2. */
export function dstack(tensors: readonly Tensor[]): Tensor {
  const ts = tensorArray(tensors, 'dstack');
  return composedOf((own) => cat(ts.map((x) => (x.ndim >= 3 ? x : own(atLeast(x, 3)))), 2), ts);
}

/** Where tensorSplit cuts: a count of near-equal parts, or the indices to cut before. */
export type SplitPoints = number | readonly number[];

/** Where each part of a dim of `size` starts and how long it is, as torch.tensor_split cuts it. */
function tensorSplitParts(size: number, points: SplitPoints, what: string): [number, number][] {
  if (typeof points === 'number') {
    if (!Number.isSafeInteger(points) || points <= 0) throw new Error(`${what}: sections must be a positive integer, got ${shown(points)}`);
    // The first size % n parts hold one more.
    let at = 0;
    return Array.from({ length: points }, (_, i) => {
      const n = Math.floor(size / points) + (i < size % points ? 1 : 0);
      at += n;
      return [at - n, n];
    });
  }
  if (!Array.isArray(points) || !points.every((p) => Number.isSafeInteger(p))) {
    throw new Error(`${what}: indices must be an array of integers (or sections a positive integer), got ${shown(points)}`);
  }
  // Part k is x[i(k-1) : i(k)] as Python slices it: negative indices from the end, clamped to the
  // dim, empty where the end is not past the start (indices out of order overlap, as torch's do).
  const clamped = (p: number) => Math.min(size, p < 0 ? Math.max(0, p + size) : p);
  const cuts = [0, ...points.map(clamped), size];
  return cuts.slice(1).map((end, k) => [cuts[k], Math.max(0, end - cuts[k])]);
}

/**
 * x cut along `dim` (torch.tensor_split): into `n` parts (the first size % n one longer), or between
 * a list of indices (Python slices between them: clamped to the dim, empty where out of order).
 */
export function tensorSplit(x: Tensor, points: SplitPoints, dim = 0): Tensor[] {
  checkTensor(x, 'tensorSplit');
  if (x.ndim === 0) throw new Error('tensorSplit: cannot split a zero-dimensional tensor');
  const d = normDim(dim, x.ndim, 'tensorSplit');
  return tensorSplitParts(x.shape[d], points, 'tensorSplit').map(([at, n]) => narrow(x, d, Math.min(at, x.shape[d]), n));
}

/** hsplit, vsplit and dsplit: a count of equal parts (it must divide the dim) or indices, along `dim`. */
function splitAlong(x: Tensor, points: SplitPoints, dim: number, minRank: number, what: string): Tensor[] {
  checkTensor(x, what);
  if (x.ndim < minRank) throw new Error(`${what}: expects a tensor of at least ${minRank} dim${minRank > 1 ? 's' : ''}, got shape ${fmt(x.shape)}`);
  if (typeof points === 'number') {
    tensorSplitParts(x.shape[dim], points, what);
    if (x.shape[dim] % points !== 0) throw new Error(`${what}: dim ${dim} of size ${x.shape[dim]} does not split into ${points} equal parts`);
  }
  return tensorSplit(x, points, dim);
}

/** x cut along its columns (torch.hsplit): dim 1, or dim 0 of a 1-D x. */
export function hsplit(x: Tensor, points: SplitPoints): Tensor[] {
  return splitAlong(x, points, x instanceof Tensor && x.ndim === 1 ? 0 : 1, 1, 'hsplit');
}

/** x cut along its rows, dim 0 (torch.vsplit; x at least 2-D). */
export function vsplit(x: Tensor, points: SplitPoints): Tensor[] {
  return splitAlong(x, points, 0, 2, 'vsplit');
}

/** x cut along dim 2 (torch.dsplit; x at least 3-D). */
export function dsplit(x: Tensor, points: SplitPoints): Tensor[] {
  return splitAlong(x, points, 2, 3, 'dsplit');
}

/** x mirrored left to right, along dim 1 (torch.fliplr; x at least 2-D). */
export function fliplr(x: Tensor): Tensor {
  checkTensor(x, 'fliplr');
  if (x.ndim < 2) throw new Error(`fliplr: expects a tensor of at least 2 dims, got shape ${fmt(x.shape)}`);
  return flip(x, [1]);
}

/** x mirrored top to bottom, along dim 0 (torch.flipud; x at least 1-D). */
export function flipud(x: Tensor): Tensor {
  checkTensor(x, 'flipud');
  if (x.ndim < 1) throw new Error(`flipud: expects a tensor of at least 1 dim, got shape ${fmt(x.shape)}`);
  return flip(x, [0]);
}

/**
 * x turned k quarter turns in the plane of `dims`, from the first dim toward the second
 * (torch.rot90): k may be negative, and counts modulo 4.
 */
export function rot90(x: Tensor, k = 1, dims: readonly [number, number] = [0, 1]): Tensor {
  checkTensor(x, 'rot90');
  if (!Number.isSafeInteger(k)) throw new Error(`rot90: k must be an integer, got ${shown(k)}`);
  if (!Array.isArray(dims) || dims.length !== 2) throw new Error(`rot90: dims must be two dims, got ${shown(dims)}`);
  if (x.ndim < 2) throw new Error(`rot90: expects a tensor of at least 2 dims, got shape ${fmt(x.shape)}`);
  const [a, b] = normDims(dims, x.ndim, 'rot90');
  const turns = ((k % 4) + 4) % 4;
  if (turns === 0) return x;
  if (turns === 2) return flip(x, [a, b]);
  // One turn: the second dim flipped, then the two exchanged; three: the first flipped.
  return composedOf((own) => transpose(own(flip(x, [turns === 1 ? b : a])), a, b), [x]);
}

/**
 * The elements of x at `indices` along `dim` (torch.take_along_dim): x and indices broadcast against
 * each other except along dim, then gathered; without dim, indices pick from the flattened x.
 */
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number): Tensor {
  checkTensor(x, 'takeAlongDim');
  checkTensor(indices, 'takeAlongDim');
  return composedOf((own) => {
    if (dim === undefined) return gather(own(reshape(x, [x.size])), 0, own(reshape(indices, [indices.size])));
    if (x.ndim !== indices.ndim) {
      throw new Error(`takeAlongDim: x and indices must have the same number of dims, got shapes ${fmt(x.shape)} and ${fmt(indices.shape)}`);
    }
    const d = normDim(dim, x.ndim, 'takeAlongDim');
    const other = broadcastShapes(x.shape.map((s, i) => (i === d ? 1 : s)), indices.shape.map((s, i) => (i === d ? 1 : s)), 'takeAlongDim');
    const xs = own(expand(x, other.map((s, i) => (i === d ? x.shape[d] : s))));
    const is = own(expand(indices, other.map((s, i) => (i === d ? indices.shape[d] : s))));
    return gather(xs, d, is);
  }, [x, indices]);
}
