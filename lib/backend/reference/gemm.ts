// Reference GEMM: the definition, three loops, accumulation in double.
import { GemmArgs, UnaryCode } from '../backend';
import { unaryGrad, unaryScalar } from './elementwise';
import { roundingOf } from '../../storage';

export function gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, b: Float32Array, beta: number, c: Float32Array, bias: Float32Array | null, act: number,
  gate: Float32Array | null = null, gateAct = 0): void {
  // The activation reads the product as stored (a float, or a double in float64 mode), as the
  // native epilogue does: act(x W^T + b) gives the bits of the activation applied after.
  const round = roundingOf(c);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        const bv = transB ? b[j * k + p] : b[p * n + j];
        acc += av * bv;
      }
      let v = alpha * acc;
      if (beta !== 0) v += beta * c[i * n + j];
      if (bias) v += bias[j];
      c[i * n + j] = act ? unaryScalar(act, round(v), 0) : v;
    }
  }
  if (gate) unaryGrad(gateAct as UnaryCode, gate, gate, c, c, 0);
}

/** Two independent products: one after the other. */
export function gemmPair(first: GemmArgs, second: GemmArgs): void {
  gemm(...first);
  gemm(...second);
}

/** A batch of products of one shape, one after the other (the native backend's contract). */
export function gemmBatch(transA: boolean, transB: boolean, batch: number, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array): void {
  for (let i = 0; i < batch; i++) {
    gemm(transA, transB, m, n, k, 1, a.subarray(i * m * k, (i + 1) * m * k), b.subarray(i * k * n, (i + 1) * k * n), 0, c.subarray(i * m * n, (i + 1) * m * n), null, 0);
  }
}

/** Linear layers one after the other, each one gemm (the native backend's contract). */
export function linearChain(rows: number, x: Float32Array, params: (Float32Array | null)[], dims: Int32Array,
  hiddenA: Float32Array | null, hiddenB: Float32Array | null, y: Float32Array): void {
  const layers = (dims.length - 1) / 2;
  let h = x;
  for (let l = 0; l < layers; l++) {
    const inF = dims[l === 0 ? 0 : 2 * l - 1], out = dims[2 * l + 1];
    const c = l + 1 === layers ? y : ((l % 2 === 0 ? hiddenA : hiddenB) as Float32Array).subarray(0, rows * out);
    gemm(false, true, rows, out, inF, 1, h, params[2 * l] as Float32Array, 0, c, params[2 * l + 1], dims[2 * l + 2]);
    h = c;
  }
}
