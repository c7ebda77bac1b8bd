// The LSTM and GRU cells' reference kernels (Backend.lstmCell, gruCell and their gradients): the native twins compute the
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

export function gruCell(xp: Float32Array, hp: Float32Array, hPrev: Float32Array, rows: number, h: number, act: Float32Array, hOut: Float32Array): void {
  const r = roundingOf(hOut);
  for (let b = 0; b < rows; b++) {
    const g = b * 3 * h;
    for (let j = 0; j < h; j++) {
      const rg = r(sigmoid(r(xp[g + j] + hp[g + j])));
      const z = r(sigmoid(r(xp[g + h + j] + hp[g + h + j])));
      const n = r(Math.tanh(r(xp[g + 2 * h + j] + r(rg * hp[g + 2 * h + j]))));
      act[g + j] = rg;
      act[g + h + j] = z;
      act[g + 2 * h + j] = n;
      const k = b * h + j;
      hOut[k] = r(r(r(hPrev[k] - n) * z) + n);
    }
  }
}

export function gruCellGrad(act: Float32Array, hp: Float32Array, hPrev: Float32Array, gh: Float32Array, rows: number, h: number,
  gXp: Float32Array, gHp: Float32Array, gHPrev: Float32Array): void {
  const r = roundingOf(gXp);
  for (let b = 0; b < rows; b++) {
    const g = b * 3 * h;
    for (let j = 0; j < h; j++) {
      const k = b * h + j;
      const rg = act[g + j], z = act[g + h + j], n = act[g + 2 * h + j];
      const dn = r(r(gh[k] * r(1 - z)) * r(1 - r(n * n)));
      const dr = r(r(r(dn * hp[g + 2 * h + j]) * rg) * r(1 - rg));
      const dz = r(r(r(gh[k] * r(hPrev[k] - n)) * z) * r(1 - z));
      gXp[g + j] = dr;
      gXp[g + h + j] = dz;
      gXp[g + 2 * h + j] = dn;
      gHp[g + j] = dr;
      gHp[g + h + j] = dz;
      gHp[g + 2 * h + j] = r(dn * rg);
      gHPrev[k] = r(gh[k] * z);
    }
  }
}
