// Copying one array into another: TypedArray.set for small arrays, the backend's threaded strided
// copy for large ones on the native backend (ops' clone and narrows, and a leaf's first .grad).
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
