// clone, permute, gt/ge/lt/le/eq/ne, where, var/std, logsumexp, silu, softplus (and the SiLU and
// Softplus modules) against torch 1.13: random shapes, special values, values and gradients.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { rng, drawsOf } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

type Case = OpCase & { c?: number[]; cs?: number[] };


function cases(): Case[] {
  const r = rng(61);
  const { pick } = drawsOf(r);
  const vals = (n: number, special = 0.05) => Array.from({ length: n }, () => (r() < special ? pick([NaN, Infinity, -Infinity]) : Math.fround(pick([-2, -1, 0, 1, 0.5]) + (r() < 0.7 ? r() * 4 - 2 : 0))));
  const shapeOf = (nd: number) => Array.from({ length: nd }, () => pick([1, 2, 3, 4]));
  const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
  const out: Case[] = [];
  for (let i = 0; i < 150; i++) {
    const op = pick(['clone', 'permute', 'gt', 'ge', 'lt', 'le', 'eq', 'ne', 'where', 'var', 'std', 'logsumexp', 'silu', 'softplus']);
    const nd = op === 'permute' || op === 'logsumexp' ? 1 + Math.floor(r() * 3) : Math.floor(r() * 4);
    const as = shapeOf(nd);
    if (op === 'permute') {
      const dims = as.map((_, k) => k).sort(() => r() - 0.5);
      out.push({ op, a: vals(size(as), 0), as, args: [dims] });
    } else if (['gt', 'ge', 'lt', 'le', 'eq', 'ne'].includes(op)) {
      const bs = as.slice(Math.floor(r() * (nd + 1))).map((d) => (r() < 0.3 ? 1 : d));
      out.push({ op, a: vals(size(as)).map((v) => (r() < 0.3 ? Math.round(v) : v)), as, b: vals(size(bs)).map(Math.round), bs, args: [] });
    } else if (op === 'where') {
      const bs = as.slice(Math.floor(r() * (nd + 1)));
      const cs = as.map((d) => (r() < 0.4 ? 1 : d));
      out.push({ op, a: vals(size(as), 0), as, b: vals(size(bs), 0), bs, c: Array.from({ length: size(cs) }, () => (r() < 0.5 ? 1 : 0)), cs, args: [] });
    } else if (op === 'var' || op === 'std') {
      const n = size(as);
      const dim = nd > 0 && r() < 0.7 ? Math.floor(r() * nd) - (r() < 0.4 ? nd : 0) : null;
      const count = dim === null ? n : as[dim < 0 ? dim + nd : dim];
      // Half the cases give torch's correction (below the count: at or past it torch's gradients
      // are its own mix of inf and NaN) instead of unbiased.
      const correction = r() < 0.5 ? Math.floor(r() * Math.min(count, 4)) : null;
      out.push({ op, a: vals(n, 0), as, args: [dim, count < 2 ? false : r() < 0.6, dim !== null && r() < 0.5, correction] });
    } else if (op === 'logsumexp') {
      const a = vals(size(as), 0.15).map((v) => (Number.isNaN(v) ? -Infinity : v));
      out.push({ op, a, as, args: [Math.floor(r() * nd) - (r() < 0.4 ? nd : 0), r() < 0.5] });
    } else if (op === 'softplus') {
      out.push({ op, a: vals(size(as), 0).map((v) => v * pick([1, 10])), as, args: [pick([1, 2, 0.5, -1]), pick([20, 5, 1])] });
    } else {
      out.push({ op, a: vals(size(as), op === 'clone' ? 0.05 : 0), as, args: [] });
    }
  }
  return out;
}

