// Functional batch and instance normalization (torch.nn.functional.batch_norm and instance_norm),
// nn.InstanceNorm1d/2d/3d, and local response normalization (F.local_response_norm and
// nn.LocalResponseNorm). Instance normalization is torch's: batch normalization of the input seen as
// one sample of N x C channels, its weights and running statistics repeated N times, the running
// statistics then averaged back over the samples.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { checkNonNegative, optionsOf, OptionKinds, positiveInt, shown } from '../args';
import { checkTensor, composedOf } from '../ops/core';
import { batchNormChannels } from '../ops/norm';
import { add, div, mul, pow } from '../ops/binary';
import { square } from '../ops/unary';
import { reshape, repeat, unsqueeze } from '../ops/shape';
import { pad } from '../ops/pad_resize';
import { avgPool2d } from '../ops/conv';
import { pyBool, pyFloat } from '../format';
import { Module } from './module';
import { Parameter } from './parameter';
import { channelAffine, registerRunningStats, updateRunningStats } from './batchnorm';

/** Options of batchNorm. */
export interface BatchNormFunctionOptions {
  /** Scale [C] (default none). */
  weight?: Tensor | null;
  /** Shift [C] (default none). */
  bias?: Tensor | null;
  /** Normalize by the batch's statistics and move the running ones toward them (default false: by the running ones). */
  training?: boolean;
  /** Weight of the batch's statistics in the running averages (default 0.1). */
  momentum?: number;
  /** Added to the variance before its square root (default 1e-5). */
  eps?: number;
}

const BATCH_NORM_OPTIONS: OptionKinds<BatchNormFunctionOptions> = { weight: 'value', bias: 'value', training: 'boolean', momentum: 'value', eps: 'value' };

function checkChannelTensor(t: Tensor | null | undefined, c: number, what: string, name: string): Tensor | null {
  if (t === undefined || t === null) return null;
  checkTensor(t, `${what} ${name}`);
  if (t.ndim !== 1 || t.shape[0] !== c) throw new Error(`${what}: ${name} must be [${c}] (one per channel), got shape ${fmt(t.shape)}`);
  return t;
}

/**
 * torch.nn.functional.batch_norm over [N, C, ...]: with `training` the batch's statistics, and the
 * running mean and variance ([C] each, or null) moved toward them in place; without, the running
 * statistics (which must then be given).
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options?: BatchNormFunctionOptions): Tensor {
  const what = 'batchNorm';
  checkTensor(x, what);
  if (x.ndim < 2) throw new Error(`${what}: input must be [N, C, ...], got shape ${fmt(x.shape)}`);
  const o = optionsOf(options, what, BATCH_NORM_OPTIONS);
  const c = x.shape[1];
  const rm = checkChannelTensor(runningMean, c, what, 'runningMean'), rv = checkChannelTensor(runningVar, c, what, 'runningVar');
  const weight = checkChannelTensor(o.weight, c, what, 'weight'), bias = checkChannelTensor(o.bias, c, what, 'bias');
  const training = o.training ?? false;
  const momentum = checkNonNegative(o.momentum ?? 0.1, what, 'momentum'), eps = checkNonNegative(o.eps ?? 1e-5, what, 'eps');
  if (!training && (rm === null || rv === null)) throw new Error(`${what}: without training, runningMean and runningVar must be given`);
  const count = x.size / c;
  if (training && count < 2) throw new Error(`${what}: expected more than 1 value per channel when training, got input shape ${fmt(x.shape)}`);
  const { y, mean, variance } = batchNormChannels(x, weight, bias, eps, training ? null : { mean: rm!.data, variance: rv!.data });
  if (training && rm && rv) updateRunningStats(rm.data, rv.data, mean, variance, momentum, count);
  return y;
}

/** Options of instanceNorm. */
export interface InstanceNormFunctionOptions {
  /** Running mean [C], moved toward the samples' statistics in place (default none). */
  runningMean?: Tensor | null;
  /** Running variance [C], as runningMean. */
  runningVar?: Tensor | null;
  /** Scale [C] (default none). */
  weight?: Tensor | null;
  /** Shift [C] (default none). */
  bias?: Tensor | null;
  /** Normalize each sample by its own statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  /** Weight of the samples' statistics in the running averages (default 0.1). */
  momentum?: number;
  /** Added to the variance before its square root (default 1e-5). */
  eps?: number;
}

const INSTANCE_NORM_OPTIONS: OptionKinds<InstanceNormFunctionOptions> = {
  runningMean: 'value', runningVar: 'value', weight: 'value', bias: 'value', useInputStats: 'boolean', momentum: 'value', eps: 'value',
};

/** torch.nn.functional.instance_norm over [N, C, ...]: each sample's channels normalized by their own statistics. */
export function instanceNorm(x: Tensor, options?: InstanceNormFunctionOptions): Tensor {
  return instanceNormAs(x, options, 'instanceNorm');
}

