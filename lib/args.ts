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
 * An options argument: {} when left out, the object itself, or an error naming `what` for anything
 * else (null, a number: reading a field of them would fail with V8's own message).
 */
export function optionsOf<T extends object>(options: T | undefined, what: string): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new Error(`${what}: options must be an object, got ${shown(options)}`);
  return options;
}