function run(c: Case): OpResult {
  const diff = !['gt', 'ge', 'lt', 'le', 'eq', 'ne'].includes(c.op);
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: diff });
  const b = c.b ? bp.tensor(c.b, { shape: c.bs, requiresGrad: diff }) : null;
  const args = c.args as [never, never, never];
  let y: Tensor;
  switch (c.op) {
    case 'clone': y = a.clone(); break;
    case 'permute': y = a.permute(args[0]); break;
    case 'where': y = bp.where(bp.tensor(c.c!, { shape: c.cs }), a, b!); break;
    case 'var': case 'std': {
      const [dim, unbiased, keepDim, correction] = c.args as [number | null, boolean, boolean, number | null];
      y = a[c.op](dim ?? undefined, correction === null ? { unbiased, keepDim } : { correction, keepDim });
      break;
    }
    case 'logsumexp': y = a.logsumexp(args[0], args[1]); break;
    case 'silu': y = new nn.SiLU().forward(a); break;
    case 'softplus': y = new nn.Softplus(args[0], args[1]).forward(a); break;
    default: y = (a as unknown as Record<string, (o: Tensor) => Tensor>)[c.op](b!);
  }
  if (diff) y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: y.shape as number[] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: a.grad ? Array.from(a.grad.data) : null, gb: b?.grad ? Array.from(b.grad.data) : null };
}

const TORCH_SCRIPT = `
${PY_CASES_LOOP}
    diff = op not in ("gt", "ge", "lt", "le", "eq", "ne")
    a = T(c["a"], c["as"], diff); b = T(c["b"], c["bs"], diff) if "b" in c else None
    if op == "clone": y = a.clone()
    elif op == "permute": y = a.permute(*p[0])
    elif op == "where": y = torch.where(T(c["c"], c["cs"], False) != 0, a, b)
    elif op in ("var", "std"):
        f = getattr(torch, op)
        if p[3] is not None: y = f(a, p[0], correction=p[3], keepdim=p[2] if p[0] is not None else False)
        else: y = f(a, unbiased=p[1]) if p[0] is None else f(a, p[0], unbiased=p[1], keepdim=p[2])
    elif op == "logsumexp": y = torch.logsumexp(a, p[0], keepdim=p[1])
    elif op == "silu": y = F.silu(a)
    elif op == "softplus": y = F.softplus(a, beta=p[0], threshold=p[1])
    else: y = getattr(torch, op)(a, b).float()
    if diff: (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(a.grad), "gb": enc(b.grad) if b is not None else None})
print(json.dumps(out))
`;

const CASES = cases();

