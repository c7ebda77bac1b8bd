// nn.utils.functionalCall (torch.nn.utils.stateless.functional_call) and the conv + batch norm fusion
// (fuse_conv_bn_eval / fuse_conv_bn_weights): a module run with other tensors for its parameters and
// buffers, gradients reaching those tensors and the module's own put back; a fused convolution giving
// the pair's output, its weights torch 1.13's; the errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, Tensor } from '../lib/index';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const { functionalCall, fuseConvBnEval, fuseConvBnWeights } = nn.utils;

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  expect(a.length, what).toBe(b.length);
  Array.from(a).forEach((v, i) => expect(Math.abs(v - b[i]), `${what}[${i}]: ${v} vs ${b[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]))));
};

describe('functionalCall', () => {
  it('runs the module with the given tensors, their gradients reached, the module\'s own kept', () => {
    bp.manualSeed(6);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.BatchNorm1d(4), new nn.Linear(4, 2));
    model.eval(); // the batch norm reads its running mean: the one given
    const x = bp.randn([5, 3]);
    const before = model.stateDict();
    const kept = Object.fromEntries(Object.entries(before).map(([k, v]) => [k, Array.from(v.data)]));
    const w0 = bp.randn([4, 3], { requiresGrad: true }), w3 = bp.randn([2, 4], { requiresGrad: true });
    const mean = bp.randn([4]);
    const y = functionalCall(model, { '0.weight': w0, '3.weight': w3, '2.running_mean': mean }, x);
    // The same as a copy of the model that holds those tensors.
    const twin = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.BatchNorm1d(4), new nn.Linear(4, 2));
    twin.loadStateDict({ ...model.stateDict(), '0.weight': w0.detach(), '3.weight': w3.detach(), '2.running_mean': mean });
    twin.eval();
    const yt = twin.forward(x);
    close(y.data, yt.data, 1e-6, 'output');
    y.square().sum().backward();
    yt.square().sum().backward();
    close(w0.grad!.data, (twin.layers[0] as nn.Linear).weight.grad!.data, 1e-5, 'the given weight\'s gradient');
    close(w3.grad!.data, (twin.layers[3] as nn.Linear).weight.grad!.data, 1e-5, 'the given weight\'s gradient');
    expect((model.layers[0] as nn.Linear).weight.grad).toBe(null);
    for (const [k, v] of Object.entries(model.stateDict())) expect(Array.from(v.data), k).toEqual(kept[k]);
    expect(() => functionalCall(model, { '0.weight': bp.zeros([4, 3]) }, bp.zeros([5, 7]))).toThrow();
    expect(Array.from((model.layers[0] as nn.Linear).weight.data)).toEqual(kept['0.weight']);
  });

  it('names what is wrong', () => {
    const m = new nn.Linear(2, 3);
    expect(() => functionalCall(m, { weights: bp.zeros([3, 2]) }, bp.zeros([1, 2]))).toThrow("functionalCall: 'weights' is no parameter or buffer of Linear");
    expect(() => functionalCall(m, { weight: bp.zeros([2, 3]) }, bp.zeros([1, 2]))).toThrow("functionalCall: 'weight' has shape [3, 2], the tensor given [2, 3]");
    expect(() => functionalCall(m, { weight: [1] as unknown as Tensor }, bp.zeros([1, 2]))).toThrow("functionalCall: 'weight' must be a Tensor, got [1]");
    expect(() => functionalCall(m, {}, 3 as unknown as Tensor)).toThrow('functionalCall: args must be a Tensor or an array of them, got 3');
    expect(() => functionalCall({} as nn.Module, {}, bp.zeros([1]))).toThrow(/^functionalCall: module must be a Module/);
  });
});

const FUSE_SCRIPT = `
import json, sys, torch
from torch.nn.utils.fusion import fuse_conv_bn_weights
c = json.load(sys.stdin)
t = {k: (torch.tensor(v["data"]).reshape(v["shape"]) if v is not None else None) for k, v in c.items() if k != "eps"}
w, b = fuse_conv_bn_weights(t["w"], t["b"], t["mean"], t["var"], c["eps"], t["gamma"], t["beta"], transpose=False)
wt, bt = fuse_conv_bn_weights(t["wt"], None, t["mean"], t["var"], c["eps"], None, None, transpose=True)
print(json.dumps([w.reshape(-1).tolist(), b.tolist(), wt.reshape(-1).tolist(), bt.tolist()]))
`;

noteIfNoTorch('the comparison of the conv + batch norm fusion with torch');
describe('conv + batch norm fusion', () => {
  it('a fused convolution gives the pair\'s output in eval mode (plain and transposed)', () => {
    bp.manualSeed(8);
    const conv = new nn.Conv2d(3, 4, 3, { padding: 1 });
    const bn = new nn.BatchNorm2d(4);
    bn.loadStateDict({ ...bn.stateDict(), running_mean: bp.randn([4]), running_var: bp.rand([4]).add(0.5), weight: bp.randn([4]), bias: bp.randn([4]) });
    conv.eval();
    bn.eval();
    const x = bp.randn([2, 3, 5, 5]);
    const fused = fuseConvBnEval(conv, bn);
    expect(fused).not.toBe(conv);
    close(fused.forward(x).data, bn.forward(conv.forward(x)).data, 1e-5, 'fused');
    const up = new nn.ConvTranspose2d(3, 4, 2, { stride: 2, bias: false });
    up.eval();
    close(fuseConvBnEval(up, bn, true).forward(x).data, bn.forward(up.forward(x)).data, 1e-5, 'fused transposed');
  });

  it.runIf(haveTorch)('fuseConvBnWeights gives torch\'s weights and biases', () => {
    bp.manualSeed(9);
    const t = { w: bp.randn([4, 2, 3, 3]), b: bp.randn([4]), mean: bp.randn([4]), var: bp.rand([4]).add(0.1), gamma: bp.randn([4]), beta: bp.randn([4]), wt: bp.randn([2, 4, 2, 2]) };
    const wire = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.data) }]));
    const want = torchJson<number[][]>(FUSE_SCRIPT, JSON.stringify({ ...wire, eps: 1e-3 }));
    const [w, b] = fuseConvBnWeights(t.w, t.b, t.mean, t.var, 1e-3, t.gamma, t.beta);
    const [wt, bt] = fuseConvBnWeights(t.wt, null, t.mean, t.var, 1e-3, null, null, true);
    [w, b, wt, bt].forEach((p, k) => close(p.data, want[k], 1e-6, `result ${k}`));
  });

  it('names what is wrong', () => {
    const conv = new nn.Conv2d(3, 4, 3), bn = new nn.BatchNorm2d(4);
    expect(() => fuseConvBnEval(conv, bn)).toThrow('fuseConvBnEval: Fusion only for eval! (put both modules in eval mode)');
    conv.eval();
    bn.eval();
    expect(() => fuseConvBnEval(conv, new nn.ReLU())).toThrow(/^fuseConvBnEval: bn must be a BatchNorm1d, 2d or 3d/);
    expect(() => fuseConvBnEval(new nn.ReLU(), bn)).toThrow(/^fuseConvBnEval: conv must be a convolution module/);
    expect(() => fuseConvBnWeights(bp.zeros([4, 3, 1, 1]), null, bp.zeros([5]), bp.ones([5]), 1e-5, null, null)).toThrow('fuseConvBnWeights: the batch norm\'s statistics ([5], [5]) must have one value per output channel of the weight [4, 3, 1, 1]');
  });
});