function instanceNormAs(x: Tensor, options: InstanceNormFunctionOptions | undefined, what: string): Tensor {
  checkTensor(x, what);
  if (x.ndim < 3) throw new Error(`${what}: input must be [N, C, ...] with at least one position, got shape ${fmt(x.shape)}`);
  const o = optionsOf(options, what, INSTANCE_NORM_OPTIONS);
  const [n, c] = x.shape;
  const rm = checkChannelTensor(o.runningMean, c, what, 'runningMean'), rv = checkChannelTensor(o.runningVar, c, what, 'runningVar');
  const weight = checkChannelTensor(o.weight, c, what, 'weight'), bias = checkChannelTensor(o.bias, c, what, 'bias');
  const useInputStats = o.useInputStats ?? true;
  const momentum = checkNonNegative(o.momentum ?? 0.1, what, 'momentum'), eps = checkNonNegative(o.eps ?? 1e-5, what, 'eps');
  if (!useInputStats && (rm === null || rv === null)) throw new Error(`${what}: without useInputStats, runningMean and runningVar must be given`);
  const count = x.size / (n * c);
  if (useInputStats && count < 2) throw new Error(`${what}: expected more than 1 spatial element when training, got input shape ${fmt(x.shape)}`);
  // The running statistics repeated per sample, as torch's repeat_if_defined.
  const repeated = (t: Tensor | null) => {
    if (!t) return null;
    const r = new Float32Array(n * c);
    for (let s = 0; s < n; s++) r.set(t.data, s * c);
    return r;
  };
  const rmN = repeated(rm), rvN = repeated(rv);
  return composedOf((own) => {
    const rows = own(reshape(x, [1, n * c, ...x.shape.slice(2)]));
    const w = weight && own(repeat(weight, [n])), b = bias && own(repeat(bias, [n]));
    const { y, mean, variance } = batchNormChannels(rows, w, b, eps, useInputStats ? null : { mean: rmN!, variance: rvN! });
    own(y);
    if (useInputStats && rm && rv && rmN && rvN) {
      updateRunningStats(rmN, rvN, mean, variance, momentum, count);
      // Back to [C]: the mean over the samples (float32 sums, as torch's mean).
      for (const [to, from] of [[rm.data, rmN], [rv.data, rvN]] as const) {
        for (let k = 0; k < c; k++) {
          let acc = 0;
          for (let s = 0; s < n; s++) acc += from[s * c + k];
          to[k] = acc / n;
        }
      }
    }
    return reshape(y, x.shape);
  }, [x]);
}

/** Options of InstanceNorm1d, 2d and 3d. */
export interface InstanceNormOptions {
  /** Added to the variance before its square root (default 1e-5). */
  eps?: number;
  /** Weight of each batch's statistics in the running averages (default 0.1). */
  momentum?: number;
  /** Learnable per-channel scale and shift (default false, as torch's). */
  affine?: boolean;
  /** Keep running statistics and use them in eval mode (default false, as torch's). */
  trackRunningStats?: boolean;
}

/** Instance normalization: each sample's channels normalized over their positions (torch.nn.InstanceNorm*d). */
abstract class InstanceNormBase extends Module {
  /** Added to the variance before its square root. */
  readonly eps: number;
  /** Weight of each batch's statistics in the running averages. */
  readonly momentum: number;
  /** Whether running statistics are kept for eval mode. */
  readonly trackRunningStats: boolean;
  /** Learnable scale [C] (null without affine). */
  weight: Parameter | null;
  /** Learnable shift [C] (null without affine). */
  bias: Parameter | null;
  /** Running mean [C] (with trackRunningStats). */
  declare running_mean: Tensor;
  /** Running variance [C] (with trackRunningStats). */
  declare running_var: Tensor;
  /** Batches seen in training (with trackRunningStats). */
  declare num_batches_tracked: Tensor;

  /** @param numFeatures C @param spatial the positions' dims (1, 2 or 3) */
  protected constructor(readonly numFeatures: number, options: InstanceNormOptions | undefined, private readonly spatial: number) {
    super();
    const what = new.target.name;
    const o = optionsOf(options, what, { eps: 'value', momentum: 'value', affine: 'boolean', trackRunningStats: 'boolean' });
    positiveInt(numFeatures, what, 'numFeatures');
    this.eps = o.eps ?? 1e-5;
    if (typeof this.eps !== 'number' || !(this.eps > 0)) throw new Error(`${what}: eps must be positive, got ${shown(this.eps)}`);
    this.momentum = o.momentum ?? 0.1;
    if (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`${what}: momentum must be in [0, 1], got ${shown(this.momentum)}`);
    ({ weight: this.weight, bias: this.bias } = channelAffine(numFeatures, o.affine ?? false));
    this.trackRunningStats = o.trackRunningStats ?? false;
    if (this.trackRunningStats) registerRunningStats(numFeatures, (name, t) => this.registerBuffer(name, t));
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum)}, affine=${pyBool(this.weight !== null)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }

  /** [N, C, positions...] or one sample [C, positions...] (the same shape back). */
  forward(x: Tensor): Tensor {
    const what = this.constructor.name;
    checkTensor(x, what);
    const dims = this.spatial + 2;
    const C = this.numFeatures;
    if (x.ndim !== dims && x.ndim !== dims - 1) throw new Error(`${what}: expected input of ${dims} dims [N, ${C}, ...] or ${dims - 1} dims [${C}, ...], got shape ${fmt(x.shape)}`);
    // torch only warns of other channel counts where nothing is kept per channel.
    const channels = x.shape[x.ndim - this.spatial - 1];
    if (channels !== C && (this.weight !== null || this.trackRunningStats)) {
      throw new Error(`${what}: expected ${C} channels (numFeatures), got ${channels} in shape ${fmt(x.shape)}`);
    }
    const batched = x.ndim === dims;
    const running = this.trackRunningStats;
    return composedOf((own) => {
      const input = batched ? x : own(unsqueeze(x, 0));
      const y = instanceNormAs(input, {
        runningMean: running ? this.running_mean : null, runningVar: running ? this.running_var : null, weight: this.weight, bias: this.bias,
        useInputStats: this.training || !running, momentum: this.momentum, eps: this.eps,
      }, what);
      return batched ? y : reshape(own(y), x.shape);
    }, [x]);
  }
}

