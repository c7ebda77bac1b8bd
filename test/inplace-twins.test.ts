// The in-place twins (x.sin_(), x.tril_(), x.indexAdd_(...): every name of IN_PLACE_TWINS) against
// torch 1.13's methods of the same names, each twin returning its own tensor with the bits of the
// out-of-place method; then fillDiagonal_, bernoulli_ and detach_, the functions added beside them
// (fmax, fmin, clampMin, clampMax, indexPut, put and torch's other names) with their gradients, and
// the errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { IN_PLACE_TWINS, InPlaceTwinName } from '../lib/ops/inplace';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(5800);
const constant = (shape: number[], lo = -3, hi = 3): CallInput => x(shape, lo, hi, false);
/** A constant input of the given values (indices, masks, integers). */
const given = (shape: number[], data: number[]): CallInput => ({ shape, data, grad: false });
/** Integers in [-2, 2] with zeros and ties: comparisons, logical ops, gcd. */
const small = (seed: number): CallInput => given([3, 4], Array.from({ length: 12 }, (_, i) => ((i * 7 + seed) % 5) - 2));

type Method = (...args: unknown[]) => Tensor;
const methodOf = (t: Tensor, name: string): Method => (t as unknown as Record<string, Method>)[name].bind(t);
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A twin's case: `a` (over [-3, 3) unless inputs say otherwise) written over by name_(...args(t));
 * the result must be `a`'s own clone, hold the out-of-place method's bits, and torch's
 * a.clone().<name>_(py) (or the whole expression `expr`).
 */
function twin(name: InPlaceTwinName, args: (t: Record<string, Tensor>) => unknown[] = () => [], py = '', inputs: Record<string, CallInput> = {}, expr?: string): TorchCall {
  return {
    name: `${name}_`,
    inputs: { a: constant([3, 4]), b: constant([3, 4]), ...inputs },
    ours: (t) => {
      const own = t.a.clone();
      const view = own.reshape([-1]);
      expect(methodOf(own, `${name}_`)(...args(t)), `${name}_ returns its tensor`).toBe(own);
      expect(Array.from(own.data), `${name}_ against ${name}`).toEqual(Array.from(methodOf(t.a, name)(...args(t)).data));
      expect(Array.from(view.data), `${name}_ seen through a view`).toEqual(Array.from(own.data));
      return own;
    },
    py: expr ?? `a.clone().${snake(name)}_(${py})`,
  };
}

const positive = { a: constant([3, 4], 0.1, 2.9) };
const unit = { a: constant([3, 4], 0.05, 0.95) };
const b = (t: Record<string, Tensor>) => [t.b];
const ints = { a: small(1), b: small(3) };

