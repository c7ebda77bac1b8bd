// tidy() and keep(), as TensorFlow.js names them: dispose every tensor a function made but the ones
// it returns, so that their storage is reused at once (reuse.ts says when it may be).
import { Tensor } from './tensor';
import { Module } from './nn/module';
import { inScope, isKept, markKept, neverPool, poolState, trackCreated } from './reuse';
import { isPlainObject, shown } from './args';

/** What tidy() may return: a tensor, a module, or arrays and plain objects holding them (or anything else). */
export type TensorContainer = Tensor | Module | number | string | boolean | null | undefined | void | TensorContainer[] | { [key: string]: TensorContainer };

function collect(x: unknown, into: Set<Tensor>, seen: Set<unknown>): void {
  if (x instanceof Tensor) {
    into.add(x);
    return;
  }
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (Array.isArray(x)) for (const v of x) collect(v, into, seen);
  else if (x instanceof Module) x.walkFields('', (_, v) => collect(v, into, seen)); // a model built inside keeps its tensors
  else if (isPlainObject(x)) for (const v of Object.values(x)) collect(v, into, seen);
}

/**
 * Runs `fn` and disposes (Tensor.dispose) every tensor made while it ran, except those it returns
 * (found in a returned tensor, module, array or plain object), those passed to keep(), module buffers, and
 * tensors that require grad: parameters, and the results of recorded ops that a later backward()
 * needs (once a backward has run through an op, its result is disposed too). The returned tensors
 * belong to the tidy() around this one, if any. `fn` must not be async: its tensors would be
 * disposed before the promise settles.
 *
 * Without tidy or dispose, a tensor's memory is freed when the garbage collector gets to it; with
 * them, the next tensor of the same size reuses it while it is still in the caches (see dispose()).
 */
export function tidy<T extends TensorContainer>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`tidy: fn must be a function, got ${shown(fn)}`);
  const { result, made } = inScope(fn);
  if (result instanceof Promise) throw new Error('tidy: fn must not be async (its tensors would be disposed before the promise settles)');
  const returned = new Set<Tensor>();
  collect(result, returned, new Set());
  for (const t of made as Tensor[]) {
    if (returned.has(t)) trackCreated(t); // now the outer tidy's, if any
    // A recorded op's result is spared while a backward may still read it; once backward() has used
    // up its node, it is an intermediate like any other (reuse.ts still holds its storage back while
    // an op recorded after it awaits its backward).
    else if ((!t.requiresGrad || t.node?.usedUp === true) && !isKept(t)) t.dispose();
  }
  return result;
}

/** Keeps `t` from being disposed by the tidy() it is made in (as TensorFlow.js's keep); returns it. */
export function keep<T extends Tensor>(t: T): T {
  if (!(t instanceof Tensor)) throw new Error(`keep: expected a Tensor, got ${shown(t)}`);
  markKept(t);
  return t;
}

/** A tensor the library holds for good (a module's buffer): kept from tidy(), its storage never pooled. */
export function holdForGood(t: Tensor): void {
  keep(t);
  neverPool(t.data);
}

/** What memory() reports. */
export interface MemoryInfo {
  /** Bytes of disposed storage waiting in the pool for the next tensor of their size. */
  pooledBytes: number;
  /** How many arrays those are. */
  pooledArrays: number;
  /** Recorded ops whose backward has not run: while any is, storage made before the newest of them is not pooled. */
  pendingBackwardNodes: number;
  /** fit() calls running: while any is, disposed storage is not pooled. */
  runningFits: number;
  /**
   * Bytes of large storage (above 4 KiB) allocated fresh since the process started, not taken from
   * the pool: memory the garbage collector must free later. A training loop whose tensors all come
   * back to the pool stops adding to it after its first steps.
   */
  freshBytes: number;
}

/** What waits for reuse: bytes and arrays in the pool, and what keeps storage from going there now. */
export function memory(): MemoryInfo {
  return poolState();
}
