// Tensors of more than 16 dimensions (torch allows 25): the native kernels walk at most 16, so the
// ops coalesce longer walks first. Each op on a 20-dimensional tensor must give what it gives on
// the same data with the size-1 dimensions squeezed out, values and gradients, on both backends.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { coalesce } from '../lib/shape';
import { eachBackend } from './helpers/backends';
import { randomArray, rng } from './helpers/random';

it('coalesce drops size-1 dimensions and merges neighbours that every operand steps over as one', () => {
  const r = coalesce([2, 1, 3, 4], [[12, 0, 4, 1], [0, 0, 1, 0], [12, 12, 4, 1]]);
  expect(Array.from(r.shape)).toEqual([2, 3, 4]); // the second operand breaks both merges
  expect(r.strides.map((s) => Array.from(s))).toEqual([[12, 4, 1], [0, 1, 0], [12, 4, 1]]);
  const merged = coalesce([2, 3, 4], [[12, 4, 1], [12, 4, 1]]);
  expect(Array.from(merged.shape)).toEqual([24]);
  expect(merged.strides.map((s) => Array.from(s))).toEqual([[1], [1]]);
  const rows = coalesce([5, 1, 2, 3], [[0, 0, 3, 1], [6, 6, 3, 1]]); // a broadcast row: [5] x [6]
  expect(Array.from(rows.shape)).toEqual([5, 6]);
  expect(rows.strides.map((s) => Array.from(s))).toEqual([[0, 1], [6, 1]]);
  const none = coalesce([1, 1], [[0, 0]]);
  expect([Array.from(none.shape), Array.from(none.strides[0])]).toEqual([[1], [0]]);
});

// A shape of 20 dimensions, sizes 2, 3 and 4 in three of them and 1 elsewhere.
const WIDE = Array.from({ length: 20 }, (_, i) => (i === 2 ? 2 : i === 9 ? 3 : i === 17 ? 4 : 1));
const SQUEEZED = [2, 3, 4];
// The same with the 3 in place of a broadcast row.
const WIDE_ROW = WIDE.map((s, i) => (i === 17 ? 1 : s));

// `dim(k)` is where the k-th dimension of size above 1 lies in the shape at hand.
type Op = [string, (a: Tensor, b: Tensor, dim: (k: number) => number) => Tensor];
const OPS: Op[] = [
  ['add', (a, b) => a.add(b)],
  ['mul broadcast', (a, b) => a.mul(b)],
  ['maximum', (a, b) => a.maximum(b)],
  ['gt', (a, b) => a.gt(b)],
  ['where', (a, b) => bp.where(a.gt(0), a, b)],
  ['permute', (a) => a.permute(a.shape.map((_, i) => a.ndim - 1 - i))],
  ['transpose', (a, _, dim) => a.transpose(dim(0), dim(2))],
  ['sum middle', (a, _, dim) => a.sum(dim(1))],
  ['expand', (a, b) => b.expand([...a.shape])],
  ['gather', (a, _, dim) => a.gather(dim(2), bp.tensor(Array.from({ length: a.size }, (_, i) => (i * 7) % 4), { shape: [...a.shape] }))],
  ['sum last', (a, _, dim) => a.sum(dim(2))],
  ['softmax', (a, _, dim) => a.softmax(dim(2))],
];

eachBackend('more than 16 dimensions', () => {
  it(`${OPS.length} ops on [${WIDE.join(', ')}] give what they give on the squeezed [${SQUEEZED.join(', ')}]`, () => {
    const r = rng(5);
    const av = Array.from(randomArray(24, r));
    const bv = Array.from(randomArray(6, r));
    for (const [name, f] of OPS) {
      const run = (aShape: number[], bShape: number[]) => {
        const dim = (k: number) => aShape.findIndex((_, i) => aShape.slice(0, i + 1).filter((s) => s > 1).length === k + 1);
        const a = bp.tensor(av, { shape: aShape, requiresGrad: true });
        const b = bp.tensor(bv, { shape: bShape, requiresGrad: true });
        const y = f(a, b, dim);
        if (y.requiresGrad) y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] })).sum().backward();
        return [Array.from(y.data), a.grad ? Array.from(a.grad.data) : null, b.grad ? Array.from(b.grad.data) : null];
      };
      const wide = run(WIDE, WIDE_ROW);
      const squeezed = run(SQUEEZED, [2, 3, 1]);
      // The permuted and transposed results are laid out by their own shapes: those of the squeezed
      // tensor order the three sizes the same way (the size-1 dimensions carry no layout).
      expect(wide, name).toEqual(squeezed);
    }
  });
});
