// torch's sampling functions: bernoulli, multinomial, normal (tensor means and deviations) and
// poisson, drawn from the generator manualSeed seeds (torch's own stream differs, so the draws are
// not torch's numbers; their distributions are). No gradients, as torch's.
import { Tensor } from '../tensor';
import { broadcastShapes, fmt, sizeOf } from '../shape';
import { shown } from '../args';
import { allocOutput } from '../storage';
import { checkTensor, expandTo } from './core';
import { liveRngState, liveSpareNormal, normalFrom, uniform01 } from '../random';

/**
 * 0 or 1 draws, 1 with the probability each element of `probs` gives (torch.bernoulli), or with the
 * one probability p for every element of probs' shape (torch.bernoulli(input, p)).
 */
export function bernoulli(probs: Tensor, p?: number): Tensor {
  checkTensor(probs, 'bernoulli');
  if (p !== undefined && (typeof p !== 'number' || !(p >= 0 && p <= 1))) throw new Error(`bernoulli: p must be in [0, 1], got ${shown(p)}`);
  const y = allocOutput(probs.size);
  for (let i = 0; i < y.length; i++) {
    const q = p ?? probs.data[i];
    if (p === undefined && !(q >= 0 && q <= 1)) throw new Error(`bernoulli: probabilities must be in [0, 1], got ${q} at element ${i}`);
    y[i] = uniform01() < q ? 1 : 0;
  }
  return new Tensor(y, [...probs.shape]);
}

/**
 * numSamples category indices per row of `weights` (1-D, or 2-D rows), each drawn with probability
 * proportional to its weight (torch.multinomial): without replacement (the default) a category is
 * drawn at most once, so a row needs at least numSamples positive weights.
 */
export function multinomial(weights: Tensor, numSamples: number, replacement = false): Tensor {
  const what = 'multinomial';
  checkTensor(weights, what);
  if (weights.ndim !== 1 && weights.ndim !== 2) throw new Error(`${what}: weights must be 1-D or 2-D, got shape ${fmt(weights.shape)}`);
  if (!Number.isSafeInteger(numSamples) || numSamples < 1) throw new Error(`${what}: numSamples must be a positive integer, got ${shown(numSamples)}`);
  if (typeof replacement !== 'boolean') throw new Error(`${what}: replacement must be true or false, got ${shown(replacement)}`);
  const rows = weights.ndim === 2 ? weights.shape[0] : 1, k = weights.shape[weights.ndim - 1];
  if (!replacement && numSamples > k) throw new Error(`${what}: cannot draw ${numSamples} samples without replacement from ${k} categories`);
  const y = allocOutput(rows * numSamples);
  const w = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    let total = 0, positive = 0;
    for (let c = 0; c < k; c++) {
      const v = weights.data[r * k + c];
      if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`${what}: weights must be finite and non-negative, got ${v} at [${r}, ${c}]`);
      w[c] = v;
      total += v;
      if (v > 0) positive++;
    }
    if (total === 0) throw new Error(`${what}: row ${r} of the weights sums to 0`);
    if (!replacement && positive < numSamples) throw new Error(`${what}: row ${r} has ${positive} categories of positive weight, fewer than the ${numSamples} samples asked without replacement`);
    for (let s = 0; s < numSamples; s++) {
      // The category where the running sum passes a uniform draw of the total.
      const target = uniform01() * total;
      let c = 0, acc = w[0];
      while ((acc <= target || w[c] === 0) && c < k - 1) acc += w[++c];
      while (w[c] === 0) c--; // rounding past the last positive weight
      y[r * numSamples + s] = c;
      if (!replacement) {
        total -= w[c];
        w[c] = 0;
      }
    }
  }
  return new Tensor(y, weights.ndim === 2 ? [rows, numSamples] : [numSamples]);
}

/**
 * Normal draws of means `mean` and deviations `std` (torch.normal): tensors broadcast against each
 * other, or numbers with the output's `shape` given.
 */
export function normal(mean: Tensor | number, std: Tensor | number, shape?: readonly number[]): Tensor {
  const what = 'normal';
  if (!(mean instanceof Tensor) && typeof mean !== 'number') throw new Error(`${what}: mean must be a tensor or a number, got ${shown(mean)}`);
  if (!(std instanceof Tensor) && typeof std !== 'number') throw new Error(`${what}: std must be a tensor or a number, got ${shown(std)}`);
  const ms = mean instanceof Tensor ? mean.shape : [], ss = std instanceof Tensor ? std.shape : [];
  if (shape !== undefined && (mean instanceof Tensor || std instanceof Tensor)) throw new Error(`${what}: shape is for number means and deviations; a tensor's shape gives the output's`);
  if (shape !== undefined && (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0))) throw new Error(`${what}: shape must be an array of sizes, got ${shown(shape)}`);
  const out = shape ? [...shape] : broadcastShapes(ms, ss, what);
  const n = sizeOf(out);
  const m = mean instanceof Tensor ? expandTo(mean.data, ms, out) : null, s = std instanceof Tensor ? expandTo(std.data, ss, out) : null;
  const y = allocOutput(n);
  const state = liveRngState(), spare = liveSpareNormal();
  for (let i = 0; i < n; i++) {
    const sd = s ? s[i] : (std as number);
    if (!(sd >= 0)) throw new Error(`${what}: std must be non-negative, got ${sd}${s ? ` at element ${i}` : ''}`);
    y[i] = (m ? m[i] : (mean as number)) + sd * normalFrom(state, spare);
  }
  return new Tensor(y, out);
}

