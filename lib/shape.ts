// Shape arithmetic shared by ops and backends: sizes, contiguous strides, NumPy broadcasting.
import { int32s, int32sFrom } from './tiny';
import { shown } from './args';

/** A tensor shape: one non-negative integer per dimension; `[]` is a 0-d (scalar) tensor. */
export type Shape = readonly number[];

/** The number of elements of `shape`, or of its dimensions before `end`. */
export function sizeOf(shape: Shape, end = shape.length): number {
  let n = 1;
  for (let i = 0; i < end; i++) n *= shape[i];
  return n;
}

export function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function contiguousStrides(shape: ArrayLike<number>): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** NumPy broadcasting of two shapes; throws naming both shapes when they do not broadcast. */
export function broadcastShapes(a: Shape, b: Shape, what = 'broadcast'): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${what}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together (dimension ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * The same walk over fewer dimensions: size-1 dimensions dropped, and each dimension merged into the
 * one inside it where every operand steps over both as one (stride[d] = stride[d + 1] * shape[d + 1]).
 * The elements are visited in the same order; an empty walk becomes one dimension of size 1.
 */
export function coalesce(shape: ArrayLike<number>, strides: ArrayLike<number>[]): { shape: Int32Array; strides: Int32Array[] } {
  const sizes: number[] = [];
  const steps: number[][] = strides.map(() => []);
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    const last = sizes.length - 1;
    if (last >= 0 && strides.every((s, k) => s[d] === steps[k][last] * sizes[last])) {
      sizes[last] *= shape[d];
    } else {
      sizes.push(shape[d]);
      strides.forEach((s, k) => steps[k].push(s[d]));
    }
  }
  if (sizes.length === 0) return { shape: int32sFrom([1]), strides: strides.map(() => int32sFrom([0])) };
  return { shape: int32sFrom(sizes.reverse()), strides: steps.map((s) => int32sFrom(s.reverse())) };
}

/** Strides that read a tensor of shape `from` as if it had the (broadcast) shape `to`: 0 where broadcast. */
export function broadcastStrides(from: Shape, to: Shape): Int32Array {
  const s = int32s(to.length);
  const cs = contiguousStrides(from);
  const off = to.length - from.length;
  for (let i = 0; i < to.length; i++) {
    const j = i - off;
    s[i] = j < 0 || from[j] === 1 ? 0 : cs[j];
  }
  return s;
}

/** Normalises a possibly negative dimension index; throws naming the op, the dim and the rank. */
export function normDim(dim: number, ndim: number, what: string): number {
  if (!Number.isInteger(dim)) throw new Error(`${what}: dim must be an integer, got ${shown(dim)}`);
  // A 0-d tensor has dims 0 and -1, as torch's wrapping counts it as one dimension.
  const d = dim < 0 ? dim + Math.max(ndim, 1) : dim;
  if (d < 0 || d >= Math.max(ndim, 1)) {
    throw new Error(`${what}: dim ${dim} is out of range for a tensor with ${ndim} dimension(s)`);
  }
  return d;
}

/** A list of dims (negative ones counted from the end) as dims of an ndim tensor, none twice. */
export function normDims(dims: readonly number[], ndim: number, what: string): number[] {
  const ds = dims.map((d) => normDim(d, ndim, what));
  const twice = ds.find((d, i) => ds.indexOf(d) !== i);
  if (twice !== undefined) throw new Error(`${what}: dim ${twice} appears more than once in the list of dims ${shown(dims)}`);
  return ds;
}

/** Splits a shape around `dim` into (outer, len, inner): the layout every per-dimension kernel takes. */
export function splitAt(shape: Shape, dim: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < dim; i++) outer *= shape[i];
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape.length === 0 ? 1 : shape[dim], inner];
}

export function checkShape(shape: readonly number[], what: string): number[] {
  if (!Array.isArray(shape)) throw new Error(`${what}: shape must be an array of integers, got ${shown(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${what}: invalid shape ${shown(shape)}: dimensions must be non-negative integers`);
  }
  return [...shape];
}
