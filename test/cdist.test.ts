// cdist (lib/ops/cdist.ts) on its kernels: torch's values and gradients at sizes past torch's
// matrix-product threshold (asked for its direct path, whose arithmetic ours is), the reference's
// fmaf at the double-rounding ties, and the same values with and without a graph.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { fmaf } from '../lib/backend/reference/distances';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';
import { sameBits } from './helpers/golden';

const x = inputMaker(700);
const direct = "compute_mode='donot_use_mm_for_euclid_dist'";
const CALLS: TorchCall[] = [
  { name: 'cdist 70 x 33 to 40 x 33', inputs: { a: x([70, 33]), b: x([40, 33]) }, ours: (t) => bp.cdist(t.a, t.b), py: `torch.cdist(a, b, ${direct})` },
  { name: 'cdist p 1, batch broadcast, 9 columns', inputs: { a: x([2, 30, 9]), b: x([1, 27, 9]) }, ours: (t) => bp.cdist(t.a, t.b, 1), py: 'torch.cdist(a, b, p=1)' },
  { name: 'cdist p Infinity, 65 columns', inputs: { a: x([30, 65]), b: x([26, 65]) }, ours: (t) => bp.cdist(t.a, t.b, Infinity), py: "torch.cdist(a, b, p=float('inf'))" },
  { name: 'cdist with a row in both (distance 0)', inputs: { a: { shape: [2, 3], data: [1, 2, 3, 0.5, -1, 2], grad: true }, b: { shape: [2, 3], data: [1, 2, 3, 4, 0, -2], grad: true } },
    ours: (t) => bp.cdist(t.a, t.b), py: `torch.cdist(a, b, ${direct})` },
];

noteIfNoTorch('cdist against torch');
eachBackend('cdist', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls: torch's values and gradients`, () => {
    // Sums of up to 65 terms in another order than torch's vectors.
    expectCallsLikeTorch(CALLS, 2e-5);
  });

  it('the same values whether or not a gradient is recorded, and a 0-column input gives zeros', () => {
    const a = bp.randn([20, 7]), b = bp.randn([3, 13, 7]);
    for (const p of [1, 2, Infinity]) {
      const plain = bp.cdist(a, b, p);
      const graphed = bp.cdist(a.clone().requiresGrad_(), b, p);
      expect(graphed.requiresGrad).toBe(true);
      expect([...plain.shape]).toEqual([3, 20, 13]);
      expect(sameBits(plain.data, graphed.data), `p ${p}`).toBe(true);
    }
    expect(Array.from(bp.cdist(bp.zeros([2, 0]), bp.zeros([3, 0])).data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('names the mismatched batch dims', () => {
    expect(() => bp.cdist(bp.randn([2, 3, 4]), bp.randn([3, 3, 4]))).toThrow(/cdist/);
  });
});

it('fmaf: one rounding, where rounding a * b + c in double and then to float would break a tie the wrong way', () => {
  // a b = 2^-24 - 2^-70, c = 1 + 2^-23: the double sum is the midpoint 1 + 3 2^-24, which rounds to
  // even (1 + 2^-22); the exact sum lies just below it, so fmaf gives 1 + 2^-23.
  const a = Math.fround(2 ** -12 * (1 + 2 ** -23)), b = Math.fround(2 ** -12 * (1 - 2 ** -23)), c = Math.fround(1 + 2 ** -23);
  expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22);
  expect(fmaf(a, b, c)).toBe(1 + 2 ** -23);
  // Just above a midpoint whose even side is below: a b = 2^-24 + 2^-60, c = 1.
  const up = Math.fround(2 ** -12 * (1 + 2 ** -12)), down = Math.fround(2 ** -12 * (1 - 4095 * 2 ** -24));
  expect(Math.fround(up * down + 1)).toBe(1);
  expect(fmaf(up, down, 1)).toBe(1 + 2 ** -23);
  // Below a midpoint whose even side is below too: both roundings agree.
  expect(fmaf(Math.fround(2 ** -12 * (1 + 2 ** -22)), Math.fround(2 ** -12 * (1 - 2 ** -22)), 1)).toBe(1);
  expect(fmaf(3, 5, 0.5)).toBe(15.5);
  expect(fmaf(2 ** 100, 2 ** 100, 0)).toBe(Infinity);
  expect(fmaf(NaN, 1, 1)).toBeNaN();
});
