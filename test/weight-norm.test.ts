// nn.utils.weightNorm against torch 1.13's weight_norm: Linear with dim 0, 1 and null, and Conv2d,
// from the same weights: parameter names and order, the output, and the gradients of g, v and the
// bias; removeWeightNorm giving back one parameter of the same value; a training step through fit;
// the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { values } from './helpers/torch_calls';
import { expectLike } from './helpers/torch_ops';

const { weightNorm, removeWeightNorm } = nn.utils;

interface Case { kind: 'linear' | 'conv'; dim: number | null; w: number[]; b: number[]; x: number[] }
const CASES: Case[] = [
  { kind: 'linear', dim: 0, w: values(12, 1), b: values(4, 2), x: values(6, 3) },
  { kind: 'linear', dim: 1, w: values(12, 4), b: values(4, 5), x: values(6, 6) },
  { kind: 'linear', dim: null, w: values(12, 7), b: values(4, 8), x: values(6, 9) },
  { kind: 'conv', dim: 0, w: values(2 * 1 * 3 * 3, 10), b: values(2, 11), x: values(16, 12) },
];

function build(c: Case): nn.Linear | nn.Conv2d {
  const m = c.kind === 'linear' ? new nn.Linear(3, 4) : new nn.Conv2d(1, 2, 3);
  m.weight.data.set(c.w);
  m.bias!.data.set(c.b);
  return m;
}

function ours(c: Case): { names: string[]; y: number[]; grads: number[] } {
  const m = weightNorm(build(c), 'weight', c.dim);
  const x = bp.tensor(c.x, { shape: c.kind === 'linear' ? [2, 3] : [1, 1, 4, 4] });
  const y = m.forward(x);
  y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] })).sum().backward();
  const names = m.namedParameters().map(([k]) => k);
  return { names, y: Array.from(y.data), grads: m.parameters().flatMap((p) => Array.from(p.grad!.data)) };
}

const SCRIPT = `
import torch, json, sys
out = []
for c in json.load(sys.stdin):
    m = torch.nn.Linear(3, 4) if c["kind"] == "linear" else torch.nn.Conv2d(1, 2, 3)
    with torch.no_grad():
        m.weight.copy_(torch.tensor(c["w"]).reshape(m.weight.shape)); m.bias.copy_(torch.tensor(c["b"]))
    m = torch.nn.utils.weight_norm(m, "weight", c["dim"])
    x = torch.tensor(c["x"]).reshape([2, 3] if c["kind"] == "linear" else [1, 1, 4, 4])
    y = m(x)
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"names": [k for k, _ in m.named_parameters()], "y": y.reshape(-1).tolist(), "grads": [v for p in m.parameters() for v in p.grad.reshape(-1).tolist()]})
print(json.dumps(out))
`;

noteIfNoTorch('the comparison of weightNorm with torch');
eachBackend('weightNorm', () => {
  it.runIf(haveTorch)(`${CASES.length} layers as torch's (names, outputs and gradients within 2e-6)`, () => {
    const want = torchJson<{ names: string[]; y: number[]; grads: number[] }[]>(SCRIPT, JSON.stringify(CASES));
    CASES.forEach((c, i) => {
      const got = ours(c);
      expect(got.names, `case ${i}`).toEqual(want[i].names);
      for (const k of ['y', 'grads'] as const) expectLike(got[k], want[i][k], `case ${i} ${k}`, 2e-6);
    });
  });

  it('removeWeightNorm gives the weight back as one parameter; fit trains g and v', async () => {
    const m = weightNorm(build(CASES[0]));
    expect(Object.keys(m.stateDict())).toEqual(['bias', 'weight_g', 'weight_v']);
    const before = Array.from(m.weight.data);
    before.forEach((v, i) => expect(Math.abs(v - CASES[0].w[i])).toBeLessThan(1e-6));
    removeWeightNorm(m);
    expect(m.namedParameters().map(([k]) => k)).toEqual(['bias', 'weight']);
    expect(Array.from(m.weight.data)).toEqual(before);
    expect(m.weight).toBeInstanceOf(nn.Parameter);

    bp.manualSeed(4);
    const model = new nn.Sequential(weightNorm(new nn.Linear(3, 8)), new nn.ReLU(), new nn.Linear(8, 2));
    const g0 = Array.from((model.layers[0] as unknown as { weight_g: bp.Tensor }).weight_g.data);
    const x = bp.randn([16, 3]), y = bp.tensor(Array.from({ length: 16 }, (_, i) => i % 2));
    await bp.fit(model, { x, y }, { loss: new nn.CrossEntropyLoss(), optimizer: new optim.SGD(model.parameters(), { lr: 0.5 }), epochs: 1, batchSize: 8 });
    expect(Array.from((model.layers[0] as unknown as { weight_g: bp.Tensor }).weight_g.data)).not.toEqual(g0);
  });

  it('errors name the module and the parameter', () => {
    expect(() => weightNorm(new nn.ReLU())).toThrow(/^weightNorm\(ReLU\): the module has no parameter 'weight'$/);
    const m = weightNorm(new nn.Linear(2, 2));
    expect(() => weightNorm(m)).toThrow(/^weightNorm\(Linear\): 'weight' already has weight norm$/);
    expect(() => weightNorm(new nn.Linear(2, 2), 'weight', 2)).toThrow(/^weightNorm\(Linear\): dim 2 is out of range/);
    expect(() => removeWeightNorm(new nn.Linear(2, 2))).toThrow(/^removeWeightNorm: weight norm of 'weight' not found in Linear$/);
  });
});
