// mm, bmm, outer and addmm against torch 1.13: random shapes (edge sizes among them), addmm's input
// at every broadcastable shape with beta and alpha (0 included: beta 0 ignores the input's NaN);
// values and gradients within the products' rounding. Their argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { Encoded, encodeNumber, expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

function cases(): OpCase[] {
  const r = rng(53);
  const { int, pick } = drawsOf(r);
  const dim = () => pick([1, 2, 3, 7, 8, 9, 17]);
  const vals = (n: number) => Array.from({ length: n }, () => Math.fround(2 * r() - 1));
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const out: OpCase[] = [];
  for (let i = 0; i < 160; i++) {
    const op = pick(['mm', 'bmm', 'outer', 'addmm', 'addmm']);
    const [n, k, m, batch] = [dim(), dim(), dim(), 1 + int(3)];
    if (op === 'outer') out.push({ op, a: vals(n), as: [n], b: vals(m), bs: [m], args: [] });
    else if (op === 'bmm') out.push({ op, a: vals(batch * n * k), as: [batch, n, k], b: vals(batch * k * m), bs: [batch, k, m], args: [] });
    else if (op === 'mm') out.push({ op, a: vals(n * k), as: [n, k], b: vals(k * m), bs: [k, m], args: [] });
    else {
      const cs = pick([[n, m], [m], [1, m], [n, 1], [], [1, 1]]);
      const c = vals(size(cs)).map((v) => (r() < 0.05 ? NaN : v));
      const beta = pick([1, 1, 0, 0.5, -2]);
      // torch propagates the input's NaN unless beta is 0: keep NaN to the cases that test that.
      out.push({ op, a: vals(n * k), as: [n, k], b: vals(k * m), bs: [k, m], args: [beta, pick([1, 1, 0, 3]), (beta === 0 ? c : c.map((v) => (Number.isNaN(v) ? 0.25 : v))).map(encodeNumber), cs] });
    }
  }
  return out;
}

const upstream = (n: number) => Array.from({ length: n }, (_, i) => (i % 5) - 2);

function run(c: OpCase): OpResult {
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const b = bp.tensor(c.b!, { shape: c.bs, requiresGrad: true });
  let y: Tensor;
  let input: Tensor | null = null;
  if (c.op === 'addmm') {
    const [beta, alpha, data, shape] = c.args as [number, number, Encoded[], number[]];
    input = bp.tensor(data.map((v) => (v === 'nan' ? NaN : Number(v))), { shape, requiresGrad: true });
    y = input.addmm(a, b, { beta, alpha });
  } else y = (a as unknown as Record<string, (o: Tensor) => Tensor>)[c.op](b);
  y.mul(bp.tensor(upstream(y.size), { shape: y.shape as number[] })).sum().backward();
  // addmm's input gradient after its value (torch's is zeros at beta 0; ours is not set then).
  const gInput = input ? Array.from(input.grad?.data ?? new Float32Array(input.size)) : [];
  return { y: [...Array.from(y.data), ...gInput], shape: [...y.shape], ga: Array.from(a.grad!.data), gb: Array.from(b.grad!.data) };
}

const TORCH_SCRIPT = `
${PY_CASES_LOOP}
    a = T(c["a"], c["as"], True)
    b = T(c["b"], c["bs"], True)
    extra = []
    if op == "addmm":
        i = T(p[2], p[3], True)
        y = torch.addmm(i, a, b, beta=p[0], alpha=p[1])
    else: y = getattr(torch, op)(a, b)
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    if op == "addmm": extra = enc(i.grad)
    out.append({"y": enc(y.detach()) + extra, "shape": list(y.shape), "ga": enc(a.grad), "gb": enc(b.grad)})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of mm, bmm, outer and addmm with torch');
eachBackend('mm, bmm, outer and addmm', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values and gradients)`, () => {
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, 1e-5);
  });

  it('bad arguments are named', () => {
    const m = bp.zeros([2, 3]);
    expect(() => bp.mm(m, bp.zeros([3]))).toThrow(/^mm: both operands must be matrices \(2-D\), got shapes \[2, 3\] and \[3\]$/);
    expect(() => bp.mm(m, m)).toThrow(/^mm: shapes \[2, 3\] and \[2, 3\] cannot be multiplied \(3 columns against 2 rows\)$/);
    expect(() => bp.bmm(bp.zeros([2, 2, 3]), bp.zeros([3, 3, 2]))).toThrow(/^bmm: batch sizes differ: shapes \[2, 2, 3\] and \[3, 3, 2\]$/);
    expect(() => bp.bmm(m, m)).toThrow(/^bmm: both operands must be batches of matrices \(3-D\)/);
    expect(() => bp.outer(m, bp.zeros([2]))).toThrow(/^outer: both operands must be vectors \(1-D\)/);
    expect(() => bp.zeros([3]).addmm(m, bp.zeros([3, 2]))).toThrow(/^addmm: input against the product: shapes \[3\] and \[2, 2\] cannot be broadcast together/);
    expect(() => bp.zeros([1, 2, 2]).addmm(m, bp.zeros([3, 2]))).toThrow(/^addmm: input of shape \[1, 2, 2\] does not broadcast to the product's shape \[2, 2\]$/);
    expect(() => bp.zeros([2]).addmm(m, bp.zeros([3, 2]), { beta: '1' as unknown as number })).toThrow(/^addmm: beta must be a number, got string$/);
    expect(() => bp.zeros([2]).addmm(m, bp.zeros([3, 2]), { gamma: 1 } as bp.AddmmOptions)).toThrow(/^addmm: unknown option 'gamma' \(the options are beta, alpha\)$/);
  });
});
