// Tensor.dispose(), tidy() and keep(): disposed storage is reused by the next tensor of its size,
// and only when nothing can read it any more (reuse.ts); otherwise it is left to the collector.
import { beforeEach, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { clearPool } from '../lib/reuse';
import { letGoAfterRead } from '../lib/ops/core';
import { eachBackend } from './helpers/backends';

const N = 3000; // past the pool's lower limit (reuse.ts POOL_MIN_LENGTH)

/**
 * Runs `step` three times to fill the pool, then three more, which must allocate no fresh storage
 * (memory().freshBytes) and leave no node awaiting a backward; `name` labels a failure.
 */
function expectNoFreshStorage(step: () => void, name = ''): void {
  for (let i = 0; i < 3; i++) step();
  const before = bp.memory().freshBytes;
  for (let i = 0; i < 3; i++) step();
  expect(bp.memory().freshBytes - before, name).toBe(0);
  expect(bp.memory().pendingBackwardNodes, name).toBe(0);
}

eachBackend('dispose and tidy', () => {
  beforeEach(() => {
    clearPool();
    expect(bp.memory().pendingBackwardNodes).toBe(0);
  });

  it('a disposed output is the storage of the next tensor of its size, and using it afterwards throws', () => {
    const x = bp.rand([N]);
    const y = x.relu();
    const storage = y.data;
    y.dispose();
    expect(y.isDisposed).toBe(true);
    expect(bp.memory().pooledArrays).toBe(1);
    expect(() => y.data).toThrow(/Tensor of shape \[3000\] was disposed/);
    const z = x.neg();
    expect(z.data).toBe(storage);
    for (let i = 0; i < N; i += 97) expect(z.data[i]).toBe(-x.data[i]);
    expect(() => y.add(1)).toThrow(/was disposed/);
    y.dispose(); // twice: nothing
    expect(bp.memory().pooledArrays).toBe(0);
  });

  it('past its limit the pool lets go of what has waited longest', () => {
    clearPool(3 * N * 4); // three arrays of N floats
    const made = [N, 2 * N, N].map((n) => bp.rand([n]).mul(1));
    const [a, b, c] = made.map((t) => t.data);
    made.forEach((t) => t.dispose());
    expect(bp.memory().pooledArrays).toBe(2); // c pushed a, the oldest, out
    expect(bp.memory().pooledBytes).toBe(3 * N * 4);
    expect(bp.rand([N]).data).toBe(c);
    expect(bp.rand([2 * N]).data).toBe(b);
    expect(bp.rand([N]).data).not.toBe(a);
    clearPool();
  });

  it('pooled storage comes back zeroed where zeros are asked for', () => {
    const y = bp.full([N], 7);
    y.dispose();
    const z = bp.zeros([N]);
    expect(z.data.every((v) => v === 0)).toBe(true);
  });

  it('storage shared by reshape or detach is reused only when every tensor over it is disposed', () => {
    const y = bp.rand([N]).mul(2);
    const r = y.reshape([3, N / 3]);
    const d = y.detach();
    y.dispose();
    r.dispose();
    expect(bp.memory().pooledArrays).toBe(0);
    expect(d.data[0]).toBe(r.data[0]); // all still readable
    d.dispose();
    expect(bp.memory().pooledArrays).toBe(1);
    expect(() => r.data).toThrow(/was disposed/);
  });

  it('composed ops (var, std, logsumexp, repeat) give their steps back, and their results go to the pool when disposed', () => {
    const x = bp.rand([4, N]);
    const ops: [string, () => bp.Tensor][] = [
      ['var', () => x.var(0)], ['std', () => x.std(0)], ['logsumexp', () => x.logsumexp(0)], ['repeat', () => x.repeat([2, 1])],
    ];
    for (const [name, op] of ops) {
      clearPool();
      const y = op();
      // The steps' storage is in the pool already: logsumexp's shifted values and their exponentials
      // (each [4, N]); var and std (one kernel without a gradient) and repeat have none of their own.
      const steps = bp.memory().pooledBytes;
      if (name === 'logsumexp') expect(steps, name).toBeGreaterThanOrEqual(2 * 4 * N * 4);
      else expect(steps, name).toBe(0);
      y.dispose();
      expect(bp.memory().pooledBytes - steps, `${name}: its result's storage`).toBe(y.size * 4);
    }
  });

  it("LayerNorm's and BatchNorm1d's backward into their weights alone, and MSELoss and CrossEntropyLoss without a gradient, pool scratch", () => {
    const x = bp.rand([3, N]); // no gradient of its own: the kernels' gx goes to a scratch array
    for (const m of [new bp.nn.LayerNorm(N), new bp.nn.BatchNorm1d(N)]) {
      clearPool();
      const y = m.forward(x);
      const seed = bp.rand([3, N]);
      const before = bp.memory().pooledBytes;
      y.backward(seed);
      expect(bp.memory().pooledBytes - before, m.constructor.name).toBe(x.size * 4);
      expect(m.weight?.grad).not.toBeNull();
    }
    clearPool();
    const loss = bp.noGrad(() => new bp.nn.MSELoss().forward(x.requiresGrad_(), bp.zeros([3, N])));
    expect(bp.memory().pooledBytes, "MSELoss's differences").toBe(x.size * 4);
    expect(loss.item()).toBeCloseTo(x.data.reduce((s, v) => s + v * v, 0) / x.size, 5);
    // Cross-entropy's probabilities, which only its backward reads: pooled when none is recorded.
    clearPool();
    const ce = bp.noGrad(() => new bp.nn.CrossEntropyLoss().forward(x, [0, 1, 2]));
    expect(bp.memory().pooledBytes, "CrossEntropyLoss's probabilities").toBe(x.size * 4);
    expect(Number.isFinite(ce.item())).toBe(true);
  });

  it("var's gradient reads its deviations after they were disposed: the pool keeps them until the backward ran", () => {
    const x = bp.rand([4, N]).requiresGrad_();
    const v = x.var(0);
    for (let i = 0; i < 6; i++) bp.rand([4, N]).mul(0); // would take the deviations' storage, were it pooled
    v.sum().backward();
    const g = (x.grad as bp.Tensor).data;
    for (let j = 0; j < N; j += 211) {
      const col = [0, 1, 2, 3].map((i) => x.data[i * N + j]);
      const mean = col.reduce((a, b) => a + b, 0) / 4;
      for (let i = 0; i < 4; i++) expect(g[i * N + j]).toBeCloseTo((2 * (col[i] - mean)) / 3, 5);
    }
  });

  it('a tensor made over part of another one\'s storage holds it too', () => {
    const y = bp.rand([2 * N]).mul(2);
    const part = new bp.Tensor(y.data.subarray(N), [N]);
    const value = part.data[7];
    y.dispose();
    expect(bp.memory().pooledArrays).toBe(0);
    bp.full([2 * N], 5);
    expect(part.data[7]).toBe(value);
    // The last holder is over part of the storage: the whole array the library made goes back.
    const whole = y.data.buffer;
    part.dispose();
    expect(bp.memory().pooledArrays).toBe(1);
    expect(bp.full([2 * N], 6).data.buffer).toBe(whole);
  });

  it('small tensors and parameters keep their storage', () => {
    const small = bp.rand([1000]);
    small.dispose();
    const p = bp.randn([N], { requiresGrad: true });
    const before = p.data[5];
    p.dispose();
    expect(bp.memory().pooledArrays).toBe(0);
    expect(small.data.length).toBe(1000);
    expect(p.data[5]).toBe(before);
  });

  it('nothing is reused while a recorded graph awaits its backward: a disposed operand still gives the right gradient', () => {
    const w = bp.randn([N], { requiresGrad: true });
    const c = bp.rand([N]);
    const expected = c.toFloat32Array();
    const y = w.mul(c);
    expect(bp.memory().pendingBackwardNodes).toBe(1);
    c.dispose();
    expect(bp.memory().pooledArrays).toBe(0);
    bp.full([N], 123); // would land on c's storage if it had been pooled
    y.sum().backward();
    expect(bp.memory().pendingBackwardNodes).toBe(0);
    expect(Array.from(w.grad!.data)).toEqual(Array.from(expected));
    // An op's own output is read by its backward (sigmoid's gradient is y (1 - y)).
    const v = bp.randn([N], { requiresGrad: true });
    const s = v.sigmoid();
    const want = Array.from(s.data, (y) => Math.fround(y * (1 - y)));
    s.dispose();
    expect(bp.memory().pooledArrays).toBe(0);
    bp.full([N], 0.25);
    s.sum().backward();
    for (let i = 0; i < N; i += 131) expect(v.grad!.data[i]).toBeCloseTo(want[i], 6);
    // Once the graph has run, storage is pooled again.
    const t = w.detach().mul(3);
    t.dispose();
    expect(bp.memory().pooledArrays).toBe(1);
  });

  it('a graph built and never backpropagated keeps what it may read, but not what is made after it', () => {
    const w = bp.randn([N], { requiresGrad: true });
    const before = bp.rand([N]).mul(2);
    const dangling = w.mul(before); // never backpropagated
    expect(bp.memory().pendingBackwardNodes).toBe(1);
    before.dispose();
    expect(bp.memory().pooledArrays).toBe(0);
    const after = bp.noGrad(() => bp.rand([N]).mul(3));
    after.dispose();
    expect(bp.memory().pooledArrays).toBe(1);
    // Ops recorded and backpropagated after it: what they made goes back too.
    const later = w.mul(3), total = later.sum();
    total.backward();
    later.dispose();
    expect(bp.memory().pooledArrays).toBe(2);
    dangling.sum().backward(); // let the next test start with nothing pending
  });

  it('a constant of the library\'s read by two nodes goes back to the pool after the second backward, not the first', () => {
    const w1 = bp.randn([N], { requiresGrad: true }), w2 = bp.randn([N], { requiresGrad: true });
    const c = bp.rand([N]).mul(2); // needs no gradient
    const values = c.toFloat32Array();
    const y1 = bp.mul(w1, c), y2 = bp.mul(w2, c); // each backward reads c
    letGoAfterRead(y1, c);
    const loss = bp.add(y1.sum(), y2.sum());
    loss.backward();
    // Had c gone back after the first backward, the gradients made before the second would have
    // taken its storage (the pool hands out the latest arrival of a size first).
    expect(Array.from(w1.grad!.data)).toEqual(Array.from(values));
    expect(Array.from(w2.grad!.data)).toEqual(Array.from(values));
    expect(c.isDisposed).toBe(true);
  });

  it('an evaluation pass left with its graph does not stop later training steps from pooling', () => {
    bp.manualSeed(8);
    const model = new bp.nn.Sequential(new bp.nn.Linear(96, 128), new bp.nn.Tanh(), new bp.nn.LayerNorm(128), new bp.nn.Linear(128, 10));
    const x = bp.randn([64, 96]);
    const y = bp.tensor(Array.from({ length: 64 }, (_, i) => i % 10));
    const opt = new bp.optim.Adam(model.parameters(), { lr: 1e-3 });
    const lossFn = new bp.nn.CrossEntropyLoss();
    const forgotten = model.forward(x); // gradients on, never backpropagated
    const pending = bp.memory().pendingBackwardNodes;
    expect(pending).toBeGreaterThan(0);
    const step = () => {
      opt.zeroGrad();
      const o = model.forward(x), loss = lossFn.forward(o, y);
      loss.backward();
      opt.step();
      o.dispose();
    };
    try {
      for (let i = 0; i < 3; i++) step();
      const before = bp.memory().freshBytes;
      for (let i = 0; i < 3; i++) step();
      expect(bp.memory().freshBytes - before).toBe(0);
      expect(bp.memory().pendingBackwardNodes).toBe(pending);
    } finally {
      forgotten.sum().backward(); // the next test starts with nothing pending even when this one fails
    }
  });

  it('gradients and optimizer state are never pooled: a disposed .grad leaves the optimizer stepping right', () => {
    const p = new bp.nn.Parameter(bp.ones([N]));
    const opt = new bp.optim.SGD([p], { lr: 0.5 });
    p.mul(2).sum().backward();
    clearPool(); // backward pooled the gradient it passed through (mul's)
    const g = p.grad!;
    g.dispose();
    expect(bp.memory().pooledArrays).toBe(0);
    bp.full([N], 99);
    opt.step();
    expect(p.data[0]).toBe(0); // 1 - 0.5 * 2
  });

  it('tidy disposes what its function made but the result, and hands the result to the tidy around it', () => {
    const x = bp.rand([N]);
    let inner: bp.Tensor | null = null;
    let made: bp.Tensor[] = [];
    const out = bp.tidy(() => {
      const a = x.exp();
      const b = a.mul(2);
      inner = bp.tidy(() => {
        const c = b.add(1);
        made = [a, b, c];
        return { value: c.neg(), note: 'kept in an object' };
      }).value;
      return [inner.add(0)];
    });
    const [a, b, c] = made;
    expect(c.isDisposed).toBe(true); // made in the inner tidy, not returned
    expect(a.isDisposed && b.isDisposed).toBe(true);
    expect(inner!.isDisposed).toBe(true); // returned by the inner tidy, not by the outer
    expect(out[0].isDisposed).toBe(false);
    expect(x.isDisposed).toBe(false); // made before
    for (let i = 0; i < N; i += 101) expect(out[0].data[i]).toBeCloseTo(-(Math.exp(x.data[i]) * 2 + 1), 3);
  });

  it('tidy spares tensors that require grad, kept ones and module buffers; backward after tidy works', () => {
    const w = bp.randn([N], { requiresGrad: true });
    let kept: bp.Tensor | null = null;
    let bn: bp.nn.BatchNorm1d | null = null;
    const loss = bp.tidy(() => {
      kept = bp.keep(bp.rand([N]));
      bn = new bp.nn.BatchNorm1d(N);
      const target = bp.rand([N]); // disposed by tidy, read by backward: not pooled before it runs
      return w.sub(target).pow(2).sum();
    });
    expect(kept!.isDisposed).toBe(false);
    expect(bn!.running_mean.isDisposed).toBe(false);
    expect(bp.memory().pooledArrays).toBe(0);
    loss.backward();
    expect(w.grad!.data.every(Number.isFinite)).toBe(true);
    bn!.train(false);
    expect(bp.noGrad(() => bn!.forward(bp.rand([2, N]))).shape).toEqual([2, N]);
  });

  it("tidy disposes a recorded op's result once backward has run through it, and not while a later op's backward may read it", () => {
    const w = bp.randn([N], { requiresGrad: true });
    let h: bp.Tensor | null = null;
    bp.tidy(() => {
      h = w.mul(2).tanh(); // two recorded results of N, used up by the backward below
      h.sum().backward();
    });
    expect(h!.isDisposed).toBe(true);
    // Both intermediates and the sum's expanded gradient went back (the gradient of w is w's).
    expect(bp.memory().pooledArrays).toBe(3);
    expect(w.grad!.data.every(Number.isFinite)).toBe(true);
    clearPool();
    // g's node is used up, but an op recorded after g (w times g's values) awaits its backward and
    // reads g: g is disposed and its storage held back, not reused.
    let g: bp.Tensor | null = null;
    const out = bp.tidy(() => {
      g = w.mul(3);
      g.sum().backward();
      return w.mul(g.detach()).sum();
    });
    expect(g!.isDisposed).toBe(true);
    expect(() => g!.data).not.toThrow();
    bp.full([N], 7); // would land on g's storage had it been pooled
    w.grad = null;
    out.backward();
    const expected = Array.from(w.data, (v) => Math.fround(3 * v)); // d/dw of sum(w * g), g's values
    w.grad!.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });

  it('a module that tidy returns keeps the tensors it holds', () => {
    class Masked extends bp.nn.Module {
      readonly lin = new bp.nn.Linear(N, 2);
      mask = bp.ones([N]).mul(0.5); // a plain tensor field: neither parameter nor buffer
      forward(x: bp.Tensor): bp.Tensor {
        return this.lin.forward(x.mul(this.mask));
      }
    }
    const m = bp.tidy(() => new Masked());
    expect(m.mask.isDisposed).toBe(false);
    bp.full([N], 3); // would land on the mask's storage had it been pooled
    expect(m.mask.data[0]).toBe(0.5);
    expect(bp.noGrad(() => m.forward(bp.rand([2, N]))).shape).toEqual([2, 2]);
  });

  it("Dropout's mask goes back to the pool: at once without a graph, once backward has read it with one", () => {
    const d = new bp.nn.Dropout(0.5);
    d.forward(bp.rand([N]));
    expect(bp.memory().pooledArrays).toBe(1); // the mask; the caller holds the output
    const x = bp.rand([N], { requiresGrad: true }); // on the pooled mask's storage
    const y = d.forward(x);
    const kept = Array.from(y.data, (v, i) => v / x.data[i]); // 0 or 2 each
    expect(bp.memory().pooledArrays).toBe(0); // the mask awaits the backward
    y.sum().backward();
    // sum's gradient (expanded to N) and the mask went back; the gradient is the mask's.
    expect(bp.memory().pooledArrays).toBe(2);
    x.grad!.data.forEach((g, i) => expect(g).toBeCloseTo(kept[i], 5));
    // A graph kept for a second backward keeps the mask too.
    const y2 = d.forward(x);
    const kept2 = Array.from(y2.data, (v, i) => v / x.data[i]);
    const s = y2.sum();
    const pooled = bp.memory().pooledArrays;
    s.backward({ retainGraph: true });
    expect(bp.memory().pooledArrays).toBe(pooled + 1); // sum's gradient only
    s.backward();
    expect(bp.memory().pooledArrays).toBe(pooled + 2); // its gradient (on the first one's storage), and the mask
    x.grad!.data.forEach((g, i) => expect(g).toBeCloseTo(kept[i] + 2 * kept2[i], 4));
  });

  it('tidy refuses async functions and non-functions, naming them', () => {
    expect(() => bp.tidy((async () => bp.rand([2])) as unknown as () => bp.Tensor)).toThrow(/tidy: fn must not be async/);
    expect(() => bp.tidy(42 as unknown as () => bp.Tensor)).toThrow(/tidy: fn must be a function, got 42/);
    expect(() => bp.keep({} as unknown as bp.Tensor)).toThrow(/keep: expected a Tensor/);
  });

  it("backward pools the gradients it used up, and a Sequential's intermediates once nothing can read them", () => {
    bp.manualSeed(1);
    const make = () => new bp.nn.Sequential(new bp.nn.Linear(40, 80), new bp.nn.ReLU(), new bp.nn.Linear(80, 60), new bp.nn.Tanh(), new bp.nn.Linear(60, 5));
    const model = make();
    const twin = make();
    twin.loadStateDict(model.stateDict());
    const x = bp.randn([30, 40]);
    const y = bp.tensor(Array.from({ length: 30 }, (_, i) => i % 5));
    const loss = new bp.nn.CrossEntropyLoss();
    const opt = new bp.optim.SGD(model.parameters(), { lr: 0.1 });
    const out = model.forward(x);
    expect(bp.memory().pooledArrays).toBe(0); // the two intermediates await the backward
    loss.forward(out, y).backward();
    // Both intermediates (30x80 and 30x60) and the two input gradients of their size went back.
    expect(bp.memory().pooledArrays).toBe(4);
    expect(out.data.length).toBe(150); // the output, which the caller holds, is not among them
    opt.step();
    // Steps on pooled storage give what the same steps on fresh storage give (the pool emptied each time).
    const twinOpt = new bp.optim.SGD(twin.parameters(), { lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      loss.forward(model.forward(x), y).backward();
      opt.step();
    }
    for (let i = 0; i < 4; i++) {
      clearPool();
      twinOpt.zeroGrad();
      loss.forward(twin.forward(x), y).backward();
      twinOpt.step();
    }
    const a = model.stateDict(), b = twin.stateDict();
    for (const k of Object.keys(a)) expect(Array.from(a[k].data), k).toEqual(Array.from(b[k].data));
  });

  it("a CNN's training step gives back every array it makes, max pooling's offsets included", () => {
    bp.manualSeed(3);
    // Conv2d + ReLU (one GEMM with the activation; its rows a constant for the first layer), max and
    // average pooling, each intermediate past the pool's lower limit but the last pooling's output.
    const model = new bp.nn.Sequential(new bp.nn.Conv2d(1, 4, 3, { padding: 1 }), new bp.nn.ReLU(), new bp.nn.MaxPool2d(2),
      new bp.nn.Conv2d(4, 6, 3, { padding: 1 }), new bp.nn.ReLU(), new bp.nn.AvgPool2d(2), new bp.nn.Flatten(), new bp.nn.Linear(96, 5));
    const x = bp.randn([8, 1, 16, 16]);
    const y = bp.tensor(Array.from({ length: 8 }, (_, i) => i % 5));
    const loss = new bp.nn.CrossEntropyLoss();
    const opt = new bp.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const step = () => {
      opt.zeroGrad();
      loss.forward(model.forward(x), y).backward();
      opt.step();
    };
    expectNoFreshStorage(step);
  });

  it('packed-sequence LSTM and GRU training steps give back every array they make', () => {
    bp.manualSeed(5);
    // Eight sequences of 2 to 9 steps, unsorted: every step's rows (up to 8 x 160) past the pool's lower limit.
    const packed = bp.nn.utils.rnn.packSequence([9, 3, 7, 2, 8, 5, 9, 4].map((n) => bp.randn([n, 32])), { enforceSorted: false });
    const models: [string, bp.nn.LSTM | bp.nn.GRU][] = [
      ['packed LSTM', new bp.nn.LSTM(32, 160)],
      ['packed GRU, 2 layers, bidirectional', new bp.nn.GRU(32, 160, { numLayers: 2, bidirectional: true })],
    ];
    for (const [name, m] of models) {
      const opt = new bp.optim.SGD(m.parameters(), { lr: 0.01 });
      const step = () => {
        opt.zeroGrad();
        const { output, hN, cN } = m.forwardWithState(packed);
        const loss = output.data.sum().add(hN.sum()).add(cN ? cN.sum() : 0);
        loss.backward();
        opt.step();
        for (const t of [output.data, hN, loss, ...(cN ? [cN] : [])]) t.dispose();
      };
      expectNoFreshStorage(step, name);
    }
  });

  it('LSTM, GRU, residual, transposed-convolution, bilinear-resize, adaptive-pooling and padding training steps give back every array they make, and leave no node awaiting a backward', () => {
    bp.manualSeed(4);
    const x = bp.randn([6, 8, 32]); // [time, batch, features]: every step's h (8 x 160) past the pool's lower limit
    // Each case's loss as the tensors it makes, the last the loss: the step disposes them (and the
    // model's output) once backward has run, as a caller that keeps none of them may.
    const images = bp.randn([4, 3, 16, 16]);
    const cases: [string, bp.nn.Module, (o: bp.Tensor) => bp.Tensor[], bp.Tensor?][] = [
      // Each call makes zero initial states (8 x 160 floats), views of them for the first step, and
      // between layers each layer's output, the directions' before their cat and dropout's input.
      ['LSTM', new bp.nn.LSTM(32, 160), (o) => [o.sum()]],
      ['GRU', new bp.nn.GRU(32, 160), (o) => [o.sum()]],
      ['RNN', new bp.nn.RNN(32, 160), (o) => [o.sum()]],
      ['LSTM, 2 layers, bidirectional, dropout', new bp.nn.LSTM(32, 160, { numLayers: 2, bidirectional: true, dropout: 0.2 }), (o) => [o.sum()]],
      ['GRU, 2 layers, batch first', new bp.nn.GRU(32, 160, { numLayers: 2, batchFirst: true }), (o) => [o.sum()]],
      // Its bias's gradient is summed from [4, 8, 33, 33] in two steps, through a partial sum of its own.
      ['ConvTranspose2d', new bp.nn.ConvTranspose2d(3, 8, 3, { stride: 2 }), (o) => [o.sum()], images],
      // Resized one dimension after the other, each as a sum of weighted taps (index, multiply, add).
      ['bilinear Upsample', new bp.nn.Sequential(new bp.nn.Conv2d(3, 8, 3), new bp.nn.Upsample({ scaleFactor: 2, mode: 'bilinear' })), (o) => [o.sum()], images],
      // Uneven windows (14 rows into 3): padded, gathered, summed along each side, then divided.
      ['AdaptiveAvgPool2d', new bp.nn.Sequential(new bp.nn.Conv2d(3, 8, 3), new bp.nn.AdaptiveAvgPool2d(3)), (o) => [o.sum()], images],
      ['AdaptiveMaxPool2d', new bp.nn.Sequential(new bp.nn.Conv2d(3, 8, 3), new bp.nn.AdaptiveMaxPool2d(3)), (o) => [o.sum()], images],
      // Padded one dimension after the other, each by an index select.
      ['ReflectionPad2d', new bp.nn.Sequential(new bp.nn.Conv2d(3, 8, 3), new bp.nn.ReflectionPad2d(2), new bp.nn.Conv2d(8, 4, 3)), (o) => [o.sum()], images],
      // The 1-d layers run their 2-d twins over views one row high, each view a holder of storage.
      ['Conv1d, MaxPool1d', new bp.nn.Sequential(new bp.nn.Conv1d(32, 16, 3), new bp.nn.ReLU(), new bp.nn.MaxPool1d(2), new bp.nn.Conv1d(16, 8, 3)), (o) => [o.sum()], bp.randn([8, 32, 40])],
      // o + tanh(o): add's backward gives one array to both of its inputs.
      ['residual', new bp.nn.Linear(32, 32), (o) => {
        const t = bp.tanh(o), r = bp.add(o, t), q = r.square();
        return [t, r, q, q.sum()];
      }],
    ];
    for (const [name, m, loss, input] of cases) {
      const opt = new bp.optim.SGD(m.parameters(), { lr: 0.01 });
      const step = () => {
        opt.zeroGrad();
        const o = m.forward(input ?? x);
        const made = loss(o);
        (made[made.length - 1] as bp.Tensor).backward();
        opt.step();
        for (const t of [o, ...made]) t.dispose();
      };
      expectNoFreshStorage(step, name);
    }
  });

  it('the activations, norms and recurrent layers of a Sequential give back what they make between and inside them', () => {
    bp.manualSeed(6);
    const x = bp.randn([64, 96]);
    const nn = bp.nn;
    const middles: [string, () => bp.nn.Module[]][] = [
      // Linear + GELU under a graph: the product before GELU.
      ['LayerNorm, GELU', () => [new nn.LayerNorm(128), new nn.GELU()]], ['Mish', () => [new nn.Mish()]],
      // where's mask, the slopes' product.
      ['PReLU', () => [new nn.PReLU()]], ['Softsign', () => [new nn.Softsign()]], ['Tanhshrink', () => [new nn.Tanhshrink()]],
      ['Hardswish, SELU', () => [new nn.Hardswish(), new nn.SELU()]], ['Hardtanh, LogSigmoid', () => [new nn.Hardtanh(), new nn.LogSigmoid()]],
    ];
    for (const [name, make] of middles) {
      const model = new nn.Sequential(new nn.Linear(96, 128), ...make(), new nn.Linear(128, 96));
      const opt = new bp.optim.SGD(model.parameters(), { lr: 0.001 });
      const step = () => {
        opt.zeroGrad();
        const o = model.forward(x);
        const loss = new nn.MSELoss().forward(o, x);
        loss.backward();
        opt.step();
        o.dispose();
      };
      expectNoFreshStorage(step, name);
    }
  });

  it('losses and composed ops give back the arrays they make, forward and backward', () => {
    bp.manualSeed(7);
    const leaf = (t: bp.Tensor) => {
      const l = t.detach();
      l.requiresGrad = true;
      return l;
    };
    const a = leaf(bp.rand([64, 128]).add(0.5)), b = leaf(bp.rand([64, 128]).add(0.5));
    const row = leaf(bp.rand([128]).add(0.5)), col = leaf(bp.rand([64, 1]).add(0.5));
    const target = bp.randn([64, 128]), prob = bp.softmax(bp.randn([64, 128]), 1);
    const classes = bp.tensor(Array.from({ length: 64 }, (_, i) => i % 128));
    const pos = bp.rand([128]).add(0.5);
    const cases: [string, () => bp.Tensor][] = [
      // Broadcast operands' gradients summed down, and the backward's own factors and masks.
      ['mul', () => bp.mul(a, row)], ['div', () => bp.div(col, a)], ['pow', () => bp.pow(a, b)], ['pow row', () => bp.pow(a, row)],
      ['maximum', () => bp.maximum(a, row)], ['logsumexp', () => bp.logsumexp(a, 1)], ['var', () => bp.variance(a, 1)],
      ['std', () => bp.std(a, 0)], ['norm', () => bp.norm(a, 2, 1)], ['einsum', () => bp.einsum('ij,kj->ik', a, b)],
      ['repeat', () => a.repeat([2, 1])],
      ['MSELoss none', () => new bp.nn.MSELoss({ reduction: 'none' }).forward(a, target)],
      ['L1Loss none', () => new bp.nn.L1Loss({ reduction: 'none' }).forward(a, target)],
      ['MSELoss', () => new bp.nn.MSELoss().forward(a, target)], ['SmoothL1Loss', () => new bp.nn.SmoothL1Loss().forward(a, target)],
      ['BCEWithLogitsLoss', () => new bp.nn.BCEWithLogitsLoss({ posWeight: pos, weight: pos }).forward(a, prob)],
      ['CrossEntropyLoss', () => new bp.nn.CrossEntropyLoss().forward(a, classes)],
      ['KLDivLoss', () => new bp.nn.KLDivLoss({ reduction: 'batchmean' }).forward(a, prob)],
      ['KLDivLoss logTarget', () => new bp.nn.KLDivLoss({ reduction: 'sum', logTarget: true }).forward(a, target)],
    ];
    for (const [name, f] of cases) {
      const step = () => {
        const o = f();
        const sq = o.square(), loss = sq.sum();
        loss.backward();
        for (const t of [o, sq, loss]) t.dispose();
        for (const p of [a, b, row, col]) p.grad = null;
      };
      // (logsumexp's maximum was a node that no backward ever reached: nothing was pooled after it.)
      expectNoFreshStorage(step, name);
    }
  });

  it("intermediates that the caller's own layers see, or that a retained graph needs, are not pooled", () => {
    bp.manualSeed(2);
    // A layer of the caller's (a subclass) that keeps its input: the tensor stays readable.
    class Keeping extends bp.nn.Linear {
      kept: bp.Tensor | null = null;
      override forward(x: bp.Tensor): bp.Tensor {
        this.kept = x;
        return super.forward(x);
      }
    }
    const keeping = new Keeping(70, 3);
    const model = new bp.nn.Sequential(new bp.nn.Linear(20, 70), new bp.nn.Sigmoid(), keeping);
    const x = bp.randn([50, 20]);
    model.forward(x).sum().backward();
    const seen = keeping.kept!.toFloat32Array();
    bp.full([50, 70], 5); // would land on the kept input if it had been pooled
    expect(Array.from(keeping.kept!.data)).toEqual(Array.from(seen));
    // An instance given a forward of its own is the caller's too.
    const inst = new bp.nn.Tanh();
    let caught: bp.Tensor | null = null;
    inst.forward = (t: bp.Tensor) => { caught = t; return t.tanh(); };
    const m2 = new bp.nn.Sequential(new bp.nn.Linear(20, 70), inst, new bp.nn.Linear(70, 2));
    m2.forward(x).sum().backward();
    const c = (caught as unknown as bp.Tensor).toFloat32Array();
    bp.full([50, 70], 6);
    expect(Array.from((caught as unknown as bp.Tensor).data)).toEqual(Array.from(c));
    // retainGraph: the second backward reads the intermediates again, and the gradients add up.
    const m3 = new bp.nn.Sequential(new bp.nn.Linear(20, 70), new bp.nn.ReLU(), new bp.nn.Linear(70, 2));
    const o3 = m3.forward(x);
    const l3 = o3.mul(o3).sum();
    l3.backward({ retainGraph: true });
    const once = m3.parameters().map((p) => p.grad!.toFloat32Array());
    bp.full([50, 70], 7);
    l3.backward();
    m3.parameters().forEach((p, i) => p.grad!.data.forEach((v, j) => expect(v).toBeCloseTo(2 * once[i][j], 4)));
    // Max pooling's offsets (2048 of them) are read by both backwards.
    const m4 = new bp.nn.Sequential(new bp.nn.Conv2d(2, 4, 3), new bp.nn.MaxPool2d(2), new bp.nn.Flatten(), new bp.nn.Linear(256, 1));
    const l4 = m4.forward(bp.randn([8, 2, 18, 18])).square().sum();
    l4.backward({ retainGraph: true });
    const first = m4.parameters().map((p) => p.grad!.toFloat32Array());
    bp.full([2048], 1e6);
    l4.backward();
    m4.parameters().forEach((p, i) => p.grad!.data.forEach((v, j) => expect(v).toBeCloseTo(2 * first[i][j], 3)));
  });

  it("a layer that passes its input through (Identity, Dropout in eval mode) leaves the caller's input the caller's", () => {
    bp.manualSeed(5);
    const x = bp.randn([32, 64]);
    const copy = x.toFloat32Array();
    const drop = new bp.nn.Dropout(0.5);
    drop.eval();
    for (const first of [new bp.nn.Identity(), drop]) {
      const model = new bp.nn.Sequential(first, new bp.nn.Linear(64, 64), new bp.nn.ReLU(), new bp.nn.Linear(64, 2));
      bp.noGrad(() => model.forward(x));
      model.forward(x).sum().backward();
      bp.full([32, 64], 7); // would land on x if it had been pooled
      expect(Array.from(x.data)).toEqual(Array.from(copy));
    }
  });

  it('training and inference through every kind of library layer give the same numbers with the pool on and off', () => {
    // Storage that backward and Sequential give back is reused by the very next tensors of its size:
    // if anything were given back while still readable, the numbers would change.
    const run = (poolBytes: number): number[][] => {
      clearPool(poolBytes);
      bp.manualSeed(7);
      const model = new bp.nn.Sequential(new bp.nn.Identity(), new bp.nn.Linear(24, 48), new bp.nn.BatchNorm1d(48), new bp.nn.ReLU(),
        new bp.nn.Dropout(0.25), new bp.nn.Linear(48, 48), new bp.nn.Tanh(), new bp.nn.LayerNorm(48), new bp.nn.Linear(48, 48),
        new bp.nn.GELU(), new bp.nn.Sequential(new bp.nn.Linear(48, 40), new bp.nn.SiLU()), new bp.nn.Flatten(), new bp.nn.Linear(40, 5));
      const opt = new bp.optim.Adam(model.parameters(), { lr: 0.01 });
      const x = bp.randn([40, 24]);
      const y = bp.tensor(Array.from({ length: 40 }, (_, i) => i % 5));
      const lossFn = new bp.nn.CrossEntropyLoss();
      const seen: number[][] = [];
      for (let step = 0; step < 4; step++) {
        opt.zeroGrad();
        const loss = lossFn.forward(model.forward(x), y);
        loss.backward();
        opt.step();
        seen.push([loss.item()]);
        model.eval();
        seen.push(Array.from(bp.noGrad(() => model.forward(x)).data));
        model.train();
      }
      model.parameters().forEach((p) => seen.push(Array.from(p.data)));
      // The composed activations, recurrent layers and losses that give back what they make.
      const nn = bp.nn;
      const composed = new nn.Sequential(new nn.Linear(24, 48), new nn.PReLU(), new nn.Mish(), new nn.Linear(48, 48), new nn.Softsign(),
        new nn.Tanhshrink(), new nn.Hardswish(), new nn.SELU(), new nn.LayerNorm(48), new nn.Linear(48, 48));
      const recurrent = new nn.Sequential(new nn.GRU(24, 48, { numLayers: 2, bidirectional: true }), new nn.LSTM(96, 48, { numLayers: 2, dropout: 0.3 }));
      const seq = bp.randn([5, 24, 24]); // each layer's state 24 x 48: past the pool's lower limit
      const opt2 = new bp.optim.Adam([...composed.parameters(), ...recurrent.parameters()], { lr: 0.01 });
      const t = bp.rand([40, 48]);
      for (let step = 0; step < 3; step++) {
        opt2.zeroGrad();
        const o = composed.forward(x), r = recurrent.forward(seq);
        const losses = [new nn.BCEWithLogitsLoss({ posWeight: bp.full([48], 2) }).forward(o, t), new nn.KLDivLoss({ reduction: 'batchmean' }).forward(o, t),
          new nn.MSELoss({ reduction: 'none' }).forward(o, t).mean(), bp.logsumexp(o, 1).sum(), bp.einsum('tbh,tbh->', r, r), bp.std(r, 2).sum()];
        const loss = losses.reduce((p, q) => p.add(q));
        loss.backward();
        opt2.step();
        seen.push([loss.item()]);
      }
      [...composed.parameters(), ...recurrent.parameters()].forEach((p) => seen.push(Array.from(p.data)));
      return seen;
    };
    const pooled = run(256 * 2 ** 20);
    expect(bp.memory().pooledArrays).toBeGreaterThan(0);
    const unpooled = run(0);
    expect(bp.memory().pooledArrays).toBe(0);
    clearPool();
    expect(pooled).toEqual(unpooled);
  });

  it('gradients handed to several inputs (the same tensor twice, a residual sum, a chain of adds) come out the same with the pool on and off', () => {
    // autograd pools such an array when the last input holding it is done: one pooled too early would
    // be written over by the next array of its size and change the numbers.
    // (Read through a function: after `w.grad = null` TypeScript takes w.grad for null in the loop.)
    const gradOf = (t: bp.Tensor): number[] => Array.from(t.grad?.data ?? []);
    const run = (poolBytes: number): number[][] => {
      clearPool(poolBytes);
      bp.manualSeed(8);
      const w = bp.randn([64, 64]).requiresGrad_();
      const v = bp.randn([64, 64]).requiresGrad_();
      const x = bp.randn([32, 64]);
      const seen: number[][] = [];
      for (let step = 0; step < 3; step++) {
        w.grad = null;
        v.grad = null;
        const a = bp.tanh(bp.matmul(x, w));
        const b = bp.add(a, a); // the same array to both inputs, both a
        const c = bp.add(b, bp.matmul(b, v)); // a residual: b twice, through two paths
        const d = bp.add(bp.add(c, a), bp.sigmoid(c)); // adds of adds: arrays passed on and summed
        bp.mul(d, d).sum().backward();
        seen.push(gradOf(w), gradOf(v));
      }
      return seen;
    };
    const pooled = run(256 * 2 ** 20);
    const unpooled = run(0);
    clearPool();
    expect(pooled).toEqual(unpooled);
  });

  it('noGrad inference pools each intermediate as soon as the next layer has read it; a returned view stays', () => {
    bp.manualSeed(3);
    const model = new bp.nn.Sequential(new bp.nn.Linear(30, 90), new bp.nn.ReLU(), new bp.nn.Linear(90, 90), new bp.nn.GELU(), new bp.nn.Linear(90, 40));
    const x = bp.randn([20, 30]);
    const first = bp.noGrad(() => model.forward(x));
    expect(bp.memory().pooledArrays).toBe(2);
    const again = bp.noGrad(() => model.forward(x));
    expect(bp.memory().pooledArrays).toBe(2); // the second pass ran on the first one's storage
    expect(Array.from(again.data)).toEqual(Array.from(first.data));
    // A Flatten at the end returns a view of the last intermediate, which the caller then holds.
    clearPool();
    const flat = new bp.nn.Sequential(new bp.nn.Linear(30, 90), new bp.nn.ReLU(), new bp.nn.Flatten(0));
    const out = bp.noGrad(() => flat.forward(x));
    const copy = out.toFloat32Array();
    bp.noGrad(() => flat.forward(bp.randn([20, 30])));
    expect(Array.from(out.data)).toEqual(Array.from(copy));
  });

  it('a frozen first layer (its output records nothing) still gives the later layers their gradients', () => {
    bp.manualSeed(4);
    const model = new bp.nn.Sequential(new bp.nn.Linear(16, 64), new bp.nn.ReLU(), new bp.nn.Linear(64, 32), new bp.nn.ReLU(), new bp.nn.Linear(32, 3));
    const [w0, b0] = model.parameters();
    w0.requiresGrad = false;
    b0.requiresGrad = false;
    const x = bp.randn([40, 16]);
    const h = bp.noGrad(() => bp.linear(x, w0, b0, 'relu'));
    const rest = new bp.nn.Sequential(new bp.nn.Linear(64, 32), new bp.nn.ReLU(), new bp.nn.Linear(32, 3));
    rest.loadStateDict({ '0.weight': model.stateDict()['2.weight'], '0.bias': model.stateDict()['2.bias'], '2.weight': model.stateDict()['4.weight'], '2.bias': model.stateDict()['4.bias'] });
    const sq = (t: bp.Tensor) => t.mul(t).sum();
    const out = model.forward(x);
    expect(bp.memory().pooledArrays).toBe(0); // the frozen layer's output is read by the next layer's backward
    bp.full([40, 64], 9); // would land on it if it had been pooled
    sq(out).backward();
    sq(rest.forward(h)).backward();
    const got = model.parameters().slice(2).map((p) => Array.from(p.grad!.data));
    expect(got).toEqual(rest.parameters().map((p) => Array.from(p.grad!.data)));
  });

  it("nothing is pooled while fit()'s native loop holds the arrays; the eager loop pools as usual", async () => {
    const model = new bp.nn.Sequential(new bp.nn.Linear(N, 2));
    const x = bp.rand([8, N]);
    const y = bp.tensor([0, 1, 0, 1, 0, 1, 0, 1]);
    const seen: number[] = [];
    await bp.fit(model, { x, y }, {
      epochs: 1, batchSize: 4, loss: new bp.nn.CrossEntropyLoss(), optimizer: new bp.optim.SGD(model.parameters(), { lr: 0.1 }),
      onEpochEnd: () => {
        seen.push(bp.memory().runningFits);
        const t = bp.rand([N]).mul(2);
        t.dispose();
        seen.push(bp.memory().pooledArrays);
      },
    });
    // The native backend runs this model through the fused plan; the reference backend has none (its
    // eager loop pools each batch's rows too).
    if (bp.getBackend() === 'native') expect(seen).toEqual([1, 0]);
    else {
      expect(seen[0]).toBe(0);
      expect(seen[1]).toBeGreaterThan(0);
    }
    expect(bp.memory().runningFits).toBe(0);
    // The eager loop (here asked for; also what models the plan does not cover run) pools as usual.
    const eagerSeen: number[] = [];
    await bp.fit(model, { x, y }, {
      epochs: 1, batchSize: 4, fused: false, loss: new bp.nn.CrossEntropyLoss(), optimizer: new bp.optim.SGD(model.parameters(), { lr: 0.1 }),
      onEpochEnd: () => {
        eagerSeen.push(bp.memory().runningFits);
        const t = bp.rand([N]).mul(2);
        t.dispose();
        eagerSeen.push(bp.memory().pooledArrays);
      },
    });
    expect(eagerSeen[0]).toBe(0);
    expect(eagerSeen[1]).toBeGreaterThan(0);
  });

  it("fit's eager loop, evaluate and predict give back each batch's tensors, a model of the caller's own included", async () => {
    bp.manualSeed(9);
    // A residual block of the caller's: its forward's intermediates are seen by nothing the library
    // can tell apart from the caller, so only the loop's tidy gives them back.
    class Residual extends bp.nn.Module {
      inner = new bp.nn.Linear(64, 64);
      head = new bp.nn.Linear(64, 4);
      forward(x: bp.Tensor): bp.Tensor {
        return this.head.forward(bp.add(x, bp.tanh(this.inner.forward(x))));
      }
    }
    const model = new Residual();
    const x = bp.randn([256, 64]);
    const y = bp.tensor(Array.from({ length: 256 }, (_, i) => i % 4));
    const run = () => bp.fit(model, { x, y }, {
      epochs: 1, batchSize: 32, loss: new bp.nn.CrossEntropyLoss(), optimizer: new bp.optim.SGD(model.parameters(), { lr: 0.01 }),
      validationData: { x, y },
    });
    await run();
    let before = bp.memory().freshBytes;
    await run();
    expect(bp.memory().freshBytes - before).toBe(0);
    expect(bp.memory().pendingBackwardNodes).toBe(0);
    // predict: the batches' outputs copied into the result as they come (the result itself, 1024
    // floats, is below the pool's lower limit: never counted).
    const first = bp.predict(model, x, { batchSize: 32 });
    before = bp.memory().freshBytes;
    const again = bp.predict(model, x, { batchSize: 32 });
    expect(bp.memory().freshBytes - before).toBe(0);
    expect(Array.from(again.data)).toEqual(Array.from(first.data));
  });
});
