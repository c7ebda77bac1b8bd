// ReduceLROnPlateau (torch.optim.lr_scheduler.ReduceLROnPlateau): stepped with a metric each epoch,
// it multiplies every group's lr by factor once the metric has not improved for patience epochs.
import { Optimizer } from './optimizer';
import { perGroup } from './lr_base';
import { OptionKinds, optionsOf, shown } from '../args';

/** Options of ReduceLROnPlateau (torch's names and defaults). */
export interface PlateauOptions {
  /** 'min' (default): lower is better, as a loss; 'max': higher is better, as an accuracy. */
  mode?: 'min' | 'max';
  /** The lr is multiplied by this (default 0.1; must be below 1). */
  factor?: number;
  /** Epochs without improvement before the lr is reduced (default 10). */
  patience?: number;
  /** How much better counts as better (default 1e-4). */
  threshold?: number;
  /** 'rel' (default): relative to the best so far; 'abs': by an absolute amount. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** The lowest lr: one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Changes of the lr smaller than this are not made (default 1e-8). */
  eps?: number;
}

const PLATEAU_OPTIONS: OptionKinds<PlateauOptions> = { mode: 'value', factor: 'value', patience: 'value', threshold: 'value', thresholdMode: 'value', cooldown: 'value', minLr: 'value', eps: 'value' };

/** Reduces the learning rate when a metric stops improving, as torch's ReduceLROnPlateau. */
export class ReduceLROnPlateau {
  /** The best metric so far. */
  best: number;
  /** Epochs since the metric last improved (reset by a reduction). */
  numBadEpochs = 0;
  /** Epochs stepped so far. */
  lastEpoch = 0;
  private cooldownCounter = 0;
  private readonly o: Required<Omit<PlateauOptions, 'minLr'>>;
  private readonly minLrs: number[];

  constructor(private readonly optimizer: Optimizer, options: PlateauOptions = {}) {
    if (!(optimizer instanceof Optimizer)) throw new Error('ReduceLROnPlateau: optimizer must be an optimizer such as new optim.SGD(model.parameters(), { lr: 0.1 })');
    const o = { mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, eps: 1e-8, ...optionsOf(options, 'ReduceLROnPlateau', PLATEAU_OPTIONS) } as const;
    if (o.mode !== 'min' && o.mode !== 'max') throw new Error(`ReduceLROnPlateau: mode must be 'min' or 'max', got ${shown(o.mode)}`);
    if (o.thresholdMode !== 'rel' && o.thresholdMode !== 'abs') throw new Error(`ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got ${shown(o.thresholdMode)}`);
    if (typeof o.factor !== 'number' || !(o.factor < 1 && o.factor >= 0)) throw new Error(`ReduceLROnPlateau: factor must be in [0, 1), got ${shown(o.factor)}`);
    for (const k of ['patience', 'cooldown'] as const) {
      if (!Number.isInteger(o[k]) || o[k] < 0) throw new Error(`ReduceLROnPlateau: ${k} must be a non-negative integer, got ${shown(o[k])}`);
    }
    this.minLrs = perGroup(options.minLr ?? 0, optimizer.paramGroups.length, 'ReduceLROnPlateau', 'minLr');
    this.o = o;
    this.best = o.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { mode, thresholdMode, threshold } = this.o;
    if (mode === 'min') return thresholdMode === 'rel' ? a < this.best * (1 - threshold) : a < this.best - threshold;
    return thresholdMode === 'rel' ? a > this.best * (threshold + 1) : a > this.best + threshold;
  }

  /** Records the epoch's metric (a validation loss, say) and reduces the lr when it has stalled. */
  step(metric: number): void {
    if (typeof metric !== 'number') throw new Error(`ReduceLROnPlateau.step: metric must be a number, got ${typeof metric}`);
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.o.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const lr = Math.max(g.lr * this.o.factor, this.minLrs[i]);
        if (g.lr - lr > this.o.eps) g.lr = lr;
      });
      this.cooldownCounter = this.o.cooldown;
      this.numBadEpochs = 0;
    }
  }

  /** The learning rate in force now (the first param group's). */
  getLastLr(): number {
    return this.optimizer.lr;
  }

  /** The learning rate of each param group now. */
  getLastLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}
