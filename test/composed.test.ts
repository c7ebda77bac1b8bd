// lib/ops/composed.ts's ops (isnan ... roll, nanToNum, countNonzero, hstack, vstack, tile, movedim,
// swapaxes) against torch 1.13 (values and gradients), on both backends, and their argument errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const SPECIAL = [1, -2.5, NaN, Infinity, -Infinity, 0, -0, 1.00001, 3e-9, 7];
const NEAR = [1, -2.5, NaN, Infinity, Infinity, 1e-9, 0, 1, 0, 7.0001];

interface Case { op: string; a: number[]; as: number[]; b?: number[]; bs?: number[]; w?: number | number[]; args?: unknown[] }

const CASES: Case[] = [
  { op: 'isnan', a: SPECIAL, as: [2, 5] },
  { op: 'isinf', a: SPECIAL, as: [10] },
  { op: 'isfinite', a: SPECIAL, as: [5, 2] },
  { op: 'isclose', a: SPECIAL, as: [10], b: NEAR, bs: [10], args: [{}] },
  { op: 'isclose', a: SPECIAL, as: [10], b: NEAR, bs: [10], args: [{ rtol: 1e-3, atol: 1e-6, equalNan: true }] },
  { op: 'isclose', a: [1, 2, 3, 4, 5, 6], as: [2, 3], b: [1, 2.0001, 3], bs: [3], args: [{ rtol: 1e-4 }] },
  { op: 'lerp', a: [1, 2, 3, 4, -1, 0.5], as: [2, 3], b: [5, -5, 0.25], bs: [3], w: 0.3 },
  { op: 'lerp', a: [1, 2, 3, 4, -1, 0.5], as: [2, 3], b: [5, -5, 0.25, 8, 9, -3], bs: [2, 3], w: 0.75 },
  { op: 'lerp', a: [1, 2, 3, 4, -1, 0.5], as: [2, 3], b: [5, -5, 0.25], bs: [3], w: [0.1, 0.5, -0.6, 1.5, 0.49, 0.51] },
  { op: 'diff', a: [1, 4, 9, 16, 2, 3, 5, 8, -1, 0, 7, 7], as: [3, 4], args: [1, -1] },
  { op: 'diff', a: [1, 4, 9, 16, 2, 3, 5, 8, -1, 0, 7, 7], as: [3, 4], args: [2, 0] },
  { op: 'diff', a: [1, 4, 9, 16, 2, 3], as: [6], args: [3, 0] },
  { op: 'diff', a: [1, 4, 9], as: [3], args: [5, 0] },
  { op: 'roll', a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], as: [3, 4], args: [5, null] },
  { op: 'roll', a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], as: [3, 4], args: [[1, -3], [0, 1]] },
  { op: 'roll', a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], as: [2, 3, 2], args: [[7, 4], [-2, 1]] },
  { op: 'roll', a: [1, 2, 3, 4, 5, 6], as: [6], args: [0, 0] },
  { op: 'nanToNum', a: SPECIAL, as: [10], args: [{}] },
  { op: 'nanToNum', a: SPECIAL, as: [2, 5], args: [{ nan: -1, posinf: 100, neginf: -7.5 }] },
  // The two-kernel path (infinities to the largest float) with a NaN value of its own, and the
  // largest float itself (its gradient passes: it is finite).
  { op: 'nanToNum', a: [...SPECIAL.slice(0, 8), 3.4028234663852886e38, -3.4028234663852886e38], as: [5, 2], args: [{ nan: 4.5 }] },
  { op: 'countNonzero', a: SPECIAL, as: [2, 5], args: [null] },
  { op: 'countNonzero', a: SPECIAL, as: [2, 5], args: [1] },
  { op: 'countNonzero', a: [0, 1, 0, 2, 0, 0, 3, 0], as: [2, 2, 2], args: [[0, 2]] },
  { op: 'hstack', a: [1, 2, 3], as: [3], b: [4, 5], bs: [2] },
  { op: 'hstack', a: [1, 2, 3, 4], as: [2, 2], b: [5, 6], bs: [2, 1] },
  { op: 'vstack', a: [1, 2, 3], as: [3], b: [4, 5, 6, 7, 8, 9], bs: [2, 3] },
  { op: 'tile', a: [1, 2, 3, 4, 5, 6], as: [2, 3], args: [[2]] },
  { op: 'tile', a: [1, 2, 3], as: [3], args: [[2, 1, 2]] },
  { op: 'movedim', a: Array.from({ length: 24 }, (_, i) => i), as: [2, 3, 4], args: [0, -1] },
  { op: 'movedim', a: Array.from({ length: 24 }, (_, i) => i), as: [2, 3, 4], args: [[2, 0], [0, 1]] },
  { op: 'swapaxes', a: Array.from({ length: 24 }, (_, i) => i), as: [2, 3, 4], args: [0, 2] },
];

