// The fused native plan runs whole epochs in C++ and must give exactly the eager loop's numbers;
// it must stop on an AbortSignal, keep the event loop free, and leave the model and optimizer in
// the state the eager loop would (so training can continue either way).
import * as os from 'node:os';
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { HYPER_DEFAULTS } from '../lib/optim/optimizer';
import { nn, optim } from '../lib/index';
import { fusedPlan } from '../lib/train/plan';
import { loadNative } from '../lib/backend/native';
import { packHyper } from '../lib/backend/backend';
import { nativeExpected } from './helpers/backends';

type Kind = 'ce' | 'mse' | 'bce' | 'bceLogits' | 'ceBatchNorm' | 'mseBatchNorm';

function problem(kind: Kind) {
  bp.manualSeed(3);
  const out = kind.startsWith('ce') || kind.startsWith('mse') ? 5 : 1;
  const model = kind.endsWith('BatchNorm')
    ? new nn.Sequential(new nn.Linear(20, 32), new nn.BatchNorm1d(32, { momentum: null }), new nn.ReLU(), new nn.Dropout(0.2),
      new nn.Linear(32, 16), new nn.BatchNorm1d(16, { affine: false, momentum: 0.2 }), new nn.Sigmoid(), new nn.Linear(16, out))
    : kind === 'bce'
    ? new nn.Sequential(new nn.Linear(20, 8), new nn.Sigmoid(), new nn.Linear(8, 1), new nn.Sigmoid())
    : new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(32, 16), new nn.Tanh(), new nn.Linear(16, 16), new nn.Dropout(0.1), new nn.Linear(16, out, { bias: false }));
  const x = bp.randn([203, 20]);
  const y = kind.startsWith('ce') ? bp.tensor(Array.from({ length: 203 }, (_, i) => (i * 7) % 5))
    : kind.startsWith('mse') ? bp.randn([203, 5]) : bp.tensor(Array.from({ length: 203 }, (_, i) => i % 2), { shape: [203, 1] });
  const loss = kind.startsWith('ce') ? new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }) : kind.startsWith('mse') ? new nn.MSELoss() : kind === 'bce' ? new nn.BCELoss() : new nn.BCEWithLogitsLoss();
  return { model, data: { x, y }, loss, metrics: (kind.startsWith('mse') ? [] : ['accuracy']) as 'accuracy'[] };
}

const optimizers: Record<string, (p: bp.Tensor[]) => optim.Optimizer> = {
  Adam: (p) => new optim.Adam(p, { lr: 0.01, amsgrad: true }),
  'SGD momentum': (p) => new optim.SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true }),
  RMSprop: (p) => new optim.RMSprop(p, { lr: 0.01, centered: true }),
};

const f = (n: number) => new Float32Array(n);
// A plan for the addon's trainEpoch written by hand: one 2-to-1 linear stage, MSE, Adam, one batch.
function handPlan(s0: Float32Array[], grads?: unknown[]): Record<string, unknown> {
  const adam = { ...HYPER_DEFAULTS, kind: 1, lr: 1e-3 };
  const W = f(2), gW = f(2);
  return {
    n: 2, features: 2, batchSize: 2, loss: 1, smoothing: 0, threshold: 0.5, epochs: 1, order: null,
    stages: [{ kind: 0, inF: 2, outF: 1, act: 0, W, gW, b: null, gb: null }],
    x: f(4), yIndex: null, yValues: f(2), control: new Int32Array(1), rng: new Uint32Array(4), batchLoss: f(1), batchCorrect: null,
    hyper: packHyper(adam), params: [W], grads: grads ?? [gW], s0, s1: [f(2)], s2: [f(0)],
  };
}

