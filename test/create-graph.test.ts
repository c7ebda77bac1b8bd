// createGraph (torch's create_graph=True) against torch 1.13 in float64 from the same float32 inputs:
// for each op with a recorded backward, the gradient of sum(f(inputs)^2) with createGraph, the
// Hessian product got by differentiating it again, and the third derivative along v, v (the
// rules' own rules); the gradient's values against the kernels'
// walk; a gradient penalty, a Hessian-vector product through backward({ createGraph }) and a
// physics-informed network's second input derivative, each down to the parameters' gradients; a third
// derivative; hooks; and the error for an op without a recorded backward.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { values } from './helpers/torch_calls';
import { setConvByImageFloats } from '../lib/ops/conv';

const F = nn.functional;
type T = bp.Tensor;

/** An input: its shape and the range its values are drawn from. */
interface In { shape: number[]; lo?: number; hi?: number }
/** A case: f(inputs) in both languages (the inputs are named a, b, c in Python). */
interface Case { name: string; inputs: In[]; ours: (...t: T[]) => T; py: string }

const A = (lo = -2, hi = 2): In => ({ shape: [2, 3], lo, hi });
const unary = (name: string, ours: (a: T) => T, py: string, lo = -2, hi = 2): Case => ({ name, inputs: [A(lo, hi)], ours, py });

