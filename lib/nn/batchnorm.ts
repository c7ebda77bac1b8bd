// BatchNorm1d over [N, C] or [N, C, L], BatchNorm2d over [N, C, H, W]: batch statistics (biased
// variance) in training, running statistics (unbiased variance, momentum 0.1) in eval, as PyTorch
// does, through the backend's batchNorm kernel and its gradient (ops/norm.ts).
import { Tensor } from '../tensor';
import { batchNormChannels } from '../ops/norm';
import { ones, zeros } from '../ops/creation';
import { fmt } from '../shape';
import { checkTensor } from '../ops/core';
import { Module } from './module';
import { Parameter } from './parameter';
import { pyBool, pyFloat } from '../format';
import { optionsOf, shown } from '../args';

/** Options of BatchNorm1d and BatchNorm2d. */
export interface BatchNormOptions {
  /** Added to the variance before its square root (default 1e-5). */
  eps?: number;
  /**
   * Weight of the new batch statistic in the running average (default 0.1); null for the cumulative
   * average of every batch seen (the k-th batch weighted 1 / k), as PyTorch's momentum=None.
   */
  momentum?: number | null;
  /** Learnable scale and shift (default true). */
  affine?: boolean;
  /** Keep running mean and variance for eval mode (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
}

/**
 * What BatchNorm1d and BatchNorm2d share (all but the input shapes they take): batch statistics in
 * training (biased variance to normalize, unbiased in the running average), running statistics in
 * eval. Neither is an instance of the other, so that code taking one does not take the other.
 */
export abstract class BatchNormBase extends Module {
  /** Whether an input of ndim dimensions is accepted. */
  protected abstract accepts(ndim: number): boolean;
  /** The input shapes accepted, for messages. */
  protected abstract shapesAccepted(c: number): string;

  /** Added to the variance before its square root. */
  readonly eps: number;
  /** Weight of each new batch statistic in the running averages; null: their cumulative average. */
  readonly momentum: number | null;
  /** Learnable scale [C] (null without affine). */
  weight: Parameter | null;
  /** Learnable shift [C] (null without affine). */
  bias: Parameter | null;
  /** Running mean [C] (a buffer, saved in the state dict under PyTorch's name). */
  declare running_mean: Tensor;
  /** Running (unbiased) variance [C]. */
  declare running_var: Tensor;
  /** Batches seen in training (0-d). */
  declare num_batches_tracked: Tensor;
  /** Whether running statistics are kept (for eval mode); without them eval normalizes by the batch's own. */
  readonly trackRunningStats: boolean;

  /** @param numFeatures C, the number of channels @param layerName the subclass's name, for messages */
  protected constructor(readonly numFeatures: number, options: BatchNormOptions | undefined, protected readonly layerName: string) {
    super();
    const name = this.layerName;
    options = optionsOf(options, name, { eps: 'value', momentum: 'value', affine: 'boolean', trackRunningStats: 'boolean' });
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new Error(`${name}: numFeatures must be a positive integer, got ${shown(numFeatures)}`);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (typeof this.eps !== 'number' || !(this.eps > 0)) throw new Error(`${name}: eps must be positive, got ${shown(this.eps)}`);
    if (this.momentum !== null && (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum <= 1))) {
      throw new Error(`${name}: momentum must be in [0, 1] or null (a cumulative average), got ${shown(this.momentum)}`);
    }
    ({ weight: this.weight, bias: this.bias } = channelAffine(numFeatures, options.affine ?? true));
    this.trackRunningStats = options.trackRunningStats ?? true;
    if (this.trackRunningStats) registerRunningStats(numFeatures, (name, t) => this.registerBuffer(name, t));
  }

