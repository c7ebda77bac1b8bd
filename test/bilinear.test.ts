// F.bilinear and nn.Bilinear, nn.Softmax2d, F.channelShuffle and nn.ChannelShuffle against torch
// 1.13 (values and every input's gradient, on both backends), then repr and errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(6000);
const F = nn.functional;

const CALLS: TorchCall[] = [
  { name: 'bilinear with bias', inputs: { a: x([4, 3]), b: x([4, 5]), w: x([2, 3, 5]), c: x([2]) }, ours: (t) => F.bilinear(t.a, t.b, t.w, t.c), py: 'F.bilinear(a, b, w, c)' },
  { name: 'bilinear of [2, 3, in] inputs, no bias', inputs: { a: x([2, 3, 4]), b: x([2, 3, 2]), w: x([5, 4, 2]) }, ours: (t) => F.bilinear(t.a, t.b, t.w), py: 'F.bilinear(a, b, w)' },
  { name: 'nn.Bilinear with its weights set', inputs: { a: x([3, 2]), b: x([3, 4]), w: x([3, 2, 4]), c: x([3]) },
    ours: (t) => { const m = new nn.Bilinear(2, 4, 3); Object.assign(m, { weight: t.w, bias: t.c }); return m.forward(t.a, t.b); },
    py: 'F.bilinear(a, b, w, c)' },
  { name: 'Softmax2d of a batch and of one image', inputs: { a: x([2, 3, 2, 2]), b: x([4, 1, 3]) },
    ours: (t) => bp.cat([new nn.Softmax2d().forward(t.a).reshape([24]), new nn.Softmax2d().forward(t.b).reshape([12])]),
    py: 'torch.cat([torch.nn.Softmax2d()(a).reshape(24), torch.nn.Softmax2d()(b).reshape(12)])' },
  // torch 1.13's channel_shuffle has no gradient: values alone (ours has copy's).
  { name: 'channelShuffle', inputs: { a: x([2, 6, 2, 3], -2, 2, false) }, ours: (t) => F.channelShuffle(t.a, 3), py: 'torch.nn.ChannelShuffle(3)(a)' },
  { name: 'ChannelShuffle of [N, C, L]', inputs: { a: x([1, 4, 5], -2, 2, false) }, ours: (t) => new nn.ChannelShuffle(2).forward(t.a), py: 'torch.nn.ChannelShuffle(2)(a)' },
];

noteIfNoTorch('bilinear, Softmax2d and channelShuffle against torch');
eachBackend('bilinear, Softmax2d, channelShuffle', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's, every input's gradient`, () => expectCallsLikeTorch(CALLS, 4e-6));

  it("has torch's parameters, repr and errors", () => {
    const m = new nn.Bilinear(2, 3, 4, { bias: false });
    expect(m.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['weight', [4, 2, 3]]]);
    expect(m.toString()).toBe('Bilinear(in1_features=2, in2_features=3, out_features=4, bias=False)');
    expect(new nn.ChannelShuffle(2).toString()).toBe('ChannelShuffle(groups=2)');
    expect(() => F.bilinear(bp.randn([2, 3]), bp.randn([3, 3]), bp.randn([1, 3, 3]))).toThrow('bilinear: x1 must be [..., 3] and x2 [..., 3] with one leading shape, got [2, 3] and [3, 3]');
    expect(() => F.bilinear(bp.randn([2, 3]), bp.randn([2, 3]), bp.randn([3, 3]))).toThrow('bilinear: weight must be [out, in1, in2], got shape [3, 3]');
    expect(() => F.bilinear(bp.randn([2, 3]), bp.randn([2, 3]), bp.randn([1, 3, 3]), bp.randn([2]))).toThrow('bilinear: bias must be [1], got shape [2]');
    expect(() => new nn.Bilinear(2, 0, 1)).toThrow('Bilinear: in2Features must be a positive integer, got 0');
    expect(() => new nn.Softmax2d().forward(bp.randn([2, 3]))).toThrow('Softmax2d: input must be [N, C, H, W] or [C, H, W], got shape [2, 3]');
    expect(() => F.channelShuffle(bp.randn([1, 5, 2]), 2)).toThrow('channelShuffle: the 5 channels do not divide into 2 groups');
    expect(() => F.channelShuffle(bp.randn([4, 2]), 2)).toThrow('channelShuffle: input must be [N, C, ...] with at least 3 dims, got shape [4, 2]');
  });
});
