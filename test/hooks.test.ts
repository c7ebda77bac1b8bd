// Hooks, as torch's: a tensor's gradient hook (Tensor.registerHook) on leaves and intermediates,
// including an activation's output inside a Sequential caught by a module's forward hook (Grad-CAM's
// pattern), and full backward hooks (a layer's gradients seen, a ReLU's replaced: guided
// backpropagation), against torch 1.13; module forward pre-hooks and hooks replacing inputs and outputs,
// firing wherever forward is called from (Sequential, call(), fit's eager loop in place of its native
// one) and on a recurrent module's forwardWithState, and removal restoring the module; then the errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const W1 = [[0.5, -0.25, 1], [0.75, 0.5, -1], [-0.5, 1, 0.25], [1, 0.25, 0.5]];
const B1 = [0.1, -0.2, 0.05, 0];
const W2 = [[1, -1, 0.5, 0.25], [-0.5, 0.75, 1, -0.25]];
const X = [[1, 2, -1], [0.5, -1, 2]];

/** Sequential(Linear(3, 4), ReLU, Linear(4, 2)) with the weights above (the second's bias 0). */
function knownModel(): { model: nn.Sequential; l1: nn.Linear; l2: nn.Linear } {
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
  const [l1, , l2] = model.layers as [nn.Linear, nn.ReLU, nn.Linear];
  l1.weight.data.set(W1.flat());
  l1.bias!.data.set(B1);
  l2.weight.data.set(W2.flat());
  l2.bias!.data.fill(0);
  return { model, l1, l2 };
}

/** Sequential(Linear, ReLU, Linear): the ReLU's output's gradient captured and halved by a hook registered from a forward hook. */
function ours(): { seen: number[]; g1: number[]; gx: number[] } {
  const { model, l1 } = knownModel();
  let seen: number[] = [];
  model.layers[1].registerForwardHook((_m, _in, out) => {
    out.registerHook((g) => { seen = Array.from(g.data); return g.mul(0.5); });
  });
  const x = bp.tensor(X, { requiresGrad: true });
  model.forward(x).mul(bp.tensor([[1, 2], [3, 4]])).sum().backward();
  return { seen, g1: Array.from(l1.weight.grad!.data), gx: Array.from(x.grad!.data) };
}

const SCRIPT = `
import torch, json
m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
with torch.no_grad():
    m[0].weight.copy_(torch.tensor(${JSON.stringify(W1)})); m[0].bias.copy_(torch.tensor(${JSON.stringify(B1)}))
    m[2].weight.copy_(torch.tensor(${JSON.stringify(W2)})); m[2].bias.zero_()
seen = []
def fwd(mod, inp, out):
    def h(g):
        seen.extend(g.reshape(-1).tolist())
        return g * 0.5
    out.register_hook(h)
m[1].register_forward_hook(fwd)
x = torch.tensor(${JSON.stringify(X)}, requires_grad=True)
(m(x) * torch.tensor([[1., 2.], [3., 4.]])).sum().backward()
print(json.dumps({"seen": seen, "g1": m[0].weight.grad.reshape(-1).tolist(), "gx": x.grad.reshape(-1).tolist()}))
`;

/** Full backward hooks: a Linear's gradInput and gradOutput seen, a ReLU's gradInput clamped at 0 (guided backpropagation). */
function oursBackward(): { gin: number[]; gout: number[]; gx: number[] } {
  const { model, l2 } = knownModel();
  let gin: number[] = [], gout: number[] = [];
  l2.registerFullBackwardHook((_m, gi, go) => { gin = Array.from(gi[0]!.data); gout = Array.from(go[0].data); });
  model.layers[1].registerFullBackwardHook((_m, gi) => [gi[0]!.clamp(0)]);
  const x = bp.tensor(X, { requiresGrad: true });
  model.forward(x).mul(bp.tensor([[1, 2], [3, 4]])).sum().backward();
  return { gin, gout, gx: Array.from(x.grad!.data) };
}

