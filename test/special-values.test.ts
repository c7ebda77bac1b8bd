// Every element-wise op at the values where implementations part ways (NaN, infinities, -0, the
// edges of exp's range, denormals, huge magnitudes), against torch 1.13: the outputs and the
// gradients. A gradient rule written from the output, or a mask that tests `x > 0`, differs from
// torch's exactly here, and nowhere a random test would look.
import { it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim, Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_ENCODE } from './helpers/torch_ops';

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 2, -2, 3, -3, 1e-30, -1e-30, 1e-40, -1e-40,
  3.4e38, -3.4e38, 88.72, -87.34, -103.9, 20, -20, 10.5, -10.5, 5.5, -5.5, 0.1, -0.1].map(Math.fround);

/** A Linear layer with these weights and a zero bias. */
function linearOf(w: number[][]): nn.Linear {
  const l = new nn.Linear(w[0].length, w.length);
  l.weight.data.set(w.flat());
  l.bias!.data.fill(0);
  return l;
}

/** Each op as bp computes it, and as torch does (a Python expression in x). */
type Op = [name: string, ours: (x: Tensor) => Tensor, torch: string];
const OPS: Op[] = [
  ['neg', (x) => x.neg(), '-x'],
  ['exp', (x) => x.exp(), 'torch.exp(x)'],
  ['log', (x) => x.log(), 'torch.log(x)'],
  ['log1p', (x) => x.log1p(), 'torch.log1p(x)'],
  ['sign', (x) => x.sign(), 'torch.sign(x)'],
  ['square', (x) => x.square(), 'torch.square(x)'],
  ['reciprocal', (x) => x.reciprocal(), 'torch.reciprocal(x)'],
  ['rsqrt', (x) => x.rsqrt(), 'torch.rsqrt(x)'],
  ['floor', (x) => x.floor(), 'torch.floor(x)'],
  ['ceil', (x) => x.ceil(), 'torch.ceil(x)'],
  ['round', (x) => x.round(), 'torch.round(x)'],
  ['trunc', (x) => x.trunc(), 'torch.trunc(x)'],
  ['frac', (x) => x.frac(), 'torch.frac(x)'],
  ['sin', (x) => x.sin(), 'torch.sin(x)'],
  ['cos', (x) => x.cos(), 'torch.cos(x)'],
  ['erf', (x) => x.erf(), 'torch.erf(x)'],
  ['expm1', (x) => x.expm1(), 'torch.expm1(x)'],
  ['log2', (x) => x.log2(), 'torch.log2(x)'],
  ['log10', (x) => x.log10(), 'torch.log10(x)'],
  ['erfc', (x) => x.erfc(), 'torch.erfc(x)'],
  ['tan', (x) => x.tan(), 'torch.tan(x)'],
  ['atan', (x) => x.atan(), 'torch.atan(x)'],
  ['asin', (x) => x.asin(), 'torch.asin(x)'],
  ['acos', (x) => x.acos(), 'torch.acos(x)'],
  ['sinh', (x) => x.sinh(), 'torch.sinh(x)'],
  ['cosh', (x) => x.cosh(), 'torch.cosh(x)'],
  ['asinh', (x) => x.asinh(), 'torch.asinh(x)'],
  ['acosh', (x) => x.acosh(), 'torch.acosh(x)'],
  ['atanh', (x) => x.atanh(), 'torch.atanh(x)'],
  ['sqrt', (x) => x.sqrt(), 'torch.sqrt(x)'],
  ['abs', (x) => x.abs(), 'torch.abs(x)'],
  ['relu', (x) => x.relu(), 'torch.relu(x)'],
  ['sigmoid', (x) => x.sigmoid(), 'torch.sigmoid(x)'],
  ['tanh', (x) => x.tanh(), 'torch.tanh(x)'],
  ['gelu', (x) => x.gelu(), 'F.gelu(x)'],
  ['silu', (x) => x.silu(), 'F.silu(x)'],
  ['softplus', (x) => x.softplus(), 'F.softplus(x)'],
  ['softplus(2, 5)', (x) => x.softplus(2, 5), 'F.softplus(x, 2, 5)'],
  ['softplus(1, 5)', (x) => x.softplus(1, 5), 'F.softplus(x, 1, 5)'],
  ['softplus(1, -3)', (x) => x.softplus(1, -3), 'F.softplus(x, 1, -3)'],
  ['leakyRelu', (x) => x.leakyRelu(), 'F.leaky_relu(x)'],
  ['leakyRelu(0.2)', (x) => x.leakyRelu(0.2), 'F.leaky_relu(x, 0.2)'],
  ['elu', (x) => x.elu(), 'F.elu(x)'],
  ['elu(0.5)', (x) => x.elu(0.5), 'F.elu(x, 0.5)'],
  ['clamp(-1, 2)', (x) => x.clamp(-1, 2), 'torch.clamp(x, -1, 2)'],
  ['clamp(0)', (x) => x.clamp(0), 'torch.clamp(x, min=0)'],
  ['clamp(null, 0)', (x) => x.clamp(null, 0), 'torch.clamp(x, max=0)'],
  ['clamp(2, -1)', (x) => x.clamp(2, -1), 'torch.clamp(x, 2, -1)'],
  ['clamp(0.1, 0.3)', (x) => x.clamp(0.1, 0.3), 'torch.clamp(x, 0.1, 0.3)'],
  ['maximum(0.5)', (x) => x.maximum(0.5), 'torch.maximum(x, torch.tensor(0.5))'],
  ['minimum(0.5)', (x) => x.minimum(0.5), 'torch.minimum(x, torch.tensor(0.5))'],
  ['maximum(0)', (x) => x.maximum(0), 'torch.maximum(x, torch.tensor(0.0))'],
  ['minimum(0)', (x) => x.minimum(0), 'torch.minimum(x, torch.tensor(0.0))'],
  ['x + 2', (x) => x.add(2), 'x + 2'],
  ['x * 3', (x) => x.mul(3), 'x * 3'],
  ['3 - x', (x) => bp.sub(3, x), '3 - x'],
  ['2 / x', (x) => bp.div(2, x), '2 / x'],
  ['x / 4', (x) => x.div(4), 'x / 4'],
  ['x / 3', (x) => x.div(3), 'x / 3'],
  ['x / 0.1', (x) => x.div(0.1), 'x / 0.1'],
  ['x - 0.1', (x) => x.sub(0.1), 'x - 0.1'],
  ...[0, 0.5, 1, 2, 3, -1, -2, -0.5, 1.5].map((p): Op => [`x ** ${p}`, (x) => x.pow(p), `x ** ${p}`]),
  ['2 ** x', (x) => bp.pow(bp.tensor(2), x), 'torch.tensor(2.0) ** x'],
  // C's pow (torch's, libm's) makes 1 ** NaN, 1 ** ±inf and (-1) ** ±inf 1; JavaScript's Math.pow NaN.
  ...([[NaN, "float('nan')"], [Infinity, "float('inf')"], [-Infinity, "float('-inf')"]] as const).map(([p, py]): Op => [`x ** ${p}`, (x) => x.pow(p), `x ** ${py}`]),
  ['1 ** x', (x) => bp.pow(bp.tensor(1), x), 'torch.tensor(1.0) ** x'],
  ['(-1) ** x', (x) => bp.pow(bp.tensor(-1), x), 'torch.tensor(-1.0) ** x'],
  ['x ** -x', (x) => x.pow(x.neg()), 'x ** (-x)'],
  // A 0-d tensor exponent takes the broadcasting path, whose gradient b * a ** (b - 1) meets (-1) ** inf.
  ...([[NaN, "float('nan')"], [Infinity, "float('inf')"], [-Infinity, "float('-inf')"]] as const).map(([p, py]): Op => [`x ** tensor(${p})`, (x) => bp.pow(x, bp.tensor(p)), `x ** torch.tensor(${py})`]),
  ['x * x', (x) => x.mul(x), 'x * x'],
  // The binaries of binary_more.ts, each special value against the others (x reversed) and a number.
  // torch 1.13's vectorized fmod and remainder give NaN where a / b overflows (3 against 1e-40, in
  // lanes of 8; its scalar loop, on the same values in an array's tail, gives C's fmod: 2.5e-41), so
  // torch's answer for those two is taken one element at a time (the bits its scalar loop gives).
  ...(['atan2', 'fmod', 'remainder', 'logaddexp', 'hypot'] as const).flatMap((f): Op[] => {
    const each = f === 'fmod' || f === 'remainder';
    const py = (a: string, b: string) => (each ? `torch.stack([torch.${f}(u, v) for u, v in zip(${a}, ${b})])` : `torch.${f}(${a}, ${b})`);
    return [
      [`${f}(x, flip)`, (x) => bp[f](x, x.flip([0])), py('x', 'x.flip(0)')],
      [`${f}(x, -2.5)`, (x) => bp[f](x, -2.5), py('x', 'torch.tensor(-2.5).expand(x.shape)')],
      [`${f}(3, x)`, (x) => bp[f](3, x), py('torch.tensor(3.0).expand(x.shape)', 'x')],
    ];
  }),
  ['x / x', (x) => x.div(x), 'x / x'],
  ['x ** x', (x) => x.pow(x), 'x ** x'],
  // Linear then ReLU: the ReLU's backward runs fused into the GEMMs (a gate read from the output).
  ['Linear + ReLU', (x) => new nn.Sequential(linearOf([[1], [-1]]), new nn.ReLU(), linearOf([[1, 1]])).forward(x.reshape([-1, 1])),
    'torch.relu(x.reshape(-1, 1) @ torch.tensor([[1.0, -1.0]])) @ torch.tensor([[1.0], [1.0]])'],
];

