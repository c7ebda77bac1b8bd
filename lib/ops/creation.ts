// Creation functions: tensor() from numbers, nested arrays or typed arrays; zeros, ones, full, empty,
// rand, randn, randint, randperm, arange, linspace, logspace, eye, and the *Like forms.
import { Tensor } from '../tensor';
import { checkShape, fmt, sizeOf } from '../shape';
import { alloc } from '../storage';
import { checkNumber, checkTensor } from './core';
import { liveRngState, liveSpareNormal, indexRange } from '../random';
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
  // torch's zeros(2, 3), ported as it is: the sizes as arguments rather than one array.
  if (typeof shape === 'number' && typeof opts === 'number') {
    throw new Error(`${what}: shape must be an array of integers, got ${shape} then ${opts} as arguments (the sizes go in one array: ${what}([${shape}, ${opts}, ...]))`);
  }
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

// Integers past 2^24 are not all float32s, and a uniform draw has 24 bits: randint's and randperm's
// ranges stop there.
const MAX_EXACT_INT = 2 ** 24;

/**
 * Uniform integers in [low, high) of the given shape (torch.randint), from the generator that
 * manualSeed seeds: `randint(high, shape)` or `randint(low, high, shape)`. Stored as float32, as
 * every tensor is, so high - low is at most 2^24.
 */
export function randint(high: number, shape: readonly number[], opts?: TensorOptions): Tensor;
export function randint(low: number, high: number, shape: readonly number[], opts?: TensorOptions): Tensor;
export function randint(a: number, b: number | readonly number[], c?: readonly number[] | TensorOptions, d?: TensorOptions): Tensor {
  const [low, high, shape, opts] = typeof b === 'number' ? [a, b, c as readonly number[], d] : [0, a, b, c as TensorOptions | undefined];
  for (const [name, v] of [['low', low], ['high', high]] as const) {
    if (!Number.isSafeInteger(v) || Math.abs(v) > MAX_EXACT_INT) throw new Error(`randint: ${name} must be an integer of magnitude at most 2^24, got ${shown(v)}`);
  }
  if (!(high > low)) throw new Error(`randint: high (${high}) must be greater than low (${low})`);
  if (high - low > MAX_EXACT_INT) throw new Error(`randint: the range [${low}, ${high}) holds more than 2^24 integers`);
  if (!Array.isArray(shape)) throw new Error(`randint: shape must be an array of sizes, got ${shown(shape)}`);
  return filled(shape, 'randint', opts, (data) => {
    // u = k / 2^24 exactly, so floor(u * span) takes each integer for k in a run of equal length
    // (up to one): randInt's rule, on draws the backend makes.
    uniformInto(data, 0, 1);
    const span = high - low;
    for (let i = 0; i < data.length; i++) data[i] = low + Math.floor(data[i] * span);
  });
}

/** A random permutation of 0 ... n - 1 (torch.randperm), from the generator that manualSeed seeds. */
export function randperm(n: number, opts?: TensorOptions): Tensor {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_EXACT_INT) throw new Error(`randperm: n must be an integer in [0, 2^24], got ${shown(n)}`);
  return filled([n], 'randperm', opts, (data) => indexRange(data, true));
}

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

/**
 * `steps` values from `start` to `end` inclusive, evenly spaced (torch.linspace), computed in
 * float32 as torch's scalar loop computes them: the first half from start, the second half back
 * from end, so that both ends are exact (torch's vector loop can differ by a few ulps mid-way).
 */
export function linspace(start: number, end: number, steps: number, opts?: TensorOptions): Tensor {
  checkNumber(start, 'linspace', 'start');
  checkNumber(end, 'linspace', 'end');
  if (!Number.isSafeInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${shown(steps)}`);
  return filled([steps], 'linspace', opts, (d) => {
    if (steps === 1) {
      d[0] = start;
      return;
    }
    const f = Math.fround;
    const a = f(start), b = f(end);
    const step = f(f(b - a) / (steps - 1));
    const half = Math.floor(steps / 2);
    for (let i = 0; i < steps; i++) d[i] = i < half ? f(a + f(step * i)) : f(b - f(step * (steps - 1 - i)));
  });
}

/**
 * `steps` powers of base (default 10) whose exponents run evenly from start to end inclusive
 * (torch.logspace), as torch's loop computes them: the exponents' step in double from the float32
 * ends, the first half counted from start and the second back from end, each power in double.
 */
export function logspace(start: number, end: number, steps: number, base = 10, opts?: TensorOptions): Tensor {
  checkNumber(start, 'logspace', 'start');
  checkNumber(end, 'logspace', 'end');
  checkNumber(base, 'logspace', 'base');
  if (!Number.isSafeInteger(steps) || steps < 0) throw new Error(`logspace: steps must be a non-negative integer, got ${shown(steps)}`);
  return filled([steps], 'logspace', opts, (d) => {
    if (steps === 1) {
      d[0] = base ** start;
      return;
    }
    const a = Math.fround(start), b = Math.fround(end);
    const step = Math.fround(b - a) / (steps - 1);
    const half = Math.floor(steps / 2);
    for (let i = 0; i < steps; i++) d[i] = base ** (i < half ? a + step * i : b - step * (steps - i - 1));
  });
}

/** A tensor of the given shape (torch.empty): here its values are zeros, never leftover memory. */
export const empty = (shape: readonly number[], opts?: TensorOptions): Tensor => filled(shape, 'empty', opts, () => {});

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
/** `value` in every element of t's shape (torch.full_like). */
export const fullLike = (t: Tensor, value: number): Tensor => full(checkTensor(t, 'fullLike').shape, value);
/** A tensor of t's shape (torch.empty_like): zeros, as empty's. */
export const emptyLike = (t: Tensor): Tensor => empty(checkTensor(t, 'emptyLike').shape);
/** Uniform in [0, 1) in t's shape (torch.rand_like). */
export const randLike = (t: Tensor): Tensor => rand(checkTensor(t, 'randLike').shape);
/** Standard normal in t's shape (torch.randn_like). */
export const randnLike = (t: Tensor): Tensor => randn(checkTensor(t, 'randnLike').shape);

/** Uniform integers in [0, high) or [low, high) in t's shape (torch.randint_like), as randint draws them. */
export function randintLike(t: Tensor, high: number): Tensor;
export function randintLike(t: Tensor, low: number, high: number): Tensor;
export function randintLike(t: Tensor, a: number, b?: number): Tensor {
  const shape = checkTensor(t, 'randintLike').shape;
  return b === undefined ? randint(a, shape) : randint(a, b, shape);
}
