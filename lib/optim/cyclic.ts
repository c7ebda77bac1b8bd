// CyclicLR, CosineAnnealingWarmRestarts and ChainedScheduler, as torch.optim.lr_scheduler 1.13's.
// The first two are closed forms of the step count (not chainable), the third steps a list.
import { Optimizer } from './optimizer';
import { LRScheduler, perGroup, positive } from './lr_base';
import { optionsOf, shown } from '../args';
import { OptimKind } from '../backend/backend';

/** Options of CyclicLR (torch's names and defaults). */
export interface CyclicLROptions {
  /** The lower lr of the cycle: one, or one per group (the groups' lr is set to it at once, as torch does). */
  baseLr: number | readonly number[];
  /** The upper lr of the cycle: one, or one per group. */
  maxLr: number | readonly number[];
  /** Steps from baseLr up to maxLr (default 2000). */
  stepSizeUp?: number;
  /** Steps back down (default stepSizeUp). */
  stepSizeDown?: number;
  /** 'triangular' (default), 'triangular2' (the height halved each cycle) or 'expRange' (times gamma^step); ignored with scaleFn. */
  mode?: 'triangular' | 'triangular2' | 'expRange';
  /** expRange's factor per step (default 1). */
  gamma?: number;
  /** A custom scale of the cycle's height, of the cycle number or of the step (scaleMode). */
  scaleFn?: (x: number) => number;
  /** What scaleFn is given: 'cycle' (default) or 'iterations'. */
  scaleMode?: 'cycle' | 'iterations';
  /** Move the momentum (SGD's, RMSprop's) opposite to the lr (default true). */
  cycleMomentum?: boolean;
  /** The momentum at maxLr (default 0.8): one, or one per group. */
  baseMomentum?: number | readonly number[];
  /** The momentum at baseLr (default 0.9): one, or one per group. */
  maxMomentum?: number | readonly number[];
}

/**
 * The cyclical learning rate policy (Smith), stepped after every batch, as torch's CyclicLR: the lr
 * climbs linearly from baseLr to maxLr over stepSizeUp steps and back over stepSizeDown, the cycle's
 * height scaled by the mode, and the momentum moved the other way.
 */
export class CyclicLR extends LRScheduler {
  private readonly maxLrs: number[];
  private readonly totalSize: number;
  private readonly stepRatio: number;
  private readonly scale: (x: number) => number;
  private readonly scaleByCycle: boolean;
  private readonly momenta: { base: number; max: number }[] | null;

  constructor(optimizer: Optimizer, o: CyclicLROptions) {
    if (!(optimizer instanceof Optimizer)) throw new Error('CyclicLR: optimizer must be an optimizer such as new optim.SGD(model.parameters(), { lr: 0.1 })');
    if (!o || typeof o !== 'object') throw new Error('CyclicLR: options with baseLr and maxLr are required');
    optionsOf(o, 'CyclicLR', {
      baseLr: 'value', maxLr: 'value', stepSizeUp: 'value', stepSizeDown: 'value', mode: 'value', gamma: 'value', scaleFn: 'value',
      scaleMode: 'value', cycleMomentum: 'boolean', baseMomentum: 'value', maxMomentum: 'value',
    });
    const groups = optimizer.paramGroups;
    // As torch: every group's lr at baseLr before the base class records it as the initial lr.
    const baseLrs = perGroup(o.baseLr, groups.length, 'CyclicLR', 'baseLr');
    groups.forEach((g, i) => { g.lr = baseLrs[i]; });
    super(optimizer);
    this.maxLrs = perGroup(o.maxLr, groups.length, 'CyclicLR', 'maxLr');
    const up = positive(o.stepSizeUp ?? 2000, 'CyclicLR', 'stepSizeUp');
    const down = positive(o.stepSizeDown ?? up, 'CyclicLR', 'stepSizeDown');
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    const gamma = o.gamma ?? 1;
    if (o.scaleFn !== undefined) {
      if (typeof o.scaleFn !== 'function') throw new Error(`CyclicLR: scaleFn must be a function, got ${shown(o.scaleFn)}`);
      const mode = o.scaleMode ?? 'cycle';
      if (mode !== 'cycle' && mode !== 'iterations') throw new Error(`CyclicLR: scaleMode must be 'cycle' or 'iterations', got ${shown(mode)}`);
      [this.scale, this.scaleByCycle] = [o.scaleFn, mode === 'cycle'];
    } else {
      const mode = o.mode ?? 'triangular';
      if (mode === 'triangular') [this.scale, this.scaleByCycle] = [() => 1, true];
      else if (mode === 'triangular2') [this.scale, this.scaleByCycle] = [(x) => 1 / 2 ** (x - 1), true];
      else if (mode === 'expRange') [this.scale, this.scaleByCycle] = [(x) => gamma ** x, false];
      else throw new Error(`CyclicLR: mode must be 'triangular', 'triangular2' or 'expRange', got ${shown(mode)}`);
    }
    const cycleMomentum = o.cycleMomentum ?? true;
    if (cycleMomentum) {
      const kind = groups[0].hyper.kind;
      if (kind !== OptimKind.sgd && kind !== OptimKind.rmsprop) throw new Error('CyclicLR: the optimizer has no momentum to cycle (SGD and RMSprop have); pass cycleMomentum: false');
      const bases = perGroup(o.baseMomentum ?? 0.8, groups.length, 'CyclicLR', 'baseMomentum');
      const maxes = perGroup(o.maxMomentum ?? 0.9, groups.length, 'CyclicLR', 'maxMomentum');
      this.momenta = bases.map((base, i) => ({ base, max: maxes[i] }));
    } else this.momenta = null;
    this.initialStep();
  }

