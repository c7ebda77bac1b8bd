// scatterReduce and indexReduce against torch 1.13: random shapes, dims, folds and includeSelf, the
// values often drawn from a few small numbers so that places get zeros (a product's gradient) and ties
// (an extreme's shared gradient); values and the gradients of the input and of src, bit for bit.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function cases(): OpCase[] {
  const r = rng(53);
  const { int, pick } = drawsOf(r);
  const out: OpCase[] = [];
  for (let i = 0; i < 200; i++) {
    const op = pick(['scatterReduce', 'scatterReduce', 'indexReduce']);
    const reduce = op === 'indexReduce' ? pick(['prod', 'mean', 'amax', 'amin']) : pick(['sum', 'prod', 'mean', 'amax', 'amin']);
    const includeSelf = r() < 0.5;
    const nd = 1 + int(3);
    const xs = Array.from({ length: nd }, () => 1 + int(4));
    const d = int(nd);
    // Few distinct values in half the cases: zeros and ties at one place.
    const few = r() < 0.5;
    const vals = (n: number) => Array.from({ length: n }, () => (few ? pick([-1, 0, 1, 2]) : Math.fround(4 * r() - 2)));
    if (op === 'indexReduce') {
      const len = 1 + int(xs[d] + 2);
      const bs = xs.map((s, k) => (k === d ? len : s));
      const idx = Array.from({ length: len }, () => int(xs[d]));
      out.push({ op, a: vals(size(xs)), as: xs, b: vals(size(bs)), bs, args: [d, idx, reduce, includeSelf] });
      continue;
    }
    // index: no larger than x outside d, along d up to two longer than x (duplicates at one place).
    const is = xs.map((s, k) => (k === d ? 1 + int(s + 2) : 1 + int(s)));
    const idx = Array.from({ length: size(is) }, () => int(xs[d]));
    out.push({ op, a: vals(size(xs)), as: xs, b: vals(size(is)), bs: is, args: [d - (r() < 0.3 ? nd : 0), idx, reduce, includeSelf] });
  }
  return out;
}

const upstream = (n: number) => Array.from({ length: n }, (_, i) => (i % 5) - 2);

function run(c: OpCase): OpResult {
  const [dim, idx, reduce, includeSelf] = c.args as [number, number[], bp.ScatterReduction, boolean];
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const b = bp.tensor(c.b!, { shape: c.bs, requiresGrad: true });
  const y: Tensor = c.op === 'indexReduce'
    ? a.indexReduce(dim, idx, b, reduce as bp.IndexReduction, { includeSelf })
    : a.scatterReduce(dim, bp.tensor(idx, { shape: c.bs }), b, reduce, { includeSelf });
  y.mul(bp.tensor(upstream(y.size), { shape: y.shape as number[] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(a.grad!.data), gb: Array.from(b.grad!.data) };
}

const TORCH_SCRIPT = `
${PY_CASES_LOOP}
    a = T(c["a"], c["as"], True)
    b = T(c["b"], c["bs"], True)
    if op == "indexReduce":
        y = a.index_reduce(p[0], torch.tensor(p[1], dtype=torch.long), b, p[2], include_self=p[3])
    else:
        y = a.scatter_reduce(p[0], torch.tensor(p[1], dtype=torch.long).reshape(c["bs"]), b, p[2], include_self=p[3])
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(a.grad), "gb": enc(b.grad)})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of scatterReduce and indexReduce with torch');
eachBackend('scatterReduce and indexReduce', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values and gradients, bit for bit)`, () => {
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, 0);
  });

  it('fold in index order from x or from the identity; an extreme keeps a NaN', () => {
    const x = bp.tensor([1, 2, 3, 4]);
    const index = bp.tensor([1, 1, 3, 1]);
    const src = bp.tensor([5, -7, 1, 9]);
    const got = (r: bp.ScatterReduction, includeSelf: boolean) => Array.from(x.scatterReduce(0, index, src, r, { includeSelf }).data);
    expect(got('sum', true)).toEqual([1, 9, 3, 5]);
    expect(got('sum', false)).toEqual([1, 7, 3, 1]);
    expect(got('prod', false)).toEqual([1, -315, 3, 1]);
    expect(got('mean', true)).toEqual([1, 9 / 4, 3, 5 / 2]);
    expect(got('amax', false)).toEqual([1, 9, 3, 1]);
    expect(got('amin', true)).toEqual([1, -7, 3, 1]);
    expect(Array.from(x.scatterReduce(0, bp.tensor([0, 0]), bp.tensor([NaN, 8]), 'amax').data)).toEqual([NaN, 2, 3, 4]);
    const m = bp.zeros([3, 2]).indexReduce(0, [2, 0, 2], bp.tensor([[1, 2], [3, 4], [5, 6]]), 'mean', { includeSelf: false });
    expect(Array.from(m.data)).toEqual([3, 4, 0, 0, 3, 4]);
  });

  it('bad arguments are named', () => {
    const x = bp.zeros([2, 3]);
    expect(() => x.scatterReduce(1, bp.tensor([[0, 3]]), bp.ones([1, 2]), 'sum')).toThrow(/^scatterReduce: index 3 at position 1 is out of range for a dimension of size 3$/);
    expect(() => x.scatterReduce(1, bp.tensor([[0, 1]]), bp.ones([2, 2]), 'sum')).toThrow(/^scatterReduce: src of shape \[2, 2\] must have index's shape \[1, 2\]$/);
    expect(() => x.scatterReduce(1, bp.tensor([[0, 1]]), bp.ones([1, 2]), 'max' as bp.ScatterReduction)).toThrow(/^scatterReduce: reduce must be 'sum', 'prod', 'mean', 'amax', 'amin', got "max"$/);
    expect(() => x.scatterReduce(1, bp.tensor([[0, 1]]), bp.ones([1, 2]), 'sum', { includeSelf: 1 as unknown as boolean })).toThrow(/^scatterReduce: includeSelf must be a boolean, got 1$/);
    expect(() => x.indexReduce(0, [0, 2], bp.ones([2, 3]), 'amax')).toThrow(/^indexReduce: index 2 .*out of range/);
    expect(() => x.indexReduce(0, [0], bp.ones([2, 3]), 'amax')).toThrow(/^indexReduce: source of shape \[2, 3\] must be \[1, 3\]/);
    expect(() => x.indexReduce(0, [0], bp.ones([1, 3]), 'sum' as bp.IndexReduction)).toThrow(/^indexReduce: reduce must be 'prod', 'mean', 'amax', 'amin' \(for sums, indexAdd\), got "sum"$/);
  });
});
