// Param groups (torch's param_groups): options per group over the defaults, each group's lr under
// the schedulers, state dicts and checkpoints that keep the groups, fit with a grouped optimizer;
// and every optimizer with groups against torch 1.13 when it is here.
import * as path from 'node:path';
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim, Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { rng, randomArray } from './helpers/random';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { scratchDir } from './helpers/scratch';

const groupsDir = scratchDir('bp-groups-');

type Kind = 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';

// Defaults and two groups' overrides for each optimizer (the second group takes the defaults' lr).
const CONFIGS: Record<Kind, { defaults: Record<string, unknown>; groups: Record<string, unknown>[] }> = {
  SGD: { defaults: { lr: 0.1, momentum: 0.9 }, groups: [{ lr: 0.05, weightDecay: 0.01 }, { momentum: 0.5, nesterov: true }] },
  Adam: { defaults: { lr: 0.01 }, groups: [{ lr: 0.003, betas: [0.8, 0.99] }, { weightDecay: 0.1, amsgrad: true }] },
  AdamW: { defaults: { lr: 0.01, weightDecay: 0.05 }, groups: [{ weightDecay: 0 }, { lr: 0.02, eps: 1e-6 }] },
  RMSprop: { defaults: { lr: 0.01 }, groups: [{ momentum: 0.9, centered: true }, { alpha: 0.9, weightDecay: 0.01 }] },
  Adagrad: { defaults: { lr: 0.1, initialAccumulatorValue: 0.2 }, groups: [{ lrDecay: 0.01 }, { eps: 1e-6, weightDecay: 0.01 }] },
};

function make(kind: Kind, params: optim.OptimizerParams<object>, options: Record<string, unknown>): optim.Optimizer {
  const ctor = optim[kind] as unknown as new (p: optim.OptimizerParams<object>, o: Record<string, unknown>) => optim.Optimizer;
  return new ctor(params, options);
}

function params(seed: number): Tensor[] {
  const r = rng(seed);
  return [[3, 4], [3], [2, 3], [2]].map((shape) => bp.tensor(randomArray(shape.reduce((a, b) => a * b, 1), r), { shape, requiresGrad: true }));
}

// The gradient of step s for parameter i: fixed numbers, the same on every side.
function grad(s: number, i: number, size: number): Float32Array {
  return randomArray(size, rng(1000 * s + i + 1));
}

function train(opt: optim.Optimizer, ps: Tensor[], steps: number, scheduler?: { step(): void }): void {
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    ps.forEach((p, i) => p.mul(bp.tensor(grad(s, i, p.size), { shape: p.shape as number[] })).sum().backward());
    opt.step();
    scheduler?.step();
  }
}

