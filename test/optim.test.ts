// Optimizer state round trips: 5 steps, save state, load into a fresh optimizer, continue -> identical
// to uninterrupted training. And clipping by value.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim } from '../lib/index';
import { eachBackend } from './helpers/backends';

type Make = (p: bp.Tensor[]) => optim.Optimizer;
const makers: Record<string, Make> = {
  'SGD momentum nesterov': (p) => new optim.SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
  'Adam amsgrad': (p) => new optim.Adam(p, { lr: 0.01, amsgrad: true }),
  AdamW: (p) => new optim.AdamW(p, { lr: 0.01 }),
  'RMSprop centered momentum': (p) => new optim.RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 }),
  Adagrad: (p) => new optim.Adagrad(p, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 }),
};

function setup(): { model: nn.Sequential; x: bp.Tensor; y: number[] } {
  bp.manualSeed(11);
  const model = new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU(), new nn.Linear(8, 3));
  return { model, x: bp.randn([10, 6]), y: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0] };
}

function trainSteps(model: nn.Module, opt: optim.Optimizer, x: bp.Tensor, y: number[], n: number): void {
  const lossFn = new nn.CrossEntropyLoss();
  for (let i = 0; i < n; i++) {
    opt.zeroGrad();
    lossFn.forward(model.forward(x), y).backward();
    opt.step();
  }
}

eachBackend('optimizer state', () => {
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: save after 5 steps, resume in a fresh optimizer, identical to uninterrupted`, () => {
      const a = setup();
      const optA = make(a.model.parameters());
      trainSteps(a.model, optA, a.x, a.y, 10);

      const b = setup();
      const optB = make(b.model.parameters());
      trainSteps(b.model, optB, b.x, b.y, 5);
      const saved = JSON.parse(JSON.stringify(optB.stateDict()));
      const weights = b.model.stateDict();
      const c = setup();
      c.model.loadStateDict(weights);
      const optC = make(c.model.parameters());
      optC.loadStateDict(saved);
      trainSteps(c.model, optC, c.x, c.y, 5);

      const want = a.model.stateDict();
      const got = c.model.stateDict();
      for (const k of Object.keys(want)) expect(Array.from(got[k].data), k).toEqual(Array.from(want[k].data));
    });
  }

  it('loadStateDict refuses state of another size', () => {
    const o = new optim.Adam([new nn.Parameter(bp.zeros([2]))]);
    expect(() => o.loadStateDict({ state: [], hyper: {} })).toThrow(/state has 0 parameters, the optimizer has 1/);
  });

  it('clipGradValue clamps each element', () => {
    const p = new nn.Parameter(bp.zeros([4]));
    p.grad = bp.tensor([-3, -0.5, 0.5, 3]);
    bp.clipGradValue([p], 1);
    expect(Array.from(p.grad.data)).toEqual([-1, -0.5, 0.5, 1]);
  });

  it('lr is read/write and parameters without a gradient are skipped', () => {
    const p = new nn.Parameter(bp.ones([2]));
    const q = new nn.Parameter(bp.ones([2]));
    const o = new optim.SGD([p, q], { lr: 0.1 });
    o.lr = 0.5;
    p.grad = bp.ones([2]);
    o.step();
    expect(Array.from(p.data)).toEqual([0.5, 0.5]);
    expect(Array.from(q.data)).toEqual([1, 1]);
  });
});

eachBackend('gradient clipping at non-finite norms', () => {
  it('clipGradNorm: a NaN norm makes every gradient NaN and an infinite one zeroes the finite ones, as PyTorch', () => {
    // torch.nn.utils.clip_grad_norm_ on grads [nan, 1]: returns nan, grads [nan, nan]; on [inf, 1]:
    // returns inf, grads [nan, 0].
    const p = new nn.Parameter(bp.tensor([1, 2]));
    p.grad = bp.tensor([NaN, 1]);
    expect(bp.clipGradNorm([p], 1)).toBeNaN();
    expect(Array.from(p.grad.data).every(Number.isNaN)).toBe(true);
    p.grad = bp.tensor([Infinity, 1]);
    expect(bp.clipGradNorm([p], 1)).toBe(Infinity);
    const g = Array.from(p.grad.data);
    expect(g[0]).toBeNaN();
    expect(g[1]).toBe(0);
  });
});

it('schedulers scale the lr in force, as PyTorch: a hand-set lr carries on, and two schedulers compose', () => {
  // Expected values printed by torch 1.13 (torch.optim.lr_scheduler, SGD lr 1; the lr set to 0.3
  // by hand after the second step, or StepLR(2, 0.5) and ExponentialLR(0.9) stepped together).
  const p = [new nn.Parameter(bp.zeros([1]))];
  const run = (make: (o: optim.Optimizer) => Array<{ step(): void }>, handSet: boolean, epochs: number): number[] => {
    const opt = new optim.SGD(p, { lr: 1 });
    const scheds = make(opt);
    const lrs: number[] = [];
    for (let e = 0; e < epochs; e++) {
      for (const s of scheds) s.step();
      if (handSet && e === 1) opt.lr = 0.3;
      lrs.push(opt.lr);
    }
    return lrs;
  };
  const close = (got: number[], want: number[]) => got.forEach((v, i) => expect(v, `epoch ${i + 1}`).toBeCloseTo(want[i], 12));
  close(run((o) => [new bp.lrScheduler.StepLR(o, { stepSize: 2, gamma: 0.5 })], true, 6), [1, 0.3, 0.3, 0.15, 0.15, 0.075]);
  close(run((o) => [new bp.lrScheduler.ExponentialLR(o, { gamma: 0.5 })], true, 6), [0.5, 0.3, 0.15, 0.075, 0.0375, 0.01875]);
  close(run((o) => [new bp.lrScheduler.CosineAnnealingLR(o, { tMax: 4, etaMin: 0.01 })], true, 6),
    [0.855017856687341, 0.3, 0.09493903345590123, 0.01, 0.15498214331265897, 0.5050000000000001]);
  close(run((o) => [new bp.lrScheduler.StepLR(o, { stepSize: 2, gamma: 0.5 }), new bp.lrScheduler.ExponentialLR(o, { gamma: 0.9 })], false, 5),
    [0.9, 0.405, 0.36450000000000005, 0.164025, 0.14762250000000005]);
});
