// optim.swaUtils (AveragedModel, updateBn, SWALR) against torch.optim.swa_utils 1.13: the running
// mean of a model's parameters over four updates (bit for bit), an exponential average with the
// buffers, BatchNorm statistics recomputed over batches, SWALR's learning rates step by step for
// cosine and linear annealing; the copy's independence, its state dict, and the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const { AveragedModel, SWALR, updateBn } = optim.swaUtils;

function makeModel(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2));
}

// The model's parameters at each of four updates (the SGD steps a training loop would take, drawn
// here), and the batches its BatchNorm sees in training mode between updates.
function plan(): { starts: number[][]; deltas: number[][][]; batches: number[][][] } {
  bp.manualSeed(11);
  const m = makeModel();
  const starts = m.parameters().map((p) => Array.from(p.data));
  const deltas = [0, 1, 2, 3].map(() => m.parameters().map((p) => Array.from(bp.randn(p.shape).mul(0.1).data)));
  const batches = [0, 1, 2, 3].map(() => bp.randn([6, 3]).tolist() as number[][]);
  return { starts, deltas, batches };
}

const SCRIPT = `
import json, sys, torch
from torch.optim.swa_utils import AveragedModel, SWALR, update_bn
d = json.load(sys.stdin)
def make():
    m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    with torch.no_grad():
        for p, v in zip(m.parameters(), d['starts']): p.copy_(torch.tensor(v).reshape(p.shape))
    return m
out = {}
for name, kw in [('mean', {}), ('ema', {'avg_fn': lambda a, c, n: a * 0.9 + c * 0.1, 'use_buffers': True})]:
    m = make()
    swa = AveragedModel(m, **kw)
    for delta, batch in zip(d['deltas'], d['batches']):
        with torch.no_grad():
            for p, v in zip(m.parameters(), delta): p.add_(torch.tensor(v).reshape(p.shape))
        m.train(); m(torch.tensor(batch))
        swa.update_parameters(m)
    out[name] = {'params': [p.detach().reshape(-1).tolist() for p in swa.module.parameters()],
                 'buffers': [b.reshape(-1).tolist() for b in swa.module.buffers()], 'n': int(swa.n_averaged)}
    if name == 'mean':
        swa.eval()
        update_bn([torch.tensor(b) for b in d['batches'][:2]] + [(torch.tensor(d['batches'][2]), 0)], swa)
        bn = swa.module[1]
        out['bn'] = {'mean': bn.running_mean.tolist(), 'var': bn.running_var.tolist(), 'tracked': int(bn.num_batches_tracked),
                     'momentum': bn.momentum, 'training': swa.training}
        out['keys'] = list(swa.state_dict().keys())
lrs = {}
for name, swa_lr, kw in [('cos3', [0.01, 0.02], {'anneal_epochs': 3}), ('linear0', 0.03, {'anneal_epochs': 0, 'anneal_strategy': 'linear'}),
                         ('linear4', 0.2, {'anneal_epochs': 4, 'anneal_strategy': 'linear'})]:
    p1, p2 = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([{'params': [p1]}, {'params': [p2], 'lr': 0.05}], lr=0.1)
    s = SWALR(opt, swa_lr, **kw)
    seq = [s.get_last_lr()]
    for _ in range(6):
        opt.step(); s.step(); seq.append(s.get_last_lr())
    lrs[name] = seq
out['lrs'] = lrs
print(json.dumps(out))
`;

interface Answer {
  mean: { params: number[][]; buffers: number[][]; n: number };
  ema: { params: number[][]; buffers: number[][]; n: number };
  bn: { mean: number[]; var: number[]; tracked: number; momentum: number; training: boolean };
  keys: string[];
  lrs: Record<string, number[][]>;
}

