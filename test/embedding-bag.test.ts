// F.embeddingBag and nn.EmbeddingBag against torch 1.13: each mode, offsets (with the last one
// included), 2-D bags, per-sample weights, a padding index and an empty bag; values and the table's
// gradient, on both backends; then repr and errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(6300);
const F = nn.functional;
const ints = (shape: number[], data: number[]): CallInput => ({ shape, data, grad: false });

const CALLS: TorchCall[] = [
  ...(['sum', 'mean', 'max'] as const).map((mode): TorchCall => ({
    name: `${mode} over offsets, an empty bag`, inputs: { w: x([6, 3]), i: ints([7], [1, 2, 4, 5, 4, 3, 2]), o: ints([4], [0, 2, 2, 5]) },
    ours: (t) => F.embeddingBag(t.i, t.w, { offsets: t.o, mode }), py: `F.embedding_bag(i.long(), w, o.long(), mode="${mode}")`,
  })),
  { name: 'mean of 2-D bags with a padding index', inputs: { w: x([5, 4]), i: ints([3, 3], [0, 2, 4, 2, 2, 1, 4, 4, 4]) },
    ours: (t) => F.embeddingBag(t.i, t.w, { paddingIdx: 2 }), py: 'F.embedding_bag(i.long(), w, padding_idx=2)' },
  { name: 'sum with per-sample weights and the last offset included', inputs: { w: x([4, 2]), i: ints([5], [0, 1, 3, 3, 2]), o: ints([3], [0, 3, 5]), p: x([5]) },
    ours: (t) => F.embeddingBag(t.i, t.w, { offsets: t.o, mode: 'sum', perSampleWeights: t.p, includeLastOffset: true }),
    py: 'F.embedding_bag(i.long(), w, o.long(), mode="sum", per_sample_weights=p, include_last_offset=True)' },
  { name: 'nn.EmbeddingBag max with its weight set', inputs: { w: x([5, 3]), i: ints([2, 2], [1, 3, 0, 4]) },
    ours: (t) => { const m = new nn.EmbeddingBag(5, 3, { mode: 'max' }); m.weight = t.w as nn.Parameter; return m.forward(t.i); }, py: 'F.embedding_bag(i.long(), w, mode="max")' },
];

noteIfNoTorch('EmbeddingBag against torch');
eachBackend('EmbeddingBag', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's, the table's gradient included`, () => expectCallsLikeTorch(CALLS, 4e-6));

  it('prints its repr and names what was wrong', () => {
    expect(new nn.EmbeddingBag(10, 3, { mode: 'sum', paddingIdx: -1 }).toString()).toBe("EmbeddingBag(10, 3, mode='sum', padding_idx=9)");
    const w = bp.randn([4, 2]);
    expect(() => F.embeddingBag(bp.tensor([0, 1]), w)).toThrow('embeddingBag: a 1-D input needs offsets, where each bag starts');
    expect(() => F.embeddingBag(bp.tensor([[0, 1]]), w, { offsets: [0] })).toThrow("embeddingBag: offsets are for a 1-D input; a 2-D input's rows are its bags");
    expect(() => F.embeddingBag(bp.tensor([0, 4]), w, { offsets: [0] })).toThrow('embeddingBag: index 4 at position 1 is out of range [0, 4)');
    expect(() => F.embeddingBag(bp.tensor([0, 1]), w, { offsets: [1] })).toThrow('embeddingBag: the first offset must be 0, got 1');
    expect(() => F.embeddingBag(bp.tensor([0, 1]), w, { offsets: [0, 3] })).toThrow('embeddingBag: offsets must be non-decreasing integers within [0, 2], got 3 at 1');
    expect(() => F.embeddingBag(bp.tensor([0, 1]), w, { offsets: [0], mode: 'max', perSampleWeights: bp.ones([2]) })).toThrow("embeddingBag: perSampleWeights are for mode 'sum' only, got mode 'max'");
    expect(() => F.embeddingBag(bp.tensor([0, 1]), w, { offsets: [0], mode: 'min' as never })).toThrow("embeddingBag: mode must be 'sum', 'mean' or 'max', got \"min\"");
    expect(() => new nn.EmbeddingBag(3, 2, { paddingIdx: 3 })).toThrow('EmbeddingBag: paddingIdx must be an integer within [-3, 3), got 3');
  });
});
