// The LSTM cell's reference kernels (Backend.lstmCell, lstmCellGrad): the native twins compute the
// same expressions in the same order, each product and sum rounded to the storage's precision.
import { roundingOf } from '../../storage';
import { sigmoid } from './math';

export function lstmCell(gates: Float32Array, c: Float32Array, rows: number, h: number, act: Float32Array, cOut: Float32Array, tanhC: Float32Array, hOut: Float32Array): void {
  const r = roundingOf(hOut);
  for (let b = 0; b < rows; b++) {
    const g = b * 4 * h;
    for (let j = 0; j < h; j++) {
      const i = r(sigmoid(gates[g + j]));
      const f = r(sigmoid(gates[g + h + j]));
      const gg = r(Math.tanh(gates[g + 2 * h + j]));
      const o = r(sigmoid(gates[g + 3 * h + j]));
      act[g + j] = i;
      act[g + h + j] = f;
      act[g + 2 * h + j] = gg;
      act[g + 3 * h + j] = o;
      const k = b * h + j;
      const cn = r(r(f * c[k]) + r(i * gg));
      const t = r(Math.tanh(cn));
      cOut[k] = cn;
      tanhC[k] = t;
      hOut[k] = r(o * t);
    }
  }
}

export function lstmCellGrad(act: Float32Array, c: Float32Array, tanhC: Float32Array, gh: Float32Array, gc: Float32Array, rows: number, h: number,
  gGates: Float32Array, gcPrev: Float32Array): void {
  const r = roundingOf(gGates);
  for (let b = 0; b < rows; b++) {
    const g = b * 4 * h;
    for (let j = 0; j < h; j++) {
      const k = b * h + j;
      const i = act[g + j], f = act[g + h + j], gg = act[g + 2 * h + j], o = act[g + 3 * h + j];
      const t = tanhC[k];
      const dc = r(gc[k] + r(r(gh[k] * o) * r(1 - r(t * t))));
      gGates[g + j] = r(r(r(dc * gg) * i) * r(1 - i));
      gGates[g + h + j] = r(r(r(dc * c[k]) * f) * r(1 - f));
      gGates[g + 2 * h + j] = r(r(dc * i) * r(1 - r(gg * gg)));
      gGates[g + 3 * h + j] = r(r(r(gh[k] * t) * o) * r(1 - o));
      gcPrev[k] = r(dc * f);
    }
  }
}
