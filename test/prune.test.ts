// nn.utils.prune against torch.nn.utils.prune 1.13: a sequence of prunings of an MLP (L1 by a fraction
// and then a count among the entries left, Ln-structured along each dim, a bias by count and by a
// custom mask, a global L1 pruning over two weights), then the masks, the state dict's keys, the
// forward pass and the gradients of the original parameters; remove(); the random methods by their
// counts; and the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const prune = nn.utils.prune;

const SCRIPT = `
import json, sys, torch
import torch.nn.utils.prune as prune
d = json.load(sys.stdin)
m = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
with torch.no_grad():
    for p, v in zip(m.parameters(), d['params']): p.copy_(torch.tensor(v).reshape(p.shape))
prune.l1_unstructured(m[0], 'weight', amount=0.3)
prune.l1_unstructured(m[0], 'weight', amount=4)
prune.ln_structured(m[2], 'weight', amount=1, n=2, dim=0)
prune.ln_structured(m[2], 'weight', amount=0.5, n=1, dim=1)
prune.l1_unstructured(m[0], 'bias', amount=2)
prune.custom_from_mask(m[2], 'bias', mask=torch.tensor([1., 0., 1.]))
prune.global_unstructured([(m[0], 'weight'), (m[2], 'weight')], pruning_method=prune.L1Unstructured, amount=0.2)
x = torch.tensor(d['x'])
y = m(x)
y.sum().backward()
out = {'keys': list(m.state_dict().keys()), 'y': y.reshape(-1).tolist(),
       'masks': [m[0].weight_mask.reshape(-1).tolist(), m[0].bias_mask.tolist(), m[2].weight_mask.reshape(-1).tolist(), m[2].bias_mask.tolist()],
       'grads': [p.grad.reshape(-1).tolist() for p in m.parameters()], 'names': [n for n, _ in m.named_parameters()]}
prune.remove(m[0], 'weight')
out['removed'] = {'keys': list(m.state_dict().keys()), 'weight': m[0].weight.reshape(-1).tolist(), 'pruned': prune.is_pruned(m)}
print(json.dumps(out))
`;

