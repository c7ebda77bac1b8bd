// Stochastic weight averaging, as torch.optim.swa_utils: AveragedModel keeps a running average of a
// model's parameters (or, with avgFn, any average such as an exponential one) in a copy of the model,
// SWALR anneals each param group's lr to a fixed swaLr, and updateBn recomputes the BatchNorm
// statistics of a model (the averaged one) over data.
import { Tensor } from '../tensor';
import { noGrad } from '../autograd';
import { optionsOf, shown } from '../args';
import { Module } from '../nn/module';
import { BatchNormBase } from '../nn/batchnorm';
import { deepCopyModule } from '../nn/deep_copy';
import { Optimizer } from './optimizer';
import { LRScheduler } from './lr_base';

/** An averaging rule: the new average from the average so far, the model's value and how many models were averaged. */
export type AveragingFn = (averaged: Tensor, current: Tensor, numAveraged: number) => Tensor;

/** Options of AveragedModel. */
export interface AveragedModelOptions {
  /** The averaging rule (default: the equal-weight running mean, averaged + (current - averaged) / (n + 1)). */
  avgFn?: AveragingFn;
  /** Average the buffers too (BatchNorm's statistics), not only the parameters (default false). */
  useBuffers?: boolean;
}

/** torch's default: the equal-weight running mean. */
const runningMean: AveragingFn = (averaged, current, n) => averaged.add(current.sub(averaged).div(n + 1));

/**
 * A copy of `model` (`module`) whose parameters updateParameters(model) averages, as
 * torch.optim.swa_utils.AveragedModel: the first call copies the model's values, each later one
 * applies avgFn. forward() runs the copy. Its state dict holds `n_averaged` and the copy's entries
 * under `module.`.
 */
export class AveragedModel extends Module {
  /** The averaged copy of the model. */
  readonly module: Module;
  /** How many models have been averaged (a 0-d buffer, torch's `n_averaged`). */
  declare n_averaged: Tensor;
  /** The averaging rule. */
  readonly avgFn: AveragingFn;
  /** Whether buffers are averaged too. */
  readonly useBuffers: boolean;

  constructor(model: Module, options?: AveragedModelOptions) {
    super();
    if (!(model instanceof Module)) throw new Error(`AveragedModel: model must be a Module, got ${shown(model)}`);
    const o = optionsOf(options, 'AveragedModel', { avgFn: 'value', useBuffers: 'boolean' });
    if (o.avgFn !== undefined && typeof o.avgFn !== 'function') throw new Error(`AveragedModel: avgFn must be a function (averaged, current, numAveraged) => Tensor, got ${shown(o.avgFn)}`);
    const copy = deepCopyModule(model, 'AveragedModel');
    this.registerBuffer('n_averaged', new Tensor(new Float32Array(1), []));
    this.module = copy;
    this.avgFn = o.avgFn ?? runningMean;
    this.useBuffers = o.useBuffers ?? false;
  }

  /** The averaged copy's forward. */
  forward(...inputs: Tensor[]): Tensor {
    return this.module.forward(...inputs);
  }

  /** The tensors averaged: the parameters, and with useBuffers the buffers, of `m`. */
  private averagedOf(m: Module): Tensor[] {
    return this.useBuffers ? [...m.parameters(), ...m.buffers()] : m.parameters();
  }

  /** Averages `model`'s current parameters (and buffers, with useBuffers) into the copy's. */
  updateParameters(model: Module): void {
    if (!(model instanceof Module)) throw new Error(`AveragedModel.updateParameters: model must be a Module, got ${shown(model)}`);
    const mine = this.averagedOf(this.module), theirs = this.averagedOf(model);
    if (mine.length !== theirs.length || mine.some((t, i) => t.size !== theirs[i].size)) {
      throw new Error(`AveragedModel.updateParameters: the model's ${theirs.length} tensors (${theirs.map((t) => `[${t.shape.join(', ')}]`).join(' ')}) do not match the averaged copy's ${mine.length} (${mine.map((t) => `[${t.shape.join(', ')}]`).join(' ')})`);
    }
    const n = this.n_averaged.data[0];
    // torch's BatchNorm counts batches in an integer buffer: an average copied into it is cut to an integer.
    const counts = new Set(this.module.modules().map((m) => (m as { num_batches_tracked?: unknown }).num_batches_tracked).filter((t): t is Tensor => t instanceof Tensor));
    noGrad(() => mine.forEach((avg, i) => {
      const current = theirs[i].detach();
      if (n === 0) {
        avg.copy_(current);
        return;
      }
      const next = this.avgFn(avg.detach(), current, n);
      if (!(next instanceof Tensor) || next.size !== avg.size) {
        throw new Error(`AveragedModel.updateParameters: avgFn must return a tensor of the averaged one's shape [${avg.shape.join(', ')}], got ${next instanceof Tensor ? `shape [${next.shape.join(', ')}]` : shown(next)}`);
      }
      avg.copy_(counts.has(avg) ? next.trunc() : next);
    }));
    this.n_averaged.data[0] = n + 1;
  }
}

