// DataLoader over stream datasets (torch's IterableDataset): samples batched in the order they come,
// a short last batch unless dropLast, a new walk each pass; async iterables walked by for await (a
// server's records arriving) and read ahead (prefetchFactor), ChainDataset, a loader's length only
// where the stream has one, and the options a stream cannot take refused by name.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { data, nn, optim, Tensor } from '../lib/index';

/** Samples [x_i, y_i]: x_i = [i, i + 0.5], y_i = i % 3 (as a number), made by a generator each walk. */
class Counting extends data.IterableDataset<[Tensor, number]> {
  walks = 0;
  constructor(readonly count: number) { super(); }
  *[Symbol.iterator](): Iterator<[Tensor, number]> {
    this.walks++;
    for (let i = 0; i < this.count; i++) yield [bp.tensor([i, i + 0.5]), i % 3];
  }
}

/** The same samples, each after an await (records that arrive). */
async function* arriving(count: number): AsyncGenerator<[Tensor, number]> {
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setImmediate(r));
    yield [bp.tensor([i, i + 0.5]), i % 3];
  }
}

const rowsOf = (batches: Array<[Tensor, Tensor]>) => batches.map(([x, y]) => ({ x: Array.from(x.data), shape: x.shape, y: Array.from(y.data) }));

/** The expected batches of samples 0..count-1 in batches of size. */
function expected(count: number, size: number, dropLast: boolean) {
  const out = [];
  for (let b = 0; b < count; b += size) {
    const e = Math.min(count, b + size);
    if (dropLast && e - b < size) break;
    const idx = Array.from({ length: e - b }, (_, k) => b + k);
    out.push({ x: idx.flatMap((i) => [i, i + 0.5]), shape: [e - b, 2], y: idx.map((i) => i % 3) });
  }
  return out;
}

