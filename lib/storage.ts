// Where tensor memory comes from. Always Float32Array for users; the reference backend can be
// switched to Float64Array storage so that finite-difference gradient checks run in double precision.
// The Float64 mode is internal (tests only) and refused on the native backend.

let float64 = false;

/** Allocates zeroed tensor storage of `n` elements. */
export function alloc(n: number): Float32Array {
  return (float64 ? new Float64Array(n) : new Float32Array(n)) as unknown as Float32Array;
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
