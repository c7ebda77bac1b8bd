// nn.AdaptiveLogSoftmaxWithLoss against torch 1.13 with the same weights (its state dict loaded into
// torch's module): the targets' log-probabilities, the loss, the gradients of the input and of every
// weight, logProb and predict, batched and one sample, head bias or not; its printed form; the errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

interface Setup { inFeatures: number; nClasses: number; cutoffs: number[]; divValue: number; headBias: boolean; targets: number[] }
const SETUPS: Setup[] = [
  { inFeatures: 16, nClasses: 20, cutoffs: [5, 12], divValue: 2, headBias: false, targets: [0, 4, 5, 11, 12, 19, 3, 7, 15] },
  { inFeatures: 9, nClasses: 10, cutoffs: [3], divValue: 4, headBias: true, targets: [9, 0, 2, 3, 3] },
  // No target in the second cluster: its tail runs on no row (and gets no gradient).
  { inFeatures: 8, nClasses: 12, cutoffs: [4, 8], divValue: 2, headBias: false, targets: [1, 5, 6] },
];

const SCRIPT = `
import json, sys, torch
out = []
for c in json.load(sys.stdin):
    m = torch.nn.AdaptiveLogSoftmaxWithLoss(c["inFeatures"], c["nClasses"], c["cutoffs"], div_value=c["divValue"], head_bias=c["headBias"])
    m.load_state_dict({k: torch.tensor(v["data"]).reshape(v["shape"]) for k, v in c["state"].items()})
    x = torch.tensor(c["x"]).reshape(len(c["targets"]), c["inFeatures"]).requires_grad_()
    o, loss = m(x, torch.tensor(c["targets"]))
    (loss * 3 + o[0]).backward()
    one = m(x[1].detach(), torch.tensor(c["targets"][1]))
    out.append({"output": o.tolist(), "loss": loss.item(), "gx": x.grad.reshape(-1).tolist(),
                "grads": {k: (p.grad.reshape(-1).tolist() if p.grad is not None else None) for k, p in m.named_parameters()},
                "logProb": m.log_prob(x.detach()).reshape(-1).tolist(), "predict": m.predict(x.detach()).tolist(), "one": one.output.item(), "print": str(m)})
print(json.dumps(out))
`;

function build(s: Setup): { m: nn.AdaptiveLogSoftmaxWithLoss; x: bp.Tensor } {
  bp.manualSeed(s.inFeatures);
  const m = new nn.AdaptiveLogSoftmaxWithLoss(s.inFeatures, s.nClasses, s.cutoffs, { divValue: s.divValue, headBias: s.headBias });
  const x = bp.randn([s.targets.length, s.inFeatures], { requiresGrad: true });
  return { m, x };
}

const near = (ours: ArrayLike<number>, theirs: number[], what: string) => {
  expect(ours.length, what).toBe(theirs.length);
  theirs.forEach((v, i) => expect(Math.abs(ours[i] - v), `${what}[${i}]: ${ours[i]} vs ${v}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(v))));
};

noteIfNoTorch('the comparison of AdaptiveLogSoftmaxWithLoss with torch');
eachBackend('AdaptiveLogSoftmaxWithLoss', () => {
  it.runIf(haveTorch)('gives torch\'s log-probabilities, loss, gradients, logProb and predict with the same weights', () => {
    const wire = SETUPS.map((s) => {
      const { m, x } = build(s);
      const state = Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.data) }]));
      return { ...s, state, x: Array.from(x.data) };
    });
    const want = torchJson<{ output: number[]; loss: number; gx: number[]; grads: Record<string, number[] | null>; logProb: number[]; predict: number[]; one: number; print: string }[]>(SCRIPT, JSON.stringify(wire));
    SETUPS.forEach((s, k) => {
      const { m, x } = build(s);
      const target = bp.tensor(s.targets);
      const { output, loss } = m.forwardWithLoss(x, target);
      near(output.data, want[k].output, 'output');
      near([loss.item()], [want[k].loss], 'loss');
      loss.mul(3).add(output.narrow(0, 0, 1).sum()).backward();
      near(x.grad!.data, want[k].gx, 'input gradient');
      for (const [name, p] of m.namedParameters()) {
        const g = want[k].grads[name];
        if (g === null) expect(p.grad, `${name} has no gradient in torch`).toBe(null);
        else near(p.grad!.data, g, `${name} gradient`);
      }
      const x0 = x.detach();
      near(m.logProb(x0).data, want[k].logProb, 'logProb');
      expect(Array.from(m.predict(x0).data)).toEqual(want[k].predict);
      const one = m.forward(x0.select(0, 1), bp.tensor(s.targets[1]));
      expect(one.shape).toEqual([]);
      near([one.item()], [want[k].one], 'one sample');
      expect(String(m)).toBe(want[k].print);
    });
  });
});

describe('AdaptiveLogSoftmaxWithLoss errors', () => {
  it('names what is wrong', () => {
    const m = new nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 6]);
    expect(() => new nn.AdaptiveLogSoftmaxWithLoss(4, 10, [6, 3])).toThrow(/^AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, each in \[1, nClasses - 1\] \(9\), got \[6, 3\]$/);
    expect(() => new nn.AdaptiveLogSoftmaxWithLoss(4, 10, [10])).toThrow(/cutoffs should be/);
    expect(() => new nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3], { divValue: 0 })).toThrow('AdaptiveLogSoftmaxWithLoss: divValue must be a positive number, got 0');
    expect(() => new nn.AdaptiveLogSoftmaxWithLoss(0, 10, [3])).toThrow('AdaptiveLogSoftmaxWithLoss: inFeatures must be a positive integer, got 0');
    expect(() => m.forward(bp.zeros([2, 4]), bp.tensor([1, 10]))).toThrow('AdaptiveLogSoftmaxWithLoss: target values should be in [0, 9], got 10 at position 1');
    expect(() => m.forward(bp.zeros([2, 4]), bp.tensor([1]))).toThrow('AdaptiveLogSoftmaxWithLoss: input and target should have the same size in the batch dimension, got 2 and 1');
    expect(() => m.forward(bp.zeros([2, 5]), bp.tensor([1, 2]))).toThrow('AdaptiveLogSoftmaxWithLoss: input has 5 features, expected 4');
    expect(() => m.forward(bp.zeros([2, 4, 1]), bp.tensor([1, 2]))).toThrow(/^AdaptiveLogSoftmaxWithLoss: expects input \[batch, 4\] with target \[batch\]/);
    expect(() => m.logProb(bp.zeros([3]))).toThrow('AdaptiveLogSoftmaxWithLoss.logProb: expects input [batch, 4] or [4], got [3]');
  });
});
