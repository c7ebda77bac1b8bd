// reshape, transpose, permute, flatten: reshape shares storage; transpose and permute copy through strides.
import { Tensor } from '../tensor';
import { contiguousStrides, fmt, normDim, sameShape, sizeOf } from '../shape';
import { shown } from '../args';
import { allocOutput } from '../storage';
import { checkTensor, copyStrided, expandTo, letGoAfterBackward, record, sumTo } from './core';
import { int32sFrom } from '../tiny';
import { sumBackTo } from './reduce';

/** A tensor with the same data and a new shape; one dimension may be -1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'reshape');
  if (!Array.isArray(shape)) throw new Error(`reshape: shape must be an array of integers, got ${shape === null ? 'null' : typeof shape}`);
  const dims = [...shape];
  const infer = dims.indexOf(-1);
  if (dims.filter((d) => d === -1).length > 1) throw new Error(`reshape: only one dimension can be -1, got ${fmt(shape)}`);
  for (const d of dims) if (!Number.isInteger(d) || d < -1) throw new Error(`reshape: invalid shape ${fmt(shape)}`);
  if (infer >= 0) {
    const rest = sizeOf(dims.filter((d) => d !== -1));
    if (rest === 0 || x.size % rest !== 0) throw new Error(`reshape: cannot reshape tensor of shape ${fmt(x.shape)} (size ${x.size}) into ${fmt(shape)}`);
    dims[infer] = x.size / rest;
  }
  if (sizeOf(dims) !== x.size) throw new Error(`reshape: cannot reshape tensor of shape ${fmt(x.shape)} (size ${x.size}) into ${fmt(shape)}`);
  const out = record(x.data, dims, [x], 'reshape', (gy) => [gy]);
  if (out.node) out.node.graphBackward = (gy) => [reshape(gy, x.shape)];
  return out;
}

/** Swaps two dimensions (a copy in the new layout). */
export function transpose(x: Tensor, d0: number, d1: number): Tensor {
  checkTensor(x, 'transpose');
  const a = normDim(d0, x.ndim, 'transpose');
  const b = normDim(d1, x.ndim, 'transpose');
  if (x.ndim < 2 || a === b) return reshape(x, x.shape);
  const shape = [...x.shape];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  const strides = contiguousStrides(x.shape);
  [strides[a], strides[b]] = [strides[b], strides[a]];
  const y = allocOutput(x.size);
  copyStrided(x.data, int32sFrom(strides), y, int32sFrom(shape));
  const out = record(y, shape, [x], 'transpose', (gy) => {
    const back = contiguousStrides(shape);
    [back[a], back[b]] = [back[b], back[a]];
    const gx = allocOutput(gy.length);
    copyStrided(gy, int32sFrom(back), gx, int32sFrom(x.shape));
    return [gx];
  });
  if (out.node) out.node.graphBackward = (gy) => [transpose(gy, a, b)];
  return out;
}

/** The last two dims swapped: each matrix of a batch transposed (torch's Tensor.mT). */
export const mT = (x: Tensor): Tensor => transpose(x, -1, -2);

