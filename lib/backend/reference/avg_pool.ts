// Reference kernels of average pooling over windows given by their bounds (avg_pool1d/2d/3d and the
// adaptive ones), and their gradients: the specification of native/src/kernels/avg_pool.cc. Float
// arithmetic as torch's loops: each window summed from 0 in depth, row and column order, then divided.
import { Round, roundingOf } from '../../storage';

/** Output (t, i, j)'s sum s divided as avgPool divides it (see Backend.avgPool). */
function divided(s: number, geom: Int32Array, divisor: Float32Array, t: number, i: number, j: number, r: Round): number {
  const [, , , , od, oh, ow, bySide] = geom;
  if (bySide) return r(r(r(s / divisor[t]) / divisor[od + i]) / divisor[od + oh + j]);
  return 0 + r(s / divisor[(t * oh + i) * ow + j]); // torch's out += sum / divisor: 0, not -0
}

/**
 * Calls f(o, q) for every output o of plane p and every input q in its window, in output order and
 * then the window's (depth, row, column).
 */
function eachWindow(geom: Int32Array, bounds: Int32Array, p: number, f: (o: number, t: number, i: number, j: number, q: number) => void): void {
  const [, d, h, w, od, oh, ow] = geom;
  const rows = 2 * od, cols = 2 * (od + oh);
  for (let t = 0; t < od; t++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const o = ((p * od + t) * oh + i) * ow + j;
        for (let z = bounds[2 * t]; z < bounds[2 * t + 1]; z++) {
          for (let y = bounds[rows + 2 * i]; y < bounds[rows + 2 * i + 1]; y++) {
            for (let c = bounds[cols + 2 * j]; c < bounds[cols + 2 * j + 1]; c++) f(o, t, i, j, ((p * d + z) * h + y) * w + c);
          }
        }
      }
    }
  }
}

/** See Backend.avgPool. */
export function avgPool(x: Float32Array, geom: Int32Array, bounds: Int32Array, divisor: Float32Array, out: Float32Array): void {
  const r = roundingOf(out);
  const outs = geom[4] * geom[5] * geom[6];
  out.fill(0, 0, geom[0] * outs);
  for (let p = 0; p < geom[0]; p++) eachWindow(geom, bounds, p, (o, _t, _i, _j, q) => (out[o] = r(out[o] + x[q])));
  for (let o = 0; o < geom[0] * outs; o++) {
    const j = o % geom[6], i = Math.floor(o / geom[6]) % geom[5], t = Math.floor(o / (geom[5] * geom[6])) % geom[4];
    out[o] = divided(out[o], geom, divisor, t, i, j, r);
  }
}

/** See Backend.avgPoolGrad. */
export function avgPoolGrad(gy: Float32Array, geom: Int32Array, bounds: Int32Array, divisor: Float32Array, gx: Float32Array): void {
  const r = roundingOf(gx);
  gx.fill(0, 0, geom[0] * geom[1] * geom[2] * geom[3]);
  for (let p = 0; p < geom[0]; p++) eachWindow(geom, bounds, p, (o, t, i, j, q) => (gx[q] = r(gx[q] + divided(gy[o], geom, divisor, t, i, j, r))));
}
