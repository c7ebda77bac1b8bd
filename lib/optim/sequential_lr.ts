// SequentialLR (torch.optim.lr_scheduler.SequentialLR): one schedule after another, handing over at
// milestone epochs (a linear warm-up, then cosine annealing, say).
import { Optimizer } from './optimizer';
import { LRScheduler } from './lr_base';
import { shown } from '../args';

/** Runs schedulers[i] from milestones[i - 1] on, as torch's SequentialLR. */
export class SequentialLR {
  /** Epochs stepped so far. */
  lastEpoch = 0;
  private readonly schedulers: LRScheduler[];
  private readonly milestones: number[];

  constructor(private readonly optimizer: Optimizer, opts: { schedulers: readonly LRScheduler[]; milestones: readonly number[] }) {
    if (!(optimizer instanceof Optimizer)) throw new Error('SequentialLR: optimizer must be an optimizer such as new optim.SGD(model.parameters(), { lr: 0.1 })');
    const { schedulers, milestones } = opts ?? {};
    if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
      throw new Error('SequentialLR: schedulers must be a non-empty array of schedulers (StepLR, LinearLR...)');
    }
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new Error(`SequentialLR: expected ${schedulers.length - 1} milestones (one fewer than the schedulers), got ${shown(milestones)}`);
    }
    schedulers.forEach((s, i) => {
      if (s.optimizerOf() !== optimizer) throw new Error(`SequentialLR: scheduler ${i} steps another optimizer`);
    });
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    // As torch: back to the base lrs, then the first schedule's epoch 0 (the others' constructors
    // took theirs already; a milestone restarts each one at its own epoch 0).
    for (const g of optimizer.paramGroups) g.lr = g.initialLr ?? g.lr;
    this.schedulers[0].restart();
  }

  /** Advances one epoch: the schedule in force steps, or starts at its milestone. */
  step(): void {
    this.lastEpoch++;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx] <= this.lastEpoch) idx++;
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.restart();
    else s.step();
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
