// Off-heap homes for typed arrays of up to 64 bytes: tiny tensors (a loss, a small layer's bias and
// its gradient) and the strides and shapes every strided kernel call takes.
//
// V8 keeps a typed array this small inside its own heap: ~0.02 us to create, but the first time
// anything asks for its memory (the addon's napi_get_typedarray_info, a .buffer read) V8 moves it
// out, ~0.25 us more. A view of an off-heap slab costs ~0.03 us (node 20, 5M calls each). W1's eager
// step passes a few dozen such arrays to the addon: 15.3-15.4 -> 14.7-15.1 us with tiny tensors
// alone moved to slabs (dist, one pinned thread, 3 runs each).
// A slab is freed when no view of it is left; one long-lived view keeps its 4 KiB slab alive (64x
// the view's 64 bytes at most), so tiny tensors kept by the thousand cost at most 4 KiB each.
export const TINY_BYTES = 64;
const SLAB_BYTES = 4096;
let slab = new ArrayBuffer(0);
let used = 0;

/** Where the next tiny array of `bytes` (<= TINY_BYTES) lives: fresh, hence zeroed, memory. */
function place(bytes: number): number {
  const size = (bytes + 31) & ~31; // 32-byte aligned, as SIMD loads like
  if (used + size > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const at = used;
  used += size;
  return at;
}

/** A zeroed Float32Array of n <= TINY_BYTES / 4 elements, off V8's heap. */
export function tinyFloat32(n: number): Float32Array {
  const at = place(n * 4);
  return new Float32Array(slab, at, n);
}

/** A zeroed Int32Array of n elements (off V8's heap when it is tiny): kernels' strides and shapes. */
export function int32s(n: number): Int32Array {
  if (n * 4 > TINY_BYTES) return new Int32Array(n);
  const at = place(n * 4);
  return new Int32Array(slab, at, n);
}

/** int32s holding `values`. */
export function int32sFrom(values: ArrayLike<number>): Int32Array {
  const a = int32s(values.length);
  for (let i = 0; i < values.length; i++) a[i] = values[i];
  return a;
}
