// The cross-entropies' gradient with respect to a target that needs one (soft labels learnt, a
// Bernoulli's entropy), against torch 1.13: binary with and without logits, weight, posWeight;
// cross-entropy with probability targets, label smoothing, class weights, per position; every
// reduction, on both backends.
import { it } from 'vitest';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const F = nn.functional;
const x = inputMaker(5800);

const CALLS: TorchCall[] = [
  { name: 'binaryCrossEntropy, mean', inputs: { p: x([3, 4], 0.05, 0.95), t: x([3, 4], 0, 1) },
    ours: (v) => F.binaryCrossEntropy(v.p, v.t), py: 'F.binary_cross_entropy(p, t)' },
  { name: 'binaryCrossEntropy, weight, none', inputs: { p: x([5], 0.05, 0.95), t: x([5], 0, 1), w: x([5], 0.5, 2, false) },
    ours: (v) => F.binaryCrossEntropy(v.p, v.t, { weight: v.w, reduction: 'none' }), py: 'F.binary_cross_entropy(p, t, weight=w, reduction="none")' },
  { name: 'binaryCrossEntropyWithLogits, sum', inputs: { l: x([2, 3], -4, 4), t: x([2, 3], 0, 1) },
    ours: (v) => F.binaryCrossEntropyWithLogits(v.l, v.t, { reduction: 'sum' }), py: 'F.binary_cross_entropy_with_logits(l, t, reduction="sum")' },
  { name: 'binaryCrossEntropyWithLogits, posWeight and weight, mean', inputs: { l: x([4, 3], -4, 4), t: x([4, 3], 0, 1), pw: x([3], 0.5, 3, false), w: x([4, 3], 0.5, 2, false) },
    ours: (v) => F.binaryCrossEntropyWithLogits(v.l, v.t, { posWeight: v.pw, weight: v.w }), py: 'F.binary_cross_entropy_with_logits(l, t, weight=w, pos_weight=pw)' },
  { name: 'crossEntropy, probability target, mean', inputs: { l: x([3, 5], -3, 3), t: x([3, 5], 0, 1) },
    ours: (v) => F.crossEntropy(v.l, v.t), py: 'F.cross_entropy(l, t)' },
  { name: 'crossEntropy, probability target, label smoothing, sum', inputs: { l: x([2, 4], -3, 3), t: x([2, 4], 0, 1) },
    ours: (v) => F.crossEntropy(v.l, v.t, { labelSmoothing: 0.2, reduction: 'sum' }), py: 'F.cross_entropy(l, t, label_smoothing=0.2, reduction="sum")' },
  { name: 'crossEntropy, probability target, class weights, label smoothing', inputs: { l: x([3, 4], -3, 3), t: x([3, 4], 0, 1), w: x([4], 0.5, 2, false) },
    ours: (v) => F.crossEntropy(v.l, v.t, { weight: v.w, labelSmoothing: 0.1 }), py: 'F.cross_entropy(l, t, weight=w, label_smoothing=0.1)' },
  { name: 'crossEntropy, probability target per position, none', inputs: { l: x([2, 3, 4], -3, 3), t: x([2, 3, 4], 0, 1) },
    ours: (v) => F.crossEntropy(v.l, v.t, { reduction: 'none' }), py: 'F.cross_entropy(l, t, reduction="none")' },
];

noteIfNoTorch("the comparison of the cross-entropies' target gradients with torch");
eachBackend('cross-entropy target gradients', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's (the input's and the target's gradients within 2e-6)`, () => expectCallsLikeTorch(CALLS, 2e-6));
});