  protected override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    const [affine, track] = [pyBool(this.weight !== null), pyBool(this.trackRunningStats)];
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${affine}, track_running_stats=${track}`;
  }
  /** x, checked to be a tensor of a shape this layer takes. */
  protected checkInput(x: Tensor): Tensor {
    checkTensor(x, this.layerName);
    if (!this.accepts(x.ndim) || x.shape[1] !== this.numFeatures) {
      throw new Error(`${this.layerName}: expected input ${this.shapesAccepted(this.numFeatures)}, got shape ${fmt(x.shape)}`);
    }
    return x;
  }

  forward(x: Tensor): Tensor {
    const name = this.layerName;
    this.checkInput(x);
    const C = this.numFeatures;
    const count = x.size / C;
    const batchStats = this.training || !this.trackRunningStats;
    if (this.training && count < 2) {
      throw new Error(`${name}: expected more than 1 value per channel when training, got input shape ${fmt(x.shape)}`);
    }
    const running = batchStats ? null : { mean: this.running_mean.data, variance: this.running_var.data };
    const { y, mean, variance } = batchNormChannels(x, this.weight, this.bias, this.eps, running);
    if (this.training && this.trackRunningStats) {
      // In double, as PyTorch's running averages; the variance unbiased. The count goes up first:
      // without a momentum the k-th batch weighs 1 / k.
      const tracked = (this.num_batches_tracked.data[0] += 1);
      updateRunningStats(this.running_mean.data, this.running_var.data, mean, variance, this.momentum ?? 1 / tracked, count);
    }
    return y;
  }
}

/** A normalization layer's learnable per-channel scale (ones) and shift (zeros), or nulls without affine. */
export function channelAffine(numFeatures: number, affine: boolean): { weight: Parameter | null; bias: Parameter | null } {
  return affine ? { weight: new Parameter(ones([numFeatures])), bias: new Parameter(zeros([numFeatures])) } : { weight: null, bias: null };
}

/** Registers running_mean (zeros), running_var (ones) and num_batches_tracked, under torch's names. */
export function registerRunningStats(numFeatures: number, register: (name: string, t: Tensor) => void): void {
  register('running_mean', zeros([numFeatures]));
  register('running_var', ones([numFeatures]));
  register('num_batches_tracked', zeros([]));
}

/**
 * The running averages moved toward a batch's statistics by momentum m, in double as PyTorch's
 * (stored as float), the variance made unbiased for the `count` values each statistic came from.
 */
export function updateRunningStats(rm: Float32Array, rv: Float32Array, mean: Float32Array, variance: Float32Array, m: number, count: number): void {
  const unbias = count / (count - 1);
  for (let c = 0; c < rm.length; c++) {
    rm[c] = (1 - m) * rm[c] + m * mean[c];
    rv[c] = (1 - m) * rv[c] + m * variance[c] * unbias;
  }
}

/**
 * Batch normalization over [N, C] or [N, C, L] inputs, as torch.nn.BatchNorm1d (see BatchNormBase).
 */
export class BatchNorm1d extends BatchNormBase {
  /** @param numFeatures C, the number of channels */
  constructor(numFeatures: number, options?: BatchNormOptions) { super(numFeatures, options, 'BatchNorm1d'); }
  protected accepts(ndim: number): boolean { return ndim === 2 || ndim === 3; }
  protected shapesAccepted(c: number): string { return `[N, ${c}] or [N, ${c}, L]`; }
}

/**
 * Batch normalization over [N, C, H, W] images, as torch.nn.BatchNorm2d: each channel's statistics
 * over the batch and every position (BatchNorm1d's rules otherwise).
 */
export class BatchNorm2d extends BatchNormBase {
  /** @param numFeatures C, the number of channels */
  constructor(numFeatures: number, options?: BatchNormOptions) { super(numFeatures, options, 'BatchNorm2d'); }
  protected accepts(ndim: number): boolean { return ndim === 4; }
  protected shapesAccepted(c: number): string { return `[N, ${c}, H, W]`; }
}

/**
 * Batch normalization over [N, C, D, H, W] volumes, as torch.nn.BatchNorm3d: each channel's
 * statistics over the batch and every position (BatchNorm1d's rules otherwise).
 */
export class BatchNorm3d extends BatchNormBase {
  /** @param numFeatures C, the number of channels */
  constructor(numFeatures: number, options?: BatchNormOptions) { super(numFeatures, options, 'BatchNorm3d'); }
  protected accepts(ndim: number): boolean { return ndim === 5; }
  protected shapesAccepted(c: number): string { return `[N, ${c}, D, H, W]`; }
}
