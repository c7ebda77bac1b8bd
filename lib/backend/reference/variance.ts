// The variance along one dimension in double, rounded once: the specification of the native
// kernel (native/src/kernels/variance.cc), which adds in the same order and so gives the same bits.

/** sum(term(x[l])) over a row in four partial sums, element l into sum l mod 4, added as (s0 + s1) + (s2 + s3). */
function rowSum(x: Float32Array, base: number, len: number, term: (v: number) => number): number {
  const p = [0, 0, 0, 0];
  for (let l = 0; l < len; l++) p[l & 3] += term(x[base + l]);
  return (p[0] + p[1]) + (p[2] + p[3]);
}

export function variance(x: Float32Array, outer: number, len: number, inner: number, correction: number, takeSqrt: boolean, out: Float32Array): void {
  const divisor = Math.max(0, len - correction);
  const finish = (m2: number) => (takeSqrt ? Math.sqrt(m2 / divisor) : m2 / divisor);
  for (let o = 0; o < outer; o++) {
    const slice = o * len * inner;
    if (inner === 1) {
      const mean = rowSum(x, slice, len, (v) => v) / len;
      out[o] = finish(rowSum(x, slice, len, (v) => (v - mean) * (v - mean)));
      continue;
    }
    // Each column summed down the rows, one sum each.
    for (let i = 0; i < inner; i++) {
      let sum = 0;
      for (let l = 0; l < len; l++) sum += x[slice + l * inner + i];
      const mean = sum / len;
      let m2 = 0;
      for (let l = 0; l < len; l++) {
        const d = x[slice + l * inner + i] - mean;
        m2 += d * d;
      }
      out[o * inner + i] = finish(m2);
    }
  }
}
