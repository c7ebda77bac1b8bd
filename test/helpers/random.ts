// Deterministic random data for tests (independent of the library's generator).
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

export function randomArray(n: number, r: () => number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/** The edge sizes every kernel is tested at. */
export const EDGE_SIZES = [1, 7, 8, 9, 63, 64, 65, 300];

/** Draws from r for random test cases: int(n) an integer in [0, n), pick(xs) one of xs, each one r() call. */
export function drawsOf(r: () => number): { int: (n: number) => number; pick: <T>(xs: readonly T[]) => T; floats: (n: number) => number[] } {
  const int = (n: number) => Math.floor(r() * n);
  // n float32 values uniform in [-1, 1): the random calls' inputs.
  const floats = (n: number) => Array.from({ length: n }, () => Math.fround(2 * r() - 1));
  return { int, pick: (xs) => xs[int(xs.length)], floats };
}

/** The number of elements of a shape. */
export const sizeOfShape = (s: readonly number[]): number => s.reduce((p, q) => p * q, 1);
