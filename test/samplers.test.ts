// torch.utils.data's samplers and ConcatDataset, and DataLoader's sampler / batchSampler options: the
// orders they give (torch's BatchSampler example, permutations, weighted draws in proportion, a
// subset's indices), ConcatDataset's index arithmetic, batches built from a sampler's indices on the
// TensorDataset path and the general one, and the errors (torch's mutually exclusive options).
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { data, Tensor } from '../lib/index';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sorted = (a: number[]) => [...a].sort((x, y) => x - y);

describe('samplers', () => {
  it('SequentialSampler and BatchSampler give torch\'s documented batches', () => {
    expect([...new data.SequentialSampler({ length: 4 })]).toEqual([0, 1, 2, 3]);
    const seq = new data.SequentialSampler({ length: 10 });
    expect([...new data.BatchSampler(seq, 3, false)]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect([...new data.BatchSampler(seq, 3, true)]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    expect(new data.BatchSampler(seq, 3, false).length).toBe(4);
    expect(new data.BatchSampler(seq, 3, true).length).toBe(3);
    expect([...new data.BatchSampler([5, 1, 4], 2, false)]).toEqual([[5, 1], [4]]);
  });

  it('RandomSampler: a new permutation each pass, whole ones past the length; with replacement draws in range', () => {
    bp.manualSeed(1);
    const r = new data.RandomSampler({ length: 20 });
    const a = [...r], b = [...r];
    expect(sorted(a)).toEqual(range(20));
    expect(sorted(b)).toEqual(range(20));
    expect(a).not.toEqual(b);
    const long = [...new data.RandomSampler({ length: 5 }, { numSamples: 12 })];
    expect(long.length).toBe(12);
    expect(sorted(long.slice(0, 5))).toEqual(range(5));
    expect(sorted(long.slice(5, 10))).toEqual(range(5));
    const drawn = [...new data.RandomSampler({ length: 3 }, { replacement: true, numSamples: 300 })];
    expect(drawn.length).toBe(300);
    expect(new Set(drawn)).toEqual(new Set([0, 1, 2]));
    bp.manualSeed(1);
    const again = [...new data.RandomSampler({ length: 20 })];
    expect(again).toEqual(a);
  });

  it('SubsetRandomSampler permutes the given indices; WeightedRandomSampler draws in proportion to the weights', () => {
    bp.manualSeed(2);
    const s = [...new data.SubsetRandomSampler([7, 3, 9, 11])];
    expect(sorted(s)).toEqual([3, 7, 9, 11]);
    const w = new data.WeightedRandomSampler([0.1, 0, 0.6, 0.3], 20000);
    const counts = [0, 0, 0, 0];
    for (const i of w) counts[i]++;
    expect(counts[1]).toBe(0);
    [0.1, 0, 0.6, 0.3].forEach((p, i) => expect(Math.abs(counts[i] / 20000 - p)).toBeLessThan(0.015));
    const distinct = [...new data.WeightedRandomSampler(bp.tensor([1, 2, 3, 4, 5]), 5, false)];
    expect(sorted(distinct)).toEqual(range(5));
  });

  it('ConcatDataset indexes across its datasets; DataLoader batches a sampler\'s or a batch sampler\'s indices', () => {
    const x1 = bp.arange(0, 6).reshape([3, 2]), x2 = bp.arange(100, 104).reshape([2, 2]);
    const cat = new data.ConcatDataset([new data.TensorDataset(x1), new data.TensorDataset(x2)]);
    expect(cat.length).toBe(5);
    expect(cat.cumulativeSizes).toEqual([3, 5]);
    expect(Array.from(cat.get(3)[0].data)).toEqual([100, 101]);
    expect(Array.from(cat.get(-1)[0].data)).toEqual([102, 103]);
    const batches = [...new data.DataLoader(cat, { batchSize: 2 })].map((b) => Array.from((b as Tensor[])[0].data));
    expect(batches).toEqual([[0, 1, 2, 3], [4, 5, 100, 101], [102, 103]]);

    const ds = new data.TensorDataset(bp.arange(0, 10), bp.arange(10, 20));
    const viaSampler = [...new data.DataLoader(ds, { batchSize: 3, sampler: [9, 0, 4, 4, 2], dropLast: true })];
    expect(viaSampler.map(([a, b]) => [Array.from(a.data), Array.from(b.data)])).toEqual([[[9, 0, 4], [19, 10, 14]]]);
    const grouped = new data.DataLoader(ds, { batchSampler: [[1, 2], [8], [3, 3, 0]] });
    expect([...grouped].map(([a]) => Array.from(a.data))).toEqual([[1, 2], [8], [3, 3, 0]]);
    expect(grouped.length).toBe(3);
    // The general path (a collate of our own) takes the same indices.
    const custom = new data.DataLoader(ds, { batchSampler: new data.BatchSampler([5, 6, 7], 2, false), collate: (s: Tensor[][]) => s.map(([a]) => a.item()) });
    expect([...custom]).toEqual([[5, 6], [7]]);
    expect(new data.DataLoader(ds, { batchSize: 4, sampler: new data.RandomSampler(ds, { numSamples: 6 }) }).length).toBe(2);
  });

  it('DistributedSampler shares the indices as torch\'s (padded from the start, or cut with dropLast), one order per epoch on every rank', () => {
    const ds = { length: 10 };
    const shares = (o: object) => [0, 1, 2].map((rank) => [...new data.DistributedSampler(ds, { numReplicas: 3, rank, shuffle: false, ...o })]);
    expect(shares({})).toEqual([[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]);
    expect(shares({ dropLast: true })).toEqual([[0, 3, 6], [1, 4, 7], [2, 5, 8]]);
    expect([0, 1, 2, 3, 4].map((rank) => [...new data.DistributedSampler({ length: 2 }, { numReplicas: 5, rank, shuffle: false })])).toEqual([[0], [1], [0], [1], [0]]);
    bp.manualSeed(31);
    const before = bp.initialSeed();
    const expected = Array.from(bp.rand([3]).data);
    bp.manualSeed(31);
    const samplers = [0, 1].map((rank) => new data.DistributedSampler({ length: 9 }, { group: { rank, worldSize: 2 }, seed: 5 }));
    const epoch0 = samplers.map((sm) => [...sm]);
    expect(new Set(epoch0.flat())).toEqual(new Set(range(9)));
    expect(epoch0.flat().length).toBe(10); // 9 padded to 10: one index twice
    expect(samplers.map((sm) => [...sm])).toEqual(epoch0); // the same epoch: the same order
    samplers.forEach((sm) => sm.setEpoch(1));
    expect(samplers.map((sm) => [...sm])).not.toEqual(epoch0);
    expect(Array.from(bp.rand([3]).data)).toEqual(expected); // the library's generator untouched
    expect(bp.initialSeed()).toBe(before);
  });

  it('names what is wrong', () => {
    const ds = new data.TensorDataset(bp.zeros([4, 1]));
    expect(() => new data.DataLoader(ds, { sampler: [0], shuffle: true })).toThrow('DataLoader: sampler option is mutually exclusive with shuffle');
    expect(() => new data.DataLoader(ds, { batchSampler: [[0]], batchSize: 2 })).toThrow('DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
    expect(() => new data.DataLoader(ds, { sampler: 3 as never })).toThrow('DataLoader: sampler must be an iterable of indices (a Sampler), got 3');
    expect(() => [...new data.DataLoader(ds, { sampler: [0, 4] })]).toThrow('DataLoader: the sampler gave index 4, out of range for 4 samples');
    expect(() => new data.RandomSampler(ds, { numSamples: 0 })).toThrow('RandomSampler: numSamples should be a positive integer value, but got num_samples=0');
    expect(() => new data.RandomSampler(ds, { replacement: 1 as never })).toThrow(/RandomSampler: .*replacement/);
    expect(() => new data.RandomSampler({ length: 0 })).toThrow('RandomSampler: the dataset is empty');
    expect(() => new data.WeightedRandomSampler([1, -1], 2)).toThrow('WeightedRandomSampler: weights must be finite and non-negative, got -1 at position 1');
    expect(() => new data.WeightedRandomSampler([1, 0], 2, false)).toThrow('WeightedRandomSampler: cannot draw 2 samples without replacement from 1 positive weights');
    expect(() => new data.WeightedRandomSampler([[1]] as never, 2)).toThrow(/WeightedRandomSampler: weights should be a 1-D sequence/);
    expect(() => new data.BatchSampler([1], 0, false)).toThrow('BatchSampler: batchSize should be a positive integer value, but got batch_size=0');
    expect(() => new data.BatchSampler([1], 2, 'no' as never)).toThrow('BatchSampler: dropLast should be a boolean value, but got drop_last="no"');
    expect(() => new data.ConcatDataset([])).toThrow(/ConcatDataset: datasets should not be an empty iterable/);
    expect(() => new data.ConcatDataset([ds]).get(4)).toThrow('ConcatDataset.get: index 4 is out of range for 4 samples');
    expect(() => new data.SubsetRandomSampler([1.5])).toThrow('SubsetRandomSampler: index 1.5 at position 0 is not a non-negative integer');
    expect(() => new data.DistributedSampler(ds, { rank: 0 })).toThrow('DistributedSampler: numReplicas must be a positive integer (or give a group), got undefined');
    expect(() => new data.DistributedSampler(ds, { numReplicas: 2, rank: 2 })).toThrow('DistributedSampler: Invalid rank 2, rank should be in the interval [0, 1]');
    expect(() => new data.DistributedSampler(ds, { group: {} as never })).toThrow(/^DistributedSampler: group must be a process group/);
    expect(() => new data.DistributedSampler(ds, { numReplicas: 2, rank: 0 }).setEpoch(-1)).toThrow('DistributedSampler.setEpoch: epoch must be a non-negative integer, got -1');
  });
});
