// nn behaviour beyond the golden cases: init, state dicts, modes, Dropout statistics, BatchNorm eval.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim } from '../lib/index';
import { eachBackend } from './helpers/backends';

function stats(a: ArrayLike<number>): { mean: number; variance: number; min: number; max: number } {
  let s = 0, s2 = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < a.length; i++) { s += a[i]; s2 += a[i] * a[i]; min = Math.min(min, a[i]); max = Math.max(max, a[i]); }
  const mean = s / a.length;
  return { mean, variance: s2 / a.length - mean * mean, min, max };
}

describe('init', () => {
  it('Linear uses PyTorch bounds 1/sqrt(in) for weight and bias', () => {
    bp.manualSeed(1);
    const l = new nn.Linear(400, 300);
    const w = stats(l.weight.data);
    const bound = 1 / Math.sqrt(400);
    expect(w.max).toBeLessThanOrEqual(bound);
    expect(w.min).toBeGreaterThanOrEqual(-bound);
    expect(w.variance).toBeCloseTo((bound * bound) / 3, 4);
    expect(stats(l.bias!.data).max).toBeLessThanOrEqual(bound);
  });
  it('xavier and kaiming variances follow the fan and gain rules', () => {
    bp.manualSeed(2);
    const t = bp.zeros([200, 300]);
    expect(stats(nn.init.xavierUniform(t).data).variance).toBeCloseTo(2 / 500, 4);
    expect(stats(nn.init.xavierNormal(t, 2).data).variance).toBeCloseTo((4 * 2) / 500, 3);
    expect(stats(nn.init.kaimingNormal(t, { nonlinearity: 'relu' }).data).variance).toBeCloseTo(2 / 300, 3);
    expect(stats(nn.init.kaimingUniform(t, { mode: 'fanOut', nonlinearity: 'relu' }).data).variance).toBeCloseTo(2 / 200, 3);
    expect(stats(nn.init.normal(t, 1, 0.5).data).mean).toBeCloseTo(1, 2);
    expect(stats(nn.init.uniform(t, -2, 2).data).max).toBeLessThanOrEqual(2);
    expect(nn.init.constant(t, 3).data[7]).toBe(3);
    expect(nn.init.calculateGain('tanh')).toBeCloseTo(5 / 3);
    expect(() => nn.init.xavierUniform(bp.zeros([3]))).toThrow(/fewer than 2 dimensions/);
  });
});

