// data.batches: every row once per pass, x and y rows kept together, shuffles that repeat under
// manualSeed and differ between passes, dropLast, and errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { data } from '../lib/index';
import { eachBackend } from './helpers/backends';

eachBackend('data.batches', () => {
  it('covers every row once, keeps x and y together, reshuffles each pass, repeats under manualSeed', () => {
    const x = bp.arange(10 * 3).reshape([10, 3]);
    const y = bp.arange(10).mul(10);
    const plain = [...data.batches(x, y, { batchSize: 4 })];
    expect(plain.map((b) => b.x.shape[0])).toEqual([4, 4, 2]);
    expect(plain[2].y!.toArray()).toEqual([80, 90]);
    bp.manualSeed(1);
    const pass = () => [...data.batches(x, y, { batchSize: 3, shuffle: true })];
    const first = pass();
    const second = pass();
    const rows = (p: ReturnType<typeof pass>) => p.flatMap((b) => b.y!.toArray() as number[]);
    expect([...rows(first)].sort((a, b) => a - b)).toEqual(y.toArray());
    expect(rows(first)).not.toEqual(rows(second));
    for (const b of first) (b.x.toArray() as number[][]).forEach((r, i) => expect(r[0] * 10 / 3).toBe((b.y!.toArray() as number[])[i]));
    bp.manualSeed(1);
    expect(rows(pass())).toEqual(rows(first));
    expect([...data.batches(x, null, { batchSize: 4, dropLast: true })].map((b) => [b.x.shape[0], b.y])).toEqual([[4, null], [4, null]]);
  });

  it('bad arguments are named', () => {
    const x = bp.zeros([4, 2]);
    expect(() => data.batches(x, bp.zeros([3]))).toThrow(/batches: y must be a tensor with as many rows as x \(4\), got shape \[3\]/);
    expect(() => data.batches(x, null, { batchSize: 0 })).toThrow(/batches: batchSize must be a positive integer, got 0/);
    expect(() => data.batches(bp.tensor(1))).toThrow(/batches: x must be a tensor with rows along dimension 0, got shape \[\]/);
  });
});