eachBackend('param groups', () => {
  for (const kind of Object.keys(CONFIGS) as Kind[]) {
    it(`${kind}: a group trains as its own optimizer with the defaults and the group's options`, () => {
      const { defaults, groups } = CONFIGS[kind];
      const a = params(1);
      const grouped = make(kind, [{ params: a.slice(0, 2), ...groups[0] }, { params: a.slice(2), ...groups[1] }], defaults);
      train(grouped, a, 5);
      const b = params(1);
      const first = make(kind, b.slice(0, 2), { ...defaults, ...groups[0] });
      const second = make(kind, b.slice(2), { ...defaults, ...groups[1] });
      for (let s = 0; s < 5; s++) {
        first.zeroGrad();
        second.zeroGrad();
        b.forEach((p, i) => p.mul(bp.tensor(grad(s, i, p.size), { shape: p.shape as number[] })).sum().backward());
        first.step();
        second.step();
      }
      a.forEach((p, i) => expect(Array.from(p.data), `parameter ${i}`).toEqual(Array.from(b[i].data)));
    });
  }

  it('lr: each group its own; writing optimizer.lr sets all; schedulers scale each from its own base', () => {
    const ps = params(2);
    const opt = new optim.SGD([{ params: ps.slice(0, 2), lr: 0.5 }, { params: ps.slice(2) }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.5, 0.1]);
    expect(opt.lr).toBe(0.5);
    const sched = new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: 4 });
    sched.step();
    sched.step();
    expect(sched.getLastLrs()[0]).toBeCloseTo(0.25, 12);
    expect(sched.getLastLrs()[1]).toBeCloseTo(0.05, 12);
    opt.paramGroups[1].lr = 0.2;
    expect(opt.paramGroups[1].lr).toBe(0.2);
    opt.lr = 0.01;
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.01, 0.01]);
    expect(() => { opt.paramGroups[0].lr = -1; }).toThrow(/SGD: invalid learning rate lr: -1/);
  });

  it('stateDict and checkpoints keep the groups: training resumes to identical numbers', () => {
    const opts = (ps: Tensor[]) => new optim.Adam([{ params: ps.slice(0, 2), lr: 0.02 }, { params: ps.slice(2), weightDecay: 0.1 }], { lr: 0.01 });
    const a = params(3);
    const oa = opts(a);
    train(oa, a, 6);
    const b = params(3);
    const ob = opts(b);
    train(ob, b, 3);
    const c = b.map((p) => bp.tensor(p.toFloat32Array(), { shape: p.shape as number[], requiresGrad: true }));
    const oc = opts(c);
    oc.paramGroups[0].lr = 1; // overwritten by the state dict
    oc.loadStateDict(JSON.parse(JSON.stringify(ob.stateDict())));
    expect(oc.paramGroups.map((g) => g.lr)).toEqual([0.02, 0.01]);
    for (let s = 3; s < 6; s++) {
      oc.zeroGrad();
      c.forEach((p, i) => p.mul(bp.tensor(grad(s, i, p.size), { shape: p.shape as number[] })).sum().backward());
      oc.step();
    }
    a.forEach((p, i) => expect(Array.from(c[i].data), `parameter ${i}`).toEqual(Array.from(p.data)));
    // Through a checkpoint file.
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    const mp = model.parameters();
    const om = new optim.SGD([{ params: mp.slice(0, 2), lr: 0.3, momentum: 0.9 }, { params: mp.slice(2) }], { lr: 0.1 });
    train(om, mp, 2);
    const file = path.join(groupsDir, 'ckpt.safetensors');
    bp.saveCheckpoint(file, model, om, { epoch: 2 });
    const om2 = new optim.SGD([{ params: mp.slice(0, 2), lr: 9, momentum: 0.9 }, { params: mp.slice(2) }], { lr: 9 });
    bp.loadCheckpoint(file, model, om2);
    expect(om2.paramGroups.map((g) => g.lr)).toEqual([0.3, 0.1]);
    // A state of other groups is refused, naming the sizes.
    const flat = new optim.Adam(params(3), { lr: 0.01 });
    expect(() => flat.loadStateDict(ob.stateDict())).toThrow(/param groups of 2, 2 parameters, the optimizer 4/);
  });

  it('fit with a grouped optimizer (eager loop) matches fit with one group of the same options (fused)', async () => {
    const run = async (grouped: boolean) => {
      bp.manualSeed(5);
      const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
      const ps = model.parameters();
      const opt = grouped ? new optim.Adam([{ params: ps.slice(0, 2) }, { params: ps.slice(2) }], { lr: 0.01 }) : new optim.Adam(ps, { lr: 0.01 });
      const r = rng(8);
      const x = bp.tensor(randomArray(32 * 4, r), { shape: [32, 4] });
      const y = bp.tensor(Array.from({ length: 32 }, (_, i) => i % 3));
      const h = await bp.fit(model, { x, y }, { loss: new nn.CrossEntropyLoss(), optimizer: opt, epochs: 2, batchSize: 8, shuffle: false, verbose: false });
      return { loss: h.loss, w: Array.from(ps[2].data) };
    };
    const [one, two] = [await run(false), await run(true)];
    expect(two.loss).toEqual(one.loss);
    expect(two.w).toEqual(one.w);
  });

  it('bad groups are named', () => {
    const ps = params(4);
    expect(() => new optim.SGD([{ params: ps.slice(0, 2) }, ps[2]] as never, { lr: 0.1 })).toThrow(/SGD: entry 1 of the param groups is not a group/);
    expect(() => new optim.Adam([{ params: 3 as never }])).toThrow(/Adam: param group 0: params must be an array/);
    expect(() => new optim.SGD([{ params: ps.slice(0, 2), lr: 0.1 }, { params: ps.slice(2) }], {} as never)).toThrow(/SGD: options.lr is required/);
    expect(() => new optim.SGD([{ params: ps.slice(0, 2) }, { params: ps.slice(1) }], { lr: 0.1 })).toThrow(/parameter 2 .* is the same tensor as parameter 1/);
    expect(() => new optim.Adam([{ params: ps, betas: [0.9] as never }])).toThrow(/Adam: betas must be a pair/);
  });
});