const GRAD_OPS = new Set(['lerp', 'diff', 'roll', 'nanToNum', 'hstack', 'vstack', 'tile', 'movedim', 'swapaxes']);

interface Result { y: number[]; shape: number[]; ga: number[] | null; gb: number[] | null; gw: number[] | null }

function run(c: Case): Result | boolean {
  const diff = GRAD_OPS.has(c.op);
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: diff });
  const b = c.b ? bp.tensor(c.b, { shape: c.bs, requiresGrad: diff }) : null;
  const w = Array.isArray(c.w) ? bp.tensor(c.w, { shape: c.as, requiresGrad: true }) : c.w;
  let y: bp.Tensor;
  switch (c.op) {
    case 'isnan': y = bp.isnan(a); break;
    case 'isinf': y = bp.isinf(a); break;
    case 'isfinite': y = bp.isfinite(a); break;
    case 'isclose': y = bp.isclose(a, b!, c.args![0] as bp.CloseOptions); break;
    case 'lerp': y = bp.lerp(a, b!, w!); break;
    case 'diff': y = bp.diff(a, c.args![0] as number, c.args![1] as number); break;
    case 'roll': y = bp.roll(a, c.args![0] as number[], (c.args![1] ?? undefined) as number[] | undefined); break;
    case 'nanToNum': y = bp.nanToNum(a, c.args![0] as bp.NanToNumOptions); break;
    case 'countNonzero': y = bp.countNonzero(a, (c.args![0] ?? undefined) as number | undefined); break;
    case 'hstack': y = bp.hstack([a, b!]); break;
    case 'vstack': y = bp.vstack([a, b!]); break;
    case 'tile': y = bp.tile(a, c.args![0] as number[]); break;
    case 'movedim': y = bp.movedim(a, c.args![0] as number[], c.args![1] as number[]); break;
    default: y = bp.swapaxes(a, c.args![0] as number, c.args![1] as number);
  }
  if (diff) y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] })).sum().backward();
  const grad = (t: bp.Tensor | null | number | undefined) => (t instanceof bp.Tensor && t.grad ? Array.from(t.grad.data) : null);
  return { y: Array.from(y.data), shape: [...y.shape], ga: grad(a), gb: grad(b), gw: grad(w) };
}

const SCRIPT = `
import sys, json, math, torch
def num(v): return None if v is None else (v if math.isfinite(v) else str(v))
out = []
for c in json.load(sys.stdin, parse_constant=float):
    op = c["op"]
    diff = op in ("lerp", "diff", "roll", "nanToNum", "hstack", "vstack", "tile", "movedim", "swapaxes")
    a = torch.tensor(c["a"], dtype=torch.float32).reshape(c["as"]).requires_grad_(diff)
    b = torch.tensor(c["b"], dtype=torch.float32).reshape(c["bs"]).requires_grad_(diff) if "b" in c else None
    w = c.get("w")
    if isinstance(w, list): w = torch.tensor(w, dtype=torch.float32).reshape(c["as"]).requires_grad_(True)
    args = c.get("args", [])
    if op == "isclose":
        o = args[0]
        y = torch.isclose(a, b, rtol=o.get("rtol", 1e-5), atol=o.get("atol", 1e-8), equal_nan=o.get("equalNan", False)).float()
    elif op in ("isnan", "isinf", "isfinite"): y = getattr(torch, op)(a).float()
    elif op == "lerp": y = torch.lerp(a, b.expand(a.shape) if b.shape != a.shape else b, w)
    elif op == "diff": y = torch.diff(a, n=args[0], dim=args[1])
    elif op == "roll": y = torch.roll(a, args[0], args[1]) if args[1] is not None else torch.roll(a, args[0])
    elif op == "nanToNum": y = torch.nan_to_num(a, **args[0])
    elif op == "countNonzero": y = (torch.count_nonzero(a) if args[0] is None else torch.count_nonzero(a, dim=args[0])).float()
    elif op == "hstack": y = torch.hstack([a, b])
    elif op == "vstack": y = torch.vstack([a, b])
    elif op == "tile": y = torch.tile(a, args[0])
    elif op == "movedim": y = torch.movedim(a, args[0], args[1])
    else: y = torch.swapaxes(a, args[0], args[1])
    if diff:
        (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    g = lambda t: [num(v) for v in t.grad.reshape(-1).tolist()] if isinstance(t, torch.Tensor) and t.grad is not None else None
    out.append({"y": [num(v) for v in y.detach().reshape(-1).tolist()], "shape": list(y.shape), "ga": g(a), "gb": g(b), "gw": g(w)})
print(json.dumps(out))
`;