/** Our run of the same plan: the averaged copy after four updates. */
function averaged(p: ReturnType<typeof plan>, options?: optim.swaUtils.AveragedModelOptions): { m: nn.Sequential; swa: optim.swaUtils.AveragedModel } {
  const m = makeModel();
  m.parameters().forEach((t, i) => t.data.set(p.starts[i]));
  const swa = new AveragedModel(m, options);
  p.deltas.forEach((delta, k) => {
    m.parameters().forEach((t, i) => t.data.set(t.data.map((v, j) => v + delta[i][j])));
    m.train();
    bp.noGrad(() => m.forward(bp.tensor(p.batches[k])));
    swa.updateParameters(m);
  });
  return { m, swa };
}

function swalrLrs(swaLr: number | number[], options: optim.swaUtils.SWALROptions): number[][] {
  const p1 = bp.zeros([1], { requiresGrad: true }), p2 = bp.zeros([1], { requiresGrad: true });
  const opt = new optim.SGD([{ params: [p1] }, { params: [p2], lr: 0.05 }], { lr: 0.1 });
  const s = new SWALR(opt, swaLr, options);
  const seq = [s.getLastLrs()];
  for (let i = 0; i < 6; i++) {
    s.step();
    seq.push(s.getLastLrs());
  }
  return seq;
}

