// bp.autograd.grad against torch 1.13's torch.autograd.grad: scalar and non-scalar outputs, several
// outputs with their gradients, a non-leaf input; no .grad touched; retainGraph, allowUnused, inside
// noGrad; the errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { values } from './helpers/torch_calls';

const W = values(6, 41), X = values(3, 42), G = values(2, 43);

function ours(): number[] {
  const w = bp.tensor(W, { shape: [2, 3], requiresGrad: true });
  const x = bp.tensor(X, { requiresGrad: true });
  const h = w.matmul(x).tanh();
  const y = h.square().sum();
  const [gw, gx] = bp.autograd.grad(y, [w, x], { retainGraph: true }) as bp.Tensor[];
  const [gh] = bp.autograd.grad(h, h, { gradOutputs: bp.tensor(G), retainGraph: true }) as bp.Tensor[];
  const z = w.sum(1);
  const [gw2] = bp.autograd.grad([y, z], w, { gradOutputs: [null, bp.tensor(G)] }) as bp.Tensor[];
  expect(w.grad).toBeNull();
  expect(x.grad).toBeNull();
  return [...gw.data, ...gx.data, ...gh.data, ...gw2.data];
}

const SCRIPT = `
import torch, json
w = torch.tensor(${JSON.stringify(W)}).reshape(2, 3).requires_grad_(); x = torch.tensor(${JSON.stringify(X)}).requires_grad_()
h = (w @ x).tanh(); y = h.square().sum()
gw, gx = torch.autograd.grad(y, [w, x], retain_graph=True)
gh, = torch.autograd.grad(h, h, grad_outputs=torch.tensor(${JSON.stringify(G)}), retain_graph=True)
z = w.sum(1)
gw2, = torch.autograd.grad([y, z], w, grad_outputs=[None, torch.tensor(${JSON.stringify(G)})])
print(json.dumps(gw.reshape(-1).tolist() + gx.tolist() + gh.tolist() + gw2.reshape(-1).tolist()))
`;

noteIfNoTorch('the comparison of autograd.grad with torch');
eachBackend('autograd.grad', () => {
  it.runIf(haveTorch)("gradients of scalar, non-scalar and several outputs as torch's, no .grad touched", () => {
    const want = torchJson<number[]>(SCRIPT, '');
    const got = ours();
    expect(got.length).toBe(want.length);
    got.forEach((v, i) => expect(Math.abs(v - want[i]), `[${i}] ${v} vs ${want[i]}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want[i]))));
  });
});

describe('autograd.grad', () => {
  it('a gradient penalty: the gradient with respect to the input, then a backward of the rest', () => {
    const w = bp.tensor([2, -1], { requiresGrad: true });
    const x = bp.tensor([0.5, 3], { requiresGrad: true });
    const out = w.mul(x).sum();
    const [gx] = bp.autograd.grad(out, x, { retainGraph: true }) as bp.Tensor[];
    expect(Array.from(gx.data)).toEqual([2, -1]);
    out.backward();
    expect(Array.from(w.grad!.data)).toEqual([0.5, 3]);
    expect(Array.from(x.grad!.data)).toEqual([2, -1]);
    const a = bp.tensor([1], { requiresGrad: true }), b = bp.tensor([1], { requiresGrad: true });
    const ya = a.mul(3).sum(), yb = a.mul(2);
    expect(bp.autograd.grad(ya, [a, b], { allowUnused: true, retainGraph: true })[1]).toBeNull();
    const [ga] = bp.noGrad(() => bp.autograd.grad([ya, yb], a, { gradOutputs: [null, bp.tensor([5])] })) as bp.Tensor[];
    expect(ga.item()).toBe(13);
  });

  it('errors name the argument', () => {
    const a = bp.tensor([1, 2], { requiresGrad: true });
    const y = a.mul(2);
    expect(() => bp.autograd.grad(y, a)).toThrow(/^grad: outputs\[0\] has shape \[2\]: a gradient can be implied only for one-element outputs; give gradOutputs$/);
    expect(() => bp.autograd.grad(y.sum(), bp.tensor([1]))).toThrow(/^grad: inputs\[0\] \(shape \[1\]\) does not require a gradient$/);
    expect(() => bp.autograd.grad(y.sum(), [a, bp.tensor([1], { requiresGrad: true })])).toThrow(/^grad: inputs\[1\] \(shape \[1\]\) was not used to compute the outputs \(pass allowUnused: true to get null\)$/);
    expect(() => bp.autograd.grad(a.mul(2).sum(), [a, bp.tensor([1], { requiresGrad: true })], { createGraph: true })).toThrow(/^grad: inputs\[1\] \(shape \[1\]\) was not used to compute the outputs/);
    expect(() => bp.autograd.grad(y, a, { gradOutputs: bp.ones([3]) })).toThrow(/^grad: gradOutputs\[0\] must be a tensor of the output's shape \[2\], got shape \[3\]$/);
    const s = a.sum();
    bp.autograd.grad(s, a);
    expect(() => bp.autograd.grad(s, a)).toThrow(/trying to backward through the graph a second time/);
  });
});
