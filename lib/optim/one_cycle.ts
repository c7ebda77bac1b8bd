// OneCycleLR (torch.optim.lr_scheduler.OneCycleLR): stepped once per batch, the lr rises from
// maxLr / divFactor to maxLr and anneals to maxLr / divFactor / finalDivFactor, while the momentum
// (SGD and RMSprop's momentum, Adam's beta1) moves the opposite way between maxMomentum and baseMomentum.
import { Optimizer } from './optimizer';
import { LRScheduler, perGroup, positive } from './lr_base';
import { optionsOf, shown } from '../args';

/** Options of OneCycleLR (torch's names and defaults). */
export interface OneCycleOptions {
  /** The peak lr: one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  /** Epochs of training (with stepsPerEpoch, instead of totalSteps). */
  epochs?: number;
  /** Batches per epoch (with epochs). */
  stepsPerEpoch?: number;
  /** Share of the cycle spent raising the lr (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear' annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Move the momentum opposite to the lr (default true). */
  cycleMomentum?: boolean;
  /** The momentum at the peak lr (default 0.85): one, or one per group. */
  baseMomentum?: number | readonly number[];
  /** The momentum at the ends of the cycle (default 0.95): one, or one per group. */
  maxMomentum?: number | readonly number[];
  /** The starting lr is maxLr / divFactor (default 25). */
  divFactor?: number;
  /** The final lr is the starting lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, down to the start, then to the final lr) instead of two (default false). */
  threePhase?: boolean;
}

interface Phase {
  end: number;
  lr: [keyof GroupEnds, keyof GroupEnds];
  momentum: [keyof GroupEnds, keyof GroupEnds];
}

interface GroupEnds {
  initial: number;
  max: number;
  min: number;
  maxMomentum: number;
  baseMomentum: number;
}

/** The one-cycle policy (Smith and Topin), stepped after every batch, as torch's OneCycleLR. */
export class OneCycleLR extends LRScheduler {
  /** Steps in the cycle. */
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly ends: GroupEnds[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly usesBeta1: boolean;
  private readonly cycleMomentum: boolean;

  constructor(optimizer: Optimizer, o: OneCycleOptions) {
    super(optimizer);
    if (!o || typeof o !== 'object') throw new Error('OneCycleLR: options with maxLr are required');
    optionsOf(o, 'OneCycleLR', {
      maxLr: 'value', totalSteps: 'value', epochs: 'value', stepsPerEpoch: 'value', pctStart: 'value', annealStrategy: 'value',
      cycleMomentum: 'boolean', baseMomentum: 'value', maxMomentum: 'value', divFactor: 'value', finalDivFactor: 'value', threePhase: 'boolean',
    });
    const groups = optimizer.paramGroups;
    if (o.totalSteps !== undefined) this.totalSteps = positive(o.totalSteps, 'OneCycleLR', 'totalSteps');
    else if (o.epochs !== undefined && o.stepsPerEpoch !== undefined) {
      this.totalSteps = positive(o.epochs, 'OneCycleLR', 'epochs') * positive(o.stepsPerEpoch, 'OneCycleLR', 'stepsPerEpoch');
    } else throw new Error('OneCycleLR: give totalSteps, or epochs and stepsPerEpoch');
    const pct = o.pctStart ?? 0.3;
    if (typeof pct !== 'number' || !(pct >= 0 && pct <= 1)) throw new Error(`OneCycleLR: pctStart must be in [0, 1], got ${shown(pct)}`);
    const strategy = o.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') throw new Error(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${shown(strategy)}`);
    this.anneal = strategy === 'cos'
      ? (start, end, p) => end + ((start - end) / 2) * (Math.cos(Math.PI * p) + 1)
      : (start, end, p) => (end - start) * p + start;
    const total = this.totalSteps;
    this.phases = o.threePhase
      ? [
        { end: pct * total - 1, lr: ['initial', 'max'], momentum: ['maxMomentum', 'baseMomentum'] },
        { end: 2 * pct * total - 2, lr: ['max', 'initial'], momentum: ['baseMomentum', 'maxMomentum'] },
        { end: total - 1, lr: ['initial', 'min'], momentum: ['maxMomentum', 'maxMomentum'] },
      ]
      : [
        { end: pct * total - 1, lr: ['initial', 'max'], momentum: ['maxMomentum', 'baseMomentum'] },
        { end: total - 1, lr: ['max', 'min'], momentum: ['baseMomentum', 'maxMomentum'] },
      ];
    const div = positive(o.divFactor ?? 25, 'OneCycleLR', 'divFactor');
    const finalDiv = positive(o.finalDivFactor ?? 1e4, 'OneCycleLR', 'finalDivFactor');
    const maxLrs = perGroup(o.maxLr, groups.length, 'OneCycleLR', 'maxLr');
    const maxMomenta = perGroup(o.maxMomentum ?? 0.95, groups.length, 'OneCycleLR', 'maxMomentum');
    const baseMomenta = perGroup(o.baseMomentum ?? 0.85, groups.length, 'OneCycleLR', 'baseMomentum');
    this.ends = maxLrs.map((max, i) => ({ initial: max / div, max, min: max / div / finalDiv, maxMomentum: maxMomenta[i], baseMomentum: baseMomenta[i] }));
    // torch overwrites initial_lr: a scheduler made after this one starts from maxLr / divFactor.
    groups.forEach((g, i) => { g.initialLr = this.ends[i].initial; });
    this.cycleMomentum = o.cycleMomentum ?? true;
    const kind = groups[0].hyper.kind;
    this.usesBeta1 = kind === 1;
    if (this.cycleMomentum && kind === 3) throw new Error('OneCycleLR: Adagrad has no momentum to cycle; pass cycleMomentum: false');
    this.initialStep();
  }

  protected nextLr(_lr: number, step: number, _base: number, group: number): number {
    if (step > this.totalSteps) throw new Error(`OneCycleLR: tried to step ${step} times; totalSteps is ${this.totalSteps}`);
    const e = this.ends[group];
    let start = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const ph = this.phases[i];
      if (step <= ph.end || i === this.phases.length - 1) {
        // At step totalSteps torch extrapolates the last phase one step past its end; where that
        // takes the lr below zero (a linear anneal), which no lr may be, the final values are held.
        let pct = (step - start) / (ph.end - start);
        let lr = this.anneal(e[ph.lr[0]], e[ph.lr[1]], pct);
        if (lr < 0) lr = this.anneal(e[ph.lr[0]], e[ph.lr[1]], (pct = 1));
        if (this.cycleMomentum) {
          const m = this.anneal(e[ph.momentum[0]], e[ph.momentum[1]], pct);
          const h = this.optimizer.paramGroups[group].hyper;
          if (this.usesBeta1) h.beta1 = m;
          else h.momentum = m;
        }
        return lr;
      }
      start = ph.end;
    }
    throw new Error('OneCycleLR: no phase'); // unreachable: the last phase takes every step
  }

  protected override restartLr(_lr: number, _base: number, group: number): number {
    return this.nextLr(0, 0, 0, group);
  }
}
