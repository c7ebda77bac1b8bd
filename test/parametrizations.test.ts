// nn.utils.parametrizations (orthogonal, spectralNorm) against torch 1.13. Orthogonal: Linear
// weights wide, tall and square under each map, with and without the trivialization: the first
// weight, the stored tensors and state-dict keys; then, from torch's state (its base's random
// columns), a moved stored tensor's forward, the stored tensor's gradient and the weight; assigning
// an orthogonal matrix. SpectralNorm: Linear, Conv2d (dim 0 and 1), ConvTranspose2d and a 1-D bias,
// from torch's u and v: two training reads (u and v advanced), the gradient, eval. Errors by name.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim, Tensor } from '../lib/index';
import type { OrthogonalMap } from '../lib/nn/parametrizations';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { backendsUnderTest } from './helpers/backends';

const PZ = nn.utils.parametrizations;
type Fields = Record<string, unknown> & { parametrizations: Record<string, { original: bp.nn.Parameter }> };

const ORTHOGONAL = `
import json, sys, torch
import torch.nn as nn
from torch.nn.utils import parametrizations as PZ
out = []
for case in json.load(sys.stdin):
    torch.manual_seed(0)
    fi, fo = case["in"], case["out"]
    m = nn.Linear(fi, fo)
    with torch.no_grad():
        m.weight.copy_(torch.tensor(case["w"], dtype=torch.float32).reshape(fo, fi)); m.bias.copy_(torch.tensor(case["b"], dtype=torch.float32))
    kw = {}
    if case.get("map"): kw["orthogonal_map"] = case["map"]
    if "triv" in case: kw["use_trivialization"] = case["triv"]
    PZ.orthogonal(m, "weight", **kw)
    sd = m.state_dict()
    r = {"keys": list(sd.keys()), "weight0": m.weight.reshape(-1).tolist(), "state": {k: v.reshape(-1).tolist() for k, v in sd.items()}}
    with torch.no_grad():
        m.parametrizations.weight.original.add_(torch.tensor(case["delta"], dtype=torch.float32).reshape(fo, fi))
    y = m(torch.tensor(case["x"], dtype=torch.float32).reshape(2, fi)); (y * y).sum().backward()
    r["y"] = y.reshape(-1).tolist(); r["g"] = m.parametrizations.weight.original.grad.reshape(-1).tolist()
    r["weight1"] = m.weight.reshape(-1).tolist()
    q = torch.tensor(case["q"], dtype=torch.float32).reshape(fo, fi)
    try:
        m.weight = q
        r["assigned"] = m.weight.reshape(-1).tolist(); r["assignedOriginal"] = m.parametrizations.weight.original.reshape(-1).tolist()
    except NotImplementedError as e:
        r["assignError"] = str(e)
    out.append(r)
print(json.dumps(out))
`;

const SPECTRAL = `
import json, sys, torch
import torch.nn as nn
from torch.nn.utils import parametrizations as PZ
out = []
for case in json.load(sys.stdin):
    kind = case["kind"]
    m = nn.Linear(4, 6) if kind == "linear" else nn.Conv2d(2, 3, 2) if kind == "conv" else nn.ConvTranspose2d(2, 3, 2)
    with torch.no_grad():
        m.weight.copy_(torch.tensor(case["w"], dtype=torch.float32).reshape(m.weight.shape)); m.bias.copy_(torch.tensor(case["b"], dtype=torch.float32))
    name = case["name"]
    kw = {}
    if "iters" in case: kw["n_power_iterations"] = case["iters"]
    if "dim" in case: kw["dim"] = case["dim"]
    PZ.spectral_norm(m, name, **kw)
    sd = m.state_dict()
    r = {"keys": list(sd.keys()), "state": {k: v.reshape(-1).tolist() for k, v in sd.items()}, "ys": []}
    x = torch.tensor(case["x"], dtype=torch.float32).reshape(case["xshape"])
    for step in range(2):
        y = m(x); (y * y).sum().backward(); r["ys"].append(y.reshape(-1).tolist())
    r["g"] = getattr(m.parametrizations, name).original.grad.reshape(-1).tolist()
    r["after"] = {k: v.reshape(-1).tolist() for k, v in m.state_dict().items()}
    m.eval(); r["yEval"] = m(x).reshape(-1).tolist()
    out.append(r)
print(json.dumps(out))
`;