const BACKWARD_SCRIPT = `
import torch, json
m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
with torch.no_grad():
    m[0].weight.copy_(torch.tensor(${JSON.stringify(W1)})); m[0].bias.copy_(torch.tensor(${JSON.stringify(B1)}))
    m[2].weight.copy_(torch.tensor(${JSON.stringify(W2)})); m[2].bias.zero_()
seen = {}
def h2(mod, gi, go):
    seen["gin"] = gi[0].reshape(-1).tolist(); seen["gout"] = go[0].reshape(-1).tolist()
m[2].register_full_backward_hook(h2)
m[1].register_full_backward_hook(lambda mod, gi, go: (gi[0].clamp(min=0),))
x = torch.tensor(${JSON.stringify(X)}, requires_grad=True)
(m(x) * torch.tensor([[1., 2.], [3., 4.]])).sum().backward()
print(json.dumps({"gin": seen["gin"], "gout": seen["gout"], "gx": x.grad.reshape(-1).tolist()}))
`;

noteIfNoTorch('the comparison of hooks with torch');
eachBackend('hooks', () => {
  it.runIf(haveTorch)("a gradient hook set from a forward hook inside a Sequential sees and changes the gradient as torch's", () => {
    const want = torchJson<{ seen: number[]; g1: number[]; gx: number[] }>(SCRIPT, '');
    const got = ours();
    for (const k of ['seen', 'g1', 'gx'] as const) got[k].forEach((v, i) => expect(Math.abs(v - want[k][i]), `${k}[${i}]`).toBeLessThan(1e-6));
  });

  it.runIf(haveTorch)("full backward hooks see a layer's input and output gradients and replace a ReLU's, as torch's", () => {
    const want = torchJson<{ gin: number[]; gout: number[]; gx: number[] }>(BACKWARD_SCRIPT, '');
    const got = oursBackward();
    for (const k of ['gin', 'gout', 'gx'] as const) {
      expect(got[k].length, k).toBe(want[k].length);
      got[k].forEach((v, i) => expect(Math.abs(v - want[k][i]), `${k}[${i}]`).toBeLessThan(1e-6));
    }
  });

  it('gradient hooks on a leaf and an intermediate: seen, replaced, removed', () => {
    const x = bp.tensor([1, 2, 3], { requiresGrad: true });
    const calls: number[][] = [];
    const handle = x.registerHook((g) => { calls.push(Array.from(g.data)); });
    const y = x.mul(2);
    y.registerHook((g) => g.mul(3));
    y.sum().backward();
    expect(calls).toEqual([[6, 6, 6]]);
    expect(Array.from(x.grad!.data)).toEqual([6, 6, 6]);
    handle.remove();
    handle.remove();
    x.mul(x).sum().backward();
    expect(calls.length).toBe(1);
    expect(Array.from(x.grad!.data)).toEqual([8, 10, 12]);
  });
});

