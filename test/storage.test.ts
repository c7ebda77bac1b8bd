// Small tensors are views into shared slabs (lib/storage.ts): each must start zeroed, never overlap
// another, and gradient accumulation must only ever write into arrays the tape owns.
import * as fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim, Tensor } from '../lib/index';
import { alloc, allocOutput, sharesMemory } from '../lib/storage';
import { int32s, int32sFrom } from '../lib/tiny';
import { eachBackend, nativeExpected } from './helpers/backends';
import { loadNative } from '../lib/backend/native';
import { clearPool, takePooled } from '../lib/reuse';

it('alloc hands out zeroed, disjoint arrays, views of shared slabs for small sizes', () => {
  const arrays = Array.from({ length: 3000 }, (_, i) => alloc(1 + (i % 1500)));
  for (const a of arrays) {
    expect(a.every((v) => v === 0)).toBe(true);
    a.fill(7);
  }
  const small = arrays.filter((a) => a.length > 16 && a.length <= 1024);
  expect(small.some((a, i) => i > 0 && a.buffer === small[i - 1].buffer)).toBe(true); // slabs are shared
  for (let i = 1; i < arrays.length; i++) expect(sharesMemory(arrays[i], arrays[i - 1])).toBe(false);
  const a = alloc(100);
  expect(sharesMemory(a, a.subarray(50, 60))).toBe(true);
  expect(sharesMemory(a.subarray(0, 50), a.subarray(50))).toBe(false);
});

it('tiny Int32Arrays (strides, shapes: up to 64 bytes) are zeroed, disjoint views of 4 KiB off-heap slabs; tiny tensors are not', () => {
  // V8 keeps such arrays in its heap and moves each out the first time the addon reads it (lib/tiny.ts).
  const ints = Array.from({ length: 300 }, (_, i) => int32s(1 + (i % 16)));
  for (const a of ints) {
    expect(a.every((v) => v === 0)).toBe(true);
    expect(a.buffer.byteLength).toBe(4096);
    expect(a.byteOffset % 32).toBe(0);
    a.fill(7);
  }
  for (let i = 1; i < ints.length; i++) expect(sharesMemory(ints[i], ints[i - 1])).toBe(false);
  expect(Array.from(int32sFrom([3, -1, 5]))).toEqual([3, -1, 5]);
  expect(int32s(17).buffer.byteLength).toBe(68); // past 64 bytes: an array of its own
  // A tiny tensor's data has storage of its own, so a tensor kept for long pins no slab.
  expect(alloc(4).buffer.byteLength).toBe(16);
  expect(bp.tensor(2.5).data.buffer.byteLength).toBe(4);
});

it('allocOutput hands out disjoint arrays of the asked length, uncleared above the slab size', () => {
  const arrays = [1, 16, 17, 1024, 1025, 70000].map((n) => allocOutput(n));
  expect(arrays.map((a) => a.length)).toEqual([1, 16, 17, 1024, 1025, 70000]);
  for (const a of arrays) a.fill(3);
  for (let i = 1; i < arrays.length; i++) expect(sharesMemory(arrays[i], arrays[i - 1])).toBe(false);
  expect(arrays[5].buffer.byteLength).toBe(70000 * 4 + 64); // its own buffer (and a line to align in), not a pool's
});

describe.runIf(nativeExpected())('large arrays start on a 64-byte cache line (native)', () => {
  it('for alloc and allocOutput, whatever the allocator returned', () => {
    const addressMod64 = (loadNative().backend as unknown as { prepareStorage(b: ArrayBufferLike): number }).prepareStorage;
    const starts = new Set<number>();
    for (let i = 0; i < 50; i++) {
      for (const a of [alloc(1025 + i * 997), allocOutput(1025 + i * 997)]) {
        starts.add(addressMod64(a.buffer));
        expect((addressMod64(a.buffer) + a.byteOffset) % 64).toBe(0);
        expect(a.byteOffset + a.byteLength).toBeLessThanOrEqual(a.buffer.byteLength);
      }
    }
    // The allocator's own starts vary (malloc's land 16 bytes past a line): the offset did the work.
    expect([...starts].some((m) => m !== 0)).toBe(true);
    expect(() => addressMod64(new Float32Array(4) as unknown as ArrayBuffer)).toThrow(/prepareStorage: argument 0 \(buffer\) must be an ArrayBuffer/);
  });
});