const CASES: Case[] = [
  unary('exp', (a) => a.exp(), 'a.exp()'),
  unary('log', (a) => a.log(), 'a.log()', 0.2, 2),
  unary('sqrt', (a) => a.sqrt(), 'a.sqrt()', 0.2, 2),
  unary('abs', (a) => a.abs(), 'a.abs()'),
  unary('relu', (a) => a.relu(), 'a.relu()'),
  unary('sigmoid', (a) => a.sigmoid(), 'a.sigmoid()'),
  unary('tanh', (a) => a.tanh(), 'a.tanh()'),
  unary('gelu', (a) => F.gelu(a), 'F.gelu(a)'),
  unary('leakyRelu', (a) => F.leakyRelu(a, 0.1), 'F.leaky_relu(a, 0.1)'),
  unary('elu', (a) => F.elu(a, 1.3), 'F.elu(a, 1.3)'),
  unary('silu', (a) => F.silu(a), 'F.silu(a)'),
  unary('softplus', (a) => F.softplus(a), 'F.softplus(a)'),
  unary('softplus beta 2 threshold 1', (a) => F.softplus(a, 2, 1), 'F.softplus(a, 2, 1)'),
  unary('pow 3', (a) => a.pow(3), 'a.pow(3)'),
  unary('pow 0.5', (a) => a.pow(0.5), 'a.pow(0.5)', 0.2, 2),
  unary('pow 0', (a) => a.pow(0).mul(a), 'a.pow(0) * a'),
  unary('square', (a) => a.square(), 'a.square()'),
  unary('scalar arithmetic', (a) => a.mul(3).add(1).sub(0.5).div(2), '(a * 3 + 1 - 0.5) / 2'),
  unary('number minus and over', (a) => bp.sub(2, a).mul(bp.div(3, a)), '(2 - a) * (3 / a)', 0.3, 2),
  unary('reciprocal', (a) => a.reciprocal(), 'a.reciprocal()', 0.3, 2),
  unary('rsqrt', (a) => a.rsqrt(), 'a.rsqrt()', 0.3, 2),
  unary('neg', (a) => a.neg().mul(a), '-a * a'),
  unary('log1p', (a) => a.log1p(), 'a.log1p()', -0.5, 2),
  unary('clamp', (a) => a.clamp(-0.5, 0.7).mul(a), 'a.clamp(-0.5, 0.7) * a'),
  unary('sin', (a) => a.sin(), 'a.sin()'),
  unary('cos', (a) => a.cos(), 'a.cos()'),
  unary('erf', (a) => a.erf(), 'a.erf()'),
  unary('erfc', (a) => a.erfc(), 'a.erfc()'),
  unary('expm1', (a) => a.expm1(), 'a.expm1()'),
  unary('log2', (a) => a.log2(), 'a.log2()', 0.2, 2),
  unary('log10', (a) => a.log10(), 'a.log10()', 0.2, 2),
  unary('tan', (a) => a.tan(), 'a.tan()', -1.2, 1.2),
  unary('atan', (a) => a.atan(), 'a.atan()'),
  unary('asin', (a) => a.asin(), 'a.asin()', -0.9, 0.9),
  unary('acos', (a) => a.acos(), 'a.acos()', -0.9, 0.9),
  unary('sinh', (a) => a.sinh(), 'a.sinh()'),
  unary('cosh', (a) => a.cosh(), 'a.cosh()'),
  unary('asinh', (a) => a.asinh(), 'a.asinh()'),
  unary('acosh', (a) => a.acosh(), 'a.acosh()', 1.2, 3),
  unary('atanh', (a) => a.atanh(), 'a.atanh()', -0.9, 0.9),
  unary('sign and floor', (a) => a.sign().add(a.floor()).mul(a.square()), '(a.sign() + a.floor()) * a.square()'),
  unary('hardtanh', (a) => F.hardtanh(a, -0.8, 1.1).mul(a), 'F.hardtanh(a, -0.8, 1.1) * a'),
  // (torch 1.13 has no double backward for hardsigmoid: its formula composed in Python.)
  unary('hardsigmoid', (a) => F.hardsigmoid(a.mul(2)).mul(a), '(a * 2 + 3).clamp(0, 6) / 6 * a'),
  unary('hardswish', (a) => F.hardswish(a.mul(2)), 'F.hardswish(a * 2)'),
  unary('logsigmoid', (a) => F.logsigmoid(a), 'F.logsigmoid(a)'),
  unary('mish', (a) => F.mish(a), 'F.mish(a)'),
  unary('selu', (a) => F.selu(a), 'F.selu(a)'),
  unary('celu', (a) => F.celu(a, 0.7), 'F.celu(a, 0.7)'),
  unary('hardshrink softshrink threshold', (a) => F.hardshrink(a, 0.4).add(F.softshrink(a, 0.3)).add(F.threshold(a, 0.2, -1)).mul(a), '(F.hardshrink(a, 0.4) + F.softshrink(a, 0.3) + F.threshold(a, 0.2, -1)) * a'),
  unary('var and std', (a) => a.var(1).add(a.std(0, { correction: 0 }).sum()).mul(a.std()), '(a.var(1) + a.std(0, unbiased=False).sum()) * a.std()'),
  unary('cumsum', (a) => a.cumsum(1).mul(a.cumsum(0)), 'a.cumsum(1) * a.cumsum(0)'),
  unary('pad', (a) => F.pad(a, [1, -1, 2, 0], { value: 0.5 }).sin(), 'F.pad(a, [1, -1, 2, 0], value=0.5).sin()'),
  unary('reflect pad', (a) => F.pad(a.reshape([1, 2, 3]), [2, 1], { mode: 'reflect' }).sin(), "F.pad(a.reshape(1, 2, 3), [2, 1], mode='reflect').sin()"),
  unary('embedding', (a) => F.embedding(bp.tensor([[2, 0], [0, 1]]), a.reshape([3, 2]), { paddingIdx: 1 }).sin(), 'F.embedding(torch.tensor([[2, 0], [0, 1]]), a.reshape(3, 2), padding_idx=1).sin()'),
  { name: 'atan2 hypot logaddexp', inputs: [A(), { shape: [3], lo: 0.5, hi: 2 }], ours: (a, b) => a.atan2(b).mul(a.hypot(b)).add(a.logaddexp(b.mul(a))), py: 'a.atan2(b) * a.hypot(b) + a.logaddexp(b * a)' },
  { name: 'fmod remainder', inputs: [A(), { shape: [3], lo: 0.5, hi: 2 }], ours: (a, b) => a.fmod(b).mul(a.remainder(b.neg())).mul(b), py: 'a.fmod(b) * a.remainder(-b) * b' },
  { name: 'broadcast add sub mul div', inputs: [A(), { shape: [3] }, { shape: [2, 1], lo: 0.5, hi: 2 }], ours: (a, b, c) => a.add(b).mul(a.sub(c)).div(c).mul(b), py: '(a + b) * (a - c) / c * b' },
  { name: 'pow of tensors', inputs: [A(0.3, 2), { shape: [3], lo: -1.5, hi: 2.5 }], ours: (a, b) => a.pow(b), py: 'a.pow(b)' },
  { name: 'maximum minimum', inputs: [A(), { shape: [3] }], ours: (a, b) => bp.maximum(a, b).mul(bp.minimum(a, b.mul(0.5))), py: 'torch.maximum(a, b) * torch.minimum(a, b * 0.5)' },
  { name: 'where', inputs: [A(), { shape: [3] }], ours: (a, b) => bp.where(bp.gt(a, 0), a.mul(b), b.exp()), py: 'torch.where(a > 0, a * b, b.exp())' },
  { name: 'reshape transpose permute expand', inputs: [{ shape: [2, 3, 4] }, { shape: [3, 1] }], ours: (a, b) => a.transpose(0, 2).reshape([4, 6]).mul(a.permute([2, 0, 1]).reshape([4, 6])).add(b.expand([2, 3, 4]).reshape([4, 6]).exp()), py: '(a.transpose(0, 2).reshape(4, 6) * a.permute(2, 0, 1).reshape(4, 6)) + b.expand(2, 3, 4).reshape(4, 6).exp()' },
  { name: 'sum and mean over dims', inputs: [{ shape: [2, 3, 4] }], ours: (a) => a.sum(1).mul(a.mean([0, 2], true).reshape([3]).sum()).add(a.exp().mean()), py: 'a.sum(1) * a.mean([0, 2], True).reshape(3).sum() + a.exp().mean()' },
  // roll's two strided copies, their rule a roll back (of a product, so the second derivative is not zero).
  { name: 'roll along two dims', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 3, 4] }], ours: (a, b) => bp.roll(a.mul(b), [1, -3], [1, 2]).mul(bp.roll(a, 2, 2)), py: 'torch.roll(a * b, (1, -3), (1, 2)) * torch.roll(a, 2, 2)' },
  // tril and triu copy each row's kept run (rows of 64 and more; shorter ones element by element, in the fuzz against torch).
  { name: 'tril and triu over rows of 70', inputs: [{ shape: [2, 3, 70] }, { shape: [2, 3, 70] }], ours: (a, b) => a.mul(b).tril(1).add(a.triu(-1).mul(a)), py: '(a * b).tril(1) + a.triu(-1) * a' },
  // diff's one subtraction of offset views, its rule gy between zeros subtracted (of a product, along a middle dim; n = 1,
  // so that a rule of the wrong sign is not squared away).
  { name: 'diff along a middle dim', inputs: [{ shape: [2, 5, 3] }, { shape: [2, 5, 3] }], ours: (a, b) => bp.diff(a.mul(b), 1, 1).mul(bp.diff(a, 1, 1)), py: 'torch.diff(a * b, n=1, dim=1) * torch.diff(a, n=1, dim=1)' },
  { name: 'cat and narrow', inputs: [A(), { shape: [2, 2] }], ours: (a, b) => bp.cat([a.sin(), b], 1).narrow(1, 1, 3).mul(bp.cat([b, a], 1).narrow(1, 2, 3)), py: 'torch.cat([a.sin(), b], 1).narrow(1, 1, 3) * torch.cat([b, a], 1).narrow(1, 2, 3)' },
  { name: 'softmax logSoftmax', inputs: [{ shape: [3, 4] }], ours: (a) => a.softmax(1).mul(a.logSoftmax(0)), py: 'a.softmax(1) * a.log_softmax(0)' },
  { name: 'matmul 2-d and vector', inputs: [{ shape: [3, 4] }, { shape: [4, 2] }, { shape: [2] }], ours: (a, b, c) => a.matmul(b).tanh().matmul(c), py: '(a @ b).tanh() @ c' },
  { name: 'matmul batched and broadcast', inputs: [{ shape: [2, 3, 4] }, { shape: [4, 2] }, { shape: [1, 2, 5] }], ours: (a, b, c) => a.matmul(b).sigmoid().matmul(c), py: '(a @ b).sigmoid() @ c' },
  ...(['none', 'relu', 'tanh', 'sigmoid', 'gelu'] as const).map((act): Case => ({
    name: `linear ${act}`, inputs: [{ shape: [4, 3] }, { shape: [5, 3] }, { shape: [5] }],
    ours: (x, w, b) => F.linear(x, w, b, act).mul(x.sum(1, true)),
    py: `${act === 'none' ? '' : act === 'gelu' ? 'F.gelu' : `torch.${act}`}(F.linear(a, b, c)) * a.sum(1, keepdim=True)`,
  })),
  { name: 'linear on a 3-d input', inputs: [{ shape: [2, 4, 3] }, { shape: [5, 3] }], ours: (x, w) => F.linear(x, w, null, 'tanh'), py: 'torch.tanh(F.linear(a, b))' },
  { name: 'layerNorm', inputs: [{ shape: [2, 3, 4] }, { shape: [3, 4] }, { shape: [3, 4] }], ours: (a, b, c) => F.layerNorm(a, [3, 4], { weight: b, bias: c }).mul(a), py: '((a - a.mean([1, 2], keepdim=True)) * torch.rsqrt(((a - a.mean([1, 2], keepdim=True)) ** 2).mean([1, 2], keepdim=True) + 1e-5) * b + c) * a' },
  // (Both norms composed in Python: torch 1.13's own layer_norm and batch_norm have wrong third
  // derivatives, -400 and -0.595 where central differences of their Hessian-vector products and the
  // compositions give -340.6 and 1.560 at points tried.)
  { name: 'batchNorm on batch statistics', inputs: [{ shape: [4, 3, 2] }, { shape: [3] }, { shape: [3] }], ours: (a, b, c) => F.batchNorm(a, null, null, { weight: b, bias: c, training: true }).mul(a), py: '((a - a.mean([0, 2], keepdim=True)) * torch.rsqrt(((a - a.mean([0, 2], keepdim=True)) ** 2).mean([0, 2], keepdim=True) + 1e-5) * b.reshape(1, 3, 1) + c.reshape(1, 3, 1)) * a' },
  { name: 'batchNorm on running statistics', inputs: [{ shape: [4, 3] }, { shape: [3] }, { shape: [3] }], ours: (a, b, c) => F.batchNorm(a, bp.tensor([0.1, -0.2, 0.3]), bp.tensor([0.5, 1.5, 2]), { weight: b, bias: c }).mul(a), py: 'F.batch_norm(a, torch.tensor([0.1, -0.2, 0.3]).double(), torch.tensor([0.5, 1.5, 2]).double(), b, c) * a' },
  { name: 'groupNorm', inputs: [{ shape: [2, 4, 3] }, { shape: [4] }], ours: (a, b) => F.groupNorm(a, 2, { weight: b }).mul(a), py: 'F.group_norm(a, 2, b) * a' },
  { name: 'norm', inputs: [{ shape: [3, 4] }], ours: (a) => a.norm(2, 1).mul(a.norm()), py: 'a.norm(2, 1) * a.norm()' },
  { name: 'conv2d, stride and padding', inputs: [{ shape: [2, 3, 5, 5] }, { shape: [4, 3, 3, 3] }, { shape: [4] }], ours: (a, b, c) => F.conv2d(a, b, c, { stride: 2, padding: 1 }).mul(0.3), py: 'F.conv2d(a, b, c, stride=2, padding=1) * 0.3' },
  { name: 'conv2d, dilation', inputs: [{ shape: [1, 2, 6, 5] }, { shape: [3, 2, 2, 3] }], ours: (a, b) => F.conv2d(a, b, null, { dilation: [2, 1], padding: [1, 0] }).tanh(), py: 'F.conv2d(a, b, None, dilation=(2, 1), padding=(1, 0)).tanh()' },
  { name: 'conv2d, groups', inputs: [{ shape: [2, 4, 4, 4] }, { shape: [6, 2, 3, 3] }, { shape: [6] }], ours: (a, b, c) => F.conv2d(a, b, c, { groups: 2, padding: 1 }).mul(0.3), py: 'F.conv2d(a, b, c, groups=2, padding=1) * 0.3' },
  { name: 'conv2d, depthwise', inputs: [{ shape: [2, 3, 4, 4] }, { shape: [6, 1, 3, 3] }, { shape: [6] }], ours: (a, b, c) => F.conv2d(a, b, c, { groups: 3 }).mul(0.3), py: 'F.conv2d(a, b, c, groups=3) * 0.3' },
  { name: 'conv3d, padding and dilation (one volume at a time)', inputs: [{ shape: [2, 2, 3, 4, 3] }, { shape: [3, 2, 2, 3, 2] }, { shape: [3] }], ours: (a, b, c) => F.conv3d(a, b, c, { padding: 1, dilation: [1, 1, 2] }).mul(0.3), py: 'F.conv3d(a, b, c, padding=1, dilation=(1, 1, 2)) * 0.3' },
  { name: 'convTranspose2d', inputs: [{ shape: [2, 3, 3, 3] }, { shape: [3, 2, 3, 3] }, { shape: [2] }], ours: (a, b, c) => F.convTranspose2d(a, b, c, { stride: 2, padding: 1 }).mul(0.3), py: 'F.conv_transpose2d(a, b, c, stride=2, padding=1) * 0.3' },
  { name: 'gather and indexSelect', inputs: [{ shape: [3, 4] }], ours: (a) => bp.gather(a, 1, bp.tensor([0, 2, 3, 3, 1, 0], { shape: [3, 2] })).sum(1).mul(bp.indexSelect(a, 0, [2, 0, 2]).sum(1)), py: 'a.gather(1, torch.tensor([[0, 2], [3, 3], [1, 0]])).sum(1) * a.index_select(0, torch.tensor([2, 0, 2])).sum(1)' },
  { name: 'max and min along a dim, max of all', inputs: [{ shape: [3, 4] }], ours: (a) => bp.max(a, 1).mul(bp.min(a, 0).sum()).add(bp.max(a)), py: 'a.max(1).values * a.min(0).values.sum() + a.max()' },
  { name: 'maxPool2d', inputs: [{ shape: [1, 2, 4, 4] }], ours: (a) => F.maxPool2d(a, 2, { stride: 1, padding: 1 }), py: 'F.max_pool2d(a, 2, stride=1, padding=1)' },
  { name: 'inv det slogdet logdet', inputs: [{ shape: [2, 3, 3] }], ours: (a) => { const m = a.add(bp.eye(3).mul(3)); return bp.linalg.inv(m).sum([1, 2]).mul(bp.linalg.det(m)).add(bp.linalg.slogdet(m).logabsdet).add(m.logdet()); }, py: '(lambda m: torch.linalg.inv(m).sum([1, 2]) * torch.linalg.det(m) + torch.linalg.slogdet(m).logabsdet + m.logdet())(a + torch.eye(3) * 3)' },
  { name: 'solve', inputs: [{ shape: [2, 3, 3] }, { shape: [3, 2] }], ours: (a, b) => bp.linalg.solve(a.add(bp.eye(3).mul(3)), b), py: 'torch.linalg.solve(a + torch.eye(3) * 3, b)' },
  { name: 'scatter and scatterAdd', inputs: [{ shape: [2, 4] }, { shape: [2, 2] }], ours: (a, b) => { const i = bp.tensor([0, 2, 3, 0], { shape: [2, 2] }); return a.scatter(1, i, b.sin()).mul(a.scatterAdd(1, i, b.mul(b))); }, py: '(lambda i, a, b: a.scatter(1, i, b.sin()) * a.scatter_add(1, i, b * b))(torch.tensor([[0, 2], [3, 0]]), a, b)' },
  unary('prod and cumprod', (a) => a.prod(1).mul(a.prod()).add(a.cumprod(0).sum(0).sum()), 'a.prod(1) * a.prod() + a.cumprod(0).sum(0).sum()', 0.5, 1.5),
  unary('prod and cumprod through a zero', (a) => { const z = a.mul(bp.tensor([1, 0, 1])); return z.prod(1).add(z.cumprod(1).sum(1)); }, '(lambda z: z.prod(1) + z.cumprod(1).sum(1))(a * torch.tensor([1., 0., 1.]).double())'),
  { name: 'mse and l1', inputs: [A(), A()], ours: (a, b) => F.mseLoss(a.tanh(), b).add(F.l1Loss(a, b.sin(), { reduction: 'sum' })).mul(a.sum()), py: '(F.mse_loss(a.tanh(), b) + F.l1_loss(a, b.sin(), reduction="sum")) * a.sum()' },
  { name: 'crossEntropy with smoothing', inputs: [{ shape: [3, 4] }], ours: (a) => F.crossEntropy(a.mul(a), bp.tensor([1, 3, 0]), { labelSmoothing: 0.1 }).mul(a.sum()), py: 'F.cross_entropy(a * a, torch.tensor([1, 3, 0]), label_smoothing=0.1) * a.sum()' },
  { name: 'crossEntropy with a probability target', inputs: [{ shape: [3, 4] }, { shape: [3, 4], lo: 0, hi: 1 }], ours: (a, b) => F.crossEntropy(a, b, { reduction: 'sum' }).mul(a.sum()), py: 'F.cross_entropy(a, b, reduction="sum") * a.sum()' },
  // Appended, so that the cases above keep their inputs (drawn from each case's index).
  // A random a a^T + 3 I: symmetric positive-definite, both triangles read (lower, and upper for U).
  { name: 'cholesky, lower and upper', inputs: [{ shape: [2, 3, 3] }], ours: (a) => { const m = a.matmul(a.transpose(1, 2)).add(bp.eye(3).mul(3)); return bp.linalg.cholesky(m).add(bp.linalg.cholesky(m, { upper: true }).mul(0.5)); }, py: '(lambda m: torch.linalg.cholesky(m) + torch.linalg.cholesky(m, upper=True) * 0.5)(a @ a.transpose(1, 2) + torch.eye(3) * 3)' },
  { name: 'solveTriangular, upper on the left', inputs: [{ shape: [2, 3, 3] }, { shape: [3, 2] }], ours: (a, b) => bp.linalg.solveTriangular(a.add(bp.eye(3).mul(3)), b, { upper: true }), py: 'torch.linalg.solve_triangular(a + torch.eye(3) * 3, b, upper=True)' },
  { name: 'solveTriangular, lower unit on the right', inputs: [{ shape: [3, 3] }, { shape: [2, 4, 3] }], ours: (a, b) => bp.linalg.solveTriangular(a, b, { upper: false, left: false, unitriangular: true }), py: 'torch.linalg.solve_triangular(a, b, upper=False, left=False, unitriangular=True)' },
  { name: 'choleskySolve through its factor', inputs: [{ shape: [3, 2] }, { shape: [3, 3] }], ours: (b, a) => bp.choleskySolve(b, bp.linalg.cholesky(a.matmul(a.transpose(0, 1)).add(bp.eye(3).mul(2)))), py: 'torch.cholesky_solve(a, torch.linalg.cholesky(b @ b.T + torch.eye(3) * 2))' },
  // The eigenvectors' and Q's signs are LAPACK's on both sides; squares make eigh's sign-free anyway.
  { name: 'eigh and eigvalsh', inputs: [{ shape: [2, 3, 3] }], ours: (a) => { const m = a.add(a.transpose(1, 2)); const r = bp.linalg.eigh(m); return r.eigenvalues.unsqueeze(-2).mul(r.eigenvectors.square()).add(bp.linalg.eigvalsh(m).unsqueeze(-1)); }, py: '(lambda m: (lambda r: r[0].unsqueeze(-2) * r[1].square())(torch.linalg.eigh(m)) + torch.linalg.eigvalsh(m).unsqueeze(-1))(a + a.transpose(1, 2))' },
  { name: 'qr of a tall matrix', inputs: [{ shape: [4, 3] }], ours: (a) => { const { Q, R } = bp.linalg.qr(a); return Q.sum(0).mul(R.sum(0).mul(0.5).add(1)); }, py: '(lambda r: r[0].sum(0) * (r[1].sum(0) * 0.5 + 1))(torch.linalg.qr(a))' },
  { name: 'qr of a wide batch', inputs: [{ shape: [2, 3, 5] }], ours: (a) => { const { Q, R } = bp.linalg.qr(a); return Q.sum([1, 2], true).mul(R); }, py: '(lambda r: r[0].sum([1, 2], keepdim=True) * r[1])(torch.linalg.qr(a))' },
  { name: 'indexAdd and diagEmbed', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }], ours: (a, b) => a.indexAdd(0, [2, 0, 2], b.square(), { alpha: 2 }).mul(a).add(bp.diagEmbed(a.mul(b)).sum(-1).mul(b)), py: 'a.index_add(0, torch.tensor([2, 0, 2]), b.square(), alpha=2) * a + torch.diag_embed(a * b).sum(-1) * b' },
  // Squares again make the singular vectors' signs drop out; Vh's rows past min(m, n) (full matrices) are not A's to determine.
  { name: 'svd of a tall matrix, reduced', inputs: [{ shape: [4, 3] }], ours: (a) => { const r = bp.linalg.svd(a, { fullMatrices: false }); return bp.cat([r.U.square().mul(r.S.unsqueeze(-2)).reshape([-1]), r.Vh.square().mul(r.S.unsqueeze(-1)).reshape([-1])]); }, py: '(lambda r: torch.cat([(r.U.square() * r.S.unsqueeze(-2)).reshape(-1), (r.Vh.square() * r.S.unsqueeze(-1)).reshape(-1)]))(torch.linalg.svd(a, full_matrices=False))' },
  { name: 'svd of a wide batch, full matrices', inputs: [{ shape: [2, 3, 5] }], ours: (a) => { const r = bp.linalg.svd(a); return r.U.square().mul(r.S.unsqueeze(-2)).add(r.Vh.narrow(1, 0, 3).square().mul(r.S.unsqueeze(-1)).sum(-1, true)); }, py: '(lambda r: r.U.square() * r.S.unsqueeze(-2) + (r.Vh[:, :3].square() * r.S.unsqueeze(-1)).sum(-1, keepdim=True))(torch.linalg.svd(a))' },
  { name: 'svdvals, pinv and the singular values alone', inputs: [{ shape: [3, 4] }], ours: (a) => bp.linalg.pinv(a).sum(0).mul(bp.linalg.svdvals(a)).add(bp.linalg.svd(a).S.mul(0.5)), py: 'torch.linalg.pinv(a).sum(0) * torch.linalg.svdvals(a) + torch.linalg.svd(a).S * 0.5' },
  { name: 'clamp with tensor bounds', inputs: [A(), A(), { shape: [3] }], ours: (a, b, c) => bp.clamp(a, b.sub(1), c).mul(a.add(b)), py: 'torch.clamp(a, b - 1, c) * (a + b)' },
  { name: 'nll, bce and bce with logits', inputs: [{ shape: [3, 4] }, { shape: [3, 4], lo: 0.1, hi: 0.9 }], ours: (a, b) => F.nllLoss(a.logSoftmax(1), bp.tensor([1, 3, 0])).add(F.binaryCrossEntropy(a.sigmoid(), b, { reduction: 'sum' })).add(F.binaryCrossEntropyWithLogits(a, b, { posWeight: bp.tensor([1, 2, 0.5, 1]) })).mul(a.sum()), py: '(F.nll_loss(a.log_softmax(1), torch.tensor([1, 3, 0])) + F.binary_cross_entropy(a.sigmoid(), b, reduction="sum") + F.binary_cross_entropy_with_logits(a, b, pos_weight=torch.tensor([1, 2, 0.5, 1]).double())) * a.sum()' },
  { name: 'smoothL1 and huber', inputs: [A(), A()], ours: (a, b) => F.smoothL1Loss(a, b, { beta: 0.5 }).add(F.huberLoss(a.mul(a), b, { delta: 0.7 })).mul(a.sum()), py: '(F.smooth_l1_loss(a, b, beta=0.5) + F.huber_loss(a * a, b, delta=0.7)) * a.sum()' },
  { name: 'maskedSelect, indexCopy and indexFill', inputs: [{ shape: [3, 4] }, { shape: [2, 4] }], ours: (a, b) => a.indexCopy(0, [2, 0], b.mul(b)).mul(a).indexFill(1, [1], 2).add(bp.maskedSelect(a, bp.tensor([[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 0, 0]])).square().sum()), py: '(a.index_copy(0, torch.tensor([2, 0]), b * b) * a).index_fill(1, torch.tensor([1]), 2) + torch.masked_select(a, torch.tensor([[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 0, 0]]).bool()).square().sum()' },
  unary('lgamma, digamma, polygamma and erfinv', (a) => a.lgamma().add(a.digamma()).add(bp.polygamma(1, a)).add(a.mul(0.3).erfinv()), 'a.lgamma() + a.digamma() + torch.polygamma(1, a) + (a * 0.3).erfinv()', 0.5, 2),
  { name: 'median and matrixExp', inputs: [{ shape: [3, 3] }], ours: (a) => bp.median(a).mul(a).add(bp.linalg.matrixExp(a.mul(0.5))), py: 'a.median() * a + torch.linalg.matrix_exp(a * 0.5)' },
  // (Composed in Python: torch 1.13's own logcumsumexp backward takes log(gy), and its third derivative is NaN.)
  unary('logcumsumexp', (a) => bp.logcumsumexp(a, 1).mul(a), 'torch.log(torch.cumsum(torch.exp(a), 1)) * a'),
  { name: 'luFactor, lu and luSolve', inputs: [{ shape: [2, 3, 3] }, { shape: [3, 2] }], ours: (a, b) => { const m = a.add(bp.eye(3).mul(2)); const f = bp.linalg.luFactor(m); return bp.linalg.luSolve(f.LU, f.pivots, b).add(bp.linalg.lu(m).U.sum(-1, true).mul(f.LU.narrow(2, 0, 2))); }, py: '(lambda m, b: (lambda f: torch.linalg.lu_solve(f[0], f[1], b) + torch.linalg.lu(m)[2].sum(-1, keepdim=True) * f[0][:, :, :2])(torch.linalg.lu_factor(m)))(a + torch.eye(3) * 2, b)' },
  { name: 'scatterReduce sum, mean, amax and indexReduce amin', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }], ours: (a, b) => { const i = bp.tensor([[0, 1, 1, 0], [0, 2, 1, 1], [1, 0, 2, 1]]); return a.scatterReduce(0, i, b, 'sum').mul(a).add(a.scatterReduce(0, i, b.mul(b), 'mean', { includeSelf: false })).add(a.scatterReduce(0, i, b, 'amax').square()).add(bp.indexReduce(a, 1, [3, 0], b.narrow(1, 0, 2), 'amin').mul(b)); }, py: "(lambda a, b, i: a.scatter_reduce(0, i, b, 'sum') * a + a.scatter_reduce(0, i, b * b, 'mean', include_self=False) + a.scatter_reduce(0, i, b, 'amax').square() + a.index_reduce(1, torch.tensor([3, 0]), b[:, :2], 'amin') * b)(a, b, torch.tensor([[0, 1, 1, 0], [0, 2, 1, 1], [1, 0, 2, 1]]))" },
  { name: 'amax, amin and the Infinity norm', inputs: [{ shape: [3, 4] }], ours: (a) => bp.amax(a, 1).mul(bp.amin(a, 0).sum()).add(a.norm(Infinity, 1)).add(bp.amax(a)), py: "a.amax(1) * a.amin(0).sum() + a.norm(float('inf'), 1) + a.amax()" },
  { name: 'xlogy, logaddexp2, copysign, igamma and igammac', inputs: [{ shape: [2, 3], lo: 0.5, hi: 2 }, { shape: [2, 3], lo: 0.5, hi: 2 }], ours: (a, b) => bp.xlogy(a, b).add(bp.logaddexp2(a, b)).add(bp.copysign(a, b.sub(1))).add(bp.igamma(2.5, b)).add(bp.igammac(1.5, b.mul(a))), py: 'torch.xlogy(a, b) + torch.logaddexp2(a, b) + torch.copysign(a, b - 1) + torch.igamma(torch.full_like(b, 2.5), b) + torch.igammac(torch.full_like(b, 1.5), b * a)' },
  { name: 'i0, i1 and floatPower', inputs: [{ shape: [2, 3], lo: 0.5, hi: 2 }, { shape: [2, 3], lo: 0.5, hi: 2 }], ours: (a, b) => bp.i0(a).add(bp.i1(a.mul(b))).add(bp.floatPower(a, b)), py: 'torch.i0(a) + torch.special.i1(a * b) + torch.float_power(a, b)' },
  { name: 'special: ndtr, ndtri, logNdtr, erfcx, xlog1py, i0e, i1e and entr', inputs: [{ shape: [2, 3], lo: 0.1, hi: 0.9 }, { shape: [2, 3], lo: -2, hi: 2 }],
    ours: (a, b) => bp.special.ndtr(b).add(bp.special.ndtri(a)).add(bp.special.logNdtr(b.mul(2))).add(bp.special.erfcx(b)).add(bp.special.xlog1py(b, a))
      .add(bp.special.i0e(b)).add(bp.special.i1e(b.mul(a))).add(bp.special.entr(a)),
    py: 'torch.special.ndtr(b) + torch.special.ndtri(a) + torch.special.log_ndtr(b * 2) + torch.special.erfcx(b) + torch.special.xlog1py(b, a) + torch.special.i0e(b) + torch.special.i1e(b * a) + torch.special.entr(a)' },
  { name: 'scatterReduce and indexReduce prod, through zeros in x and src', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }],
    ours: (a, b) => {
      const i = bp.tensor([[0, 1, 1, 0], [0, 2, 1, 1], [1, 0, 2, 1]]);
      // Exact zeros through which the gradient still flows whole: a value minus itself as a constant.
      const x = a.sub(a.detach().mul(bp.tensor([[0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]]))), z = b.sub(b.detach().mul(bp.tensor([[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]])));
      return x.scatterReduce(0, i, z, 'prod').mul(a).add(bp.indexReduce(x, 1, [3, 0], z.narrow(1, 0, 2), 'prod', { includeSelf: false }).mul(b))
        .add(a.scatterReduce(0, i, b, 'prod', { includeSelf: false }));
    },
    py: "(lambda a, b, i, x, z: x.scatter_reduce(0, i, z, 'prod') * a + x.index_reduce(1, torch.tensor([3, 0]), z[:, :2], 'prod', include_self=False) * b + a.scatter_reduce(0, i, b, 'prod', include_self=False))" +
      "(a, b, torch.tensor([[0, 1, 1, 0], [0, 2, 1, 1], [1, 0, 2, 1]]), a - a.detach() * torch.tensor([[0., 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]]).double(), b - b.detach() * torch.tensor([[0., 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]]).double())" },
  // (Composed in Python: torch 1.13's cdist has no double backward.)
  { name: 'cdist, p 2, 1 and Infinity', inputs: [{ shape: [3, 4] }, { shape: [2, 4] }],
    ours: (a, b) => bp.cdist(a, b).mul(a.sum(1, true)).add(bp.cdist(a, b, 1)).add(bp.cdist(a, b, Infinity).mul(0.5)),
    py: '(lambda d, s: d.square().sum(-1).sqrt() * s + d.abs().sum(-1) + d.abs().amax(-1) * 0.5)(a.unsqueeze(1) - b.unsqueeze(0), a.sum(1, keepdim=True))' },
  { name: 'pdist, p 2 times p 1', inputs: [{ shape: [4, 3] }], ours: (a) => bp.pdist(a).mul(bp.pdist(a, 1)),
    py: '(lambda i, a: (lambda d: d.square().sum(-1).sqrt() * d.abs().sum(-1))(a[i[0]] - a[i[1]]))(torch.triu_indices(4, 4, 1), a)' },
  // Times a: the poolings are linear, and the third derivative would be 0 without a product.
  { name: 'avgPool2d (overlapping windows), avgPool3d and the adaptive poolings', inputs: [{ shape: [1, 2, 4, 5] }],
    ours: (a) => F.avgPool2d(a, 3, { stride: 1, padding: 1, countIncludePad: false }).mul(a).add(F.adaptiveAvgPool2d(a, [3, 2]).sum().mul(a))
      .add(F.avgPool3d(a, [2, 2, 3], { stride: 1 }).sum().add(F.adaptiveAvgPool3d(a, [1, 3, 3]).sum()).mul(a)),
    py: '(F.avg_pool2d(a, 3, stride=1, padding=1, count_include_pad=False) * a + F.adaptive_avg_pool2d(a, (3, 2)).sum() * a + (F.avg_pool3d(a, (2, 2, 3), stride=1).sum() + F.adaptive_avg_pool3d(a, (1, 3, 3)).sum()) * a)' },
  { name: 'prelu, one slope and one per channel', inputs: [{ shape: [2, 3, 4] }, { shape: [1] }, { shape: [3] }],
    ours: (a, b, c) => F.prelu(a, b).mul(F.prelu(a, c)), py: 'F.prelu(a, b) * F.prelu(a, c)' },
  { name: 'interpolate bilinear times bicubic, and linear', inputs: [{ shape: [1, 2, 3, 4] }],
    ours: (a) => F.interpolate(a, { size: [5, 6], mode: 'bilinear', alignCorners: false }).mul(F.interpolate(a, { size: [5, 6], mode: 'bicubic', alignCorners: true }))
      .add(F.interpolate(a.reshape([2, 3, 4]), { size: 7, mode: 'linear', alignCorners: false }).sum()),
    py: "F.interpolate(a, size=(5, 6), mode='bilinear', align_corners=False) * F.interpolate(a, size=(5, 6), mode='bicubic', align_corners=True) + F.interpolate(a.reshape(2, 3, 4), size=7, mode='linear', align_corners=False).sum()" },
];

