// nn.utils.spectralNorm against torch 1.13's spectral_norm: Linear (1 and 3 power iterations) and
// ConvTranspose2d (dim 1 by default), u and v copied into torch's buffers: two training forwards (each
// advancing u and v), an eval forward (none), the gradients of weight_orig and the bias, and u and v
// after; names and state dict keys; removeSpectralNorm; the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { values } from './helpers/torch_calls';
import { expectLike } from './helpers/torch_ops';

const { spectralNorm, removeSpectralNorm } = nn.utils;

interface Case { kind: 'linear' | 'convT'; iterations: number; w: number[]; b: number[]; x: number[] }
const CASES: Case[] = [
  { kind: 'linear', iterations: 1, w: values(12, 21), b: values(4, 22), x: values(6, 23) },
  { kind: 'linear', iterations: 3, w: values(12, 24), b: values(4, 25), x: values(6, 26) },
  { kind: 'convT', iterations: 1, w: values(2 * 3 * 2 * 2, 27), b: values(3, 28), x: values(2 * 3 * 3, 29) },
];

type Result = { u0: number[]; v0: number[]; y: number[]; grads: number[]; uv: number[]; names: string[]; keys: string[] };

function ours(c: Case): Result {
  const m = c.kind === 'linear' ? new nn.Linear(3, 4) : new nn.ConvTranspose2d(2, 3, 2);
  m.weight.data.set(c.w);
  m.bias!.data.set(c.b);
  spectralNorm(m, 'weight', { nPowerIterations: c.iterations });
  const buffers = Object.fromEntries(m.namedBuffers());
  const u0 = Array.from(buffers.weight_u.data), v0 = Array.from(buffers.weight_v.data);
  const x = bp.tensor(c.x, { shape: c.kind === 'linear' ? [2, 3] : [1, 2, 3, 3] });
  const y1 = m.forward(x);
  const y2 = m.forward(x);
  y2.mul(bp.tensor(Array.from({ length: y2.size }, (_, i) => (i % 5) - 2), { shape: [...y2.shape] })).sum().backward();
  const y3 = bp.noGrad(() => m.eval().forward(x));
  return {
    u0, v0, y: [...y1.data, ...y2.data, ...y3.data], grads: m.parameters().flatMap((p) => Array.from(p.grad!.data)),
    uv: [...buffers.weight_u.data, ...buffers.weight_v.data], names: m.namedParameters().map(([k]) => k), keys: Object.keys(m.stateDict()),
  };
}

const SCRIPT = `
import torch, json, sys
out = []
for c in json.load(sys.stdin):
    m = torch.nn.Linear(3, 4) if c["kind"] == "linear" else torch.nn.ConvTranspose2d(2, 3, 2)
    with torch.no_grad():
        m.weight.copy_(torch.tensor(c["w"]).reshape(m.weight.shape)); m.bias.copy_(torch.tensor(c["b"]))
    m = torch.nn.utils.spectral_norm(m, "weight", n_power_iterations=c["iterations"])
    with torch.no_grad():
        m.weight_u.copy_(torch.tensor(c["u0"])); m.weight_v.copy_(torch.tensor(c["v0"]))
    x = torch.tensor(c["x"]).reshape([2, 3] if c["kind"] == "linear" else [1, 2, 3, 3])
    y1 = m(x)
    y2 = m(x)
    (y2 * (torch.arange(y2.numel()) % 5 - 2).float().reshape(y2.shape)).sum().backward()
    m.eval()
    with torch.no_grad(): y3 = m(x)
    out.append({"y": torch.cat([y1.reshape(-1), y2.reshape(-1), y3.reshape(-1)]).tolist(), "grads": [v for p in m.parameters() for v in p.grad.reshape(-1).tolist()],
        "uv": m.weight_u.tolist() + m.weight_v.tolist(), "names": [k for k, _ in m.named_parameters()], "keys": list(m.state_dict().keys())})
print(json.dumps(out))
`;

noteIfNoTorch('the comparison of spectralNorm with torch');
eachBackend('spectralNorm', () => {
  it.runIf(haveTorch)(`${CASES.length} layers as torch's (outputs, gradients, u and v within 2e-6)`, () => {
    const got = CASES.map(ours);
    const want = torchJson<Result[]>(SCRIPT, JSON.stringify(CASES.map((c, i) => ({ ...c, u0: got[i].u0, v0: got[i].v0 }))));
    got.forEach((g, i) => {
      expect(g.names, `case ${i}`).toEqual(want[i].names);
      expect(g.keys, `case ${i}`).toEqual(want[i].keys);
      for (const k of ['y', 'grads', 'uv'] as const) expectLike(g[k], want[i][k], `case ${i} ${k}`, 2e-6);
    });
  });

  it('u and v start as unit vectors; removeSpectralNorm leaves one parameter of norm 1 in its largest singular value', () => {
    bp.manualSeed(5);
    const m = spectralNorm(new nn.Linear(6, 5), 'weight', { nPowerIterations: 30 });
    const b = Object.fromEntries(m.namedBuffers());
    expect(Math.abs(b.weight_u.norm().item() - 1)).toBeLessThan(1e-6);
    m.forward(bp.randn([2, 6]));
    removeSpectralNorm(m);
    expect(m.namedParameters().map(([k]) => k)).toEqual(['bias', 'weight']);
    expect(m.namedBuffers()).toEqual([]);
    expect(Math.abs(bp.linalg.svdvals(m.weight).data[0] - 1)).toBeLessThan(1e-4);
  });

  it('errors name the module and the parameter', () => {
    expect(() => spectralNorm(new nn.ReLU())).toThrow(/^spectralNorm\(ReLU\): the module has no parameter 'weight'$/);
    const m = spectralNorm(new nn.Linear(2, 2));
    expect(() => spectralNorm(m)).toThrow(/^spectralNorm\(Linear\): 'weight' already has spectral norm$/);
    expect(() => spectralNorm(new nn.Linear(2, 2), 'weight', { nPowerIterations: -1 })).toThrow(/^spectralNorm\(Linear\): nPowerIterations must be a non-negative integer, got -1$/);
    expect(() => removeSpectralNorm(new nn.Linear(2, 2))).toThrow(/^removeSpectralNorm: spectral norm of 'weight' not found in Linear$/);
  });
});
