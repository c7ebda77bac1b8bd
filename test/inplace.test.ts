// In-place methods as torch's (addcmul_ and addcdiv_ among them): a chain of them against torch 1.13 (values), views and detach() seeing
// the writes, an optimizer-style update of a parameter inside noGrad, the draws' ranges; backward()
// refusing a value written over after an op read it (torch's version counter), and the errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { values } from './helpers/torch_calls';

const X = values(12, 31), Y = values(12, 32, 0.5, 2), Z = values(4, 33);

function chain(): number[] {
  const t = bp.tensor(X, { shape: [3, 4] }), y = bp.tensor(Y, { shape: [3, 4] }), z = bp.tensor(Z);
  const mask = bp.tensor([1, 0, 0, 1]);
  return bp.noGrad(() => {
    t.add_(y, 2).mul_(3).clamp_(-1, 1.5).sub_(z).div_(y).pow_(2).neg_().abs_().sqrt_().exp_().log_();
    t.relu_().sigmoid_().tanh_().maskedFill_(mask, 0.25).sub_(0.5, 3).clamp_(bp.tensor([-0.5]), z.abs());
    t.addcmul_(y, z, { value: 0.5 }).addcdiv_(z, y, { value: -2 });
    const c = bp.zeros([3, 4]).copy_(z).add_(t);
    return [...t.data, ...c.data, ...bp.ones([2]).fill_(7).data, ...bp.ones([2]).zero_().data];
  });
}

const SCRIPT = `
import torch, json
t = torch.tensor(${JSON.stringify(X)}).reshape(3, 4); y = torch.tensor(${JSON.stringify(Y)}).reshape(3, 4); z = torch.tensor(${JSON.stringify(Z)})
mask = torch.tensor([True, False, False, True])
t.add_(y, alpha=2).mul_(3).clamp_(-1, 1.5).sub_(z).div_(y).pow_(2).neg_().abs_().sqrt_().exp_().log_()
t.relu_().sigmoid_().tanh_().masked_fill_(mask, 0.25).sub_(0.5, alpha=3).clamp_(torch.tensor([-0.5]), z.abs())
t.addcmul_(y, z, value=0.5).addcdiv_(z, y, value=-2)
c = torch.zeros(3, 4).copy_(z).add_(t)
print(json.dumps(t.reshape(-1).tolist() + c.reshape(-1).tolist() + torch.ones(2).fill_(7).tolist() + torch.ones(2).zero_().tolist()))
`;

