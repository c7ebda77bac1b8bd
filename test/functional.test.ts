// nn.functional against torch.nn.functional 1.13: each function's value and the gradients of every
// input (both backends), its options passed through, dropout's modes, and the argument errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const F = nn.functional;

const x = inputMaker();
const fixed = (shape: number[], data: number[]): CallInput => ({ shape, data, grad: false });
const probs = (rows: number, cols: number): CallInput => {
  const v = x([rows, cols], 0.1, 1, false).data;
  const out = v.map((u, i) => u / v.slice(i - (i % cols), i - (i % cols) + cols).reduce((a, b) => a + b, 0));
  return { shape: [rows, cols], data: out.map(Math.fround), grad: false };
};

const CASES: TorchCall[] = [
  { name: 'mseLoss', inputs: { a: x([4, 3]), b: x([4, 3], -2, 2, false) }, ours: (t) => F.mseLoss(t.a, t.b), py: 'F.mse_loss(a, b)' },
  { name: 'mseLoss sum', inputs: { a: x([4, 3]), b: x([4, 3]) }, ours: (t) => F.mseLoss(t.a, t.b, { reduction: 'sum' }), py: "F.mse_loss(a, b, reduction='sum')" },
  { name: 'l1Loss none', inputs: { a: x([5]), b: x([5], -2, 2, false) }, ours: (t) => F.l1Loss(t.a, t.b, { reduction: 'none' }), py: "F.l1_loss(a, b, reduction='none')" },
  { name: 'smoothL1Loss', inputs: { a: x([6]), b: x([6], -2, 2, false) }, ours: (t) => F.smoothL1Loss(t.a, t.b, { beta: 0.5 }), py: 'F.smooth_l1_loss(a, b, beta=0.5)' },
  { name: 'huberLoss', inputs: { a: x([2, 4], -4, 4), b: x([2, 4], -2, 2, false) }, ours: (t) => F.huberLoss(t.a, t.b, { delta: 1.5 }), py: 'F.huber_loss(a, b, delta=1.5)' },
  { name: 'klDiv batchmean', inputs: { a: x([3, 4], -3, -0.1), b: probs(3, 4) }, ours: (t) => F.klDiv(t.a, t.b, { reduction: 'batchmean' }), py: "F.kl_div(a, b, reduction='batchmean')" },
  { name: 'binaryCrossEntropy weight', inputs: { a: x([2, 3], 0.05, 0.95), b: x([2, 3], 0, 1, false), w: x([3], 0.5, 2, false) },
    ours: (t) => F.binaryCrossEntropy(t.a, t.b, { weight: t.w }), py: 'F.binary_cross_entropy(a, b, weight=w)' },
  { name: 'binaryCrossEntropyWithLogits posWeight', inputs: { a: x([2, 3], -3, 3), b: x([2, 3], 0, 1, false), w: x([3], 0.5, 2, false) },
    ours: (t) => F.binaryCrossEntropyWithLogits(t.a, t.b, { posWeight: t.w }), py: 'F.binary_cross_entropy_with_logits(a, b, pos_weight=w)' },
  { name: 'crossEntropy', inputs: { a: x([4, 5]), c: fixed([4], [0, 4, 2, 1]) }, ours: (t) => F.crossEntropy(t.a, t.c), py: 'F.cross_entropy(a, c.long())' },
  { name: 'crossEntropy smoothing ignoreIndex', inputs: { a: x([4, 5]), c: fixed([4], [0, 4, -100, 1]) },
    ours: (t) => F.crossEntropy(t.a, t.c, { labelSmoothing: 0.2 }), py: 'F.cross_entropy(a, c.long(), label_smoothing=0.2)' },
  { name: 'crossEntropy class numbers', inputs: { a: x([3, 4]) }, ours: (t) => F.crossEntropy(t.a, [3, 0, 1], { reduction: 'sum' }), py: "F.cross_entropy(a, torch.tensor([3, 0, 1]), reduction='sum')" },
  { name: 'nllLoss weight', inputs: { a: x([4, 3], -3, -0.1), c: fixed([4], [2, 0, 1, 2]), w: x([3], 0.5, 2, false) },
    ours: (t) => F.nllLoss(t.a, t.c, { weight: t.w }), py: 'F.nll_loss(a, c.long(), weight=w)' },
  { name: 'layerNorm', inputs: { a: x([3, 2, 4]), w: x([2, 4]), b: x([2, 4]) },
    ours: (t) => F.layerNorm(t.a, [2, 4], { weight: t.w, bias: t.b, eps: 1e-3 }), py: 'F.layer_norm(a, (2, 4), weight=w, bias=b, eps=1e-3)' },
  { name: 'layerNorm bare', inputs: { a: x([5, 6]) }, ours: (t) => F.layerNorm(t.a, 6), py: 'F.layer_norm(a, (6,))' },
  { name: 'groupNorm affine', inputs: { a: x([2, 6, 3, 2]), w: x([6]), b: x([6]) },
    ours: (t) => F.groupNorm(t.a, 3, { weight: t.w, bias: t.b }), py: 'F.group_norm(a, 3, weight=w, bias=b)' },
  { name: 'groupNorm bare, eps', inputs: { a: x([4, 4, 5]) }, ours: (t) => F.groupNorm(t.a, 2, { eps: 1e-3 }), py: 'F.group_norm(a, 2, eps=1e-3)' },
  { name: 'groupNorm weight only, one group', inputs: { a: x([3, 4]), w: x([4]) }, ours: (t) => F.groupNorm(t.a, 1, { weight: t.w }), py: 'F.group_norm(a, 1, weight=w)' },
  { name: 'nn.GroupNorm module', inputs: { a: x([2, 4, 3]) },
    ours: (t) => { const m = new nn.GroupNorm(2, 4); m.weight!.data.set([0.5, -1, 2, 1.5]); m.bias!.data.set([0.1, 0, -0.3, 1]); return m.forward(t.a); },
    py: 'F.group_norm(a, 2, weight=torch.tensor([0.5, -1, 2, 1.5]), bias=torch.tensor([0.1, 0, -0.3, 1]))' },
  { name: 'normalize', inputs: { a: x([3, 4]) }, ours: (t) => F.normalize(t.a), py: 'F.normalize(a)' },
  { name: 'normalize p 1 dim 0', inputs: { a: x([3, 4]) }, ours: (t) => F.normalize(t.a, { p: 1, dim: 0 }), py: 'F.normalize(a, p=1, dim=0)' },
  { name: 'normalize inf, a zero row', inputs: { a: { ...fixed([2, 3], [0, 0, 0, 1, -3, 2]), grad: true } }, ours: (t) => F.normalize(t.a, { p: Infinity, dim: -1 }), py: "F.normalize(a, p=float('inf'), dim=-1)" },
  { name: 'normalize eps', inputs: { a: x([2, 3], -0.1, 0.1) }, ours: (t) => F.normalize(t.a, { eps: 0.2 }), py: 'F.normalize(a, eps=0.2)' },
  { name: 'cosineSimilarity', inputs: { a: x([4, 5]), b: x([4, 5]) }, ours: (t) => F.cosineSimilarity(t.a, t.b), py: 'F.cosine_similarity(a, b)' },
  { name: 'cosineSimilarity broadcast dim -1', inputs: { a: x([3, 1, 4]), b: x([2, 4]) }, ours: (t) => F.cosineSimilarity(t.a, t.b, { dim: -1 }), py: 'F.cosine_similarity(a, b, dim=-1)' },
  { name: 'cosineSimilarity eps, short vectors', inputs: { a: x([2, 3], -0.2, 0.2), b: x([2, 3]) }, ours: (t) => F.cosineSimilarity(t.a, t.b, { eps: 0.3 }), py: 'F.cosine_similarity(a, b, eps=0.3)' },
  { name: 'pairwiseDistance', inputs: { a: x([4, 3]), b: x([4, 3]) }, ours: (t) => F.pairwiseDistance(t.a, t.b), py: 'F.pairwise_distance(a, b)' },
  { name: 'pairwiseDistance p 1 keepDim broadcast', inputs: { a: x([4, 3]), b: x([3]) }, ours: (t) => F.pairwiseDistance(t.a, t.b, { p: 1, keepDim: true }), py: 'F.pairwise_distance(a, b, p=1, keepdim=True)' },
  { name: 'pairwiseDistance inf eps', inputs: { a: x([2, 5]), b: x([2, 5]) }, ours: (t) => F.pairwiseDistance(t.a, t.b, { p: Infinity, eps: 0.01 }), py: "F.pairwise_distance(a, b, p=float('inf'), eps=0.01)" },
  // torch 2's scaled_dot_product_attention, written out as its documentation's reference (torch 1.13 has none).
  { name: 'scaledDotProductAttention', inputs: { q: x([2, 3, 4, 8]), k: x([2, 3, 5, 8]), v: x([2, 3, 5, 6]) },
    ours: (t) => F.scaledDotProductAttention(t.q, t.k, t.v), py: 'torch.softmax(q @ k.transpose(-2, -1) * (8 ** -0.5), -1) @ v' },
  { name: 'scaledDotProductAttention causal, broadcast key', inputs: { q: x([2, 5, 4]), k: x([1, 5, 4]), v: x([2, 5, 3]) },
    ours: (t) => F.scaledDotProductAttention(t.q, t.k, t.v, { isCausal: true }),
    py: "torch.softmax(q @ k.transpose(-2, -1) * 0.5 + torch.zeros(5, 5).masked_fill(torch.ones(5, 5).tril() == 0, float('-inf')), -1) @ v" },
  { name: 'scaledDotProductAttention bool mask, scale', inputs: { q: x([3, 4, 4]), k: x([3, 6, 4]), v: x([3, 6, 2]), m: fixed([4, 6], Array.from({ length: 24 }, (_, i) => (i % 5 === 1 ? 0 : 1))) },
    ours: (t) => F.scaledDotProductAttention(t.q, t.k, t.v, { attnMask: t.m, scale: 0.3 }),
    py: "torch.softmax(q @ k.transpose(-2, -1) * 0.3 + torch.zeros(4, 6).masked_fill(m == 0, float('-inf')), -1) @ v" },
  { name: 'scaledDotProductAttention float mask', inputs: { q: x([2, 3, 4]), k: x([2, 5, 4]), v: x([2, 5, 4]), m: x([3, 5], -1, 1, false) },
    ours: (t) => F.scaledDotProductAttention(t.q, t.k, t.v, { attnMask: t.m, maskKind: 'float' }), py: 'torch.softmax(q @ k.transpose(-2, -1) * 0.5 + m, -1) @ v' },
  { name: 'relu re-exported', inputs: { a: x([5]) }, ours: (t) => F.relu(t.a), py: 'F.relu(a)' },
  { name: 'embedding paddingIdx', inputs: { i: fixed([2, 3], [0, 2, 4, 2, 2, 1]), w: x([5, 3]) },
    ours: (t) => F.embedding(t.i, t.w, { paddingIdx: -3 }), py: 'F.embedding(i.long(), w, padding_idx=-3)' },
  { name: 'nn.utils.rnn.padSequence', inputs: { a: x([3, 2]), b: x([5, 2]), c: x([1, 2]) },
    ours: (t) => nn.utils.rnn.padSequence([t.a, t.b, t.c], { paddingValue: -1 }), py: 'torch.nn.utils.rnn.pad_sequence([a, b, c], padding_value=-1.0)' },
  { name: 'nn.utils.rnn.padSequence batchFirst', inputs: { a: x([2]), b: x([4]) },
    ours: (t) => nn.utils.rnn.padSequence([t.a, t.b], { batchFirst: true }), py: 'torch.nn.utils.rnn.pad_sequence([a, b], batch_first=True)' },
  { name: 'nn.utils.parametersToVector', inputs: { a: x([2, 3]), b: x([4]) },
    ours: (t) => nn.utils.parametersToVector([t.a, t.b]), py: 'torch.nn.utils.parameters_to_vector([a, b])' },
  { name: 'hardshrink', inputs: { a: x([9]) }, ours: (t) => F.hardshrink(t.a, 0.7), py: 'F.hardshrink(a, 0.7)' },
  { name: 'softshrink', inputs: { a: x([9]) }, ours: (t) => F.softshrink(t.a, 0.4), py: 'F.softshrink(a, 0.4)' },
  { name: 'threshold', inputs: { a: x([9]) }, ours: (t) => F.threshold(t.a, 0.3, -1), py: 'F.threshold(a, 0.3, -1.0)' },
  { name: 'celu', inputs: { a: x([9]) }, ours: (t) => F.celu(t.a, 0.7), py: 'F.celu(a, alpha=0.7)' },
  { name: 'glu', inputs: { a: x([3, 4]) }, ours: (t) => F.glu(t.a, 1), py: 'F.glu(a, 1)' },
  { name: 'softmin', inputs: { a: x([3, 4]) }, ours: (t) => F.softmin(t.a, 0), py: 'F.softmin(a, 0)' },
  { name: 'marginRankingLoss', inputs: { a: x([6]), b: x([6]), y: fixed([6], [-1, 1, 1, -1, 1, 1]) }, ours: (t) => F.marginRankingLoss(t.a, t.b, t.y, { margin: 0.2 }), py: 'F.margin_ranking_loss(a, b, y, margin=0.2)' },
  { name: 'hingeEmbeddingLoss none', inputs: { a: x([2, 3]), y: fixed([2, 3], [1, -1, -1, 1, -1, 1]) }, ours: (t) => F.hingeEmbeddingLoss(t.a, t.y, { margin: 1.5, reduction: 'none' }), py: "F.hinge_embedding_loss(a, y, margin=1.5, reduction='none')" },
  { name: 'softMarginLoss', inputs: { a: x([7]), y: fixed([7], [-1, 1, 1, -1, 1, 1, -1]) }, ours: (t) => F.softMarginLoss(t.a, t.y), py: 'F.soft_margin_loss(a, y)' },
  { name: 'cosineEmbeddingLoss', inputs: { a: x([4, 5]), b: x([4, 5]), y: fixed([4], [-1, 1, 1, -1]) }, ours: (t) => F.cosineEmbeddingLoss(t.a, t.b, t.y, { margin: 0.1 }), py: 'F.cosine_embedding_loss(a, b, y, margin=0.1)' },
  { name: 'tripletMarginLoss swap p 1', inputs: { a: x([4, 3]), b: x([4, 3]), c: x([4, 3]) }, ours: (t) => F.tripletMarginLoss(t.a, t.b, t.c, { margin: 0.5, p: 1, swap: true }), py: 'F.triplet_margin_loss(a, b, c, margin=0.5, p=1, swap=True)' },
  { name: 'tripletMarginLoss', inputs: { a: x([5, 3]), b: x([5, 3]), c: x([5, 3]) }, ours: (t) => new nn.TripletMarginLoss({ reduction: 'sum' }).forward(t.a, t.b, t.c), py: "F.triplet_margin_loss(a, b, c, reduction='sum')" },
  { name: 'poissonNllLoss', inputs: { a: x([6], -1, 1), t: fixed([6], [0, 1, 2, 3, 0, 5]) }, ours: (t) => F.poissonNllLoss(t.a, t.t), py: 'F.poisson_nll_loss(a, t)' },
  { name: 'poissonNllLoss rates full', inputs: { a: x([6], 0.5, 3), t: fixed([6], [0, 1, 2, 3, 0.5, 5]) }, ours: (t) => F.poissonNllLoss(t.a, t.t, { logInput: false, full: true, reduction: 'sum' }), py: "F.poisson_nll_loss(a, t, log_input=False, full=True, reduction='sum')" },
  { name: 'gaussianNllLoss var per row, clamped', inputs: { a: x([4, 3]), t: x([4, 3], -2, 2, false), v: x([4], 0.01, 1.5) }, ours: (t) => F.gaussianNllLoss(t.a, t.t, t.v, { eps: 0.5, full: true }), py: 'F.gaussian_nll_loss(a, t, v, eps=0.5, full=True)' },
  { name: 'gaussianNllLoss none', inputs: { a: x([3, 2]), t: x([3, 2], -2, 2, false), v: x([3, 2], 0.2, 2) }, ours: (t) => new nn.GaussianNLLLoss({ reduction: 'none' }).forward(t.a, t.t, t.v), py: "F.gaussian_nll_loss(a, t, v, reduction='none')" },
  { name: 'nn.Unflatten, nn.CosineSimilarity, nn.PairwiseDistance', inputs: { a: x([2, 6]), b: x([2, 3]) },
    ours: (t) => new nn.CosineSimilarity({ dim: -1 }).forward(new nn.Unflatten(1, [2, 3]).forward(t.a), t.b.unsqueeze(1)).add(new nn.PairwiseDistance().forward(t.b, t.b.flip([0])).unsqueeze(1)),
    py: 'F.cosine_similarity(a.unflatten(1, (2, 3)), b.unsqueeze(1), dim=-1) + F.pairwise_distance(b, b.flip(0)).unsqueeze(1)' },
  { name: 'softmax re-exported', inputs: { a: x([2, 3]) }, ours: (t) => F.softmax(t.a, 1), py: 'F.softmax(a, 1)' },
];

