// Packed sequences against torch 1.13 on both backends: nn.RNN, nn.LSTM and nn.GRU over batches of
// random lengths (sorted or not, layers, directions, batchFirst padding, initial states), from the same
// parameters: the padded output, the final states (each sequence's own end), and the gradients of the
// padded input, the states and every parameter; then packing and unpacking alone, and the errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng, sizeOfShape } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';
import { backpropWeighted, loadedLayer, PY_BACKPROP_WEIGHTED, PY_LOADED_LAYER } from './helpers/rnn_layers';

const r = rng(5301);
const { int, pick, floats: randoms } = drawsOf(r);
const size = sizeOfShape;
const { packPaddedSequence, padPackedSequence, packSequence, PackedSequence } = nn.utils.rnn;

// a: the padded input; b: the parameters in torch's order, then h0 (and c0); args [kind, inputSize,
// hiddenSize, options, lengths, enforceSorted, hasState, parameter shapes, state shape].
function cases(): OpCase[] {
  const out: OpCase[] = [];
  while (out.length < 36) {
    const kind = pick(['RNN', 'LSTM', 'GRU']);
    const [inputSize, hidden, layers, steps, batch] = [1 + int(3), 1 + int(4), 1 + int(2), 1 + int(5), 1 + int(4)];
    const options = { numLayers: layers, bias: r() < 0.8, batchFirst: r() < 0.4, bidirectional: r() < 0.5 };
    // Distinct lengths (torch's sort of ties need not keep their order), one of them the longest.
    const pool = Array.from({ length: steps }, (_, i) => i + 1).sort(() => r() - 0.5);
    if (pool.length < batch) continue;
    const lengths = pool.slice(0, batch);
    if (!lengths.includes(steps)) lengths[0] = steps;
    const enforceSorted = r() < 0.4;
    if (enforceSorted) lengths.sort((p, q) => q - p);
    const m = kind === 'RNN' ? new nn.RNN(inputSize, hidden, options) : kind === 'LSTM' ? new nn.LSTM(inputSize, hidden, options) : new nn.GRU(inputSize, hidden, options);
    const shapes = m.namedParameters().map(([, p]) => [...p.shape]);
    const inputShape = options.batchFirst ? [batch, steps, inputSize] : [steps, batch, inputSize];
    const hasState = r() < 0.5;
    const stateShape = [layers * (options.bidirectional ? 2 : 1), batch, hidden];
    const states = hasState ? (kind === 'LSTM' ? 2 : 1) : 0;
    const b = [...shapes.flatMap((s) => randoms(size(s))), ...randoms(states * size(stateShape))];
    out.push({ op: kind, a: randoms(size(inputShape)), as: inputShape, b, bs: [b.length], args: [kind, inputSize, hidden, options, lengths, enforceSorted, hasState, shapes, stateShape] });
  }
  return out;
}

function run(c: OpCase): OpResult {
  const [kind, inputSize, hidden, options, lengths, enforceSorted, hasState, shapes, stateShape] = c.args as [string, number, number, bp.nn.RNNLayerOptions, number[], boolean, boolean, number[][], number[]];
  const { m, take } = loadedLayer(kind, inputSize, hidden, options, shapes, c.b!);
  const h0 = hasState ? bp.tensor(take(stateShape), { shape: stateShape, requiresGrad: true }) : null;
  const c0 = hasState && kind === 'LSTM' ? bp.tensor(take(stateShape), { shape: stateShape, requiresGrad: true }) : null;
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const packed = packPaddedSequence(x, lengths, { batchFirst: options.batchFirst, enforceSorted });
  const { output: packedOut, hN, cN } = m.forwardWithState(packed, h0, c0);
  const { output, lengths: outLengths } = padPackedSequence(packedOut, { batchFirst: options.batchFirst });
  expect(Array.from(outLengths.data)).toEqual(lengths);
  backpropWeighted(output, hN, cN);
  const y = [...packedOut.data.data, ...output.data, ...hN.data, ...(cN ? cN.data : [])];
  const grads = [...x.grad!.data, ...m.parameters().flatMap((p) => Array.from(p.grad!.data)), ...(h0 ? h0.grad!.data : []), ...(c0 ? c0.grad!.data : [])];
  return { y, shape: [...output.shape], ga: Array.from(grads), gb: null };
}

