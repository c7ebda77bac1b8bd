// hardtanh, relu6, hardsigmoid, hardswish, logsigmoid, mish, selu, softsign and tanhshrink (and their
// modules) against torch 1.13: values over the whole float range (their regions' edges, large
// magnitudes, infinities, -0, NaN) and gradients away from the kinks, where torch's own vector and
// scalar loops disagree (hardtanh passes a NaN's gradient in one and not the other; hardswish's
// gradient at exactly 3): there ours are its vector loops' (a test of their own below).
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { encodeNumber, expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';

const OPS = ['hardtanh', 'relu6', 'hardsigmoid', 'hardswish', 'logsigmoid', 'mish', 'selu', 'softsign', 'tanhshrink'] as const;
const SPECIAL = [Infinity, -Infinity, NaN, -0, 0, 3, -3, 6, 1, -1, 20, -20, 88, -88, 100, -100, 1e-30, -1e-30, 3.4e38, -3.4e38];
// torch's names for the functions (F.* or torch.*), and module constructors.
const PY: Record<(typeof OPS)[number], string> = {
  hardtanh: 'F.hardtanh(a, p[0], p[1])', relu6: 'F.relu6(a)', hardsigmoid: 'F.hardsigmoid(a)', hardswish: 'F.hardswish(a)',
  logsigmoid: 'F.logsigmoid(a)', mish: 'F.mish(a)', selu: 'torch.selu(a)', softsign: 'F.softsign(a)', tanhshrink: 'F.tanhshrink(a)',
};

function cases(): OpCase[] {
  const r = rng(67);
  const { int, pick } = drawsOf(r);
  const out: OpCase[] = [];
  for (let i = 0; i < 180; i++) {
    const op = OPS[i % OPS.length];
    const n = 1 + int(40);
    // Gradients are compared away from the kinks (-3, 0, 3, 6 and hardtanh's bounds): random floats; values also at SPECIAL.
    const special = r() < 0.3;
    const a = Array.from({ length: n }, () => (special ? pick(SPECIAL) : Math.fround((r() < 0.5 ? 8 : 60) * (2 * r() - 1))));
    const args = op === 'hardtanh' ? pick([[-1, 1], [-2.5, 0.5], [0, 6]]) : [];
    out.push({ op, a, as: [n], args: [...args, special] });
  }
  return out;
}

const upstream = (n: number) => Array.from({ length: n }, (_, i) => (i % 5) - 2);

function run(c: OpCase): OpResult {
  const special = c.args[c.args.length - 1] as boolean;
  const a = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const f = bp[c.op as (typeof OPS)[number]] as (x: Tensor, ...p: number[]) => Tensor;
  const y = f(a, ...(c.args.slice(0, -1) as number[]));
  y.mul(bp.tensor(upstream(y.size), { shape: y.shape as number[] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: special ? null : Array.from(a.grad!.data), gb: null };
}

const TORCH_SCRIPT = `
${PY_CASES_LOOP}
    a = T(c["a"], c["as"], True)
    y = {${OPS.map((o) => `"${o}": lambda: ${PY[o]}`).join(', ')}}[op]()
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": None if p[-1] else enc(a.grad), "gb": None})
print(json.dumps(out))
`;

// PReLU: one slope or one per channel (dimension 1), inputs of 1 to 4 dimensions with zeros and NaN.
function preluCases(): OpCase[] {
  const r = rng(71);
  const { int, pick } = drawsOf(r);
  return Array.from({ length: 60 }, () => {
    const nd = 1 + int(4);
    const as = Array.from({ length: nd }, () => 1 + int(4));
    const channels = nd >= 2 && r() < 0.6 ? as[1] : 1;
    const n = as.reduce((a, b) => a * b, 1);
    return { op: 'prelu', a: Array.from({ length: n }, () => (r() < 0.1 ? pick([0, -0, NaN]) : Math.fround(4 * r() - 2))), as,
      b: Array.from({ length: channels }, () => Math.fround(r() - 0.3)), bs: [channels], args: [] };
  });
}

function runPrelu(c: OpCase): OpResult {
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const m = new nn.PReLU(c.bs![0]);
  m.weight.data.set(c.b!);
  const y = m.forward(x);
  y.mul(bp.tensor(upstream(y.size), { shape: y.shape as number[] })).sum().backward();
  return { y: Array.from(y.data), shape: [...y.shape], ga: Array.from(x.grad!.data), gb: Array.from(m.weight.grad!.data) };
}

const PRELU_SCRIPT = `
${PY_CASES_LOOP}
    a = T(c["a"], c["as"], True)
    m = torch.nn.PReLU(c["bs"][0])
    with torch.no_grad(): m.weight.copy_(T(c["b"], c["bs"], False))
    y = m(a)
    (y * (torch.arange(y.numel()) % 5 - 2).float().reshape(y.shape)).sum().backward()
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(a.grad), "gb": enc(m.weight.grad)})
print(json.dumps(out))
`;

const CASES = cases();
const PRELU_CASES = preluCases();
noteIfNoTorch('the comparison of the extra activations with torch');
eachBackend('hardtanh, relu6, hardsigmoid, hardswish, logsigmoid, mish, selu, softsign, tanhshrink', () => {
  it.runIf(haveTorch)(`${CASES.length} random calls as torch's (values at special points, gradients)`, () => {
    expect(CASES.every((c) => c.a.every((v) => encodeNumber(v) !== undefined))).toBe(true);
    // exp, log1p and tanh are libm's here and Sleef's in torch: within rounding; the clamps exactly.
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, (c) => (['hardtanh', 'relu6', 'hardsigmoid', 'hardswish', 'softsign'].includes(c.op) ? 0 : 2e-6));
  });

  // torch's vector loops' answers (its scalar loops, for tensors shorter than a vector, give
  // hardswish 1.5 at 3 and pass a NaN's gradient through hardtanh).
  it("the kinks' own gradients are torch's: 0 at hardtanh's bounds, NaN and hardsigmoid's -3 and 3, hardswish's 1 at 3", () => {
    const grad = (f: (x: Tensor) => Tensor, v: number[]) => {
      const x = bp.tensor(v, { requiresGrad: true });
      f(x).sum().backward();
      return Array.from(x.grad!.data);
    };
    expect(grad((x) => bp.hardtanh(x), [-1, 1, 0.5, -2, NaN])).toEqual([0, 0, 1, 0, 0]);
    expect(grad(bp.relu6, [0, 6, 3, -0])).toEqual([0, 0, 1, 0]);
    expect(grad(bp.hardsigmoid, [-3, 3, 0])).toEqual([0, 0, Math.fround(1 / 6)]);
    expect(grad(bp.hardswish, [-3, 3, -4])).toEqual([-0.5, 1, 0]);
  });

  it("logsigmoid is +0 (min(x, 0) - log1p(e^-x) with both 0) where x is large, in a full vector's lanes and a tail's", () => {
    const y = Array.from(bp.nn.functional.logsigmoid(bp.tensor([Infinity, 200, 105, 1e30, Infinity, 300, 150, 1e10, 200])).data);
    expect(y.every((v) => Object.is(v, 0)), `${y.map((v) => (Object.is(v, -0) ? '-0' : v))}`).toBe(true);
  });

  it.runIf(haveTorch)(`PReLU: ${PRELU_CASES.length} random inputs and slopes as torch's (output, input and slope gradients)`, () => {
    // The slopes' gradients are sums, in torch's order and ours: within rounding.
    expectOpsLikeTorch(PRELU_CASES, PRELU_SCRIPT, runPrelu, 1e-6);
  });

  it('the modules run the functions, and print as torch prints them', () => {
    const x = bp.tensor([-4, -2.5, -0.5, 0.5, 2.5, 7]);
    const same = (m: nn.Module, y: Tensor) => expect(Array.from((m.forward(x) as Tensor).data)).toEqual(Array.from(y.data));
    same(new nn.Hardtanh(-2, 2), bp.hardtanh(x, -2, 2));
    same(new nn.ReLU6(), bp.relu6(x));
    same(new nn.Hardsigmoid(), bp.hardsigmoid(x));
    same(new nn.Hardswish(), bp.hardswish(x));
    same(new nn.LogSigmoid(), bp.logsigmoid(x));
    same(new nn.Mish(), bp.mish(x));
    same(new nn.SELU(), bp.selu(x));
    same(new nn.Softsign(), bp.softsign(x));
    same(new nn.Tanhshrink(), bp.tanhshrink(x));
    expect(String(new nn.Hardtanh(-2, 2))).toBe('Hardtanh(min_val=-2.0, max_val=2.0)');
    expect(String(new nn.ReLU6())).toBe('ReLU6()');
    expect(String(new nn.PReLU(3))).toBe('PReLU(num_parameters=3)');
    expect(Object.keys(new nn.PReLU(3).stateDict())).toEqual(['weight']);
  });

  it('bad arguments are named', () => {
    expect(() => new nn.Hardtanh(2, 1)).toThrow(/^Hardtanh: minVal 2 is above maxVal 1$/);
    expect(() => bp.hardtanh(bp.zeros([2]), NaN)).toThrow(/^hardtanh: minVal must be a finite number, got NaN$/);
    expect(() => bp.mish([1, 2] as unknown as Tensor)).toThrow(/^mish: /);
    expect(() => new nn.PReLU(0)).toThrow(/^PReLU: numParameters must be a positive integer, got 0$/);
    expect(() => new nn.PReLU(3).forward(bp.zeros([2, 4]))).toThrow(/^prelu: 3 slopes need an input with 3 channels in dimension 1, got shape \[2, 4\]$/);
    expect(() => bp.prelu(bp.zeros([2]), bp.zeros([1, 1]))).toThrow(/^prelu: weight must be 1-D/);
  });
});