/** Each input's values and the direction v of the Hessian product, from the case's index. */
function dataOf(c: Case, k: number): { xs: number[][]; vs: number[][] } {
  const xs = c.inputs.map((s, i) => values(s.shape.reduce((p, d) => p * d, 1), 1000 * k + 10 * i + 1, s.lo ?? -2, s.hi ?? 2));
  const vs = c.inputs.map((s, i) => values(s.shape.reduce((p, d) => p * d, 1), 1000 * k + 10 * i + 7));
  return { xs, vs };
}

interface Result { g: number[][]; hv: number[][]; third: number[][] }

function ours(c: Case, k: number): Result & { plain: number[][] } {
  const { xs, vs } = dataOf(c, k);
  const make = () => xs.map((x, i) => bp.tensor(x, { shape: c.inputs[i].shape, requiresGrad: true }));
  const ins = make();
  const out = c.ours(...ins).square().sum();
  const g = bp.autograd.grad(out, ins, { createGraph: true }) as T[];
  // s = sum g (v + g / 2): its gradient is H (v + g), the gradient reaching the rules' ops depends on
  // the inputs (as a gradient penalty's does), so that their own rules are run.
  const s = g.map((gi, i) => gi.mul(bp.tensor(vs[i], { shape: c.inputs[i].shape }).add(gi.mul(0.5))).sum()).reduce((p, q) => p.add(q));
  // With a graph again, for the third derivative along v, v: the rules' own rules.
  const hv = bp.autograd.grad(s, ins, { allowUnused: true, createGraph: true });
  const vts = vs.map((v, i) => bp.tensor(v, { shape: c.inputs[i].shape }));
  const terms = hv.flatMap((t, i) => (t?.requiresGrad ? [t.mul(vts[i]).sum()] : []));
  const third = terms.length ? bp.autograd.grad(terms.reduce((p, q) => p.add(q)), ins, { allowUnused: true }) : ins.map(() => null);
  const again = make();
  const plain = bp.autograd.grad(c.ours(...again).square().sum(), again) as T[];
  return {
    g: g.map((t) => Array.from(t.data)),
    hv: hv.map((t, i) => (t ? Array.from(t.data) : xs[i].map(() => 0))),
    third: third.map((t, i) => (t ? Array.from(t.data) : xs[i].map(() => 0))),
    plain: plain.map((t) => Array.from(t.data)),
  };
}