const asNumber = (v: number | string | null): number | null => (typeof v === 'string' ? Number(v) : v);

eachBackend('composed ops', () => {
  it.runIf(haveTorch)('each op: torch 1.13\'s values and gradients', () => {
    const wire = JSON.stringify(CASES, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)).replace(/"(NaN|Infinity|-Infinity)"/g, '$1');
    const theirs = torchJson<{ y: (number | string)[]; shape: number[]; ga: (number | string)[] | null; gb: (number | string)[] | null; gw: (number | string)[] | null }[]>(SCRIPT, wire);
    CASES.forEach((c, k) => {
      const ours = run(c) as Result;
      const t = theirs[k];
      const what = `${c.op} case ${k}`;
      expect(ours.shape, what).toEqual(t.shape);
      const close = (x: number[] | null, y: (number | string)[] | null, part: string) => {
        if (y === null) return expect(x, `${what} ${part}`).toBeNull();
        expect(x, `${what} ${part}`).not.toBeNull();
        y.map(asNumber).forEach((v, i) => {
          const u = (x as number[])[i];
          if (Number.isNaN(v as number)) expect(u, `${what} ${part}[${i}]`).toBeNaN();
          else expect(Math.abs(u - (v as number)), `${what} ${part}[${i}]: ${u} vs ${v}`).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(v as number)));
        });
      };
      close(ours.y, t.y, 'y');
      close(ours.ga, t.ga, 'grad a');
      close(ours.gb, t.gb, 'grad b');
      close(ours.gw, t.gw, 'grad weight');
    });
  });
  noteIfNoTorch('composed ops against torch');

  it('allclose is isclose everywhere; the masks carry no gradient', () => {
    expect(bp.allclose(bp.tensor([1, 2, Infinity]), bp.tensor([1, 2 + 1e-6, Infinity]))).toBe(true);
    expect(bp.allclose(bp.tensor([1, NaN]), bp.tensor([1, NaN]))).toBe(false);
    expect(bp.allclose(bp.tensor([1, NaN]), bp.tensor([1, NaN]), { equalNan: true })).toBe(true);
    expect(bp.allclose(bp.tensor([[1, 2], [3, 4]]), 2, { atol: 2 })).toBe(true);
    const x = bp.tensor([1, NaN], { requiresGrad: true });
    expect([bp.isnan(x), bp.isinf(x), bp.isfinite(x), bp.isclose(x, x)].map((m) => m.requiresGrad)).toEqual([false, false, false, false]);
  });

  it('bad arguments are named', () => {
    const x = bp.tensor([1, 2, 3]);
    expect(() => bp.isnan([1] as unknown as bp.Tensor)).toThrow(/isnan/);
    expect(() => bp.isclose(x, x, { rtol: -1 })).toThrow(/isclose: invalid rtol: -1 \(must be a non-negative finite number\)/);
    expect(() => bp.isclose(x, x, { atol: NaN })).toThrow(/isclose: invalid atol: NaN \(must be a non-negative finite number\)/);
    expect(() => bp.isclose(x, x, { tol: 1 } as unknown as bp.CloseOptions)).toThrow(/isclose/);
    expect(() => bp.isclose(x, bp.tensor([1, 2]))).toThrow(/isclose: shapes \[3\] and \[2\]/);
    expect(() => bp.lerp(x, bp.tensor([1, 2]), 0.5)).toThrow(/lerp: shapes \[3\] and \[2\]/);
    expect(() => bp.lerp(x, x, bp.tensor([1, 2]))).toThrow(/lerp: shapes \[3\] and \[2\]/);
    expect(() => bp.allclose(x, 'a' as unknown as number)).toThrow(/isclose/);
    expect(() => bp.lerp(x, x, NaN)).toThrow(/lerp: weight must be a number or a Tensor, got NaN/);
    expect(() => bp.lerp(x, x, 'a' as unknown as number)).toThrow(/lerp/);
    expect(() => bp.diff(x, -1)).toThrow(/diff: n must be a non-negative integer, got -1/);
    expect(() => bp.diff(bp.tensor(3))).toThrow(/diff: the input must have at least one dimension/);
    expect(() => bp.diff(x, 1, 2)).toThrow(/diff/);
    expect(() => bp.roll(x, 1.5)).toThrow(/roll: shifts must be an integer or a non-empty array of integers, got 1.5/);
    expect(() => bp.roll(x, [1, 2])).toThrow(/roll: without dims, shifts must be one integer/);
    expect(() => bp.roll(x, [1, 2], [0])).toThrow(/roll: shifts \[1, 2\] and dims \[0\] must be as many/);
    expect(() => bp.roll(x, 1, 3)).toThrow(/roll/);
    expect(() => bp.nanToNum(x, { nan: 'a' } as unknown as bp.NanToNumOptions)).toThrow(/nanToNum: nan must be a number, got "a"/);
    expect(() => bp.nanToNum(x, { inf: 1 } as unknown as bp.NanToNumOptions)).toThrow(/nanToNum/);
    expect(() => bp.countNonzero(x, 1)).toThrow(/sum|countNonzero/);
    expect(() => bp.hstack([])).toThrow(/hstack: expected a non-empty array of tensors, got an empty array/);
    expect(() => bp.vstack([x, 3 as unknown as bp.Tensor])).toThrow(/vstack: tensor 1/);
    expect(() => bp.vstack([x, bp.tensor([1, 2])])).toThrow(/cat/);
    expect(() => bp.tile(x, 2 as unknown as number[])).toThrow(/tile: reps must be an array of non-negative integers, got 2/);
    expect(() => bp.tile(x, [-1])).toThrow(/repeat: reps must be non-negative integers/);
    expect(() => bp.movedim(x, [0], [0, 1])).toThrow(/movedim: source \[0\] and destination \[0, 1\] must be dims, as many of each/);
    expect(() => bp.movedim(bp.zeros([2, 3]), [0, 0], [0, 1])).toThrow(/movedim: dim 0 appears more than once/);
    expect(() => bp.movedim(x, 0, 5)).toThrow(/movedim/);
    expect(() => bp.swapaxes(x, 0, 3)).toThrow(/transpose|swapaxes/);
  });
});

