// randint, randperm, linspace and the *Like creators: torch's meanings, the generator's
// reproducibility on both backends, and named errors for bad arguments.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

eachBackend('randint and randperm', (backend) => {
  it('randint(high, shape) and randint(low, high, shape): integers in [low, high), every one drawn, reproducible', () => {
    bp.manualSeed(7);
    const a = bp.randint(5, [4000]);
    expect(a.shape).toEqual([4000]);
    const seen = new Set(a.toArray() as number[]);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
    const b = bp.randint(-3, 4, [50, 40], { requiresGrad: false });
    expect(b.shape).toEqual([50, 40]);
    const values = Array.from(b.data);
    expect(values.every((v) => Number.isInteger(v) && v >= -3 && v < 4)).toBe(true);
    expect(new Set(values).size).toBe(7);
    // Each of the 7 values about 2000 / 7 times (a binomial's sd is ~15.6: 6 sd either way).
    for (let v = -3; v < 4; v++) expect(Math.abs(values.filter((x) => x === v).length - 2000 / 7)).toBeLessThan(94);
    bp.manualSeed(7);
    expect(Array.from(bp.randint(5, [4000]).data)).toEqual(Array.from(a.data));
    // The widest range: the generator's 24 bits spread over it.
    const wide = bp.randint(-(2 ** 23), 2 ** 23, [1000]);
    expect(Array.from(wide.data).every((v) => Number.isInteger(v) && v >= -(2 ** 23) && v < 2 ** 23)).toBe(true);
    expect(new Set(wide.data).size).toBeGreaterThan(990);
  });

  it('the same seed gives the same draws on this backend as on the reference', () => {
    bp.manualSeed(11);
    const here = [Array.from(bp.randint(2, 9, [33]).data), Array.from(bp.randperm(40).data)];
    const prev = bp.getBackend();
    bp.setBackend('reference');
    bp.manualSeed(11);
    const there = [Array.from(bp.randint(2, 9, [33]).data), Array.from(bp.randperm(40).data)];
    bp.setBackend(prev);
    expect(here).toEqual(there);
    expect(backend).toBe(prev);
  });

  it('randperm(n): each of 0 ... n-1 once, in an order that changes with the seed', () => {
    for (const n of [0, 1, 2, 7, 65, 1000]) {
      const p = Array.from(bp.randperm(n).data);
      expect(p.length).toBe(n);
      expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    bp.manualSeed(1);
    const first = Array.from(bp.randperm(100).data);
    bp.manualSeed(2);
    expect(Array.from(bp.randperm(100).data)).not.toEqual(first);
    bp.manualSeed(1);
    expect(Array.from(bp.randperm(100).data)).toEqual(first);
    expect(bp.randperm(3, { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('bad arguments are named', () => {
    expect(() => bp.randint(0, [3])).toThrow(/randint: high \(0\) must be greater than low \(0\)/);
    expect(() => bp.randint(5, 2, [3])).toThrow(/randint: high \(2\) must be greater than low \(5\)/);
    expect(() => bp.randint(1.5, [3])).toThrow(/randint: high must be an integer of magnitude at most 2\^24, got 1.5/);
    expect(() => bp.randint(NaN, 3, [3])).toThrow(/randint: low must be an integer/);
    expect(() => bp.randint(-(2 ** 24), 2 ** 24, [3])).toThrow(/randint: the range \[-16777216, 16777216\) holds more than 2\^24 integers/);
    expect(() => bp.randint(3, 5 as unknown as number[])).toThrow(/randint: shape must be an array of sizes, got undefined/);
    expect(() => bp.randint(3, 4, 5 as unknown as number[])).toThrow(/randint: shape must be an array of sizes, got 5/);
    expect(() => bp.randint(0, 3, null as unknown as number[])).toThrow(/randint: shape must be an array of sizes, got null/);
    expect(() => bp.randint(3, [-1])).toThrow(/randint/);
    expect(() => bp.randperm(-1)).toThrow(/randperm: n must be an integer in \[0, 2\^24\], got -1/);
    expect(() => bp.randperm(2.5)).toThrow(/randperm: n must be an integer/);
    expect(() => bp.randperm(2 ** 24 + 1)).toThrow(/randperm: n must be an integer in \[0, 2\^24\]/);
  });
});

describe('linspace and the *Like creators', () => {
  it('linspace: both ends exact, evenly spaced, torch-shaped for 0, 1 and 2 steps', () => {
    expect(bp.linspace(0, 1, 0).shape).toEqual([0]);
    expect(bp.linspace(3, 7, 1).toArray()).toEqual([3]);
    expect(bp.linspace(3, 7, 2).toArray()).toEqual([3, 7]);
    expect(bp.linspace(-1, 1, 5).toArray()).toEqual([-1, -0.5, 0, 0.5, 1]);
    for (const [a, b, n] of [[0, 1, 10], [-3.3, 17.1, 101], [1e-3, 2.5e4, 33], [5, -5, 8], [0.1, 0.7, 1000]]) {
      const v = Array.from(bp.linspace(a, b, n).data);
      expect(v[0]).toBe(Math.fround(a));
      expect(v[n - 1]).toBe(Math.fround(b));
      v.forEach((x, i) => expect(Math.abs(x - (a + ((b - a) * i) / (n - 1)))).toBeLessThanOrEqual(4e-7 * Math.max(Math.abs(a), Math.abs(b))));
    }
    expect(bp.linspace(0, 1, 4, { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it.runIf(haveTorch)('linspace: within 4 float32 ulps of the larger end of torch.linspace', () => {
    // torch takes a vector of its width from one end (Vectorized::arange) across the halfway mark,
    // where each element here comes from its own end: a few ulps apart in the middle.
    const cases = [[0, 1, 10], [-3.3, 17.1, 101], [1e-3, 2.5e4, 33], [5, -5, 8], [0.1, 0.7, 1000], [2, 3, 3]];
    const theirs = torchJson<number[][]>('import sys, json, torch\nprint(json.dumps([torch.linspace(a, b, int(n), dtype=torch.float32).tolist() for a, b, n in json.load(sys.stdin)]))', JSON.stringify(cases));
    cases.forEach(([a, b, n], k) => {
      const ours = Array.from(bp.linspace(a, b, n).data);
      const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(a), Math.abs(b)))) - 23);
      ours.forEach((x, i) => expect(Math.abs(x - theirs[k][i]), `linspace(${a}, ${b}, ${n})[${i}]`).toBeLessThanOrEqual(4 * ulp));
      expect([ours[0], ours[n - 1]]).toEqual([theirs[k][0], theirs[k][n - 1]]);
    });
  });
  noteIfNoTorch('linspace against torch');

  it('fullLike, randLike and randnLike take the shape of their tensor', () => {
    const t = bp.zeros([3, 1, 4]);
    expect(bp.fullLike(t, 2.5).toArray()).toEqual([[[2.5, 2.5, 2.5, 2.5]], [[2.5, 2.5, 2.5, 2.5]], [[2.5, 2.5, 2.5, 2.5]]]);
    const u = bp.randLike(t);
    expect(u.shape).toEqual([3, 1, 4]);
    expect(Array.from(u.data).every((v) => v >= 0 && v < 1)).toBe(true);
    bp.manualSeed(3);
    const n1 = bp.randnLike(t);
    bp.manualSeed(3);
    expect(Array.from(n1.data)).toEqual(Array.from(bp.randn([3, 1, 4]).data));
  });

  it('bad arguments are named', () => {
    expect(() => bp.linspace(0, 1, -1)).toThrow(/linspace: steps must be a non-negative integer, got -1/);
    expect(() => bp.linspace(0, 1, 2.5)).toThrow(/linspace: steps must be a non-negative integer, got 2.5/);
    expect(() => bp.linspace('a' as unknown as number, 1, 3)).toThrow(/linspace: start/);
    expect(() => bp.fullLike([1, 2] as unknown as bp.Tensor, 1)).toThrow(/fullLike/);
    expect(() => bp.fullLike(bp.zeros([2]), 'x' as unknown as number)).toThrow(/full: value/);
    expect(() => bp.randLike(null as unknown as bp.Tensor)).toThrow(/randLike/);
    expect(() => bp.randnLike(3 as unknown as bp.Tensor)).toThrow(/randnLike/);
  });
});
