// Storage given back by Tensor.dispose() and tidy(), and handed out again by the next allocation of
// the same size: a buffer still in the caches, where a fresh one waits for the garbage collector to
// free the old (V8 frees dead ArrayBuffers in bulk, every few 16 MiB tensors), and an op's output
// lands on memory last used four or more tensors ago. Only large arrays (the slabs and the JavaScript
// heap serve small ones cheaply) that the library allocated itself (never a caller's array), and only
// when nothing can read them any more: no other tensor over the same storage is left undisposed, no
// op recorded since the storage was made awaits its backward (a recorded op's backward may read any
// storage that existed then), and no fit() is running (its native loop holds the arrays of its plan).

import type { MemoryInfo } from './memory';

/**
 * A storage's tensors: how many are not disposed, and whether it went back to the pool; `born`
 * orders its first tensor among the recorded ops (see dropStorage).
 */
export interface StorageRecord {
  holders: number;
  released: boolean;
  born: number;
}

/** Arrays at most this long are never pooled (slab views and heap arrays: cheap already). */
export const POOL_MIN_LENGTH = 1024;
// At most this many bytes wait in the pool; past it the arrays that have waited longest are left to
// the collector (sizes no longer asked for would otherwise stay for good).
const DEFAULT_POOL_BYTES = 256 * 2 ** 20;
let poolMaxBytes = DEFAULT_POOL_BYTES;

// The storages the library allocated and may pool, by buffer: where the whole array of each lies in
// its buffer (spanCode), so that a storage whose last holder is a tensor over part of it (a view of a
// zero state that the RNN disposed first) goes back whole. A number, not the array: a weak map's
// value that holds its key (the array holds its buffer) kept every dead storage alive until V8's
// next full collection, where young ones are otherwise freed at the next scavenge. A loop of
// undisposed 2048 x 2048 adds at two threads: 3.4-4.8 -> 0.58-0.67 ms an add (mean of 200; 0.36
// disposed), 332-350 -> 217-267 MB resident at the peak; at one thread 1.50-1.58 -> 1.22-1.27 ms.
const poolable = new WeakMap<ArrayBufferLike, number>();
/** An array's place in its buffer, as one number: its length and its byte offset (below 64). */
const spanCode = (a: Float32Array): number => a.length * 64 + a.byteOffset;
/** True when `a` is the whole array of a storage that may be pooled. */
const isPoolable = (a: Float32Array): boolean => poolable.get(a.buffer) === spanCode(a);
// Keyed by the ArrayBuffer, so that every view of one storage (a Tensor made over a subarray of
// another's data included) counts as its holder.
const records = new WeakMap<ArrayBufferLike, StorageRecord>();
const pool = new Map<number, Float32Array[]>();
// The pooled arrays by buffer, oldest first (a storage's whole array may be a new object over the
// buffer each time it comes back: the buffer says whether it is already here).
const arrivals = new Map<ArrayBufferLike, Float32Array>();
let pooledBytes = 0;
let freshBytes = 0;
let runningFits = 0;
// One clock for storages' births and ops' recordings.
let clock = 0;
// The recording times of nodes, oldest first, down from the newest that awaits its backward: a
// used-up node's time is dropped at once from the top, and from below a waiting one when that goes
// (usedBelow holds it until then). Only the top matters (see dropStorage).
const pendingTimes: number[] = [];
const usedBelow = new Set<number>();
/** How many recorded nodes await their backward. */
const waitingNodes = (): number => pendingTimes.length - usedBelow.size;

/** Marks an array the library allocated (storage.ts) as one that may be pooled once disposed. */
export function markPoolable(a: Float32Array): Float32Array {
  poolable.set(a.buffer, spanCode(a));
  return a;
}

/** A pooled array of exactly n elements, or null. Its contents are whatever was last written. */
export function takePooled(n: number): Float32Array | null {
  const list = pool.get(n);
  const a = list?.pop();
  if (!a) return null;
  pooledBytes -= a.byteLength;
  arrivals.delete(a.buffer);
  records.delete(a.buffer); // its old tensors keep the released record; new ones start afresh
  return a;
}