const TORCH_SCRIPT = `
import torch, json, sys
names = {"lr": "lr", "momentum": "momentum", "weightDecay": "weight_decay", "nesterov": "nesterov", "betas": "betas",
         "amsgrad": "amsgrad", "eps": "eps", "centered": "centered", "alpha": "alpha", "lrDecay": "lr_decay",
         "initialAccumulatorValue": "initial_accumulator_value", "maximize": "maximize"}
conv = lambda o: {names[k]: (tuple(v) if k == "betas" else v) for k, v in o.items()}
out = {}
for c in json.loads(sys.stdin.read()):
    ps = [torch.tensor(p["data"], dtype=torch.float32).reshape(p["shape"]).requires_grad_() for p in c["params"]]
    groups = [dict(params=ps[:2], **conv(c["groups"][0])), dict(params=ps[2:], **conv(c["groups"][1]))]
    opt = getattr(torch.optim, c["kind"])(groups, **conv(c["defaults"]))
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    for s, gs in enumerate(c["grads"]):
        opt.zero_grad()
        for p, g in zip(ps, gs):
            p.grad = torch.tensor(g, dtype=torch.float32).reshape(p.shape)
        opt.step()
        sched.step()
    out[c["kind"]] = [p.detach().reshape(-1).tolist() for p in ps]
print(json.dumps(out))
`;

const STEPS = 6;

// torch's answers for every optimizer, from one Python process for both backends.
let torchAnswers: Record<Kind, number[][]> | null = null;
function torchAnswer(kind: Kind): number[][] {
  if (!torchAnswers) {
    const input = (Object.keys(CONFIGS) as Kind[]).map((k) => {
      const ps = params(9);
      return {
        kind: k, ...CONFIGS[k],
        params: ps.map((p) => ({ shape: p.shape, data: Array.from(p.data) })),
        grads: Array.from({ length: STEPS }, (_, s) => ps.map((p, i) => Array.from(grad(s, i, p.size)))),
      };
    });
    torchAnswers = torchJson<Record<Kind, number[][]>>(TORCH_SCRIPT, JSON.stringify(input));
  }
  return torchAnswers[kind];
}

noteIfNoTorch('the comparison of param groups with torch.optim');
eachBackend('param groups compared with torch', () => {
  for (const kind of Object.keys(CONFIGS) as Kind[]) {
    it.runIf(haveTorch)(`${kind} with two groups and StepLR, ${STEPS} steps`, () => {
      const { defaults, groups } = CONFIGS[kind];
      const theirs = torchAnswer(kind);
      const ps = params(9);
      const opt = make(kind, [{ params: ps.slice(0, 2), ...groups[0] }, { params: ps.slice(2), ...groups[1] }], defaults);
      train(opt, ps, STEPS, new optim.lrScheduler.StepLR(opt, { stepSize: 2, gamma: 0.5 }));
      ps.forEach((p, i) => p.data.forEach((v, j) => {
        expect(Math.abs(v - theirs[i][j]), `${kind} parameter ${i} [${j}]: ${v} vs torch ${theirs[i][j]}`).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(theirs[i][j])));
      }));
    });
  }
});