noteIfNoTorch('nn.utils.prune against torch.nn.utils.prune');
eachBackend('nn.utils.prune', () => {
  it.runIf(haveTorch)("a sequence of prunings gives torch's masks, state dict, forward pass and gradients; remove() as torch's", () => {
    bp.manualSeed(9);
    const m = new nn.Sequential(new nn.Linear(6, 5), new nn.ReLU(), new nn.Linear(5, 3));
    const x = bp.randn([4, 6]);
    const theirs = torchJson<{ keys: string[]; y: number[]; masks: number[][]; grads: number[][]; names: string[]; removed: { keys: string[]; weight: number[]; pruned: boolean } }>(
      SCRIPT, JSON.stringify({ params: m.parameters().map((p) => Array.from(p.data)), x: x.tolist() }));
    const [l0, l2] = [m.at(0) as nn.Linear, m.at(2) as nn.Linear];
    prune.l1Unstructured(l0, 'weight', 0.3);
    prune.l1Unstructured(l0, 'weight', 4);
    prune.lnStructured(l2, 'weight', 1, 2, 0);
    prune.lnStructured(l2, 'weight', 0.5, 1, 1);
    prune.l1Unstructured(l0, 'bias', 2);
    prune.customFromMask(l2, 'bias', bp.tensor([1, 0, 1]));
    prune.globalUnstructured([[l0, 'weight'], [l2, 'weight']], { amount: 0.2 });
    const field = (l: nn.Module, k: string) => (l as unknown as Record<string, bp.Tensor>)[k];
    expect([field(l0, 'weight_mask'), field(l0, 'bias_mask'), field(l2, 'weight_mask'), field(l2, 'bias_mask')].map((t) => Array.from(t.data))).toEqual(theirs.masks);
    expect(Object.keys(m.stateDict())).toEqual(theirs.keys);
    expect(m.namedParameters().map(([n]) => n)).toEqual(theirs.names);
    const y = m.forward(x);
    y.data.forEach((v, i) => expect(Math.abs(v - theirs.y[i])).toBeLessThan(1e-5));
    y.sum().backward();
    m.parameters().forEach((p, i) => p.grad!.data.forEach((g, j) => expect(Math.abs(g - theirs.grads[i][j]), `gradient ${i}[${j}]`).toBeLessThan(1e-5)));
    expect(prune.isPruned(m)).toBe(true);
    prune.remove(l0, 'weight');
    expect(Object.keys(m.stateDict())).toEqual(theirs.removed.keys);
    l0.weight.data.forEach((v, i) => expect(Math.abs(v - theirs.removed.weight[i])).toBeLessThan(1e-6));
    expect(l0.weight).toBeInstanceOf(nn.Parameter);
    expect(prune.isPruned(m)).toBe(theirs.removed.pruned);
  });

  it('random methods prune their counts among what is left; identity keeps all; a pruned weight trains where kept', () => {
    bp.manualSeed(3);
    const l = new nn.Linear(10, 8);
    prune.randomUnstructured(l, 'weight', 0.25);
    const mask = () => Array.from((l as unknown as Record<string, bp.Tensor>).weight_mask.data);
    expect(mask().filter((v) => v === 0).length).toBe(20);
    prune.randomUnstructured(l, 'weight', 10);
    expect(mask().filter((v) => v === 0).length).toBe(30);
    const c = new nn.Conv2d(3, 6, 3);
    prune.randomStructured(c, 'weight', 2, 0);
    const cm = Array.from((c as unknown as Record<string, bp.Tensor>).weight_mask.data);
    const channelsOff = Array.from({ length: 6 }, (_, ch) => cm.slice(ch * 27, ch * 27 + 27).every((v) => v === 0)).filter(Boolean).length;
    expect(channelsOff).toBe(2);
    const k = new nn.Linear(3, 2);
    prune.identity(k, 'bias');
    expect(Array.from((k as unknown as Record<string, bp.Tensor>).bias_mask.data)).toEqual([1, 1]);
    // A step of SGD moves weight_orig only where the mask keeps it (its gradient is zero elsewhere).
    const opt = new bp.optim.SGD(l.parameters(), { lr: 0.1 });
    const before = Array.from((l as unknown as Record<string, bp.Tensor>).weight_orig.data);
    l.forward(bp.randn([4, 10])).sum().backward();
    opt.step();
    const after = (l as unknown as Record<string, bp.Tensor>).weight_orig.data;
    mask().forEach((mv, i) => { if (mv === 0) expect(after[i]).toBe(before[i]); });
  });

  it('names the bad module, parameter, amount or mask', () => {
    const l = new nn.Linear(3, 2);
    expect(() => prune.l1Unstructured(l, 'weights', 0.5)).toThrow("prune.l1Unstructured: the module (Linear) has no parameter 'weights'");
    expect(() => prune.l1Unstructured(l, 'weight', 7)).toThrow('prune.l1Unstructured: amount 7 should be smaller than the number of parameters to prune, 6');
    expect(() => prune.l1Unstructured(l, 'weight', 1.5)).toThrow('prune.l1Unstructured: amount must be a fraction in [0, 1] when it is not an integer, got 1.5');
    expect(() => prune.l1Unstructured(l, 'weight', -1)).toThrow(/prune.l1Unstructured: amount must be a non-negative integer/);
    expect(() => prune.lnStructured(l, 'weight', 1, 0, 0)).toThrow(/prune.lnStructured: n must be a nonzero number/);
    expect(() => prune.lnStructured(l, 'weight', 1, 2, 2)).toThrow(/prune.lnStructured: dim/);
    expect(() => prune.customFromMask(l, 'weight', bp.ones([3, 2]))).toThrow("prune.customFromMask: mask must be a Tensor of the parameter's shape [2, 3], got shape [3, 2]");
    expect(() => prune.remove(l, 'weight')).toThrow("prune.remove: parameter 'weight' of Linear has not been pruned");
    expect(() => prune.globalUnstructured([], { amount: 0.1 })).toThrow(/prune.globalUnstructured: parameters must be a non-empty list/);
    expect(() => prune.globalUnstructured([[l, 'weight']], { amount: 0.1, pruningMethod: 'lnStructured' as 'l1Unstructured' })).toThrow(/pruningMethod must be 'l1Unstructured' or 'randomUnstructured'/);
    expect(() => prune.isPruned({} as nn.Module)).toThrow(/prune.isPruned: module must be a Module/);
  });
});
