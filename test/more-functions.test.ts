// torch functions added in session 53 against torch 1.13: gcd, lcm, floatPower, argwhere,
// combinations, pdist, dist, clamp by tensors (values and gradients bit for bit or within float32's rounding), igamma and
// igammac (torch evaluates them in float32: within 2e-5), matrixExp (torch's Taylor polynomials in
// float32 against our Padé in double: within 1e-5 of the largest entry); then edges and errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(5400);
const fixed = (shape: number[], data: number[], grad = false): CallInput => ({ shape, data, grad });
const constant = (shape: number[], lo: number, hi: number): CallInput => x(shape, lo, hi, false);

const EXACT: TorchCall[] = [
  { name: 'gcd, broadcast, signs and zeros', inputs: { a: fixed([2, 5], [12, -18, 0, 7, 0, 100, 35, -4, 9, 1]), b: fixed([5], [8, 12, 5, 0, 0]) },
    ours: (t) => bp.gcd(t.a, t.b), py: 'torch.gcd(a.long(), b.long()).float()' },
  { name: 'lcm (method), broadcast, zeros', inputs: { a: fixed([2, 5], [12, -18, 0, 7, 0, 100, 35, -4, 9, 1]), b: fixed([5], [8, 12, 5, 0, -3]) },
    ours: (t) => t.a.lcm(t.b), py: 'torch.lcm(a.long(), b.long()).float()' },
  { name: 'floatPower of positive bases', inputs: { a: x([3, 4], 0.3, 3), b: x([3, 4], -2, 2) }, ours: (t) => bp.floatPower(t.a, t.b), py: 'torch.float_power(a, b)' },
  { name: 'floatPower of any base to an integer (method), and 0 ** 0', inputs: { a: fixed([5], [-1.5, 0, 2, -0.25, 0], true) },
    ours: (t) => t.a.floatPower(3).add(bp.floatPower(t.a, 0)), py: 'torch.float_power(a, 3) + torch.float_power(a, 0)' },
  { name: 'argwhere', inputs: { a: fixed([2, 3], [0, 1.5, 0, -2, 0, 3]) }, ours: (t) => t.a.argwhere(), py: 'torch.argwhere(a).float()' },
  { name: 'combinations of 2', inputs: { a: x([5]) }, ours: (t) => bp.combinations(t.a), py: 'torch.combinations(a)' },
  { name: 'combinations of 3 with replacement', inputs: { a: x([4]) }, ours: (t) => bp.combinations(t.a, 3, true), py: 'torch.combinations(a, 3, with_replacement=True)' },
  { name: 'combinations of more than there are', inputs: { a: x([2]) }, ours: (t) => bp.combinations(t.a, 3), py: 'torch.combinations(a, 3)' },
  { name: 'pdist p = 2, a repeated row', inputs: { a: fixed([4, 3], [1, 2, 3, 0.5, -1, 2, 1, 2, 3, -2, 0.25, 1], true) }, ours: (t) => bp.pdist(t.a), py: 'F.pdist(a)' },
  { name: 'pdist p = 1', inputs: { a: x([5, 3]) }, ours: (t) => bp.pdist(t.a, 1), py: 'F.pdist(a, 1)' },
  { name: 'pdist p = Infinity', inputs: { a: x([5, 4]) }, ours: (t) => bp.pdist(t.a, Infinity), py: 'F.pdist(a, float("inf"))' },
  { name: 'dist p = 2, broadcast', inputs: { a: x([3, 4]), b: x([4]) }, ours: (t) => bp.dist(t.a, t.b), py: 'torch.dist(a, b)' },
  { name: 'dist p = 1, 3, Infinity (method)', inputs: { a: x([5]), b: x([5]) },
    ours: (t) => bp.stack([t.a.dist(t.b, 1), t.a.dist(t.b, 3), t.a.dist(t.b, Infinity)]), py: 'torch.stack([a.dist(b, 1), a.dist(b, 3), a.dist(b, float("inf"))])' },
  { name: 'clamp by tensors, broadcast, ties', inputs: { a: fixed([2, 3], [0.1, 0.5, 0.9, -1, 0.25, 2], true), lo: fixed([3], [0, 0.5, 1], true), hi: fixed([2, 1], [0.8, 0.25], true) },
    ours: (t) => bp.clamp(t.a, t.lo, t.hi), py: 'torch.clamp(a, lo, hi)' },
  { name: 'clamp by a tensor min only, and clip by a tensor max (method)', inputs: { a: x([4]), lo: x([4]), hi: x([1]) },
    ours: (t) => t.a.clamp(t.lo).add(t.a.clip(null, t.hi)), py: 'torch.clamp(a, min=lo) + a.clip(max=hi)' },
];