const CASES: TorchCall[] = [
  ...(['neg', 'abs', 'exp', 'relu', 'sigmoid', 'tanh', 'absolute', 'negative', 'sign', 'sgn', 'floor', 'ceil', 'round', 'trunc', 'fix',
    'frac', 'sin', 'cos', 'tan', 'atan', 'arctan', 'sinh', 'cosh', 'asinh', 'arcsinh', 'exp2', 'expm1', 'square', 'reciprocal',
    'erf', 'erfc', 'lgamma', 'digamma', 'i0', 'sinc', 'deg2rad', 'rad2deg'] as const).map((n) => twin(n)),
  ...(['log', 'sqrt', 'log2', 'log10', 'log1p', 'rsqrt'] as const).map((n) => twin(n, undefined, '', positive)),
  ...(['asin', 'acos', 'arcsin', 'arccos', 'atanh', 'arctanh', 'erfinv', 'logit'] as const).map((n) => twin(n, undefined, '', unit)),
  ...(['acosh', 'arccosh'] as const).map((n) => twin(n, undefined, '', { a: constant([3, 4], 1.1, 3) })),
  twin('nanToNum', () => [{ nan: 1, posinf: 2 }], 'nan=1.0, posinf=2.0', { a: given([4], [NaN, Infinity, -Infinity, 0.5]) }),
  twin('polygamma', () => [2], '2', positive),
  twin('mvlgamma', () => [2], '2', { a: constant([3, 4], 1, 3) }),
  ...(['mul', 'div', 'multiply', 'divide', 'trueDivide', 'subtract', 'floorDivide', 'remainder', 'fmod', 'atan2', 'arctan2', 'hypot',
    'copysign', 'nextafter', 'heaviside'] as const).map((n) => twin(n, b, 'b')),
  twin('pow', b, 'b', positive),
  twin('xlogy', b, 'b', { b: constant([3, 4], 0.1, 2.9) }),
  twin('ldexp', b, 'b', { b: small(2) }),
  ...(['gcd', 'lcm'] as const).map((n) => twin(n, b, '', ints, `a.long().${n}_(b.long()).float()`)),
  // torch's float_power_ needs a double tensor to write into; ours rounds its double result to float32.
  twin('floatPower', b, '', positive, 'a.double().float_power_(b).float()'),
  ...(['igamma', 'igammac'] as const).map((n) => twin(n, b, 'b', { a: constant([3, 4], 0.1, 2.9), b: constant([3, 4], 0.1, 2.9) })),
  twin('lerp', (t) => [t.b, 0.3], 'b, 0.3'),
  twin('addcmul', (t) => [t.b, t.c, { value: 0.5 }], 'b, c, value=0.5', { c: constant([4]) }),
  twin('addcdiv', (t) => [t.b, t.c, { value: -2 }], 'b, c, value=-2', { c: constant([3, 1], 0.5, 2) }),
  twin('clamp', () => [-1, 1.5], '-1, 1.5'),
  twin('clip', (t) => [t.b], 'b'),
  twin('clampMin', () => [0.5], '0.5'),
  twin('clampMax', (t) => [t.b], 'b'),
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'greater', 'greaterEqual', 'less', 'lessEqual', 'notEqual', 'logicalAnd', 'logicalOr',
    'logicalXor'] as const).map((n) => twin(n, b, 'b', ints)),
  twin('logicalNot', undefined, '', ints),
  twin('maskedFill', (t) => [t.m, 2], 'm.bool(), 2', { m: given([4], [1, 0, 0, 1]) }),
  twin('addmm', (t) => [t.p, t.q, { beta: 0.5, alpha: 2 }], 'p, q, beta=0.5, alpha=2', { p: constant([3, 5]), q: constant([5, 4]) }),
  twin('addmv', (t) => [t.p, t.v], 'p, v', { a: constant([3]), p: constant([3, 5]), v: constant([5]) }),
  twin('addr', (t) => [t.u, t.w, { alpha: -1 }], 'u, w, alpha=-1', { u: constant([3]), w: constant([4]) }),
  twin('addbmm', (t) => [t.p, t.q], 'p, q', { p: constant([2, 3, 5]), q: constant([2, 5, 4]) }),
  twin('baddbmm', (t) => [t.p, t.q, { beta: 2 }], 'p, q, beta=2', { a: constant([2, 3, 4]), p: constant([2, 3, 5]), q: constant([2, 5, 4]) }),
  twin('cumsum', () => [1], '1'),
  twin('cumprod', () => [0], '0'),
  twin('renorm', () => [2, 0, 1], '2, 0, 1'),
  twin('tril', () => [-1], '-1'),
  twin('triu', () => [1], '1'),
  twin('indexAdd', (t) => [0, t.i, t.s, { alpha: 2 }], '0, i.long(), s, alpha=2', { i: given([3], [2, 0, 2]), s: constant([3, 4]) }),
  twin('indexCopy', (t) => [1, t.i, t.s], '1, i.long(), s', { i: given([2], [3, 0]), s: constant([3, 2]) }),
  twin('indexFill', (t) => [1, t.i, 7], '1, i.long(), 7', { i: given([2], [1, 2]) }),
  twin('indexReduce', (t) => [0, t.i, t.s, 'amax', { includeSelf: false }], "0, i.long(), s, 'amax', include_self=False", { i: given([2], [2, 0]), s: constant([2, 4]) }),
  twin('scatter', (t) => [1, t.i, t.s], '1, i.long(), s', { i: given([3, 2], [0, 3, 1, 2, 3, 0]), s: constant([3, 2]) }),
  twin('scatterAdd', (t) => [1, t.i, t.s], '1, i.long(), s', { i: given([3, 2], [0, 0, 1, 2, 3, 3]), s: constant([3, 2]) }),
  twin('scatterReduce', (t) => [0, t.i, t.s, 'mean', { includeSelf: false }], "0, i.long(), s, 'mean', include_self=False",
    { i: given([2, 4], [0, 1, 2, 0, 0, 1, 2, 2]), s: constant([2, 4]) }),
  twin('maskedScatter', (t) => [t.m, t.s], 'm.bool(), s', { m: given([3, 4], [1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1]), s: constant([8]) }),
  twin('indexPut', (t) => [[t.i, t.j], t.v, true], '(i.long(), j.long()), v, accumulate=True', { i: given([3], [0, 2, 0]), j: given([3], [1, -1, 1]), v: constant([3]) }),
  twin('put', (t) => [t.i, t.s, true], 'i.long(), s, True', { i: given([2, 2], [0, -1, 5, 0]), s: constant([4]) }),
];

