// Learning-rate schedulers against torch 1.13's: the lr of each of two param groups (and the
// momentum OneCycleLR cycles) after construction and after every step, for every schedule, chained
// schedules and SequentialLR; plus checks that need no torch (errors, a warm-up's shape).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { optim } from '../lib/index';
import { haveTorch, noteIfNoTorch, PYTHON } from './helpers/torch';

const { lrScheduler: S } = optim;

interface Case {
  name: string;
  optimizer: 'SGD' | 'Adam';
  steps: number;
  /** ReduceLROnPlateau's metric at each step. */
  metrics?: number[];
  /** Our schedulers on the optimizer, stepped in this order. */
  make(o: optim.Optimizer): { step(metric?: number): void }[];
  /** The same in Python (`o` is the optimizer): the schedulers, comma-separated. */
  torch: string;
}

const CASES: Case[] = [
  { name: 'MultiStepLR', optimizer: 'SGD', steps: 10, make: (o) => [new S.MultiStepLR(o, { milestones: [2, 5, 5, 8], gamma: 0.5 })], torch: 'MultiStepLR(o, milestones=[2, 5, 5, 8], gamma=0.5)' },
  { name: 'LambdaLR', optimizer: 'SGD', steps: 8, make: (o) => [new S.LambdaLR(o, { lrLambda: (e) => 0.9 ** e + 1 / (e + 1) })], torch: 'LambdaLR(o, lr_lambda=lambda e: 0.9 ** e + 1 / (e + 1))' },
  { name: 'MultiplicativeLR', optimizer: 'SGD', steps: 8, make: (o) => [new S.MultiplicativeLR(o, { lrLambda: (e) => 1 - 0.05 * e })], torch: 'MultiplicativeLR(o, lr_lambda=lambda e: 1 - 0.05 * e)' },
  { name: 'LinearLR', optimizer: 'Adam', steps: 8, make: (o) => [new S.LinearLR(o, { startFactor: 0.25, totalIters: 4 })], torch: 'LinearLR(o, start_factor=0.25, total_iters=4)' },
  { name: 'LinearLR (default, decaying)', optimizer: 'SGD', steps: 8, make: (o) => [new S.LinearLR(o, { startFactor: 1, endFactor: 0.1, totalIters: 5 })], torch: 'LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=5)' },
  { name: 'ConstantLR', optimizer: 'SGD', steps: 6, make: (o) => [new S.ConstantLR(o, { factor: 0.5, totalIters: 3 })], torch: 'ConstantLR(o, factor=0.5, total_iters=3)' },
  { name: 'PolynomialLR', optimizer: 'SGD', steps: 8, make: (o) => [new S.PolynomialLR(o, { totalIters: 6, power: 2 })], torch: 'PolynomialLR(o, total_iters=6, power=2.0)' },
  {
    name: 'OneCycleLR (SGD momentum, cos)', optimizer: 'SGD', steps: 20,
    make: (o) => [new S.OneCycleLR(o, { maxLr: [1, 0.5], totalSteps: 20 })], torch: 'OneCycleLR(o, max_lr=[1, 0.5], total_steps=20)',
  },
  {
    // 14 steps: torch's 15th extrapolates below zero (tested below).
    name: 'OneCycleLR (Adam beta1, linear, three phases)', optimizer: 'Adam', steps: 14,
    make: (o) => [new S.OneCycleLR(o, { maxLr: 0.01, epochs: 3, stepsPerEpoch: 5, annealStrategy: 'linear', threePhase: true, pctStart: 0.4 })],
    torch: 'OneCycleLR(o, max_lr=0.01, epochs=3, steps_per_epoch=5, anneal_strategy="linear", three_phase=True, pct_start=0.4)',
  },
  {
    name: 'ReduceLROnPlateau (min, rel, cooldown, minLr per group)', optimizer: 'SGD', steps: 14,
    metrics: [1, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85, 0.7999, 0.85, 0.85, 0.85],
    make: (o) => [new S.ReduceLROnPlateau(o, { patience: 2, cooldown: 1, minLr: [0.03, 0.01], factor: 0.5 })],
    torch: 'ReduceLROnPlateau(o, patience=2, cooldown=1, min_lr=[0.03, 0.01], factor=0.5)',
  },
  {
    name: 'ReduceLROnPlateau (max, abs)', optimizer: 'SGD', steps: 10, metrics: [0.5, 0.6, 0.65, 0.66, 0.66, 0.7, 0.705, 0.71, 0.71, 0.71],
    make: (o) => [new S.ReduceLROnPlateau(o, { mode: 'max', thresholdMode: 'abs', threshold: 0.02, patience: 1 })],
    torch: 'ReduceLROnPlateau(o, mode="max", threshold_mode="abs", threshold=0.02, patience=1)',
  },
  {
    name: 'SequentialLR (linear warm-up, then cosine)', optimizer: 'SGD', steps: 12,
    make: (o) => {
      const warm = new S.LinearLR(o, { startFactor: 0.1, totalIters: 3 });
      const cos = new S.CosineAnnealingLR(o, { tMax: 6, etaMin: 0.001 });
      return [new S.SequentialLR(o, { schedulers: [warm, cos], milestones: [3] })];
    },
    torch: 'SequentialLR(o, schedulers=[LinearLR(o, start_factor=0.1, total_iters=3), CosineAnnealingLR(o, T_max=6, eta_min=0.001)], milestones=[3])',
  },
  {
    name: 'SequentialLR (constant, exponential, step)', optimizer: 'Adam', steps: 10,
    make: (o) => {
      const s = [new S.ConstantLR(o, { factor: 0.5, totalIters: 4 }), new S.ExponentialLR(o, { gamma: 0.8 }), new S.StepLR(o, { stepSize: 2, gamma: 0.5 })];
      return [new S.SequentialLR(o, { schedulers: s, milestones: [2, 5] })];
    },
    torch: 'SequentialLR(o, schedulers=[ConstantLR(o, factor=0.5, total_iters=4), ExponentialLR(o, gamma=0.8), StepLR(o, step_size=2, gamma=0.5)], milestones=[2, 5])',
  },
  {
    name: 'CyclicLR triangular, momentum cycled (SGD)', optimizer: 'SGD', steps: 12,
    make: (o) => [new S.CyclicLR(o, { baseLr: [0.01, 0.005], maxLr: [0.1, 0.05], stepSizeUp: 3, stepSizeDown: 2 })],
    torch: 'CyclicLR(o, base_lr=[0.01, 0.005], max_lr=[0.1, 0.05], step_size_up=3, step_size_down=2)',
  },
  {
    name: 'CyclicLR triangular2 without momentum (Adam)', optimizer: 'Adam', steps: 14,
    make: (o) => [new S.CyclicLR(o, { baseLr: 0.001, maxLr: 0.01, stepSizeUp: 2, mode: 'triangular2', cycleMomentum: false })],
    torch: 'CyclicLR(o, base_lr=0.001, max_lr=0.01, step_size_up=2, mode="triangular2", cycle_momentum=False)',
  },
  {
    name: 'CyclicLR expRange and a custom scale by iterations (SGD)', optimizer: 'SGD', steps: 10,
    make: (o) => [new S.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, mode: 'expRange', gamma: 0.9, baseMomentum: 0.7, maxMomentum: 0.95 })],
    torch: 'CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2, mode="exp_range", gamma=0.9, base_momentum=0.7, max_momentum=0.95)',
  },
  {
    name: 'CyclicLR with scaleFn by iterations', optimizer: 'SGD', steps: 8,
    make: (o) => [new S.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3, scaleFn: (x) => 1 / (1 + x), scaleMode: 'iterations' })],
    torch: 'CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations")',
  },
  {
    name: 'CosineAnnealingWarmRestarts (T0 3, TMult 2)', optimizer: 'SGD', steps: 15,
    make: (o) => [new S.CosineAnnealingWarmRestarts(o, { T0: 3, TMult: 2, etaMin: 0.001 })], torch: 'CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001)',
  },
  {
    // The "metrics" are the epochs given to step(epoch): fractional, within and across periods.
    name: 'CosineAnnealingWarmRestarts stepped to given epochs', optimizer: 'Adam', steps: 7, metrics: [0.5, 1.25, 2.9, 3.1, 7.5, 10, 4],
    make: (o) => [new S.CosineAnnealingWarmRestarts(o, { T0: 2, TMult: 3 })], torch: 'CosineAnnealingWarmRestarts(o, T_0=2, T_mult=3)',
  },
  {
    name: 'CosineAnnealingWarmRestarts (TMult 1) stepped to given epochs', optimizer: 'SGD', steps: 4, metrics: [1.5, 4.5, 9, 2],
    make: (o) => [new S.CosineAnnealingWarmRestarts(o, { T0: 4 })], torch: 'CosineAnnealingWarmRestarts(o, T_0=4)',
  },
  {
    name: 'ChainedScheduler (ConstantLR then ExponentialLR)', optimizer: 'SGD', steps: 6,
    make: (o) => [new S.ChainedScheduler([new S.ConstantLR(o, { factor: 0.1, totalIters: 2 }), new S.ExponentialLR(o, { gamma: 0.9 })])],
    torch: 'ChainedScheduler([ConstantLR(o, factor=0.1, total_iters=2), ExponentialLR(o, gamma=0.9)])',
  },
  {
    name: 'chained: LinearLR and ExponentialLR both stepping', optimizer: 'SGD', steps: 8,
    make: (o) => [new S.LinearLR(o, { startFactor: 0.5, totalIters: 4 }), new S.ExponentialLR(o, { gamma: 0.9 })],
    torch: 'LinearLR(o, start_factor=0.5, total_iters=4), ExponentialLR(o, gamma=0.9)',
  },
];

