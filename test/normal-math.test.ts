// lib/normal_math.ts, the arithmetic of randn and init.normal on both backends: how far it is from
// the engine's Math.log, Math.cos and Math.sin (which the library used before), and what the
// public functions draw with it. The native twin's bits are checked against it in parity.test.ts.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { cosSinDraw, logDraw, radiusOf } from '../lib/normal_math';
import { nextU32 } from '../lib/random';
import { eachBackend } from './helpers/backends';

const TWO24 = 16777216;
const bits = new Float64Array(1);
const words = new BigInt64Array(bits.buffer);

/** How many doubles apart a and b are (same sign). */
function ulpsApart(a: number, b: number): number {
  bits[0] = a;
  const x = words[0];
  bits[0] = b;
  const d = x - words[0];
  return Number(d < 0n ? -d : d);
}

/** k in [1, 2^24): every one near both ends, a stride through the middle. */
function someDraws(stride: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k < TWO24; k += k < 4096 || k > TWO24 - 4096 ? 1 : stride) ks.push(k);
  return ks;
}

describe('normal_math', () => {
  it('logDraw is Math.log(k / 2^24) or one double from it, for k from 1 to 2^24 - 1', () => {
    let differ = 0;
    let worst = 0;
    const ks = someDraws(7);
    for (const k of ks) {
      const mine = logDraw(k);
      const engine = Math.log(k / TWO24);
      if (mine !== engine) {
        differ++;
        worst = Math.max(worst, ulpsApart(mine, engine));
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(differ / ks.length).toBeLessThan(0.03); // 1.5% over all 2^24 - 1
    expect(logDraw(TWO24 / 2)).toBe(-Math.LN2);
    // The largest draw, where ln(k / 2^24) loses nothing to cancellation: f = m - 1 is exact.
    expect(Math.abs(radiusOf(TWO24 - 1) / Math.sqrt(-2 * Math.log1p(-1 / TWO24)) - 1)).toBeLessThan(4e-16);
  });

  it('cosSinDraw is within 1e-15 of Math.cos and Math.sin of 2 pi j / 2^24, and exact at the quarter turns', () => {
    const out = new Float64Array(2);
    let worst = 0;
    let worstNorm = 0;
    for (let j = 0; j < TWO24; j += j < 4096 ? 1 : 5) {
      cosSinDraw(j, out);
      const a = (2 * Math.PI * j) / TWO24;
      worst = Math.max(worst, Math.abs(out[0] - Math.cos(a)), Math.abs(out[1] - Math.sin(a)));
      worstNorm = Math.max(worstNorm, Math.abs(out[0] * out[0] + out[1] * out[1] - 1));
    }
    expect(worst).toBeLessThan(1e-15);
    expect(worstNorm).toBeLessThan(1e-15);
    const quarter = TWO24 / 4;
    const at = (j: number): number[] => (cosSinDraw(j, out), Array.from(out));
    expect(at(0)).toEqual([1, 0]);
    expect(at(quarter).map(Math.abs)).toEqual([0, 1]);
    expect(at(2 * quarter).map((v, i) => (i === 1 ? Math.abs(v) : v))).toEqual([-1, 0]);
    expect(at(3 * quarter).map((v, i) => (i === 0 ? Math.abs(v) : v))).toEqual([0, -1]);
    // The octant's edge, where the polynomials swap: both sides agree with the engine's.
    for (const j of [quarter / 2 - 1, quarter / 2, quarter / 2 + 1, 5 * quarter / 2 + 1]) {
      cosSinDraw(j, out);
      expect(Math.abs(out[0] - Math.cos((2 * Math.PI * j) / TWO24))).toBeLessThan(1e-15);
    }
  });

  it('float32 normals are the ones Math.log, Math.cos and Math.sin gave, over a million pairs', () => {
    const s = Uint32Array.of(7, 11, 13, 17);
    const out = new Float64Array(2);
    const f = new Float32Array(4);
    let differ = 0;
    for (let i = 0; i < 1_000_000; i++) {
      let k = 0;
      while (k === 0) k = nextU32(s) >>> 8;
      const j = nextU32(s) >>> 8;
      const r0 = Math.sqrt(-2 * Math.log(k / TWO24));
      const a = (2 * Math.PI * j) / TWO24;
      f[0] = r0 * Math.cos(a);
      f[1] = r0 * Math.sin(a);
      cosSinDraw(j, out);
      const r1 = radiusOf(k);
      f[2] = r1 * out[0];
      f[3] = r1 * out[1];
      if (f[0] !== f[2]) differ++;
      if (f[1] !== f[3]) differ++;
    }
    expect(differ).toBeLessThanOrEqual(2); // none in 8 million while writing this test
  });
});

eachBackend('randn and init.normal through normal_math', () => {
  it('randn: a million standard normals with mean 0 and variance 1, and a seed repeats them', () => {
    bp.manualSeed(2026);
    const z = bp.randn([1_000_001]); // odd: the last pair's second normal waits for the next call
    const d = z.data;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < d.length; i++) {
      sum += d[i];
      sq += d[i] * d[i];
    }
    const mean = sum / d.length;
    expect(Math.abs(mean)).toBeLessThan(0.003);
    expect(Math.abs(sq / d.length - mean * mean - 1)).toBeLessThan(0.005);
    const next = bp.randn([3]).toArray() as number[];
    bp.manualSeed(2026);
    bp.randn([1_000_001]).dispose();
    expect(bp.randn([3]).toArray()).toEqual(next);
    z.dispose();
  });

  it('init.normal scales the same draws, and names a mean that is not a number', () => {
    const t = bp.zeros([5, 7]);
    bp.manualSeed(3);
    bp.nn.init.normal(t, 0, 0.5); // halving is exact: the same floats, halved
    bp.manualSeed(3);
    const z = bp.randn([35]).toArray() as number[];
    expect(Array.from(t.data)).toEqual(z.map((v) => 0.5 * v));
    expect(() => bp.nn.init.normal(t, 'a' as unknown as number)).toThrow(/normal: mean must be a number, got string/);
  });
});
