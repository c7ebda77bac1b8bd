// Element-wise maximum and minimum of two tensors, clamp, and the minimum (and its index) along a
// dimension, with torch's gradients: a tie shares the gradient evenly between the two sides of
// maximum/minimum; clamp passes it where min <= x <= max.
import { Binary, Unary } from '../backend/backend';
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { broadcastShapes } from '../shape';
import { alloc, allocOutput } from '../storage';
import { asTensor, broadcastBinary, checkTensor, Operand, record, sumOwnTo } from './core';
import { recycleArray } from '../reuse';
import { shown } from '../args';

function extremum(which: 'maximum' | 'minimum', a: Operand, b: Operand): Tensor {
  const ta = asTensor(a, which);
  const tb = asTensor(b, which);
  const shape = broadcastShapes(ta.shape, tb.shape, which);
  const y = broadcastBinary(which === 'maximum' ? Binary.maximum : Binary.minimum, ta.data, ta.shape, tb.data, tb.shape, shape);
  return record(y, shape, [ta, tb], which, (gy) => {
    // torch's rule: each side gets the gradient unless the other side won (a NaN loses nothing),
    // halved on a tie. Native passes: the tie mask, the halved choice, then each side's loss mask.
    const tie = broadcastBinary(Binary.eqMask, ta.data, ta.shape, tb.data, tb.shape, shape);
    const share = allocOutput(gy.length);
    B().unary(Unary.scale, gy, share, 0.5);
    B().select(tie, share, gy, share);
    const side = (t: Tensor, isA: boolean): Float32Array | null => {
      if (!t.requiresGrad) return null;
      // a lost to b where a < b in maximum (a > b in minimum); b lost in the opposite case.
      const lost = broadcastBinary((which === 'maximum') === isA ? Binary.ltMask : Binary.gtMask, ta.data, ta.shape, tb.data, tb.shape, shape);
      const g = sumOwnTo(broadcastBinary(Binary.dropWhere, share, shape, lost, shape, shape), shape, t.shape);
      recycleArray(lost);
      return g;
    };
    const grads = [side(ta, true), side(tb, false)];
    // The masks and the halved gradient, used up (each one array of the output's size a step).
    recycleArray(tie);
    recycleArray(share);
    return grads;
  });
}

/** Element-wise larger of a and b (broadcast; NaN if either is), as torch.maximum. */
export function maximum(a: Operand, b: Operand): Tensor {
  return extremum('maximum', a, b);
}

/** Element-wise smaller of a and b (broadcast; NaN if either is), as torch.minimum. */
export function minimum(a: Operand, b: Operand): Tensor {
  return extremum('minimum', a, b);
}

/** Every element limited to [min, max] (either bound may be omitted; NaN stays NaN), as torch.clamp. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor(x, 'clamp');
  const hasLo = min !== undefined && min !== null;
  const hasHi = max !== undefined && max !== null;
  if (!hasLo && !hasHi) throw new Error('clamp: give min, max or both');
  const lo = hasLo ? min : -Infinity;
  const hi = hasHi ? max : Infinity;
  if (typeof lo !== 'number' || typeof hi !== 'number' || Number.isNaN(lo) || Number.isNaN(hi)) throw new Error(`clamp: min and max must be numbers, got ${shown(min)} and ${shown(max)}`);
  // torch's min(max(x, min), max) in one pass: NaN stays, with min > max every element becomes max.
  // The gradient passes where min <= x <= max (clamp_min's and clamp_max's rules, tested on x):
  // with both bounds, where clamp kept x (one pass; none passes when min > max).
  const y = allocOutput(x.size);
  B().clamp(x.data, lo, hi, y);
  return record(y, x.shape, [x], 'clamp', (gy) => {
    if (hasLo && hasHi && lo > hi) return [alloc(gy.length)];
    const gx = allocOutput(gy.length);
    if (hasLo && hasHi) B().unaryGrad(Unary.clampKept, x.data, y, gy, gx, 0);
    else if (hasLo) B().unaryGrad(Unary.clampMin, x.data, y, gy, gx, lo);
    else B().unaryGrad(Unary.clampMax, x.data, y, gy, gx, hi);
    return [gx];
  });
}
