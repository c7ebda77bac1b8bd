// Random calls of the tensor ops against torch 1.13, values and gradients: broadcasting, negative
// dims, 0-d tensors and dimensions of size 0 (where var divided by -1 and logsumexp threw), matmul
// in its 1-d and batched forms, the shape, cut and index ops. A call torch refuses must be refused
// too, and one torch answers must be answered.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { rng, drawsOf } from './helpers/random';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { encodeNumber, Encoded, expectLike, PY_ENCODE } from './helpers/torch_ops';

interface Call { op: string; inputs: { shape: number[]; data: number[] }[]; args: unknown[]; w?: number[] }
interface Answer { error?: string; shape?: number[]; y?: Encoded[]; grads?: (Encoded[] | null)[] }

const UNARY = ['neg', 'exp', 'log', 'sqrt', 'abs', 'relu', 'sigmoid', 'tanh', 'gelu', 'silu', 'softplus', 'log1p', 'sign', 'floor', 'ceil', 'round', 'trunc', 'frac', 'sin', 'cos', 'erf', 'expm1', 'log2', 'log10', 'erfc',
  'tan', 'atan', 'asin', 'acos', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh'];
// Where a unary op is defined, as [low, width] (the rest draw from [-2, 2)).
const UNARY_DOMAIN: Record<string, [number, number]> = { log: [0.2, 2], sqrt: [0.2, 2], log1p: [0.2, 2], asin: [-0.95, 1.9], acos: [-0.95, 1.9], atanh: [-0.95, 1.9], acosh: [1.05, 2] };
const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'atan2', 'fmod', 'remainder', 'logaddexp', 'hypot'];
const REDUCE = ['sum', 'mean', 'max', 'min', 'argmax', 'argmin', 'logsumexp', 'var', 'std'];