/**
 * The ops whose every result must be torch's exact bits (both compute them with the same float
 * operations); the rest (exp-, log- and pow-based) within 2e-6 relative.
 */
const EXACT = new Set(['neg', 'abs', 'sign', 'square', 'reciprocal', 'rsqrt', 'floor', 'ceil', 'round', 'trunc', 'frac', 'relu', 'leakyRelu', 'leakyRelu(0.2)', 'clamp(-1, 2)', 'clamp(0)', 'clamp(null, 0)', 'clamp(2, -1)', 'clamp(0.1, 0.3)', 'maximum(0.5)', 'minimum(0.5)', 'maximum(0)', 'minimum(0)', 'x + 2',
  'x * 3', '3 - x', '2 / x', 'x / 4', 'x / 3', 'x / 0.1', 'x - 0.1', 'sqrt', 'x ** 0', 'x ** 0.5', 'x ** 1', 'x ** 2', 'x ** 3',
  'x ** -1', 'x ** -2', 'x ** -0.5', 'x * x', 'x / x', 'Linear + ReLU',
  'fmod(x, flip)', 'fmod(x, -2.5)', 'fmod(3, x)', 'remainder(x, flip)', 'remainder(x, -2.5)', 'remainder(3, x)']);

/**
 * Reductions, softmax and losses over rows holding the special values: a plain row, rows with +inf,
 * -inf, NaN, only -inf, and huge values (whose squares and sums overflow).
 */
