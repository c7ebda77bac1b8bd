// How tensors print: PyTorch's layout (number format, alignment, wrapping at 80 columns, summaries of
// more than 1000 elements), checked against strings torch 1.13 printed, and against torch itself on
// random tensors when it is here.
import { spawnSync } from 'node:child_process';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { haveTorch, noteIfNoTorch, PYTHON } from './helpers/torch';
import { rng } from './helpers/random';

describe('printing tensors', () => {
  it('prints as PyTorch does (strings from torch 1.13)', () => {
    expect(String(bp.tensor([[1, 2.5, -3], [4, 5, 6]]))).toBe('tensor([[ 1.0000,  2.5000, -3.0000],\n        [ 4.0000,  5.0000,  6.0000]])');
    expect(String(bp.tensor([1e-5, 1, 2]))).toBe('tensor([1.0000e-05, 1.0000e+00, 2.0000e+00])');
    expect(String(bp.tensor([NaN, Infinity, -1.5]))).toBe('tensor([    nan,     inf, -1.5000])');
    expect(String(bp.tensor([0, -0, 10, -100]))).toBe('tensor([   0.,   -0.,   10., -100.])');
    expect(String(bp.tensor(-0))).toBe('tensor(-0.)');
    expect(String(bp.arange(24).reshape([2, 3, 4]))).toBe('tensor([[[ 0.,  1.,  2.,  3.],\n         [ 4.,  5.,  6.,  7.],\n         [ 8.,  9., 10., 11.]],\n\n        [[12., 13., 14., 15.],\n         [16., 17., 18., 19.],\n         [20., 21., 22., 23.]]])');
    expect(String(bp.arange(30).mul(1.25))).toBe('tensor([ 0.0000,  1.2500,  2.5000,  3.7500,  5.0000,  6.2500,  7.5000,  8.7500,\n        10.0000, 11.2500, 12.5000, 13.7500, 15.0000, 16.2500, 17.5000, 18.7500,\n        20.0000, 21.2500, 22.5000, 23.7500, 25.0000, 26.2500, 27.5000, 28.7500,\n        30.0000, 31.2500, 32.5000, 33.7500, 35.0000, 36.2500])');
    // Exact ties round to even, as Python's formats do (toFixed and toExponential round them up).
    expect(String(bp.tensor([0.03125, 0.5]))).toBe('tensor([0.0312, 0.5000])');
    expect(String(bp.tensor([12344.5, 1e-5]))).toBe('tensor([1.2344e+04, 1.0000e-05])');
    // Past 1000 elements: the first and last 3 of each dimension.
    expect(String(bp.arange(2000).reshape([40, 50]))).toBe('tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n         4.9000e+01],\n        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n         9.9000e+01],\n        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n         1.4900e+02],\n        ...,\n        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,\n         1.8990e+03],\n        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,\n         1.9490e+03],\n        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,\n         1.9990e+03]])');
  });

  it('console.log shows the values, not the fields; empty tensors and gradients are said', () => {
    const x = bp.tensor([2], { requiresGrad: true });
    expect(inspect({ w: bp.ones([2]) })).toBe('{ w: tensor([1., 1.]) }');
    expect(inspect(x.mul(2))).toBe('tensor([4.], requiresGrad=true)');
    expect(String(bp.zeros([0]))).toBe('tensor([])');
    expect(String(bp.zeros([0, 3]))).toBe('tensor([], size=[0, 3])');
    // A million elements print as a summary, not a million numbers.
    expect(String(bp.zeros([1000, 1000])).length).toBeLessThan(400);
    // A 7-d summary still shows 6^7 values (as PyTorch's does): more than Math.max(...values) takes.
    const deep = bp.arange(7 ** 7).reshape([7, 7, 7, 7, 7, 7, 7]);
    expect(String(deep).split('\n').length).toBeGreaterThan(6 ** 6);
  });
});

noteIfNoTorch('the printing comparison with PyTorch');
describe.runIf(haveTorch)('printing compared with torch.Tensor.__str__', () => {
  it('60 random tensors (shapes up to 4-d, summarized or not, magnitudes 1e-6 to 1e10, zeros, NaN, inf)', () => {
    const rnd = rng(11);
    const cases: Array<{ shape: number[]; data: number[] }> = [];
    for (let c = 0; c < 60; c++) {
      const nd = Math.floor(rnd() * 5);
      const shape = Array.from({ length: nd }, () => 1 + Math.floor(rnd() * (c % 3 === 0 ? 40 : 7)));
      const n = shape.reduce((a, b) => a * b, 1);
      const scale = 10 ** Math.floor(rnd() * 17 - 6);
      const whole = rnd() < 0.3;
      const data = Array.from({ length: n }, () => {
        const r = rnd();
        if (r < 0.03) return [NaN, Infinity, -Infinity][Math.floor(rnd() * 3)];
        if (r < 0.1) return 0;
        const v = (rnd() * 2 - 1) * scale;
        const f = Math.fround(whole ? Math.round(v) : v);
        return f === 0 ? 0 : f; // JSON would turn -0 into 0 on the way to Python (-0 is checked above)
      });
      cases.push({ shape, data });
    }
    const py = 'import torch, json, sys\nfor c in json.loads(sys.stdin.read()):\n    print(json.dumps(str(torch.tensor([float(v) for v in c["data"]], dtype=torch.float32).reshape(c["shape"]))))';
    const input = JSON.stringify(cases.map((c) => ({ shape: c.shape, data: c.data.map((v) => (Number.isFinite(v) ? v : String(v).toLowerCase().replace('infinity', 'inf'))) })));
    const r = spawnSync(PYTHON, ['-c', py], { input, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const theirs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as string);
    cases.forEach((c, i) => expect(String(bp.tensor(c.data, { shape: c.shape })), `case ${i}, shape ${JSON.stringify(c.shape)}`).toBe(theirs[i]));
  });
});
