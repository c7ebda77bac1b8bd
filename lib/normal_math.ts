// The two functions a Box-Muller normal needs, sqrt(-2 ln u) and (cos, sin)(2 pi v), for the
// generator's draws u = k / 2^24 (k in [1, 2^24)) and v = j / 2^24 (j in [0, 2^24)), written with
// +, -, *, / and sqrt alone, each rounded once in IEEE double: so that the native normal fill
// (native/src/kernels/normal_lanes.inc), which computes the same operations in the same order in
// vector lanes, gives the same bits. Math.log, Math.sin and Math.cos leave their algorithm to the
// engine (V8's are fdlibm's, glibc's differ from them in a few percent of doubles), so the native
// fill could not have matched them. Both functions are within about an ulp of the exact values: the
// float32 normals equalled Math's in all of 8M draws checked (test/normal-math.test.ts allows 2 in 2M).

/** sqrt(2) above which a mantissa is halved, so that f = m - 1 lies in [-0.29, 0.42]. */
const SQRT2 = Math.SQRT2;
// fdlibm's ln 2 split (ln2Hi has 32 significant bits, so e * ln2Hi is exact for |e| < 2^21) and its
// minimax coefficients of log(1 + f) = 2 atanh(s), s = f / (2 + f): error below 2^-58.45.
const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const LG1 = 6.666666666666735130e-01;
const LG2 = 3.999999999940941908e-01;
const LG3 = 2.857142874366239149e-01;
const LG4 = 2.222219843214978396e-01;
const LG5 = 1.818357216161805012e-01;
const LG6 = 1.531383769920937332e-01;
const LG7 = 1.479819860511658591e-01;
// fdlibm's kernel sin and cos coefficients on [-pi/4, pi/4].
const S1 = -1.66666666666666324348e-01;
const S2 = 8.33333333332248946124e-03;
const S3 = -1.98412698298579493134e-04;
const S4 = 2.75573137070700676789e-06;
const S5 = -2.50507602534068634195e-08;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-02;
const C2 = -1.38888888888741095749e-03;
const C3 = 2.48015872894767294178e-05;
const C4 = -2.75573143513906633035e-07;
const C5 = 2.08757232129817482790e-09;
const C6 = -1.13596475577881948265e-11;
/** 2^-n for n < 25 (k = 2^n m: m = k 2^-n, exact), a table: `2 ** -n` was half randn's time in V8. */
const INV_POW2 = Float64Array.from({ length: 25 }, (_, n) => 2 ** -n);
/** pi / 2^23: j's step in angle is 2 pi / 2^24. */
const ANGLE_STEP = Math.PI / 8388608;

/** ln(k / 2^24) for an integer k in [1, 2^24). */
export function logDraw(k: number): number {
  // k = 2^n m with m in [1, 2), both exact; halving m above sqrt(2) centres f = m - 1 on 0.
  let n = 31 - Math.clz32(k);
  let m = k * INV_POW2[n];
  if (m > SQRT2) {
    m *= 0.5;
    n += 1;
  }
  const e = n - 24;
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const r = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))) + w * (LG2 + w * (LG4 + w * LG6));
  const hfsq = 0.5 * f * f;
  return e * LN2_HI - ((hfsq - (s * (hfsq + r) + e * LN2_LO)) - f);
}

/** The Box-Muller radius sqrt(-2 ln(k / 2^24)) for k in [1, 2^24). */
export function radiusOf(k: number): number {
  return Math.sqrt(-2 * logDraw(k));
}

/**
 * cos and sin of 2 pi j / 2^24 for an integer j in [0, 2^24), written to out[0] and out[1]. The
 * angle is cut exactly, in integers: j's top two bits are the quadrant, and past the octant the
 * complement's sine and cosine are swapped, so the polynomials see x in [0, pi/4].
 */
export function cosSinDraw(j: number, out: Float64Array): void {
  const q = j >>> 22;
  const t = j & 0x3fffff;
  const swap = t > 0x200000;
  const x = (swap ? 0x400000 - t : t) * ANGLE_STEP;
  const z = x * x;
  const sn = x + z * x * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))));
  const cs = 1 - (0.5 * z - z * (z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))))));
  const s = swap ? cs : sn;
  const c = swap ? sn : cs;
  const a = q & 1 ? c : s; // the sine before the half turn's sign
  const b = q & 1 ? s : c;
  out[0] = (q + 1) & 2 ? -b : b;
  out[1] = q & 2 ? -a : a;
}
