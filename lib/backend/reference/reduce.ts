// Reference reductions along one dimension of an [outer, len, inner] view, and the sum of squares.
import { Reduce, ReduceCode } from '../backend';

export function reduce(op: ReduceCode, x: Float32Array, outer: number, len: number, inner: number, out: Float32Array, argOut: Int32Array | null): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let acc = op === Reduce.max ? -Infinity : 0;
      let arg = 0;
      for (let l = 0; l < len; l++) {
        const v = x[base + l * inner];
        if (op === Reduce.max) {
          if (v > acc || Number.isNaN(v)) {
            acc = v;
            arg = l;
            if (Number.isNaN(v)) break;
          }
        } else if (op === Reduce.sumSquares) acc += v * v;
        else acc += v;
      }
      if (op === Reduce.mean) acc /= len;
      out[o * inner + i] = acc;
      if (argOut) argOut[o * inner + i] = arg;
    }
  }
}

export function sumSquares(xs: Float32Array[]): number {
  let acc = 0;
  for (const x of xs) for (let i = 0; i < x.length; i++) acc += x[i] * x[i];
  return acc;
}
