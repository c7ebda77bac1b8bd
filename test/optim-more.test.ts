// Adamax, NAdam, RAdam, Adadelta, Rprop and ASGD beyond optim-torch.test.ts's short random runs: 30 steps
// of a cubic against torch 1.13 (NAdam's product of coefficients and RAdam's rectified steps over
// many steps; ASGD's average too), a state dict that resumes NAdam exactly, Rprop's step sizes, and the option errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { optim } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

type Make = (p: bp.Tensor[]) => optim.Optimizer;
const RUNS: [string, Make, string][] = [
  ['NAdam', (p) => new optim.NAdam(p, { lr: 0.01, momentumDecay: 0.05, weightDecay: 0.01 }), 'NAdam(p, lr=0.01, momentum_decay=0.05, weight_decay=0.01)'],
  ['RAdam', (p) => new optim.RAdam(p, { lr: 0.01, betas: [0.9, 0.95] }), 'RAdam(p, lr=0.01, betas=(0.9, 0.95))'],
  ['Adamax', (p) => new optim.Adamax(p, { lr: 0.01, maximize: true }), 'Adamax(p, lr=0.01, maximize=True)'],
  ['Adadelta', (p) => new optim.Adadelta(p, { lr: 0.5, rho: 0.8 }), 'Adadelta(p, lr=0.5, rho=0.8)'],
  ['Rprop', (p) => new optim.Rprop(p, { lr: 0.01, etas: [0.4, 1.3], stepSizes: [1e-4, 0.2] }), 'Rprop(p, lr=0.01, etas=(0.4, 1.3), step_sizes=(1e-4, 0.2))'],
  ['ASGD', (p) => new optim.ASGD(p, { lr: 0.004, lambd: 0.05, alpha: 0.6, t0: 5, weightDecay: 0.01 }), 'ASGD(p, lr=0.004, lambd=0.05, alpha=0.6, t0=5, weight_decay=0.01)'],
];
const START = [0.5, -1.2, 2.0, 0.3, -0.7, 1.1, -0.05];
const STEPS = 30;

/** Steps of f(x) = sum(x^3) + 0.3 sum(x) from START; the parameter after each of `steps`. */
function descend(make: Make, steps = STEPS, x = bp.tensor(START, { requiresGrad: true }), opt = make([x])): { x: bp.Tensor; opt: optim.Optimizer } {
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    x.mul(x).mul(x).sum().add(x.sum().mul(0.3)).backward();
    opt.step();
  }
  return { x, opt };
}

const SCRIPT = `
import json, sys, torch
out = []
for ctor in json.load(sys.stdin):
    x = torch.tensor(${JSON.stringify(START)}, requires_grad=True)
    p = [x]
    opt = eval("torch.optim." + ctor)
    for i in range(${STEPS}):
        opt.zero_grad(); ((x * x * x).sum() + x.sum() * 0.3).backward(); opt.step()
    out.append(x.tolist() + (opt.state[x]["ax"].tolist() if "ax" in opt.state[x] else []))
print(json.dumps(out))
`;
let theirs: number[][] | null = null;

noteIfNoTorch('the long runs of Adamax, NAdam, RAdam, Adadelta, Rprop and ASGD against torch.optim');
eachBackend('Adamax, NAdam, RAdam, Adadelta, Rprop, ASGD', () => {
  it.runIf(haveTorch)(`${STEPS} steps of a cubic as torch.optim's`, () => {
    theirs ??= torchJson<number[][]>(SCRIPT, JSON.stringify(RUNS.map((r) => r[2])));
    RUNS.forEach(([name, make], k) => {
      const { x, opt } = descend(make);
      // ASGD's average (torch's state ax) follows the parameter.
      const got = name === 'ASGD' ? [...x.data, ...opt.stateDict().state[0].buffers[0]] : Array.from(x.data);
      expect(got.length, name).toBe(theirs![k].length);
      got.forEach((v, i) => expect(Math.abs(v - theirs![k][i]), `${name}[${i}]: ${v} vs torch ${theirs![k][i]}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(theirs![k][i])));
    });
  });

  it('a state dict resumes each exactly (NAdam past its first steps included)', () => {
    for (const [name, make] of RUNS) {
      const whole = descend(make).x;
      const half = descend(make, STEPS / 2);
      const saved = JSON.parse(JSON.stringify(half.opt.stateDict()));
      const x = bp.tensor(Array.from(half.x.data), { requiresGrad: true });
      const opt = make([x]);
      opt.loadStateDict(saved);
      descend(make, STEPS / 2, x, opt);
      expect(Array.from(x.data), name).toEqual(Array.from(whole.data));
    }
  });

  it("Rprop's step sizes start at the lr of the first step, later lr changes leave them", () => {
    const x = bp.tensor([1, -1], { requiresGrad: true });
    const opt = new optim.Rprop([x], { lr: 0.1 });
    x.sum().backward();
    opt.step();
    expect(Array.from(x.data)).toEqual([Math.fround(0.9), Math.fround(-1.1)]);
    opt.lr = 10;
    opt.zeroGrad();
    x.sum().backward();
    opt.step(); // same signs: each step size 0.1 * 1.2
    expect(Array.from(x.data)).toEqual([Math.fround(Math.fround(0.9) - Math.fround(0.12)), Math.fround(Math.fround(-1.1) - Math.fround(0.12))]);
  });

  it('names the optimizer and the bad option', () => {
    const p = [bp.zeros([2], { requiresGrad: true })];
    expect(() => new optim.NAdam(p, { betas: [1, 0.9] })).toThrow('NAdam: invalid beta parameter at index 0: 1 (must be in [0, 1))');
    expect(() => new optim.NAdam(p, { momentumDecay: -1 })).toThrow(/NAdam: invalid momentum_decay value: -1/);
    expect(() => new optim.RAdam(p, { eps: -1 })).toThrow(/RAdam: invalid epsilon value eps: -1/);
    expect(() => new optim.Adamax(p, { weightDecay: -0.1 })).toThrow(/Adamax: invalid weight_decay value: -0.1/);
    expect(() => new optim.Adamax(p, { amsgrad: true } as never)).toThrow(/Adamax: .*amsgrad/);
    expect(() => new optim.Adadelta(p, { rho: 1.5 })).toThrow('Adadelta: invalid rho value: 1.5 (must be in [0, 1])');
    expect(() => new optim.Rprop(p, { etas: [1.2, 0.5] })).toThrow('Rprop: invalid eta values: 1.2, 0.5 (must be 0 < etaminus < 1 < etaplus)');
    expect(() => new optim.Rprop(p, { stepSizes: [1, 0.5] })).toThrow('Rprop: invalid step sizes: 1, 0.5 (must be 0 <= min <= max)');
    expect(() => new optim.Rprop(p, { etas: 0.5 as never })).toThrow('Rprop: etas must be a pair of numbers, got 0.5');
    expect(() => new optim.RAdam(p, { lr: -1 })).toThrow(/RAdam: invalid learning rate lr: -1/);
    expect(() => new optim.ASGD(p, { lambd: -1 })).toThrow(/ASGD: invalid lambd value: -1/);
    expect(() => new optim.ASGD(p, { alpha: NaN })).toThrow('ASGD: alpha must be a finite number, got NaN');
    expect(() => new optim.ASGD(p, { t0: '5' as never })).toThrow('ASGD: t0 must be a finite number, got "5"');
    expect(() => new optim.ASGD(p, { eps: 1e-8 } as never)).toThrow(/ASGD: .*eps/);
  });
});
