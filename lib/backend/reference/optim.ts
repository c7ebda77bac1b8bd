// Reference optimizer updates, written as PyTorch's docs state them (torch.optim, foreach=False).
// Intermediates are rounded to the storage's precision where float arithmetic would round them
// (roundingOf: float32 storage only), so that overflow, underflow and cancellation happen where the
// native kernels' and torch's do; weight decay is skipped at 0, as torch skips it (0 * inf is NaN).
import { OptimHyper } from '../backend';
import { Round, roundingOf } from '../../storage';

/** g + wd p, torch's L2 decay (nothing at wd = 0), of the gradient negated first when maximizing. */
function decayed(h: OptimHyper, g: number, p: number, wd: number, r: Round): number {
  const d = h.maximize ? -g : g;
  return wd !== 0 ? r(d + wd * p) : d;
}

function sgd(h: OptimHyper, p: Float32Array, g: Float32Array, buf: Float32Array): void {
  const r = roundingOf(p);
  for (let i = 0; i < p.length; i++) {
    let d = decayed(h, g[i], p[i], h.weightDecay, r);
    if (h.momentum !== 0) {
      // PyTorch starts the buffer as a copy of the first gradient (no dampening on that step).
      buf[i] = h.step === 1 ? d : r(h.momentum * buf[i]) + r((1 - h.dampening) * d);
      d = h.nesterov ? r(d + h.momentum * buf[i]) : buf[i];
    }
    p[i] -= r(h.lr * d);
  }
}

function adam(h: OptimHyper, p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array): void {
  const bc1 = 1 - Math.pow(h.beta1, h.step);
  const bc2Sqrt = Math.sqrt(1 - Math.pow(h.beta2, h.step));
  const stepSize = h.lr / bc1;
  const r = roundingOf(p);
  for (let i = 0; i < p.length; i++) {
    if (h.decoupled) p[i] *= 1 - h.lr * h.weightDecay;
    const d = decayed(h, g[i], p[i], h.decoupled ? 0 : h.weightDecay, r);
    m[i] = r(h.beta1 * m[i]) + r((1 - h.beta1) * d);
    v[i] = r(h.beta2 * v[i]) + r(r((1 - h.beta2) * d) * d);
    let vv = v[i];
    if (h.amsgrad) {
      vmax[i] = Math.max(vmax[i], v[i]);
      vv = vmax[i];
    }
    p[i] -= r(r(stepSize * m[i]) / r(r(Math.sqrt(vv) / bc2Sqrt) + h.eps));
  }
}

function rmsprop(h: OptimHyper, p: Float32Array, g: Float32Array, sq: Float32Array, buf: Float32Array, gavg: Float32Array): void {
  const r = roundingOf(p);
  for (let i = 0; i < p.length; i++) {
    const d = decayed(h, g[i], p[i], h.weightDecay, r);
    sq[i] = r(h.alpha * sq[i]) + r(r((1 - h.alpha) * d) * d);
    let avg: number;
    if (h.centered) {
      gavg[i] = r(h.alpha * gavg[i]) + r((1 - h.alpha) * d);
      avg = r(r(Math.sqrt(r(sq[i] - gavg[i] * gavg[i]))) + h.eps); // one rounding, as the FMA torch and the native kernels use
    } else avg = r(r(Math.sqrt(sq[i])) + h.eps);
    if (h.momentum > 0) {
      buf[i] = r(h.momentum * buf[i]) + r(d / avg);
      p[i] -= r(h.lr * buf[i]);
    } else p[i] -= r(r(h.lr * d) / avg);
  }
}

function adagrad(h: OptimHyper, p: Float32Array, g: Float32Array, sum: Float32Array): void {
  const clr = h.lr / (1 + (h.step - 1) * h.lrDecay);
  const r = roundingOf(p);
  for (let i = 0; i < p.length; i++) {
    const d = decayed(h, g[i], p[i], h.weightDecay, r);
    sum[i] += r(d * d);
    p[i] -= r(r(clr * d) / r(r(Math.sqrt(sum[i])) + h.eps));
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
