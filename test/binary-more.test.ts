// lib/ops/binary_more.ts's atan2, fmod, remainder, logaddexp and hypot: their signs and special
// cases as torch's documentation gives them, the method forms, and the argument errors. Their values
// and gradients against torch are in special-values.test.ts and ops-fuzz.test.ts.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';

eachBackend('atan2, fmod, remainder, logaddexp, hypot', () => {
  it('take the signs torch gives them', () => {
    const a = bp.tensor([5, -5, 5, -5, 7.5, -0]);
    const b = bp.tensor([3, 3, -3, -3, 2.5, 1]);
    expect(bp.fmod(a, b).toArray()).toEqual([2, -2, 2, -2, 0, -0]); // the dividend's sign
    expect(bp.remainder(a, b).toArray()).toEqual([2, 1, -1, -2, 0, -0]); // the divisor's
    expect(bp.atan2(bp.tensor([0, 0, 1, -1]), bp.tensor([1, -1, 0, 0])).toArray()).toEqual([0, Math.fround(Math.PI), Math.fround(Math.PI / 2), -Math.fround(Math.PI / 2)]);
    expect(Array.from(bp.fmod(bp.tensor([1, Infinity]), 0).data).every(Number.isNaN)).toBe(true);
  });

  it('logaddexp and hypot do not overflow; logaddexp of two equal infinities is that infinity', () => {
    expect(bp.logaddexp(bp.tensor([1000, -Infinity, Infinity]), bp.tensor([1000, -Infinity, Infinity])).toArray()).toEqual([Math.fround(1000 + Math.LN2), -Infinity, Infinity]);
    expect(bp.hypot(bp.tensor([3e38, 3e-39]), bp.tensor([4e38, 4e-39])).toArray()).toEqual([Math.fround(5e38), Math.fround(5e-39)]);
  });

  it('broadcast, take numbers on either side, and have method forms', () => {
    const x = bp.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.fmod(bp.tensor([2, 3, 4])).toArray()).toEqual([[1, 2, 3], [0, 2, 2]]);
    expect(x.remainder(-4).toArray()).toEqual([[-3, -2, -1], [0, -3, -2]]);
    expect(bp.remainder(7, x).toArray()).toEqual([[0, 1, 1], [3, 2, 1]]);
    expect(x.atan2(x).toArray()).toEqual(bp.atan2(x, x).toArray());
    expect(x.logaddexp(0).shape).toEqual([2, 3]);
    expect(x.hypot(bp.tensor([[0], [0]])).toArray()).toEqual(x.toArray());
  });

  it('name the op and the shapes that do not broadcast, or the operand that is not a tensor', () => {
    const x = bp.tensor([[1, 2, 3], [4, 5, 6]]);
    for (const f of ['atan2', 'fmod', 'remainder', 'logaddexp', 'hypot'] as const) {
      expect(() => bp[f](x, bp.tensor([1, 2]))).toThrow(new RegExp(`${f}.*\\[2, 3\\].*\\[2\\]`));
      expect(() => bp[f](x, 'y' as unknown as number)).toThrow(`${f}: expected a Tensor or a number, got string`);
    }
  });
});