noteIfNoTorch('nn.functional against torch');
eachBackend('nn.functional', () => {
  it.runIf(haveTorch)(`${CASES.length} calls: torch.nn.functional's values and every input's gradient`, () => {
    expectCallsLikeTorch(CASES);
  });

  it('dropout: the identity when not training or at p 0, zeros at p 1, nn.Dropout\'s mask from the same seed', () => {
    const a = bp.randn([64, 64]);
    expect(F.dropout(a, 0.5, false)).toBe(a);
    expect(F.dropout(a, 0)).toBe(a);
    expect(Array.from(F.dropout(a, 1).data).every((v) => v === 0)).toBe(true);
    bp.manualSeed(7);
    const ours = F.dropout(a, 0.3);
    bp.manualSeed(7);
    const theirs = new nn.Dropout(0.3).forward(a);
    expect(Array.from(ours.data)).toEqual(Array.from(theirs.data));
    const kept = Array.from(ours.data).filter((v) => v !== 0).length / a.size;
    expect(kept).toBeGreaterThan(0.65);
    expect(kept).toBeLessThan(0.75);
  });

  it('names the function and the bad argument', () => {
    const a = bp.randn([3, 4]);
    expect(() => F.dropout(a, 1.5)).toThrow('dropout: p must be in [0, 1], got 1.5');
    expect(() => F.dropout(a, 0.5, 'yes' as unknown as boolean)).toThrow(/dropout: training must be true or false, got "yes"/);
    expect(() => F.dropout([1] as unknown as Tensor)).toThrow(/dropout/);
    expect(() => F.layerNorm(a, 3)).toThrow('layerNorm: input shape [3, 4] does not end with normalizedShape [3]');
    expect(() => F.layerNorm(a, 4, { weight: bp.ones([3]) })).toThrow('layerNorm: weight has shape [3], normalizedShape is [4]');
    expect(() => F.layerNorm(a, [0])).toThrow(/layerNorm: normalizedShape must be a positive integer/);
    expect(() => F.layerNorm(a, 4, { eps: -1 })).toThrow(/layerNorm: invalid eps: -1/);
    expect(() => F.layerNorm(a, 4, { epsilon: 1 } as never)).toThrow(/layerNorm: unknown option 'epsilon'/);
    const q = bp.randn([2, 3, 4]);
    expect(() => F.scaledDotProductAttention(q, bp.randn([2, 5, 3]), bp.randn([2, 5, 4]))).toThrow(/scaledDotProductAttention: query \[\.\.\., L, E\], key \[\.\.\., S, E\] and value \[\.\.\., S, Ev\] disagree/);
    expect(() => F.scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: bp.ones([3, 3]) })).toThrow("scaledDotProductAttention: isCausal and attnMask are exclusive (torch's rule)");
    expect(() => F.scaledDotProductAttention(q, q, q, { dropoutP: -0.1 })).toThrow('scaledDotProductAttention: p must be in [0, 1], got -0.1');
    expect(() => F.scaledDotProductAttention(q, q, q, { attnMask: bp.ones([3, 4]) })).toThrow(/add|broadcast/);
    expect(() => F.scaledDotProductAttention(bp.randn([4]), q, q)).toThrow('scaledDotProductAttention: query must have at least 2 dims, got shape [4]');
    expect(() => F.groupNorm(a, 3)).toThrow("groupNorm: the input's 4 channels do not split into 3 groups");
    expect(() => F.groupNorm(a, 0)).toThrow('groupNorm: numGroups must be a positive integer, got 0');
    expect(() => F.groupNorm(a, 2, { weight: bp.ones([3]) })).toThrow('groupNorm: weight must be [4], got shape [3]');
    expect(() => F.groupNorm(bp.ones([4]), 2)).toThrow('groupNorm: input must be [N, C, ...], got shape [4]');
    expect(() => new nn.GroupNorm(3, 4)).toThrow('GroupNorm: numChannels (4) must be divisible by numGroups (3)');
    expect(() => new nn.GroupNorm(2, 4).forward(bp.ones([2, 6]))).toThrow('GroupNorm: expected input [N, 4, ...], got shape [2, 6]');
    expect(String(new nn.GroupNorm(2, 6, { affine: false }))).toBe('GroupNorm(2, 6, eps=1e-05, affine=False)');
    expect([new nn.Hardshrink(), new nn.Softshrink(0.3), new nn.Threshold(0.1, 20), new nn.CELU(), new nn.CELU(0.5), new nn.GLU(), new nn.Softmin(1),
      new nn.Unflatten(1, [2, 5]), new nn.CosineSimilarity(), new nn.PairwiseDistance()].map(String)).toEqual(['Hardshrink(0.5)', 'Softshrink(0.3)',
      'Threshold(threshold=0.1, value=20)', 'CELU(alpha=1.0)', 'CELU(alpha=0.5)', 'GLU(dim=-1)', 'Softmin(dim=1)', 'Unflatten(dim=1, unflattened_size=(2, 5))',
      'CosineSimilarity()', 'PairwiseDistance()']); // torch 1.13's reprs
    const table = bp.randn([4, 2]);
    const frozen = nn.Embedding.fromPretrained(table);
    expect(Array.from(frozen.forward(bp.tensor([3, 0])).data)).toEqual([...table.data.slice(6, 8), ...table.data.slice(0, 2)]);
    expect(frozen.weight.requiresGrad).toBe(false);
    expect(nn.Embedding.fromPretrained(table, { freeze: false }).weight.requiresGrad).toBe(true);
    expect(() => nn.Embedding.fromPretrained(bp.ones([4]))).toThrow('Embedding.fromPretrained: embeddings must be 2-D [numEmbeddings, embeddingDim], got shape [4]');
    expect(() => F.embedding(bp.tensor([4]), table)).toThrow('embedding: index 4 at position 0 is out of range [0, 4)');
    expect(() => F.embedding(bp.tensor([1]), table, { paddingIdx: 4 })).toThrow('embedding: paddingIdx must be an integer within [-4, 4), got 4');
    const lin = new nn.Linear(3, 2);
    const v = nn.utils.parametersToVector(lin.parameters());
    nn.utils.vectorToParameters(v.mul(2), lin.parameters());
    expect(Array.from(lin.bias!.data)).toEqual(Array.from(v.data.slice(6, 8)).map((u) => u * 2));
    expect(nn.utils.clipGradNorm).toBe(bp.clipGradNorm);
    expect(() => nn.utils.vectorToParameters(bp.ones([7]), lin.parameters())).toThrow('vectorToParameters: vec has 7 elements, the parameters 8');
    expect(() => nn.utils.rnn.padSequence([bp.ones([2, 3]), bp.ones([2, 4])])).toThrow('padSequence: sequence 1 has shape [2, 4], sequence 0 [2, 3]: all but the first dim must agree');
    expect(() => nn.utils.rnn.padSequence([])).toThrow(/padSequence: expected a non-empty array of tensors/);
    expect(() => F.glu(bp.ones([3, 3]))).toThrow('glu: dim -1 of shape [3, 3] must have an even size, to halve');
    expect(() => F.softshrink(a, -1)).toThrow('softshrink: lambd must be at least 0, got -1');
    expect(() => F.celu(a, 0)).toThrow('celu: alpha must not be 0');
    expect(() => new nn.Unflatten(1, [3, 3]).forward(bp.ones([2, 6]))).toThrow('Unflatten: dim 1 of shape [2, 6] (size 6) cannot become (3, 3)');
    expect(() => F.marginRankingLoss(a, a, a, { reduction: 'avg' as 'mean' })).toThrow(/marginRankingLoss: reduction must be 'mean', 'sum' or 'none', got "avg"/);
    expect(() => F.cosineEmbeddingLoss(a, a, bp.ones([4]))).toThrow('cosineEmbeddingLoss: x1 and x2 must be [N, D] (or [D]) and y [N] (or 0-d), got shapes [3, 4], [3, 4] and [4]');
    expect(() => F.gaussianNllLoss(a, a, bp.ones([4]))).toThrow("gaussianNllLoss: var of shape [4] fits neither input's [3, 4], nor it without its last dim, nor with a last dim of 1");
    expect(() => F.gaussianNllLoss(a, a, bp.full([3], -1))).toThrow('gaussianNllLoss: var has negative entries');
    expect(() => F.tripletMarginLoss(a, a, a, { p: 3 })).toThrow('pairwiseDistance: p must be 1, 2 or Infinity, got 3');
    expect(new nn.GroupNorm(2, 6).parameters().length).toBe(2);
    expect(() => F.normalize(a, { p: 3 })).toThrow('normalize: p must be 1, 2 or Infinity, got 3');
    expect(() => F.normalize(a, { dim: 2 })).toThrow(/normalize/);
    expect(() => F.cosineSimilarity(a, bp.randn([3, 5]))).toThrow(/cosineSimilarity.*\[3, 4\].*\[3, 5\]/);
    expect(() => F.cosineSimilarity(a, 2 as unknown as Tensor)).toThrow(/cosineSimilarity x2/);
    expect(() => F.pairwiseDistance(a, a, { p: 0.5 })).toThrow('pairwiseDistance: p must be 1, 2 or Infinity, got 0.5');
    expect(() => F.pairwiseDistance(a, a, { keepDim: 1 } as never)).toThrow(/pairwiseDistance/);
    expect(() => F.mseLoss(a, bp.randn([4, 3]))).toThrow(/MSELoss.*\[3, 4\].*\[4, 3\]/);
    expect(() => F.crossEntropy(a, [0, 1, 9])).toThrow(/CrossEntropyLoss/);
  });
});
