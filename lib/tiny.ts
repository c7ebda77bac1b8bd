// Slabs: off-heap ArrayBuffers that many small typed arrays are views of, handed out in order; and
// the home of the tiny Int32Arrays (up to 64 bytes) that kernel calls take: strides, shapes, small
// index lists, made for one call and dropped.
//
// V8 keeps a typed array of up to 64 bytes inside its own heap: ~0.02 us to create, but the first
// time anything asks for its memory (the addon's napi_get_typedarray_info, a .buffer read) V8 moves
// it out, ~0.25 us more. A view of a slab costs ~0.03 us (node 20, 5M calls each). W1's eager step
// passes a few dozen such arrays to the addon; moving them here took about 2.2 us off its ~15 (dist,
// one pinned thread: 15.3-15.4 -> 14.7-15.1 with tiny tensors' data alone moved, 12.6-12.7 with
// these too). A slab is freed when no view of it is left; tensors' data stays out of these slabs
// (storage.ts says why).

/** Views handed out one after the other from slabs of `slabBytes`, 32-byte aligned, zeroed (fresh). */
export class Slabs {
  private slab = new ArrayBuffer(0);
  private used = 0;
  constructor(private readonly slabBytes: number) {}

  /** Where the next array of `bytes` (at most slabBytes) lives: [buffer, byte offset]. */
  place(bytes: number): [ArrayBuffer, number] {
    const size = (bytes + 31) & ~31; // 32-byte aligned, as SIMD loads like
    if (this.used + size > this.slab.byteLength) {
      this.slab = new ArrayBuffer(this.slabBytes);
      this.used = 0;
    }
    const at = this.used;
    this.used += size;
    return [this.slab, at];
  }

  float32(n: number): Float32Array {
    const [buffer, at] = this.place(n * 4);
    return new Float32Array(buffer, at, n);
  }

  int32(n: number): Int32Array {
    const [buffer, at] = this.place(n * 4);
    return new Int32Array(buffer, at, n);
  }
}

export const TINY_BYTES = 64;
const tiny = new Slabs(4096);

/** A zeroed Int32Array of n elements (off V8's heap when it is tiny): kernels' strides and shapes. */
export function int32s(n: number): Int32Array {
  return n * 4 > TINY_BYTES ? new Int32Array(n) : tiny.int32(n);
}

/**
 * A zeroed Float32Array of at most 16 elements, off V8's heap: for an array that the library drops
 * before the call that made it returns (storage.ts's transientAlloc), never for a tensor's data.
 */
export function tinyFloat32s(n: number): Float32Array {
  return tiny.float32(n);
}

/** int32s holding `values`. */
export function int32sFrom(values: ArrayLike<number>): Int32Array {
  const a = int32s(values.length);
  for (let i = 0; i < values.length; i++) a[i] = values[i];
  return a;
}