describe.runIf(nativeExpected())('fused native fit', () => {
  for (const kind of ['ce', 'mse', 'bce', 'bceLogits', 'ceBatchNorm', 'mseBatchNorm'] as Kind[]) {
    for (const [oname, makeOpt] of Object.entries(optimizers)) {
      it(`${kind} with ${oname}: bit-identical to the eager loop, and training continues identically`, async () => {
        const run = async (fused: boolean) => {
          const p = problem(kind);
          const opt = makeOpt(p.model.parameters());
          expect(fused ? fusedPlan(p.model, p.data, p.loss, opt, 32, p.metrics.length > 0) : null).toEqual(fused ? expect.anything() : null);
          const h = await bp.fit(p.model, p.data, { loss: p.loss, optimizer: opt, epochs: 3, batchSize: 32, seed: 1, metrics: p.metrics, fused });
          // Two more epochs through the eager loop from the state each path left.
          const h2 = await bp.fit(p.model, p.data, { loss: p.loss, optimizer: opt, epochs: 2, batchSize: 32, seed: 2, metrics: p.metrics, fused: false });
          // The generator must end where the eager loop leaves it (Dropout draws from it).
          const next = bp.rand([3]).toArray();
          const state = Object.values(p.model.stateDict()).map((t) => Array.from(t.data)); // running statistics too
          return { h, h2, next, state, w: p.model.parameters().map((t) => Array.from(t.data)), g: p.model.parameters().map((t) => Array.from(t.grad!.data)) };
        };
        const fused = await run(true);
        const eager = await run(false);
        expect(fused.h).toEqual(eager.h);
        expect(fused.h2).toEqual(eager.h2);
        expect(fused.w).toEqual(eager.w);
        expect(fused.g).toEqual(eager.g);
        expect(fused.next).toEqual(eager.next);
        expect(fused.state).toEqual(eager.state);
      });
    }
  }

  for (const kind of ['ce', 'bce', 'mseBatchNorm'] as Kind[]) {
    it(`${kind} without shuffling (rows read in place, epochs grouped, Dropout included): bit-identical to the eager loop`, async () => {
      const run = async (fused: boolean) => {
        const p = problem(kind);
        const opt = new optim.SGD(p.model.parameters(), { lr: 0.05, momentum: 0.9 });
        const h = await bp.fit(p.model, p.data, { loss: p.loss, optimizer: opt, epochs: 4, batchSize: 50, shuffle: false, metrics: p.metrics, fused });
        return { h, next: bp.rand([2]).toArray(), w: p.model.parameters().map((t) => Array.from(t.data)) };
      };
      const fused = await run(true);
      const eager = await run(false);
      expect(fused.h.loss).toHaveLength(4);
      expect(fused).toEqual(eager);
    });
  }

  it('trains on a view (rows of a larger dataset, cut with narrow) as on a copy of it', async () => {
    const run = async (view: boolean) => {
      const p = problem('ce');
      const all = bp.cat([bp.randn([50, 20]), p.data.x]); // p.data.x's rows start 4000 bytes in
      const x = view ? all.narrow(0, 50, 203) : all.narrow(0, 50, 203).clone();
      expect(x.data.buffer === all.data.buffer).toBe(view);
      const opt = new optim.Adam(p.model.parameters(), { lr: 1e-2 });
      const h = await bp.fit(p.model, { x, y: p.data.y }, { loss: p.loss, optimizer: opt, epochs: 2, batchSize: 32, seed: 1, metrics: p.metrics });
      return { h, w: p.model.parameters().map((t) => Array.from(t.data)) };
    };
    expect(await run(true)).toEqual(await run(false));
  });

  it('falls back to the eager loop for models and options the plan does not cover', () => {
    const p = problem('ce');
    const opt = new optim.Adam(p.model.parameters());
    expect(fusedPlan(p.model, p.data, new nn.CrossEntropyLoss({ reduction: 'sum' }), opt, 32, false)).toBeNull();
    const dropoutFirst = new nn.Sequential(new nn.Dropout(0.1), new nn.Linear(20, 5));
    expect(fusedPlan(dropoutFirst, p.data, p.loss, new optim.Adam(dropoutFirst.parameters()), 32, false)).toBeNull();
    const withGelu = new nn.Sequential(new nn.Linear(20, 5), new nn.GELU());
    expect(fusedPlan(withGelu, p.data, p.loss, new optim.Adam(withGelu.parameters()), 32, false)).toBeNull();
    const withBatchNorm = new nn.Sequential(new nn.Linear(20, 5), new nn.BatchNorm1d(5));
    expect(fusedPlan(withBatchNorm, p.data, p.loss, new optim.Adam(withBatchNorm.parameters()), 32, false)).not.toBeNull();
    // 203 rows in batches of 101 leave a last batch of one row, which BatchNorm refuses: eager reports it.
    expect(fusedPlan(withBatchNorm, p.data, p.loss, new optim.Adam(withBatchNorm.parameters()), 101, false)).toBeNull();
    // So is every batch of batchSize 1 (203 % 1 is 0: the plan used to take it and train on).
    expect(fusedPlan(withBatchNorm, p.data, p.loss, new optim.Adam(withBatchNorm.parameters()), 1, false)).toBeNull();
    const other = new optim.Adam(new nn.Linear(20, 5).parameters());
    expect(fusedPlan(p.model, p.data, p.loss, other, 32, false)).toBeNull();
    // Layers and losses whose forward the caller replaced run as they are: the plan would skip them.
    class Doubled extends nn.ReLU {
      override forward(x: bp.Tensor): bp.Tensor { return x.relu().mul(2); }
    }
    const custom = new nn.Sequential(new nn.Linear(20, 5), new Doubled());
    expect(fusedPlan(custom, p.data, p.loss, new optim.Adam(custom.parameters()), 32, false)).toBeNull();
    const inst = new nn.Sequential(new nn.Linear(20, 5));
    const lin = inst.at(0) as nn.Linear;
    lin.forward = (x: bp.Tensor) => bp.linear(x, lin.weight, lin.bias).mul(3);
    expect(fusedPlan(inst, p.data, p.loss, new optim.Adam(inst.parameters()), 32, false)).toBeNull();
    class Halved extends nn.CrossEntropyLoss {
      override forward(a: bp.Tensor, b: bp.Tensor | number[]): bp.Tensor { return super.forward(a, b).mul(0.5); }
    }
    expect(fusedPlan(p.model, p.data, new Halved(), opt, 32, false)).toBeNull();
    bp.setBackend('reference');
    try {
      expect(fusedPlan(p.model, p.data, p.loss, opt, 32, false)).toBeNull();
    } finally {
      bp.setBackend('native');
    }
  });

  it('an AbortSignal stops a fused epoch mid-way; the model keeps its last completed step', async () => {
    bp.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 10));
    const x = bp.rand([20000, 784]);
    const y = bp.tensor(Array.from({ length: 20000 }, (_, i) => i % 10));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const t0 = Date.now();
    await expect(bp.fit(model, { x, y }, { loss: new nn.CrossEntropyLoss(), optimizer: new optim.SGD(model.parameters(), { lr: 0.01 }), epochs: 5, batchSize: 64, signal: ac.signal }))
      .rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(Array.from(model.forward(x.reshape([20000, 784])).data.subarray(0, 10)).every(Number.isFinite)).toBe(true);
  });

  it('keeps the event loop free: a 10 ms interval fires with p99 lag under 20 ms', async () => {
    bp.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
    const x = bp.rand([8192, 784]);
    const y = bp.tensor(Array.from({ length: 8192 }, (_, i) => i % 10));
    const opt = new optim.Adam(model.parameters());
    expect(fusedPlan(model, { x, y }, new nn.CrossEntropyLoss(), opt, 128, false)).not.toBeNull();
    const lags: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => { const now = performance.now(); lags.push(now - last - 10); last = now; }, 10);
    // Fit until the interval has fired often enough for a p99 to mean something: one 3-epoch fit
    // took about 110 ms here and gave as few as 10 samples once the kernels got faster.
    for (let fits = 0; fits < 20 && lags.length < 30; fits++) {
      await bp.fit(model, { x, y }, { loss: new nn.CrossEntropyLoss(), optimizer: opt, epochs: 3, batchSize: 128 });
    }
    clearInterval(timer);
    lags.sort((a, b) => a - b);
    expect(lags.length).toBeGreaterThanOrEqual(30);
    expect(lags[Math.floor(0.99 * (lags.length - 1))]).toBeLessThan(20);
  });

  it('reports progress from the worker thread while an epoch runs', async () => {
    bp.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 10));
    const x = bp.rand([8192, 784]);
    const y = bp.tensor(Array.from({ length: 8192 }, (_, i) => i % 10));
    const plan = fusedPlan(model, { x, y }, new nn.CrossEntropyLoss(), new optim.SGD(model.parameters(), { lr: 0.01 }), 32, false)!;
    const seen: number[] = [];
    const order = Int32Array.from({ length: 8192 }, (_, i) => i);
    const r = await plan.runEpochs(order, 1, (b) => seen.push(b));
    expect(r.done).toBe(256);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((b, i) => b >= 1 && b <= 256 && (i === 0 || b > seen[i - 1]))).toBe(true);
  });

  it('the addon validates the plan it is given', () => {
    const trainEpoch = loadNative().backend as unknown as { trainEpoch(s: unknown): Promise<number> };
    expect(() => trainEpoch.trainEpoch({})).toThrow(/trainEpoch: n must be a number/);
    expect(() => trainEpoch.trainEpoch(null)).toThrow(/expected a plan object/);
    // A well-formed plan whose optimizer lists do not fit the optimizer: refused, never run.
    expect(() => trainEpoch.trainEpoch(handPlan([f(0)]))).toThrow(/trainEpoch: s0\[0\] has 0 elements, expected 2/);
    expect(() => trainEpoch.trainEpoch(handPlan([f(2)], [[0, 0]]))).toThrow(/trainEpoch: grads entry 0 must be a Float32Array/);
    // A count past a C int: outF 2^31 wrapped to a negative width, whose weights then went
    // unchecked (the epoch failed in a vector's resize, an error naming nothing).
    const wide = handPlan([f(2)]);
    (wide.stages as Record<string, unknown>[])[0].outF = 2 ** 31;
    expect(() => trainEpoch.trainEpoch(wide)).toThrow(/^trainEpoch: outF must be an integer in \[1, 2147483647\], got 2147483648/);
    const huge = handPlan([f(2)]);
    huge.n = 1e300;
    expect(() => trainEpoch.trainEpoch(huge)).toThrow(/^trainEpoch: n must be an integer in \[1, 2147483647\]/);
  });

  it('fits running at the same time (each with scratch of its own) get the numbers each gets alone', async () => {
    // Two plans of different widths, neither with Dropout (its draws come from the one global
    // generator, so two fits at once would interleave them), with enough batches that their epochs
    // overlap on two libuv workers.
    const problemOf = (width: number, batchNorm: boolean) => () => {
      bp.manualSeed(width);
      const model = batchNorm
        ? new nn.Sequential(new nn.Linear(20, width), new nn.BatchNorm1d(width), new nn.ReLU(), new nn.Linear(width, 5))
        : new nn.Sequential(new nn.Linear(20, width), new nn.Tanh(), new nn.Linear(width, 5));
      return { model, x: bp.randn([8000, 20]), y: bp.randn([8000, 5]) };
    };
    const train = async (make: () => { model: nn.Sequential; x: bp.Tensor; y: bp.Tensor }) => {
      const { model, x, y } = make();
      const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
      const loss = new nn.MSELoss();
      expect(fusedPlan(model, { x, y }, loss, opt, 8, false)).not.toBeNull();
      const h = await bp.fit(model, { x, y }, { loss, optimizer: opt, epochs: 2, batchSize: 8, seed: 1 });
      return { h, w: model.parameters().map((t) => Array.from(t.data)) };
    };
    const wide = problemOf(256, true);
    const narrow = problemOf(8, false);
    const wideAlone = await train(wide);
    const narrowAlone = await train(narrow);
    for (let round = 0; round < 3; round++) {
      const [w, n] = await Promise.all([train(wide), train(narrow)]);
      expect(w).toEqual(wideAlone);
      expect(n).toEqual(narrowAlone);
    }
  });

  it('two fits at once over models that share a layer: the second to start an epoch refuses, the first trains', async () => {
    // Both epochs wrote the shared layer's weights from their workers before, without a word.
    bp.manualSeed(3);
    const shared = new nn.Linear(20, 64);
    const a = new nn.Sequential(shared, new nn.ReLU(), new nn.Linear(64, 5));
    const b = new nn.Sequential(shared, new nn.Tanh(), new nn.Linear(64, 5));
    const x = bp.randn([8000, 20]);
    const y = bp.randn([8000, 5]);
    const go = (m: nn.Sequential) => {
      const loss = new nn.MSELoss();
      const optimizer = new optim.SGD(m.parameters(), { lr: 0.01 });
      expect(fusedPlan(m, { x, y }, loss, optimizer, 8, false)).not.toBeNull();
      return bp.fit(m, { x, y }, { loss, optimizer, epochs: 1, batchSize: 8 });
    };
    const results = await Promise.allSettled([go(a), go(b)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect((refused?.reason as Error).message).toMatch(/^fit: another running fit\(\) is training some of these parameters/);
    // One after the other, both train.
    await go(a);
    await go(b);
  });

  it('while a fused epoch runs on its worker, JavaScript cannot step the optimizer, load state, initialize or clip what it trains', async () => {
    // Both ran before, racing the native loop's writes to the same arrays: the numbers then
    // depended on timing. Reading (forward, stateDict, save) stays allowed.
    const p = problem('ce');
    const opt = new optim.Adam(p.model.parameters());
    expect(fusedPlan(p.model, p.data, p.loss, opt, 32, false)).not.toBeNull();
    const running = bp.fit(p.model, p.data, { loss: p.loss, optimizer: opt, epochs: 3, batchSize: 32 });
    const busy = /a running fit\(\) is training these parameters on a worker thread; await it before changing them/;
    expect(() => opt.step()).toThrow(/^Adam\.step: a running fit/);
    expect(() => opt.loadStateDict(opt.stateDict())).toThrow(busy);
    expect(() => p.model.loadStateDict(p.model.stateDict())).toThrow(busy);
    expect(() => (p.model as nn.Sequential).layers[0].loadStateDict((p.model as nn.Sequential).layers[0].stateDict())).toThrow(busy);
    expect(() => nn.init.zeros(p.model.parameters()[0])).toThrow(/^init: a running fit/);
    expect(() => bp.clipGradNorm(p.model.parameters(), 1)).toThrow(/^clipGradNorm: a running fit/);
    expect(() => bp.clipGradValue(p.model.parameters(), 1)).toThrow(/^clipGradValue: a running fit/);
    expect(p.model.forward(bp.randn([2, 20])).shape).toEqual([2, 5]);
    await running;
    bp.clipGradNorm(p.model.parameters(), 1);
    opt.step();
    opt.loadStateDict(opt.stateDict());
    p.model.loadStateDict(p.model.stateDict());
    // The eager loop runs on this thread: code between its batches changes nothing under it.
    const eager = bp.fit(p.model, p.data, { loss: p.loss, optimizer: opt, epochs: 1, batchSize: 32, fused: false });
    expect(() => opt.step()).not.toThrow();
    await eager;
  });

  it("the plan writes into the gradient storage only the library holds, never into a .grad the caller read", async () => {
    const p = problem('ce');
    const opts = { loss: p.loss, optimizer: new optim.Adam(p.model.parameters()), epochs: 1, batchSize: 64 };
    const w = p.model.parameters()[0];
    await bp.fit(p.model, p.data, opts);
    const first = w.gradData();
    await bp.fit(p.model, p.data, opts);
    expect(w.gradData()).toBe(first); // reused, not a fresh zeroed array per call
    const read = w.grad!; // now the caller's: the next fit must leave it as it is
    const before = read.toFloat32Array();
    await bp.fit(p.model, p.data, opts);
    expect(w.gradData()).not.toBe(first);
    expect(Array.from(read.data)).toEqual(Array.from(before));
    expect(Array.from(w.grad!.data)).not.toEqual(Array.from(before)); // a new step's gradient
  });

  it('an epoch runs on the CPUs of the thread that called fit (its libuv worker pinned as the caller is)', async () => {
    const addon = loadNative().backend as unknown as { trainEpoch(s: unknown): Promise<number>; pinThread(cpu: number): boolean };
    const last = os.cpus().length - 1;
    if (last < 1 || !addon.pinThread(last)) {
      console.log('epoch placement test skipped: one CPU, or this system does not pin threads');
      return;
    }
    try {
      for (let i = 0; i < 3; i++) {
        const pinned = handPlan([f(2)]);
        expect(await addon.trainEpoch(pinned)).toBe(1);
        expect(pinned.ranOnCpus).toEqual([last]);
      }
    } finally {
      addon.pinThread(-1);
    }
    const free = handPlan([f(2)]);
    await addon.trainEpoch(free);
    expect((free.ranOnCpus as number[]).length).toBe(last + 1);
  });
});