const ROWS = [
  [0.5, -1, 2, 0, -0, 3, -2, 1],
  [1, Infinity, 2, -1, 0, 3, 0.5, -3],
  [-Infinity, 1, -2, 0.5, 3, -Infinity, 2, 0],
  [1, NaN, 0, 2, -1, 0.5, 3, -2],
  [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
  [3e38, 3.4e38, -3e38, 1e38, 2e38, -1e-40, 1e-30, 88.7],
].map((r) => r.map(Math.fround));
const TARGETS = '[2, 1, 0, 3, 5, 4]';
const PROBS = ROWS.map((_, i) => ROWS[0].map((__, j) => (j === (i * 3) % 8 ? 0.65 : 0.05)));
const UNIT = ROWS.map((r) => r.map((v, j) => (Number.isNaN(v) ? v : [0, 1, 0.5, 1e-40, 1 - 6e-8, 0.25, 0, 1][j])));
const table = (rows: number[][]) => bp.tensor(rows);
const pyRows = (rows: number[][]) => `torch.tensor(${JSON.stringify(rows.map((r) => r.map((v) => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v))))}`.replace(/"(-?inf|nan)"/g, "float('$1')") + ')';
const half = ROWS.map((r) => r.map((v) => v / 2));
const MATRIX_OPS: Op[] = [
  ['sum(1)', (x) => x.sum(1), 'x.sum(1)'],
  ['sum', (x) => x.sum(), 'x.sum()'],
  ['mean(0)', (x) => x.mean(0), 'x.mean(0)'],
  ['max(1)', (x) => x.max(1), 'x.max(1)[0]'],
  ['max', (x) => x.max(), 'x.max()'],
  ['min(1)', (x) => x.min(1), 'x.min(1)[0]'],
  ['argmax(1)', (x) => x.argmax(1), 'x.argmax(1).float()'],
  ['var(1)', (x) => x.var(1), 'x.var(1)'],
  ['std(0)', (x) => x.std(0), 'x.std(0)'],
  ['logsumexp(1)', (x) => x.logsumexp(1), 'torch.logsumexp(x, 1)'],
  ['softmax(1)', (x) => x.softmax(1), 'torch.softmax(x, 1)'],
  ['logSoftmax(1)', (x) => x.logSoftmax(1), 'torch.log_softmax(x, 1)'],
  ['softmax(0)', (x) => x.softmax(0), 'torch.softmax(x, 0)'],
  ['crossEntropy', (x) => new nn.CrossEntropyLoss({ reduction: 'none' }).forward(x, bp.tensor(JSON.parse(TARGETS) as number[])), `F.cross_entropy(x, torch.tensor(${TARGETS}), reduction='none')`],
  ['crossEntropy smoothed', (x) => new nn.CrossEntropyLoss({ reduction: 'none', labelSmoothing: 0.1 }).forward(x, bp.tensor(JSON.parse(TARGETS) as number[])), `F.cross_entropy(x, torch.tensor(${TARGETS}), reduction='none', label_smoothing=0.1)`],
  ['crossEntropy probabilities', (x) => new nn.CrossEntropyLoss({ reduction: 'none' }).forward(x, table(PROBS)), `F.cross_entropy(x, ${pyRows(PROBS)}, reduction='none')`],
  ['nll', (x) => new nn.NLLLoss({ reduction: 'none' }).forward(x, bp.tensor(JSON.parse(TARGETS) as number[])), `F.nll_loss(x, torch.tensor(${TARGETS}), reduction='none')`],
  ['mse', (x) => new nn.MSELoss({ reduction: 'none' }).forward(x, table(half)), `F.mse_loss(x, ${pyRows(half)}, reduction='none')`],
  ['mse sum', (x) => new nn.MSELoss({ reduction: 'sum' }).forward(x, table(half)), `F.mse_loss(x, ${pyRows(half)}, reduction='sum')`],
  ['l1', (x) => new nn.L1Loss({ reduction: 'none' }).forward(x, table(half)), `F.l1_loss(x, ${pyRows(half)}, reduction='none')`],
  // At a logit of -inf torch's formula gives NaN (inf - inf) where the loss is +inf (ours); -1e30 stands in.
  ['bceWithLogits', (x) => new nn.BCEWithLogitsLoss({ reduction: 'none' }).forward(x.clamp(-1e30), table(UNIT)),
    `F.binary_cross_entropy_with_logits(torch.clamp(x, min=-1e30), ${pyRows(UNIT)}, reduction='none')`],
  // (a NaN probability is refused, by torch and by us: 0.5 stands in for it)
  ['bce', (x) => new nn.BCELoss({ reduction: 'none' }).forward(bp.where(x.ne(x), 0.5, x.sigmoid()), table(UNIT)),
    `F.binary_cross_entropy(torch.where(x != x, torch.tensor(0.5), torch.sigmoid(x)), ${pyRows(UNIT)}, reduction='none')`],
  // Normalizations over rows with infinities and NaN (and the linear layer's GEMM over them).
  ['layerNorm', (x) => new nn.LayerNorm(8).forward(x), 'F.layer_norm(x, (8,))'],
  ['batchNorm', (x) => new nn.BatchNorm1d(8).forward(x), 'F.batch_norm(x, None, None, training=True)'],
  ['linear', (x) => linearOf([[1, -1, 0.5, 2, 0, 1, -2, 3], [0, 0, 0, 0, 0, 0, 0, 1]]).forward(x), 'x @ torch.tensor([[1.0, -1, 0.5, 2, 0, 1, -2, 3], [0, 0, 0, 0, 0, 0, 0, 1]]).t()'],
];
OPS.push(...MATRIX_OPS);

const CASES: OpCase[] = OPS.map(([name]) => (MATRIX_OPS.some(([m]) => m === name)
  ? { op: name, a: ROWS.flat(), as: [ROWS.length, ROWS[0].length], args: [] }
  : { op: name, a: SPECIAL, as: [SPECIAL.length], args: [] }));

function run(c: OpCase): OpResult {
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const y = OPS.find(([name]) => name === c.op)![1](x);
  if (c.op === 'argmax(1)') return { y: Array.from(y.data), shape: [...y.shape], ga: null, gb: null };
  // Upstream gradients of both signs and a zero, so that 0 * inf and sign errors show.
  y.backward(bp.tensor(Array.from({ length: y.size }, (_, i) => [1, -2, 0.5, 0][i % 4]), { shape: y.shape as number[] }));
  return { y: Array.from(y.data), shape: [...y.shape], ga: x.grad ? Array.from(x.grad.data) : null, gb: null };
}

const TORCH_SCRIPT = `
import torch, json, sys
import torch.nn.functional as F
${PY_ENCODE}
ops = {${OPS.map(([name, , py]) => `${JSON.stringify(name)}: lambda x: ${py}`).join(', ')}}
out = []
for c in json.loads(sys.stdin.read()):
    x = torch.tensor([float(v) for v in c["a"]], dtype=torch.float32).reshape(c["as"]).requires_grad_(True)
    y = ops[c["op"]](x)
    if c["op"] == "argmax(1)":
        out.append({"y": enc(y), "shape": list(y.shape), "ga": None, "gb": None}); continue
    y.backward(torch.tensor([[1, -2, 0.5, 0][i % 4] for i in range(y.numel())], dtype=torch.float32).reshape(y.shape))
    out.append({"y": enc(y.detach()), "shape": list(y.shape), "ga": enc(x.grad), "gb": None})
print(json.dumps(out))
`;

/**
 * Two optimizer steps on parameters of special values with gradients of special values (an
 * infinite or NaN gradient poisons its own element only, a zero leaves -0 alone, huge ones overflow
 * the moments), as torch.optim gives them.
 */
const PARAMS = [0.5, -0.5, 0, -0, 1e-30, 3e38, -2, 1, 1e-40, 7, 0.25, -3, 1e20, 2].map(Math.fround);
const GRADS = [Infinity, -Infinity, NaN, 0, 1e-40, 3e38, -3e38, 1e-20, 2, -0.5, 0, 1e19, -1e-30, 0.75].map(Math.fround);
const OPTIMIZERS: [name: string, make: (p: bp.Tensor[]) => optim.Optimizer, torch: string][] = [
  ['SGD', (p) => new optim.SGD(p, { lr: 0.1 }), 'torch.optim.SGD(p, lr=0.1)'],
  ['SGD momentum nesterov decay', (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }), 'torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)'],
  ['Adam', (p) => new optim.Adam(p, { lr: 0.01 }), 'torch.optim.Adam(p, lr=0.01)'],
  ['Adam amsgrad', (p) => new optim.Adam(p, { lr: 0.01, amsgrad: true }), 'torch.optim.Adam(p, lr=0.01, amsgrad=True)'],
  ['AdamW', (p) => new optim.AdamW(p, { lr: 0.01, weightDecay: 0.1 }), 'torch.optim.AdamW(p, lr=0.01, weight_decay=0.1)'],
  ['RMSprop centered momentum', (p) => new optim.RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true }), 'torch.optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True)'],
  ['Adagrad', (p) => new optim.Adagrad(p, { lr: 0.1, lrDecay: 0.01 }), 'torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01)'],
];
const OPTIM_CASES: OpCase[] = OPTIMIZERS.map(([name]) => ({ op: name, a: PARAMS, as: [PARAMS.length], b: GRADS, bs: [GRADS.length], args: [] }));

