// Creation functions: tensor() from numbers, nested arrays or typed arrays; zeros, ones, full,
// rand, randn, arange, eye.
import { Tensor } from '../tensor';
import { checkShape, fmt, sizeOf } from '../shape';
import { alloc } from '../storage';
import { checkNumber, checkTensor } from './core';
import { liveRngState, liveSpareNormal } from '../random';
import { B } from '../backend/registry';
import { optionsOf, shown } from '../args';

/** Options for tensor creation. */
export interface TensorOptions {
  /** Shape to give flat data (its size must match); inferred from nested arrays otherwise. */
  shape?: readonly number[];
  /** Record operations on this tensor for backward(). */
  requiresGrad?: boolean;
  /** The element type: every tensor is float32; any other value throws rather than being ignored. */
  dtype?: 'float32';
}

/** Options of a creation function, checked: requiresGrad a boolean, dtype (if given) float32. */
function creationOptions(options: TensorOptions | undefined, what: string): TensorOptions & { requiresGrad: boolean } {
  const o = optionsOf(options, what, { shape: 'value', requiresGrad: 'boolean', dtype: 'value' });
  if (o.dtype !== undefined && o.dtype !== 'float32') throw new Error(`${what}: tensors are float32 (dtype 'float32'), got dtype ${shown(o.dtype)}`);
  return { ...o, requiresGrad: o.requiresGrad ?? false };
}

/** Anything tensor() accepts. */
export type TensorData = number | ArrayLike<number> | NestedNumbers;
/** Nested arrays of numbers of any depth. */
export interface NestedNumbers extends ReadonlyArray<number | NestedNumbers> {}

// Deeper nesting than any tensor has: an array that holds itself would otherwise grow the shape
// until V8 aborts the process.
const MAX_NESTING = 64;

function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  let cur: unknown = data;
  while (Array.isArray(cur)) {
    if (shape.length === MAX_NESTING) throw new Error(`tensor: data nests deeper than ${MAX_NESTING} levels of arrays (an array that contains itself?)`);
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

function flattenNested(data: unknown, shape: number[], dim: number, out: Float32Array, pos: { i: number }): void {
  if (dim === shape.length) {
    if (typeof data !== 'number') throw new Error(`tensor: expected a number at depth ${dim}, got ${Array.isArray(data) ? 'an array' : typeof data} (ragged nested arrays?)`);
    out[pos.i++] = data;
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim]) {
    throw new Error(`tensor: ragged nested array: expected length ${shape[dim]} at depth ${dim}, got ${Array.isArray(data) ? data.length : typeof data}`);
  }
  for (const item of data) flattenNested(item, shape, dim + 1, out, pos);
}

/** Makes a tensor from a number (0-d), nested arrays, a Float32Array or any array-like of numbers. */
export function tensor(data: TensorData, options?: TensorOptions): Tensor {
  const o = creationOptions(options, 'tensor');
  let flat: Float32Array;
  let shape: number[];
  if (typeof data === 'number') {
    flat = alloc(1);
    flat[0] = data;
    shape = [];
  } else if (Array.isArray(data)) {
    shape = inferShape(data);
    flat = alloc(sizeOf(shape));
    flattenNested(data, shape, 0, flat, { i: 0 });
  } else if (data !== null && typeof data === 'object' && typeof (data as ArrayLike<number>).length === 'number') {
    const src = data as ArrayLike<number>;
    if (!Number.isInteger(src.length) || src.length < 0) throw new Error(`tensor: data's length must be a non-negative integer, got ${shown(src.length)}`);
    flat = alloc(src.length);
    for (let i = 0; i < src.length; i++) flat[i] = src[i];
    shape = [src.length];
  } else {
    throw new Error(`tensor: data must be a number, an array or a typed array, got ${data === null ? 'null' : typeof data}`);
  }
  if (o.shape !== undefined) {
    const s = checkShape(o.shape as number[], 'tensor');
    if (sizeOf(s) !== flat.length) throw new Error(`tensor: shape ${fmt(s)} needs ${sizeOf(s)} elements but the data has ${flat.length}`);
    shape = s;
  }
  return new Tensor(flat, shape, o.requiresGrad);
}

function filled(shape: readonly number[], what: string, opts: TensorOptions | undefined, fill: (d: Float32Array) => void): Tensor {
  const { requiresGrad } = creationOptions(opts, what);
  const s = checkShape(shape as number[], what);
  const d = alloc(sizeOf(s));
  fill(d);
  return new Tensor(d, s, requiresGrad);
}

/** A tensor of zeros of the given shape. */
export const zeros = (shape: readonly number[], opts?: TensorOptions): Tensor => filled(shape, 'zeros', opts, () => {});
/** A tensor of ones of the given shape. */
export const ones = (shape: readonly number[], opts?: TensorOptions): Tensor => filled(shape, 'ones', opts, (d) => d.fill(1));
/** A tensor of the given shape with every element `value` (a number; NaN and infinities allowed). */
export const full = (shape: readonly number[], value: number, opts?: TensorOptions): Tensor => {
  checkNumber(value, 'full', 'value');
  return filled(shape, 'full', opts, (d) => d.fill(value));
};
/** @internal d filled from U(low, low + span) by the backend, from the generator that manualSeed seeds. */
export function uniformInto(d: Float32Array, low: number, span: number): void {
  B().uniformFill(d, low, span, liveRngState());
}
/** @internal d filled from N(mean, std) by the backend, from the generator (and its pending spare normal). */
export function normalInto(d: Float32Array, mean: number, std: number): void {
  B().normalFill(d, mean, std, liveRngState(), liveSpareNormal());
}

/** Uniform in [0, 1), from the generator that manualSeed seeds. */
export const rand = (shape: readonly number[], opts?: TensorOptions): Tensor => filled(shape, 'rand', opts, (d) => uniformInto(d, 0, 1));
/** Standard normal, from the generator that manualSeed seeds. */
export const randn = (shape: readonly number[], opts?: TensorOptions): Tensor => filled(shape, 'randn', opts, (d) => normalInto(d, 0, 1));

/** arange(end), or arange(start, end, step): values start, start+step, ... below end. */
export function arange(start: number, end?: number, step = 1): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (!Number.isFinite(start) || !Number.isFinite(end) || !Number.isFinite(step) || step === 0) {
    throw new Error(`arange: start, end and step must be finite and step non-zero, got (${shown(start)}, ${shown(end)}, ${shown(step)})`);
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const d = alloc(n);
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return new Tensor(d, [n]);
}

/** Identity matrix [n, m] (m defaults to n). */
export function eye(n: number, m = n): Tensor {
  const t = zeros(checkShape([n, m], 'eye'));
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/** Zeros of t's shape. */
export const zerosLike = (t: Tensor): Tensor => zeros(checkTensor(t, 'zerosLike').shape);
/** Ones of t's shape. */
export const onesLike = (t: Tensor): Tensor => ones(checkTensor(t, 'onesLike').shape);