function calls(): Call[] {
  const r = rng(83);
  const { int, pick } = drawsOf(r);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const shapeOf = (nd: number) => Array.from({ length: nd }, () => pick([1, 2, 3, 5, 1, 2, 0]));
  // A shape that broadcasts with s: some dims 1, some leading ones dropped, maybe one added.
  const against = (s: number[]) => {
    const t = s.map((d) => (r() < 0.3 ? 1 : d)).slice(int(s.length + 1));
    return r() < 0.15 ? [1, ...t] : t;
  };
  const input = (shape: number[], positive = false, [low, width] = positive ? [0.2, 2] : [-2, 4]) => ({ shape, data: Array.from({ length: size(shape) }, () => Math.fround(low + width * r())) });
  const dimOf = (nd: number) => (nd === 0 ? int(2) - 1 : int(2 * nd) - nd); // negative half the time (a 0-d tensor's dims: 0 and -1)
  const out: Call[] = [];
  while (out.length < 400) {
    const nd = int(5);
    const s = shapeOf(nd);
    const kind = pick(['unary', 'binary', 'binary', 'reduce', 'reduce', 'softmax', 'matmul', 'shape', 'index', 'index']);
    if (kind === 'unary') {
      const op = pick(UNARY);
      out.push({ op, inputs: [input(s, false, UNARY_DOMAIN[op])], args: [] });
    } else if (kind === 'binary') {
      const op = pick(BINARY);
      const t = against(s);
      if (r() < 0.2) out.push({ op, inputs: [input(s, op === 'pow')], args: [Math.fround(pick([2, 0.5, -1.5, 3]))] });
      else if (r() < 0.5) out.push({ op, inputs: [input(t, op === 'pow'), input(s, op === 'div')], args: [] });
      else out.push({ op, inputs: [input(s, op === 'pow'), input(t, op === 'div')], args: [] });
    } else if (kind === 'reduce') {
      const op = pick(REDUCE);
      const whole = nd === 0 || r() < 0.2;
      if (op === 'logsumexp') out.push({ op, inputs: [input(s)], args: [whole ? (nd ? -1 : 0) : dimOf(nd), r() < 0.5] });
      else if (['sum', 'mean', 'var', 'std'].includes(op) && r() < 0.4) {
        // A list of dims (in any order, negative ones too; sometimes one twice, which both refuse).
        const dims = Array.from({ length: int(nd + 1) }, () => dimOf(Math.max(nd, 1)));
        out.push({ op, inputs: [input(s)], args: [dims, r() < 0.5] });
      } else out.push({ op, inputs: [input(s)], args: whole ? [] : [dimOf(nd), r() < 0.5] });
    } else if (kind === 'softmax') {
      if (nd > 0) out.push({ op: pick(['softmax', 'logSoftmax']), inputs: [input(s)], args: [dimOf(nd)] });
    } else if (kind === 'matmul') {
      const [m, k, n] = [pick([1, 2, 3, 0]), pick([1, 2, 4, 0]), pick([1, 3, 0])];
      const batch = pick([[], [2], [2, 1], [1, 3]]);
      const form = int(5);
      const [a, b] = form === 0 ? [[k], [k]] : form === 1 ? [[k], [...batch, k, n]] : form === 2 ? [[...batch, m, k], [k]]
        : r() < 0.5 ? [[...batch, m, k], [...against(batch), k, n]] : [[...against(batch), m, k], [...batch, k, n]];
      out.push({ op: 'matmul', inputs: [input(a), input(b)], args: [] });
    } else if (kind === 'shape') {
      const op = pick(['transpose', 'flatten', 'squeeze', 'unsqueeze', 'permute']);
      const perm = [...Array(nd).keys()].sort(() => r() - 0.5);
      const args = op === 'transpose' ? [dimOf(nd), dimOf(nd)] : op === 'flatten' ? (nd ? [int(nd)] : []) : op === 'squeeze' ? (nd && r() < 0.7 ? [dimOf(nd)] : [])
        : op === 'unsqueeze' ? [int(2 * nd + 2) - nd - 1] : [perm];
      if (op !== 'transpose' || nd > 0) out.push({ op, inputs: [input(s)], args });
    } else if (nd > 0) {
      const op = pick(['select', 'split', 'chunk', 'gather', 'indexSelect', 'cat', 'stack', 'narrow', 'expand', 'repeat']);
      const d = int(nd);
      const x = input(s);
      if (op === 'select' && s[d] > 0) out.push({ op, inputs: [x], args: [d - (r() < 0.5 ? nd : 0), int(s[d]) - (r() < 0.3 ? s[d] : 0)] });
      if (op === 'split' || op === 'chunk') out.push({ op, inputs: [x], args: [pick([1, 2, 3]), d] });
      if (op === 'gather') {
        const t = s.map((v, i) => (i === d ? pick([0, 1, 2, 4]) : Math.max(0, v - int(2))));
        if (s[d] > 0 || size(t) === 0) out.push({ op, inputs: [x], args: [d, t, Array.from({ length: size(t) }, () => int(s[d]))] });
      }
      if (op === 'indexSelect') {
        const n = pick([0, 1, 3]);
        if (s[d] > 0 || n === 0) out.push({ op, inputs: [x], args: [d, Array.from({ length: n }, () => int(s[d]))] });
      }
      if (op === 'cat') { const t = [...s]; t[d] = pick([0, 1, 2]); out.push({ op, inputs: [x, input(t)], args: [d - (r() < 0.5 ? nd : 0)] }); }
      if (op === 'stack') out.push({ op, inputs: [x, input(s)], args: [int(2 * nd + 2) - nd - 1] });
      if (op === 'narrow') { const start = int(s[d] + 1); out.push({ op, inputs: [x], args: [d, start, int(s[d] - start + 1)] }); }
      if (op === 'expand') out.push({ op, inputs: [x], args: [[...(r() < 0.3 ? [2] : []), ...s.map((v) => (v === 1 ? pick([1, 3]) : v))]] });
      if (op === 'repeat') out.push({ op, inputs: [x], args: [[...(r() < 0.3 ? [2] : []), ...s.map(() => pick([1, 2]))]] });
    }
  }
  // The upstream gradient of each output is fixed by its size, the same numbers on both sides.
  return out;
}

const upstream = (n: number) => Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2);

function run(c: Call): { shape: number[]; y: number[]; grads: (number[] | null)[] } {
  const ts = c.inputs.map((i) => bp.tensor(i.data, { shape: i.shape, requiresGrad: true }));
  const [a, b] = ts;
  const args = c.args as never[];
  const idx = (v: number[], shape: number[]) => bp.tensor(v, { shape });
  let y: Tensor;
  if (BINARY.includes(c.op)) y = (a as unknown as Record<string, (o: Tensor | number) => Tensor>)[c.op](b ?? (args[0] as number));
  else if (c.op === 'matmul') y = a.matmul(b);
  else if (c.op === 'var' || c.op === 'std') y = args.length ? a[c.op](args[0], { keepDim: args[1] }) : a[c.op]();
  else if (c.op === 'split' || c.op === 'chunk') y = bp.cat(a[c.op](args[0], args[1]).map((p) => p.mul(2)), args[1]);
  else if (c.op === 'gather') y = a.gather(args[0], idx(args[2], args[1]));
  else if (c.op === 'indexSelect') y = a.indexSelect(args[0], idx(args[1], [(args[1] as number[]).length]));
  else if (c.op === 'cat' || c.op === 'stack') y = bp[c.op]([a, b], args[0]);
  else y = (a as unknown as Record<string, (...p: unknown[]) => Tensor>)[c.op](...args);
  const diff = !['argmax', 'argmin'].includes(c.op);
  if (diff) y.mul(bp.tensor(upstream(y.size), { shape: y.shape as number[] })).sum().backward();
  return { shape: [...y.shape], y: Array.from(y.data), grads: ts.map((t) => (diff && t.grad ? Array.from(t.grad.data) : null)) };
}

