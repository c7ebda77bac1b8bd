// RReLU and gumbelSoftmax: in eval mode RReLU against torch 1.13 (values and gradients bit for bit);
// their draws by what they must satisfy (the generator is not torch's): slopes within [lower, upper]
// with their mean near the middle and the gradient the drawn slope; Gumbel-softmax samples on the
// simplex, hard samples one-hot with the soft sample's gradient, and the Gumbel-max frequencies.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(5500);
const F = nn.functional;

const EVAL: TorchCall[] = [
  { name: 'F.rrelu, eval', inputs: { a: x([3, 5]) }, ours: (t) => F.rrelu(t.a), py: 'F.rrelu(a)' },
  { name: 'nn.RReLU(0.1, 0.3), eval mode', inputs: { a: x([2, 7]) }, ours: (t) => new nn.RReLU(0.1, 0.3).eval().forward(t.a), py: 'torch.nn.RReLU(0.1, 0.3).eval()(a)' },
];

noteIfNoTorch('the comparison of RReLU in eval mode with torch');
eachBackend('RReLU and gumbelSoftmax', () => {
  it.runIf(haveTorch)('RReLU in eval mode as torch (a leaky ReLU of the mean slope)', () => expectCallsLikeTorch(EVAL, 0));

  it('RReLU in training: each slope drawn from [lower, upper], the gradient that slope, positives untouched', () => {
    bp.manualSeed(3);
    const n = 20000;
    const a = bp.tensor(Array.from({ length: n }, (_, i) => (i % 2 ? 1 + (i % 7) : -1 - (i % 5))), { requiresGrad: true });
    const y = new nn.RReLU(0.2, 0.4).forward(a);
    y.sum().backward();
    let slopes = 0;
    for (let i = 0; i < n; i++) {
      if (i % 2) {
        expect(y.data[i]).toBe(a.data[i]);
        expect(a.grad!.data[i]).toBe(1);
        continue;
      }
      const s = a.grad!.data[i];
      expect(s >= Math.fround(0.2) && s <= Math.fround(0.4)).toBe(true);
      expect(y.data[i]).toBe(Math.fround(a.data[i] * s));
      slopes += s;
    }
    expect(Math.abs(slopes / (n / 2) - 0.3)).toBeLessThan(0.005);
  });

  it('gumbelSoftmax: samples on the simplex; hard ones one-hot with the soft gradient; argmax frequencies are the softmax', () => {
    const logits = bp.tensor([[Math.log(0.2), Math.log(0.3), Math.log(0.5)]]).expand([4000, 3]);
    bp.manualSeed(7);
    const soft = F.gumbelSoftmax(logits, { tau: 0.5 });
    soft.sum(1).data.forEach((v: number) => expect(Math.abs(v - 1)).toBeLessThan(1e-5));
    const picks = [0, 0, 0];
    bp.argmax(soft, 1).data.forEach((k) => picks[k]++);
    [0.2, 0.3, 0.5].forEach((p, k) => expect(Math.abs(picks[k] / 4000 - p)).toBeLessThan(0.03));

    const grads = (hard: boolean) => {
      bp.manualSeed(11);
      const l = bp.randn([5, 4]).requiresGrad_();
      const y = F.gumbelSoftmax(l, { hard, dim: 1 });
      y.mul(bp.arange(20).reshape([5, 4])).sum().backward();
      return { y, g: Array.from(l.grad!.data) };
    };
    const s = grads(false), h = grads(true);
    expect(h.g).toEqual(s.g);
    for (let r = 0; r < 5; r++) {
      const row: number[] = Array.from(h.y.data.subarray(r * 4, r * 4 + 4));
      expect(row.filter((v) => v === 1).length + row.filter((v) => Math.abs(v - 1) < 1e-6 && v !== 1).length).toBe(1);
      expect(row.filter((v) => Math.abs(v) < 1e-6).length).toBe(3);
    }
  });

  it('repr and bad arguments', () => {
    expect(String(new nn.RReLU())).toBe('RReLU(lower=0.125, upper=0.3333333333333333)');
    expect(() => new nn.RReLU(0.5, 0.1)).toThrow(/^RReLU: lower \(0.5\) must not exceed upper \(0.1\)$/);
    expect(() => F.rrelu(bp.ones([2]), NaN)).toThrow(/^rrelu: lower must be a finite number, got NaN$/);
    expect(() => F.rrelu(bp.ones([2]), 0.1, 0.2, 1 as unknown as boolean)).toThrow(/^rrelu: training must be true or false, got 1$/);
    expect(() => F.gumbelSoftmax(bp.ones([2]), { tau: 0 })).toThrow(/^gumbelSoftmax: tau must be a positive number, got 0$/);
    expect(() => F.gumbelSoftmax(bp.ones([2, 3]), { dim: 2 })).toThrow(/^gumbelSoftmax: dim 2 is out of range/);
  });
});
