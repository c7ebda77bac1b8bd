// softmax and logSoftmax along a dimension: numerically stable (max subtracted) on both backends.
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { normDim, splitAt } from '../shape';
import { allocOutput } from '../storage';
import { checkTensor, record } from './core';
import { mul, sub } from './binary';
import { sum } from './reduce';
import { exp } from './unary';

function softmaxOp(x: Tensor, dim: number, log: boolean): Tensor {
  const name = log ? 'logSoftmax' : 'softmax';
  checkTensor(x, name);
  if (dim === undefined) throw new Error(`${name}: dim is required`);
  const d = normDim(dim, x.ndim, name);
  const [outer, len, inner] = splitAt(x.shape, d);
  const y = allocOutput(x.size);
  B().softmax(x.data, outer, len, inner, y, log);
  const out = record(y, x.shape, [x], name, (gy) => {
    const gx = allocOutput(gy.length);
    B().softmaxGrad(y, gy, outer, len, inner, gx, log);
    return [gx];
  });
  if (out.node) {
    // torch's: y (gy - sum(gy y)) for softmax, gy - e^y sum(gy) for logSoftmax, sums along d.
    out.node.graphBackward = (gy) => [log ? sub(gy, mul(exp(out), sum(gy, d, true))) : mul(out, sub(gy, sum(mul(gy, out), d, true)))];
  }
  return out;
}

/** Softmax along `dim` (negative counts from the end), computed stably. */
export const softmax = (x: Tensor, dim: number): Tensor => softmaxOp(x, dim, false);
/** Log of softmax along `dim`, computed stably (finite for logits of 1e3). */
export const logSoftmax = (x: Tensor, dim: number): Tensor => softmaxOp(x, dim, true);
