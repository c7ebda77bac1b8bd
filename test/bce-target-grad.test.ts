// The binary cross-entropies' gradient with respect to a target that needs one (soft labels learnt,
// a Bernoulli's entropy), against torch 1.13: with and without logits, weight, posWeight and every
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
];

noteIfNoTorch("the comparison of the binary cross-entropies' target gradients with torch");
eachBackend('binary cross-entropy target gradients', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's (the input's and the target's gradients within 2e-6)`, () => expectCallsLikeTorch(CALLS, 2e-6));
});
