// The base of the epoch-stepped learning-rate schedules, as torch.optim.lr_scheduler's LRScheduler:
// each param group keeps the lr it had before the first scheduler (its base), construction takes
// the step to epoch 0, and step() writes every group's lr for the next epoch.
import { Optimizer } from './optimizer';
import { shown } from '../args';

/** A learning-rate schedule over epochs (or batches), stepping an optimizer's param groups. */
export abstract class LRScheduler {
  /** Epochs stepped so far. */
  lastEpoch = 0;
  /** @internal Each param group's lr before any scheduler changed it. */
  protected readonly baseLrs: number[];
  constructor(protected readonly optimizer: Optimizer) {
    if (!(optimizer instanceof Optimizer)) throw new Error(`${new.target.name}: optimizer must be an optimizer such as new optim.SGD(model.parameters(), { lr: 0.1 })`);
    // JavaScript can construct the abstract base, whose step() would then fail on a missing rule.
    if (typeof this.nextLr !== 'function') throw new Error(`${new.target.name}: the base class has no schedule of its own; construct one such as lrScheduler.StepLR`);
    // As torch's initial_lr: set by the first scheduler, so a second one starts from the same base.
    for (const g of optimizer.paramGroups) g.initialLr ??= g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
  }

  /**
   * The lr of a group for `epoch`, from the lr in force at the end of the epoch before (torch's
   * chainable get_lr) and the group's base lr; epoch 0 is the step taken at construction.
   */
  protected abstract nextLr(lr: number, epoch: number, baseLr: number, group: number): number;

  /** The lr of a group at epoch 0 when a SequentialLR hands over to this schedule (torch's closed form). */
  protected restartLr(_lr: number, baseLr: number, _group: number): number {
    return baseLr;
  }

  /** @internal The step to epoch 0 that torch's constructor takes; each subclass calls it last. */
  protected initialStep(): void {
    this.setLrs((lr, i) => this.nextLr(lr, 0, this.baseLrs[i], i));
  }

  /** @internal Starts over at epoch 0 (SequentialLR, at a milestone). */
  restart(): void {
    this.lastEpoch = 0;
    this.setLrs((lr, i) => this.restartLr(lr, this.baseLrs[i], i));
  }

  private setLrs(f: (lr: number, group: number) => number): void {
    this.optimizer.paramGroups.forEach((g, i) => { g.lr = f(g.lr, i); });
  }

  /** @internal The optimizer this schedule steps. */
  optimizerOf(): Optimizer {
    return this.optimizer;
  }

  /** Advances one epoch and sets the learning rate of each param group. */
  step(): void {
    this.lastEpoch++;
    this.setLrs((lr, i) => this.nextLr(lr, this.lastEpoch, this.baseLrs[i], i));
  }

  /** The learning rate in force now (the first param group's; getLastLrs() gives each group's). */
  getLastLr(): number {
    return this.optimizer.lr;
  }

  /** The learning rate of each param group now. */
  getLastLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

export function positive(v: number | undefined, what: string, arg: string): number {
  if (typeof v !== 'number' || !(v > 0)) throw new Error(`${what}: ${arg} must be positive, got ${shown(v)}`);
  return v;
}

/** A factor in (0, 1] (start and end factors of LinearLR, ConstantLR's factor). */
export function unitFactor(v: number, what: string, arg: string, allowZero = false): number {
  if (typeof v !== 'number' || !(allowZero ? v >= 0 : v > 0) || v > 1) throw new Error(`${what}: ${arg} must be in ${allowZero ? '[0' : '(0'}, 1], got ${shown(v)}`);
  return v;
}

/** One value per param group: a number for all, or a list of one per group. */
export function perGroup(v: number | readonly number[], groups: number, what: string, arg: string): number[] {
  if (typeof v === 'number') return Array<number>(groups).fill(v);
  if (!Array.isArray(v) || v.length !== groups || !v.every((x) => typeof x === 'number')) {
    throw new Error(`${what}: ${arg} must be a number or one number per param group (${groups}), got ${shown(v)}`);
  }
  return [...v];
}
