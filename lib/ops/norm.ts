// Layer normalization over the last dimension of a [rows, cols] matrix, and batch normalization per
// channel of [N, C] or [N, C, L]: one kernel each way (the backend's layerNorm, batchNorm and their
// gradients), where the same things composed of ops made eight and nine nodes.
import { B } from '../backend/registry';
import { GraphBackward, Tensor } from '../tensor';
import { alloc, allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { record } from './core';
import { add, mul, sub } from './binary';
import { mean, sum } from './reduce';
import { reshape } from './shape';
import { rsqrt } from './unary';

/**
 * (x - mean) / sqrt(biased variance + eps) per row of x [rows, cols], times weight plus bias
 * ([cols] each, or null): LayerNorm's arithmetic, checked by its caller.
 */
export function layerNormRows(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const [rows, cols] = x.shape;
  const y = allocOutput(x.size);
  const mean = alloc(rows);
  const rstd = alloc(rows);
  const be = B();
  be.layerNorm(x.data, rows, cols, weight ? weight.data : null, bias ? bias.data : null, eps, y, mean, rstd);
  const out = record(y, x.shape, normInputs(x, weight, bias), 'layerNorm', (gy) => normGradients(x, weight, bias, (gx, gw, gb) => {
    be.layerNormGrad(gy, x.data, rows, cols, weight ? weight.data : null, mean, rstd, gx, gw, gb);
  }));
  if (out.node) out.node.graphBackward = normGraphRule(x, weight, bias, eps, { view: [rows, cols], stats: [1], params: [1, cols], across: [0] }, null);
  return out;
}

/** How a norm lays x out: its view of x, the dims its statistics reduce, its parameters' view, and the dims their gradients sum. */
interface NormLayout { view: number[]; stats: number[]; params: number[]; across: number[] }

/**
 * A norm's backward as recorded ops, the normalized x̂ recomputed from x: with ĝ = gy w, the input's
 * gradient rstd (ĝ - mean(ĝ) - x̂ mean(ĝ x̂)) under its own statistics, rstd ĝ under `fixed` ones
 * (constants: batch norm's running statistics); the weight's sum(gy x̂), the bias's sum(gy).
 */
function normGraphRule(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number, at: NormLayout,
  fixed: { mean: Float32Array; rstd: Float32Array } | null): GraphBackward {
  const fixedMean = fixed && new Tensor(fixed.mean.slice(), at.params);
  const fixedRstd = fixed && new Tensor(fixed.rstd.slice(), at.params);
  return (gy) => {
    const xv = reshape(x, at.view), g = reshape(gy, at.view);
    let xHat: Tensor, rstd: Tensor;
    if (fixedMean && fixedRstd) {
      rstd = fixedRstd;
      xHat = mul(sub(xv, fixedMean), rstd);
    } else {
      const centred = sub(xv, mean(xv, at.stats, true));
      rstd = rsqrt(add(mean(mul(centred, centred), at.stats, true), eps));
      xHat = mul(centred, rstd);
    }
    const gHat = weight ? mul(g, reshape(weight, at.params)) : g;
    const gx = fixed ? mul(gHat, rstd)
      : mul(rstd, sub(sub(gHat, mean(gHat, at.stats, true)), mul(xHat, mean(mul(gHat, xHat), at.stats, true))));
    return [
      x.requiresGrad ? reshape(gx, x.shape) : null,
      ...(weight ? [weight.requiresGrad ? sum(mul(g, xHat), at.across) : null] : []),
      ...(bias ? [bias.requiresGrad ? sum(g, at.across) : null] : []),
    ];
  };
}

// A norm's recorded inputs: x, then its weight and bias when it has them.
function normInputs(x: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor[] {
  return [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
}

/**
 * A norm's backward around its kernel, which writes every gradient it is given whole: x's (into a
 * scratch array, pooled after, when x needs none), and weight's and bias's into the storage zeroGrad
 * released. Returns them in normInputs' order.
 */
function normGradients(x: Tensor, weight: Tensor | null, bias: Tensor | null,
  kernel: (gx: Float32Array, gw: Float32Array | null, gb: Float32Array | null) => void): (Float32Array | null)[] {
  const gx = x.requiresGrad ? allocOutput(x.size) : null;
  const gw = weight && weight.requiresGrad ? weight.gradBuffer() : null;
  const gb = bias && bias.requiresGrad ? bias.gradBuffer() : null;
  const into = gx ?? allocOutput(x.size);
  kernel(into, gw, gb);
  if (!gx) recycleArray(into);
  return [gx, ...(weight ? [gw] : []), ...(bias ? [gb] : [])];
}

/** What batchNormChannels returns: the output, and the statistics it normalized with. */
export interface BatchNormResult {
  y: Tensor;
  /** Each channel's mean: x's own, or a copy of the running mean given. */
  mean: Float32Array;
  /** Each channel's biased variance (x's own), or a copy of the running variance given. */
  variance: Float32Array;
}

/**
 * Batch normalization of x, [N, C] or [N, C, L], per channel C: (x - mean) / sqrt(variance + eps),
 * times weight plus bias ([C] each, or null). With `running` null the statistics are x's own (and
 * its gradient flows through them); otherwise the given running statistics, which are copied (a later
 * training step updates the module's in place). BatchNorm1d's arithmetic, checked by its caller.
 */
export function batchNormChannels(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number,
  running: { mean: Float32Array; variance: Float32Array } | null): BatchNormResult {
  const [n, c] = x.shape;
  const l = x.shape.slice(2).reduce((a, b) => a * b, 1); // [N, C, L] or [N, C, H, W]: every position of a channel
  const y = allocOutput(x.size);
  const mean = alloc(c);
  const variance = alloc(c);
  const rstd = alloc(c);
  if (running) {
    mean.set(running.mean);
    variance.set(running.variance);
  }
  const be = B();
  const batchStats = running === null;
  be.batchNorm(x.data, n, c, l, weight ? weight.data : null, bias ? bias.data : null, eps, batchStats, y, mean, variance, rstd);
  const out = record(y, x.shape, normInputs(x, weight, bias), 'batchNorm', (gy) => normGradients(x, weight, bias, (gx, gw, gb) => {
    be.batchNormGrad(gy, x.data, n, c, l, weight ? weight.data : null, mean, rstd, batchStats, gx, gw, gb);
  }));
  if (out.node) out.node.graphBackward = normGraphRule(x, weight, bias, eps, { view: [n, c, l], stats: [0, 2], params: [1, c, 1], across: [0, 2] }, batchStats ? null : { mean, rstd });
  return { y: out, mean, variance };
}
