// Where tensor memory comes from. Always Float32Array for users; the reference backend can be
// switched to Float64Array storage so that finite-difference gradient checks run in double precision.
// The Float64 mode is internal (tests only) and refused on the native backend.

import { loadNative } from './backend/native';
import { countFresh, markPoolable, neverPool, POOL_MIN_LENGTH, takePooled } from './reuse';
import { int32s, Slabs, TINY_BYTES, tinyFloat32s } from './tiny';

let float64 = false;

// Small arrays are views into shared 256 KiB slabs. A typed array with its own buffer costs ~1 us
// to create (a zeroed backing store, registered with the garbage collector), which is most of a
// small op's time (a 2-4-1 training step makes ~20 of them); a view of a fresh, already zeroed
// slab costs ~0.03 us. A slab is freed when no view of it is left, so one long-lived small tensor
// keeps its whole slab alive (4000x the size of a 17-float tensor; 64x at the 4 KiB limit).
// Arrays of up to 16 floats stay in V8's heap: a slab view would save the ~0.25 us V8 spends moving
// one out the first time the addon reads it (W1's step 12.3-12.7 -> 11.6-12.4 us), but a kept tiny
// tensor would pin its slab, and with it every tiny array made beside it: 100k W1 losses kept in an
// array held 33 MB of slabs, 4.3 MB in V8's heap. (The strides and shapes kernels take are never
// kept: tiny.ts.)
const SLAB_MAX = POOL_MIN_LENGTH; // floats: larger arrays have buffers of their own, and may be pooled (reuse.ts)
const SLAB_MIN = TINY_BYTES / 4;
const slabs = new Slabs(1 << 18);

// Arrays past the slab limit start on a 64-byte cache line, found with the addon's prepareStorage
// (without the addon they start where the allocator puts them), which also asks for 2 MiB pages for
// buffers of 32 MiB or more before their first touch (native/src/runtime/allocator.cc). malloc'd
// memory starts 16 bytes past a line, and then every 64-byte row of a GEMM's output tile straddles
// two lines: square 1024 and 2048 products ran at 165 and 150 GFLOP/s instead of 186 and 190 (C++
// harness, one thread, AVX-512 set), W3's products 2-8% slower.
const LINE = 64;
let prepareStorage: ((buffer: ArrayBuffer) => number) | null | undefined;

function lineAligned(buffer: ArrayBuffer, n: number): Float32Array {
  if (prepareStorage === undefined) {
    const nat = loadNative().backend as { prepareStorage?: (buffer: ArrayBuffer) => number } | null;
    prepareStorage = nat?.prepareStorage ?? null;
  }
  const mod = prepareStorage ? prepareStorage(buffer) : 0;
  return new Float32Array(buffer, mod % 4 === 0 ? (LINE - mod) % LINE : 0, n);
}

// A buffer for n elements and a line's slack; V8's own RangeError ('Array buffer allocation failed')
// would not say how much was asked for.
function bigBuffer(n: number, zeroed: boolean): ArrayBuffer {
  try {
    const buffer = zeroed ? new ArrayBuffer(n * 4 + LINE) : Buffer.allocUnsafeSlow(n * 4 + LINE).buffer;
    countFresh(n * 4);
    return buffer;
  } catch (e) {
    throw new RangeError(`cannot allocate tensor storage of ${n} float32 elements (${(n * 4 / 2 ** 30).toFixed(1)} GiB): ${(e as Error).message}`);
  }
}

/** Allocates zeroed tensor storage of `n` elements. */
export function alloc(n: number): Float32Array {
  if (float64) return new Float64Array(n) as unknown as Float32Array;
  if (n <= SLAB_MIN) return new Float32Array(n);
  if (n <= SLAB_MAX) return slabs.float32(n);
  const pooled = takePooled(n);
  if (pooled) return pooled.fill(0);
  return markPoolable(lineAligned(bigBuffer(n, true), n));
}

/**
 * Storage for an array that the library writes in full and drops before returning to the caller (a
 * backward's seed, a gradient on its way to being expanded): a tiny one is a view of tiny.ts's slabs
 * rather than an array in V8's heap, which V8 moves out (~0.25 us) the first time the addon reads
 * it, and whose buffer every young-generation collection then sweeps (W1's backward made two a
 * step); a larger one is allocOutput's.
 */
export function transientAlloc(n: number): Float32Array {
  return float64 || n > SLAB_MIN ? allocOutput(n) : tinyFloat32s(n);
}

/** Zeroed storage that the library keeps for good (optimizer state): never given to the pool. */
export function stateAlloc(n: number): Float32Array {
  const a = alloc(n);
  neverPool(a);
  return a;
}

/**
 * Allocates storage for an output that a kernel overwrites in full: its contents are unspecified.
 * Above the slab size it skips the zero fill: a fresh 1 MB Float32Array costs ~125 us on the test
 * machine (calloc clears memory that is rarely cached any more), an uncleared one 10-30 us, and a
 * training step of a wide MLP makes several.
 */
export function allocOutput(n: number): Float32Array {
  if (float64 || n <= SLAB_MAX) return alloc(n);
  return takePooled(n) ?? markPoolable(lineAligned(bigBuffer(n, false), n));
}

/**
 * Int32 storage that is written in full before it is read (class indices, gather's reading
 * positions): from the slabs as small floats are, above the slab size not zero-filled first.
 */
export function allocIndexOutput(n: number): Int32Array {
  if (n <= SLAB_MIN) return int32s(n);
  if (n <= SLAB_MAX) return slabs.int32(n);
  return new Int32Array(bigBuffer(n, false), 0, n);
}

/** True when the two arrays overlap in memory (views of one buffer). */
export function sharesMemory(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** Copies numbers into fresh storage. */
export function fromNumbers(src: ArrayLike<number>): Float32Array {
  const out = alloc(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i];
  return out;
}

export function isFloat64Storage(): boolean {
  return float64;
}

/** @internal Runs `fn` with float64 storage (reference backend only); used by gradient checks. */
export function withFloat64<T>(fn: () => T): T {
  const prev = float64;
  float64 = true;
  try {
    return fn();
  } finally {
    float64 = prev;
  }
}

/** A number rounded to a storage's precision. */
export type Round = (v: number) => number;
const keepDouble: Round = (v) => v;

/**
 * The rounding of arithmetic whose result is stored in `out`: Math.fround for float32 storage (so
 * that a JavaScript loop's intermediates overflow, and meet zeros, where float arithmetic's do),
 * nothing for the float64 storage of gradient checks.
 */
export const roundingOf = (out: Float32Array | Float64Array): Round => (out instanceof Float64Array ? keepDouble : Math.fround);
