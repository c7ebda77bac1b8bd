// fit / evaluate / predict: history, metrics, callbacks that stop, early stopping, AbortSignal,
// refusing concurrent training of one model, and the event loop staying responsive.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim } from '../lib/index';
import { eachBackend } from './helpers/backends';

function blobs(n: number): { x: bp.Tensor; y: bp.Tensor } {
  bp.manualSeed(1);
  const x = bp.randn([n, 2]);
  const y = bp.zeros([n]);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    x.data[2 * i] += 3 * Math.cos((2 * Math.PI * c) / 3);
    x.data[2 * i + 1] += 3 * Math.sin((2 * Math.PI * c) / 3);
    y.data[i] = c;
  }
  return { x, y };
}

function setup() {
  bp.manualSeed(2);
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 3));
  return { model, opts: { loss: new nn.CrossEntropyLoss(), optimizer: new optim.Adam(model.parameters(), { lr: 0.02 }) } };
}

eachBackend('fit', () => {
  it('learns, records history and metrics, evaluates and predicts', async () => {
    const d = blobs(300);
    const { model, opts } = setup();
    const h = await bp.fit(model, d, { ...opts, epochs: 8, batchSize: 32, metrics: ['accuracy'], validationData: blobs(90), seed: 5 });
    expect(h.loss).toHaveLength(8);
    expect(h.valLoss).toHaveLength(8);
    expect(h.accuracy[7]).toBeGreaterThan(0.9);
    expect(h.valAccuracy[7]).toBeGreaterThan(0.9);
    expect(h.loss[7]).toBeLessThan(h.loss[0]);
    const ev = bp.evaluate(model, d, { loss: opts.loss, metrics: ['accuracy'] });
    expect(ev.accuracy).toBeGreaterThan(0.9);
    const p = bp.predict(model, d.x, { batchSize: 7 });
    expect(p.shape).toEqual([300, 3]);
    expect(p.requiresGrad).toBe(false);
    expect(bp.predict(model, bp.zeros([0, 2])).shape).toEqual([0, 3]); // no rows in, none out (as model(x) in PyTorch)
  });

  it('accuracy of one output column: above 0.5 for probabilities, above 0 for BCEWithLogitsLoss logits', async () => {
    // Logits -1, 0.2, 0.3, 0.7 (sigmoid 0.27, 0.55, 0.57, 0.67) against targets 0, 1, 1, 1: read as
    // logits, all four are right; compared with 0.5 as if they were probabilities, rows 0 and 3.
    const model = new nn.Sequential(new nn.Linear(1, 1));
    const lin = model.layers[0] as nn.Linear;
    lin.weight.data[0] = 1;
    (lin.bias as bp.Tensor).data[0] = 0;
    const d = { x: bp.tensor([[-1], [0.2], [0.3], [0.7]]), y: bp.tensor([[0], [1], [1], [1]]) };
    expect(bp.evaluate(model, d, { loss: new nn.BCEWithLogitsLoss(), metrics: ['accuracy'] }).accuracy).toBe(1);
    expect(bp.evaluate(model, d, { loss: new nn.MSELoss(), metrics: ['accuracy'] }).accuracy).toBe(0.5);
    const probs = new nn.Sequential(model, new nn.Sigmoid());
    expect(bp.evaluate(probs, d, { loss: new nn.BCELoss(), metrics: ['accuracy'] }).accuracy).toBe(1);
    // fit's training accuracy, eager and (native backend) fused, counts the same way: lr 0 keeps
    // the weights, so every epoch sees these logits.
    for (const fused of [false, true]) {
      const h = await bp.fit(model, d, { loss: new nn.BCEWithLogitsLoss(), optimizer: new optim.SGD(model.parameters(), { lr: 0 }), epochs: 2, batchSize: 4, metrics: ['accuracy'], fused });
      expect(h.accuracy).toEqual([1, 1]);
    }
  });

  it('accuracy of CrossEntropyLoss over one class is argmax (always right), not a 0/1 decision on the logit', async () => {
    // The same logits as above, now one class's: out.argmax(1) is 0 for every row, as every target.
    const model = new nn.Sequential(new nn.Linear(1, 1));
    const lin = model.layers[0] as nn.Linear;
    lin.weight.data[0] = 1;
    (lin.bias as bp.Tensor).data[0] = 0;
    const x = bp.tensor([[-1], [0.2], [0.3], [0.7]]);
    const loss = new nn.CrossEntropyLoss();
    expect(bp.evaluate(model, { x, y: bp.tensor([0, 0, 0, 0]) }, { loss, metrics: ['accuracy'] }).accuracy).toBe(1);
    // Probability targets of shape [4, 1] are the one class's too.
    expect(bp.evaluate(model, { x, y: bp.ones([4, 1]) }, { loss, metrics: ['accuracy'] }).accuracy).toBe(1);
    for (const fused of [false, true]) {
      const h = await bp.fit(model, { x, y: bp.tensor([0, 0, 0, 0]) }, { loss, optimizer: new optim.SGD(model.parameters(), { lr: 0 }), epochs: 2, batchSize: 4, metrics: ['accuracy'], fused });
      expect(h.accuracy).toEqual([1, 1]);
    }
  });

  it('accuracy leaves out rows whose target is the loss\'s ignoreIndex', async () => {
    // Logits pick classes 0, 1, 0, 1; targets 0, -100, 1, 1: of the three counted rows two are right.
    const model = new nn.Sequential(new nn.Linear(2, 2, { bias: false }));
    (model.layers[0] as nn.Linear).weight.data.set([1, 0, 0, 1]);
    const d = { x: bp.tensor([[1, 0], [0, 1], [1, 0], [0, 1]]), y: bp.tensor([0, -100, 1, 1]) };
    const loss = new nn.CrossEntropyLoss();
    expect(bp.evaluate(model, d, { loss, metrics: ['accuracy'] }).accuracy).toBeCloseTo(2 / 3, 12);
    const h = await bp.fit(model, d, { loss, optimizer: new optim.SGD(model.parameters(), { lr: 0 }), epochs: 1, batchSize: 3, metrics: ['accuracy'] });
    expect(h.accuracy[0]).toBeCloseTo(2 / 3, 12);
    const other = new nn.CrossEntropyLoss({ ignoreIndex: 1 }); // now row 1 (target -100 is invalid) is refused
    expect(() => bp.evaluate(model, d, { loss: other, metrics: ['accuracy'] })).toThrow(/-100/);
    const nll = new nn.NLLLoss({ ignoreIndex: 0 });
    expect(bp.evaluate(model, { x: d.x, y: bp.tensor([0, 1, 0, 1]) }, { loss: nll, metrics: ['accuracy'] }).accuracy).toBe(1);
  });

  it('the loss of evaluate and fit is what the loss gives over the whole set (mean or sum), ignored targets and class weights included', async () => {
    bp.manualSeed(9);
    const model = new nn.Sequential(new nn.Linear(3, 4));
    const x = bp.randn([10, 3]);
    const y = bp.tensor([0, -100, 3, 1, -100, -100, 2, 0, 1, 3]); // batches of 3 (the last of one row), two with ignored targets
    const loss = new nn.CrossEntropyLoss({ weight: bp.tensor([1, 2, 0.5, 3]) });
    const whole = bp.noGrad(() => loss.forward(model.forward(x), y).item());
    expect(bp.evaluate(model, { x, y }, { loss, batchSize: 3 }).loss).toBeCloseTo(whole, 6);
    const allIgnored = bp.tensor([0, -100, 3, -100, -100, -100, 2, 0, 1, 3]); // rows 3-5: a batch of ignored targets
    const wholeIgnored = bp.noGrad(() => loss.forward(model.forward(x), allIgnored).item());
    expect(bp.evaluate(model, { x, y: allIgnored }, { loss, batchSize: 3 }).loss).toBeCloseTo(wholeIgnored, 6);
    const h = await bp.fit(model, { x, y }, { loss, optimizer: new optim.SGD(model.parameters(), { lr: 0 }), epochs: 1, batchSize: 3, shuffle: false });
    expect(h.loss[0]).toBeCloseTo(whole, 6);
    for (const summed of [new nn.CrossEntropyLoss({ reduction: 'sum', weight: bp.tensor([1, 2, 0.5, 3]) }), new nn.MSELoss({ reduction: 'sum' })]) {
      const target = summed instanceof nn.MSELoss ? bp.randn([10, 4]) : y;
      const total = bp.noGrad(() => summed.forward(model.forward(x), target).item());
      expect(bp.evaluate(model, { x, y: target }, { loss: summed, batchSize: 3 }).loss).toBeCloseTo(total, 5);
    }
  });

  it('the same seed gives the same history', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const { model, opts } = setup();
      runs.push(await bp.fit(model, blobs(100), { ...opts, epochs: 2, batchSize: 10, seed: 42 }));
    }
    expect(runs[0].loss).toEqual(runs[1].loss);
  });

  it('onEpochEnd returning false, onBatchEnd calling stop(), and early stopping end training', async () => {
    const d = blobs(60);
    let s = setup();
    let h = await bp.fit(s.model, d, { ...s.opts, epochs: 10, onEpochEnd: (e) => e < 2 });
    expect(h.loss).toHaveLength(3);
    s = setup();
    let batches = 0;
    h = await bp.fit(s.model, d, { ...s.opts, epochs: 10, batchSize: 10, onBatchEnd: (b, _l, stop) => { batches++; if (b === 2) stop(); } });
    expect(batches).toBe(3);
    expect(h.loss).toHaveLength(1);
    s = setup();
    s.opts.optimizer.lr = 0; // nothing improves: patience 2 stops after 3 epochs
    h = await bp.fit(s.model, d, { ...s.opts, epochs: 20, earlyStopping: { patience: 2 }, shuffle: false });
    expect(h.loss).toHaveLength(3);
  });

  it('an AbortSignal rejects with AbortError and leaves the model usable', async () => {
    const { model, opts } = setup();
    const ac = new AbortController();
    const p = bp.fit(model, blobs(3000), { ...opts, epochs: 50, batchSize: 8, onBatchEnd: (b) => { if (b === 5) ac.abort(); }, signal: ac.signal });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(Array.from(model.forward(bp.ones([1, 2])).data).every(Number.isFinite)).toBe(true);
    const h = await bp.fit(model, blobs(30), { ...opts, epochs: 1 });
    expect(h.loss).toHaveLength(1);
  });

  it('training one model twice at once is refused', async () => {
    const { model, opts } = setup();
    const first = bp.fit(model, blobs(600), { ...opts, epochs: 3, batchSize: 4 });
    await expect(bp.fit(model, blobs(30), opts)).rejects.toThrow(/already being trained/);
    await first;
  });

  it('bad options name the argument', async () => {
    const { model, opts } = setup();
    await expect(bp.fit(model, blobs(10), { ...opts, epochs: 0 })).rejects.toThrow(/epochs must be a positive integer, got 0/);
    await expect(bp.fit(model, { x: bp.zeros([3, 2]), y: bp.zeros([4]) }, opts)).rejects.toThrow(/x has shape \[3, 2\] and y \[4\]/);
    await expect(bp.fit(model, blobs(10), { ...opts, metrics: ['f1' as 'accuracy'] })).rejects.toThrow(/unknown metric 'f1'/);
    // A fractional class label is an error on every path (never rounded to a class).
    const bad = blobs(10);
    bad.y.data[4] = 1.5;
    await expect(bp.fit(model, bad, { ...opts, shuffle: false })).rejects.toThrow(/target class index 1.5 at position 4/);
    await expect(bp.fit(model, bad, { ...opts, shuffle: false, fused: false })).rejects.toThrow(/target class index 1.5 at position 4/);
    expect(() => bp.evaluate(model, bad, { loss: opts.loss })).toThrow(/target class index 1.5 at position 4/);
    // A class the model has no output for: before any batch trains, on the fused path too.
    const before = model.parameters().map((p) => p.toFloat32Array());
    bad.y.data[4] = 7;
    await expect(bp.fit(model, bad, opts)).rejects.toThrow(/target class index 7 at position \d is out of range \[0, 3\)/);
    if (bp.getBackend() === 'native') {
      await expect(bp.fit(model, bad, opts)).rejects.toThrow(/fit: target class index 7 at position 4 is out of range \[0, 3\)/);
      model.parameters().forEach((p, i) => expect(Array.from(p.toFloat32Array())).toEqual(Array.from(before[i])));
    }
    // An optimizer of another model would train nothing.
    const other = setup();
    await expect(bp.fit(model, blobs(10), { ...opts, optimizer: other.opts.optimizer })).rejects.toThrow(/optimizer updates none of the model's parameters/);
  });

  it('a layer used twice trains alike on the fused plan and the eager loop', async () => {
    // A layer used twice: on the native backend the fused plan would write one use's weight
    // gradient over the other's, so fit runs the eager loop, which adds them.
    const run = async (fused: boolean) => {
      bp.manualSeed(3);
      const shared = new nn.Linear(2, 2);
      const twice = new nn.Sequential(shared, new nn.Tanh(), shared, new nn.Tanh(), new nn.Linear(2, 3));
      await bp.fit(twice, blobs(40), { loss: new nn.CrossEntropyLoss(), optimizer: new optim.SGD(twice.parameters(), { lr: 0.1 }), epochs: 2, batchSize: 8, shuffle: false, fused });
      return twice.parameters().map((p) => p.toFloat32Array());
    };
    const [viaPlan, eager] = [await run(true), await run(false)];
    viaPlan.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(eager[i])));
  });
});

describe('the event loop stays free while fit trains', () => {
  it('a 10 ms interval keeps firing (p99 lag under 20 ms)', async () => {
    bp.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
    const x = bp.rand([4096, 784]);
    const y = bp.zeros([4096]);
    const lags: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      lags.push(now - last - 10);
      last = now;
    }, 10);
    // Epochs until 0.4 s have passed, however fast the kernels are (two epochs once took ~0.2 s,
    // then under 60 ms: five ticks, too few to judge).
    const opts = { loss: new nn.CrossEntropyLoss(), optimizer: new optim.Adam(model.parameters()), epochs: 1, batchSize: 128 };
    const t0 = performance.now();
    do await bp.fit(model, { x, y }, opts);
    while (performance.now() - t0 < 400);
    clearInterval(timer);
    lags.sort((a, b) => a - b);
    const p99 = lags[Math.floor(0.99 * (lags.length - 1))];
    expect(lags.length).toBeGreaterThan(5);
    expect(p99).toBeLessThan(20);
  });
});