const close = (got: ArrayLike<number>, want: number[], tol: number, what: string) => {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) throw new Error(`${what}[${i}]: ${got[i]} against torch's ${want[i]}`);
  }
};

/** torch's state as tensors of our state's shapes. */
const stateOf = (state: Record<string, number[]>, like: Record<string, Tensor>) =>
  Object.fromEntries(Object.entries(state).map(([k, v]) => [k, bp.tensor(v).reshape(like[k].shape)]));

/** An orthogonal matrix of shape [o, i] (orthonormal rows when wide, columns when tall). */
function orthogonalMatrix(o: number, i: number): Tensor {
  const { Q } = bp.linalg.qr(bp.randn(o < i ? [i, o] : [o, i]));
  return (o < i ? Q.transpose(0, 1) : Q).contiguous();
}

noteIfNoTorch('the comparison of nn.utils.parametrizations with torch');
describe('nn.utils.parametrizations', () => {
  it.runIf(haveTorch)('orthogonal as torch\'s: every map, wide, tall and square, with and without the trivialization', () => {
    bp.manualSeed(3);
    const specs: [number, number, OrthogonalMap | undefined, boolean | undefined][] = [
      [5, 3, undefined, undefined], [4, 4, undefined, undefined], [4, 4, 'cayley', undefined], [3, 5, undefined, undefined],
      [4, 4, 'householder', undefined], [5, 3, 'householder', false], [3, 5, 'householder', false], [4, 4, 'matrix_exp', false],
      [5, 3, 'cayley', undefined], [3, 5, 'matrix_exp', undefined], [1, 1, undefined, undefined], [9, 1, undefined, undefined]];
    const cases = specs.map(([i, o, map, triv]) => ({ in: i, out: o, map, triv, w: Array.from(bp.randn([o * i]).data), b: Array.from(bp.randn([o]).data),
      delta: Array.from(bp.randn([o * i]).mul(0.3).data), x: Array.from(bp.randn([2 * i]).data), q: Array.from(orthogonalMatrix(o, i).data) }));
    const want = torchJson<Array<{ keys: string[]; weight0: number[]; state: Record<string, number[]>; y: number[]; g: number[]; weight1: number[];
      assigned?: number[]; assignedOriginal?: number[]; assignError?: string }>>(ORTHOGONAL, JSON.stringify(cases));
    cases.forEach((c, k) => {
      const w = want[k], what = `${c.out}x${c.in} ${c.map ?? 'default'} trivialization ${c.triv ?? true}`;
      const m = new nn.Linear(c.in, c.out);
      m.weight.data.set(c.w);
      (m.bias as Tensor).data.set(c.b);
      const weight = m.weight;
      PZ.orthogonal(m, 'weight', { orthogonalMap: c.map, useTrivialization: c.triv });
      const f = m as unknown as Fields;
      const original = f.parametrizations.weight.original;
      expect(original, `${what}: the weight Parameter stays the stored one`).toBe(weight);
      expect(m.constructor.name).toBe('ParametrizedLinear');
      const sd = m.stateDict();
      expect(Object.keys(sd), what).toEqual(w.keys);
      close((f.weight as Tensor).data, w.weight0, 1e-5, `${what} weight`);
      // The base's extra columns are random where the weight is not square.
      for (const key of w.keys) if (!key.endsWith('base') || c.in === c.out) close(sd[key].data, w.state[key], 1e-5, `${what} ${key}`);
      m.loadStateDict(stateOf(w.state, sd));
      bp.noGrad(() => { original.data.set(original.add(bp.tensor(c.delta).reshape([c.out, c.in])).data); });
      const y = m.forward(bp.tensor(c.x).reshape([2, c.in]));
      y.mul(y).sum().backward();
      close(y.data, w.y, 1e-5, `${what} y`);
      close((original.grad as Tensor).data, w.g, 1e-4, `${what} stored gradient`);
      close((f.weight as Tensor).data, w.weight1, 1e-5, `${what} moved weight`);
      const q = bp.tensor(c.q).reshape([c.out, c.in]);
      if (w.assignError) {
        expect(() => { f.weight = q; }, what).toThrow(/cannot be assigned to the matrix_exp parametrization when useTrivialization is false/);
      } else {
        f.weight = q;
        close((f.weight as Tensor).data, w.assigned as number[], 1e-5, `${what} assigned`);
        close(original.data, w.assignedOriginal as number[], 1e-5, `${what} stored after assigning`);
      }
    });
  });

  it.runIf(haveTorch)('spectralNorm as torch\'s: Linear, Conv2d at dims 0 and 1, ConvTranspose2d, a 1-D bias; training and eval reads', () => {
    bp.manualSeed(5);
    const make = (kind: string) => (kind === 'linear' ? new nn.Linear(4, 6) : kind === 'conv' ? new nn.Conv2d(2, 3, 2) : new nn.ConvTranspose2d(2, 3, 2));
    const specs = [{ kind: 'linear', name: 'weight' }, { kind: 'conv', name: 'weight', iters: 3 }, { kind: 'convT', name: 'weight' },
      { kind: 'linear', name: 'bias' }, { kind: 'conv', name: 'weight', dim: 1 }];
    const cases = specs.map((s) => {
      const m = make(s.kind);
      const xshape = s.kind === 'linear' ? [3, 4] : [1, 2, 4, 4];
      return { ...s, w: Array.from(bp.randn([m.weight.size]).data), b: Array.from(bp.randn([(m.bias as Tensor).size]).data),
        x: Array.from(bp.randn([xshape.reduce((p, q) => p * q, 1)]).data), xshape };
    });
    const want = torchJson<Array<{ keys: string[]; state: Record<string, number[]>; ys: number[][]; g: number[]; after: Record<string, number[]>; yEval: number[] }>>(
      SPECTRAL, JSON.stringify(cases));
    cases.forEach((c, k) => {
      const w = want[k], what = `${c.kind} ${c.name} iterations ${c.iters ?? 1} dim ${c.dim ?? 'default'}`;
      const m = make(c.kind);
      m.weight.data.set(c.w);
      (m.bias as Tensor).data.set(c.b);
      PZ.spectralNorm(m, c.name, { nPowerIterations: c.iters, dim: c.dim });
      const f = m as unknown as Fields;
      const sd = m.stateDict();
      expect(Object.keys(sd), what).toEqual(w.keys);
      // u and v start random (another generator than torch's), as unit vectors.
      for (const key of w.keys.filter((key) => /_[uv]$/.test(key))) expect(sd[key].norm().item(), `${what} ${key}`).toBeCloseTo(1, 5);
      m.loadStateDict(stateOf(w.state, sd));
      const x = bp.tensor(c.x).reshape(c.xshape);
      for (let s = 0; s < 2; s++) {
        const y = m.forward(x);
        y.mul(y).sum().backward();
        close(y.data, w.ys[s], 1e-5, `${what} read ${s}`);
      }
      close((f.parametrizations[c.name].original.grad as Tensor).data, w.g, 1e-4, `${what} stored gradient`);
      const after = m.stateDict();
      for (const key of w.keys) close(after[key].data, w.after[key], 1e-5, `${what} ${key} after two reads`);
      m.eval();
      close(m.forward(x).data, w.yEval, 1e-5, `${what} eval`);
      // eval reads do not advance u and v
      for (const key of w.keys) expect(Array.from(m.stateDict()[key].data), `${what} ${key} after eval`).toEqual(Array.from(after[key].data));
    });
  });

  it('an orthogonal Linear trained by SGD stays orthogonal, on both backends', () => {
    const prev = bp.getBackend();
    for (const backend of backendsUnderTest()) {
      bp.setBackend(backend);
      {
        bp.manualSeed(11);
        const m = PZ.orthogonal(new nn.Linear(6, 4));
        const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
        const x = bp.randn([8, 6]), target = bp.randn([8, 4]);
        let first = 0, last = 0;
        for (let step = 0; step < 30; step++) {
          opt.zeroGrad();
          const loss = m.forward(x).sub(target).pow(2).mean();
          loss.backward();
          opt.step();
          if (step === 0) first = loss.item();
          last = loss.item();
        }
        expect(last, backend).toBeLessThan(first);
        const W = (m as unknown as Fields).weight as Tensor;
        const gram = W.matmul(W.transpose(0, 1)).sub(bp.eye(4)).abs().max().item();
        expect(gram, `${backend}: W W^T - I`).toBeLessThan(1e-5);
      }
    }
    bp.setBackend(prev);
  });

  it('registerParametrization keeps a Parameter of the same shape as the stored one, and honours NotImplementedError', () => {
    class Doubled extends nn.Module {
      forward(x: Tensor): Tensor { return x.mul(2); }
      rightInverse(): Tensor { throw new nn.utils.parametrize.NotImplementedError('no inverse'); }
    }
    const m = new nn.Linear(2, 2);
    const w = m.weight, before = Array.from(w.data);
    nn.utils.parametrize.registerParametrization(m, 'weight', new Doubled());
    const f = m as unknown as Fields;
    expect(f.parametrizations.weight.original).toBe(w);
    expect(Array.from(w.data)).toEqual(before);
    expect(() => { f.weight = bp.zeros([2, 2]); }).toThrow(/no inverse/);
    expect(() => nn.utils.parametrize.registerParametrization(new nn.Linear(2, 2), 'weight', new Doubled(), { unsafe: 'yes' as unknown as boolean }))
      .toThrow(/registerParametrization: option unsafe must be true or false, got "yes"/);
  });

  it('names the bad argument', () => {
    const lin = () => new nn.Linear(3, 2);
    expect(() => PZ.orthogonal(lin(), 'bias')).toThrow(/orthogonal: expected a matrix or a batch of matrices, got a tensor of 1 dimensions \(shape \[2\]\)/);
    expect(() => PZ.orthogonal(lin(), 'nope')).toThrow(/orthogonal: Linear has no parameter or buffer 'nope'/);
    expect(() => PZ.orthogonal(lin(), 'weight', { orthogonalMap: 'qr' as OrthogonalMap })).toThrow(/orthogonalMap must be one of 'matrix_exp', 'cayley', 'householder', got "qr"/);
    expect(() => PZ.orthogonal(lin(), 'weight', { useTrivialization: 1 as unknown as boolean })).toThrow(/option useTrivialization must be true or false, got 1/);
    expect(() => PZ.orthogonal(lin(), 'weight', { map: 'cayley' } as never)).toThrow(/unknown option 'map'/);
    expect(() => PZ.orthogonal({} as nn.Module)).toThrow(/orthogonal: module must be a Module/);
    const m = PZ.orthogonal(lin());
    expect(() => { (m as unknown as Fields).weight = bp.zeros([3, 2]); }).toThrow(/orthogonal: the value assigned must have shape \[2, 3\], got \[3, 2\]/);
    expect(() => PZ.spectralNorm(lin(), 'weight', { nPowerIterations: 0 })).toThrow(/spectralNorm: nPowerIterations must be a positive integer, got 0/);
    expect(() => PZ.spectralNorm(lin(), 'weight', { eps: -1 })).toThrow(/spectralNorm: eps must be a non-negative number, got -1/);
    expect(() => PZ.spectralNorm(lin(), 'weight', { dim: 2 })).toThrow(/dim/);
    expect(() => PZ.spectralNorm(lin(), 'nope')).toThrow(/spectralNorm: Linear has no parameter or buffer 'nope'/);
  });
});
