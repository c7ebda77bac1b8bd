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

function adamax(h: OptimHyper, p: Float32Array, g: Float32Array, m: Float32Array, inf: Float32Array): void {
  const clr = Math.fround(h.lr / (1 - Math.pow(h.beta1, h.step)));
  const r = roundingOf(p);
  for (let i = 0; i < p.length; i++) {
    const d = decayed(h, g[i], p[i], h.weightDecay, r);
    m[i] = r(h.beta1 * m[i]) + r((1 - h.beta1) * d);
    const kept = r(h.beta2 * inf[i]), fresh = r(Math.abs(d) + h.eps);
    // torch's amax: NaN from either side.
    inf[i] = kept !== kept || fresh !== fresh ? NaN : Math.max(kept, fresh);
    p[i] -= r(r(clr * m[i]) / inf[i]);
  }
}

/** NAdam's momentum coefficient at a step (double, as torch's Python floats). */
export function nadamMu(h: OptimHyper, step: number): number {
  return h.beta1 * (1 - 0.5 * Math.pow(0.96, step * h.momentumDecay));
}

function nadam(h: OptimHyper, p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array): void {
  const f = Math.fround;
  const mu = nadamMu(h, h.step), muNext = nadamMu(h, h.step + 1);
  const product = f(h.muProduct * f(mu));
  const productNext = f(f(product * f(mu)) * f(muNext));
  const gradStep = f((h.lr * (1 - mu)) / (1 - product));
  const avgStep = f((h.lr * muNext) / (1 - productNext));
  const bc2 = f(1 - Math.pow(h.beta2, h.step));
  const r = roundingOf(p);
  for (let i = 0; i < p.length; i++) {
    const d = decayed(h, g[i], p[i], h.weightDecay, r);
    m[i] = r(h.beta1 * m[i]) + r((1 - h.beta1) * d);
    v[i] = r(h.beta2 * v[i]) + r(r((1 - h.beta2) * d) * d);
    const denom = r(r(Math.sqrt(r(v[i] / bc2))) + h.eps);
    p[i] -= r(r(gradStep * d) / denom);
    p[i] -= r(r(avgStep * m[i]) / denom);
  }
}

function radam(h: OptimHyper, p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array): void {
  const f = Math.fround;
  const bc1 = 1 - Math.pow(h.beta1, h.step), bc2 = 1 - Math.pow(h.beta2, h.step);
  const rhoInf = 2 / (1 - h.beta2) - 1;
  const rhoT = rhoInf - (2 * h.step * Math.pow(h.beta2, h.step)) / bc2;
  const rect = rhoT > 5 ? f(Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT))) : 0;
  const r = roundingOf(p);
  for (let i = 0; i < p.length; i++) {
    const d = decayed(h, g[i], p[i], h.weightDecay, r);
    m[i] = r(h.beta1 * m[i]) + r((1 - h.beta1) * d);
    v[i] = r(h.beta2 * v[i]) + r(r((1 - h.beta2) * d) * d);
    const corrected = r(m[i] / f(bc1));
    if (rhoT > 5) {
      const adaptive = r(f(Math.sqrt(bc2)) / r(r(Math.sqrt(v[i])) + h.eps));
      p[i] -= r(r(r(corrected * h.lr) * adaptive) * rect);
    } else p[i] -= r(corrected * h.lr);
  }
}

function adadelta(h: OptimHyper, p: Float32Array, g: Float32Array, sq: Float32Array, acc: Float32Array): void {
  const r = roundingOf(p);
  for (let i = 0; i < p.length; i++) {
    const d = decayed(h, g[i], p[i], h.weightDecay, r);
    sq[i] = r(h.rho * sq[i]) + r(r((1 - h.rho) * d) * d);
    const std = r(Math.sqrt(r(sq[i] + h.eps)));
    const delta = r(r(r(Math.sqrt(r(acc[i] + h.eps))) / std) * d);
    acc[i] = r(h.rho * acc[i]) + r(r((1 - h.rho) * delta) * delta);
    p[i] -= r(h.lr * delta);
  }
}

function rprop(h: OptimHyper, p: Float32Array, g: Float32Array, prev: Float32Array, size: Float32Array): void {
  const r = roundingOf(p);
  // As float32, as torch writes them into its float tensors.
  const [up, down, lo, hi] = [h.etaPlus, h.etaMinus, h.stepSizeMin, h.stepSizeMax].map((v) => Math.fround(v));
  for (let i = 0; i < p.length; i++) {
    let d = h.maximize ? -g[i] : g[i];
    const t = r(d * prev[i]);
    // torch's sign, then its masked writes: > 0 to etaPlus, < 0 to etaMinus, 0 to 1 (NaN stays).
    const factor = t > 0 ? up : t < 0 ? down : t === 0 ? 1 : t;
    const z = r(size[i] * factor);
    size[i] = z !== z ? z : Math.min(Math.max(z, lo), hi);
    if (factor === down) d = 0;
    p[i] -= Math.sign(d) * size[i];
    prev[i] = d;
  }
}

/** torch 1.13's ASGD step size and averaging weight for step h.step: float32, from Python's double arithmetic. */
function asgdEtaMu(h: OptimHyper): [number, number] {
  if (h.step === 1) return [Math.fround(h.lr), 1];
  return [Math.fround(h.lr / Math.pow(1 + h.lambd * h.lr * (h.step - 1), h.power)), Math.fround(1 / Math.max(1, h.step - 1 - h.t0))];
}

function asgd(h: OptimHyper, p: Float32Array, g: Float32Array, ax: Float32Array): void {
  const r = roundingOf(p);
  const [eta, mu] = asgdEtaMu(h);
  const shrink = r(1 - h.lambd * eta);
  for (let i = 0; i < p.length; i++) {
    const d = decayed(h, g[i], p[i], h.weightDecay, r);
    p[i] = r(p[i] * shrink) - r(eta * d);
    ax[i] = mu !== 1 ? ax[i] + r(r(p[i] - ax[i]) * mu) : p[i];
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
      case 4: adamax(h, p, g, s0[t], s1[t]); break;
      case 5: nadam(h, p, g, s0[t], s1[t]); break;
      case 6: radam(h, p, g, s0[t], s1[t]); break;
      case 7: adadelta(h, p, g, s0[t], s1[t]); break;
      case 8: rprop(h, p, g, s0[t], s1[t]); break;
      case 9: asgd(h, p, g, s0[t]); break;
      default: throw new Error(`optimStep: unknown optimizer kind ${h.kind}`);
    }
  }
}