/** Called for each tensor made over `a` (large arrays only): the record its tensors share. */
export function holdStorage(a: Float32Array): StorageRecord {
  let r = records.get(a.buffer);
  if (!r) records.set(a.buffer, (r = { holders: 0, released: false, born: ++clock }));
  r.holders++;
  return r;
}

/**
 * One tensor over `a` is disposed; the storage goes to the pool when nothing can read it. A
 * recorded op's backward may read any storage that existed when it was recorded, so only storage
 * born after the newest op that still awaits its backward is pooled. A graph built and never
 * backpropagated (an evaluation pass with gradients on) then keeps what existed before it out of
 * the pool, but not what later steps make and backpropagate: measured against the last recording
 * of any op, it kept every later step's storage out too, for the rest of the process.
 */
export function dropStorage(a: Float32Array, r: StorageRecord, readersDone = false): void {
  r.holders--;
  if (r.holders > 0 || (!readersDone && pendingTimes.length > 0 && r.born < pendingTimes[pendingTimes.length - 1])) return;
  // No tensor over any part of the storage is left: the whole of it may go.
  if (give(wholeOf(a))) r.released = true;
}

/** The whole array of the storage that `a` views, when the library allocated it; else `a`. */
function wholeOf(a: Float32Array): Float32Array {
  const code = poolable.get(a.buffer);
  if (code === undefined || code === spanCode(a)) return a;
  const byteOffset = code % 64;
  return new Float32Array(a.buffer, byteOffset, (code - byteOffset) / 64);
}

/**
 * An array that backward() made for a gradient and has used up: no tensor was ever made over it (a
 * tensor's storage goes through dropStorage), so nothing else can read it. Pooled at once.
 */
export function recycleArray(a: Float32Array): void {
  if (!records.has(a.buffer)) give(a);
}

// Puts a into the pool when it may go there; true if it went.
function give(a: Float32Array): boolean {
  if (runningFits > 0 || !isPoolable(a) || arrivals.has(a.buffer) || a.byteLength > poolMaxBytes) return false;
  while (pooledBytes + a.byteLength > poolMaxBytes) evictOldest();
  pooledBytes += a.byteLength;
  arrivals.set(a.buffer, a);
  const list = pool.get(a.length);
  if (list) list.push(a);
  else pool.set(a.length, [a]);
  return true;
}

function evictOldest(): void {
  const old = arrivals.values().next().value as Float32Array;
  arrivals.delete(old.buffer);
  const list = pool.get(old.length) as Float32Array[];
  list.splice(list.indexOf(old), 1);
  pooledBytes -= old.byteLength;
}

// How many recorded nodes that await their backward read each constant (a tensor that needs no
// gradient) as an input: a constant of the library's own goes back to the pool when the last of them
// has run, not the first (GRU's first h is read by its projection and by its cell).
const constantReaders = new WeakMap<object, number>();

/** A node just recorded reads constant `t` (core.ts record). */
export function constantRead(t: object): void {
  constantReaders.set(t, (constantReaders.get(t) ?? 0) + 1);
}

/** A node that read constant `t` ran its backward: true when no other waiting node reads it. */
export function constantReadDone(t: object): boolean {
  const n = (constantReaders.get(t) ?? 1) - 1;
  if (n > 0) constantReaders.set(t, n);
  else constantReaders.delete(t);
  return n <= 0;
}

/** True when some node that awaits its backward reads constant `t` as an input. */
export function hasConstantReaders(t: object): boolean {
  return constantReaders.has(t);
}

/** An op was recorded for backward (called once its output tensor exists): its time, for nodeUsedUp. */
export function nodeRecorded(): number {
  pendingTimes.push(++clock);
  return clock;
}

