// Where tensor memory comes from. Always Float32Array for users; the reference backend can be
// switched to Float64Array storage so that finite-difference gradient checks run in double precision.
// The Float64 mode is internal (tests only) and refused on the native backend.

let float64 = false;

// Small arrays are views into shared 256 KiB slabs. A typed array with its own buffer costs ~1 us
// to create (a zeroed backing store, registered with the garbage collector), which is most of a
// small op's time (a 2-4-1 training step makes ~20 of them); a view of a fresh, already zeroed
// slab costs ~0.1 us. A slab is freed when no view of it is left, so one long-lived small tensor
// can keep at most one slab (64x its size at the 4 KiB limit) alive. Arrays of up to 16 floats
// live in the JavaScript heap and are cheap already.
const SLAB_BYTES = 1 << 18;
const SLAB_MAX = 1024; // floats
const SLAB_MIN = 16;
let slab = new ArrayBuffer(0);
let slabUsed = 0;

function slabView(n: number): Float32Array {
  const bytes = (n * 4 + 31) & ~31; // 32-byte aligned, as SIMD loads like
  if (slabUsed + bytes > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const view = new Float32Array(slab, slabUsed, n);
  slabUsed += bytes;
  return view;
}

/** Allocates zeroed tensor storage of `n` elements. */
export function alloc(n: number): Float32Array {
  if (float64) return new Float64Array(n) as unknown as Float32Array;
  return n > SLAB_MIN && n <= SLAB_MAX ? slabView(n) : new Float32Array(n);
}

/**
 * Allocates storage for an output that a kernel overwrites in full: its contents are unspecified.
 * Above the slab size it skips the zero fill: a fresh 1 MB Float32Array costs ~125 us on the test
 * machine (calloc clears memory that is rarely cached any more), an uncleared one 10-30 us, and a
 * training step of a wide MLP makes several.
 */
export function allocOutput(n: number): Float32Array {
  if (float64 || n <= SLAB_MAX) return alloc(n);
  const bytes = Buffer.allocUnsafeSlow(n * 4);
  return new Float32Array(bytes.buffer, bytes.byteOffset, n);
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
