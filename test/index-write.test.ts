// indexAdd, indexCopy and indexFill against torch 1.13 on both backends (values and both
// gradients; duplicates in indexAdd's index add up in order), and their argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng, sizeOfShape } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const r = rng(3037);
const { int, pick, floats: randoms } = drawsOf(r);
const size = sizeOfShape;

// args [dim, index, alpha or fill value]; b the source (none for indexFill).
function cases(): OpCase[] {
  const out: OpCase[] = [];
  while (out.length < 180) {
    const op = pick(['indexAdd', 'indexCopy', 'indexFill']);
    const as = Array.from({ length: 1 + int(3) }, () => 1 + int(5));
    const dim = int(as.length);
    const count = int(6);
    // Duplicates only where the result is defined (torch's index_copy leaves them undefined).
    let index = Array.from({ length: count }, () => int(as[dim]));
    if (op === 'indexCopy') index = [...new Set(index)];
    const bs = as.map((s, i) => (i === dim ? index.length : s));
    const negDim = r() < 0.2 ? dim - as.length : dim;
    const extra = op === 'indexAdd' ? pick([1, 1, 2, -0.5]) : op === 'indexFill' ? pick([0, 1.5, -3]) : null;
    out.push({ op, a: randoms(size(as)), as, ...(op === 'indexFill' ? {} : { b: randoms(size(bs)), bs }), args: [negDim, index, extra] });
  }
  return out;
}

function run(c: OpCase): OpResult {
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const src = c.b ? bp.tensor(c.b, { shape: c.bs, requiresGrad: true }) : null;
  const [dim, index, extra] = c.args as [number, number[], number | null];
  const idx = bp.tensor(index);
  const y = c.op === 'indexAdd' ? x.indexAdd(dim, idx, src!, { alpha: extra! })
    : c.op === 'indexCopy' ? bp.indexCopy(x, dim, index, src!) : x.indexFill(dim, idx, extra!);
  y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [...y.shape] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(x.grad!.data), gb: src ? Array.from(src.grad!.data) : null };
}

const SCRIPT = `
${PY_CASES_LOOP}
    x = T(c["a"], c["as"], True)
    src = T(c["b"], c["bs"], True) if c.get("b") is not None else None
    idx = torch.tensor(p[1], dtype=torch.long)
    if op == "indexAdd":
        y = x.index_add(p[0], idx, src, alpha=p[2])
    elif op == "indexCopy":
        y = x.index_copy(p[0], idx, src)
    else:
        y = x.index_fill(p[0], idx, p[2])
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(x.grad), "gb": None if src is None else enc(src.grad)})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of indexAdd, indexCopy and indexFill with torch');
eachBackend('indexAdd, indexCopy, indexFill', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (bit for bit; alpha's products within 1e-6: torch fuses them)`, () => {
    expectOpsLikeTorch(CASES, SCRIPT, run, (c) => (c.op === 'indexAdd' && c.args[2] !== 1 ? 1e-6 : 0));
  });

  it('duplicates add up in order; errors name the op, the argument and the shapes', () => {
    const x = bp.zeros([3, 2]);
    expect(Array.from(x.indexAdd(0, [2, 0, 2], bp.tensor([[1, 2], [3, 4], [5, 6]])).data)).toEqual([3, 4, 0, 0, 6, 8]);
    expect(Array.from(x.indexCopy(1, [1], bp.ones([3, 1])).data)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(() => x.indexAdd(0, [3], bp.ones([1, 2]))).toThrow(/indexAdd: index 3 at position 0 is out of range for a dimension of size 3/);
    expect(() => x.indexAdd(0, [-1], bp.ones([1, 2]))).toThrow(/indexAdd: index -1 at position 0 is out of range/);
    expect(() => x.indexAdd(0, [0, 1], bp.ones([1, 2]))).toThrow(/indexAdd: source of shape \[1, 2\] must be \[2, 2\] \(the input \[3, 2\] with 2 slices, one per index, along dim 0\)/);
    expect(() => x.indexCopy(2, [0], bp.ones([3, 1]))).toThrow(/indexCopy: dim 2 is out of range/);
    expect(() => x.indexFill(1, bp.zeros([1, 1]), 2)).toThrow(/indexFill: index must be 1-D, got shape \[1, 1\]/);
    expect(() => x.indexFill(1, [0], '2' as unknown as number)).toThrow(/indexFill: value must be a number, got "2"/);
    expect(() => x.indexAdd(0, [0], bp.ones([1, 2]), { alpha: '2' as unknown as number })).toThrow(/indexAdd: alpha must be a number, got string/);
    expect(() => x.indexAdd(0, [0], bp.ones([1, 2]), { beta: 1 } as bp.IndexAddOptions)).toThrow(/indexAdd: unknown option 'beta'/);
    expect(() => bp.indexAdd(bp.tensor(1), 0, [0], bp.ones([1]))).toThrow(/indexAdd: cannot index a zero-dimensional tensor/);
  });
});
