// maximum, minimum (also as max(other) and min(other)), clamp, min, argmin and log1p against torch 1.13: random shapes with broadcasting,
// ties, NaN and infinities; values and gradients on both backends. Errors need no torch.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { rng, drawsOf } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

type Case = OpCase & { args: (number | null)[] };


function cases(): Case[] {
  const r = rng(41);
  const { pick } = drawsOf(r);
  // Few distinct values, so that ties are common.
  const vals = (n: number) => Array.from({ length: n }, () => (r() < 0.1 ? pick([NaN, Infinity, -Infinity]) : pick([-2, -1, -0.5, 0, 0.5, 1, 2, 1e-6, -0.75])));
  const out: Case[] = [];
  for (let i = 0; i < 120; i++) {
    const nd = Math.floor(r() * 4);
    const as = Array.from({ length: nd }, () => pick([1, 2, 3]));
    const n = as.reduce((x, y) => x * y, 1);
    const op = pick(['maximum', 'minimum', 'clamp', 'min', 'argmin', 'log1p']);
    if (op === 'maximum' || op === 'minimum') {
      const bs = as.slice(Math.floor(r() * (nd + 1))).map((d) => (r() < 0.3 ? 1 : d));
      out.push({ op, a: vals(n), as, b: vals(bs.reduce((x, y) => x * y, 1)), bs, args: [] });
    } else if (op === 'clamp') {
      const lo = r() < 0.2 ? null : pick([-1, -0.5, 0, 0.5]);
      const hi = lo === null || r() < 0.7 ? pick([0, 0.5, 1, 2, -1]) : null;
      out.push({ op, a: vals(n), as, args: [lo, hi] });
    } else if (op === 'min' || op === 'argmin') {
      if (nd === 0 || r() < 0.3) out.push({ op, a: vals(n), as, args: op === 'min' ? [] : [] });
      else out.push({ op, a: vals(n), as, args: [Math.floor(r() * nd) - (r() < 0.5 ? nd : 0), r() < 0.5 ? 1 : 0] });
    } else {
      out.push({ op, a: vals(n).map((v) => (v < -1 ? v / 4 : v)), as, args: [] });
    }
  }
  // Every other maximum and minimum as torch.max(input, other) and torch.min(input, other).
  let k = 0;
  for (const c of out) if ((c.op === 'maximum' || c.op === 'minimum') && k++ % 2 === 1) c.op = c.op === 'maximum' ? 'maxOther' : 'minOther';
  return out.filter((c) => !(c.op === 'argmin' && c.args.length === 0 && c.as.length === 0));
}

function run(c: Case): OpResult {
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: c.op !== 'argmin' });
  const b = c.b ? bp.tensor(c.b, { shape: c.bs, requiresGrad: true }) : null;
  const [p0, p1] = c.args;
  let y: Tensor;
  switch (c.op) {
    case 'maximum': y = a.maximum(b!); break;
    case 'minimum': y = a.minimum(b!); break;
    case 'maxOther': y = a.max(b!); break;
    case 'minOther': y = bp.min(a, b!); break;
    case 'clamp': y = a.clamp(p0, p1); break;
    case 'min': y = c.args.length ? a.min(p0!, !!p1) : a.min(); break;
    case 'argmin': y = c.args.length ? a.argmin(p0!, !!p1) : a.argmin(); break;
    default: y = a.log1p();
  }
  if (c.op !== 'argmin') y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => i + 1), { shape: y.shape as number[] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: a.grad ? Array.from(a.grad.data) : null, gb: b?.grad ? Array.from(b.grad.data) : null };
}

const TORCH_SCRIPT = `
${PY_CASES_LOOP}
    a = T(c["a"], c["as"], op != "argmin")
    b = T(c["b"], c["bs"], True) if "b" in c else None
    if op == "maximum": y = torch.maximum(a, b)
    elif op == "minimum": y = torch.minimum(a, b)
    elif op == "maxOther": y = torch.max(a, b)
    elif op == "minOther": y = torch.min(a, b)
    elif op == "clamp": y = torch.clamp(a, p[0], p[1])
    elif op == "min": y = torch.min(a, p[0], keepdim=bool(p[1])).values if p else torch.min(a)
    elif op == "argmin": y = torch.argmin(a, p[0], keepdim=bool(p[1])) if p else torch.argmin(a)
    else: y = torch.log1p(a)
    if op != "argmin": (y * torch.arange(1, y.numel() + 1, dtype=torch.float32).reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach().float()), "shape": list(y.shape), "ga": enc(a.grad), "gb": enc(b.grad) if b is not None else None})
print(json.dumps(out))
`;

const CASES = cases();

noteIfNoTorch('the comparison of maximum/minimum/clamp/min/argmin/log1p with torch');
eachBackend('maximum, minimum, clamp, min, argmin, log1p', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls with ties, NaN and infinities as torch`, () => {
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, 1e-6);
  });

  it('ties share the gradient; clamp passes it inside the bounds; errors are named', () => {
    const a = bp.tensor([1, 2, 3], { requiresGrad: true });
    const b = bp.tensor([1, 5, 0], { requiresGrad: true });
    a.maximum(b).sum().backward();
    expect(a.grad!.toArray()).toEqual([0.5, 0, 1]);
    expect(b.grad!.toArray()).toEqual([0.5, 1, 0]);
    const x = bp.tensor([-2, 0, 0.5, 1, 3], { requiresGrad: true });
    const y = x.clamp(0, 1);
    y.sum().backward();
    expect(y.toArray()).toEqual([0, 0, 0.5, 1, 1]);
    expect(x.grad!.toArray()).toEqual([0, 1, 1, 1, 0]);
    expect(() => x.clamp()).toThrow(/clamp: give min, max or both/);
    expect(() => x.clamp('a' as never, 1)).toThrow(/clamp: min and max must be numbers/);
    expect(() => x.maximum(bp.zeros([2]))).toThrow(/maximum/);
  });
});