const GAMMA: TorchCall[] = [
  { name: 'igamma, both regimes', inputs: { a: constant([12], 0.1, 6), z: x([12], 0.01, 9) }, ours: (t) => bp.igamma(t.a, t.z), py: 'torch.igamma(a, z)' },
  { name: 'igammac (method), broadcast', inputs: { a: constant([3, 1], 0.5, 4), z: x([5], 0.05, 7) }, ours: (t) => t.a.igammac(t.z), py: 'torch.igammac(a, z)' },
  { name: 'gammainc and gammaincc at the edges', inputs: { a: fixed([6], [0, 0, 2, 2, 3, -1]), z: fixed([6], [0, 1, 0, Infinity, -1, 1]) },
    ours: (t) => bp.gammainc(t.a, t.z).add(bp.gammaincc(t.a, t.z).mul(10)), py: 'torch.special.gammainc(a, z) + 10 * torch.special.gammaincc(a, z)' },
];

const EXPONENTIAL: TorchCall[] = [
  { name: 'matrixExp of a small matrix', inputs: { a: x([3, 3], -0.5, 0.5) }, ours: (t) => bp.linalg.matrixExp(t.a), py: 'torch.linalg.matrix_exp(a)' },
  { name: 'matrixExp of a batch, scaled and squared (norm past 5.4)', inputs: { a: x([2, 4, 4], -2, 2) }, ours: (t) => t.a.matrixExp(), py: 'torch.matrix_exp(a)' },
  { name: 'matrixExp of 1 x 1', inputs: { a: x([1, 1]) }, ours: (t) => bp.matrixExp(t.a), py: 'torch.linalg.matrix_exp(a)' },
];

noteIfNoTorch('the comparison of gcd ... matrixExp with torch');
eachBackend('torch functions of session 53', () => {
  it.runIf(haveTorch)(`${EXACT.length} integer, power, index and distance calls as torch's`, () => expectCallsLikeTorch(EXACT, 2e-7));
  it.runIf(haveTorch)(`${GAMMA.length} incomplete gamma calls as torch's (within float32's own error)`, () => expectCallsLikeTorch(GAMMA, 2e-5));
  it.runIf(haveTorch)(`${EXPONENTIAL.length} matrix exponentials as torch's`, () => expectCallsLikeTorch(EXPONENTIAL, 1e-5));

  it('matrixExp: e^0 = I, a diagonal exponentiates entrywise, NaN spreads', () => {
    expect(Array.from(bp.matrixExp(bp.zeros([2, 2])).data)).toEqual([1, 0, 0, 1]);
    const d = bp.matrixExp(bp.tensor([[1, 0], [0, -30]])).data;
    expect(d[0]).toBe(Math.fround(Math.E));
    expect(d[3]).toBe(Math.fround(Math.exp(-30)));
    expect(Array.from(bp.matrixExp(bp.tensor([[NaN, 0], [0, 1]])).data).every(Number.isNaN)).toBe(true);
  });

  it('combinations of 0 is empty; igamma sums to 1 with igammac', () => {
    expect(bp.combinations(bp.tensor([1, 2, 3]), 0).shape).toEqual([0]);
    const a = bp.tensor([0.5, 3, 40]), z = bp.tensor([0.2, 5, 38]);
    bp.igamma(a, z).add(bp.igammac(a, z)).data.forEach((v) => expect(Math.abs(v - 1)).toBeLessThan(1e-6));
  });

  it('bad arguments are named', () => {
    expect(() => bp.gcd(bp.tensor([1.5]), bp.tensor([2]))).toThrow(/^gcd: the elements must be integers, got 1.5$/);
    expect(() => bp.lcm(bp.tensor([NaN]), 2)).toThrow(/^lcm: the elements must be integers, got NaN$/);
    expect(() => bp.gcd(bp.ones([2]), bp.ones([3]))).toThrow(/^gcd: .*\[2\].*\[3\]/);
    expect(() => bp.combinations(bp.ones([2, 2]))).toThrow(/^combinations: x must be 1-D, got shape \[2, 2\]$/);
    expect(() => bp.combinations(bp.ones([2]), -1)).toThrow(/^combinations: r must be a non-negative integer, got -1$/);
    expect(() => bp.pdist(bp.ones([3]))).toThrow(/^pdist: x must be 2-D \(rows of points\), got shape \[3\]$/);
    expect(() => bp.pdist(bp.ones([3, 2]), 3)).toThrow(/^pdist: p must be 1, 2 or Infinity, got 3$/);
    expect(() => bp.matrixExp(bp.ones([2, 3]))).toThrow(/^matrixExp: A must be a square matrix/);
    expect(() => bp.dist(bp.ones([2]), bp.ones([3]))).toThrow(/\[2\].*\[3\]/);
    expect(() => bp.nn.functional.crossEntropy(bp.ones([2, 3]), bp.tensor([0, 1]), { weight: bp.ones([3]).requiresGrad_() })).toThrow(/^CrossEntropyLoss: weight must not require a gradient/);
    const a = bp.tensor([2], { requiresGrad: true });
    expect(() => bp.igamma(a, bp.tensor([1])).sum().backward()).toThrow(/^igamma: the gradient for a is not implemented \(as in torch\)/);
  });
});
