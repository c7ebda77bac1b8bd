// Learning-rate schedules (torch.optim.lr_scheduler): each step() advances one epoch and writes each
// param group's lr. As in PyTorch, most scale the lr in force (their "chainable" form), so an lr set
// by hand between steps, or by another scheduler on the same optimizer, is carried on.
import { Optimizer } from './optimizer';
import { LRScheduler, positive, unitFactor } from './lr_base';
import { optionsOf, shown } from '../args';

export { LRScheduler } from './lr_base';
export { OneCycleLR } from './one_cycle';
export type { OneCycleOptions } from './one_cycle';
export { ReduceLROnPlateau } from './plateau';
export type { PlateauOptions } from './plateau';
export { SequentialLR } from './sequential_lr';
export { CyclicLR, CosineAnnealingWarmRestarts, ChainedScheduler } from './cyclic';
export type { CyclicLROptions, WarmRestartsOptions } from './cyclic';

/** Multiplies the lr by gamma (default 0.1) every stepSize epochs. */
export class StepLR extends LRScheduler {
  constructor(optimizer: Optimizer, private readonly opts: { stepSize: number; gamma?: number }) {
    super(optimizer);
    positive(opts?.stepSize, 'StepLR', 'stepSize');
    this.initialStep();
  }
  protected nextLr(lr: number, e: number): number {
    return e > 0 && e % this.opts.stepSize === 0 ? lr * (this.opts.gamma ?? 0.1) : lr;
  }
}

/** Multiplies the lr by gamma (default 0.1) at each milestone epoch (once per time it is listed). */
export class MultiStepLR extends LRScheduler {
  private readonly milestones: number[];
  constructor(optimizer: Optimizer, private readonly opts: { milestones: readonly number[]; gamma?: number }) {
    super(optimizer);
    if (!Array.isArray(opts?.milestones) || !opts.milestones.every((m) => Number.isInteger(m) && m >= 0)) {
      throw new Error(`MultiStepLR: milestones must be an array of epoch numbers, got ${shown(opts?.milestones)}`);
    }
    this.milestones = [...opts.milestones].sort((a, b) => a - b);
    this.initialStep();
  }
  private hits(e: number): number {
    return this.milestones.filter((m) => m === e).length;
  }
  protected nextLr(lr: number, e: number): number {
    const n = this.hits(e);
    return n ? lr * (this.opts.gamma ?? 0.1) ** n : lr;
  }
  protected override restartLr(_lr: number, baseLr: number): number {
    return baseLr * (this.opts.gamma ?? 0.1) ** this.hits(0);
  }
}

/** Multiplies the lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Optimizer, private readonly opts: { gamma: number }) {
    super(optimizer);
    positive(opts?.gamma, 'ExponentialLR', 'gamma');
    this.initialStep();
  }
  protected nextLr(lr: number, e: number): number {
    return e === 0 ? lr : lr * this.opts.gamma;
  }
}

/** Cosine from the base lr down to etaMin over tMax epochs. */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Optimizer, private readonly opts: { tMax: number; etaMin?: number }) {
    super(optimizer);
    positive(opts?.tMax, 'CosineAnnealingLR', 'tMax');
    this.initialStep();
  }
  protected nextLr(lr: number, e: number, baseLr: number): number {
    if (e === 0) return lr;
    const etaMin = this.opts.etaMin ?? 0;
    const t = this.opts.tMax;
    // torch.optim.lr_scheduler.CosineAnnealingLR.get_lr: the ratio of consecutive cosine terms, and at
    // the start of each rising half period (past tMax) a step up from etaMin's side.
    if ((e - 1 - t) % (2 * t) === 0) return lr + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / t))) / 2;
    return ((1 + Math.cos((Math.PI * e) / t)) / (1 + Math.cos((Math.PI * (e - 1)) / t))) * (lr - etaMin) + etaMin;
  }
}

/** The lr of each group is its base lr times lrLambda(epoch) (torch's LambdaLR). */
export class LambdaLR extends LRScheduler {
  constructor(optimizer: Optimizer, private readonly opts: { lrLambda: (epoch: number) => number }) {
    super(optimizer);
    if (typeof opts?.lrLambda !== 'function') throw new Error('LambdaLR: lrLambda must be a function of the epoch');
    this.initialStep();
  }
  protected nextLr(_lr: number, e: number, baseLr: number): number {
    return baseLr * this.opts.lrLambda(e);
  }
  protected override restartLr(_lr: number, baseLr: number): number {
    return baseLr * this.opts.lrLambda(0);
  }
}