noteIfNoTorch('the comparison of in-place methods with torch');
eachBackend('in-place methods', () => {
  it.runIf(haveTorch)('a chain of in-place methods gives torch\'s values', () => {
    const want = torchJson<number[]>(SCRIPT, '');
    const got = chain();
    expect(got.length).toBe(want.length);
    got.forEach((v, i) => expect(Math.abs(v - want[i]), `[${i}] ${v} vs ${want[i]}`).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(want[i]))));
  });

  it('reshapes and detach() see the writes; an optimizer-style update inside noGrad trains', () => {
    const t = bp.zeros([2, 3]);
    const r = t.reshape([6]), d = t.detach();
    t.add_(1);
    expect(Array.from(r.data)).toEqual([1, 1, 1, 1, 1, 1]);
    d.mul_(4);
    expect(t.sum().item()).toBe(24);
    const w = bp.tensor([1, -2], { requiresGrad: true });
    const x = bp.tensor([3, 1]);
    const loss = () => w.mul(x).sum().square();
    const before = loss().item();
    for (let i = 0; i < 3; i++) {
      w.grad = null;
      loss().backward();
      bp.noGrad(() => w.sub_(w.grad!, 0.01));
    }
    expect(loss().item()).toBeLessThan(before);
    bp.manualSeed(3);
    const u = bp.zeros([4000]).uniform_(-2, 3), n = bp.zeros([4000]).normal_(5, 0.5);
    expect(u.data.every((v: number) => v >= -2 && v < 3)).toBe(true);
    expect(Math.abs(n.mean().item() - 5)).toBeLessThan(0.05);
  });

  it("the other draws' ranges and moments as torch's distributions have them; bad parameters named", () => {
    bp.manualSeed(11);
    const draw = (f: (t: bp.Tensor) => bp.Tensor) => Array.from(f(bp.zeros([20000])).data);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const below = (xs: number[], v: number) => xs.filter((x) => x < v).length / xs.length;
    const e = draw((t) => t.exponential_(2));
    expect(e.every((v) => v >= 0)).toBe(true);
    expect(Math.abs(mean(e) - 0.5)).toBeLessThan(0.02);
    const g = draw((t) => t.geometric_(0.25));
    expect(g.every((v) => Number.isInteger(v) && v >= 1)).toBe(true);
    expect(Math.abs(mean(g) - 4)).toBeLessThan(0.15);
    expect(draw((t) => t.geometric_(1)).every((v) => v === 1)).toBe(true);
    const l = draw((t) => t.logNormal_(0, 0.5));
    expect(Math.abs(below(l, 1) - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(mean(l) - Math.exp(0.125))).toBeLessThan(0.03);
    const c = draw((t) => t.cauchy_(3, 2));
    expect(Math.abs(below(c, 3) - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(below(c, 5) - below(c, 1) - 0.5)).toBeLessThan(0.02);
    const r = draw((t) => t.random_(5, 9));
    expect(new Set(r)).toEqual(new Set([5, 6, 7, 8]));
    expect(new Set(draw((t) => t.random_(3)))).toEqual(new Set([0, 1, 2]));
    expect(draw((t) => t.random_()).every((v) => Number.isInteger(v) && v >= 0 && v <= 2 ** 24)).toBe(true);
    expect(() => bp.zeros([2]).exponential_(0)).toThrow('exponential_: lambd must be a positive finite number, got 0');
    expect(() => bp.zeros([2]).geometric_(1.5)).toThrow('geometric_: p must be in (0, 1], got 1.5');
    expect(() => bp.zeros([2]).cauchy_(0, -1)).toThrow('cauchy_: sigma must be a positive finite number, got -1');
    expect(() => bp.zeros([2]).logNormal_(0, 0)).toThrow('logNormal_: std must be a positive finite number, got 0');
    expect(() => bp.zeros([2]).random_(3, 3)).toThrow('random_: from must be below to, got [3, 3)');
    expect(() => bp.zeros([2]).random_(1.5)).toThrow('random_: to must be an integer, got 1.5');
    expect(() => bp.zeros([2], { requiresGrad: true }).exponential_()).toThrow(/^exponential_: in-place operations run outside the graph/);
  });
});

describe('in-place writes and backward()', () => {
  it('a value an op read, written over before backward(), makes backward() throw; one nobody reads does not', () => {
    const w = bp.tensor([1, 2], { requiresGrad: true });
    const x = bp.tensor([3, 4]);
    const y = w.mul(x);
    x.add_(1);
    expect(() => y.sum().backward()).toThrow(/^backward: a tensor of shape \[2\] that 'mul' reads for its gradient was written in place after it was recorded \(version 1, expected 0\)/);
    const s = w.sigmoid();
    bp.noGrad(() => s.mul_(2));
    expect(() => s.sum().backward()).toThrow(/'sigmoid' reads for its gradient was written in place/);
    const free = bp.tensor([5, 6]);
    const ok = w.mul(bp.tensor([1, 1]));
    free.add_(1);
    ok.sum().backward();
    expect(Array.from(w.grad!.data)).toEqual([1, 1]);
  });

  it('errors name the method', () => {
    const w = bp.tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(/^add_: in-place operations run outside the graph: inside noGrad\(\) .* but this tensor requires one; use the out-of-place add$/);
    expect(() => bp.zeros([2]).mul_(w)).toThrow(/^mul_: .* but an operand requires one; use the out-of-place mul$/);
    expect(() => bp.zeros([2]).add_(bp.ones([3, 2]))).toThrow(/^add_: the result's shape \[3, 2\] must be the tensor's own \[2\]/);
    expect(() => bp.zeros([2]).fill_('1' as unknown as number)).toThrow(/^fill_: value must be a number, got "1"$/);
  });
});
