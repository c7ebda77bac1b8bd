// Reference reductions along one dimension of an [outer, len, inner] view, and the sums of squares
// and of absolute values over many arrays.
import { Reduce, ReduceCode, RunningFold, RunningFoldCode } from '../backend';
import { Round, roundingOf } from '../../storage';

const FLOAT_MAX = 3.4028234663852886e38;

/**
 * acc + v in double, as the reference's sums run; a partial sum past float's range is rounded (r) as
 * a float sum would be: to infinity, where it stays.
 */
export function addWithinFloat(acc: number, v: number, r: Round): number {
  const s = acc + v;
  return s > FLOAT_MAX || s < -FLOAT_MAX ? r(s) : s;
}

export function reduce(op: ReduceCode, x: Float32Array, outer: number, len: number, inner: number, out: Float32Array, argOut: Int32Array | null): void {
  // Sums run in double, more exactly than the native kernels' float lanes, but a partial sum past
  // float's range is rounded as a float would be (to infinity, and it stays there): a row whose sum
  // overflows float gives infinity, and its mean too, as the native kernels and torch give them
  // (float64 storage, for the gradient checks, keeps double's range).
  const r = roundingOf(out);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let acc = op === Reduce.max ? -Infinity : op === Reduce.min ? Infinity : 0;
      let arg = 0;
      for (let l = 0; l < len; l++) {
        const v = x[base + l * inner];
        if (op === Reduce.max || op === Reduce.min) {
          if ((op === Reduce.max ? v > acc : v < acc) || Number.isNaN(v)) {
            acc = v;
            arg = l;
            if (Number.isNaN(v)) break;
          }
        } else {
          acc = addWithinFloat(acc, op === Reduce.sumSquares ? v * v : v, r);
        }
      }
      if (op === Reduce.mean) acc /= len;
      out[o * inner + i] = acc;
      if (argOut) argOut[o * inner + i] = arg;
    }
  }
}

// term(v) of every element of every array, summed in double in order.
function sumOfTerms(xs: Float32Array[], term: (v: number) => number): number {
  let acc = 0;
  for (const x of xs) for (let i = 0; i < x.length; i++) acc += term(x[i]);
  return acc;
}

export function sumSquares(xs: Float32Array[]): number {
  return sumOfTerms(xs, (v) => v * v);
}

export function sumAbs(xs: Float32Array[]): number {
  return sumOfTerms(xs, Math.abs);
}

export function sumProducts(x: Float32Array, y: Float32Array): number {
  if (y.length !== x.length) throw new RangeError(`sumProducts: y has ${y.length} elements, expected ${x.length}`);
  let acc = 0;
  for (let i = 0; i < x.length; i++) acc += x[i] * y[i];
  return acc;
}

/**
 * Running folds along the middle axis of [outer, len, inner], last to first when `reverse`: in double,
 * each written rounded (out's rounding), as torch's CPU cumsum accumulates (its acc_type of float).
 * The inner positions advance together (one double each), so memory is read in order: along dim 0
 * of [4096, 1000] walking one column at a time took 43.6 ms, row by row 17-31.
 */
export function runningFold(op: RunningFoldCode, x: Float32Array, outer: number, len: number, inner: number, out: Float32Array, reverse: boolean): void {
  const fold = FOLDS[op];
  if (!fold) throw new Error(`runningFold: unknown op code ${op}`);
  const start = op === RunningFold.sum ? 0 : op === RunningFold.product ? 1 : -Infinity;
  if (inner === 1) { // along the last dim: one running double per row (an array of one cost twice the time)
    for (let o = 0; o < outer; o++) {
      let acc = start;
      for (let j = 0; j < len; j++) {
        const at = o * len + (reverse ? len - 1 - j : j);
        acc = fold(acc, x[at]);
        out[at] = acc;
      }
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(start);
    for (let j = 0; j < len; j++) {
      const at = (o * len + (reverse ? len - 1 - j : j)) * inner;
      for (let i = 0; i < inner; i++) {
        acc[i] = fold(acc[i], x[at + i]);
        out[at + i] = acc[i];
      }
    }
  }
}

/** Where the running extreme along len was reached (the latest of equal values; from a NaN on, the latest NaN). */
export function runningPicks(x: Float32Array, outer: number, len: number, inner: number, largest: boolean, at: Float32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let best = NaN, where = 0;
      for (let k = 0; k < len; k++) {
        const v = x[base + k * inner];
        if (k === 0 || v !== v || (best === best && (largest ? v >= best : v <= best))) {
          best = v;
          where = k;
        }
        at[base + k * inner] = where;
      }
    }
  }
}

/**
 * log(e^a + e^b) in double: NaN where either is, -Infinity where both are, Infinity where either is
 * (torch's logcumsumexp: once an element is +inf the rest of the run is; inf - inf made NaN of it).
 */
export function logAddExp(a: number, b: number): number {
  const hi = Math.max(a, b);
  if (hi === -Infinity || hi === Infinity) return hi;
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
}

const FOLDS: Record<RunningFoldCode, (acc: number, v: number) => number> = {
  [RunningFold.sum]: (acc, v) => acc + v,
  [RunningFold.product]: (acc, v) => acc * v,
  [RunningFold.logAddExp]: logAddExp,
};

/** Products along the middle axis of [outer, len, inner] into out, multiplied in order, each rounded (out's rounding: torch's prod accumulates in float). */
export function products(x: Float32Array, outer: number, len: number, inner: number, out: Float32Array): void {
  const r = roundingOf(out);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let p = 1;
      for (let j = 0, at = o * len * inner + i; j < len; j++, at += inner) p = r(p * x[at]);
      out[o * inner + i] = p;
    }
  }
}
