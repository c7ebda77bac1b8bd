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
  let count = 0;
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) count++;
  const picked = allocIndexOutput(count);
  for (let i = 0, k = 0; i < m.length; i++) if (m[i] !== 0) picked[k++] = i;
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

/** The positions of x's nonzero elements (NaN counts), in order: a [count, ndim] tensor of indices (torch.nonzero, as floats). */
export function nonzero(x: Tensor): Tensor {
  checkTensor(x, 'nonzero');
  const nd = x.ndim;
  let count = 0;
  for (let i = 0; i < x.size; i++) if (x.data[i] !== 0) count++;
  const out = allocOutput(count * nd);
  for (let i = 0, k = 0; i < x.size; i++) {
    if (x.data[i] === 0) continue;
    // Row-major position of element i, last dimension first.
    for (let d = nd - 1, rest = i; d >= 0; d--) {
      out[k * nd + d] = rest % x.shape[d];
      rest = Math.floor(rest / x.shape[d]);
    }
    k++;
  }
  return new Tensor(out, [count, nd]);
}