noteIfNoTorch('the comparison of clone/permute/comparisons/where/var/std/logsumexp/silu/softplus with torch');
eachBackend('more ops', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch (values, shapes, gradients)`, () => {
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, 2e-6);
  });

  it('identities and errors', () => {
    const x = bp.arange(6).reshape([1, 2, 3]);
    expect(x.permute([2, 0, 1]).permute([1, 2, 0]).toArray()).toEqual(x.toArray());
    const c = x.clone();
    c.data[0] = 9;
    expect(x.data[0]).toBe(0);
    expect(bp.where(x.gt(2), x, 0).toArray()).toEqual([[[0, 0, 0], [3, 4, 5]]]);
    expect(() => x.permute([0, 1])).toThrow(/permute: expected 3 dimensions for a tensor of shape \[1, 2, 3\]/);
    expect(() => x.permute([0, 1, 1])).toThrow(/permute: dims \[0, 1, 1\] repeat a dimension/);
    // A wrong argument is shown as passed: a tensor by its shape (not its fields), NaN as NaN.
    expect(() => x.permute(bp.tensor([2, 0, 1]) as unknown as number[])).toThrow(/permute: expected 3 dimensions for a tensor of shape \[1, 2, 3\], got a tensor of shape \[3\]$/);
    expect(() => x.permute(Array.from({ length: 100 }, () => 0))).toThrow(/got \[0, 0, 0, 0, 0, 0, 0, 0, \.\.\. \(100 elements\)\]$/);
    const selfHolding: unknown[] = [1];
    selfHolding.push(selfHolding);
    expect(() => x.permute(selfHolding as number[])).toThrow(/got \[1, \[1, \[1, \[\.\.\.\]\]\]\]$/);
    expect(() => x.repeat([1, NaN, 1])).toThrow(/repeat: reps must be non-negative integers, at least one per dimension of \[1, 2, 3\], got \[1, NaN, 1\]$/);
    expect(() => bp.zerosLike(undefined as unknown as Tensor)).toThrow(/zerosLike: expected a Tensor, got undefined/);
    expect(() => bp.onesLike(null as unknown as Tensor)).toThrow(/onesLike: expected a Tensor, got null/);
    expect(() => x.softplus(0)).toThrow(/softplus: beta must be a non-zero finite number, got 0/);
    expect(() => bp.where(x.gt(2), x, bp.zeros([4]))).toThrow(/where/);
    expect(() => x.var(0, { unbiased: true, correction: 1 })).toThrow(/^var: give unbiased or correction, not both$/);
    expect(() => x.std(0, { correction: -1 })).toThrow(/^std: correction must be a non-negative number, got -1$/);
    expect(() => x.var(0, { correction: '1' as unknown as number })).toThrow(/^var: correction must be a non-negative number, got "1"$/);
  });

  it("torch's t(), view(), numel(), dim() and tolist()", () => {
    const m = bp.arange(6).reshape([2, 3]);
    expect(m.t().toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(bp.arange(3).t().toArray()).toEqual([0, 1, 2]); // 1-D (and 0-D) as they are
    expect(bp.tensor(4).t().shape).toEqual([]);
    expect(() => bp.zeros([2, 3, 4]).t()).toThrow(/^t: expects a tensor with at most 2 dimensions, got shape \[2, 3, 4\]/);
    const v = m.view([3, -1]);
    expect(v.shape).toEqual([3, 2]);
    expect(v.data.buffer).toBe(m.data.buffer); // the same storage, as torch's view
    expect([m.numel(), m.dim(), bp.tensor(1).dim()]).toEqual([6, 2, 0]);
    expect([m.tolist(), bp.tensor(2.5).tolist()]).toEqual([[[0, 1, 2], [3, 4, 5]], 2.5]);
    // Gradients pass through both.
    const w = bp.arange(6).reshape([2, 3]);
    w.requiresGrad = true;
    w.t().view([6]).mul(bp.arange(6)).sum().backward();
    expect(w.grad!.toArray()).toEqual([[0, 2, 4], [1, 3, 5]]);
  });

  it('var, std and logsumexp over empty dimensions, corrections past the count, and 0-d reductions, as torch', () => {
    // torch divides by max(0, n - correction): NaN (0 / 0) over no elements, where n - 1 gave -0.
    const e = bp.zeros([0, 3], { requiresGrad: true });
    expect(Array.from(e.var(0).data)).toEqual([NaN, NaN, NaN]);
    expect(Array.from(e.std(0, { unbiased: false }).data)).toEqual([NaN, NaN, NaN]);
    expect(e.var().item()).toBeNaN();
    expect(e.var(1).shape).toEqual([0]);
    // A divisor of 0 over a non-zero sum of squares: Infinity (torch: x.var(0, correction=5)).
    expect(bp.tensor([1, 2, 4, 8]).var(0, { correction: 5 }).item()).toBe(Infinity);
    expect(bp.tensor([1, 2, 4, 8]).var(0, { correction: 0 }).item()).toBe(7.1875);
    // logsumexp over nothing is log 0 = -Infinity (torch), not max's error; its gradient is empty.
    for (const keepDim of [false, true]) {
      const y = e.logsumexp(0, keepDim);
      expect(y.shape).toEqual(keepDim ? [1, 3] : [3]);
      expect(Array.from(y.data)).toEqual([-Infinity, -Infinity, -Infinity]);
      y.sum().backward();
      expect(e.grad!.shape).toEqual([0, 3]);
    }
    expect(bp.zeros([3, 0]).logsumexp(-1).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(bp.zeros([0]).logsumexp(0).item()).toBe(-Infinity);
    // A 0-d tensor reduced along dim 0 stays 0-d with keepDim (torch), where max & co gave [1].
    const s = bp.tensor(3);
    for (const y of [s.max(0, true), s.min(0, true), s.argmax(0, true), s.argmin(0, true), s.logsumexp(0, true), s.sum(0, true)]) expect(y.shape).toEqual([]);
  });
});
