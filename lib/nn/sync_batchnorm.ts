// torch.nn.SyncBatchNorm: batch normalization whose training statistics are those of the whole batch
// across a process group's ranks (each rank holding its part), so that data-parallel training
// normalizes as one process would over the union. Made of recorded ops around a sum over the ranks
// whose gradient is the sum over the ranks of its gradients (distributed.nn.allReduce, torch's
// all_reduce of torch.distributed.nn): the input's gradient then takes every rank's loss into
// account, as torch's SyncBatchNorm backward does with its one all-reduce of sum(dy) and
// sum(dy (x - mean)); the weight's and bias's stay each rank's own, for DistributedDataParallel to
// average. PyTorch runs it on GPUs only; here on the CPU.
import { Tensor } from '../tensor';
import { add, div, mul, sub } from '../ops/binary';
import { sum } from '../ops/reduce';
import { reshape } from '../ops/shape';
import { rsqrt } from '../ops/unary';
import { fmt } from '../shape';
import { composedOf } from '../ops/core';
import { optionsOf, shown } from '../args';
import { ProcessGroup } from '../distributed/process_group';
import { groupSum } from '../distributed/group_sum';
import { Module } from './module';
import { BatchNormBase, BatchNormOptions, updateRunningStats } from './batchnorm';

/** Options of SyncBatchNorm: BatchNorm's, and the group whose ranks share the statistics. */
export interface SyncBatchNormOptions extends BatchNormOptions {
  /**
   * The ranks whose batches are normalized together (distributed.initProcessGroup). Without one, or
   * in a group of one, the layer is a BatchNorm of its input's dimensions.
   */
  processGroup?: ProcessGroup;
}

/**
 * Batch normalization over [N, C, ...] inputs (torch.nn.SyncBatchNorm) whose training statistics
 * are the whole batch's over the process group's ranks: each channel's mean and (biased) variance
 * over every rank's rows, the running averages moved by them (the variance unbiased by the total
 * count), so that every rank normalizes as one process would over the union of their batches. Its
 * collectives run inside forward() and backward() on every rank, which must all call it. In eval
 * mode, or without a group of more than one, it is the BatchNorm of the input's dimensions.
 * `SyncBatchNorm.convertSyncBatchnorm(model, group)` puts it in place of a model's BatchNorm layers.
 */
export class SyncBatchNorm extends BatchNormBase {
  /** The ranks that share the statistics, or null. */
  readonly processGroup: ProcessGroup | null;

  /** @param numFeatures C, the number of channels */
  constructor(numFeatures: number, options?: SyncBatchNormOptions) {
    const o = optionsOf(options, 'SyncBatchNorm', { eps: 'value', momentum: 'value', affine: 'boolean', trackRunningStats: 'boolean', processGroup: 'value' });
    const { processGroup, ...normOptions } = o;
    super(numFeatures, normOptions, 'SyncBatchNorm');
    if (processGroup !== undefined && !(processGroup instanceof ProcessGroup)) {
      throw new Error(`SyncBatchNorm: processGroup must be a ProcessGroup from distributed.initProcessGroup(), got ${shown(processGroup)}`);
    }
    this.processGroup = processGroup ?? null;
  }

  protected accepts(ndim: number): boolean { return ndim >= 2; }
  protected shapesAccepted(c: number): string { return `[N, ${c}, ...] (at least 2 dimensions)`; }

  override forward(x: Tensor): Tensor {
    const group = this.processGroup;
    if (!this.training || !group || group.worldSize < 2) return super.forward(x);
    this.checkInput(x);
    const C = this.numFeatures;
    const what = 'SyncBatchNorm';
    const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, k) => k + 2)];
    const channel = [1, C, ...x.shape.slice(2).map(() => 1)];
    const counts = Float64Array.of(x.size / C);
    group.reduceArraysNow([counts], false, what);
    const count = counts[0];
    if (count < 2) throw new Error(`${what}: expected more than 1 value per channel when training, got ${count} over the group's ${group.worldSize} ranks (input shape ${fmt(x.shape)} here)`);
    const { weight, bias } = this;
    // The intermediates (two of x's size) let go after backward, as a composed op's.
    return composedOf((own) => {
      const mean = own(div(own(groupSum(own(sum(x, dims)), group, what)), count));
      const centered = own(sub(x, own(reshape(mean, channel))));
      const variance = own(div(own(groupSum(own(sum(own(mul(centered, centered)), dims)), group, what)), count));
      let y = own(mul(centered, own(reshape(own(rsqrt(own(add(variance, this.eps)))), channel))));
      if (weight && bias) y = add(own(mul(y, own(reshape(weight, channel)))), own(reshape(bias, channel)));
      if (this.trackRunningStats) {
        const tracked = (this.num_batches_tracked.data[0] += 1);
        updateRunningStats(this.running_mean.data, this.running_var.data, mean.data, variance.data, this.momentum ?? 1 / tracked, count);
      }
      return y;
    }, [x]);
  }

  /**
   * `model` with each of its BatchNorm1d, BatchNorm2d and BatchNorm3d layers replaced by a
   * SyncBatchNorm over `processGroup` holding the same parameters (the same Parameter objects, so an
   * optimizer made before still trains them), running statistics and mode (torch's
   * convert_sync_batchnorm); a BatchNorm given as the model itself comes back converted.
   */
  static convertSyncBatchnorm(model: Module, processGroup?: ProcessGroup): Module {
    const converted = new Map<Module, Module>();
    const convert = (m: Module): Module => {
      const done = converted.get(m);
      if (done) return done;
      let out = m;
      if (m instanceof BatchNormBase && !(m instanceof SyncBatchNorm)) {
        const s = new SyncBatchNorm(m.numFeatures, { eps: m.eps, momentum: m.momentum, affine: m.weight !== null, trackRunningStats: m.trackRunningStats, processGroup });
        s.weight = m.weight;
        s.bias = m.bias;
        if (m.trackRunningStats) {
          s.running_mean.data.set(m.running_mean.data);
          s.running_var.data.set(m.running_var.data);
          s.num_batches_tracked.data.set(m.num_batches_tracked.data);
        }
        s.training = m.training;
        out = s;
      } else {
        const fields = m as unknown as Record<string, unknown>;
        for (const k of Object.keys(fields)) {
          const child = fields[k];
          if (child instanceof Module) fields[k] = convert(child);
        }
      }
      converted.set(m, out);
      return out;
    };
    if (!(model instanceof Module)) throw new Error(`SyncBatchNorm.convertSyncBatchnorm: model must be an nn.Module, got ${shown(model)}`);
    if (processGroup !== undefined && !(processGroup instanceof ProcessGroup)) {
      throw new Error(`SyncBatchNorm.convertSyncBatchnorm: processGroup must be a ProcessGroup from distributed.initProcessGroup(), got ${shown(processGroup)}`);
    }
    return convert(model);
  }
}
