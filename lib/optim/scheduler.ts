// Learning-rate schedules: each step() advances one epoch and writes the optimizer's lr.
import { Optimizer } from './optimizer';

abstract class LRScheduler {
  /** Epochs stepped so far. */
  lastEpoch = 0;
  protected readonly baseLr: number;
  constructor(protected readonly optimizer: Optimizer) {
    if (!(optimizer instanceof Optimizer)) throw new Error(`${new.target.name}: optimizer must be an optimizer such as new optim.SGD(model.parameters(), { lr: 0.1 })`);
    this.baseLr = optimizer.lr;
  }
  protected abstract lrAt(epoch: number): number;
  /** Advances one epoch and sets the optimizer's learning rate. */
  step(): void {
    this.lastEpoch++;
    this.optimizer.lr = this.lrAt(this.lastEpoch);
  }
  /** The learning rate in force now. */
  getLastLr(): number {
    return this.optimizer.lr;
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
  protected lrAt(e: number): number {
    return this.baseLr * Math.pow(this.opts.gamma ?? 0.1, Math.floor(e / this.opts.stepSize));
  }
}

/** Multiplies the lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Optimizer, private readonly opts: { gamma: number }) {
    super(optimizer);
    positive(opts?.gamma, 'ExponentialLR', 'gamma');
  }
  protected lrAt(e: number): number {
    return this.baseLr * Math.pow(this.opts.gamma, e);
  }
}

/** Cosine from the base lr down to etaMin over tMax epochs. */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Optimizer, private readonly opts: { tMax: number; etaMin?: number }) {
    super(optimizer);
    positive(opts?.tMax, 'CosineAnnealingLR', 'tMax');
  }
  protected lrAt(e: number): number {
    const etaMin = this.opts.etaMin ?? 0;
    return etaMin + ((this.baseLr - etaMin) * (1 + Math.cos((Math.PI * e) / this.opts.tMax))) / 2;
  }
}