describe('module forward hooks', () => {
  it('pre-hooks replace inputs, hooks replace outputs, in order; removing the last restores forward', () => {
    const lin = new nn.Linear(2, 1);
    lin.weight.data.set([1, 1]);
    lin.bias!.data.set([0]);
    const x = bp.tensor([[1, 2]]);
    const pre = lin.registerForwardPreHook((_m, [v]) => v.mul(10));
    const post = lin.registerForwardHook((_m, inputs, out) => out.add(inputs[0].sum()));
    const log: string[] = [];
    const third = lin.registerForwardHook(() => { log.push('after'); });
    expect(lin.forward(x).item()).toBe(60);
    expect(lin.call(x).item()).toBe(60);
    expect(new nn.Sequential(lin).forward(x).item()).toBe(60);
    expect(log).toEqual(['after', 'after', 'after']);
    pre.remove();
    post.remove();
    expect(lin.forward(x).item()).toBe(3);
    third.remove();
    expect(Object.prototype.hasOwnProperty.call(lin, 'forward')).toBe(false);
    expect(lin.forward).toBe(nn.Linear.prototype.forward);
    expect(lin.stateDict()).toHaveProperty('weight');
  });

  it('hooks fire on forwardWithState too (torch\'s call of a recurrent module): they see and replace its output, the states kept', () => {
    bp.manualSeed(4);
    const lstm = new nn.LSTM(3, 4);
    const x = bp.randn([5, 2, 3]);
    const plain = lstm.forwardWithState(x.mul(2));
    const seen: number[][] = [];
    const pre = lstm.registerForwardPreHook((_m, [v, ...rest]) => [v.mul(2), ...rest]);
    const post = lstm.registerForwardHook((_m, _inputs, out) => { seen.push([...out.shape]); return out.add(1); });
    const hooked = lstm.forwardWithState(x);
    expect(seen).toEqual([[5, 2, 4]]);
    expect(Array.from(hooked.output.data)).toEqual(Array.from(plain.output.data).map((v) => Math.fround(v + 1)));
    expect(Array.from(hooked.hN.data)).toEqual(Array.from(plain.hN.data));
    expect(Array.from(hooked.cN!.data)).toEqual(Array.from(plain.cN!.data));
    expect(Array.from(lstm.forward(x).data)).toEqual(Array.from(hooked.output.data));
    expect(seen.length).toBe(2);
    pre.remove();
    post.remove();
    expect(Object.prototype.hasOwnProperty.call(lstm, 'forwardWithState')).toBe(false);
    expect(lstm.forwardWithState).toBe(nn.LSTM.prototype.forwardWithState);

    const cell = new nn.LSTMCell(3, 4);
    const h0 = bp.randn([2, 4], { requiresGrad: true });
    let grads: (bp.Tensor | null)[] = [];
    const handle = cell.registerFullBackwardHook((_m, gi) => { grads = gi; });
    const kept = cell.registerForwardHook((_m, _inputs, h) => { seen.push([...h.shape]); });
    const step = cell.forwardWithState(x.select(0, 0), h0);
    expect(seen[2]).toEqual([2, 4]);
    step.h.sum().backward();
    expect(grads.length).toBe(2);
    expect(grads[0]).toBe(null);
    expect(grads[1]!.shape).toEqual([2, 4]);
    expect(Array.from(grads[1]!.data)).toEqual(Array.from(h0.grad!.data));
    handle.remove();
    kept.remove();
    expect(cell.forwardWithState).toBe(nn.LSTMCell.prototype.forwardWithState);
  });

  it("fit runs its eager loop when a layer or a parameter has hooks, and the hooks fire on every batch", async () => {
    bp.manualSeed(2);
    const x = bp.randn([32, 3]), y = bp.tensor(Array.from({ length: 32 }, (_, i) => i % 2));
    const model = new nn.Sequential(new nn.Linear(3, 8), new nn.ReLU(), new nn.Linear(8, 2));
    let forwards = 0, grads = 0;
    model.layers[0].registerForwardHook(() => { forwards++; });
    (model.layers[2] as nn.Linear).weight.registerHook(() => { grads++; });
    await bp.fit(model, { x, y }, { loss: new nn.CrossEntropyLoss(), optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), epochs: 2, batchSize: 8 });
    expect(forwards).toBe(8);
    expect(grads).toBe(8);
  });

  it('errors name the hook', () => {
    expect(() => bp.tensor([1]).registerHook(() => undefined)).toThrow(/^registerHook: cannot register a hook on a tensor that doesn't require a gradient$/);
    const x = bp.tensor([1, 2], { requiresGrad: true });
    x.registerHook(() => bp.zeros([3]));
    expect(() => x.mul(2).sum().backward()).toThrow(/^backward: a gradient hook must return nothing or a tensor of the gradient's shape \[2\], got shape \[3\]$/);
    expect(() => new nn.ReLU().registerForwardHook(3 as unknown as nn.ForwardHook)).toThrow(/^ReLU.registerForwardHook: fn must be a function, got number$/);
    const bil = new nn.Bilinear(2, 2, 1);
    bil.registerFullBackwardHook((_m, gi) => gi);
    const a = bp.ones([1, 2], { requiresGrad: true }), b = bp.ones([1, 2], { requiresGrad: true });
    expect(() => bil.forward(a, b).sum().backward()).toThrow(/^Bilinear: a full backward hook may replace gradInput only for a module of one input that needs a gradient \(this one has 2\)$/);
    let calls = 0;
    const first = new nn.Linear(2, 1);
    const handle = first.registerFullBackwardHook((_m, gi, go) => { calls++; expect(gi).toEqual([null]); expect(go[0].shape).toEqual([1, 1]); });
    first.forward(bp.ones([1, 2])).sum().backward();
    expect(calls).toBe(1);
    handle.remove();
    expect(first.forward).toBe(nn.Linear.prototype.forward);
  });
});
