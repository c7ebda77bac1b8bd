// nn.Dropout1d, Dropout3d, AlphaDropout and FeatureAlphaDropout and their functions: whole channels
// dropped together, alpha dropout's kept and dropped values and moments, the gradient, eval mode,
// saving and loading a model with them, and the errors. (Masks are drawn from the library's
// generator: torch's own draws differ, so the rules are checked rather than torch's numbers.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';

const F = nn.functional;
const ALPHA = 1.7580993408473766;

/** Each channel's values of y [N, C, ...] (all channels of a sample in order). */
function channels(y: bp.Tensor, lead: number): number[][] {
  const n = y.shape.slice(0, lead).reduce((a, b) => a * b, 1), per = y.size / n;
  return Array.from({ length: n }, (_, k) => Array.from(y.data.subarray(k * per, (k + 1) * per)));
}

eachBackend('more dropout', () => {
  it('Dropout1d and Dropout3d drop whole channels and scale the rest, batched or one sample', () => {
    bp.manualSeed(5);
    const cases: [nn.Module, number[], number][] = [[new nn.Dropout1d(0.5), [8, 6, 5], 2], [new nn.Dropout1d(0.5), [6, 5], 1], [new nn.Dropout3d(0.4), [3, 5, 2, 2, 3], 2], [new nn.Dropout3d(0.4), [5, 2, 2, 3], 1]];
    for (const [layer, shape, lead] of cases) {
      const x = bp.add(bp.rand(shape), 1);
      const p = (layer as nn.Dropout1d).p;
      const y = layer.forward(x);
      const xs = channels(x, lead), ys = channels(y, lead);
      let dropped = 0;
      ys.forEach((c, k) => {
        if (c.every((v) => v === 0)) dropped++;
        else c.forEach((v, i) => expect(v).toBe(Math.fround(xs[k][i] * Math.fround(1 / (1 - p)))));
      });
      expect(dropped).toBeGreaterThan(0);
      expect(dropped).toBeLessThan(ys.length);
      layer.eval();
      expect(layer.forward(x)).toBe(x);
    }
  });

  it('AlphaDropout keeps x a + alpha a p, puts -alpha a (1 - p) elsewhere, keeps mean 0 and variance 1, and its gradient is the scale', () => {
    bp.manualSeed(6);
    const p = 0.2;
    const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
    const x = bp.randn([60000], { requiresGrad: true });
    const y = new nn.AlphaDropout(p).forward(x);
    const low = Math.fround(Math.fround(-Math.fround(ALPHA * a)) + Math.fround(ALPHA * a * p));
    let kept = 0, worst = 0;
    y.data.forEach((v, i) => {
      if (v === low) return;
      kept++;
      worst = Math.max(worst, Math.abs(v - (x.data[i] * a + ALPHA * a * p)));
    });
    expect(worst).toBeLessThan(1e-5);
    expect(Math.abs(kept / y.size - (1 - p))).toBeLessThan(0.01);
    const m = y.data.reduce((s, v) => s + v, 0) / y.size;
    const v = y.data.reduce((s, u) => s + (u - m) ** 2, 0) / y.size;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.03);
    y.sum().backward();
    expect(x.grad!.data.filter((g, i) => g !== (y.data[i] === low ? 0 : Math.fround(a))).length).toBe(0);
    expect(Array.from(F.alphaDropout(bp.ones([3]), 1).data)).toEqual([0, 0, 0]);
  });

  it('FeatureAlphaDropout sets whole channels', () => {
    bp.manualSeed(7);
    const p = 0.5;
    const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
    const low = Math.fround(Math.fround(-Math.fround(ALPHA * a)) + Math.fround(ALPHA * a * p));
    const y = F.featureAlphaDropout(bp.rand([6, 4, 3]), p);
    const cs = channels(y, 2);
    const whole = cs.filter((c) => c.every((v) => v === low)).length;
    expect(whole).toBeGreaterThan(0);
    cs.forEach((c) => expect(c.every((v) => v === low) || c.every((v) => v !== low)).toBe(true));
  });

  it('the functions are the identity without training; a model with each saves and loads', () => {
    const x = bp.randn([2, 3, 4]);
    for (const f of [F.dropout1d, F.dropout2d, F.alphaDropout, F.featureAlphaDropout]) expect(f(x, 0.5, false)).toBe(x);
    expect(F.dropout3d(bp.randn([2, 2, 2, 2]), 0.3, false).shape).toEqual([2, 2, 2, 2]);
    const model = new nn.Sequential(new nn.Linear(3, 3), new nn.Dropout1d(0.1), new nn.AlphaDropout(0.2), new nn.FeatureAlphaDropout(0.3), new nn.Dropout3d(0.4));
    const file = path.join(os.tmpdir(), `bp-dropout-${process.pid}.safetensors`);
    try {
      bp.save(model, file);
      expect(bp.load(file).toString()).toBe(model.toString());
    } finally {
      fs.rmSync(file, { force: true });
    }
    expect(new nn.AlphaDropout(0.25).toString()).toBe('AlphaDropout(p=0.25, inplace=False)');
  });

  it('names the layer and what was wrong', () => {
    expect(() => new nn.Dropout1d(1.5)).toThrow('Dropout1d: p must be in [0, 1], got 1.5');
    expect(() => new nn.Dropout1d().forward(bp.randn([2, 3, 4, 5]))).toThrow('Dropout1d: input must be [N, C, L] or [C, L], got shape [2, 3, 4, 5]');
    expect(() => new nn.Dropout3d().forward(bp.randn([2, 3]))).toThrow('Dropout3d: input must be [N, C, D, H, W] or [C, D, H, W], got shape [2, 3]');
    expect(() => new nn.FeatureAlphaDropout().forward(bp.randn([3]))).toThrow('FeatureAlphaDropout: input must be [N, C, ...], got shape [3]');
    expect(() => F.dropout1d(bp.randn([2, 3]), 0.5, 1 as never)).toThrow('dropout1d: training must be true or false, got 1');
    expect(() => new nn.AlphaDropout(-0.1)).toThrow('AlphaDropout: p must be in [0, 1], got -0.1');
  });
});