const SCRIPT = `
import json, sys, torch
import torch.nn.functional as F
cases = json.load(sys.stdin)
res = []
for c in cases:
    ins = [torch.tensor(x, dtype=torch.float32).double().reshape(s).requires_grad_() for x, s in zip(c['xs'], c['shapes'])]
    names = dict(zip('abc', ins))
    out = eval(c['py'], {'torch': torch, 'F': F}, names).square().sum()
    g = torch.autograd.grad(out, ins, create_graph=True)
    s = sum((gi * (torch.tensor(v, dtype=torch.float32).double().reshape(sh) + gi * 0.5)).sum() for gi, v, sh in zip(g, c['vs'], c['shapes']))
    hv = torch.autograd.grad(s, ins, allow_unused=True, create_graph=True) if s.requires_grad else [None] * len(ins)
    terms = [(t * torch.tensor(v, dtype=torch.float32).double().reshape(sh)).sum() for t, v, sh in zip(hv, c['vs'], c['shapes']) if t is not None and t.requires_grad]
    third = torch.autograd.grad(sum(terms), ins, allow_unused=True) if terms else [None] * len(ins)
    flat = lambda ts: [(t if t is not None else torch.zeros_like(x)).reshape(-1).tolist() for t, x in zip(ts, ins)]
    res.append({'g': flat(g), 'hv': flat(hv), 'third': flat(third)})
print(json.dumps(res))
`;

