// The LSTM and GRU cells after their projections as one op each (Backend.lstmCell, gruCell): the
// sigmoids, tanhs, products and sums of a step in one kernel call and one autograd node, instead of
// a dozen of each.
import { Tensor } from '../tensor';
import { B } from '../backend/registry';
import { alloc, allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { letGoAfterRead, record } from './core';

/**
 * What a cell keeps for its backward (the activated gates), as constant inputs of its node: they go
 * back to the pool once that backward has run (at once when nothing was recorded), where as arrays
 * held by the backward alone they went to the collector, ~1.5 MB a step of an LSTM(128, 256) at
 * batch 32. `grads` lists the gradients of the op's own inputs; the kept arrays get none.
 */
function recordCell(out: Float32Array, shape: number[], inputs: Tensor[], kept: Float32Array[], op: string,
  grads: (gy: Float32Array) => (Float32Array | null)[]): Tensor {
  const keptTensors = kept.map((a) => new Tensor(a, [a.length]));
  const y = record(out, shape, [...inputs, ...keptTensors], op, (gy) => [...grads(gy), ...kept.map(() => null)]);
  letGoAfterRead(y, ...keptTensors);
  return y;
}

/** A gradient array the kernel must write but no input asked for: straight back to the pool. */
function wanted(t: Tensor, g: Float32Array): Float32Array | null {
  if (t.requiresGrad) return g;
  recycleArray(g);
  return null;
}

/**
 * @internal torch's LSTM cell from the summed projections gates [rows, 4h] (i, f, g, o) and the
 * cell state c [rows, h]: [2, rows, h] holding h' = sigmoid(o) tanh(c') and then
 * c' = sigmoid(f) c + sigmoid(i) tanh(g) (one node, so that backward gets both gradients at once).
 */
export function lstmCell(gates: Tensor, c: Tensor): Tensor {
  const [rows, h] = c.shape;
  const n = rows * h;
  const out = allocOutput(2 * n);
  // Kept for the backward: the activated gates and tanh(c').
  const act = alloc(4 * n);
  const tanhC = alloc(n);
  B().lstmCell(gates.data, c.data, rows, h, act, out.subarray(n), tanhC, out.subarray(0, n));
  return recordCell(out, [2, rows, h], [gates, c], [act, tanhC], 'lstmCell', (gy) => {
    const gGates = allocOutput(4 * n);
    const gcPrev = allocOutput(n);
    B().lstmCellGrad(act, c.data, tanhC, gy.subarray(0, n), gy.subarray(n), rows, h, gGates, gcPrev);
    return [wanted(gates, gGates), wanted(c, gcPrev)];
  });
}

/**
 * @internal torch's GRU cell from x's and h's projections xp, hp [rows, 3h] (r, z, n, each with its
 * bias) and the state hPrev [rows, h]: h' = (hPrev - n) z + n with r = sigmoid(xr + hr),
 * z = sigmoid(xz + hz), n = tanh(xn + r hn).
 */
export function gruCell(xp: Tensor, hp: Tensor, hPrev: Tensor): Tensor {
  const [rows, h] = hPrev.shape;
  const n = rows * h;
  const out = allocOutput(n);
  // Kept for the backward: r, z and n.
  const act = alloc(3 * n);
  B().gruCell(xp.data, hp.data, hPrev.data, rows, h, act, out);
  return recordCell(out, [rows, h], [xp, hp, hPrev], [act], 'gruCell', (gy) => {
    const gXp = allocOutput(3 * n);
    const gHp = allocOutput(3 * n);
    const gHPrev = allocOutput(n);
    B().gruCellGrad(act, hp.data, hPrev.data, gy, rows, h, gXp, gHp, gHPrev);
    return [wanted(xp, gXp), wanted(hp, gHp), wanted(hPrev, gHPrev)];
  });
}
