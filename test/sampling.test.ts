// bernoulli, multinomial, normal and poisson: their distributions (frequencies, means, variances),
// multinomial's rule without replacement, repeatability under manualSeed, shapes, and the errors.
// (The library's generator is not torch's, so the draws are checked by their statistics.)
import { expect, it } from 'vitest';
import * as bp from '../lib/index';

const meanOf = (d: ArrayLike<number>) => Array.from(d).reduce((s, v) => s + v, 0) / d.length;
const varOf = (d: ArrayLike<number>) => {
  const m = meanOf(d);
  return Array.from(d).reduce((s, v) => s + (v - m) ** 2, 0) / d.length;
};

it('bernoulli draws 1 with each element\'s probability, or with p', () => {
  bp.manualSeed(1);
  const probs = bp.tensor([0, 0.25, 0.9, 1]).expand([50000, 4]);
  const y = bp.bernoulli(probs);
  const cols = [0, 1, 2, 3].map((c) => meanOf(y.select(1, c).data));
  expect(cols[0]).toBe(0);
  expect(cols[3]).toBe(1);
  expect(Math.abs(cols[1] - 0.25)).toBeLessThan(0.01);
  expect(Math.abs(cols[2] - 0.9)).toBeLessThan(0.01);
  expect(Math.abs(meanOf(bp.zeros([40000]).bernoulli(0.3).data) - 0.3)).toBeLessThan(0.01);
});

it('multinomial draws by weight, with and without replacement', () => {
  bp.manualSeed(2);
  const w = bp.tensor([1, 0, 3, 6]);
  const counts = [0, 0, 0, 0];
  bp.multinomial(w, 40000, true).data.forEach((c) => counts[c]++);
  expect(counts[1]).toBe(0);
  [0.1, 0, 0.3, 0.6].forEach((p, c) => expect(Math.abs(counts[c] / 40000 - p)).toBeLessThan(0.01));
  // Without replacement: distinct categories, never a zero weight; all three positive ones when asked for three.
  for (let t = 0; t < 200; t++) {
    const s = Array.from(bp.multinomial(w, 3).data).sort();
    expect(s).toEqual([0, 2, 3]);
  }
  // The first draw of two without replacement still follows the weights.
  let first3 = 0;
  for (let t = 0; t < 4000; t++) if (bp.multinomial(w, 2).data[0] === 3) first3++;
  expect(Math.abs(first3 / 4000 - 0.6)).toBeLessThan(0.03);
  const rows = bp.multinomial(bp.tensor([[1, 1], [0, 5]]), 4, true);
  expect(rows.shape).toEqual([2, 4]);
  expect(Array.from(rows.select(0, 1).data)).toEqual([1, 1, 1, 1]);
});

it('normal draws of broadcast means and deviations, and of numbers with a shape', () => {
  bp.manualSeed(3);
  const y = bp.normal(bp.tensor([[-2], [5]]), bp.tensor([0.5, 3]).expand([20000, 2]).t().reshape([2, 20000]));
  expect(y.shape).toEqual([2, 20000]);
  expect(Math.abs(meanOf(y.select(0, 0).data) + 2)).toBeLessThan(0.02);
  expect(Math.abs(varOf(y.select(0, 0).data) - 0.25)).toBeLessThan(0.01);
  expect(Math.abs(meanOf(y.select(0, 1).data) - 5)).toBeLessThan(0.1);
  expect(Math.abs(varOf(y.select(0, 1).data) - 9)).toBeLessThan(0.3);
  const z = bp.normal(1, 2, [30000]);
  expect(Math.abs(meanOf(z.data) - 1)).toBeLessThan(0.05);
  expect(Math.abs(varOf(z.data) - 4)).toBeLessThan(0.15);
});

it('poisson draws with each rate, small and large', () => {
  bp.manualSeed(4);
  for (const lam of [0, 0.5, 3, 9.5, 10, 42, 1000]) {
    const d = bp.poisson(bp.full([20000], lam)).data;
    expect(d.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    const tol = 0.05 * Math.sqrt(lam) + 1e-9;
    expect(Math.abs(meanOf(d) - lam), `mean at ${lam}`).toBeLessThan(tol);
    expect(Math.abs(varOf(d) - lam), `variance at ${lam}`).toBeLessThan(0.05 * lam + 1e-9);
  }
});

it('repeats under manualSeed', () => {
  const draw = () => { bp.manualSeed(9); return [bp.bernoulli(bp.full([5], 0.5)), bp.multinomial(bp.ones([6]), 3), bp.normal(0, 1, [4]), bp.poisson(bp.full([3], 20))].map((t) => Array.from(t.data)); };
  expect(draw()).toEqual(draw());
});

it('names the function and what was wrong', () => {
  expect(() => bp.bernoulli(bp.tensor([0.5, 1.5]))).toThrow('bernoulli: probabilities must be in [0, 1], got 1.5 at element 1');
  expect(() => bp.bernoulli(bp.zeros([2]), 2)).toThrow('bernoulli: p must be in [0, 1], got 2');
  expect(() => bp.multinomial(bp.tensor([1, 0, 0]), 2)).toThrow('multinomial: row 0 has 1 categories of positive weight, fewer than the 2 samples asked without replacement');
  expect(() => bp.multinomial(bp.tensor([1, 2]), 3)).toThrow('multinomial: cannot draw 3 samples without replacement from 2 categories');
  expect(() => bp.multinomial(bp.tensor([1, -1]), 1)).toThrow('multinomial: weights must be finite and non-negative, got -1 at [0, 1]');
  expect(() => bp.multinomial(bp.zeros([2]), 1, true)).toThrow('multinomial: row 0 of the weights sums to 0');
  expect(() => bp.multinomial(bp.ones([2]), 0)).toThrow('multinomial: numSamples must be a positive integer, got 0');
  expect(() => bp.normal(bp.zeros([2]), -1)).toThrow('normal: std must be non-negative, got -1');
  expect(() => bp.normal(bp.zeros([2]), 1, [2])).toThrow("normal: shape is for number means and deviations; a tensor's shape gives the output's");
  expect(() => bp.normal(bp.zeros([2]), bp.ones([3]))).toThrow(/normal/);
  expect(() => bp.poisson(bp.tensor([1, -2]))).toThrow('poisson: rates must be finite and non-negative, got -2 at element 1');
});