function optimizer(kind: 'SGD' | 'Adam'): optim.Optimizer {
  const a = bp.zeros([2], { requiresGrad: true });
  const b = bp.zeros([3], { requiresGrad: true });
  return kind === 'SGD'
    ? new optim.SGD([{ params: [a], lr: 0.1 }, { params: [b], lr: 0.02 }], { lr: 0.1, momentum: 0.9 })
    : new optim.Adam([{ params: [a], lr: 0.1 }, { params: [b], lr: 0.02 }]);
}

/** Each group's lr and momentum after construction and after each step. */
function ours(c: Case): number[][] {
  const o = optimizer(c.optimizer);
  const scheds = c.make(o);
  const record = () => o.paramGroups.flatMap((g) => [g.lr, c.optimizer === 'SGD' ? g.hyper.momentum : g.hyper.beta1]);
  const out = [record()];
  for (let s = 0; s < c.steps; s++) {
    for (const sc of scheds) sc.step(c.metrics?.[s]);
    out.push(record());
  }
  return out;
}

// One Python process answers every case: each case's block records its lrs and momenta.
const TORCH_SCRIPT = `
import torch, json, warnings
warnings.filterwarnings("ignore")
from torch.optim.lr_scheduler import *
def run(kind, make, steps, metrics):
    a = torch.zeros(2, requires_grad=True); b = torch.zeros(3, requires_grad=True)
    groups = [dict(params=[a], lr=0.1), dict(params=[b], lr=0.02)]
    o = torch.optim.SGD(groups, lr=0.1, momentum=0.9) if kind == "SGD" else torch.optim.Adam(groups)
    scheds = make(o)
    rec = lambda: [v for g in o.param_groups for v in (g["lr"], g["momentum"] if kind == "SGD" else g["betas"][0])]
    out = [rec()]
    for s in range(steps):
        o.step()
        for sc in scheds:
            sc.step(metrics[s]) if metrics else sc.step()
        out.append(rec())
    return out
results = []
${CASES.map((c) => `results.append(run("${c.optimizer}", lambda o: [${c.torch}], ${c.steps}, ${JSON.stringify(c.metrics ?? [])}))`).join('\n')}
print(json.dumps(results))
`;