const TORCH_SCRIPT = `
import torch, json, sys
import torch.nn.functional as F
${PY_ENCODE}
dec = lambda v: float(v) if isinstance(v, str) else v
binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "maximum": torch.maximum, "minimum": torch.minimum, "pow": torch.pow,
    "atan2": torch.atan2, "fmod": torch.fmod, "remainder": torch.remainder, "logaddexp": torch.logaddexp, "hypot": torch.hypot}
upstream = lambda n: torch.tensor([((i * 7) % 5) - 2 for i in range(n)], dtype=torch.float32)
out = []
for c in json.loads(sys.stdin.read()):
    op, p = c["op"], c["args"]
    ts = [torch.tensor([dec(v) for v in i["data"]], dtype=torch.float32).reshape(i["shape"]).requires_grad_() for i in c["inputs"]]
    a = ts[0]; b = ts[1] if len(ts) > 1 else None
    try:
        if op in binary: y = binary[op](a, b if b is not None else torch.tensor(p[0]))
        elif op == "matmul": y = a.matmul(b)
        elif op in ("max", "min") and p: y = getattr(a, op)(p[0], keepdim=p[1]).values
        elif op in ("sum", "mean", "argmax", "argmin", "var", "std", "logsumexp") and p: y = getattr(a, op)(p[0], keepdim=p[1])
        elif op == "gelu": y = F.gelu(a)
        elif op == "silu": y = F.silu(a)
        elif op == "softplus": y = F.softplus(a)
        elif op in ("softmax", "logSoftmax"): y = (torch.softmax if op == "softmax" else torch.log_softmax)(a, p[0])
        elif op in ("split", "chunk"): y = torch.cat([q * 2 for q in getattr(a, op)(p[0], p[1])], p[1])
        elif op == "gather": y = a.gather(p[0], torch.tensor(p[2], dtype=torch.int64).reshape(p[1]))
        elif op == "indexSelect": y = a.index_select(p[0], torch.tensor(p[1], dtype=torch.int64))
        elif op in ("cat", "stack"): y = getattr(torch, op)([a, b], p[0])
        elif op in ("permute", "expand", "repeat"): y = getattr(a, op)(p[0])
        else: y = getattr(a, op)(*p)
    except Exception as e:
        out.append({"error": str(e)[:200]}); continue
    diff = op not in ("argmax", "argmin")
    if diff and y.numel() > 0:
        try: (y * upstream(y.numel()).reshape(y.shape)).sum().backward()
        except RuntimeError: diff = False  # torch 1.13's var of one element along a dim has no backward
    grads = [enc(t.grad if t.grad is not None else torch.zeros_like(t)) if diff else None for t in ts]
    out.append({"shape": list(y.shape), "y": enc(y.detach().float()), "grads": grads})
print(json.dumps(out))
`;

const CALLS = calls();
let answers: Answer[] | null = null;
function torchAnswers(): Answer[] {
  if (!answers) {
    const input = JSON.stringify(CALLS.map((c) => ({ ...c, inputs: c.inputs.map((i) => ({ shape: i.shape, data: i.data.map(encodeNumber) })) })));
    answers = torchJson<Answer[]>(TORCH_SCRIPT, input);
  }
  return answers;
}

const TOL = 2e-5;

noteIfNoTorch('the random op calls against torch');
eachBackend('random op calls', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's, with empty and 0-d shapes`, () => {
    const want = torchAnswers();
    CALLS.forEach((c, i) => {
      const what = `call ${i}: ${c.op} ${c.inputs.map((x) => `[${x.shape}]`).join(' ')} ${JSON.stringify(c.args)}`;
      const t = want[i];
      // torch has no number overload of maximum/minimum; we take one (as the other binary ops do).
      if (t.error !== undefined && ['maximum', 'minimum'].includes(c.op) && c.inputs.length === 1) return;
      if (t.error !== undefined) {
        expect(() => run(c), `${what}: torch refuses it (${t.error})`).toThrow();
        return;
      }
      const got = run(c);
      expect(got.shape, what).toEqual(t.shape);
      expectLike(got.y, t.y!, `${what} value`, TOL);
      // Where var divides by 0 torch's gradient is its own (inf for one element, where 0 * inf is NaN).
      if (['var', 'std'].includes(c.op) && !got.y.every(Number.isFinite)) return;
      got.grads.forEach((g, k) => { if (t.grads![k] !== null) expectLike(g ?? new Array<number>(t.grads![k]!.length).fill(0), t.grads![k]!, `${what} grad ${k}`, TOL); });
    });
  });
});