// Within tol of each input's largest value (float32 sums of terms that cancel: an element near 0
// carries the rounding of its row's scale).
function close(got: number[][], want: number[][], what: string, tol = 2e-4): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((row, i) => {
    const scale = Math.max(1, ...want[i].map(Math.abs));
    row.forEach((v, j) => {
      const w = want[i][j];
      expect(Math.abs(v - w), `${what} input ${i} [${j}]: ${v} vs ${w}`).toBeLessThanOrEqual(tol * scale);
    });
  });
}

let torchAnswers: Result[] | null = null;
const torchWants = (): Result[] => (torchAnswers ??= torchJson<Result[]>(SCRIPT, JSON.stringify(CASES.map((c, k) => ({ py: c.py, shapes: c.inputs.map((s) => s.shape), ...dataOf(c, k) })))));

function checkCases(which: (c: Case) => boolean): void {
  const want = torchWants();
  CASES.forEach((c, k) => {
    if (!which(c)) return;
    const got = ours(c, k);
    close(got.g, want[k].g, `${c.name}: gradient`);
    close(got.hv, want[k].hv, `${c.name}: Hessian product`);
    // Third derivatives lose more to float32: var and std's case gives -7612.0 here, torch's own
    // float32 run -7612.0, float64 -7606.0.
    close(got.third, want[k].third, `${c.name}: third derivative along v, v`, 1e-3);
    // The recorded rules give the kernels' first derivatives (to rounding).
    close(got.g, got.plain, `${c.name}: gradient against the kernels' walk`, 1e-5);
  });
}

