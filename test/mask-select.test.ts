// maskedSelect and nonzero against torch 1.13: random shapes with masks that broadcast either way
// (x's gradient summed back over its broadcast dimensions), empty and 0-d tensors, NaN counting as
// nonzero; values and gradients bit for bit. Their argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

function cases(): OpCase[] {
  const r = rng(37);
  const { int, pick } = drawsOf(r);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const out: OpCase[] = [];
  for (let i = 0; i < 120; i++) {
    const nd = int(4);
    const full = Array.from({ length: nd }, () => pick([1, 2, 3, 4, 0]));
    // Either operand may have size-1 dimensions, or fewer dimensions, where the other has more.
    const thin = (s: number[]) => s.slice(int(s.length + 1)).map((d) => (r() < 0.3 ? 1 : d));
    const [as, bs] = r() < 0.5 ? [full, thin(full)] : [thin(full), full];
    const a = Array.from({ length: size(as) }, () => (r() < 0.2 ? 0 : Math.fround(4 * r() - 2)));
    const b = Array.from({ length: size(bs) }, () => (r() < 0.5 ? 0 : 1));
    out.push(r() < 0.7 ? { op: 'maskedSelect', a, as, b, bs, args: [] } : { op: 'nonzero', a: a.map((v) => (r() < 0.05 ? NaN : v)), as, args: [] });
  }
  return out;
}

function run(c: OpCase): OpResult {
  if (c.op === 'nonzero') {
    const y = bp.tensor(c.a, { shape: c.as }).nonzero();
    return { y: Array.from(y.data), shape: [...y.shape], ga: null, gb: null };
  }
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const y: Tensor = a.maskedSelect(bp.tensor(c.b!, { shape: c.bs }));
  y.mul(bp.tensor(Array.from({ length: y.size }, (_, i) => (i % 5) - 2), { shape: [y.size] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(a.grad?.data ?? new Float32Array(a.size)), gb: null };
}

const TORCH_SCRIPT = `
${PY_CASES_LOOP}
    if op == "nonzero":
        y = torch.nonzero(T(c["a"], c["as"], False)).float()
        out.append({"y": enc(y), "shape": list(y.shape), "ga": None, "gb": None})
        continue
    a = T(c["a"], c["as"], True)
    y = torch.masked_select(a, T(c["b"], c["bs"], False) != 0)
    (y * (torch.arange(y.numel()) % 5 - 2).float()).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(a.grad if a.grad is not None else torch.zeros_like(a)), "gb": None})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of maskedSelect and nonzero with torch');
eachBackend('maskedSelect and nonzero', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values and gradients, bit for bit)`, () => {
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, 0);
  });

  it('bad arguments are named', () => {
    expect(() => bp.zeros([2, 3]).maskedSelect(bp.zeros([2]))).toThrow(/^maskedSelect: shapes \[2, 3\] and \[2\] cannot be broadcast together/);
    expect(() => bp.maskedSelect(bp.zeros([2]), [1, 0] as unknown as Tensor)).toThrow(/^maskedSelect: /);
    expect(() => bp.nonzero(3 as unknown as Tensor)).toThrow(/^nonzero: /);
  });
});