/** x with its dimensions reordered: dimension i of the result is dimension dims[i] of x (a copy). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor(x, 'permute');
  if (!Array.isArray(dims) || dims.length !== x.ndim) throw new Error(`permute: expected ${x.ndim} dimensions for a tensor of shape ${fmt(x.shape)}, got ${shown(dims)}`);
  const perm = dims.map((d) => normDim(d, x.ndim, 'permute'));
  if (new Set(perm).size !== perm.length) throw new Error(`permute: dims ${shown(dims)} repeat a dimension`);
  const shape = perm.map((d) => x.shape[d]);
  const strides = contiguousStrides(x.shape);
  const y = allocOutput(x.size);
  copyStrided(x.data, int32sFrom(perm.map((d) => strides[d])), y, int32sFrom(shape));
  const out = record(y, shape, [x], 'permute', (gy) => {
    // Back: dimension d of x is dimension perm.indexOf(d) of y.
    const ys = contiguousStrides(shape);
    const gx = allocOutput(gy.length);
    copyStrided(gy, int32sFrom(x.shape.map((_, d) => ys[perm.indexOf(d)])), gx, int32sFrom(x.shape));
    return [gx];
  });
  if (out.node) out.node.graphBackward = (gy) => [permute(gy, x.shape.map((_, d) => perm.indexOf(d)))];
  return out;
}

/** Flattens dimensions startDim..endDim into one (torch.flatten; default start 0). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor(x, 'flatten');
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(startDim, x.ndim, 'flatten');
  const e = normDim(endDim, x.ndim, 'flatten');
  if (e < s) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** `x` with a dimension of size 1 inserted at `dim` (from -ndim-1 to ndim); shares storage. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor(x, 'unsqueeze');
  const d = normDim(dim, x.ndim + 1, 'unsqueeze');
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/** `x` without its dimensions of size 1, or without `dim` when it has size 1 (torch.squeeze); shares storage. */
export function squeeze(x: Tensor, dim?: number): Tensor {
  checkTensor(x, 'squeeze');
  if (dim === undefined) return reshape(x, x.shape.filter((s) => s !== 1));
  if (x.ndim === 0) return reshape(x, []);
  const d = normDim(dim, x.ndim, 'squeeze');
  return x.shape[d] === 1 ? reshape(x, [...x.shape.slice(0, d), ...x.shape.slice(d + 1)]) : reshape(x, x.shape);
}

/**
 * x broadcast to `shape` (new leading dimensions allowed; -1 keeps a dimension; only size-1
 * dimensions grow), as torch.expand but a copy (x itself when it has that shape already); the
 * gradient is summed back.
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'expand');
  if (!Array.isArray(shape) || shape.length < x.ndim) throw new Error(`expand: shape ${Array.isArray(shape) ? fmt(shape) : String(shape)} has fewer dimensions than the tensor's ${fmt(x.shape)}`);
  const lead = shape.length - x.ndim;
  const to = shape.map((d, i) => {
    const own = i >= lead ? x.shape[i - lead] : null;
    const size = d === -1 && own !== null ? own : d;
    if (!Number.isInteger(size) || size < 0 || (own !== null && own !== 1 && own !== size)) {
      throw new Error(`expand: cannot expand shape ${fmt(x.shape)} to ${fmt(shape)} (dimension ${i})`);
    }
    return size;
  });
  if (sameShape(to, x.shape)) return x;
  const from = [...Array<number>(lead).fill(1), ...x.shape];
  const out = record(expandTo(x.data, from, to), to, [x], 'expand', (gy) => [sumTo(gy, to, from)]);
  if (out.node) out.node.graphBackward = (gy) => [sumBackTo(gy, x.shape)];
  return out;
}

/** x tiled `reps[i]` times along each dimension (leading ones added as needed), as torch.repeat. */
export function repeat(x: Tensor, reps: readonly number[]): Tensor {
  checkTensor(x, 'repeat');
  if (!Array.isArray(reps) || reps.length < x.ndim || !reps.every((r) => Number.isInteger(r) && r >= 0)) {
    throw new Error(`repeat: reps must be non-negative integers, at least one per dimension of ${fmt(x.shape)}, got ${shown(reps)}`);
  }
  const own = [...Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  // [s0, s1] -> [1, s0, 1, s1] -> [r0, s0, r1, s1] -> [r0 s0, r1 s1]: the copies of each
  // dimension go before it, as tiling lays them out.
  const spread = reshape(x, own.flatMap((s) => [1, s]));
  const tiled = expand(spread, own.flatMap((s, i) => [reps[i], s]));
  const y = reshape(tiled, own.map((s, i) => s * reps[i]));
  // y holds tiled's storage: letting go of the steps lets it go back to the pool when y is disposed
  // (with a graph recorded, once backward has run through them).
  letGoAfterBackward(spread, tiled);
  return y;
}
