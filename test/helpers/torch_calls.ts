// Calls compared with torch by expression: each case names its input tensors, computes a tensor from
// them with the library (ours) and with torch (py, a Python expression over the same names, torch and
// F); the tests compare the values and every gradient-requiring input's gradient of the sum of the
// output weighted by (i % 5) - 2.
import { expect } from 'vitest';
import * as bp from '../../lib/index';
import { Tensor } from '../../lib/index';
import { torchJson } from './torch';

/** Deterministic values in [lo, hi), float32. */
export function values(n: number, seed: number, lo = -2, hi = 2): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(lo + ((hi - lo) * s) / 2 ** 32);
  });
}

export interface CallInput { shape: number[]; data: number[]; grad: boolean }
export interface TorchCall { name: string; inputs: Record<string, CallInput>; ours: (t: Record<string, Tensor>) => Tensor; py: string }

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Inputs of deterministic values, each call to `input` drawing new ones. */
export function inputMaker(firstSeed = 1): (shape: number[], lo?: number, hi?: number, grad?: boolean) => CallInput {
  let seed = firstSeed;
  return (shape, lo = -2, hi = 2, grad = true) => ({ shape, data: values(size(shape), seed++, lo, hi), grad });
}

const SCRIPT = `
import sys, json, math, torch
import torch.nn.functional as F
def num(v): return v if math.isfinite(v) else ("NaN" if v != v else ("Infinity" if v > 0 else "-Infinity"))
out = []
for c in json.load(sys.stdin):
    t = {k: torch.tensor([float(u) for u in v["data"]], dtype=torch.float32).reshape(v["shape"]).requires_grad_(v["grad"]) for k, v in c["inputs"].items()}
    y = eval(c["py"], {"torch": torch, "F": F, **t})
    if y.requires_grad: (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    flat = lambda u: [num(e) for e in u.detach().float().reshape(-1).tolist()]
    out.append({"y": flat(y), "shape": list(y.shape), "grads": {k: flat(v.grad) for k, v in t.items() if v.grad is not None}})
print(json.dumps(out))
`;

// Non-finite numbers cross as strings both ways (JSON has none).
type Wire = number | 'NaN' | 'Infinity' | '-Infinity';
interface Answer { y: Wire[]; shape: number[]; grads: Record<string, Wire[]> }
const answers = new Map<TorchCall[], Answer[]>();

function near(ours: ArrayLike<number>, theirs: Wire[], what: string, tol: number): void {
  expect(ours.length, what).toBe(theirs.length);
  theirs.map(Number).forEach((v, i) => {
    if (!Number.isFinite(v)) expect(ours[i], `${what}[${i}]`).toBe(v); // toBe: NaN matches NaN
    else expect(Math.abs(ours[i] - v), `${what}[${i}]: ${ours[i]} vs ${v}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v)));
  });
}

/** Runs every call with the library on the current backend and compares it with torch's answers (asked once per list). */
export function expectCallsLikeTorch(calls: TorchCall[], tol = 2e-6): void {
  let theirs = answers.get(calls);
  if (!theirs) {
    const wire = JSON.stringify(calls.map(({ name, inputs, py }) => ({ name, inputs, py })), (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
    theirs = torchJson<Answer[]>(SCRIPT, wire);
    answers.set(calls, theirs);
  }
  calls.forEach((c, k) => {
    const t: Record<string, Tensor> = {};
    for (const [name, v] of Object.entries(c.inputs)) t[name] = bp.tensor(v.data, { shape: v.shape, requiresGrad: v.grad });
    const y = c.ours(t);
    const want = theirs![k];
    expect([...y.shape], c.name).toEqual(want.shape);
    near(y.data, want.y, `${c.name} value`, tol);
    if (!y.requiresGrad) return;
    y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] })).sum().backward();
    for (const [name, v] of Object.entries(c.inputs)) if (v.grad) near(t[name].grad!.data, want.grads[name], `${c.name} grad ${name}`, tol);
  });
}