noteIfNoTorch('optim.swaUtils against torch.optim.swa_utils');
eachBackend('optim.swaUtils', () => {
  it.runIf(haveTorch)("AveragedModel's running mean (bit for bit) and an exponential average with buffers, updateBn, and SWALR's lrs as torch's", () => {
    const p = plan();
    const theirs = torchJson<Answer>(SCRIPT, JSON.stringify(p));
    const { swa } = averaged(p);
    expect(swa.module.parameters().map((t) => Array.from(t.data))).toEqual(theirs.mean.params);
    expect(swa.n_averaged.item()).toBe(theirs.mean.n);
    expect(Object.keys(swa.stateDict())).toEqual(theirs.keys);
    const ema = averaged(p, { avgFn: (a, c) => a.mul(0.9).add(c.mul(0.1)), useBuffers: true }).swa;
    const near = (ours: ArrayLike<number>, want: number[], what: string) => want.forEach((v, j) => expect(Math.abs(ours[j] - v), `${what}[${j}]: ${ours[j]} vs ${v}`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(v))));
    ema.module.parameters().forEach((t, i) => near(t.data, theirs.ema.params[i], `ema parameter ${i}`));
    ema.module.buffers().forEach((t, i) => near(t.data, theirs.ema.buffers[i], `ema buffer ${i}`));
    // updateBn over the first three batches (the third as [input, target]), the model in eval mode before.
    swa.eval();
    updateBn([bp.tensor(p.batches[0]), bp.tensor(p.batches[1]), [bp.tensor(p.batches[2]), bp.tensor([0])]], swa);
    const bn = (swa.module as nn.Sequential).at(1) as nn.BatchNorm1d;
    near(bn.running_mean.data, theirs.bn.mean, 'running_mean');
    near(bn.running_var.data, theirs.bn.var, 'running_var');
    expect([bn.num_batches_tracked.item(), bn.momentum, swa.training]).toEqual([theirs.bn.tracked, theirs.bn.momentum, theirs.bn.training]);
    const lrs: [string, number | number[], optim.swaUtils.SWALROptions][] = [['cos3', [0.01, 0.02], { annealEpochs: 3 }],
      ['linear0', 0.03, { annealEpochs: 0, annealStrategy: 'linear' }], ['linear4', 0.2, { annealEpochs: 4, annealStrategy: 'linear' }]];
    for (const [name, swaLr, options] of lrs) {
      swalrLrs(swaLr, options).forEach((step, k) => step.forEach((lr, g) => expect(Math.abs(lr - theirs.lrs[name][k][g]), `${name} step ${k} group ${g}: ${lr} vs ${theirs.lrs[name][k][g]}`).toBeLessThanOrEqual(1e-12)));
    }
  });

  it('the copy is its own: tied parameters stay tied, the model trains apart, forward runs the copy', () => {
    const shared = new nn.Linear(2, 2);
    const model = new nn.Sequential(shared, new nn.Tanh(), shared);
    const swa = new AveragedModel(model);
    const [a, b] = [swa.module as nn.Sequential, model as nn.Sequential];
    expect(a.at(0)).toBe(a.at(2));
    expect(a.at(0)).not.toBe(b.at(0));
    const before = Array.from((a.at(0) as nn.Linear).weight.data);
    (b.at(0) as nn.Linear).weight.data.fill(5);
    expect(Array.from((a.at(0) as nn.Linear).weight.data)).toEqual(before);
    swa.updateParameters(model);
    expect(Array.from((a.at(0) as nn.Linear).weight.data)).toEqual([5, 5, 5, 5]);
    const x = bp.randn([3, 2]);
    expect(Array.from(swa.forward(x).data)).toEqual(Array.from(model.forward(x).data));
    expect((a.at(0) as nn.Linear).weight).toBeInstanceOf(nn.Parameter);
    // The second update averages: (5 + 1) / 2.
    (b.at(0) as nn.Linear).weight.data.fill(1);
    swa.updateParameters(model);
    expect(Array.from((a.at(0) as nn.Linear).weight.data)).toEqual([3, 3, 3, 3]);
  });

  it('names the bad model, option or batch', () => {
    const m = new nn.Linear(2, 2);
    expect(() => new AveragedModel({} as nn.Module)).toThrow('AveragedModel: model must be a Module, got an object (Object)');
    expect(() => new AveragedModel(m, { avgFn: 3 as unknown as optim.swaUtils.AveragingFn })).toThrow('AveragedModel: avgFn must be a function (averaged, current, numAveraged) => Tensor, got 3');
    const hooked = new nn.Linear(2, 2);
    hooked.registerForwardHook(() => undefined);
    expect(() => new AveragedModel(new nn.Sequential(hooked))).toThrow("AveragedModel: the model.0 (Linear) has hooks (forward hooks, weightNorm or spectralNorm), which a copy would not carry; remove them first");
    const swa = new AveragedModel(m, { avgFn: () => bp.zeros([3]) });
    expect(() => swa.updateParameters(new nn.Linear(3, 2))).toThrow(/AveragedModel.updateParameters: the model's 2 tensors \(\[2, 3\] \[2\]\) do not match the averaged copy's 2 \(\[2, 2\] \[2\]\)/);
    swa.updateParameters(m);
    expect(() => swa.updateParameters(m)).toThrow("AveragedModel.updateParameters: avgFn must return a tensor of the averaged one's shape [2, 2], got shape [3]");
    const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
    expect(() => new SWALR(opt, [0.1, 0.2])).toThrow('SWALR: swaLr must have the same length as optimizer.paramGroups: swaLr has 2, optimizer.paramGroups has 1');
    expect(() => new SWALR(opt, 0.1, { annealStrategy: 'exp' as 'cos' })).toThrow(`SWALR: annealStrategy must be one of 'cos' or 'linear', got "exp"`);
    expect(() => new SWALR(opt, 0.1, { annealEpochs: -1 })).toThrow('SWALR: annealEpochs must be an integer of at least 0, got -1');
    expect(() => new SWALR(opt, -0.1)).toThrow('SWALR: swaLr must be a non-negative number, got -0.1');
    const withBn = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
    expect(() => updateBn([3 as unknown as bp.Tensor], withBn)).toThrow('updateBn: batch 0 must be a tensor or an array whose first entry is one, got 3');
    expect((withBn.at(1) as nn.BatchNorm1d).momentum).toBe(0.1); // put back after the error
    expect(() => updateBn(null as unknown as bp.Tensor[], withBn)).toThrow(/updateBn: loader must be an iterable of batches/);
  });
});
