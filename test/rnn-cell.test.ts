// nn.RNNCell, LSTMCell and GRUCell against torch 1.13's cell functions (torch.rnn_tanh_cell,
// rnn_relu_cell, lstm_cell, gru_cell) with the same weights: values and the gradients of the
// input, the states and every weight, batched and unbatched, on both backends; then a cell stepped
// over a sequence against the layer (nn.LSTM), the parameters' names and shapes, and the errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(5600);
type Cell = nn.RNNCell | nn.LSTMCell | nn.GRUCell;

/** The cell with the call's weights in place of its own, so that their gradients are the inputs'. */
function withWeights<C extends Cell>(cell: C, t: Record<string, bp.Tensor>): C {
  Object.assign(cell, { weight_ih: t.wih, weight_hh: t.whh, bias_ih: t.bih ?? null, bias_hh: t.bhh ?? null });
  return cell;
}

/** Inputs of a cell of `gates` gate blocks: x, h (and c), the weights (biases unless bias is false). */
function cellInputs(gates: number, batch: number | null, input: number, hidden: number, bias = true, cell = false): Record<string, CallInput> {
  const lead = batch === null ? [] : [batch];
  return {
    x: x([...lead, input]), h: x([...lead, hidden]), ...(cell ? { c: x([...lead, hidden]) } : {}),
    wih: x([gates * hidden, input], -0.5, 0.5), whh: x([gates * hidden, hidden], -0.5, 0.5),
    ...(bias ? { bih: x([gates * hidden], -0.5, 0.5), bhh: x([gates * hidden], -0.5, 0.5) } : {}),
  };
}

const CALLS: TorchCall[] = [
  { name: 'RNNCell tanh, batched', inputs: cellInputs(1, 3, 4, 5), ours: (t) => withWeights(new nn.RNNCell(4, 5), t).forward(t.x, t.h),
    py: 'torch.rnn_tanh_cell(x, h, wih, whh, bih, bhh)' },
  { name: 'RNNCell relu, no bias, unbatched', inputs: cellInputs(1, null, 4, 3, false), ours: (t) => withWeights(new nn.RNNCell(4, 3, { nonlinearity: 'relu', bias: false }), t).forward(t.x, t.h),
    py: 'torch.rnn_relu_cell(x.unsqueeze(0), h.unsqueeze(0), wih, whh).squeeze(0)' },
  { name: 'GRUCell, batched', inputs: cellInputs(3, 2, 3, 4), ours: (t) => withWeights(new nn.GRUCell(3, 4), t).forward(t.x, t.h),
    py: 'torch.gru_cell(x, h, wih, whh, bih, bhh)' },
  { name: 'GRUCell, unbatched, no bias', inputs: cellInputs(3, null, 3, 4, false), ours: (t) => withWeights(new nn.GRUCell(3, 4, { bias: false }), t).forward(t.x, t.h),
    py: 'torch.gru_cell(x.unsqueeze(0), h.unsqueeze(0), wih, whh).squeeze(0)' },
  { name: 'LSTMCell, batched: h and c', inputs: cellInputs(4, 2, 3, 5, true, true),
    ours: (t) => { const s = withWeights(new nn.LSTMCell(3, 5), t).forwardWithState(t.x, t.h, t.c); return bp.stack([s.h, s.c]); },
    py: 'torch.stack(torch.lstm_cell(x, (h, c), wih, whh, bih, bhh))' },
  { name: 'LSTMCell, unbatched, h alone', inputs: cellInputs(4, null, 3, 2, true, true), ours: (t) => withWeights(new nn.LSTMCell(3, 2), t).forward(t.x, t.h, t.c),
    py: 'torch.lstm_cell(x.unsqueeze(0), (h.unsqueeze(0), c.unsqueeze(0)), wih, whh, bih, bhh)[0].squeeze(0)' },
];

noteIfNoTorch('RNNCell, LSTMCell and GRUCell against torch');
eachBackend('recurrent cells', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's cells, gradients of the input, states and weights`, () => expectCallsLikeTorch(CALLS, 4e-6));

  it('an LSTMCell stepped over a sequence gives nn.LSTM\'s output and state, gradients included', () => {
    bp.manualSeed(3);
    const layer = new nn.LSTM(3, 4);
    const cell = new nn.LSTMCell(3, 4);
    cell.loadStateDict({ weight_ih: layer.stateDict().weight_ih_l0, weight_hh: layer.stateDict().weight_hh_l0, bias_ih: layer.stateDict().bias_ih_l0, bias_hh: layer.stateDict().bias_hh_l0 });
    const seq = bp.randn([5, 2, 3]);
    const whole = layer.forwardWithState(seq);
    let h: bp.Tensor | undefined, c: bp.Tensor | undefined;
    const hs: bp.Tensor[] = [];
    for (let s = 0; s < 5; s++) {
      const next = cell.forwardWithState(seq.select(0, s), h, c);
      ({ h, c } = next);
      hs.push(next.h);
    }
    expect(Array.from(bp.stack(hs).data)).toEqual(Array.from(whole.output.data));
    expect(Array.from(c!.data)).toEqual(Array.from(whole.cN!.reshape([2, 4]).data));
    whole.output.sum().backward();
    bp.stack(hs).sum().backward();
    expect(Array.from(cell.weight_hh.grad!.data)).toEqual(Array.from((layer as unknown as Record<string, bp.Tensor>).weight_hh_l0.grad!.data));
  });

  it("has torch's parameter names, shapes and repr", () => {
    const gru = new nn.GRUCell(3, 4, { bias: false });
    expect(gru.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['weight_ih', [12, 3]], ['weight_hh', [12, 4]]]);
    expect(new nn.LSTMCell(3, 4).namedParameters().map(([n]) => n)).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    expect(new nn.RNNCell(3, 4, { nonlinearity: 'relu', bias: false }).toString()).toBe('RNNCell(3, 4, bias=False, nonlinearity=relu)');
    expect(gru.toString()).toBe('GRUCell(3, 4, bias=False)');
    expect(new nn.RNNCell(2, 2).forward(bp.randn([2])).shape).toEqual([2]);
  });

  it('names the cell and the bad argument', () => {
    const cell = new nn.LSTMCell(3, 4);
    expect(() => cell.forward(bp.randn([2, 5]))).toThrow('LSTMCell: input must be [batch, 3] or [3], got shape [2, 5]');
    expect(() => cell.forward(bp.randn([2, 3]), bp.randn([3, 4]))).toThrow('LSTMCell: hx must be [2, 4], got shape [3, 4]');
    expect(() => cell.forward(bp.randn([3]), bp.randn([4]), bp.randn([1, 4]))).toThrow('LSTMCell: cx must be [4], got shape [1, 4]');
    expect(() => new nn.GRUCell(3, 0)).toThrow('GRUCell: hiddenSize must be a positive integer, got 0');
    expect(() => new nn.GRUCell(3, 4).forward(bp.randn([3]), bp.randn([4]), bp.randn([4]))).toThrow("GRUCell: cx is LSTMCell's; GRUCell has no cell state");
    expect(() => new nn.GRUCell(3, 4, { nonlinearity: 'relu' } as never)).toThrow("GRUCell: unknown option 'nonlinearity' (RNNCell's)");
    expect(() => new nn.RNNCell(3, 4, { nonlinearity: 'gelu' as never })).toThrow('RNNCell: nonlinearity must be \'tanh\' or \'relu\', got "gelu"');
  });
});
