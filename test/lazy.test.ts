// Lazy modules (torch.nn.LazyLinear ... LazyInstanceNorm3d): printed as torch 1.13 prints them before
// and after the first forward; after it, the real module with the parameters a module built then
// would have drawn, running its own forward (and the fused paths that look for its class); hooks and
// eval mode set before it kept; parameters() and stateDict() before it refused with the reason.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim, Tensor } from '../lib/index';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

/** Each lazy module: ours, torch's constructor, an input, and the real module a build at its features gives. */
const CASES: [string, () => nn.Module, string, number[], (n: number) => nn.Module][] = [
  ['LazyLinear', () => new nn.LazyLinear(4), 'nn.LazyLinear(4)', [5, 3], (n) => new nn.Linear(n, 4)],
  ['LazyLinear without bias, 3-D input', () => new nn.LazyLinear(2, { bias: false }), 'nn.LazyLinear(2, bias=False)', [2, 5, 6], (n) => new nn.Linear(n, 2, { bias: false })],
  ['LazyConv1d', () => new nn.LazyConv1d(4, 3, { padding: 1 }), 'nn.LazyConv1d(4, 3, padding=1)', [2, 3, 9], (n) => new nn.Conv1d(n, 4, 3, { padding: 1 })],
  ['LazyConv2d, groups, unbatched', () => new nn.LazyConv2d(4, 3, { groups: 2, stride: 2 }), 'nn.LazyConv2d(4, 3, groups=2, stride=2)', [6, 7, 7], (n) => new nn.Conv2d(n, 4, 3, { groups: 2, stride: 2 })],
  ['LazyConv3d', () => new nn.LazyConv3d(2, 2), 'nn.LazyConv3d(2, 2)', [1, 3, 4, 4, 4], (n) => new nn.Conv3d(n, 2, 2)],
  ['LazyConvTranspose1d', () => new nn.LazyConvTranspose1d(3, 2, { stride: 2 }), 'nn.LazyConvTranspose1d(3, 2, stride=2)', [2, 4, 5], (n) => new nn.ConvTranspose1d(n, 3, 2, { stride: 2 })],
  ['LazyConvTranspose2d', () => new nn.LazyConvTranspose2d(3, 3), 'nn.LazyConvTranspose2d(3, 3)', [1, 2, 4, 4], (n) => new nn.ConvTranspose2d(n, 3, 3)],
  ['LazyConvTranspose3d', () => new nn.LazyConvTranspose3d(2, 2), 'nn.LazyConvTranspose3d(2, 2)', [1, 3, 2, 2, 2], (n) => new nn.ConvTranspose3d(n, 2, 2)],
  ['LazyBatchNorm1d', () => new nn.LazyBatchNorm1d(), 'nn.LazyBatchNorm1d()', [6, 5], (n) => new nn.BatchNorm1d(n)],
  ['LazyBatchNorm2d, no affine', () => new nn.LazyBatchNorm2d({ affine: false, momentum: 0.2 }), 'nn.LazyBatchNorm2d(affine=False, momentum=0.2)', [3, 4, 2, 2], (n) => new nn.BatchNorm2d(n, { affine: false, momentum: 0.2 })],
  ['LazyBatchNorm3d', () => new nn.LazyBatchNorm3d(), 'nn.LazyBatchNorm3d()', [2, 3, 2, 2, 2], (n) => new nn.BatchNorm3d(n)],
  ['LazyInstanceNorm1d', () => new nn.LazyInstanceNorm1d(), 'nn.LazyInstanceNorm1d()', [2, 3, 8], (n) => new nn.InstanceNorm1d(n, { affine: true, trackRunningStats: true })],
  ['LazyInstanceNorm2d', () => new nn.LazyInstanceNorm2d({ affine: false }), 'nn.LazyInstanceNorm2d(affine=False)', [2, 3, 4, 4], (n) => new nn.InstanceNorm2d(n, { affine: false, trackRunningStats: true })],
  ['LazyInstanceNorm3d', () => new nn.LazyInstanceNorm3d(), 'nn.LazyInstanceNorm3d()', [1, 2, 3, 3, 3], (n) => new nn.InstanceNorm3d(n, { affine: true, trackRunningStats: true })],
];

const SCRIPT = `
import json, warnings, torch
import torch.nn as nn
warnings.simplefilter("ignore")
out = []
for ctor, shape in json.loads(input()):
    m = eval(ctor)
    before = str(m)
    m(torch.zeros(shape))
    out.append([before, str(m)])
print(json.dumps(out))
`;

const seeded = <T>(seed: number, f: () => T): T => {
  bp.manualSeed(seed);
  return f();
};