/** Instance normalization of [N, C, L] (or [C, L]) inputs, as torch.nn.InstanceNorm1d. */
export class InstanceNorm1d extends InstanceNormBase {
  /** @param numFeatures C, the number of channels */
  constructor(numFeatures: number, options?: InstanceNormOptions) { super(numFeatures, options, 1); }
}

/** Instance normalization of [N, C, H, W] (or [C, H, W]) inputs, as torch.nn.InstanceNorm2d. */
export class InstanceNorm2d extends InstanceNormBase {
  /** @param numFeatures C, the number of channels */
  constructor(numFeatures: number, options?: InstanceNormOptions) { super(numFeatures, options, 2); }
}

/** Instance normalization of [N, C, D, H, W] (or [C, D, H, W]) inputs, as torch.nn.InstanceNorm3d. */
export class InstanceNorm3d extends InstanceNormBase {
  /** @param numFeatures C, the number of channels */
  constructor(numFeatures: number, options?: InstanceNormOptions) { super(numFeatures, options, 3); }
}

/** Options of localResponseNorm and LocalResponseNorm (torch's defaults). */
export interface LocalResponseNormOptions {
  /** Scale of the neighbours' sum of squares (default 1e-4). */
  alpha?: number;
  /** Exponent (default 0.75). */
  beta?: number;
  /** Additive constant (default 1). */
  k?: number;
}

/**
 * torch.nn.functional.local_response_norm over [N, C, ...]: x / (k + alpha * mean of x^2 over `size`
 * neighbouring channels)^beta, the window zero-padded at the ends as torch's.
 */
export function localResponseNorm(x: Tensor, size: number, options?: LocalResponseNormOptions): Tensor {
  const what = 'localResponseNorm';
  checkTensor(x, what);
  positiveInt(size, what, 'size');
  if (x.ndim < 3) throw new Error(`${what}: input must be [N, C, ...] with at least 3 dims, got shape ${fmt(x.shape)}`);
  const o = optionsOf(options, what, { alpha: 'value', beta: 'value', k: 'value' });
  const [alpha, beta, k] = [o.alpha ?? 1e-4, o.beta ?? 0.75, o.k ?? 1];
  for (const [name, v] of [['alpha', alpha], ['beta', beta], ['k', k]] as const) if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what}: ${name} must be a finite number, got ${shown(v)}`);
  const [n, c] = x.shape;
  const positions = x.size / (n * c) || 0;
  return composedOf((own) => {
    // Squares as [N, 1, C, positions], padded along C, averaged over windows of `size` channels.
    const sq = own(reshape(own(square(x)), [n, 1, c, positions]));
    const padded = own(pad(sq, [0, 0, Math.floor(size / 2), Math.floor((size - 1) / 2)]));
    const avg = own(reshape(own(avgPool2d(padded, [size, 1], { stride: 1 })), x.shape));
    const denom = own(pow(own(add(own(mul(avg, alpha)), k)), beta));
    return div(x, denom);
  }, [x]);
}

/** Local response normalization across channels, as torch.nn.LocalResponseNorm. */
export class LocalResponseNorm extends Module {
  /** Neighbouring channels in each window. */
  readonly size: number;
  /** Scale of the windows' mean of squares. */
  readonly alpha: number;
  /** Exponent. */
  readonly beta: number;
  /** Additive constant. */
  readonly k: number;

  /** @param size neighbouring channels in each window */
  constructor(size: number, options?: LocalResponseNormOptions) {
    super();
    this.size = positiveInt(size, 'LocalResponseNorm', 'size');
    const o = optionsOf(options, 'LocalResponseNorm', { alpha: 'value', beta: 'value', k: 'value' });
    [this.alpha, this.beta, this.k] = [o.alpha ?? 1e-4, o.beta ?? 0.75, o.k ?? 1];
  }

  protected override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }

  forward(x: Tensor): Tensor {
    return localResponseNorm(x, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }
}