function runOptimizer(c: OpCase): OpResult {
  const p = new nn.Parameter(bp.tensor(c.a));
  const opt = OPTIMIZERS.find(([name]) => name === c.op)![1]([p]);
  for (let step = 0; step < 2; step++) {
    p.grad = bp.tensor(c.b!);
    opt.step();
  }
  return { y: Array.from(p.data), shape: [...p.shape], ga: null, gb: null };
}

const OPTIM_SCRIPT = `
import torch, json, sys
${PY_ENCODE}
T = lambda v: torch.tensor([float(x) for x in v], dtype=torch.float32)
make = {${OPTIMIZERS.map(([name, , py]) => `${JSON.stringify(name)}: lambda p: ${py}`).join(', ')}}
out = []
for c in json.loads(sys.stdin.read()):
    p = torch.nn.Parameter(T(c["a"]))
    opt = make[c["op"]]([p])
    for _ in range(2):
        p.grad = T(c["b"])
        opt.step()
    out.append({"y": enc(p.detach()), "shape": list(p.shape), "ga": None, "gb": None})
print(json.dumps(out))
`;

noteIfNoTorch('the comparison of element-wise ops at special values with torch');
eachBackend('special values', () => {
  it.runIf(haveTorch)(`${OPS.length} ops at NaN, infinities, -0, range edges and denormals as torch (values and gradients)`, () => {
    expectOpsLikeTorch(CASES, TORCH_SCRIPT, run, (c) => (EXACT.has(c.op) ? 0 : 2e-6));
  });

  it.runIf(haveTorch)(`${OPTIMIZERS.length} optimizers: two steps on special parameters with special gradients as torch.optim`, () => {
    expectOpsLikeTorch(OPTIM_CASES, OPTIM_SCRIPT, runOptimizer, 2e-6);
  });
});