eachBackend('modules', () => {
  it('state dict keys follow PyTorch and include buffers', () => {
    const m = new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(3, 2, { bias: false }));
    expect(Object.keys(m.stateDict())).toEqual([
      '0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '4.weight',
    ]);
    expect(m.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '4.weight']);
    expect(m.children()).toHaveLength(5);
  });

  it('a layer used twice gives its parameters once, as PyTorch; an optimizer refuses a parameter twice', () => {
    const shared = new nn.Linear(3, 3);
    const m = new nn.Sequential(shared, new nn.ReLU(), shared, new nn.Linear(3, 2));
    expect(m.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias', '3.weight', '3.bias']);
    expect(m.parameters()).toHaveLength(4);
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '3.weight', '3.bias']);
    expect(() => new optim.SGD([...shared.parameters(), ...m.parameters()], { lr: 0.1 }))
      .toThrow(/SGD: parameter 2 \(shape \[3, 3\]\) is the same tensor as parameter 0; give each parameter once/);
    // One SGD step moves the shared weight once, by lr times its gradient summed over both uses.
    const x = bp.randn([5, 3]);
    const opt = new optim.SGD(m.parameters(), { lr: 0.5 });
    m.forward(x).sum().backward();
    const before = shared.weight.toFloat32Array();
    const g = shared.weight.grad!.toFloat32Array();
    opt.step();
    shared.weight.toFloat32Array().forEach((w, i) => expect(w).toBeCloseTo(before[i] - 0.5 * g[i], 6));
  });

  it('loadStateDict: strict errors name missing, unexpected and mismatched keys; non-strict reports them', () => {
    const m = new nn.Sequential(new nn.Linear(2, 2));
    expect(() => m.loadStateDict({ '0.weight': bp.zeros([2, 2]) })).toThrow(/missing keys \[0\.bias\]/);
    expect(() => m.loadStateDict({ '0.weight': bp.zeros([2, 2]), '0.bias': bp.zeros([2]), extra: bp.zeros([1]) })).toThrow(/unexpected keys \[extra\]/);
    expect(() => m.loadStateDict({ '0.weight': bp.zeros([3, 2]), '0.bias': bp.zeros([2]) })).toThrow(/size mismatch for '0\.weight': checkpoint shape \[3, 2\], model shape \[2, 2\]/);
    const r = m.loadStateDict({ '0.weight': bp.ones([2, 2]), extra: bp.zeros([1]) }, { strict: false });
    expect(r).toEqual({ missingKeys: ['0.bias'], unexpectedKeys: ['extra'] });
    expect(Array.from(m.stateDict()['0.weight'].data)).toEqual([1, 1, 1, 1]);
  });

  it('zero-size Linear layers work as in PyTorch: no inputs gives the bias (initialised to 0), no outputs nothing', async () => {
    const m = new nn.Sequential(new nn.Linear(4, 0), new nn.ReLU(), new nn.Linear(0, 3));
    const last = m.layers[2] as nn.Linear;
    expect(last.bias!.toArray()).toEqual([0, 0, 0]); // PyTorch's bias bound is 0 for fan_in 0
    last.bias!.data.set([1, 2, 3]);
    const x = bp.rand([2, 4], { requiresGrad: true });
    const y = m.forward(x);
    expect(y.toArray()).toEqual([[1, 2, 3], [1, 2, 3]]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 0, 0, 0], [0, 0, 0, 0]]);
    expect(last.bias!.grad!.toArray()).toEqual([2, 2, 2]);
    expect((m.layers[0] as nn.Linear).weight.grad!.shape).toEqual([0, 4]);
    // fit runs it (the native plan leaves zero-size layers to the eager loop).
    const h = await bp.fit(m, { x: bp.rand([6, 4]), y: bp.tensor([0, 1, 2, 0, 1, 2]) }, { loss: new nn.CrossEntropyLoss(), optimizer: new optim.SGD(m.parameters(), { lr: 0.1 }), epochs: 2, batchSize: 3 });
    expect(h.loss[1]).toBeLessThan(h.loss[0]);
  });

  it("Sequential runs a forward that a subclass or an instance put in a layer's place (it fuses only the library's own)", () => {
    bp.manualSeed(6);
    const x = bp.randn([4, 6]);
    class Doubled extends nn.ReLU {
      override forward(t: bp.Tensor): bp.Tensor { return t.relu().mul(2); }
    }
    class Shifted extends nn.Linear {
      override forward(t: bp.Tensor): bp.Tensor { return super.forward(t).add(1); }
    }
    const lin = new nn.Linear(6, 3);
    const plain = lin.forward(x);
    expect(Array.from(new nn.Sequential(lin, new Doubled()).forward(x).data)).toEqual(Array.from(plain.relu().mul(2).data));
    const shifted = new Shifted(6, 3);
    shifted.loadStateDict(lin.stateDict());
    expect(Array.from(new nn.Sequential(shifted, new nn.ReLU()).forward(x).data)).toEqual(Array.from(plain.add(1).relu().data));
    const tanh = new nn.Tanh();
    tanh.forward = (t: bp.Tensor) => t.neg();
    expect(Array.from(new nn.Sequential(lin, tanh).forward(x).data)).toEqual(Array.from(plain.neg().data));
  });

  it('train() and eval() propagate through Sequential', () => {
    const d = new nn.Dropout(0.5);
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(d));
    m.eval();
    expect(d.training).toBe(false);
    m.train();
    expect(d.training).toBe(true);
  });

  it('Dropout keeps the mean, drops at rate p within 3 sigma, and is the identity in eval mode', () => {
    bp.manualSeed(3);
    const n = 100000;
    const p = 0.3;
    const d = new nn.Dropout(p);
    const y = d.forward(bp.ones([n]));
    const zeros = Array.from(y.data).filter((v) => v === 0).length;
    const sigma = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(zeros - n * p)).toBeLessThan(3 * sigma);
    expect(stats(y.data).mean).toBeCloseTo(1, 1);
    expect(Array.from(y.data).find((v) => v !== 0)).toBeCloseTo(1 / (1 - p), 5);
    d.eval();
    const x = bp.randn([10]);
    expect(d.forward(x)).toBe(x);
    expect(Array.from(new nn.Dropout(1).forward(bp.ones([5])).data)).toEqual([0, 0, 0, 0, 0]);
  });

  it('BatchNorm1d in eval mode uses running statistics', () => {
    const bn = new nn.BatchNorm1d(2);
    bn.running_mean.data.set([1, -1]);
    bn.running_var.data.set([4, 0.25]);
    bn.eval();
    const y = bn.forward(bp.tensor([[3, 0]]));
    expect(y.data[0]).toBeCloseTo(2 / Math.sqrt(4 + 1e-5), 5);
    expect(y.data[1]).toBeCloseTo(1 / Math.sqrt(0.25 + 1e-5), 5);
    const bn2 = new nn.BatchNorm1d(2);
    expect(() => bn2.forward(bp.zeros([1, 2]))).toThrow(/more than 1 value per channel/);
  });

  it('BatchNorm1d with momentum null keeps the cumulative average of the batch statistics (PyTorch\'s momentum=None)', () => {
    const bn = new nn.BatchNorm1d(2, { momentum: null });
    const batches = [[[1, 2], [3, 6]], [[0, 1], [2, -3]], [[5, 5], [-1, 2]]];
    for (const b of batches) bn.forward(bp.tensor(b));
    // Each batch of two rows: mean (a + b) / 2, unbiased variance (a - b)^2 / 2; the k-th weighs 1 / k.
    for (let c = 0; c < 2; c++) {
      const means = batches.map((b) => (b[0][c] + b[1][c]) / 2);
      const vars = batches.map((b) => (b[0][c] - b[1][c]) ** 2 / 2);
      expect(bn.running_mean.data[c]).toBeCloseTo(means.reduce((s, v) => s + v, 0) / 3, 6);
      expect(bn.running_var.data[c]).toBeCloseTo(vars.reduce((s, v) => s + v, 0) / 3, 5);
    }
    expect(bn.num_batches_tracked.data[0]).toBe(3);
    expect(() => new nn.BatchNorm1d(2, { momentum: 2 })).toThrow(/BatchNorm1d: momentum must be in \[0, 1\] or null \(a cumulative average\), got 2/);
    expect(String(bn)).toBe('BatchNorm1d(2, eps=1e-05, momentum=None, affine=True, track_running_stats=True)');
  });

  it('activation modules match their ops', () => {
    const x = bp.tensor([[-2, -0.5, 0, 0.5, 2]]);
    const pairs: [nn.Module, bp.Tensor][] = [
      [new nn.LeakyReLU(0.2), bp.leakyRelu(x, 0.2)], [new nn.ELU(0.5), bp.elu(x, 0.5)], [new nn.GELU(), bp.gelu(x)],
      [new nn.Softmax(1), bp.softmax(x, 1)], [new nn.LogSoftmax(1), bp.logSoftmax(x, 1)], [new nn.Identity(), x],
      [new nn.Flatten(), x], [new nn.Tanh(), bp.tanh(x)], [new nn.Sigmoid(), bp.sigmoid(x)],
    ];
    for (const [m, want] of pairs) expect(Array.from(m.forward(x).data)).toEqual(Array.from(want.data));
    expect(bp.gelu(bp.tensor([1])).item()).toBeCloseTo(0.8413447460685429, 6);
  });
});