// Which transparent huge pages the kernel gives: '[madvise]' (the test VM's), '[always]', '[never]'.
const hugePageMode = (() => {
  try {
    return /\[(\w+)\]/.exec(fs.readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1] ?? 'absent';
  } catch {
    return 'absent';
  }
})();
const hugePagesGiven = hugePageMode === 'madvise' || hugePageMode === 'always';
if (nativeExpected() && !hugePagesGiven) console.log(`storage.test: skipping the 2 MiB pages test: transparent huge pages are '${hugePageMode}' here`);

describe.runIf(nativeExpected() && hugePagesGiven)('storage of 32 MiB or more is asked for 2 MiB pages (native)', () => {
  it('before its first touch, so that it faults in 2 MiB at a time; smaller storage is not', () => {
    // The process's anonymous memory in 2 MiB pages, in KiB.
    const hugeKiB = () => Number(/AnonHugePages:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1]);
    clearPool();
    const before = hugeKiB();
    const large = allocOutput(16 << 20); // 64 MiB
    large.fill(1);
    // At least a quarter: the kernel may fall back to 4 KiB pages where it finds no free 2 MiB.
    expect(hugeKiB() - before).toBeGreaterThanOrEqual(16 << 10);
    if (hugePageMode === 'madvise') {
      // Below 32 MiB the heap's pages serve (native/src/runtime/allocator.cc: W3 ran slower in 2 MiB pages).
      const under = hugeKiB();
      const small = allocOutput(6 << 20); // 24 MiB
      small.fill(1);
      expect(hugeKiB() - under).toBe(0);
    }
  });
});

eachBackend('uncleared outputs', () => {
  it('ops that write into uncleared storage write all of it: no NaN left in the allocator survives', () => {
    // Large enough to take the uncleared path (> 1024 floats) for outputs and gradients alike.
    bp.manualSeed(6);
    const x = bp.randn([40, 50], { requiresGrad: true });
    const w = bp.randn([60, 50], { requiresGrad: true });
    const b = bp.randn([60], { requiresGrad: true });
    for (let i = 0; i < 20; i++) allocOutput(4000).fill(NaN); // garbage for the allocator to hand back
    const y = bp.linear(x, w, b, 'relu').sigmoid().softmax(1).matmul(bp.randn([60, 30])).tanh();
    y.sum().backward();
    for (const t of [y, x.grad!, w.grad!, b.grad!]) expect(t.data.every(Number.isFinite)).toBe(true);
  });
});

eachBackend('slab storage and the tape', () => {
  it('accumulating a gradient never writes into a neighbouring tensor of the same slab', () => {
    bp.manualSeed(1);
    const a = bp.rand([5, 6], { requiresGrad: true });
    const b = bp.rand([5, 6]);
    const c = bp.rand([5, 6], { requiresGrad: true });
    const before = [Array.from(b.data), Array.from(c.data)];
    // a reaches the loss three ways and c twice: the tape sums into arrays it allocated itself.
    a.mul(b).add(a.mul(2)).add(a.mul(c)).add(c.mul(c)).sum().backward();
    expect([Array.from(b.data), Array.from(c.data)]).toEqual(before);
    a.grad!.data.forEach((g, i) => expect(g).toBeCloseTo(b.data[i] + 2 + c.data[i], 5));
    c.grad!.data.forEach((g, i) => expect(g).toBeCloseTo(a.data[i] + 2 * c.data[i], 5));
  });
});

