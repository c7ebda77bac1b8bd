// scatter, scatterAdd and oneHot against torch 1.13: random shapes and dims, index blocks smaller
// than the input, duplicates for scatterAdd (they add up in index order); values and the gradients
// of the input and of src. Their argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function cases(): OpCase[] {
  const r = rng(29);
  const { int, pick } = drawsOf(r);
  const out: OpCase[] = [];
  for (let i = 0; i < 160; i++) {
    const op = pick(['scatter', 'scatterAdd', 'scatterAdd', 'scatterValue', 'oneHot']);
    const nd = 1 + int(3);
    const xs = Array.from({ length: nd }, () => 1 + int(4));
    const d = int(nd);
    if (op === 'oneHot') {
      const classes = pick([-1, 5, 7]);
      const is = xs.slice(0, int(nd + 1));
      out.push({ op, a: Array.from({ length: size(is) }, () => int(5)), as: is, args: [classes] });
      continue;
    }
    // index: no larger than x outside d; along d, as long as x's (set: distinct places per slice) or longer (add: duplicates).
    const is = xs.map((s, k) => (k === d ? (op === 'scatterAdd' ? 1 + int(s + 2) : 1 + int(s)) : 1 + int(s)));
    const idx = new Array<number>(size(is));
    const inner = size(is.slice(d + 1));
    for (let o = 0; o < size(is.slice(0, d)); o++) {
      for (let k = 0; k < inner; k++) {
        const perm = Array.from({ length: xs[d] }, (_, v) => v).sort(() => r() - 0.5);
        for (let j = 0; j < is[d]; j++) idx[(o * is[d] + j) * inner + k] = op === 'scatterAdd' ? int(xs[d]) : perm[j];
      }
    }
    const vals = (n: number) => Array.from({ length: n }, () => Math.fround(4 * r() - 2));
    out.push({ op, a: vals(size(xs)), as: xs, b: vals(size(is)), bs: is, args: [d - (r() < 0.3 ? nd : 0), idx, pick([2.5, -1])] });
  }
  return out;
}

const upstream = (n: number) => Array.from({ length: n }, (_, i) => (i % 5) - 2);

function run(c: OpCase): OpResult {
  if (c.op === 'oneHot') {
    const y = bp.oneHot(bp.tensor(c.a, { shape: c.as }), c.args[0] as number);
    return { y: Array.from(y.data), shape: [...y.shape], ga: null, gb: null };
  }
  const [dim, idx, value] = c.args as [number, number[], number];
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const b = bp.tensor(c.b!, { shape: c.bs, requiresGrad: true });
  const index = bp.tensor(idx, { shape: c.bs });
  const y: Tensor = c.op === 'scatterAdd' ? a.scatterAdd(dim, index, b) : c.op === 'scatter' ? a.scatter(dim, index, b) : a.scatter(dim, index, value);
  y.mul(bp.tensor(upstream(y.size), { shape: y.shape as number[] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(a.grad!.data), gb: c.op === 'scatterValue' ? null : Array.from(b.grad!.data) };
}

const TORCH_SCRIPT = `
${PY_CASES_LOOP}
    if op == "oneHot":
        y = F.one_hot(torch.tensor(c["a"], dtype=torch.long).reshape(c["as"]), p[0]).float()
        out.append({"y": enc(y), "shape": list(y.shape), "ga": None, "gb": None})
        continue
    a = T(c["a"], c["as"], True)
    b = T(c["b"], c["bs"], True)
    index = torch.tensor(p[1], dtype=torch.long).reshape(c["bs"])
    if op == "scatterAdd": y = a.scatter_add(p[0], index, b)
    elif op == "scatter": y = a.scatter(p[0], index, b)
    else: y = a.scatter(p[0], index, float(p[2]))
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(a.grad), "gb": None if op == "scatterValue" else enc(b.grad)})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of scatter, scatterAdd and oneHot with torch');
eachBackend('scatter, scatterAdd and oneHot', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values and gradients, bit for bit)`, () => {
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, 0);
  });

  it('of duplicate places scatter keeps the last in index order (torch: unspecified), scatterAdd adds all', () => {
    const x = bp.zeros([3]);
    const index = bp.tensor([1, 1, 2, 1]);
    const src = bp.tensor([5, 7, 1, 9]);
    expect(Array.from(x.scatter(0, index, src).data)).toEqual([0, 9, 1]);
    expect(Array.from(x.scatterAdd(0, index, src).data)).toEqual([0, 21, 1]);
  });

  it('bad arguments are named', () => {
    const x = bp.zeros([2, 3]);
    expect(() => x.scatterAdd(1, bp.tensor([[0, 3]]), bp.ones([1, 2]))).toThrow(/^scatterAdd: index 3 at position 1 is out of range for a dimension of size 3$/);
    expect(() => x.scatterAdd(1, bp.tensor([[0, 1]]), bp.ones([2, 2]))).toThrow(/^scatterAdd: src of shape \[2, 2\] must have index's shape \[1, 2\]$/);
    expect(() => x.scatter(1, bp.tensor([[0], [1], [0]]), 1)).toThrow(/^scatter: index of shape \[3, 1\] must have the 2 dimensions of the input \[2, 3\], none larger outside dim 1$/);
    expect(() => x.scatter(2, bp.tensor([[0]]), 1)).toThrow(/^scatter: dim 2 is out of range/);
    expect(() => x.scatter(1, bp.tensor([[0]]), '1' as unknown as number)).toThrow(/^scatter: src must be a number, got string$/);
    expect(() => bp.oneHot(bp.tensor([0, 2]), 2)).toThrow(/^oneHot: index 2 at position 1 is not below numClasses 2$/);
    expect(() => bp.oneHot(bp.tensor([0, -1]))).toThrow(/^oneHot: indices must be non-negative integers, got -1 at position 1$/);
    expect(() => bp.oneHot(bp.tensor([0, 1.5]))).toThrow(/^oneHot: indices must be non-negative integers, got 1.5 at position 1$/);
    expect(() => bp.oneHot(bp.zeros([0]))).toThrow(/^oneHot: cannot infer numClasses from an empty tensor of indices$/);
  });
});