  protected nextLr(_lr: number, step: number, baseLr: number, group: number): number {
    const cycle = Math.floor(1 + step / this.totalSize);
    const x = 1 + step / this.totalSize - cycle;
    const factor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scale(this.scaleByCycle ? cycle : step);
    if (this.momenta) {
      const m = this.momenta[group];
      this.optimizer.paramGroups[group].hyper.momentum = m.max - (m.max - m.base) * factor * scale;
    }
    return baseLr + (this.maxLrs[group] - baseLr) * factor * scale;
  }

  protected override restartLr(lr: number, baseLr: number, group: number): number {
    return this.nextLr(lr, 0, baseLr, group);
  }
}

/** Options of CosineAnnealingWarmRestarts. */
export interface WarmRestartsOptions {
  /** Epochs until the first restart. */
  T0: number;
  /** Each period this many times the one before (a positive integer; default 1). */
  TMult?: number;
  /** The lowest lr (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing from the base lr to etaMin, restarting every T0 epochs (each period TMult times
 * the one before), as torch's CosineAnnealingWarmRestarts (SGDR). step(epoch) sets a fractional
 * epoch, for stepping within an epoch.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  private readonly T0: number;
  private readonly TMult: number;
  private readonly etaMin: number;
  /** Epochs into the current period (fractional after step(epoch)). */
  TCur = 0;
  /** The current period's length. */
  Ti: number;

  constructor(optimizer: Optimizer, o: WarmRestartsOptions) {
    super(optimizer);
    if (!o || typeof o !== 'object') throw new Error('CosineAnnealingWarmRestarts: options with T0 are required');
    optionsOf(o, 'CosineAnnealingWarmRestarts', { T0: 'value', TMult: 'value', etaMin: 'value' });
    if (!Number.isSafeInteger(o.T0) || o.T0 <= 0) throw new Error(`CosineAnnealingWarmRestarts: T0 must be a positive integer, got ${shown(o.T0)}`);
    const mult = o.TMult ?? 1;
    if (!Number.isSafeInteger(mult) || mult < 1) throw new Error(`CosineAnnealingWarmRestarts: TMult must be an integer of at least 1, got ${shown(mult)}`);
    const etaMin = o.etaMin ?? 0;
    if (typeof etaMin !== 'number' || !Number.isFinite(etaMin)) throw new Error(`CosineAnnealingWarmRestarts: etaMin must be a number, got ${shown(etaMin)}`);
    [this.T0, this.TMult, this.etaMin, this.Ti] = [o.T0, mult, etaMin, o.T0];
    this.initialStep();
  }

  protected nextLr(_lr: number, _epoch: number, baseLr: number): number {
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.Ti))) / 2;
  }

  protected override restartLr(lr: number, baseLr: number): number {
    [this.TCur, this.Ti] = [0, this.T0];
    return this.nextLr(lr, 0, baseLr);
  }

  /** Advances one epoch, or moves to `epoch` (fractional allowed, as torch's step(epoch)). */
  override step(epoch?: number): void {
    if (epoch === undefined) {
      this.TCur += 1;
      if (this.TCur >= this.Ti) [this.TCur, this.Ti] = [this.TCur - this.Ti, this.Ti * this.TMult];
      super.step();
      return;
    }
    if (typeof epoch !== 'number' || !(epoch >= 0)) throw new Error(`CosineAnnealingWarmRestarts: epoch must be a non-negative number, got ${shown(epoch)}`);
    if (epoch < this.T0) [this.TCur, this.Ti] = [epoch, this.T0];
    else if (this.TMult === 1) [this.TCur, this.Ti] = [epoch % this.T0, this.T0];
    else {
      const n = Math.floor(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
      [this.TCur, this.Ti] = [epoch - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1), this.T0 * this.TMult ** n];
    }
    // super.step() counts one epoch on: it is given the floor, as torch's last_epoch.
    this.lastEpoch = Math.floor(epoch) - 1;
    super.step();
  }
}

/** Steps several schedulers of one optimizer together, each on the lr the one before left, as torch's ChainedScheduler. */
export class ChainedScheduler {
  private readonly schedulers: LRScheduler[];
  private readonly optimizer: Optimizer;

  constructor(schedulers: readonly LRScheduler[]) {
    if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
      throw new Error('ChainedScheduler: schedulers must be a non-empty array of schedulers (ConstantLR, ExponentialLR...)');
    }
    this.optimizer = schedulers[0].optimizerOf();
    schedulers.forEach((s, i) => {
      if (s.optimizerOf() !== this.optimizer) throw new Error(`ChainedScheduler: scheduler ${i} steps another optimizer than scheduler 0`);
    });
    this.schedulers = [...schedulers];
  }

  /** Steps every scheduler, in order. */
  step(): void {
    for (const s of this.schedulers) s.step();
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