describe('DataLoader over stream datasets', () => {
  it('batches an IterableDataset in order, a short last batch unless dropLast, a new walk each pass', () => {
    const ds = new Counting(10);
    const loader = new data.DataLoader(ds, { batchSize: 4 });
    expect(rowsOf([...loader] as unknown as Array<[Tensor, Tensor]>)).toEqual(expected(10, 4, false));
    expect(rowsOf([...loader] as unknown as Array<[Tensor, Tensor]>)).toEqual(expected(10, 4, false));
    expect(ds.walks).toBe(2);
    expect(rowsOf([...new data.DataLoader(ds, { batchSize: 4, dropLast: true })] as unknown as Array<[Tensor, Tensor]>)).toEqual(expected(10, 4, true));
    expect(rowsOf([...new data.DataLoader(ds, { batchSize: 5 })] as unknown as Array<[Tensor, Tensor]>)).toEqual(expected(10, 5, false));
    expect([...new data.DataLoader(new Counting(0), { batchSize: 3 })]).toEqual([]);
    // The collate given sees the samples of each batch.
    const sizes = [...new data.DataLoader(ds, { batchSize: 4, collate: (s) => s.length })];
    expect(sizes).toEqual([4, 4, 2]);
    expect(() => new data.DataLoader(ds).length).toThrow(/DataLoader: the length of a stream dataset is not known/);
  });

  it('walks an async iterable with for await, as the same batches; for...of names for await', async () => {
    const got: Array<[Tensor, Tensor]> = [];
    for await (const batch of new data.DataLoader(arriving(7), { batchSize: 3 })) got.push(batch as unknown as [Tensor, Tensor]);
    expect(rowsOf(got)).toEqual(expected(7, 3, false));
    const dropped: unknown[] = [];
    for await (const batch of new data.DataLoader(arriving(7), { batchSize: 3, dropLast: true })) dropped.push(batch);
    expect(dropped.length).toBe(2);
    expect(() => [...new data.DataLoader(arriving(2))]).toThrow(/DataLoader: the dataset is async \(it has only Symbol.asyncIterator\): walk the loader with for await/);
    // for await over a map-style dataset or a plain iterable gives for...of's batches.
    const x = bp.arange(0, 12).reshape([6, 2]), y = bp.arange(0, 6);
    const tensors = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 4 });
    const viaAwait: Tensor[][] = [];
    for await (const b of tensors) viaAwait.push(b as Tensor[]);
    expect(viaAwait.map((b) => b.map((t) => Array.from(t.data)))).toEqual([...tensors].map((b) => (b as Tensor[]).map((t) => Array.from(t.data))));
    const plain: unknown[] = [];
    for await (const b of new data.DataLoader(new Counting(5), { batchSize: 2, collate: (s) => s.length })) plain.push(b);
    expect(plain).toEqual([2, 2, 1]);
  });

  it('takes a plain array as a stream, with its length', () => {
    const samples = Array.from({ length: 10 }, (_, i) => [bp.tensor([i, i + 0.5]), i % 3] as [Tensor, number]);
    const loader = new data.DataLoader(samples, { batchSize: 4 });
    expect(loader.length).toBe(3);
    expect(new data.DataLoader(samples, { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(rowsOf([...loader] as unknown as Array<[Tensor, Tensor]>)).toEqual(expected(10, 4, false));
  });

  it('ChainDataset walks its streams in turn; an async part needs for await', async () => {
    const chain = new data.ChainDataset<[Tensor, number]>([new Counting(3), (function* () { for (let i = 3; i < 5; i++) yield [bp.tensor([i, i + 0.5]), i % 3] as [Tensor, number]; })()]);
    expect(rowsOf([...new data.DataLoader(chain, { batchSize: 2 })] as unknown as Array<[Tensor, Tensor]>)).toEqual(expected(5, 2, false));
    const mixed = new data.ChainDataset<[Tensor, number]>([new Counting(2), arriving(0)]);
    expect(() => [...mixed]).toThrow(/ChainDataset: dataset 1 is async \(it has only Symbol.asyncIterator\): walk the chain with for await/);
    const mixed2 = new data.ChainDataset<[Tensor, number]>([new Counting(4), arriving(3)]);
    const got: Array<[Tensor, Tensor]> = [];
    for await (const b of new data.DataLoader(mixed2, { batchSize: 4 })) got.push(b as unknown as [Tensor, Tensor]);
    const want = expected(4, 4, false).concat({ x: [0, 0.5, 1, 1.5, 2, 2.5], shape: [3, 2], y: [0, 1, 2] });
    expect(rowsOf(got)).toEqual(want);
    expect(() => new data.ChainDataset([1 as never])).toThrow(/ChainDataset: dataset 0 must be an iterable or an async iterable of samples, got 1/);
    expect(() => new data.ChainDataset(5 as never)).toThrow(/ChainDataset: datasets must be an iterable of datasets, got 5/);
  });

  it('trains from records that arrive (for await over an async stream)', async () => {
    bp.manualSeed(4);
    const w = bp.tensor([[2], [-1]]);
    async function* records(n: number): AsyncGenerator<[Tensor, Tensor]> {
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setImmediate(r));
        const x = bp.randn([2]);
        yield [x, x.reshape([1, 2]).matmul(w).reshape([1])];
      }
    }
    const model = new nn.Linear(2, 1);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const losses: number[] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      for await (const [x, y] of new data.DataLoader(records(64), { batchSize: 8 }) as AsyncIterable<[Tensor, Tensor]>) {
        opt.zeroGrad();
        const loss = nn.functional.mseLoss(model.forward(x), y);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
    }
    expect(losses.length).toBe(32);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 10);
  });

  it('reads an async stream ahead with prefetchFactor: the same batches, requests sent before a batch is handed over, errors in turn, an early stop closing the stream', async () => {
    /** Samples 0..count-1, each after a turn of the event loop; counts the requests, fails at `failAt`, notes a close. */
    class Source implements AsyncIterable<[Tensor, number]> {
      asked = 0;
      closed = false;
      constructor(readonly count: number, readonly failAt = -1) {}
      [Symbol.asyncIterator](): AsyncIterator<[Tensor, number]> {
        let i = 0;
        return {
          next: async () => {
            this.asked++;
            await new Promise((r) => setImmediate(r));
            if (i === this.failAt) throw new Error(`record ${i} could not be read`);
            if (i >= this.count) return { done: true, value: undefined };
            const k = i++;
            return { done: false, value: [bp.tensor([k, k + 0.5]), k % 3] };
          },
          return: async () => {
            this.closed = true;
            return { done: true, value: undefined };
          },
        };
      }
    }
    for (const dropLast of [false, true]) {
      const got: Array<[Tensor, Tensor]> = [];
      for await (const b of new data.DataLoader(new Source(11), { batchSize: 3, prefetchFactor: 2, dropLast })) got.push(b as unknown as [Tensor, Tensor]);
      expect(rowsOf(got)).toEqual(expected(11, 3, dropLast));
    }
    // When the first batch arrives, the samples of the next are already asked for (without
    // prefetch, only the batch's own); never more than prefetchFactor batches ahead.
    const asked = async (prefetchFactor: number) => {
      const source = new Source(40);
      for await (const batch of new data.DataLoader(source, { batchSize: 4, prefetchFactor })) {
        expect(batch).toBeDefined();
        await new Promise((r) => setTimeout(r, 5)); // the program's step, during which the reads go on
        return source.asked;
      }
      return -1;
    };
    expect(await asked(0)).toBe(4);
    const ahead = await asked(2);
    expect(ahead).toBeGreaterThan(8);
    expect(ahead).toBeLessThanOrEqual(4 + 2 * 4 + 1);
    // A failed read reaches the loop after the batches before it; a break closes the stream.
    const before: number[] = [];
    await expect((async () => {
      for await (const b of new data.DataLoader(new Source(20, 7), { batchSize: 3, prefetchFactor: 3, collate: (s) => s.length })) before.push(b as number);
    })()).rejects.toThrow('record 7 could not be read');
    expect(before).toEqual([3, 3]);
    const stopped = new Source(30);
    for await (const b of new data.DataLoader(stopped, { batchSize: 2, prefetchFactor: 4 })) {
      expect(b).toBeDefined();
      break;
    }
    expect(stopped.closed).toBe(true);
    expect(stopped.asked).toBeLessThanOrEqual(2 + 4 * 2 + 1);
    expect(() => new data.DataLoader(new Counting(4), { prefetchFactor: 2 })).toThrow('DataLoader: prefetchFactor 2 reads an async stream ahead; this dataset is a plain iterable, whose samples come without waiting');
    expect(() => new data.DataLoader(new data.TensorDataset(bp.zeros([4, 2])), { prefetchFactor: 1 })).toThrow('DataLoader: prefetchFactor 1 reads an async stream ahead; this dataset is map-style');
    expect(() => new data.DataLoader(new Source(3), { prefetchFactor: -1 })).toThrow('DataLoader: prefetchFactor must be a non-negative integer, got -1');
  });

  it('refuses what a stream cannot take, by name', () => {
    const ds = new Counting(4);
    expect(() => new data.DataLoader(ds, { shuffle: true })).toThrow(/DataLoader: a stream dataset \(an iterable\) has no shuffle: its samples are batched in the order they come \(got shuffle true\)/);
    expect(() => new data.DataLoader(ds, { sampler: [0, 1] })).toThrow(/has no sampler/);
    expect(() => new data.DataLoader(ds, { batchSampler: [[0, 1]] })).toThrow(/has no batchSampler/);
    expect(() => new data.DataLoader(42 as never)).toThrow(/DataLoader: dataset must have a length \(a non-negative integer\) and get\(i\), or be an iterable or async iterable of samples, got 42/);
    expect(() => new data.DataLoader(ds, { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
  });
});