noteIfNoTorch('the comparison of createGraph with torch');
eachBackend('createGraph', () => {
  it.runIf(haveTorch)("each op's gradient and Hessian product as torch's", () => checkCases(() => true));
  it.runIf(haveTorch)('the convolutions run one image at a time (their large-input path) give the same', () => {
    const old = setConvByImageFloats(0);
    try {
      checkCases((c) => c.name.startsWith('conv2d'));
    } finally {
      setConvByImageFloats(old);
    }
  });
});

const P = { w1: values(24, 501), b1: values(8, 502), w2: values(8, 503), b2: values(1, 504), w3: values(32, 505), b3: values(4, 506), x: values(15, 507), v: values(24, 508) };

/** The scenarios' parameters as leaves needing gradients: w1 [8, 3], b1 [8], w2 [1, 8], b2 [1], w3 [4, 8], b3 [4]. */
function params(): Record<keyof typeof P, T> {
  const shapes: Record<keyof typeof P, number[]> = { w1: [8, 3], b1: [8], w2: [1, 8], b2: [1], w3: [4, 8], b3: [4], x: [5, 3], v: [8, 3] };
  return Object.fromEntries(Object.entries(P).map(([k, d]) => [k, bp.tensor(d, { shape: shapes[k as keyof typeof P], requiresGrad: k !== 'v' })])) as Record<keyof typeof P, T>;
}

function scenarios(): number[][] {
  const out: number[][] = [];
  // A WGAN-GP gradient penalty: the critic's gradient with respect to its input, its norm's distance
  // from 1 squared, then one backward to the critic's parameters (and the input).
  {
    const p = params();
    const critic = (x: T) => F.linear(F.leakyRelu(F.linear(x, p.w1, p.b1), 0.2), p.w2, p.b2);
    const y = critic(p.x);
    const [gx] = bp.autograd.grad(y.sum(), p.x, { createGraph: true }) as T[];
    const penalty = gx.square().sum(1).add(1e-12).sqrt().sub(1).square().mean();
    penalty.mul(10).add(y.mean()).backward();
    out.push(...[p.w1, p.b1, p.w2, p.b2, p.x].map((t) => Array.from(t.grad!.data)));
  }
  // A Hessian-vector product: backward({ createGraph }) of a classifier's loss, the weights' gradient
  // dotted with v, differentiated again.
  {
    const p = params();
    const logits = F.linear(F.linear(p.x, p.w1, p.b1, 'tanh'), p.w3, p.b3);
    F.crossEntropy(logits, bp.tensor([0, 3, 1, 2, 3])).backward({ createGraph: true });
    const g = p.w1.grad!;
    expect(g.requiresGrad).toBe(true);
    const hv = bp.autograd.grad(g.mul(p.v).sum(), [p.w1, p.b1, p.w3, p.b3]) as T[];
    out.push(Array.from(g.data), ...hv.map((t) => Array.from(t.data)));
  }
  // A physics-informed network: u(x, t) by a tanh MLP, the residual u_t - 0.1 u_xx of the heat
  // equation from two nested input gradients, its mean square backward to the parameters.
  {
    const p = params();
    const xt = bp.tensor(P.x.slice(0, 10), { shape: [5, 2], requiresGrad: true });
    const w1 = p.w1.narrow(1, 0, 2);
    const u = F.linear(F.linear(xt, w1, p.b1, 'tanh'), p.w2, p.b2);
    const [du] = bp.autograd.grad(u.sum(), xt, { createGraph: true }) as T[];
    const [ddu] = bp.autograd.grad(du.narrow(1, 0, 1).sum(), xt, { createGraph: true }) as T[];
    const residual = du.narrow(1, 1, 1).sub(ddu.narrow(1, 0, 1).mul(0.1));
    residual.square().mean().backward();
    expect(p.b2.grad).toBeNull(); // the residual has only derivatives of u: b2 drops out, as in torch
    out.push(...[p.w1, p.b1, p.w2].map((t) => Array.from(t.grad!.data)));
  }
  return out;
}

const SCENARIOS = `
import json, torch
import torch.nn.functional as F
P = ${JSON.stringify(P)}
shapes = dict(w1=[8, 3], b1=[8], w2=[1, 8], b2=[1], w3=[4, 8], b3=[4], x=[5, 3], v=[8, 3])
def params():
    return {k: torch.tensor(d, dtype=torch.float32).double().reshape(shapes[k]).requires_grad_(k != 'v') for k, d in P.items()}
out = []
p = params()
y = F.linear(F.leaky_relu(F.linear(p['x'], p['w1'], p['b1']), 0.2), p['w2'], p['b2'])
gx, = torch.autograd.grad(y.sum(), p['x'], create_graph=True)
penalty = (((gx ** 2).sum(1) + 1e-12).sqrt() - 1).square().mean()
(penalty * 10 + y.mean()).backward()
out += [p[k].grad.reshape(-1).tolist() for k in ['w1', 'b1', 'w2', 'b2', 'x']]
p = params()
logits = F.linear(torch.tanh(F.linear(p['x'], p['w1'], p['b1'])), p['w3'], p['b3'])
F.cross_entropy(logits, torch.tensor([0, 3, 1, 2, 3])).backward(create_graph=True)
g = p['w1'].grad
hv = torch.autograd.grad((g * p['v']).sum(), [p['w1'], p['b1'], p['w3'], p['b3']])
out += [g.reshape(-1).tolist()] + [t.reshape(-1).tolist() for t in hv]
p = params()
xt = torch.tensor(P['x'][:10], dtype=torch.float32).double().reshape(5, 2).requires_grad_()
u = F.linear(torch.tanh(F.linear(xt, p['w1'][:, :2], p['b1'])), p['w2'], p['b2'])
du, = torch.autograd.grad(u.sum(), xt, create_graph=True)
ddu, = torch.autograd.grad(du[:, :1].sum(), xt, create_graph=True)
residual = du[:, 1:2] - ddu[:, :1] * 0.1
residual.square().mean().backward()
assert p['b2'].grad is None
out += [p[k].grad.reshape(-1).tolist() for k in ['w1', 'b1', 'w2']]
print(json.dumps(out))
`;

eachBackend('createGraph in training', () => {
  it.runIf(haveTorch)("a gradient penalty, a Hessian-vector product and a PINN residual train the parameters as torch's", () => {
    close(scenarios(), torchJson<number[][]>(SCENARIOS, ''), 'scenario', 2e-5);
  });
});

const RNN_W = { wi: values(48, 601), wh: values(64, 602), bi: values(16, 603), bh: values(16, 604), x: values(30, 605) };

/** LSTM(3, 4) and GRU(3, 4) with RNN_W's weights (GRU's the first three quarters): a penalty on the input gradient, backward to everything. */
function recurrentPenalty(): number[][] {
  const out: number[][] = [];
  for (const kind of ['LSTM', 'GRU'] as const) {
    const gates = kind === 'LSTM' ? 4 : 3;
    const layer = kind === 'LSTM' ? new nn.LSTM(3, 4) : new nn.GRU(3, 4);
    layer.loadStateDict({
      weight_ih_l0: bp.tensor(RNN_W.wi.slice(0, gates * 12), { shape: [gates * 4, 3] }),
      weight_hh_l0: bp.tensor(RNN_W.wh.slice(0, gates * 16), { shape: [gates * 4, 4] }),
      bias_ih_l0: bp.tensor(RNN_W.bi.slice(0, gates * 4)),
      bias_hh_l0: bp.tensor(RNN_W.bh.slice(0, gates * 4)),
    });
    const x = bp.tensor(RNN_W.x, { shape: [5, 2, 3], requiresGrad: true });
    const y = layer.forward(x);
    const [gx] = bp.autograd.grad(y.square().sum(), x, { createGraph: true }) as T[];
    gx.square().sum().add(y.sum()).backward();
    out.push(Array.from(x.grad!.data), ...layer.parameters().map((p) => Array.from(p.grad!.data)));
  }
  return out;
}