/** The backward of the op recorded at `time` ran (autograd.ts releases its node). */
export function nodeUsedUp(time: number): void {
  if (time !== pendingTimes[pendingTimes.length - 1]) {
    usedBelow.add(time);
    // Used-up times below a node that never sees its backward: compacted once they outnumber the
    // waiting ones (a graph left waiting between every forward and backward would grow them).
    if (usedBelow.size > 1024 && usedBelow.size > waitingNodes()) {
      const waiting = pendingTimes.filter((t) => !usedBelow.has(t));
      pendingTimes.length = 0;
      pendingTimes.push(...waiting);
      usedBelow.clear();
    }
    return;
  }
  pendingTimes.pop();
  while (pendingTimes.length > 0 && usedBelow.delete(pendingTimes[pendingTimes.length - 1])) pendingTimes.pop();
}

/** fit() holds arrays in its native loop between these two calls. */
export function fitStarted(): void {
  runningFits++;
}
export function fitEnded(): void {
  runningFits--;
}

/** Large storage allocated fresh, not from the pool (storage.ts): memory().freshBytes. */
export function countFresh(bytes: number): void {
  freshBytes += bytes;
}

/** What the pool holds, and what keeps storage from going there now (memory() returns it). */
export function poolState(): MemoryInfo {
  return { pooledBytes, pooledArrays: arrivals.size, pendingBackwardNodes: waitingNodes(), runningFits, freshBytes };
}

/** Empties the pool (its arrays are left to the collector) and sets its limit (tests). */
export function clearPool(maxBytes = DEFAULT_POOL_BYTES): void {
  pool.clear();
  arrivals.clear();
  pooledBytes = 0;
  poolMaxBytes = maxBytes;
}

/** What tidy() disposes: the tensors made while its function ran. */
export interface ScopedTensor {
  dispose(): void;
}
const scopes: ScopedTensor[][] = [];

/** The Tensor constructor reports each new tensor to the innermost running tidy(), if any. */
export function trackCreated(t: ScopedTensor): void {
  if (scopes.length > 0) scopes[scopes.length - 1].push(t);
}

/** Runs fn with a fresh scope; returns fn's result and the tensors made meanwhile. */
export function inScope<T>(fn: () => T): { result: T; made: ScopedTensor[] } {
  const made: ScopedTensor[] = [];
  scopes.push(made);
  try {
    return { result: fn(), made };
  } finally {
    scopes.pop();
  }
}

// Tensors that a Sequential made between two of the library's own layers: nothing outside the library
// ever saw them, so once backward() has run the nodes that read them (their consumers' and their
// own), their storage is given back (autograd.ts).
const internal = new WeakSet<object>();

/** Marks an intermediate tensor that only the library holds (see `internal`). */
export function markInternal(t: object): void {
  internal.add(t);
}
export function isInternal(t: object): boolean {
  return internal.has(t);
}

// Arrays of the library's own that neverPool took out of the pool's reach: a gradient's storage may
// come back (recycleReleasedGrad).
const withdrawn = new WeakSet<Float32Array>();

/** An array the library keeps past its tensors' lives (gradients, optimizer state, module buffers): never pooled. */
export function neverPool(a: Float32Array): void {
  if (isPoolable(a)) {
    poolable.delete(a.buffer);
    withdrawn.add(a);
  }
}

/**
 * The storage of a gradient that its tensor released (Tensor.releaseGrad: nobody read it) and then
 * replaced with a newer array: nothing holds it any more, so it goes to the pool, if the library
 * made it. A leaf given a fresh gradient every step otherwise kept one idle array while the next
 * step's backward allocated another (a new 1 MB ArrayBuffer is ~20 us of zeroing and collection).
 */
export function recycleReleasedGrad(a: Float32Array): void {
  if (!withdrawn.has(a)) return;
  markPoolable(a);
  if (give(a)) withdrawn.delete(a);
  else poolable.delete(a.buffer);
}

const kept = new WeakSet<ScopedTensor>();

/** Exempts a tensor from the tidy() it was made in (module buffers, tensors passed to keep()). */
export function markKept(t: ScopedTensor): void {
  kept.add(t);
}
export function isKept(t: ScopedTensor): boolean {
  return kept.has(t);
}