noteIfNoTorch('the comparison of the lazy modules\' printed forms with torch');
describe('lazy modules', () => {
  it.runIf(haveTorch)('print as torch\'s before the first forward and as the real module after', () => {
    const want = torchJson<[string, string][]>(SCRIPT, JSON.stringify(CASES.map(([, , py, shape]) => [py, shape])));
    CASES.forEach(([name, make, , shape], k) => {
      const m = make();
      expect(String(m), name).toBe(want[k][0]);
      m.forward(bp.zeros(shape));
      expect(String(m), name).toBe(want[k][1]);
    });
  });

  it('after the first forward: the real module, its parameters those a build at that moment draws, its forward the same bits', () => {
    for (const [name, make, , shape, real] of CASES) {
      const x = seeded(9, () => bp.randn(shape));
      const lazy = seeded(3, make);
      const y = seeded(3, () => lazy.forward(x));
      const features = name.startsWith('LazyLinear') ? shape[shape.length - 1] : name.includes('unbatched') ? shape[0] : shape[1];
      const ref = seeded(3, () => real(features));
      // The same forward (a batch norm's running statistics updated alike), then the same state.
      expect(Array.from(y.data), name).toEqual(Array.from(ref.forward(x).data));
      expect(Object.getPrototypeOf(lazy), name).toBe(Object.getPrototypeOf(ref));
      expect(Object.keys(lazy.stateDict()), name).toEqual(Object.keys(ref.stateDict()));
      for (const [k, v] of Object.entries(ref.stateDict())) expect(Array.from(lazy.stateDict()[k].data), `${name} ${k}`).toEqual(Array.from(v.data));
    }
  });

  it('keeps hooks and eval mode set before the first forward, runs as a Sequential of the layers it became, and an optimizer made after the dry run trains it', () => {
    const seen: number[][] = [];
    const lazy = new nn.LazyLinear(3);
    lazy.registerForwardHook((_m, _i, out) => { seen.push([...out.shape]); });
    const bn = new nn.LazyBatchNorm1d();
    const model = new nn.Sequential(lazy, new nn.ReLU(), bn, new nn.LazyLinear(1));
    model.eval();
    const x = seeded(5, () => bp.randn([8, 6]));
    model.forward(x);
    expect(seen).toEqual([[8, 3]]);
    expect(bn.training).toBe(false);
    expect(Array.from((bn as unknown as nn.BatchNorm1d).stateDict().running_mean.data)).toEqual([0, 0, 0]); // eval: statistics untouched
    model.train();
    const plain = new nn.Sequential(...(model.layers as nn.Module[]));
    expect(Array.from(model.forward(x).data)).toEqual(Array.from(plain.forward(x).data));
    const y = bp.randn([8, 1]);
    const opt = new optim.SGD(model.parameters(), { lr: 0.05 });
    const loss = () => model.forward(x).sub(y).square().mean();
    const before = loss().item();
    for (let i = 0; i < 20; i++) {
      opt.zeroGrad();
      loss().backward();
      opt.step();
    }
    expect(loss().item()).toBeLessThan(before);
  });

  it('loadStateDict makes each lazy module from the shapes it finds, then loads the values, as torch\'s lazy load hook', () => {
    bp.manualSeed(14);
    const real = new nn.Sequential(new nn.Conv2d(6, 4, 3, { groups: 2 }), new nn.BatchNorm2d(4), new nn.ConvTranspose2d(4, 2, 2), new nn.Flatten(), new nn.Linear(2 * 6 * 6, 3));
    const lazy = new nn.Sequential(new nn.LazyConv2d(4, 3, { groups: 2 }), new nn.LazyBatchNorm2d(), new nn.LazyConvTranspose2d(2, 2), new nn.Flatten(), new nn.LazyLinear(3));
    const result = lazy.loadStateDict(real.stateDict());
    expect(result.missingKeys).toEqual([]);
    expect(String(lazy)).toBe(String(real));
    for (const [k, v] of Object.entries(real.stateDict())) expect(Array.from(lazy.stateDict()[k].data), k).toEqual(Array.from(v.data));
    const x = bp.randn([2, 6, 7, 7]);
    real.eval();
    lazy.eval();
    expect(Array.from(lazy.forward(x).data)).toEqual(Array.from(real.forward(x).data));
  });

  it('refuses to list parameters or a state dict before the first forward, and names bad inputs', () => {
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.LazyConv2d(3, 3));
    const why = "is LazyConv2d's uninitialized parameter, which its first forward makes: run a batch through the model first (torch's dry run)";
    expect(() => model.parameters()).toThrow(`parameters: '1.weight' ${why}`);
    expect(() => model.stateDict()).toThrow(`stateDict: '1.weight' ${why}`);
    expect(() => model.loadStateDict({})).toThrow(`stateDict: '1.weight' ${why}`);
    expect(() => new optim.Adam(model.parameters())).toThrow(/uninitialized parameter/);
    expect(new nn.LazyBatchNorm1d({ affine: false }).parameters()).toEqual([]);
    expect(() => new nn.LazyConv2d(3, 3).forward(bp.zeros([2, 3]))).toThrow('LazyConv2d: expected a 3-D (unbatched) or 4-D (batched) input, got shape [2, 3]');
    expect(() => new nn.LazyLinear(3).forward(bp.tensor(1))).toThrow('LazyLinear: expects an input of at least 1 dim (its last is the features), got a 0-d tensor');
    expect(() => new nn.LazyBatchNorm2d().forward(bp.zeros([2, 3]))).toThrow('LazyBatchNorm2d: expected a 4-D input, got shape [2, 3]');
    expect(() => new nn.LazyLinear(3).forward('x' as unknown as Tensor)).toThrow(/^LazyLinear: /);
    expect(() => new nn.LazyConv2d(3, 0)).toThrow(/kernelSize/);
    expect(() => new nn.LazyLinear(-1)).toThrow('Linear: outFeatures must be a non-negative integer, got -1');
  });
});