const SCRIPT = `
${PY_CASES_LOOP}
    kind, ins, hid, o, lengths, enforce, has_state, shapes, state_shape = p
    kw = dict(num_layers=o["numLayers"], bias=o["bias"], batch_first=o["batchFirst"], bidirectional=o["bidirectional"])
${PY_LOADED_LAYER}
    x = T(c["a"], c["as"], True)
    h0 = take(state_shape).requires_grad_(True) if has_state else None
    c0 = take(state_shape).requires_grad_(True) if has_state and kind == "LSTM" else None
    packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=o["batchFirst"], enforce_sorted=enforce)
    if kind == "LSTM":
        po, (hn, cn) = m(packed, None if h0 is None else (h0, c0))
    else:
        po, hn = m(packed, h0)
        cn = None
    y, _ = torch.nn.utils.rnn.pad_packed_sequence(po, batch_first=o["batchFirst"])
${PY_BACKPROP_WEIGHTED}
    vals = enc(po.data.detach()) + enc(y.detach()) + enc(hn.detach()) + ([] if cn is None else enc(cn.detach()))
    grads = enc(x.grad) + [v for prm in m.parameters() for v in enc(prm.grad)] + ([] if h0 is None else enc(h0.grad)) + ([] if c0 is None else enc(c0.grad))
    out.append({"y": vals, "shape": list(y.shape), "ga": grads, "gb": None})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of packed sequences through RNN, LSTM and GRU with torch');
eachBackend('packed sequences', () => {
  it.runIf(haveTorch)(`${CASES.length} random layers over packed batches as torch's (outputs, final states, gradients within 2e-6)`, () => {
    expectOpsLikeTorch(CASES, SCRIPT, run, 2e-6);
  });
});

describe('packing and unpacking', () => {
  it('packSequence, the layout and the round trip with its gradient', () => {
    const a = bp.tensor([[1, 2], [3, 4]], { requiresGrad: true }), b = bp.tensor([[5, 6], [7, 8], [9, 10]], { requiresGrad: true }), c = bp.tensor([[11, 12]], { requiresGrad: true });
    const p = packSequence([a, b, c], { enforceSorted: false });
    expect(p.batchSizes).toEqual([3, 2, 1]);
    expect(p.sortedIndices).toEqual([1, 0, 2]);
    expect(p.unsortedIndices).toEqual([1, 0, 2]);
    expect(Array.from(p.data.data)).toEqual([5, 6, 1, 2, 11, 12, 7, 8, 3, 4, 9, 10]);
    const { output, lengths } = padPackedSequence(p, { batchFirst: true, paddingValue: -1, totalLength: 4 });
    expect(output.shape).toEqual([3, 4, 2]);
    expect(Array.from(lengths.data)).toEqual([2, 3, 1]);
    expect(Array.from(output.data.subarray(0, 8))).toEqual([1, 2, 3, 4, -1, -1, -1, -1]);
    output.mul(bp.arange(24).reshape([3, 4, 2])).sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([0, 1, 2, 3]);
    expect(Array.from(c.grad!.data)).toEqual([16, 17]);
  });

  it('errors name the argument', () => {
    const x = bp.zeros([4, 2, 3]);
    expect(() => packPaddedSequence(x, [2, 3])).toThrow(/^packPaddedSequence: lengths must not increase when enforceSorted is true .*got \[2, 3\]$/);
    expect(() => packPaddedSequence(x, [5, 3])).toThrow(/^packPaddedSequence: lengths must be integers in \[1, 4\] \(the padded length\), got 5 at position 0$/);
    expect(() => packPaddedSequence(x, [0, 3], { enforceSorted: false })).toThrow(/^packPaddedSequence: lengths must be integers in \[1, 4\]/);
    expect(() => packPaddedSequence(x, [3])).toThrow(/^packPaddedSequence: lengths must have one length per sequence \(2\), got 1$/);
    expect(() => packPaddedSequence(bp.zeros([3]), [3])).toThrow(/^packPaddedSequence: input must be \[time, batch, \.\.\.\] or \[batch, time, \.\.\.\], got shape \[3\]$/);
    const p = packPaddedSequence(x, [4, 2]);
    expect(() => padPackedSequence(p, { totalLength: 3 })).toThrow(/^padPackedSequence: totalLength must be an integer no less than the longest length 4, got 3$/);
    expect(() => new nn.GRU(4, 2).forward(p)).toThrow(/^GRU: a packed input's data must be \[steps, inputSize 4\], got shape \[6, 3\]$/);
    expect(() => new nn.LSTM(3, 2).forwardWithState(p, bp.zeros([1, 3, 2]))).toThrow(/^LSTM: h0 must be \[1, 2, 2\] for this packed batch, got shape \[1, 3, 2\]$/);
    expect(() => new PackedSequence(bp.zeros([5, 2]), [3, 1])).toThrow(/^PackedSequence: batchSizes must be positive, non-increasing and sum to data's 5 rows, got \[3, 1\]$/);
  });
});
