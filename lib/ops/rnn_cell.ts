// The LSTM and GRU cells after their projections as one op each (Backend.lstmCell, gruCell): the
// sigmoids, tanhs, products and sums of a step in one kernel call and one autograd node, instead of
// a dozen of each.
import { Tensor } from '../tensor';
import { B } from '../backend/registry';
import { alloc, allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { recordKeeping } from './core';
import { recomposedRule } from '../autograd_graph';
import { add, mul, sub } from './binary';
import { sigmoid, tanh } from './unary';
import { narrow, stack } from './join';

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
  const y = recordKeeping(out, [2, rows, h], [gates, c], [act, tanhC], 'lstmCell', (gy) => {
    const gGates = allocOutput(4 * n);
    const gcPrev = allocOutput(n);
    B().lstmCellGrad(act, c.data, tanhC, gy.subarray(0, n), gy.subarray(n), rows, h, gGates, gcPrev);
    return [wanted(gates, gGates), wanted(c, gcPrev)];
  });
  if (y.node) {
    y.node.graphBackward = recomposedRule([gates, c], () => {
      const gate = (k: number) => narrow(gates, 1, k * h, h);
      const c2 = add(mul(sigmoid(gate(1)), c), mul(sigmoid(gate(0)), tanh(gate(2))));
      return stack([mul(sigmoid(gate(3)), tanh(c2)), c2]);
    });
  }
  return y;
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
  const y = recordKeeping(out, [rows, h], [xp, hp, hPrev], [act], 'gruCell', (gy) => {
    const gXp = allocOutput(3 * n);
    const gHp = allocOutput(3 * n);
    const gHPrev = allocOutput(n);
    B().gruCellGrad(act, hp.data, hPrev.data, gy, rows, h, gXp, gHp, gHPrev);
    return [wanted(xp, gXp), wanted(hp, gHp), wanted(hPrev, gHPrev)];
  });
  if (y.node) {
    y.node.graphBackward = recomposedRule([xp, hp, hPrev], () => {
      const part = (t: Tensor, k: number) => narrow(t, 1, k * h, h);
      const r = sigmoid(add(part(xp, 0), part(hp, 0)));
      const z = sigmoid(add(part(xp, 1), part(hp, 1)));
      const nn = tanh(add(part(xp, 2), mul(r, part(hp, 2))));
      return add(mul(sub(hPrev, nn), z), nn);
    });
  }
  return y;
}
