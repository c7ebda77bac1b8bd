// What the recurrent layers' torch comparisons share (rnn.test.ts, packed-sequence.test.ts): the
// layer built and loaded from a case's flat parameters, the weighted sum both sides backpropagate,
// and the same two steps in the Python script.
import * as bp from '../../lib/index';
import { nn } from '../../lib/index';
import { sizeOfShape } from './random';

/** The layer of `kind` with the case's parameters (b's first values, torch's order) and a reader of the rest of b. */
export function loadedLayer(kind: string, inputSize: number, hidden: number, options: bp.nn.RNNLayerOptions, shapes: number[][], b: number[]): { m: bp.nn.RNN | bp.nn.LSTM | bp.nn.GRU; take: (shape: number[]) => number[] } {
  const m = kind === 'RNN' ? new nn.RNN(inputSize, hidden, options) : kind === 'LSTM' ? new nn.LSTM(inputSize, hidden, options) : new nn.GRU(inputSize, hidden, options);
  let at = 0;
  const take = (s: number[]) => b.slice(at, (at += sizeOfShape(s)));
  m.parameters().forEach((p, i) => p.data.set(take(shapes[i])));
  return { m, take };
}

/** output, hN and cN weighted by (i % 5) - 2 and summed (hN's half, cN's a quarter), backpropagated. */
export function backpropWeighted(output: bp.Tensor, hN: bp.Tensor, cN: bp.Tensor | null): void {
  const weights = (t: bp.Tensor) => bp.tensor(Array.from({ length: t.size }, (_, i) => (i % 5) - 2), { shape: [...t.shape] });
  let total = output.mul(weights(output)).sum().add(hN.mul(weights(hN)).sum().mul(0.5));
  if (cN) total = total.add(cN.mul(weights(cN)).sum().mul(0.25));
  total.backward();
}

/** Python, at 4 spaces: torch's layer m of kind with kw and ins / hid, loaded from c["b"] by shapes; take(s) reads on. */
export const PY_LOADED_LAYER = `
    m = getattr(torch.nn, kind)(ins, hid, **kw)
    flat, at = [float(v) for v in c["b"]], 0
    def take(s):
        global at
        n = 1
        for d in s: n *= d
        t = torch.tensor(flat[at:at + n], dtype=torch.float32).reshape(s)
        at += n
        return t
    with torch.no_grad():
        for (name, prm), s in zip(m.named_parameters(), shapes): prm.copy_(take(s))`;

/** Python, at 4 spaces: backpropWeighted's sum of y, hn and cn. */
export const PY_BACKPROP_WEIGHTED = `
    W = lambda t: (torch.arange(t.numel()) % 5 - 2).float().reshape(t.shape)
    total = (y * W(y)).sum() + (hn * W(hn)).sum() * 0.5
    if cn is not None: total = total + (cn * W(cn)).sum() * 0.25
    total.backward()`;