describe('roll and diff keep their input', () => {
  it('a roll by a whole turn is a copy, not the input', () => {
    const x = bp.tensor([1, 2, 3]);
    const y = bp.roll(x, 3, 0);
    expect(y).not.toBe(x);
    expect(y.toArray()).toEqual([1, 2, 3]);
  });
});

describe('the fused kernels where no gradient is kept', () => {
  it('addcmul, addcdiv and lerp by a number give the recorded path\'s bits without gradients', () => {
    const x = bp.randn([37, 41]), a = bp.randn([37, 41]), b = bp.rand([37, 41]).add(0.5);
    const tracked = (t: bp.Tensor) => t.detach().requiresGrad_();
    const pairs: [string, (p: bp.Tensor, q: bp.Tensor, r: bp.Tensor) => bp.Tensor][] = [
      ['addcmul', (p, q, r) => bp.addcmul(p, q, r, { value: -0.7 })],
      ['addcmul 1', (p, q, r) => bp.addcmul(p, q, r)],
      ['addcdiv', (p, q, r) => bp.addcdiv(p, q, r, { value: 2.5 })],
      ['lerp 0.1', (p, q) => bp.lerp(p, q, 0.1)],
      ['lerp 0.5', (p, q) => bp.lerp(p, q, 0.5)],
      ['lerp 0.9', (p, q) => bp.lerp(p, q, 0.9)],
    ];
    for (const [name, f] of pairs) {
      const fused = bp.noGrad(() => f(x, a, b));
      const recorded = f(tracked(x), tracked(a), tracked(b));
      expect(recorded.requiresGrad, name).toBe(true);
      expect(Array.from(fused.data), name).toEqual(Array.from(recorded.data));
      expect(fused.requiresGrad, name).toBe(false);
    }
  });
});