const RECURRENT = `
import json, torch
W = ${JSON.stringify(RNN_W)}
out = []
for kind, gates in (('LSTM', 4), ('GRU', 3)):
    layer = getattr(torch.nn, kind)(3, 4).double()
    t = lambda v, *s: torch.tensor(v, dtype=torch.float32).double().reshape(*s)
    layer.load_state_dict({'weight_ih_l0': t(W['wi'][:gates * 12], gates * 4, 3), 'weight_hh_l0': t(W['wh'][:gates * 16], gates * 4, 4),
                           'bias_ih_l0': t(W['bi'][:gates * 4], gates * 4), 'bias_hh_l0': t(W['bh'][:gates * 4], gates * 4)})
    x = t(W['x'], 5, 2, 3).requires_grad_()
    y, _ = layer(x)
    gx, = torch.autograd.grad(y.square().sum(), x, create_graph=True)
    (gx.square().sum() + y.sum()).backward()
    out += [x.grad.reshape(-1).tolist()] + [p.grad.reshape(-1).tolist() for p in layer.parameters()]
print(json.dumps(out))
`;

eachBackend('createGraph through recurrent layers', () => {
  it.runIf(haveTorch)("LSTM and GRU cells' recorded backward (their cells recomposed of ops) gives torch's second-order gradients", () => {
    close(recurrentPenalty(), torchJson<number[][]>(RECURRENT, ''), 'recurrent', 2e-5);
  });
});

describe('createGraph', () => {
  it('differentiates three times: d3(x^4)/dx3 = 24 x', () => {
    const x = bp.tensor([0.5, -1.5, 2], { requiresGrad: true });
    let g = x.pow(4).sum();
    for (let k = 0; k < 3; k++) g = (bp.autograd.grad(g, x, { createGraph: true })[0] as T).sum();
    const [d3] = bp.autograd.grad(g.div(1), x, { allowUnused: true }) as (T | null)[];
    expect(Array.from(d3!.data)).toEqual([24, 24, 24]); // the fourth derivative, a constant
    const [third] = bp.autograd.grad(x.pow(4).sum(), x, { createGraph: true }) as T[];
    const [second] = bp.autograd.grad(third.sum(), x, { createGraph: true }) as T[];
    const [first] = bp.autograd.grad(second.sum(), x) as T[];
    expect(Array.from(first.data)).toEqual([12, -36, 48]);
  });

  it("backward({ createGraph }) leaves a .grad with a graph; a second one adds to it, as torch's", () => {
    const x = bp.tensor([1, 2], { requiresGrad: true });
    x.pow(3).sum().backward({ createGraph: true });
    expect(x.grad!.requiresGrad).toBe(true);
    expect(Array.from(x.grad!.data)).toEqual([3, 12]);
    x.mul(x).sum().backward({ createGraph: true });
    expect(Array.from(x.grad!.data)).toEqual([5, 16]);
    const [h] = bp.autograd.grad(x.grad!.sum(), x) as T[];
    expect(Array.from(h.data)).toEqual([8, 14]); // 6x + 2
    // The graph is kept: a plain backward may follow through it.
    const y = x.exp().sum();
    y.backward({ createGraph: true });
    y.backward();
  });

  it('takes several outputs and gradOutputs that have a graph of their own, as torch.autograd.grad', () => {
    const x = bp.tensor([1, 2], { requiresGrad: true });
    const w = bp.tensor([3, -1], { requiresGrad: true });
    const [g] = bp.autograd.grad([x.square(), x.sum()], x, { gradOutputs: [w.mul(x), null], createGraph: true }) as T[];
    expect(Array.from(g.data)).toEqual([7, -7]); // 2x (w x) + 1, w x a given value
    const [gx, gw] = bp.autograd.grad(g.sum(), [x, w]) as T[];
    expect(Array.from(gx.data)).toEqual([12, -8]); // 4 w x (torch 1.13's)
    expect(Array.from(gw.data)).toEqual([2, 8]); // 2 x^2
  });

  it('runs the gradient hooks on the gradient with its graph, a returned tensor replacing it', () => {
    const x = bp.tensor([1, 2], { requiresGrad: true });
    const h = x.square();
    h.registerHook((g) => g.mul(h));
    const [g] = bp.autograd.grad(h.sum(), x, { createGraph: true }) as T[];
    expect(Array.from(g.data)).toEqual([2, 16]); // 2x * x^2
    // The hook fires in the second walk too (h's gradient there is 2x, times h): torch 1.13's [6, 72].
    const [gg] = bp.autograd.grad(g.sum(), x) as T[];
    expect(Array.from(gg.data)).toEqual([6, 72]);
  });

  it("names the op whose backward has no recorded form, and the plain walk still works there", () => {
    const x = bp.tensor([[1.5, 2, 3, 0.5], [1, 2.5, 4, 2]], { requiresGrad: true });
    const y = new bp.distributions.Gamma(x, bp.tensor(1)).rsample().sum();
    expect(() => bp.autograd.grad(y, x, { createGraph: true })).toThrow(/^backward: createGraph needs 'standardGamma' \(of shape \[2, 4\]\) to have its backward as recorded ops/);
    expect(bp.autograd.grad(y, x)[0]!.shape).toEqual([2, 4]);
    expect(() => x.sum().backward({ createGraph: 'yes' as unknown as boolean })).toThrow(/createGraph/);
  });

  it("gives the same gradients through nn modules as through the functions (Sequential's fused layers)", () => {
    bp.manualSeed(3);
    const net = new nn.Sequential(new nn.Linear(3, 6), new nn.ReLU(), new nn.Linear(6, 6), new nn.Tanh(), new nn.Linear(6, 1));
    const x = bp.randn([4, 3], { requiresGrad: true });
    const [g] = bp.autograd.grad(net.forward(x).sum(), x, { createGraph: true }) as T[];
    const [hv] = bp.autograd.grad(g.square().sum(), x) as T[];
    const [l1, , l2, , l3] = net.children() as nn.Linear[];
    const f = (t: T) => F.linear(F.linear(F.linear(t, l1.weight, l1.bias).relu(), l2.weight, l2.bias).tanh(), l3.weight, l3.bias);
    const x2 = bp.tensor(Array.from(x.data), { shape: [4, 3], requiresGrad: true });
    const [g2] = bp.autograd.grad(f(x2).sum(), x2, { createGraph: true }) as T[];
    const [hv2] = bp.autograd.grad(g2.square().sum(), x2) as T[];
    expect(Array.from(g.data)).toEqual(Array.from(g2.data));
    Array.from(hv.data).forEach((v, i) => expect(v).toBeCloseTo(hv2.data[i], 5));
  });
});

describe('createGraph in a training loop', () => {
  it("a physics-informed network learns u'' = -pi^2 sin(pi x), u(0) = u(1) = 0: its u is sin(pi x)", () => {
    bp.manualSeed(7);
    const net = new nn.Sequential(new nn.Linear(1, 16), new nn.Tanh(), new nn.Linear(16, 16), new nn.Tanh(), new nn.Linear(16, 1));
    const opt = new bp.optim.Adam(net.parameters(), { lr: 0.01 });
    const xs = bp.linspace(0, 1, 24).reshape([24, 1]);
    const ends = bp.tensor([0, 1], { shape: [2, 1] });
    const source = xs.mul(Math.PI).sin().mul(-Math.PI * Math.PI);
    let first = 0, last = 0;
    for (let step = 0; step < 600; step++) {
      const x = xs.detach().requiresGrad_();
      const u = net.forward(x);
      const [du] = bp.autograd.grad(u.sum(), x, { createGraph: true }) as T[];
      const [ddu] = bp.autograd.grad(du.sum(), x, { createGraph: true }) as T[];
      const loss = ddu.sub(source).square().mean().add(net.forward(ends).square().mean().mul(10));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      if (step === 0) first = loss.item();
      last = loss.item();
    }
    const u = bp.noGrad(() => net.forward(xs));
    const err = Math.max(...Array.from(u.data).map((v, i) => Math.abs(v - Math.sin(Math.PI * xs.data[i]))));
    // Seen: loss 46.9 -> 7.0e-4, error at most 2.2e-4.
    expect(last).toBeLessThan(first * 1e-4);
    expect(err).toBeLessThan(5e-3);
  });
});

