// median against torch 1.13: of all elements (the gradient shared among ties, or among NaNs) and
// along a dimension (values, the indices torch gives, ties and NaN included, keepDim; the gradient
// to the element taken), 0-d and empty tensors. Bit for bit. Its argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

function cases(): OpCase[] {
  const r = rng(43);
  const { int, pick } = drawsOf(r);
  const out: OpCase[] = [];
  for (let i = 0; i < 200; i++) {
    const nd = int(4);
    const as = Array.from({ length: nd }, () => pick([1, 2, 3, 4, 5, 6]));
    const n = as.reduce((a, b) => a * b, 1);
    // Ties (small integers) often, NaN now and then.
    const a = Array.from({ length: n }, () => (r() < 0.04 ? NaN : r() < 0.5 ? int(3) : Math.fround(4 * r() - 2)));
    out.push({ op: 'median', a, as, args: r() < 0.3 ? [] : [nd === 0 ? pick([0, -1]) : int(2 * nd) - nd, r() < 0.5] });
  }
  out.push({ op: 'median', a: [], as: [0], args: [] }, { op: 'median', a: [], as: [0, 3], args: [1, false] });
  return out;
}

function run(c: OpCase): OpResult {
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const [dim, keepDim] = c.args as [number, boolean];
  const r = c.args.length ? a.median(dim, keepDim) : { values: a.median(), indices: null };
  const y = r.values;
  if (y.size > 0) y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: y.shape as number[] })).sum().backward();
  return { y: [...Array.from(y.data), ...(r.indices ? Array.from(r.indices.data) : [])], shape: [...y.shape], ga: Array.from(a.grad?.data ?? new Float32Array(a.size)), gb: null };
}

const TORCH_SCRIPT = `
${PY_CASES_LOOP}
    a = T(c["a"], c["as"], True)
    extra = []
    if p:
        y, i = torch.median(a, p[0], keepdim=p[1]); extra = i.float().reshape(-1).tolist()
    else: y = torch.median(a)
    if y.numel() > 0: (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()) + extra, "shape": list(y.shape), "ga": enc(a.grad if a.grad is not None else torch.zeros_like(a)), "gb": None})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of median with torch');
eachBackend('median', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values, indices and gradients, ties and NaN)`, () => {
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, 0);
  });

  it("a slice's first NaN, and of ties the first in order, as torch 1.13 gave them", () => {
    const r = bp.tensor([[3, NaN, 1, NaN], [2, 2, 2, 5]]).median(1);
    expect(Array.from(r.values.data)).toEqual([NaN, 2]);
    expect(Array.from(r.indices.data)).toEqual([1, 1]);
    const t = bp.tensor([4, 1, 4, 4, 0, 4]).median(0);
    expect([t.values.item(), t.indices.item()]).toEqual([4, 0]);
  });

  it('bad arguments are named', () => {
    expect(() => bp.zeros([2, 0]).median(1)).toThrow(/^median: dimension 1 is empty \(shape \[2, 0\]\)$/);
    expect(() => bp.zeros([2, 3]).median(2)).toThrow(/^median: dim 2 is out of range/);
    expect(() => bp.zeros([2, 3]).median(0, 1 as unknown as boolean)).toThrow(/^median: keepDim must be true or false, got 1$/);
  });
});
