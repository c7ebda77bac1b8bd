// Reference optimizer updates, written as PyTorch's docs state them (torch.optim, foreach=False).
import { OptimHyper } from '../backend';

function sgd(h: OptimHyper, p: Float32Array, g: Float32Array, buf: Float32Array): void {
  for (let i = 0; i < p.length; i++) {
    let d = g[i] + h.weightDecay * p[i];
    if (h.momentum !== 0) {
      // PyTorch starts the buffer as a copy of the first gradient (no dampening on that step).
      buf[i] = h.step === 1 ? d : h.momentum * buf[i] + (1 - h.dampening) * d;
      d = h.nesterov ? d + h.momentum * buf[i] : buf[i];
    }
    p[i] -= h.lr * d;
  }
}

function adam(h: OptimHyper, p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array): void {
  const bc1 = 1 - Math.pow(h.beta1, h.step);
  const bc2Sqrt = Math.sqrt(1 - Math.pow(h.beta2, h.step));
  const stepSize = h.lr / bc1;
  for (let i = 0; i < p.length; i++) {
    let d = g[i];
    if (h.decoupled) p[i] *= 1 - h.lr * h.weightDecay;
    else d += h.weightDecay * p[i];
    m[i] = h.beta1 * m[i] + (1 - h.beta1) * d;
    v[i] = h.beta2 * v[i] + (1 - h.beta2) * d * d;
    let vv = v[i];
    if (h.amsgrad) {
      vmax[i] = Math.max(vmax[i], v[i]);
      vv = vmax[i];
    }
    p[i] -= (stepSize * m[i]) / (Math.sqrt(vv) / bc2Sqrt + h.eps);
  }
}

function rmsprop(h: OptimHyper, p: Float32Array, g: Float32Array, sq: Float32Array, buf: Float32Array, gavg: Float32Array): void {
  for (let i = 0; i < p.length; i++) {
    const d = g[i] + h.weightDecay * p[i];
    sq[i] = h.alpha * sq[i] + (1 - h.alpha) * d * d;
    let avg: number;
    if (h.centered) {
      gavg[i] = h.alpha * gavg[i] + (1 - h.alpha) * d;
      avg = Math.sqrt(sq[i] - gavg[i] * gavg[i]) + h.eps;
    } else avg = Math.sqrt(sq[i]) + h.eps;
    if (h.momentum > 0) {
      buf[i] = h.momentum * buf[i] + d / avg;
      p[i] -= h.lr * buf[i];
    } else p[i] -= (h.lr * d) / avg;
  }
}

function adagrad(h: OptimHyper, p: Float32Array, g: Float32Array, sum: Float32Array): void {
  const clr = h.lr / (1 + (h.step - 1) * h.lrDecay);
  for (let i = 0; i < p.length; i++) {
    const d = g[i] + h.weightDecay * p[i];
    sum[i] += d * d;
    p[i] -= (clr * d) / (Math.sqrt(sum[i]) + h.eps);
  }
}

export function optimStep(h: OptimHyper, params: Float32Array[], grads: Float32Array[], s0: Float32Array[], s1: Float32Array[], s2: Float32Array[]): void {
  for (let t = 0; t < params.length; t++) {
    const p = params[t];
    const g = grads[t];
    switch (h.kind) {
      case 0: sgd(h, p, g, s0[t]); break;
      case 1: adam(h, p, g, s0[t], s1[t], s2[t]); break;
      case 2: rmsprop(h, p, g, s0[t], s1[t], s2[t]); break;
      case 3: adagrad(h, p, g, s0[t]); break;
      default: throw new Error(`optimStep: unknown optimizer kind ${h.kind}`);
    }
  }
}
