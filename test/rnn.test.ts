// nn.RNN, nn.LSTM and nn.GRU against torch 1.13 on both backends: random sizes, layers, directions,
// batch_first, biases and initial states, from the same parameters (loaded into torch by name):
// the output, the final states and the gradients of the input, the states and every parameter.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { drawsOf, rng, sizeOfShape } from './helpers/random';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectOpsLikeTorch, OpCase, OpResult, PY_CASES_LOOP } from './helpers/torch_ops';
import { backpropWeighted, loadedLayer, PY_BACKPROP_WEIGHTED, PY_LOADED_LAYER } from './helpers/rnn_layers';

const r = rng(6037);
const { int, pick, floats: randoms } = drawsOf(r);
const size = sizeOfShape;

// a: the input; b: the parameters in torch's order, then h0 (and c0); args [kind, inputSize,
// hiddenSize, options, inputShape, hasState, parameter shapes].
function cases(): OpCase[] {
  const out: OpCase[] = [];
  while (out.length < 48) {
    const kind = pick(['RNN', 'RNN', 'LSTM', 'GRU']);
    const [inputSize, hidden, layers, steps, batch] = [1 + int(4), 1 + int(4), 1 + int(2), int(5) + 1, 1 + int(3)];
    const options = { numLayers: layers, bias: r() < 0.8, batchFirst: r() < 0.3, bidirectional: r() < 0.4, ...(kind === 'RNN' ? { nonlinearity: pick(['tanh', 'relu']) } : {}) };
    const m = kind === 'RNN' ? new nn.RNN(inputSize, hidden, options as bp.nn.RNNLayerOptions) : kind === 'LSTM' ? new nn.LSTM(inputSize, hidden, options) : new nn.GRU(inputSize, hidden, options);
    const shapes = m.namedParameters().map(([, p]) => [...p.shape]);
    const batched = r() < 0.85;
    const inputShape = !batched ? [steps, inputSize] : options.batchFirst ? [batch, steps, inputSize] : [steps, batch, inputSize];
    const hasState = r() < 0.5;
    const dirs = options.bidirectional ? 2 : 1;
    const stateShape = batched ? [layers * dirs, batch, hidden] : [layers * dirs, hidden];
    const states = hasState ? (kind === 'LSTM' ? 2 : 1) : 0;
    const b = [...shapes.flatMap((s) => randoms(size(s))), ...randoms(states * size(stateShape))];
    out.push({ op: kind, a: randoms(size(inputShape)), as: inputShape, b, bs: [b.length], args: [kind, inputSize, hidden, options, inputShape, hasState, shapes, stateShape] });
  }
  return out;
}

function run(c: OpCase): OpResult {
  const [kind, inputSize, hidden, options, , hasState, shapes, stateShape] = c.args as [string, number, number, bp.nn.RNNLayerOptions, number[], boolean, number[][], number[]];
  const { m, take } = loadedLayer(kind, inputSize, hidden, options, shapes, c.b!);
  const h0 = hasState ? bp.tensor(take(stateShape), { shape: stateShape, requiresGrad: true }) : null;
  const c0 = hasState && kind === 'LSTM' ? bp.tensor(take(stateShape), { shape: stateShape, requiresGrad: true }) : null;
  const x = bp.tensor(c.a, { shape: c.as, requiresGrad: true });
  const { output, hN, cN } = m.forwardWithState(x, h0, c0);
  backpropWeighted(output, hN, cN);
  const y = [...output.data, ...hN.data, ...(cN ? cN.data : [])];
  const grads = [...x.grad!.data, ...m.parameters().flatMap((p) => Array.from(p.grad!.data)), ...(h0 ? h0.grad!.data : []), ...(c0 ? c0.grad!.data : [])];
  return { y, shape: [...output.shape], ga: Array.from(grads), gb: null };
}

const SCRIPT = `
${PY_CASES_LOOP}
    kind, ins, hid, o, xs, has_state, shapes, state_shape = p
    kw = dict(num_layers=o["numLayers"], bias=o["bias"], batch_first=o["batchFirst"], bidirectional=o["bidirectional"])
    if kind == "RNN": kw["nonlinearity"] = o["nonlinearity"]
${PY_LOADED_LAYER}
    x = T(c["a"], c["as"], True)
    h0 = take(state_shape).requires_grad_(True) if has_state else None
    c0 = take(state_shape).requires_grad_(True) if has_state and kind == "LSTM" else None
    if kind == "LSTM":
        y, (hn, cn) = m(x, None if h0 is None else (h0, c0))
    else:
        y, hn = m(x, h0)
        cn = None
${PY_BACKPROP_WEIGHTED}
    vals = enc(y.detach()) + enc(hn.detach()) + ([] if cn is None else enc(cn.detach()))
    grads = enc(x.grad) + [v for prm in m.parameters() for v in enc(prm.grad)] + ([] if h0 is None else enc(h0.grad)) + ([] if c0 is None else enc(c0.grad))
    out.append({"y": vals, "shape": list(y.shape), "ga": grads, "gb": None})
print(json.dumps(out))
`;

