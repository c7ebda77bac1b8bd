// Copying one array into another: TypedArray.set for small arrays, the backend's threaded strided
// copy for large ones on the native backend (ops' clone and narrows, and a leaf's first .grad), and
// copies of blocks (join's cuts and joins, and the walk's gradients of a block: autograd.ts).
import { B } from './backend/registry';
import { int32sFrom } from './tiny';

/** Copies of at least this many floats go to the backend's (threaded) strided copy rather than TypedArray.set. */
export const BULK_COPY = 1 << 16;

// The stride of a contiguous walk: the kernel only reads it.
const UNIT = int32sFrom([1]);

/**
 * Whether copies may go to the backend's strided copy at all: on the native backend (the reference
 * backend's is a JavaScript loop, 20x slower than TypedArray.set).
 */
export function nativeCopy(): boolean {
  return B().name === 'native';
}

/** Whether a copy of n floats should go to the backend's strided copy: large, on the native backend. */
export function bulkCopy(n: number): boolean {
  return n >= BULK_COPY && nativeCopy();
}

/** Copies src into dst (as long as src): one threaded backend call when large. */
export function copyInto(src: Float32Array, dst: Float32Array): void {
  if (bulkCopy(src.length)) B().stridedCopy(src, UNIT, dst, int32sFrom([src.length]));
  else dst.set(src);
}

// Blocks shorter than this are copied element by element where TypedArray.set would be called per
// block: a call costs ~75 ns (a subarray made and checked), which for the columns of a narrow along
// dim 1 was the whole copy ([2048, 2048].narrow(1, 5, 3): 154 us, PyTorch's .contiguous() 12).
const SHORT_BLOCK = 16;
// From this many blocks on, the native backend's strided copy takes them in one call (~1 us).
const NATIVE_BLOCKS = 16;

/** Copies `count` blocks of `len` floats from src (every `srcStride`) to dst (every `dstStride`). */
export function copyBlocks(src: Float32Array, srcOffset: number, srcStride: number,
  dst: Float32Array, dstOffset: number, dstStride: number, len: number, count: number): void {
  // On the native backend, many blocks or a large copy go to its strided copy: one call, threaded
  // (one large block too: stack's along dim 0 scaled 1.09x at two threads through TypedArray.set).
  // Row by row here, [2048, 2048] narrowed to 1000 columns took 0.8 ms at one thread and at two
  // (PyTorch's narrow(...).contiguous(): 0.23 and 0.11).
  if (count >= NATIVE_BLOCKS ? nativeCopy() : bulkCopy(len * count)) {
    const into = dstStride === len ? null : int32sFrom([dstStride, 1]);
    const end = dstOffset + (count - 1) * dstStride + len;
    B().stridedCopy(src.subarray(srcOffset), int32sFrom([srcStride, 1]), dst.subarray(dstOffset, end), int32sFrom([count, len]), into);
  } else if (len < SHORT_BLOCK) {
    for (let o = 0; o < count; o++) {
      const s = srcOffset + o * srcStride;
      const d = dstOffset + o * dstStride;
      for (let i = 0; i < len; i++) dst[d + i] = src[s + i];
    }
  } else {
    for (let o = 0; o < count; o++) {
      const s = srcOffset + o * srcStride;
      dst.set(src.subarray(s, s + len), dstOffset + o * dstStride);
    }
  }
}
