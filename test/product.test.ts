// prod and cumprod against torch 1.13: random shapes and dims with zeros (one or several in a
// slice, or none anywhere: torch's two gradient formulas), negative values, and the empty and 0-d
// cases; values and gradients within float rounding (torch's prod multiplies in its vector lanes'
// order, ours in order). Their argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { rng, drawsOf } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

function cases(): OpCase[] {
  const r = rng(31);
  const { int, pick } = drawsOf(r);
  const out: OpCase[] = [];
  for (let i = 0; i < 240; i++) {
    const nd = int(4);
    const as = Array.from({ length: nd }, () => pick([1, 2, 3, 4, 5, 0]));
    const n = as.reduce((a, b) => a * b, 1);
    const zeros = pick([0, 0, 0.1, 0.3]); // no zero in most cases, so that torch's y / x formula is taken
    const a = Array.from({ length: n }, () => (r() < zeros ? 0 : Math.fround((r() < 0.5 ? -1 : 1) * (0.5 + r()))));
    const dim = nd === 0 ? pick([0, -1]) : int(2 * nd) - nd;
    if (r() < 0.5) out.push({ op: 'cumprod', a, as, args: [dim] });
    else out.push({ op: 'prod', a, as, args: r() < 0.3 ? [] : [dim, r() < 0.5] });
  }
  return out;
}

const upstream = (n: number) => Array.from({ length: n }, (_, i) => (i % 5) - 2);

function run(c: OpCase): OpResult {
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const args = c.args as [number, boolean];
  const y = c.op === 'cumprod' ? a.cumprod(args[0]) : args.length ? a.prod(args[0], args[1]) : a.prod();
  if (y.size > 0) y.mul(bp.tensor(upstream(y.size), { shape: y.shape as number[] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(a.grad?.data ?? new Float32Array(a.size)), gb: null };
}

const TORCH_SCRIPT = `
${PY_CASES_LOOP}
    a = T(c["a"], c["as"], True)
    if op == "cumprod": y = torch.cumprod(a, p[0])
    else: y = torch.prod(a, p[0], keepdim=p[1]) if p else torch.prod(a)
    if y.numel() > 0: (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    ga = enc(a.grad if a.grad is not None else torch.zeros_like(a))
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": ga, "gb": None})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of prod and cumprod with torch');
eachBackend('prod and cumprod', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values and gradients, zeros included)`, () => {
    expect(CASES.filter((c) => c.a.includes(0)).length).toBeGreaterThan(40);
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, 2e-6);
  });

  it('a zero gets the product of the others; two zeros in a slice give it none', () => {
    const x = bp.tensor([[2, 0, 3], [0, 5, 0]], { requiresGrad: true });
    x.prod(1).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 6, 0, 0, 0, 0]);
    const c = bp.tensor([2, 0, 3, 4], { requiresGrad: true });
    c.cumprod(0).sum().backward(); // y = [2, 0, 0, 0]: dy/dx0 = 1, dy/dx1 = 2 + 2*3 + 2*3*4
    expect(Array.from(c.grad!.data)).toEqual([1, 32, 0, 0]);
  });

  it('bad arguments are named', () => {
    const x = bp.arange(6).reshape([2, 3]);
    expect(() => x.prod(2)).toThrow(/^prod: dim 2 is out of range for a tensor with 2 dimension\(s\)$/);
    expect(() => x.prod(0.5)).toThrow(/^prod: dim must be an integer, got 0.5$/);
    expect(() => x.prod(0, 'yes' as unknown as boolean)).toThrow(/^prod: keepDim must be true or false, got "yes"$/);
    expect(() => x.cumprod(-3)).toThrow(/^cumprod: dim -3 is out of range/);
    expect(() => bp.prod([1, 2] as unknown as bp.Tensor)).toThrow(/^prod: /);
  });
});
