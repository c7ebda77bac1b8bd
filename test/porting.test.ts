// torch's small top-level functions and Tensor methods that ported code calls (lib/ops/porting.ts,
// lib/methods_porting.ts): rsub, adjoint, the integer and boolean casts and channelShuffle against
// torch 1.13 (values and gradients, both backends); the type queries, no-op conjugations and tensor
// makers by what torch answers for a real float tensor; errors by name.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { withFloat64 } from '../lib/storage';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(6800);
const fixed = (shape: number[], data: number[], grad = false): CallInput => ({ shape, data, grad });

const CALLS: TorchCall[] = [
  { name: 'rsub with alpha, a number either side', inputs: { a: x([2, 3]), b: x([3]) },
    ours: (t) => bp.cat([bp.rsub(t.a, t.b, { alpha: 2 }).reshape([-1]), bp.rsub(t.a, 3).reshape([-1]), bp.rsub(2, t.b, { alpha: -1 })]),
    py: 'torch.cat([torch.rsub(a, b, alpha=2).reshape(-1), torch.rsub(a, 3).reshape(-1), torch.rsub(torch.tensor(2.), b, alpha=-1)])' },
  { name: 'adjoint and its method, conj and real of a real tensor', inputs: { a: x([2, 3, 4]) },
    ours: (t) => bp.adjoint(t.a).add(t.a.adjoint().mul(2)).add(bp.conj(t.a).mT).add(bp.real(t.a).mT.mul(t.a.conj().mT)),
    py: 'torch.adjoint(a) + a.adjoint() * 2 + torch.conj(a).mT + torch.real(a).mT * a.conj().mT' },
  { name: 'long, int and bool casts (toward zero; NaN and -0.5 nonzero)', inputs: { a: fixed([7], [-2.7, -0.5, 0, 0.4, 1.9, 3.5, NaN]) },
    ours: (t) => bp.cat([t.a.narrow(0, 0, 6).long(), t.a.narrow(0, 0, 6).int(), t.a.bool()]),
    py: 'torch.cat([a[:6].long().float(), a[:6].int().float(), a.bool().float()])' },
  { name: 'channelShuffle (top level; torch has no derivative here)', inputs: { a: x([2, 6, 2], -2, 2, false) }, ours: (t) => bp.channelShuffle(t.a, 3), py: 'torch.channel_shuffle(a, 3)' },
];

noteIfNoTorch('the porting functions against torch');
eachBackend('porting functions', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's (values and gradients)`, () => expectCallsLikeTorch(CALLS));
});

it('answers the type queries as torch does for a real float tensor', () => {
  const a = bp.randn([2, 3]);
  expect([bp.isTensor(a), bp.isTensor([1, 2]), bp.isFloatingPoint(a), a.isFloatingPoint(), bp.isComplex(a), a.isComplex(), a.isSigned()]).toEqual([true, false, true, true, false, false, true]);
  expect([bp.isNonzero(bp.tensor([0])), bp.tensor(3).isNonzero(), bp.isNonzero(bp.tensor([[NaN]]))]).toEqual([false, true, true]);
  expect([bp.isSameSize(a, bp.zeros([2, 3])), a.isSameSize(bp.zeros([3, 2]))]).toEqual([true, false]);
  expect([bp.numel(a), bp.positive(a) === a, bp.conj(a) === a, a.resolveConj() === a, a.resolveNeg() === a]).toEqual([6, true, true, true, true]);
  expect([bp.resultType(a, 2), bp.resultType(1, 2), bp.promoteTypes('float32', 'float64'), bp.promoteTypes('float32', 'float32'), bp.canCast('float64', 'float32')]).toEqual(['float32', 'float32', 'float64', 'float32', true]);
  expect(withFloat64(() => bp.resultType(bp.ones([1]), 1))).toBe('float64');
  expect(bp.asTensor(a)).toBe(a);
  expect(bp.asarray([[1, 2], [3, 4]]).shape).toEqual([2, 2]);
  const copied = bp.asTensor(a, { requiresGrad: true });
  expect([copied === a, copied.requiresGrad, [...copied.data]]).toEqual([false, true, [...a.data]]);
  expect([bp.scalarTensor(2.5).shape, bp.scalarTensor(2.5).item()]).toEqual([[], 2.5]);
});

it('names the function and the bad argument', () => {
  expect(() => bp.isNonzero(bp.tensor([1, 2]))).toThrow('isNonzero: the truth of a tensor of 2 elements (shape [2]) is ambiguous; it needs exactly one');
  expect(() => bp.tensor([]).isNonzero()).toThrow('isNonzero: the truth of a tensor of 0 elements (shape [0]) is ambiguous');
  expect(() => bp.adjoint(bp.ones([3]))).toThrow('adjoint: expects a tensor with at least 2 dimensions, got shape [3]');
  expect(() => bp.promoteTypes('float32', 'int64' as never)).toThrow(`promoteTypes: b must be one of 'float32', 'float64' (the floating-point dtypes here), got "int64"`);
  expect(() => bp.canCast('float16' as never, 'float32')).toThrow("canCast: from must be one of 'float32', 'float64'");
  expect(() => bp.resultType('a' as never, 1)).toThrow('resultType: a must be a Tensor or a number');
  expect(() => bp.rsub(bp.ones([2]), bp.ones([2]), { alpha: 'x' as never })).toThrow('rsub: alpha must be a number');
  expect(() => bp.rsub(bp.ones([2]), bp.ones([2]), { beta: 1 } as never)).toThrow("rsub: unknown option 'beta'");
  expect(() => bp.scalarTensor(NaN)).not.toThrow();
  expect(() => bp.scalarTensor('1' as never)).toThrow('scalarTensor: value must be a number');
  expect(() => bp.isFloatingPoint([1] as never)).toThrow('isFloatingPoint');
});
