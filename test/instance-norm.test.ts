// F.batchNorm, F.instanceNorm, nn.InstanceNorm1d/2d/3d, F.localResponseNorm and nn.LocalResponseNorm
// against torch 1.13 (values and gradients of the input, weight and bias, on both backends); the
// running statistics they move in place against torch's; repr; errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall, values } from './helpers/torch_calls';

const x = inputMaker(5700);
const F = nn.functional;

const CALLS: TorchCall[] = [
  { name: 'batchNorm training, weight and bias', inputs: { a: x([4, 3, 5]), w: x([3]), b: x([3]) },
    ours: (t) => F.batchNorm(t.a, null, null, { weight: t.w, bias: t.b, training: true }), py: 'F.batch_norm(a, None, None, w, b, training=True)' },
  { name: 'batchNorm with running statistics (eval)', inputs: { a: x([3, 2]), m: x([2], -1, 1, false), v: x([2], 0.5, 2, false), w: x([2]) },
    ours: (t) => F.batchNorm(t.a, t.m, t.v, { weight: t.w, eps: 1e-3 }), py: 'F.batch_norm(a, m.clone(), v.clone(), w, eps=1e-3)' },
  { name: 'instanceNorm of [N, C, L], weight and bias', inputs: { a: x([2, 3, 6]), w: x([3]), b: x([3]) },
    ours: (t) => F.instanceNorm(t.a, { weight: t.w, bias: t.b }), py: 'F.instance_norm(a, weight=w, bias=b)' },
  { name: 'instanceNorm by running statistics', inputs: { a: x([2, 2, 3, 3]), m: x([2], -1, 1, false), v: x([2], 0.5, 2, false) },
    ours: (t) => F.instanceNorm(t.a, { runningMean: t.m, runningVar: t.v, useInputStats: false }), py: 'F.instance_norm(a, m.clone(), v.clone(), use_input_stats=False)' },
  { name: 'InstanceNorm2d affine', inputs: { a: x([2, 3, 4, 5]) }, ours: (t) => new nn.InstanceNorm2d(3, { affine: true }).forward(t.a), py: 'torch.nn.InstanceNorm2d(3, affine=True)(a)' },
  { name: 'InstanceNorm1d unbatched', inputs: { a: x([3, 7]) }, ours: (t) => new nn.InstanceNorm1d(3).forward(t.a), py: 'torch.nn.InstanceNorm1d(3)(a)' },
  { name: 'InstanceNorm3d', inputs: { a: x([1, 2, 2, 3, 2]) }, ours: (t) => new nn.InstanceNorm3d(2, { eps: 1e-3 }).forward(t.a), py: 'torch.nn.InstanceNorm3d(2, eps=1e-3)(a)' },
  { name: 'localResponseNorm size 3 over [N, C, L]', inputs: { a: x([2, 5, 4]) }, ours: (t) => F.localResponseNorm(t.a, 3, { alpha: 0.5, beta: 0.6, k: 2 }),
    py: 'F.local_response_norm(a, 3, alpha=0.5, beta=0.6, k=2.0)' },
  { name: 'LocalResponseNorm size 2 over [N, C, H, W]', inputs: { a: x([1, 4, 3, 2]) }, ours: (t) => new nn.LocalResponseNorm(2, { alpha: 0.1 }).forward(t.a),
    py: 'torch.nn.LocalResponseNorm(2, alpha=0.1)(a)' },
];

const RUNNING_SCRIPT = `
import json, sys, torch
import torch.nn.functional as F
a = torch.tensor(json.load(sys.stdin)).reshape(3, 2, 4)
out = []
m, v = torch.zeros(2), torch.ones(2)
F.batch_norm(a, m, v, training=True, momentum=0.3); out += [m.tolist(), v.tolist()]
n = torch.nn.InstanceNorm1d(2, track_running_stats=True, momentum=0.2)
n(a); n(a * 2); out += [n.running_mean.tolist(), n.running_var.tolist()]
n.eval(); out.append(n(a).reshape(-1).tolist())
print(json.dumps(out))
`;