eachBackend('gradient storage reuse', () => {
  const run = (readGrads: boolean) => {
    bp.manualSeed(4);
    const model = new nn.Sequential(new nn.Linear(30, 40), new nn.ReLU(), new nn.Linear(40, 3));
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const x = bp.randn([8, 30]);
    const y = [0, 1, 2, 0, 1, 2, 0, 1];
    const kept: { g: Tensor; copy: number[] }[] = [];
    const reused: boolean[] = [];
    for (let step = 0; step < 4; step++) {
      const before = model.parameters().map((p) => p.gradData());
      opt.zeroGrad();
      new nn.CrossEntropyLoss().forward(model.forward(x), y).backward();
      reused.push(model.parameters().some((p, i) => before[i] !== null && p.gradData() === before[i]));
      if (readGrads) for (const p of model.parameters()) kept.push({ g: p.grad!, copy: Array.from(p.grad!.data) });
      opt.step();
    }
    return { w: model.parameters().map((p) => Array.from(p.data)), kept, reused };
  };

  it('an unread gradient\'s storage is reused by the next backward, with the same numbers', () => {
    const quiet = run(false);
    const read = run(true);
    expect(quiet.reused.slice(1).every(Boolean)).toBe(true);
    expect(read.reused.some(Boolean)).toBe(false);
    expect(quiet.w).toEqual(read.w);
  });

  it('Embedding, indexSelect and gather backward into the gradient storage zeroGrad released, zeroed first', () => {
    const emb = new nn.Embedding(20, 4);
    const w = bp.randn([20, 4], { requiresGrad: true });
    const v = bp.randn([2, 3], { requiresGrad: true });
    const params = [emb.weight, w, v];
    const opt = new optim.SGD(params, { lr: 0.1 });
    const ids = [3, 7, 3, 19];
    // Rows 3 (twice), 7 and 19 of the table and of w; v[0][1] and v[1][2].
    const want = [
      (r: number) => (r === 3 ? 2 : r === 7 || r === 19 ? 1 : 0), (r: number) => (r === 3 ? 2 : r === 7 || r === 19 ? 1 : 0),
      (r: number, c: number) => ((r === 0 && c === 1) || (r === 1 && c === 2) ? 1 : 0),
    ];
    const reused: boolean[] = [];
    for (let step = 0; step < 3; step++) {
      const before = params.map((p) => p.gradData());
      opt.zeroGrad();
      const loss = emb.forward(bp.tensor(ids)).sum().add(w.indexSelect(0, ids).sum()).add(v.gather(1, bp.tensor([[1], [2]])).sum());
      loss.backward();
      reused.push(params.every((p, i) => before[i] !== null && p.gradData() === before[i]));
      params.forEach((p, k) => {
        const g = p.gradData() as Float32Array;
        const cols = p.shape[1];
        for (let i = 0; i < g.length; i++) expect(g[i], `parameter ${k} element ${i} at step ${step}`).toBe(want[k](Math.floor(i / cols), i % cols));
      });
      opt.step();
    }
    expect(reused).toEqual([false, true, true]);
  });

  it('a gradient passed on as it came (add\'s) is copied into the storage zeroGrad released', () => {
    const p = bp.randn([3, 4], { requiresGrad: true });
    const x = bp.randn([3, 4]);
    const opt = new optim.SGD([p], { lr: 0.1 });
    const reused: boolean[] = [];
    for (let step = 0; step < 3; step++) {
      const before = p.gradData();
      opt.zeroGrad();
      x.add(p).backward(bp.full([3, 4], step + 1)); // add hands the seed itself to p
      reused.push(before !== null && p.gradData() === before);
      expect(Array.from(p.gradData() as Float32Array)).toEqual(new Array(12).fill(step + 1));
      opt.step();
    }
    expect(reused).toEqual([false, true, true]);
  });

  it('`.grad = null` releases an unread gradient\'s storage as zeroGrad does; a read one stays the reader\'s', () => {
    const p = bp.randn([3, 4], { requiresGrad: true });
    const x = bp.randn([4, 2]);
    p.matmul(x).sum().backward();
    const first = p.gradData();
    p.grad = null;
    expect(p.gradData()).toBeNull();
    p.matmul(x).sum().backward();
    expect(p.gradData()).toBe(first);
    const read = p.grad!;
    const copy = Array.from(read.data);
    p.grad = null;
    p.matmul(x).mul(3).sum().backward();
    expect(p.gradData()).not.toBe(read.data);
    expect(Array.from(read.data)).toEqual(copy);
  });

  it('a leaf given a new gradient each step hands the one it released to the pool, for the next step to reuse', () => {
    const x = bp.randn([64, 64], { requiresGrad: true }); // past the pool's smallest size
    const seen = new Set<Float32Array>();
    for (let step = 1; step <= 8; step++) {
      x.grad = null;
      const y = x.mul(step);
      y.sum().backward(); // mul's backward makes a new array, which x takes
      y.dispose();
      const g = x.gradData() as Float32Array;
      if (step > 2) seen.add(g);
      expect(g.every((v) => v === step), `step ${step}`).toBe(true);
    }
    // A fresh array every step without it (6 seen).
    expect(seen.size).toBeLessThanOrEqual(3);
    const read = x.grad!; // read: no longer the library's to recycle
    const copy = Array.from(read.data);
    for (let step = 0; step < 4; step++) {
      x.grad = null;
      x.mul(9).sum().backward();
    }
    expect(Array.from(read.data)).toEqual(copy);
  });

  it('a gradient of the walk\'s own, once added into another for the same tensor, goes back to the pool', () => {
    const x = bp.randn([64, 64], { requiresGrad: true });
    // Each mul's backward makes a [64, 64] gradient for x. (chunk's pieces did too, before their
    // backward gave blocks: test/join.test.ts.)
    clearPool();
    x.mul(2).sum().add(x.mul(3).sum()).backward();
    const spare = takePooled(64 * 64); // the second mul's, added into the first's (which x keeps)
    expect(spare).not.toBeNull();
    expect(spare).not.toBe(x.gradData());
    expect(x.gradData()!.every((v) => v === 5)).toBe(true);
  });

  it('a gradient a reshape passes on from a gradient of the walk\'s own is kept by the leaf, not copied', () => {
    const x = bp.randn([16, 256], { requiresGrad: true });
    const taken = vi.spyOn(x, 'accumulateGrad');
    x.reshape([4096]).mul(3).sum().backward(); // mul's new array, passed on as a view by reshape
    expect(taken.mock.calls.map((c) => c[1])).toEqual([true]);
    expect(x.gradData()!.every((v) => v === 3)).toBe(true);
    // Shared: add hands its gradient to both of its inputs, so each reshape passes on a shared view.
    const y = bp.randn([16, 256], { requiresGrad: true });
    const z = bp.randn([16, 256], { requiresGrad: true });
    const copied = [vi.spyOn(y, 'accumulateGrad'), vi.spyOn(z, 'accumulateGrad')];
    y.reshape([4096]).add(z.reshape([4096])).backward(bp.full([4096], 2));
    expect(copied.map((c) => c.mock.calls.map((k) => k[1]))).toEqual([[false], [false]]);
    expect(y.gradData()!.every((v) => v === 2) && z.gradData()!.every((v) => v === 2)).toBe(true);
    expect(y.gradData()).not.toBe(z.gradData());
  });

  it('a gradient read through .grad, or assigned to it, is never overwritten later', () => {
    const read = run(true);
    for (const k of read.kept) expect(Array.from(k.g.data)).toEqual(k.copy);
    const w = bp.randn([3, 3], { requiresGrad: true });
    const mine = bp.ones([3, 3]);
    w.grad = mine;
    w.releaseGrad();
    w.matmul(bp.randn([3, 3])).sum().backward();
    expect(Array.from(mine.data)).toEqual(new Array(9).fill(1));
  });
});