// fillDiagonal_, and the twins' siblings that draw or cut the graph, against torch where it is deterministic.
const FILL_SCRIPT = `
import torch, json
out = []
for shape, wrap in [((7, 3), True), ((7, 3), False), ((3, 7), True), ((4, 4), False), ((2, 2, 2), False), ((3, 4), True), ((0, 3), True)]:
    out.append(torch.zeros(shape).fill_diagonal_(5, wrap=wrap).reshape(-1).tolist())
print(json.dumps(out))
`;

/** a and b equal at every third place, b NaN at two others: where fmax and fmin send the gradient of a tie. */
const TIED = (() => {
  const a = x([3, 4]);
  const data = a.data.map((v, i) => (i % 3 === 0 ? v : i === 2 || i === 7 ? NaN : v + ((i % 2) - 0.5)));
  return { a, b: { shape: [3, 4], data, grad: true } };
})();

/** fmax, fmin, clampMin, clampMax, indexPut, put and the new names, with the gradients of every input. */
const FUNCTIONS: TorchCall[] = [
  { name: 'fmax with NaNs on either side, both, ties, broadcast', inputs: { a: given([2, 4], [1, NaN, NaN, 2, -1, 0.5, 3, NaN]), b: given([4], [NaN, 3, NaN, 2]) },
    ours: (t) => bp.fmax(t.a, t.b), py: 'torch.fmax(a, b)' },
  { name: 'fmin and fmax: gradients (ties go to the first)', inputs: { a: TIED.a, b: TIED.b },
    ours: (t) => t.a.fmin(t.b).add(bp.fmax(t.b, t.a).mul(2)).add(bp.fmax(t.a, t.a).mul(3)),
    py: 'torch.fmin(a, b) + 2 * torch.fmax(b, a) + 3 * torch.fmax(a, a)' },
  { name: 'clampMin and clampMax, number and tensor bounds', inputs: { a: x([3, 4]), lo: x([4]) },
    ours: (t) => bp.clampMin(t.a, t.lo).add(t.a.clampMax(0.25).mul(2)), py: 'torch.clamp_min(a, lo) + 2 * torch.clamp_max(a, 0.25)' },
  { name: 'indexPut: broadcast indices, values broadcast over the rest', inputs: { a: x([3, 4, 2]), v: x([2]), i: given([2, 1], [0, -1]), j: given([3], [1, 3, 0]) },
    ours: (t) => t.a.indexPut([t.i, t.j], t.v), py: 'a.index_put((i.long(), j.long()), v)' },
  { name: 'indexPut accumulating, positions named twice', inputs: { a: x([4, 3]), v: x([3, 3]), i: given([3], [2, 0, 2]) },
    ours: (t) => bp.indexPut(t.a, [t.i], t.v, true), py: 'torch.index_put(a, (i.long(),), v, accumulate=True)' },
  { name: 'put replacing and accumulating', inputs: { a: x([2, 3]), s: x([2, 2]), i: given([2, 2], [0, -1, 4, 2]), k: given([3], [1, 1, 5]), r: x([3]) },
    ours: (t) => bp.put(t.a, t.i, t.s).add(t.a.put(t.k, t.r, true).mul(2)), py: 'a.put(i.long(), s) + 2 * a.put(k.long(), r, True)' },
  { name: 'sumToSize, splitWithSizes, hardshrink, prelu and vdot as methods', inputs: { a: x([2, 3, 4]), w: x([3]), v: x([4]) },
    ours: (t) => bp.cat([t.a.sumToSize([3, 1]).reshape([-1]), t.a.splitWithSizes([1, 3], 2)[1].reshape([-1]), t.a.hardshrink(1).reshape([-1]),
      t.a.prelu(t.w).reshape([-1]), t.v.vdot(t.v).reshape([1])]),
    py: 'torch.cat([a.sum_to_size(3, 1).reshape(-1), a.split_with_sizes([1, 3], 2)[1].reshape(-1), a.hardshrink(1).reshape(-1), a.prelu(w).reshape(-1), v.vdot(v).reshape(1)])' },
  { name: 'var, trapz, rowStack and concatenate: torch\'s other names', inputs: { a: x([3, 4]), v: x([4]) },
    ours: (t) => bp.cat([bp.var(t.a, 1).reshape([-1]), bp.trapz(t.a).reshape([-1]), bp.rowStack([t.v, t.a]).reshape([-1]), bp.concatenate([t.v, t.v.mul(2)])]),
    py: 'torch.cat([torch.var(a, 1).reshape(-1), torch.trapz(a).reshape(-1), torch.row_stack((v, a)).reshape(-1), torch.concatenate((v, v * 2))])' },
];

