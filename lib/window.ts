// Sliding-window arithmetic shared by the pooling ops and the reference kernels.

/** A window's first row (column) at or past 0, stepping by the dilation d (>= 1) from its start. */
export function firstInside(start: number, d: number): number {
  return start >= 0 ? start : start + Math.ceil(-start / d) * d;
}