/**
 * Recomputes the running statistics of every BatchNorm layer of `model` (that keeps them) from the
 * batches of `loader`, as torch.optim.swa_utils.update_bn: the statistics start over and take each
 * batch's equal share (momentum null while it runs), the model in training mode under noGrad; each
 * batch is a tensor, or an array whose first entry is the input. Momenta and the training mode are
 * put back after.
 */
export function updateBn(loader: Iterable<Tensor | readonly Tensor[]>, model: Module): void {
  if (!(model instanceof Module)) throw new Error(`updateBn: model must be a Module, got ${shown(model)}`);
  if (loader === null || typeof (loader as Partial<Iterable<unknown>>)?.[Symbol.iterator] !== 'function') throw new Error(`updateBn: loader must be an iterable of batches (tensors, or arrays whose first entry is the input), got ${shown(loader)}`);
  const layers = model.modules().filter((m): m is BatchNormBase => m instanceof BatchNormBase && m.trackRunningStats);
  if (layers.length === 0) return;
  const momenta = layers.map((l) => l.momentum);
  const training = model.training;
  const settable = (l: BatchNormBase) => l as unknown as { momentum: number | null };
  try {
    for (const l of layers) {
      l.running_mean.data.fill(0);
      l.running_var.data.fill(1);
      l.num_batches_tracked.data[0] = 0;
      settable(l).momentum = null;
    }
    model.train();
    let i = 0;
    for (const batch of loader) {
      const input = Array.isArray(batch) ? batch[0] : batch;
      if (!(input instanceof Tensor)) throw new Error(`updateBn: batch ${i} must be a tensor or an array whose first entry is one, got ${shown(batch)}`);
      noGrad(() => model.forward(input));
      i++;
    }
  } finally {
    layers.forEach((l, k) => { settable(l).momentum = momenta[k]; });
    model.train(training);
  }
}

/** Options of SWALR. */
export interface SWALROptions {
  /** Epochs of annealing from each group's lr to its swaLr (default 10; 0 jumps at once). */
  annealEpochs?: number;
  /** 'cos' (the default) or 'linear'. */
  annealStrategy?: 'cos' | 'linear';
}

/**
 * Anneals each param group's lr to its swaLr (one for all groups, or one each) over annealEpochs,
 * by a cosine or linearly, then holds it: torch.optim.swa_utils.SWALR (chainable: it starts from the
 * lr in force, so it may follow another schedule).
 */
export class SWALR extends LRScheduler {
  /** Each group's target lr. */
  readonly swaLrs: number[];
  /** Epochs of annealing. */
  readonly annealEpochs: number;
  /** How the lr moves to swaLr. */
  readonly annealStrategy: 'cos' | 'linear';

  constructor(optimizer: Optimizer, swaLr: number | readonly number[], options?: SWALROptions) {
    super(optimizer);
    const o = optionsOf(options, 'SWALR', { annealEpochs: 'value', annealStrategy: 'value' });
    const groups = optimizer.paramGroups.length;
    const lrs = Array.isArray(swaLr) ? [...(swaLr as readonly number[])] : Array.from({ length: groups }, () => swaLr as number);
    if (lrs.length !== groups) throw new Error(`SWALR: swaLr must have the same length as optimizer.paramGroups: swaLr has ${lrs.length}, optimizer.paramGroups has ${groups}`);
    lrs.forEach((v, i) => { if (typeof v !== 'number' || !(v >= 0)) throw new Error(`SWALR: swaLr${Array.isArray(swaLr) ? `[${i}]` : ''} must be a non-negative number, got ${shown(v)}`); });
    const strategy = o.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') throw new Error(`SWALR: annealStrategy must be one of 'cos' or 'linear', got ${shown(strategy)}`);
    const epochs = o.annealEpochs ?? 10;
    if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`SWALR: annealEpochs must be an integer of at least 0, got ${shown(epochs)}`);
    this.swaLrs = lrs;
    this.annealEpochs = epochs;
    this.annealStrategy = strategy;
    this.initialStep();
  }

  private anneal(t: number): number {
    return this.annealStrategy === 'cos' ? (1 - Math.cos(Math.PI * t)) / 2 : t;
  }

  protected nextLr(lr: number, epoch: number, _baseLr: number, group: number): number {
    const swa = this.swaLrs[group];
    const step = this.annealEpochs === 0 ? Math.max(1, epoch) : epoch;
    // The lr the annealing started from, recovered from the one in force (torch's _get_initial_lr).
    const prevAlpha = this.anneal(Math.max(0, Math.min(1, (step - 1) / Math.max(1, this.annealEpochs))));
    const start = prevAlpha === 1 ? swa : (lr - prevAlpha * swa) / (1 - prevAlpha);
    const alpha = this.anneal(Math.max(0, Math.min(1, step / Math.max(1, this.annealEpochs))));
    return swa * alpha + start * (1 - alpha);
  }
}