/** One Poisson draw of rate lam: Knuth's products of uniforms below 10, Hormann's transformed rejection (PTRS) above, as NumPy's. */
function poissonDraw(lam: number): number {
  if (lam === 0) return 0;
  if (lam < 10) {
    const limit = Math.exp(-lam);
    let k = 0, prod = uniform01();
    while (prod > limit) {
      k++;
      prod *= uniform01();
    }
    return k;
  }
  const slam = Math.sqrt(lam), loglam = Math.log(lam);
  const b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b, invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = uniform01() - 0.5, v = uniform01();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - lgammaPlusOne(k)) return k;
  }
}

/** log(k!) by Stirling's series past 10, exactly below. */
function lgammaPlusOne(k: number): number {
  if (k < 10) {
    let f = 1;
    for (let i = 2; i <= k; i++) f *= i;
    return Math.log(f);
  }
  const x = k + 1, x2 = 1 / (x * x);
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + (1 / 12 - x2 * (1 / 360 - x2 / 1260)) / x;
}

/** A Poisson draw for each rate of `rates` (torch.poisson; rates non-negative). */
export function poisson(rates: Tensor): Tensor {
  checkTensor(rates, 'poisson');
  const y = allocOutput(rates.size);
  for (let i = 0; i < y.length; i++) {
    const lam = rates.data[i];
    if (!(lam >= 0) || !Number.isFinite(lam)) throw new Error(`poisson: rates must be finite and non-negative, got ${lam} at element ${i}`);
    y[i] = poissonDraw(lam);
  }
  return new Tensor(y, [...rates.shape]);
}

/**
 * A Binomial(n, p) draw: inversion by geometric waiting times when n min(p, 1 - p) < 10, else
 * Hormann's BTRS (transformed rejection with squeeze), the two torch's CPU sampler uses.
 */
function binomialDraw(n: number, p: number): number {
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  const flip = p > 0.5, q = flip ? 1 - p : p;
  let k: number;
  if (n * q < 10) {
    const logq = Math.log1p(-q);
    let sum = 0;
    k = 0;
    for (;;) {
      sum += Math.ceil(Math.log(uniform01()) / logq);
      if (sum > n) break;
      k++;
    }
  } else {
    const spq = Math.sqrt(n * q * (1 - q));
    const b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * q, c = n * q + 0.5, vr = 0.92 - 4.2 / b;
    const alpha = (2.83 + 5.1 / b) * spq, lpq = Math.log(q / (1 - q)), m = Math.floor((n + 1) * q);
    const h = lgammaPlusOne(m) + lgammaPlusOne(n - m);
    for (;;) {
      const u = uniform01() - 0.5, v = uniform01();
      const us = 0.5 - Math.abs(u);
      k = Math.floor(((2 * a) / us + b) * u + c);
      if (k < 0 || k > n) continue;
      if (us >= 0.07 && v <= vr) break;
      if (Math.log((v * alpha) / (a / (us * us) + b)) <= h - lgammaPlusOne(k) - lgammaPlusOne(n - k) + (k - m) * lpq) break;
    }
  }
  return flip ? n - k : k;
}

/**
 * A Binomial draw for each pair of `count` (numbers of trials, non-negative integers) and `prob`
 * (success probabilities in [0, 1]), broadcast together (torch.binomial). No gradient, as torch's.
 */
export function binomial(count: Tensor, prob: Tensor): Tensor {
  checkTensor(count, 'binomial');
  checkTensor(prob, 'binomial prob');
  const shape = broadcastShapes(count.shape, prob.shape, 'binomial');
  const [n, p] = [expandTo(count.data, count.shape, shape), expandTo(prob.data, prob.shape, shape)];
  const y = allocOutput(sizeOf(shape));
  for (let i = 0; i < y.length; i++) {
    if (!Number.isInteger(n[i]) || n[i] < 0) throw new Error(`binomial: count must hold non-negative integers, got ${n[i]} at element ${i} of shape ${fmt(shape)}`);
    if (!(p[i] >= 0 && p[i] <= 1)) throw new Error(`binomial: prob must hold probabilities in [0, 1], got ${p[i]} at element ${i} of shape ${fmt(shape)}`);
    y[i] = binomialDraw(n[i], p[i]);
  }
  return new Tensor(y, shape);
}