/** Multiplies the lr in force by lrLambda(epoch) every epoch (torch's MultiplicativeLR). */
export class MultiplicativeLR extends LRScheduler {
  constructor(optimizer: Optimizer, private readonly opts: { lrLambda: (epoch: number) => number }) {
    super(optimizer);
    if (typeof opts?.lrLambda !== 'function') throw new Error('MultiplicativeLR: lrLambda must be a function of the epoch');
    this.initialStep();
  }
  protected nextLr(lr: number, e: number): number {
    return e > 0 ? lr * this.opts.lrLambda(e) : lr;
  }
  protected override restartLr(lr: number): number {
    return lr;
  }
}

/** Options of LinearLR. */
export interface LinearLROptions {
  /** Factor of the base lr at epoch 0 (default 1/3). */
  startFactor?: number;
  /** Factor of the base lr from totalIters on (default 1). */
  endFactor?: number;
  /** Epochs over which the factor moves linearly (default 5). */
  totalIters?: number;
}

/** Moves the lr linearly from startFactor to endFactor times the base over totalIters epochs (warm-up). */
export class LinearLR extends LRScheduler {
  private readonly start: number;
  private readonly end: number;
  private readonly total: number;
  constructor(optimizer: Optimizer, options?: LinearLROptions) {
    super(optimizer);
    const opts = optionsOf(options, 'LinearLR', { startFactor: 'value', endFactor: 'value', totalIters: 'value' });
    this.start = unitFactor(opts.startFactor ?? 1 / 3, 'LinearLR', 'startFactor');
    this.end = unitFactor(opts.endFactor ?? 1, 'LinearLR', 'endFactor', true);
    this.total = positive(opts.totalIters ?? 5, 'LinearLR', 'totalIters');
    this.initialStep();
  }
  protected nextLr(lr: number, e: number): number {
    if (e === 0) return lr * this.start;
    if (e > this.total) return lr;
    const { start, end, total } = this;
    return lr * (1 + (end - start) / (total * start + (e - 1) * (end - start)));
  }
  protected override restartLr(_lr: number, baseLr: number): number {
    return baseLr * this.start;
  }
}

/** Multiplies the lr by factor (default 1/3) for the first totalIters epochs (default 5). */
export class ConstantLR extends LRScheduler {
  private readonly factor: number;
  private readonly total: number;
  constructor(optimizer: Optimizer, options?: { factor?: number; totalIters?: number }) {
    super(optimizer);
    const opts = optionsOf(options, 'ConstantLR', { factor: 'value', totalIters: 'value' });
    this.factor = unitFactor(opts.factor ?? 1 / 3, 'ConstantLR', 'factor');
    this.total = positive(opts.totalIters ?? 5, 'ConstantLR', 'totalIters');
    this.initialStep();
  }
  protected nextLr(lr: number, e: number): number {
    if (e === 0) return lr * this.factor;
    return e === this.total ? lr * (1 / this.factor) : lr;
  }
  protected override restartLr(_lr: number, baseLr: number): number {
    return baseLr * this.factor;
  }
}

/** Decays the lr to 0 over totalIters epochs (default 5) as (1 - epoch / totalIters) ** power (default 1). */
export class PolynomialLR extends LRScheduler {
  private readonly total: number;
  private readonly power: number;
  constructor(optimizer: Optimizer, options?: { totalIters?: number; power?: number }) {
    super(optimizer);
    const opts = optionsOf(options, 'PolynomialLR', { totalIters: 'value', power: 'value' });
    this.total = positive(opts.totalIters ?? 5, 'PolynomialLR', 'totalIters');
    this.power = positive(opts.power ?? 1, 'PolynomialLR', 'power');
    this.initialStep();
  }
  protected nextLr(lr: number, e: number): number {
    if (e === 0 || e > this.total) return lr;
    return lr * ((1 - e / this.total) / (1 - (e - 1) / this.total)) ** this.power;
  }
}