const CASES = cases();
noteIfNoTorch('the comparison of RNN, LSTM and GRU with torch');
eachBackend('nn.RNN, nn.LSTM, nn.GRU', () => {
  it.runIf(haveTorch)(`${CASES.length} random layers as torch's (outputs, final states, gradients of input, states and parameters within 2e-6)`, () => {
    expectOpsLikeTorch(CASES, SCRIPT, run, 2e-6);
  });
});

describe('nn.RNN, nn.LSTM, nn.GRU', () => {
  it("torch's parameter names, shapes, repr and bounds; argument errors; forward is the output", () => {
    bp.manualSeed(3);
    const lstm = new nn.LSTM(3, 5, { numLayers: 2, bidirectional: true });
    expect(lstm.namedParameters().map(([k, p]) => `${k} ${p.shape.join('x')}`)).toEqual([
      'weight_ih_l0 20x3', 'weight_hh_l0 20x5', 'bias_ih_l0 20', 'bias_hh_l0 20', 'weight_ih_l0_reverse 20x3', 'weight_hh_l0_reverse 20x5', 'bias_ih_l0_reverse 20', 'bias_hh_l0_reverse 20',
      'weight_ih_l1 20x10', 'weight_hh_l1 20x5', 'bias_ih_l1 20', 'bias_hh_l1 20', 'weight_ih_l1_reverse 20x10', 'weight_hh_l1_reverse 20x5', 'bias_ih_l1_reverse 20', 'bias_hh_l1_reverse 20']);
    for (const p of lstm.parameters()) expect(Math.max(...Array.from(p.data).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(5));
    expect(String(lstm)).toBe('LSTM(3, 5, num_layers=2, bidirectional=True)');
    expect(String(new nn.GRU(2, 3, { bias: false, batchFirst: true, dropout: 0.5 }))).toBe('GRU(2, 3, bias=False, batch_first=True, dropout=0.5)');
    expect(String(new nn.RNN(2, 3, { nonlinearity: 'relu' }))).toBe('RNN(2, 3, nonlinearity=relu)');
    const x = bp.randn([4, 2, 3]);
    expect(Array.from(lstm.forward(x).data)).toEqual(Array.from(lstm.forwardWithState(x).output.data));
    expect(() => new nn.LSTM(0, 3)).toThrow(/LSTM: inputSize must be a positive integer, got 0/);
    expect(() => new nn.GRU(2, 3, { nonlinearity: 'relu' } as bp.nn.RNNLayerOptions)).toThrow(/GRU: unknown option 'nonlinearity' \(RNN's\)/);
    expect(() => new nn.RNN(2, 3, { nonlinearity: 'gelu' as 'relu' })).toThrow(/RNN: nonlinearity must be 'tanh' or 'relu', got "gelu"/);
    expect(() => new nn.RNN(2, 3, { dropout: 2 })).toThrow(/RNN: dropout must be in \[0, 1\], got 2/);
    expect(() => lstm.forward(bp.randn([4, 2, 4]))).toThrow(/LSTM: input's features 4 \(shape \[4, 2, 4\]\) must be inputSize 3/);
    expect(() => lstm.forwardWithState(x, bp.zeros([4, 2, 4]))).toThrow(/LSTM: h0 must be \[4, 2, 5\], got shape \[4, 2, 4\]/);
    expect(() => new nn.GRU(3, 5).forwardWithState(x, null, bp.zeros([1, 2, 5]))).toThrow(/GRU: c0 is LSTM's; GRU has no cell state/);
    expect(() => lstm.forward(bp.randn([3]))).toThrow(/LSTM: input must be 2-D \[time, input\] or 3-D, got shape \[3\]/);
  });

  it('save and load whole; dropout between layers only in training', () => {
    const model = new nn.Sequential(new nn.LSTM(3, 4, { numLayers: 2, batchFirst: true, dropout: 0.5 }), new nn.GRU(4, 2, { bidirectional: true, batchFirst: true }),
      new nn.RNN(4, 3, { bias: false, batchFirst: true }));
    const file = `${require('node:os').tmpdir()}/bp-rnn-${process.pid}.safetensors`;
    bp.save(model, file);
    const back = bp.load(file);
    expect(String(back)).toBe(String(model));
    back.eval();
    model.eval();
    const x = bp.randn([2, 5, 3]);
    expect(Array.from(back.forward(x).data)).toEqual(Array.from(model.forward(x).data));
    expect(Array.from(model.forward(x).data)).toEqual(Array.from(model.forward(x).data));
    model.train();
    bp.manualSeed(1);
    const a = Array.from(model.forward(x).data);
    bp.manualSeed(2);
    expect(Array.from(model.forward(x).data)).not.toEqual(a);
  });
});