const GP_SCRIPT = `
import json, sys, torch
d = json.load(sys.stdin)
X = torch.tensor(d['x'], dtype=torch.float32).double().reshape(-1, 1)
y = torch.tensor(d['y'], dtype=torch.float32).double().reshape(-1, 1)
def nll(theta):
    ls, noise = theta[0].exp(), theta[1].exp()
    K = torch.exp((X - X.T) ** 2 / (ls ** 2 * -2)) + torch.eye(len(X)).double() * noise
    L = torch.linalg.cholesky(K)
    return (y * torch.cholesky_solve(y, L)).sum() * 0.5 + torch.diagonal(L).log().sum()
theta = torch.tensor(d['theta'], dtype=torch.float32).double()
print(json.dumps({'h': torch.autograd.functional.hessian(nll, theta).reshape(-1).tolist()}))
`;

noteIfNoTorch("a Gaussian process's Hessian against torch");
eachBackend('createGraph through a Cholesky factor', () => {
  it.runIf(haveTorch)("a Gaussian process's negative log marginal likelihood: its Hessian in (log lengthscale, log noise) is torch's", () => {
    const x = values(12, 501, -3, 3), y = x.map((v, i) => Math.sin(v) + 0.1 * Math.cos(7 * i)), theta = [0.2, -2];
    const X = bp.tensor(x, { shape: [12, 1] }), Y = bp.tensor(y, { shape: [12, 1] });
    const nll = (t: T): T => {
      const ls = t.narrow(0, 0, 1).exp(), noise = t.narrow(0, 1, 1).exp();
      const k = X.sub(X.transpose(0, 1)).square().div(ls.square().mul(-2)).exp().add(bp.eye(12).mul(noise));
      const l = bp.linalg.cholesky(k);
      return Y.mul(bp.choleskySolve(Y, l)).sum().mul(0.5).add(bp.diagonal(l).log().sum());
    };
    const h = bp.autograd.functional.hessian(nll, bp.tensor(theta)) as T;
    const want = torchJson<{ h: number[] }>(GP_SCRIPT, JSON.stringify({ x, y, theta })).h;
    const scale = Math.max(...want.map(Math.abs));
    Array.from(h.data).forEach((v, i) => expect(Math.abs(v - want[i]), `H[${i}] ${v} vs ${want[i]}`).toBeLessThan(1e-3 * scale));
  });
});

/**
 * For f, a scalar of inputs with values xs (shapes) and a direction vs: the gradient with a graph is
 * the plain one, and the Hessian product along vs is the plain gradient's central difference along vs
 * (a check for ops whose second derivative torch 1.13 does not have).
 */
function expectSecondOrderLikeDifferences(f: (...ins: T[]) => T, xs: number[][], shapes: number[][], vs: number[][]): void {
  const make = (dx: number) => xs.map((x, k) => bp.tensor(x.map((a, i) => a + dx * vs[k][i]), { shape: shapes[k], requiresGrad: true }));
  const flat = (ts: (T | null)[]) => ts.flatMap((t, k) => (t ? Array.from(t.data) : new Array<number>(xs[k].length).fill(0)));
  const plain = (dx: number): number[] => { const ins = make(dx); return flat(bp.autograd.grad(f(...ins), ins, { allowUnused: true })); };
  const ins = make(0);
  const graphed = bp.autograd.grad(f(...ins), ins, { createGraph: true, allowUnused: true });
  const at0 = plain(0);
  flat(graphed).forEach((v, i) => expect(Math.abs(v - at0[i]), `gradient [${i}]`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(at0[i]))));
  const s = graphed.flatMap((g, k) => (g ? [g.mul(bp.tensor(vs[k], { shape: shapes[k] })).sum()] : [])).reduce((p, q) => p.add(q));
  const hv = flat(bp.autograd.grad(s, ins, { allowUnused: true }));
  const eps = 1e-3, up = plain(eps), down = plain(-eps);
  const scale = Math.max(1, ...hv.map(Math.abs));
  hv.forEach((v, i) => expect(Math.abs(v - (up[i] - down[i]) / (2 * eps)), `Hessian product [${i}]: ${v} vs ${(up[i] - down[i]) / (2 * eps)}`).toBeLessThanOrEqual(2e-2 * scale));
}

// torch 1.13 has no second derivative of grid_sample ("derivative for aten::grid_sampler_2d_backward is
// not implemented"): ours (the composed form's) is checked against central differences of the kernels'
// own first derivative, which test/grid-sample.test.ts checks against torch.
eachBackend('createGraph through gridSample', () => {
  const configs: [string, bp.GridSampleOptions][] = [
    ['bilinear, zeros', {}], ['bilinear, border, alignCorners', { paddingMode: 'border', alignCorners: true }],
    ['bilinear, reflection', { paddingMode: 'reflection' }], ['nearest', { mode: 'nearest' }],
  ];
  for (const [name, options] of configs) {
    it(`${name}: the gradient with a graph is the plain one, its Hessian product the plain gradient's central difference`, () => {
      expectSecondOrderLikeDifferences((x, g) => F.gridSample(x, g, options).square().sum(), [values(40, 901, -1, 1), values(18, 902, -1.3, 1.3)],
        [[1, 2, 4, 5], [1, 3, 3, 2]], [values(40, 903), values(18, 904)]);
    });
  }
});

// torch 1.13 has no second derivative of ctc_loss either ("derivative for aten::_ctc_loss_backward is
// not implemented"): the composed recursion's Hessian product is checked against central differences of
// the kernels' gradient (test/ctc-loss.test.ts checks that one against torch).
eachBackend('createGraph through ctcLoss', () => {
  const targets = bp.tensor([[1, 2, 0, 0], [3, 3, 0, 0], [1, 2, 1, 2]]);
  const loss = (lp: T, reduction: 'mean' | 'sum') => F.ctcLoss(lp, targets, [6, 5, 2], [2, 2, 4], { reduction, zeroInfinity: true });
  for (const reduction of ['mean', 'sum'] as const) {
    it(`reduction '${reduction}', an impossible sample zeroed: the gradient with a graph is the plain one (through log-softmax and not), its Hessian product the central difference`, () => {
      const xs = values(72, 911, -2, 2);
      expectSecondOrderLikeDifferences((x) => loss(x.logSoftmax(2), reduction).mul(3), [xs], [[6, 3, 4]], [values(72, 912)]);
      // Of the log-probabilities themselves: torch's gradient (with its exp(lp) term), graph or not.
      const lp = bp.tensor(Array.from(bp.tensor(xs, { shape: [6, 3, 4] }).logSoftmax(2).data), { shape: [6, 3, 4], requiresGrad: true });
      const [gl] = bp.autograd.grad(loss(lp, reduction), lp, { createGraph: true }) as T[];
      const [pl] = bp.autograd.grad(loss(lp, reduction), lp) as T[];
      Array.from(gl.data).forEach((a, i) => expect(Math.abs(a - pl.data[i]), `log-probabilities' gradient [${i}]`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(pl.data[i]))));
    });
  }
});

// torch 1.13 has no derivative of the Bessel functions at all: their recorded derivatives are checked
// against central differences of the kernels' first derivative, which test/special.test.ts checks
// against the derivatives' formulas.
eachBackend('createGraph through bp.special\'s Bessel functions', () => {
  it('the gradient with a graph is the plain one, its Hessian product the plain gradient\'s central difference', () => {
    const S = bp.special;
    expectSecondOrderLikeDifferences((a, b) => S.besselJ0(a).mul(S.besselJ1(b)).add(S.besselY0(a).mul(b)).add(S.besselY1(b.add(a)))
      .add(S.modifiedBesselK0(a).mul(S.modifiedBesselK1(b))).add(S.scaledModifiedBesselK0(a.mul(b))).add(S.scaledModifiedBesselK1(b)).add(S.sphericalBesselJ0(a.mul(3))).sum(),
    [values(6, 911, 0.3, 3), values(6, 912, 0.5, 14)], [[6], [6]], [values(6, 913), values(6, 914)]);
  });
});
