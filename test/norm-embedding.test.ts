// LayerNorm and Embedding against torch 1.13 (outputs and every gradient), their state-dict names,
// save/load, fit with them, and their errors.
import * as path from 'node:path';
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { randomArray, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { scratchDir } from './helpers/scratch';

const lnDir = scratchDir('bp-ln-');

interface NormCase { shape: number[]; normalized: number[]; eps: number; affine: boolean; x: number[]; w: number[]; b: number[] }
interface EmbCase { n: number; dim: number; pad: number | null; idxShape: number[]; idx: number[]; w: number[] }

function normCases(): NormCase[] {
  const r = rng(51);
  // (Not D = 1: there torch's x - mean is off by rounding, ours is exactly 0, as is the true value.)
  const shapes: Array<[number[], number[]]> = [[[4, 5], [5]], [[2, 3, 6], [6]], [[2, 3, 4], [3, 4]], [[1, 7], [7]], [[3, 2], [2]]];
  return shapes.map(([shape, normalized], i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const d = normalized.reduce((a, b) => a * b, 1);
    return {
      shape, normalized, eps: i % 2 ? 1e-3 : 1e-5, affine: i !== 2,
      x: Array.from(randomArray(n, r, -3, 3)).map((v, k) => (i === 3 && k < 3 ? 1 : v)), w: Array.from(randomArray(d, r, 0.5, 1.5)), b: Array.from(randomArray(d, r)),
    };
  });
}

function embCases(): EmbCase[] {
  const r = rng(52);
  return [[6, 3, null, [5]], [5, 4, 1, [2, 3]], [4, 2, -1, [7]]].map(([n, dim, pad, idxShape]) => {
    const count = (idxShape as number[]).reduce((a, b) => a * b, 1);
    return {
      n: n as number, dim: dim as number, pad: pad as number | null, idxShape: idxShape as number[],
      idx: Array.from({ length: count }, () => Math.floor(r() * (n as number))), w: Array.from(randomArray((n as number) * (dim as number), r)),
    };
  });
}

// Upstream gradient 1, 2, 3... so that each output element is weighed apart.
function weights(t: bp.Tensor): bp.Tensor {
  return bp.tensor(Array.from({ length: t.size }, (_, i) => (i % 7) - 3), { shape: t.shape as number[] });
}

function oursNorm(c: NormCase): number[][] {
  const ln = new nn.LayerNorm(c.normalized, { eps: c.eps, elementwiseAffine: c.affine });
  if (c.affine) ln.loadStateDict({ weight: bp.tensor(c.w, { shape: c.normalized }), bias: bp.tensor(c.b, { shape: c.normalized }) });
  const x = bp.tensor(c.x, { shape: c.shape, requiresGrad: true });
  const y = ln.forward(x);
  y.mul(weights(y)).sum().backward();
  return [Array.from(y.data), Array.from(x.grad!.data), ...(c.affine ? [Array.from(ln.weight!.grad!.data), Array.from(ln.bias!.grad!.data)] : [])];
}

function oursEmb(c: EmbCase): number[][] {
  const e = new nn.Embedding(c.n, c.dim, { paddingIdx: c.pad });
  const w = c.w.slice();
  if (e.paddingIdx !== null) w.fill(0, e.paddingIdx * c.dim, (e.paddingIdx + 1) * c.dim);
  e.loadStateDict({ weight: bp.tensor(w, { shape: [c.n, c.dim] }) });
  const y = e.forward(bp.tensor(c.idx, { shape: c.idxShape }));
  y.mul(weights(y)).sum().backward();
  return [Array.from(y.data), Array.from(e.weight.grad!.data)];
}

const TORCH_SCRIPT = `
import torch, json, sys
c = json.loads(sys.stdin.read())
def wts(t): return (torch.arange(t.numel()) % 7 - 3).float().reshape(t.shape)
out = {"norm": [], "emb": []}
for k in c["norm"]:
    ln = torch.nn.LayerNorm(k["normalized"], eps=k["eps"], elementwise_affine=k["affine"])
    if k["affine"]:
        ln.load_state_dict({"weight": torch.tensor(k["w"]).reshape(k["normalized"]), "bias": torch.tensor(k["b"]).reshape(k["normalized"])})
    x = torch.tensor(k["x"]).reshape(k["shape"]).requires_grad_()
    y = ln(x); (y * wts(y)).sum().backward()
    r = [y.detach().reshape(-1).tolist(), x.grad.reshape(-1).tolist()]
    if k["affine"]: r += [ln.weight.grad.reshape(-1).tolist(), ln.bias.grad.reshape(-1).tolist()]
    out["norm"].append(r)
for k in c["emb"]:
    e = torch.nn.Embedding(k["n"], k["dim"], padding_idx=k["pad"])
    w = torch.tensor(k["w"]).reshape(k["n"], k["dim"])
    if e.padding_idx is not None: w[e.padding_idx] = 0
    e.load_state_dict({"weight": w})
    y = e(torch.tensor(k["idx"], dtype=torch.int64).reshape(k["idxShape"])); (y * wts(y)).sum().backward()
    out["emb"].append([y.detach().reshape(-1).tolist(), e.weight.grad.reshape(-1).tolist()])
print(json.dumps(out))
`;

let answers: { norm: number[][][]; emb: number[][][] } | null = null;
function torchAnswers(): { norm: number[][][]; emb: number[][][] } {
  if (!answers) {
    answers = torchJson<{ norm: number[][][]; emb: number[][][] }>(TORCH_SCRIPT, JSON.stringify({ norm: normCases(), emb: embCases() }));
  }
  return answers!;
}

function close(got: number[][], want: number[][], what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((w, k) => w.forEach((v, i) => expect(Math.abs(got[k][i] - v), `${what} output ${k} [${i}]: ${got[k][i]} vs torch ${v}`).toBeLessThanOrEqual(2e-5 * Math.max(1, Math.abs(v)))));
}

noteIfNoTorch('the comparison of LayerNorm and Embedding with torch');
eachBackend('LayerNorm and Embedding', () => {
  it.runIf(haveTorch)('as torch: outputs, input and parameter gradients', () => {
    const t = torchAnswers();
    normCases().forEach((c, i) => close(oursNorm(c), t.norm[i], `LayerNorm case ${i} [${c.shape}] over [${c.normalized}]`));
    embCases().forEach((c, i) => close(oursEmb(c), t.emb[i], `Embedding case ${i} (${c.n}x${c.dim}, pad ${c.pad})`));
  });

  it('state-dict names as torch; save/load rebuilds them; fit trains through them', async () => {
    bp.manualSeed(1);
    const model = new nn.Sequential(new nn.Embedding(10, 4, { paddingIdx: 0 }), new nn.Flatten(1), new nn.LayerNorm(12), new nn.Linear(12, 3));
    expect(Object.keys(model.stateDict())).toEqual(['0.weight', '2.weight', '2.bias', '3.weight', '3.bias']);
    expect(Array.from(model.stateDict()['0.weight'].data.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    const r = rng(3);
    const x = bp.tensor(Array.from({ length: 24 * 3 }, () => Math.floor(r() * 10)), { shape: [24, 3] });
    const y = bp.tensor(Array.from({ length: 24 }, (_, i) => i % 3));
    const h = await bp.fit(model, { x, y }, { loss: new nn.CrossEntropyLoss(), optimizer: new bp.optim.Adam(model.parameters(), { lr: 0.05 }), epochs: 8, batchSize: 8, verbose: false });
    expect(h.loss[7]).toBeLessThan(h.loss[0]);
    expect(Array.from(model.stateDict()['0.weight'].data.subarray(0, 4))).toEqual([0, 0, 0, 0]); // the padding row never moves
    const file = path.join(lnDir, 'm.safetensors');
    bp.save(model, file);
    const back = bp.load(file);
    expect(Array.from(back.forward(x).data)).toEqual(Array.from(model.forward(x).data));
  });

  it('bad arguments and inputs are named', () => {
    expect(() => new nn.LayerNorm([])).toThrow(/LayerNorm: normalizedShape must be a positive integer or a non-empty array/);
    expect(() => new nn.LayerNorm(4).forward(bp.zeros([2, 3]))).toThrow(/LayerNorm: input shape \[2, 3\] does not end with normalizedShape \[4\]/);
    expect(() => new nn.Embedding(3, 2, { paddingIdx: 3 })).toThrow(/Embedding: paddingIdx must be an integer within \[-3, 3\), got 3/);
    expect(() => new nn.Embedding(3, 2).forward(bp.tensor([0, 3]))).toThrow(/Embedding: index 3 at position 1 is out of range \[0, 3\)/);
    expect(() => new nn.Embedding(3, 2).forward(bp.tensor([0.5]))).toThrow(/Embedding: index 0.5 at position 0 is out of range/);
  });
});
