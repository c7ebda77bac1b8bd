// MultiMarginLoss, MultiLabelMarginLoss, MultiLabelSoftMarginLoss and TripletMarginWithDistanceLoss
// (functions and modules) against torch 1.13: values and every input's gradient, each reduction,
// on both backends; tripletMarginLoss through the shared triplet code; then the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(5800);
const F = nn.functional;
const ints = (shape: number[], data: number[]): CallInput => ({ shape, data, grad: false });

const CALLS: TorchCall[] = [
  { name: 'multiMarginLoss', inputs: { a: x([4, 5]), y: ints([4], [0, 3, 4, 1]) }, ours: (t) => F.multiMarginLoss(t.a, t.y), py: 'F.multi_margin_loss(a, y.long())' },
  { name: 'multiMarginLoss p 2, margin, weight, sum', inputs: { a: x([3, 4]), y: ints([3], [2, 0, 3]), w: x([4], 0.5, 2, false) },
    ours: (t) => F.multiMarginLoss(t.a, t.y, { p: 2, margin: 0.5, weight: t.w, reduction: 'sum' }), py: 'F.multi_margin_loss(a, y.long(), p=2, margin=0.5, weight=w, reduction="sum")' },
  { name: 'MultiMarginLoss none, one sample', inputs: { a: x([5]), y: ints([], [2]) }, ours: (t) => new nn.MultiMarginLoss({ reduction: 'none' }).forward(t.a, t.y),
    py: 'torch.nn.MultiMarginLoss(reduction="none")(a, y.long())' },
  { name: 'multilabelMarginLoss, lists ended by -1', inputs: { a: x([3, 4]), y: ints([3, 4], [3, 0, -1, 1, 1, 2, 0, 3, -1, 2, 0, 1]) },
    ours: (t) => F.multilabelMarginLoss(t.a, t.y), py: 'F.multilabel_margin_loss(a, y.long())' },
  { name: 'MultiLabelMarginLoss none, one sample', inputs: { a: x([4]), y: ints([4], [2, 1, -1, 0]) },
    ours: (t) => new nn.MultiLabelMarginLoss({ reduction: 'none' }).forward(t.a, t.y), py: 'torch.nn.MultiLabelMarginLoss(reduction="none")(a, y.long())' },
  { name: 'multilabelSoftMarginLoss, weight', inputs: { a: x([3, 4]), y: ints([3, 4], [1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0]), w: x([4], 0.5, 2, false) },
    ours: (t) => F.multilabelSoftMarginLoss(t.a, t.y, { weight: t.w }), py: 'F.multilabel_soft_margin_loss(a, y, weight=w)' },
  { name: 'MultiLabelSoftMarginLoss none, soft targets', inputs: { a: x([2, 3]), y: x([2, 3], 0, 1, false) },
    ours: (t) => new nn.MultiLabelSoftMarginLoss({ reduction: 'none' }).forward(t.a, t.y), py: 'torch.nn.MultiLabelSoftMarginLoss(reduction="none")(a, y)' },
  { name: 'tripletMarginWithDistanceLoss, default distance, swap', inputs: { a: x([4, 3]), p: x([4, 3]), n: x([4, 3]) },
    ours: (t) => F.tripletMarginWithDistanceLoss(t.a, t.p, t.n, { swap: true }), py: 'F.triplet_margin_with_distance_loss(a, p, n, swap=True)' },
  { name: 'TripletMarginWithDistanceLoss, cosine distance, margin, sum', inputs: { a: x([5, 3]), p: x([5, 3]), n: x([5, 3]) },
    ours: (t) => new nn.TripletMarginWithDistanceLoss({ distanceFunction: (u, v) => bp.sub(1, F.cosineSimilarity(u, v)), margin: 0.5, reduction: 'sum' }).forward(t.a, t.p, t.n),
    py: 'torch.nn.TripletMarginWithDistanceLoss(distance_function=lambda u, v: 1 - F.cosine_similarity(u, v), margin=0.5, reduction="sum")(a, p, n)' },
  { name: 'tripletMarginLoss (through the shared triplet code), p 1, swap', inputs: { a: x([3, 4]), p: x([3, 4]), n: x([3, 4]) },
    ours: (t) => F.tripletMarginLoss(t.a, t.p, t.n, { p: 1, swap: true, margin: 2 }), py: 'F.triplet_margin_loss(a, p, n, p=1, swap=True, margin=2)' },
];

noteIfNoTorch('the multi-class and multi-label losses against torch');
eachBackend('multi-class and multi-label losses', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's, every input's gradient`, () => expectCallsLikeTorch(CALLS, 4e-6));

  it('names the loss and what was wrong', () => {
    const a = bp.randn([2, 3]);
    expect(() => F.multiMarginLoss(a, [0, 3])).toThrow('multiMarginLoss: target class index 3 at position 1 is out of range [0, 3)');
    expect(() => F.multiMarginLoss(a, [0, 1], { p: 3 as never })).toThrow('multiMarginLoss: p must be 1 or 2, got 3');
    expect(() => F.multiMarginLoss(a, [0, 1], { weight: bp.ones([2]) })).toThrow('multiMarginLoss: weight must be [3], got shape [2]');
    expect(() => F.multiMarginLoss(bp.randn([2, 2, 2]), [0, 1])).toThrow('multiMarginLoss: input must be [N, C] or [C], got shape [2, 2, 2]');
    expect(() => F.multilabelMarginLoss(a, bp.tensor([[0, 5, -1], [0, -1, 0]]))).toThrow('multilabelMarginLoss: target class 5 at [0, 1] is out of range [0, 3) (a list ends at -1)');
    expect(() => F.multilabelMarginLoss(a, bp.zeros([3, 2]))).toThrow('multilabelMarginLoss: target must have the input\'s shape [2, 3], got [3, 2]');
    expect(() => F.multilabelSoftMarginLoss(a, bp.zeros([2]))).toThrow("multilabelSoftMarginLoss: target must have the input's shape [2, 3] (at least 1-D), got [2]");
    expect(() => F.tripletMarginWithDistanceLoss(a, a, a, { margin: 0 })).toThrow('tripletMarginWithDistanceLoss: margin must be greater than 0, got 0');
    expect(() => F.tripletMarginWithDistanceLoss(a, a, a, { distanceFunction: 3 as never })).toThrow('tripletMarginWithDistanceLoss: distanceFunction must be a function of two tensors, got 3');
    expect(() => new nn.MultiMarginLoss({ reduction: 'max' as never }).forward(a, [0, 1])).toThrow("multiMarginLoss: reduction must be 'mean', 'sum' or 'none', got \"max\"");
  });
});
