// Element-wise maximum and minimum of two tensors, clamp, and the minimum (and its index) along a
// dimension, with torch's gradients: a tie shares the gradient evenly between the two sides of
// maximum/minimum; clamp passes it where min <= x <= max.
import { Binary, Unary } from '../backend/backend';
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { broadcastShapes } from '../shape';
import { alloc, allocOutput } from '../storage';
import { asTensor, broadcastBinary, checkTensor, expandTo, Operand, record, sumOwnTo } from './core';
import { elementwiseSlopeRule } from './unary_graph';
import { mul } from './binary';
import { max as maxAlong, min as minAlong, sumBackTo } from './reduce';
import { recycleArray } from '../reuse';
import { shown } from '../args';

function extremum(which: 'maximum' | 'minimum', a: Operand, b: Operand): Tensor {
  const ta = asTensor(a, which);
  const tb = asTensor(b, which);
  const shape = broadcastShapes(ta.shape, tb.shape, which);
  const y = broadcastBinary(which === 'maximum' ? Binary.maximum : Binary.minimum, ta.data, ta.shape, tb.data, tb.shape, shape);
  const out = record(y, shape, [ta, tb], which, (gy) => {
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
  if (out.node) {
    // The same rule as constant weights over the output: 1/2 on a tie, 0 where the side lost, else 1.
    const weight = (isA: boolean): Tensor => {
      const tie = broadcastBinary(Binary.eqMask, ta.data, ta.shape, tb.data, tb.shape, shape);
      const lost = broadcastBinary((which === 'maximum') === isA ? Binary.ltMask : Binary.gtMask, ta.data, ta.shape, tb.data, tb.shape, shape);
      for (let i = 0; i < tie.length; i++) tie[i] = tie[i] ? 0.5 : lost[i] ? 0 : 1;
      recycleArray(lost);
      return new Tensor(tie, shape);
    };
    out.node.graphBackward = (gy) => [
      ta.requiresGrad ? sumBackTo(mul(gy, weight(true)), ta.shape) : null,
      tb.requiresGrad ? sumBackTo(mul(gy, weight(false)), tb.shape) : null,
    ];
  }
  return out;
}

/** Element-wise larger of a and b (broadcast; NaN if either is), as torch.maximum. */
export function maximum(a: Operand, b: Operand): Tensor {
  return extremum('maximum', a, b);
}

/** Element-wise smaller of a and b (broadcast; NaN if either is), as torch.minimum. */
export function minimum(a: Operand, b: Operand): Tensor {
  return extremum('minimum', a, b);
}

/**
 * The largest element, or the largest along dim (keepDim as in sum), as torch.max; given a tensor
 * instead of a dim, the element-wise maximum with it (torch.max(input, other)).
 */
export function max(x: Tensor, dimOrOther?: number | Tensor, keepDim = false): Tensor {
  return dimOrOther instanceof Tensor ? maximum(x, dimOrOther) : maxAlong(x, dimOrOther, keepDim);
}

/** The smallest element, or along dim, as torch.min; given a tensor, the element-wise minimum with it. */
export function min(x: Tensor, dimOrOther?: number | Tensor, keepDim = false): Tensor {
  return dimOrOther instanceof Tensor ? minimum(x, dimOrOther) : minAlong(x, dimOrOther, keepDim);
}

/**
 * Every element limited to [min, max] (either bound may be omitted; NaN stays NaN), as torch.clamp;
 * the bounds may be tensors, broadcast with x (each then gets the gradient where it bound x).
 */
export function clamp(x: Tensor, min?: Tensor | number | null, max?: Tensor | number | null): Tensor {
  checkTensor(x, 'clamp');
  if (min instanceof Tensor || max instanceof Tensor) return clampByTensors(x, min ?? null, max ?? null);
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
  const out = record(y, x.shape, [x], 'clamp', (gy) => {
    if (hasLo && hasHi && lo > hi) return [alloc(gy.length)];
    const gx = allocOutput(gy.length);
    if (hasLo && hasHi) B().unaryGrad(Unary.clampKept, x.data, y, gy, gx, 0);
    else if (hasLo) B().unaryGrad(Unary.clampMin, x.data, y, gy, gx, lo);
    else B().unaryGrad(Unary.clampMax, x.data, y, gy, gx, hi);
    return [gx];
  });
  if (out.node) out.node.graphBackward = elementwiseSlopeRule(out);
  return out;
}

/**
 * clamp with tensor bounds: min(max(x, min), max) over the broadcast shape (a NaN anywhere gives NaN).
 * torch's gradients: x's where min <= x <= max; min's where x < min, max's where x > max, all of it
 * max's where min > max; none where x is NaN; summed back to each one's shape.
 */
function clampByTensors(x: Tensor, min: Tensor | number | null, max: Tensor | number | null): Tensor {
  const lo = min === null ? null : asTensor(min, 'clamp');
  const hi = max === null ? null : asTensor(max, 'clamp');
  let shape = x.shape;
  for (const b of [lo, hi]) if (b) shape = broadcastShapes(shape, b.shape, 'clamp');
  const xs = expandTo(x.data, x.shape, shape);
  const ls = lo && expandTo(lo.data, lo.shape, shape), hs = hi && expandTo(hi.data, hi.shape, shape);
  const y = allocOutput(xs.length);
  for (let i = 0; i < y.length; i++) {
    let v = xs[i];
    if (ls) v = Number.isNaN(v) || Number.isNaN(ls[i]) ? NaN : Math.max(v, ls[i]);
    if (hs) v = Number.isNaN(v) || Number.isNaN(hs[i]) ? NaN : Math.min(v, hs[i]);
    y[i] = v;
  }
  const both = !!(ls && hs);
  const part = (t: Tensor | null, pass: (i: number) => boolean, gy: Float32Array): Float32Array | null => {
    if (!t?.requiresGrad) return null;
    const g = allocOutput(gy.length);
    for (let i = 0; i < g.length; i++) g[i] = pass(i) ? gy[i] : 0;
    return sumOwnTo(g, shape, t.shape);
  };
  // Where each input's gradient passes, aligned with inputs. With min > max the output is max, and
  // so is the gradient's place.
  const crossed = (i: number) => both && (ls as Float32Array)[i] > (hs as Float32Array)[i];
  const inputs = [x, ...(lo ? [lo] : []), ...(hi ? [hi] : [])];
  const passes = [(i: number) => (!ls || xs[i] >= ls[i]) && (!hs || xs[i] <= hs[i]),
    ...(lo ? [(i: number) => xs[i] < (ls as Float32Array)[i] && !crossed(i)] : []),
    ...(hi ? [(i: number) => xs[i] > (hs as Float32Array)[i] || crossed(i)] : [])];
  const out = record(y, shape, inputs, 'clamp', (gy) => inputs.map((t, k) => part(t, passes[k], gy)));
  // createGraph: gy times each pass's 0/1 mask, a constant (clamp is piecewise linear).
  if (out.node) {
    out.node.graphBackward = (gy) => inputs.map((t, k) => {
      if (!t.requiresGrad) return null;
      const mask = allocOutput(y.length);
      for (let i = 0; i < mask.length; i++) mask[i] = passes[k](i) ? 1 : 0;
      return sumBackTo(mul(gy, new Tensor(mask, shape)), t.shape);
    });
  }
  return out;
}
