// Selection by a mask, whose result's length depends on the data: maskedSelect (torch.masked_select)
// and nonzero (torch.nonzero, the positions as a [count, ndim] tensor).
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { broadcastShapes, sameShape } from '../shape';
import { allocIndexOutput, allocOutput } from '../storage';
import { checkTensor, record } from './core';
import { expand } from './shape';
import { addAt } from './offsets';

/**
 * The elements of x where mask is nonzero, in order, as a 1-D tensor; x and mask broadcast together
 * (torch.masked_select with a 0/1 mask). The gradient goes back to the picked elements (and is
 * summed back over x's broadcast dimensions).
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkTensor(x, 'maskedSelect');
  checkTensor(mask, 'maskedSelect');
  const shape = broadcastShapes(x.shape, mask.shape, 'maskedSelect');
  const xb = sameShape(x.shape, shape) ? x : expand(x, shape);
  const m = sameShape(mask.shape, shape) ? mask.data : expand(mask, shape).data;
  const picked = pickedPositions(m);
  const count = picked.length;
  const y = allocOutput(count);
  B().indexRows(xb.data, 1, xb.size, 1, picked, y);
  const out = record(y, [count], [xb], 'maskedSelect', (gy) => {
    const gx = allocOutput(xb.size).fill(0);
    B().indexRowsGrad(gy, 1, xb.size, 1, picked, gx, -1);
    return [gx];
  });
  if (out.node) {
    const at = Int32Array.from(picked);
    out.node.graphBackward = (gy) => [addAt(gy, at, xb.shape)];
  }
  return out;
}

/**
 * The positions of m's nonzero elements (NaN counts), in order. Without branches: on a random mask a
 * branch an element mispredicts half the time (15 ms for 1M elements); each position is written, the
 * count advanced by the comparison.
 */
export function pickedPositions(m: Float32Array): Int32Array {
  let count = 0;
  for (let i = 0; i < m.length; i++) count += +(m[i] !== 0);
  // One spare slot for the last, unkept write.
  const slots = allocIndexOutput(count + 1);
  for (let i = 0, k = 0; i < m.length; i++) {
    slots[k] = i;
    k += +(m[i] !== 0);
  }
  return slots.subarray(0, count);
}

/** The positions of x's nonzero elements (NaN counts), in order: a [count, ndim] tensor of indices (torch.nonzero, as floats). */
export function nonzero(x: Tensor): Tensor {
  checkTensor(x, 'nonzero');
  const nd = x.ndim, shape = x.shape;
  const picked = pickedPositions(x.data), count = picked.length;
  const out = allocOutput(count * nd);
  // Each position's coordinates, last dimension first (a division per dimension and element, through
  // x.data and x.shape each time, took 34 ms for 1M elements).
  for (let d = nd - 1, step = 1; d >= 0; step *= shape[d], d--) {
    const size = shape[d];
    for (let k = 0; k < count; k++) out[k * nd + d] = ((picked[k] / step) | 0) % size; // positions are below 2^31
  }
  return new Tensor(out, [count, nd]);
}
