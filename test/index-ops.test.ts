// indexSelect, select and gather against torch 1.13 (values, shapes, gradients with repeated
// indices), and their errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { rng } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_ENCODE } from './helpers/torch_ops';

function cases(): OpCase[] {
  const r = rng(71);
  const out: OpCase[] = [];
  for (let i = 0; i < 90; i++) {
    const nd = 1 + Math.floor(r() * 3);
    const as = Array.from({ length: nd }, () => 1 + Math.floor(r() * 4));
    const a = Array.from({ length: as.reduce((x, y) => x * y, 1) }, () => Math.round(r() * 200 - 100) / 10);
    const dim = Math.floor(r() * nd) - (r() < 0.3 ? nd : 0);
    const d = dim < 0 ? dim + nd : dim;
    const size = as[d];
    // Negative indices for select only: torch.index_select and torch.gather refuse them.
    const pickIndex = () => Math.floor(r() * size);
    const pickSelect = () => Math.floor(r() * size) - (r() < 0.3 ? size : 0);
    const op = ['indexSelect', 'select', 'gather'][i % 3];
    if (op === 'indexSelect') {
      const n = Math.floor(r() * 5);
      out.push({ op, a, as, b: Array.from({ length: n }, pickIndex), bs: [n], args: [dim] });
    } else if (op === 'select') {
      out.push({ op, a, as, args: [dim, pickSelect()] });
    } else {
      const bs = as.map((s, k) => (k === d ? 1 + Math.floor(r() * 4) : 1 + Math.floor(r() * s)));
      out.push({ op, a, as, b: Array.from({ length: bs.reduce((x, y) => x * y, 1) }, pickIndex), bs, args: [dim] });
    }
  }
  return out;
}

function run(c: OpCase): OpResult {
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const [dim, index] = c.args as [number, number];
  let y: Tensor;
  if (c.op === 'indexSelect') y = a.indexSelect(dim, bp.tensor(c.b!, { shape: c.bs }));
  else if (c.op === 'select') y = a.select(dim, index);
  else y = a.gather(dim, bp.tensor(c.b!, { shape: c.bs }));
  y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 4) + 1), { shape: y.shape as number[] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(a.grad!.data), gb: null };
}

const TORCH_SCRIPT = `
import torch, json, sys
${PY_ENCODE}
out = []
for c in json.loads(sys.stdin.read()):
    a = torch.tensor([float(v) for v in c["a"]], dtype=torch.float32).reshape(c["as"]).requires_grad_()
    p = c["args"]
    if c["op"] == "indexSelect": y = torch.index_select(a, p[0], torch.tensor([int(v) for v in c["b"]], dtype=torch.int64))
    elif c["op"] == "select": y = a.select(p[0], p[1])
    else: y = torch.gather(a, p[0], torch.tensor([int(v) for v in c["b"]], dtype=torch.int64).reshape(c["bs"]))
    (y * (torch.arange(y.numel()) % 4 + 1).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(a.grad), "gb": None})
print(json.dumps(out))
`;

const CASES = cases();

noteIfNoTorch('the comparison of indexSelect/select/gather with torch');
eachBackend('indexSelect, select, gather', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch (repeated indices; negative ones in select)`, () => {
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, 1e-6);
  });

  it('picks and gradients by hand; errors are named', () => {
    const x = bp.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const y = x.gather(1, bp.tensor([[2, 2], [0, 1]]));
    expect(y.toArray()).toEqual([[3, 3], [4, 5]]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 0, 2], [1, 1, 0]]);
    expect(x.select(1, -1).toArray()).toEqual([3, 6]);
    expect(x.indexSelect(0, [1, 1, 0]).toArray()).toEqual([[4, 5, 6], [4, 5, 6], [1, 2, 3]]);
    expect(() => x.indexSelect(1, [3])).toThrow(/indexSelect: index 3 at position 0 is out of range for a dimension of size 3/);
    expect(() => x.select(0, 2)).toThrow(/select: index 2 at position 0 is out of range/);
    expect(() => x.gather(1, bp.tensor([0, 1]))).toThrow(/gather: index of shape \[2\] must have the 2 dimensions of the input \[2, 3\]/);
    for (const [bad, at] of [[3, 1], [-1, 1], [-4, 1], [1.5, 2], [NaN, 0], [Infinity, 3]]) {
      const index = [[0, 2], [0, 1]].flat();
      index[at] = bad;
      expect(() => x.gather(1, bp.tensor(index, { shape: [2, 2] }))).toThrow(`gather: index ${bad} at position ${at} is out of range for a dimension of size 3`);
    }
    // Negatives are refused as torch refuses them (a -1 padding mark would otherwise pick the last one);
    // select alone counts from the end, as x[:, -1] does.
    expect(x.gather(1, bp.tensor([[-0], [0]])).toArray()).toEqual([[1], [4]]);
    expect(() => x.indexSelect(1, [0, -1])).toThrow(/indexSelect: index -1 at position 1 is out of range for a dimension of size 3/);
    expect(() => x.select(1, -4)).toThrow(/select: index -4 at position 0 is out of range for a dimension of size 3/);
    expect(x.select(0, -2).toArray()).toEqual([1, 2, 3]);
    expect(() => x.indexSelect(0, bp.zeros([1, 1]))).toThrow(/indexSelect: indices must be 1-D, got shape \[1, 1\]/);
  });
});
