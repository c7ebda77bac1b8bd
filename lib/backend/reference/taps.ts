// Reference kernels of weighted taps along one dimension (interpolate's linear and cubic resizing)
// and their gradient: the specification of native/src/kernels/taps.cc. Each product rounded, then
// added in the taps' order.
import { roundingOf } from '../../storage';

/** See Backend.taps. */
export function taps(x: Float32Array, outer: number, len: number, inner: number, index: Int32Array, weight: Float32Array, k: number, out: Float32Array): void {
  const r = roundingOf(out);
  const m = index.length / k;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < inner; i++) {
        let s = r(weight[j * k] * x[(o * len + index[j * k]) * inner + i]);
        for (let t = 1; t < k; t++) s = r(s + r(weight[j * k + t] * x[(o * len + index[j * k + t]) * inner + i]));
        out[(o * m + j) * inner + i] = s;
      }
    }
  }
}

/** See Backend.tapsGrad. */
export function tapsGrad(gy: Float32Array, outer: number, len: number, inner: number, index: Int32Array, weight: Float32Array, k: number, gx: Float32Array): void {
  const r = roundingOf(gx);
  const m = index.length / k;
  gx.fill(0, 0, outer * len * inner);
  for (let o = 0; o < outer; o++) {
    for (let p = 0; p < m * k; p++) {
      const from = (o * m + Math.floor(p / k)) * inner, to = (o * len + index[p]) * inner;
      for (let i = 0; i < inner; i++) gx[to + i] = r(gx[to + i] + r(weight[p] * gy[from + i]));
    }
  }
}