noteIfNoTorch('the comparison of the in-place twins and their siblings with torch');
eachBackend('in-place twins', () => {
  it('every name of IN_PLACE_TWINS has a case', () => {
    expect(new Set(CASES.map((c) => c.name))).toEqual(new Set(IN_PLACE_TWINS.map((n) => `${n}_`)));
  });

  it.runIf(haveTorch)('each twin writes the out-of-place method\'s result, as torch\'s method of that name', () => {
    expectCallsLikeTorch(CASES, 2e-6);
  });

  it.runIf(haveTorch)('fmax, fmin, clampMin, clampMax, indexPut, put and the other names, with their gradients, as torch', () => {
    expectCallsLikeTorch(FUNCTIONS);
  });

  it.runIf(haveTorch)('fillDiagonal_ fills matrices, wrapped tall ones and cubes as torch', () => {
    const want = torchJson<number[][]>(FILL_SCRIPT, '');
    const cases: [number[], boolean][] = [[[7, 3], true], [[7, 3], false], [[3, 7], true], [[4, 4], false], [[2, 2, 2], false], [[3, 4], true], [[0, 3], true]];
    cases.forEach(([shape, wrap], k) => expect(Array.from(bp.zeros(shape).fillDiagonal_(5, wrap).data), `${shape} wrap ${wrap}`).toEqual(want[k]));
  });

  it('bernoulli_ draws with a number or a tensor of probabilities; detach_ cuts a tensor from the graph', () => {
    bp.manualSeed(7);
    const t = bp.full([4000], 9);
    expect(t.bernoulli_(0.25)).toBe(t);
    expect(t.data.every((v) => v === 0 || v === 1)).toBe(true);
    expect(Math.abs(t.mean().item() - 0.25)).toBeLessThan(0.03);
    expect(Array.from(bp.zeros([2, 3]).bernoulli_(bp.tensor([1, 0, 1])).data)).toEqual([1, 0, 1, 1, 0, 1]);
    expect(bp.zeros([1000]).bernoulli_().mean().item()).toBeGreaterThan(0.4);

    const w = bp.tensor([1, 2], { requiresGrad: true });
    const y = w.mul(3);
    expect(y.detach_()).toBe(y);
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBe(null);
    w.mul(y).sum().backward();
    expect(Array.from(w.grad!.data)).toEqual([3, 6]);
    expect(Array.from(y.sin_().data)).toEqual([Math.fround(Math.sin(3)), Math.fround(Math.sin(6))]);
  });

  it('apply_ and map_ run a JavaScript function over the elements in place', () => {
    const t = bp.tensor([[1, 2], [3, 4]]);
    expect(t.apply_((v) => v * v + 1)).toBe(t);
    expect(Array.from(t.data)).toEqual([2, 5, 10, 17]);
    t.map_(bp.tensor([10, 100]), (a, b) => a + b);
    expect(Array.from(t.data)).toEqual([12, 105, 20, 117]);
    expect(() => t.apply_((() => 'x') as never)).toThrow('apply_: fn must return a number, got "x" for element 0');
    expect(() => t.apply_(3 as never)).toThrow('apply_: fn must be a function, got 3');
    expect(() => t.map_(bp.ones([3]), (a) => a)).toThrow(/^map_: shapes \[3\] and \[2, 2\] cannot be broadcast together/);
    expect(() => bp.ones([2], { requiresGrad: true }).apply_((v) => v)).toThrow(/^apply_: in-place operations run outside the graph/);
  });

  it('names what is wrong', () => {
    const m = bp.zeros([2, 3]);
    expect(() => bp.randn([2], { requiresGrad: true }).sin_()).toThrow('sin_: in-place operations run outside the graph: inside noGrad() (as optimizer steps and initializations do) or on tensors that need no gradient, but this tensor requires one; use the out-of-place sin');
    expect(() => m.indexAdd_(0, [0], bp.ones([1, 3], { requiresGrad: true }))).toThrow(/^indexAdd_: .* an operand requires one; use the out-of-place indexAdd$/);
    expect(() => bp.zeros([1, 3]).mul_(m)).toThrow("mul_: the result's shape [2, 3] must be the tensor's own [1, 3] (an in-place op cannot broadcast it)");
    expect(() => m.tril_(0.5)).toThrow(/^tril/);
    expect(() => m.indexPut([], bp.ones([1]))).toThrow('indexPut: indices must be an array of 1 to 2 index tensors (one per leading dim of x, shape [2, 3]), got []');
    expect(() => m.indexPut([[0], [0], [0]], bp.ones([1]))).toThrow(/^indexPut: indices must be an array of 1 to 2 index tensors/);
    expect(() => m.indexPut([[2]], bp.ones([1]))).toThrow('indexPut: indices[0] 2 at position 0 is out of range for dim 0 of size 2');
    expect(() => m.indexPut([[0], [0.5]], bp.ones([1]))).toThrow('indexPut: indices[1] 0.5 at position 0 is out of range for dim 1 of size 3');
    expect(() => m.indexPut([[0, 1], [0, 1, 2]], bp.ones([1]))).toThrow('indexPut: shapes [2] and [3] cannot be broadcast together (dimension 0: 2 vs 3)');
    expect(() => m.indexPut([[0, 1]], bp.ones([2, 2]))).toThrow("indexPut: values of shape [2, 2] must broadcast to [2, 3] (the indices' shape [2], then x's remaining dims)");
    expect(() => m.indexPut([[0]], bp.ones([3]), 1 as never)).toThrow('indexPut: accumulate must be true or false, got 1');
    expect(() => m.indexPut(['a'] as never, bp.ones([3]))).toThrow('indexPut: indices[0] must be a Tensor or an array of integers, got "a"');
    expect(() => m.put([0, 1], bp.ones([3]))).toThrow('put: source must have as many elements as index (2), got shape [3]');
    expect(() => m.put([6], bp.ones([1]))).toThrow('put: index 6 at position 0 is out of range for 6 elements');
    expect(() => bp.zeros([3]).fillDiagonal_(1)).toThrow('fillDiagonal_: expects a tensor with at least 2 dimensions, got shape [3]');
    expect(() => bp.zeros([2, 2, 3]).fillDiagonal_(1)).toThrow('fillDiagonal_: all dimensions must be of equal length beyond 2-D, got shape [2, 2, 3]');
    expect(() => m.fillDiagonal_(1, 'yes' as never)).toThrow('fillDiagonal_: wrap must be true or false, got "yes"');
    expect(() => m.fillDiagonal_('1' as never)).toThrow(/^fillDiagonal_: value must be a number/);
    expect(() => m.bernoulli_(2)).toThrow('bernoulli: p must be in [0, 1], got 2');
    expect(() => m.sumToSize([2, 2])).toThrow('sumToSize: shapes [2, 2] and [2, 3] cannot be broadcast together (dimension 1: 2 vs 3)');
    expect(() => m.sumToSize([4, 2, 3])).toThrow("sumToSize: size [4, 2, 3] must broadcast to the tensor's shape [2, 3]");
    expect(() => m.splitWithSizes(2 as never)).toThrow('splitWithSizes: splitSizes must be an array of lengths, got 2');
    expect(() => bp.fmax(m, bp.ones([2]))).toThrow('fmax: shapes [2, 3] and [2] cannot be broadcast together (dimension 1: 3 vs 2)');
    expect(() => bp.fmin(m, 'a' as never)).toThrow(/^fmin: /);
  });
});

describe('in-place twins in the type system', () => {
  it('return the tensor\'s own type', () => {
    const p = new bp.nn.Parameter(bp.zeros([2]));
    const same: bp.nn.Parameter = bp.noGrad(() => p.add_(1).sin_().clampMax_(0.5));
    expect(same).toBe(p);
  });
});
