// data.TensorDataset, Subset, randomSplit and DataLoader (torch.utils.data's): every sample once a
// pass, in batches of the size asked, shuffles that repeat under manualSeed and change between
// passes, the default collate's stacking (and the TensorDataset fast path's equal bits), custom
// datasets and collates, torch's split sizes, and the argument errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { data, Tensor } from '../lib/index';

const rowsOf = (t: Tensor): number[][] => (t.toArray() as number[][]);

describe('data.TensorDataset and DataLoader', () => {
  const x = bp.arange(0, 30).reshape([10, 3]);
  const y = bp.arange(100, 110);
  const ds = new data.TensorDataset(x, y);

  it('TensorDataset: length, and row i of each tensor (a 0-d tensor for a 1-D one)', () => {
    expect(ds.length).toBe(10);
    const [xi, yi] = ds.get(4);
    expect(xi.toArray()).toEqual([12, 13, 14]);
    expect(yi.shape).toEqual([]);
    expect(yi.item()).toBe(104);
    expect(ds.get(-1)[1].item()).toBe(109);
  });

  it('DataLoader: every sample once a pass, batches of batchSize, the last shorter unless dropLast', () => {
    const loader = new data.DataLoader(ds, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map(([xb, yb]) => [xb.shape, yb.shape])).toEqual([[[4, 3], [4]], [[4, 3], [4]], [[2, 3], [2]]]);
    expect(batches.flatMap(([, yb]) => Array.from(yb.data))).toEqual(Array.from(y.data));
    expect(rowsOf(batches[1][0])).toEqual([[12, 13, 14], [15, 16, 17], [18, 19, 20], [21, 22, 23]]);
    const dropped = new data.DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect([...dropped].length).toBe(2);
    expect([...new data.DataLoader(ds)].length).toBe(10); // batchSize 1, torch's default
  });

  it('shuffles anew each pass, the same passes again under the same seed; rows and targets stay together', () => {
    const loader = new data.DataLoader(ds, { batchSize: 3, shuffle: true });
    bp.manualSeed(5);
    const first = [...loader].flatMap(([, yb]) => Array.from(yb.data));
    const second = [...loader].flatMap(([, yb]) => Array.from(yb.data));
    expect([...first].sort((a, b) => a - b)).toEqual(Array.from(y.data));
    expect(first).not.toEqual(second);
    bp.manualSeed(5);
    expect([...loader].flatMap(([, yb]) => Array.from(yb.data))).toEqual(first);
    for (const [xb, yb] of loader) rowsOf(xb).forEach((row, i) => expect(row[0]).toBe((yb.data[i] - 100) * 3));
  });

  it('the default collate over get() gives the TensorDataset fast path\'s bits', () => {
    const plain: data.MapDataset<Tensor[]> = { length: ds.length, get: (i) => ds.get(i) };
    bp.manualSeed(3);
    const fast = [...new data.DataLoader(ds, { batchSize: 4, shuffle: true })];
    bp.manualSeed(3);
    const slow = [...new data.DataLoader(plain, { batchSize: 4, shuffle: true })];
    expect(slow.map(([a, b]) => [a.toArray(), b.toArray()])).toEqual(fast.map(([a, b]) => [a.toArray(), b.toArray()]));
  });

  it('a dataset of objects, numbers inside, and a collate of one\'s own', () => {
    const items: data.MapDataset<{ image: Tensor; label: number }> = { length: 5, get: (i) => ({ image: bp.full([2, 2], i), label: i % 2 }) };
    const [b0] = new data.DataLoader(items, { batchSize: 3 });
    const batch = b0 as unknown as { image: Tensor; label: Tensor };
    expect(batch.image.shape).toEqual([3, 2, 2]);
    expect(batch.label.toArray()).toEqual([0, 1, 0]);
    const sums = [...new data.DataLoader(items, { batchSize: 2, collate: (s) => s.reduce((a, b) => a + b.label, 0) })];
    expect(sums).toEqual([1, 1, 0]);
  });

  it('Subset and randomSplit: torch\'s sizes, disjoint and covering, repeatable under the seed', () => {
    const sub = new data.Subset(ds, [9, 0, 3]);
    expect(sub.length).toBe(3);
    expect(sub.get(0)[1].item()).toBe(109);
    bp.manualSeed(11);
    const [a, b] = data.randomSplit(ds, [0.5, 0.5]);
    expect([a.length, b.length]).toEqual([5, 5]);
    const [c, d, e] = data.randomSplit(new data.TensorDataset(bp.zeros([7, 1])), [0.4, 0.3, 0.3]);
    expect([c.length, d.length, e.length]).toEqual([3, 2, 2]); // floor 2, 2, 2, the remainder to the first (torch 1.13)
    const all = [...a.indices, ...b.indices].sort((p, q) => p - q);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    bp.manualSeed(11);
    expect(Array.from(data.randomSplit(ds, [6, 4])[0].indices)).toEqual(Array.from([...a.indices, ...b.indices].slice(0, 6)));
    const loader = new data.DataLoader(a, { batchSize: 2 });
    expect([...loader].map(([, yb]) => yb.size)).toEqual([2, 2, 1]);
  });

  it('names the bad argument', () => {
    expect(() => new data.TensorDataset()).toThrow('TensorDataset: expected at least one tensor');
    expect(() => new data.TensorDataset(x, bp.zeros([9]))).toThrow('TensorDataset: every tensor must have 10 rows (tensor 0\'s), tensor 1 has shape [9]');
    expect(() => new data.TensorDataset(bp.tensor(3))).toThrow(/TensorDataset: tensor 0 must be a tensor with rows along dim 0, got shape \[\]/);
    expect(() => ds.get(10)).toThrow('TensorDataset.get: index 10 is out of range for 10 samples');
    expect(() => new data.DataLoader(ds, { batchSize: 0 })).toThrow('DataLoader: batchSize must be a positive integer, got 0');
    expect(() => new data.DataLoader(ds, { batch_size: 4 } as never)).toThrow(/DataLoader: unknown option 'batch_size'/);
    expect(() => new data.DataLoader({} as never)).toThrow(/DataLoader: dataset must have a length/);
    expect(() => new data.DataLoader(ds, { collate: 3 as never })).toThrow('DataLoader: collate must be a function, got 3');
    expect(() => new data.Subset(ds, [10])).toThrow('Subset: index 10 at position 0 is out of range for 10 samples');
    expect(() => data.randomSplit(ds, [3, 3])).toThrow(/randomSplit: lengths must be counts summing to the dataset's 10 samples or fractions summing to 1/);
    expect(() => data.randomSplit(ds, [])).toThrow(/randomSplit: lengths must be a non-empty array/);
    const mixed: data.MapDataset<unknown> = { length: 2, get: (i) => (i === 0 ? bp.zeros([2]) : bp.zeros([3])) };
    expect(() => [...new data.DataLoader(mixed, { batchSize: 2 })]).toThrow('defaultCollate: sample 1 is shape [3], sample 0 a tensor of shape [2]: a batch stacks tensors of one shape');
    const strings: data.MapDataset<unknown> = { length: 1, get: () => 'a' };
    expect(() => [...new data.DataLoader(strings)]).toThrow(/defaultCollate: cannot batch "a"; give the DataLoader a collate of your own/);
  });
});
