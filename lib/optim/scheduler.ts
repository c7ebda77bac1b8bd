// Learning-rate schedules: each step() advances one epoch and writes the optimizer's lr. As in
// PyTorch, each step scales the lr in force (its "chainable" form), so an lr set by hand between
// steps, or by another scheduler on the same optimizer, is carried on rather than overwritten.
import { Optimizer } from './optimizer';

abstract class LRScheduler {
  /** Epochs stepped so far. */
  lastEpoch = 0;
  // Each param group's lr when the scheduler was made.
  protected readonly baseLrs: number[];
  constructor(protected readonly optimizer: Optimizer) {
    if (!(optimizer instanceof Optimizer)) throw new Error(`${new.target.name}: optimizer must be an optimizer such as new optim.SGD(model.parameters(), { lr: 0.1 })`);
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }
  /** The lr for `epoch`, from the lr in force at the end of the epoch before and the group's base lr. */
  protected abstract nextLr(lr: number, epoch: number, baseLr: number): number;
  /** Advances one epoch and sets the learning rate of each param group. */
  step(): void {
    this.lastEpoch++;
    this.optimizer.paramGroups.forEach((g, i) => { g.lr = this.nextLr(g.lr, this.lastEpoch, this.baseLrs[i]); });
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

function positive(v: number | undefined, what: string, arg: string): number {
  if (v === undefined || !(v > 0)) throw new Error(`${what}: ${arg} must be positive, got ${v}`);
  return v;
}

/** Multiplies the lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  constructor(optimizer: Optimizer, private readonly opts: { stepSize: number; gamma?: number }) {
    super(optimizer);
    positive(opts?.stepSize, 'StepLR', 'stepSize');
  }
  protected nextLr(lr: number, e: number): number {
    return e % this.opts.stepSize === 0 ? lr * (this.opts.gamma ?? 0.1) : lr;
  }
}

/** Multiplies the lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Optimizer, private readonly opts: { gamma: number }) {
    super(optimizer);
    positive(opts?.gamma, 'ExponentialLR', 'gamma');
  }
  protected nextLr(lr: number): number {
    return lr * this.opts.gamma;
  }
}

/** Cosine from the base lr down to etaMin over tMax epochs. */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Optimizer, private readonly opts: { tMax: number; etaMin?: number }) {
    super(optimizer);
    positive(opts?.tMax, 'CosineAnnealingLR', 'tMax');
  }
  protected nextLr(lr: number, e: number, baseLr: number): number {
    const etaMin = this.opts.etaMin ?? 0;
    const t = this.opts.tMax;
    // torch.optim.lr_scheduler.CosineAnnealingLR.get_lr: the ratio of consecutive cosine terms, and at
    // the start of each rising half period (past tMax) a step up from etaMin's side.
    if ((e - 1 - t) % (2 * t) === 0) return lr + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / t))) / 2;
    return ((1 + Math.cos((Math.PI * e) / t)) / (1 + Math.cos((Math.PI * (e - 1)) / t))) * (lr - etaMin) + etaMin;
  }
}