let torchAnswers: number[][][] | null = null;
function torchAnswer(i: number): number[][] {
  if (!torchAnswers) {
    const res = spawnSync(PYTHON, ['-c', TORCH_SCRIPT], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`torch failed: ${res.stderr}`);
    torchAnswers = JSON.parse(res.stdout) as number[][][];
  }
  return torchAnswers[i];
}

noteIfNoTorch('the comparison of the schedulers with torch.optim.lr_scheduler');
describe.runIf(haveTorch)('schedulers compared with torch', () => {
  CASES.forEach((c, i) => {
    it(c.name, () => {
      const theirs = torchAnswer(i);
      const got = ours(c);
      expect(got.length).toBe(theirs.length);
      theirs.forEach((row, s) => row.forEach((v, k) => {
        expect(Math.abs(got[s][k] - v), `step ${s}, group ${k >> 1} ${k & 1 ? 'momentum' : 'lr'}: ${got[s][k]} vs torch ${v}`).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(v));
      }));
    });
  });
});

describe('schedulers', () => {
  it('a linear warm-up reaches the base lr and stays; SGD without momentum gains one under OneCycleLR and trains', () => {
    const o = optimizer('Adam');
    const warm = new S.LinearLR(o, { startFactor: 0.25, totalIters: 3 });
    const lrs = [o.lr];
    for (let i = 0; i < 5; i++) { warm.step(); lrs.push(o.lr); }
    expect(lrs.map((v) => +v.toFixed(12))).toEqual([0.025, 0.05, 0.075, 0.1, 0.1, 0.1]);
    const p = bp.ones([3], { requiresGrad: true });
    const sgd = new optim.SGD([p], { lr: 0.1 });
    const cycle = new S.OneCycleLR(sgd, { maxLr: 0.5, totalSteps: 4 });
    for (let i = 0; i < 4; i++) {
      sgd.zeroGrad();
      p.mul(p).sum().backward();
      sgd.step();
      cycle.step();
    }
    expect((p.toArray() as number[]).every((v) => Number.isFinite(v) && v < 1)).toBe(true);
    expect(() => cycle.step()).toThrow(/OneCycleLR: tried to step 5 times; totalSteps is 4/);
    const adam = optimizer('Adam');
    const linear = new S.OneCycleLR(adam, { maxLr: 0.01, totalSteps: 6, annealStrategy: 'linear' });
    for (let i = 0; i < 6; i++) linear.step();
    expect(adam.lr).toBeCloseTo(0.01 / 25 / 1e4, 15); // torch's extrapolation is below 0: the final lr is held
  });

  it('bad arguments are named', () => {
    const o = optimizer('SGD');
    expect(() => new S.MultiStepLR(o, { milestones: [1, -2] })).toThrow(/MultiStepLR: milestones must be an array of epoch numbers/);
    expect(() => new S.LinearLR(o, { startFactor: 0 })).toThrow(/LinearLR: startFactor must be in \(0, 1\], got 0/);
    expect(() => new S.LambdaLR(o, { lrLambda: 3 as never })).toThrow(/LambdaLR: lrLambda must be a function/);
    expect(() => new S.OneCycleLR(o, { maxLr: 1 })).toThrow(/OneCycleLR: give totalSteps, or epochs and stepsPerEpoch/);
    expect(() => new S.OneCycleLR(o, { maxLr: [1], totalSteps: 3 })).toThrow(/OneCycleLR: maxLr must be a number or one number per param group \(2\)/);
    expect(() => new S.OneCycleLR(new optim.Adagrad([bp.zeros([1], { requiresGrad: true })]), { maxLr: 1, totalSteps: 3 })).toThrow(/Adagrad has no momentum/);
    expect(() => new S.ReduceLROnPlateau(o, { factor: 1 })).toThrow(/ReduceLROnPlateau: factor must be in \[0, 1\), got 1/);
    expect(() => new S.ReduceLROnPlateau(o, { minLr: [0.1] })).toThrow(/minLr must be a number or one number per param group \(2\)/);
    const warm = new S.LinearLR(o);
    expect(() => new S.SequentialLR(o, { schedulers: [warm], milestones: [2] })).toThrow(/SequentialLR: expected 0 milestones/);
    expect(() => new S.SequentialLR(o, { schedulers: [warm, new S.StepLR(optimizer('SGD'), { stepSize: 1 })], milestones: [2] })).toThrow(/SequentialLR: scheduler 1 steps another optimizer/);
    expect(() => new S.CyclicLR(optimizer('Adam'), { baseLr: 0.1, maxLr: 1 })).toThrow('CyclicLR: the optimizer has no momentum to cycle (SGD and RMSprop have); pass cycleMomentum: false');
    expect(() => new S.CyclicLR(o, { baseLr: [0.1], maxLr: 1 })).toThrow('CyclicLR: baseLr must be a number or one number per param group (2), got [0.1]');
    expect(() => new S.CyclicLR(o, { baseLr: 0.1, maxLr: 1, mode: 'cosine' as never })).toThrow('CyclicLR: mode must be \'triangular\', \'triangular2\' or \'expRange\', got "cosine"');
    expect(() => new S.CyclicLR(o, { baseLr: 0.1, maxLr: 1, stepSizeUp: 0 })).toThrow('CyclicLR: stepSizeUp must be positive, got 0');
    expect(() => new S.CosineAnnealingWarmRestarts(o, { T0: 0 })).toThrow('CosineAnnealingWarmRestarts: T0 must be a positive integer, got 0');
    expect(() => new S.CosineAnnealingWarmRestarts(o, { T0: 2, TMult: 1.5 })).toThrow('CosineAnnealingWarmRestarts: TMult must be an integer of at least 1, got 1.5');
    expect(() => new S.CosineAnnealingWarmRestarts(o, { T0: 2 }).step(-1)).toThrow('CosineAnnealingWarmRestarts: epoch must be a non-negative number, got -1');
    expect(() => new S.ChainedScheduler([])).toThrow('ChainedScheduler: schedulers must be a non-empty array of schedulers (ConstantLR, ExponentialLR...)');
    expect(() => new S.ChainedScheduler([warm, new S.StepLR(optimizer('SGD'), { stepSize: 1 })])).toThrow('ChainedScheduler: scheduler 1 steps another optimizer than scheduler 0');
  });
});