noteIfNoTorch('the normalizations against torch');
eachBackend('batch, instance and local response normalization', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's, gradients of input, weight and bias`, () => expectCallsLikeTorch(CALLS, 1e-5));

  it.runIf(haveTorch)('moves the running statistics as torch does', () => {
    const data = values(24, 77);
    const want = torchJson<number[][]>(RUNNING_SCRIPT, JSON.stringify(data));
    const a = bp.tensor(data, { shape: [3, 2, 4] });
    const m = bp.zeros([2]), v = bp.ones([2]);
    F.batchNorm(a, m, v, { training: true, momentum: 0.3 });
    const n = new nn.InstanceNorm1d(2, { trackRunningStats: true, momentum: 0.2 });
    n.forward(a);
    n.forward(a.mul(2));
    n.eval();
    const got = [Array.from(m.data), Array.from(v.data), Array.from(n.running_mean.data), Array.from(n.running_var.data), Array.from(n.forward(a).data)];
    got.forEach((g, i) => g.forEach((u, k) => expect(Math.abs(u - want[i][k]), `${i}[${k}]: ${u} vs ${want[i][k]}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[i][k])))));
  });

  it("prints torch's repr", () => {
    expect(new nn.InstanceNorm2d(3).toString()).toBe('InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)');
    expect(new nn.LocalResponseNorm(2).toString()).toBe('LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)');
    expect(new nn.InstanceNorm1d(3, { trackRunningStats: true }).stateDict()).toHaveProperty('running_var');
    // No affine and no running statistics: another channel count is taken, as torch takes it (with a warning).
    expect(new nn.InstanceNorm1d(3).forward(bp.randn([2, 4, 5])).shape).toEqual([2, 4, 5]);
  });

  it('names the function and what was wrong', () => {
    const a = bp.randn([2, 3, 4]);
    expect(() => F.batchNorm(a, null, null)).toThrow('batchNorm: without training, runningMean and runningVar must be given');
    expect(() => F.batchNorm(a, bp.zeros([2]), bp.ones([3]))).toThrow('batchNorm: runningMean must be [3] (one per channel), got shape [2]');
    expect(() => F.batchNorm(bp.randn([1, 3]), null, null, { training: true })).toThrow('batchNorm: expected more than 1 value per channel when training, got input shape [1, 3]');
    expect(() => F.instanceNorm(bp.randn([2, 3]))).toThrow('instanceNorm: input must be [N, C, ...] with at least one position, got shape [2, 3]');
    expect(() => F.instanceNorm(a, { weight: bp.ones([4]) })).toThrow('instanceNorm: weight must be [3] (one per channel), got shape [4]');
    expect(() => F.instanceNorm(a, { useInputStats: false })).toThrow('instanceNorm: without useInputStats, runningMean and runningVar must be given');
    expect(() => new nn.InstanceNorm2d(3, { affine: true }).forward(bp.randn([3, 4]))).toThrow('InstanceNorm2d: expected input of 4 dims [N, 3, ...] or 3 dims [3, ...], got shape [3, 4]');
    expect(() => new nn.InstanceNorm1d(4, { affine: true }).forward(a)).toThrow('InstanceNorm1d: expected 4 channels (numFeatures), got 3 in shape [2, 3, 4]');
    expect(() => new nn.InstanceNorm1d(3, { momentum: 2 })).toThrow('InstanceNorm1d: momentum must be in [0, 1], got 2');
    expect(() => F.localResponseNorm(a, 0)).toThrow('localResponseNorm: size must be a positive integer, got 0');
    expect(() => F.localResponseNorm(bp.randn([2, 3]), 2)).toThrow('localResponseNorm: input must be [N, C, ...] with at least 3 dims, got shape [2, 3]');
  });
});
