// The twins of native/src/kernels/double_loops.h's scalar pieces that change how a result is rounded
// (the element-wise loops there round as plain JavaScript does): used by eigh.ts and svd.ts.

/** sqrt(a^2 + b^2) without overflow (Numerical Recipes' pythag), as double_loops.h's. */
export function pythag(a: number, b: number): number {
  const x = Math.abs(a), y = Math.abs(b);
  if (x > y) return x * Math.sqrt(1 + (y / x) * (y / x));
  return y === 0 ? 0 : y * Math.sqrt(1 + (x / y) * (x / y));
}

/** sqrt(a^2 + b^2) as written between 1e-150 and 1e150, else pythag: double_loops.h's rotation_length. */
export function rotationLength(a: number, b: number): number {
  const r = Math.sqrt(a * a + b * b);
  return r > 1e-150 && r < 1e150 ? r : pythag(a, b);
}

/** x[xo..] . y[yo..] over len elements with four partial sums (element i into sum i mod 4), as double_loops.h's dot4. */
export function dot4(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (; i + 4 <= len; i += 4) {
    s0 += x[xo + i] * y[yo + i];
    s1 += x[xo + i + 1] * y[yo + i + 1];
    s2 += x[xo + i + 2] * y[yo + i + 2];
    s3 += x[xo + i + 3] * y[yo + i + 3];
  }
  if (i < len) s0 += x[xo + i] * y[yo + i];
  if (i + 1 < len) s1 += x[xo + i + 1] * y[yo + i + 1];
  if (i + 2 < len) s2 += x[xo + i + 2] * y[yo + i + 2];
  return (s0 + s1) + (s2 + s3);
}
