// Sliding-window arithmetic shared by the pooling ops and the reference kernels.

/** A window's first row (column) at or past 0, stepping by the dilation d (>= 1) from its start. */
export function firstInside(start: number, d: number): number {
  return start >= 0 ? start : start + Math.ceil(-start / d) * d;
}

/**
 * The window elements [e0, e1) along one dimension that some of the `out` windows has inside the
 * image (position t s - p + e d in [0, size) for some t < out): native/src/kernels/image.cc's
 * elements_inside, which skips the rest (padding for every window).
 */
export function elementsInside(k: number, s: number, p: number, d: number, out: number, size: number): [number, number] {
  return [Math.max(0, Math.ceil((p - (out - 1) * s) / d)), out > 0 ? Math.min(k, Math.ceil((size + p) / d)) : 0];
}
