// How the public API names a wrong argument: the value as passed, and options objects checked
// before their fields are read.
import { fmt } from './shape';

/**
 * A value as an error message shows what was passed: numbers as written (NaN stays NaN, where
 * JSON.stringify would print null), arrays element by element, a tensor by its shape (its fields
 * would print its whole storage), anything else by its kind. Long arrays show their first elements
 * and deep (or self-containing) ones stop at the third level, so that a message stays a line.
 */
export function shown(v: unknown, depth = 0): string {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'symbol' || v === undefined || v === null) return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}...` : v);
  if (Array.isArray(v)) {
    if (depth >= 3) return '[...]';
    const head = v.slice(0, 8).map((e) => shown(e, depth + 1));
    return `[${head.join(', ')}${v.length > 8 ? `, ... (${v.length} elements)` : ''}]`;
  }
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of ${(v as unknown as ArrayLike<unknown>).length ?? v.byteLength} elements`;
  if (typeof v === 'object' && 'shape' in v && 'data' in v && Array.isArray((v as { shape: unknown }).shape)) return `a tensor of shape ${fmt((v as { shape: number[] }).shape)}`;
  return typeof v === 'function' ? 'a function' : `an object (${(v as { constructor?: { name?: string } }).constructor?.name || 'without a prototype'})`;
}

/** True for an object literal ({...}): not an array, a tensor, a class instance or null. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

/** A file path argument: a non-empty string, else an error naming `what` (Node's would name "paths[0]"). */
export function checkPath(file: unknown, what: string): string {
  if (typeof file !== 'string' || file === '') throw new Error(`${what}: file must be a path (a non-empty string), got ${shown(file)}`);
  return file;
}

/**
 * A reduction's positional keepDim: true or false, or an error naming `what` ('no' or 0 would keep
 * or drop the dimension by truthiness, a shape other than asked for without a word).
 */
export function checkKeepDim(keepDim: unknown, what: string): boolean {
  return checkFlag(keepDim, what, 'keepDim');
}

/** A hyperparameter that must be a finite number >= 0 (an optimizer's lr, a loss's turning point), or an error naming it. */
export function checkNonNegative(v: number, what: string, arg: string): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new Error(`${what}: invalid ${arg}: ${shown(v)} (must be a non-negative finite number)`);
  return v;
}

/** A positional boolean argument `name` of `what` (sort's descending...): true or false, or an error naming both. */
export function checkFlag(v: unknown, what: string, name: string): boolean {
  if (typeof v !== 'boolean') throw new Error(`${what}: ${name} must be true or false, got ${shown(v)}`);
  return v;
}

/** What an option holds, for optionsOf: booleans are checked there, other values by their callers. */
export type OptionKind = 'boolean' | 'value';

/** Every option of an options interface T, with what it holds (the compiler checks that none is missing). */
export type OptionKinds<T> = { readonly [K in keyof Required<T>]: OptionKind };

/**
 * An options argument: {} when left out, the object itself, or an error naming `what` for anything
 * else (null, a number: reading a field of them would fail with V8's own message). Given `kinds`,
 * an option it does not list throws (PyTorch's `maximize` or a misspelt `keepdim`, ignored, gave
 * other numbers than asked for without a word), and so does a boolean option holding anything but
 * true or false ('no' read as true). Options set to undefined count as left out.
 */
export function optionsOf<T extends object>(options: T | undefined, what: string, kinds?: OptionKinds<T>): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new Error(`${what}: options must be an object, got ${shown(options)}`);
  if (kinds) checkOptionKinds(options as Record<string, unknown>, what, kinds as Readonly<Record<string, OptionKind>>);
  return options;
}

function checkOptionKinds(options: Record<string, unknown>, what: string, kinds: Readonly<Record<string, OptionKind>>): void {
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(kinds, k)) throw new Error(`${what}: unknown option '${k}' (the options are ${Object.keys(kinds).join(', ')})`);
    if (kinds[k] === 'boolean' && typeof v !== 'boolean') throw new Error(`${what}: option ${k} must be true or false, got ${shown(v)}`);
  }
}

/** A positive integer argument, or an error naming it (`what`: the function or class; `arg`: the argument). */
export function positiveInt(v: number, what: string, arg: string): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${what}: ${arg} must be a positive integer, got ${shown(v)}`);
  return v;
}

/** A finite number argument, or an error naming it. */
export function checkFinite(v: unknown, what: string, arg: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what}: ${arg} must be a finite number, got ${shown(v)}`);
  return v;
}
