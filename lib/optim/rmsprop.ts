// RMSprop (alpha, momentum, centered) and Adagrad (lr decay, initial accumulator), as torch.optim.
import { Tensor } from '../tensor';
import { checkNonNegative, Optimizer } from './optimizer';

/** Options of RMSprop. */
export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Normalize by the estimated variance of the gradient (default false). */
  centered?: boolean;
}

/** RMSprop (lr 1e-2, alpha 0.99, eps 1e-8; momentum, centered, weight decay), as torch.optim.RMSprop. */
export class RMSprop extends Optimizer {
  constructor(params: Iterable<Tensor>, o: RMSpropOptions = {}) {
    super(params, {
      kind: 2, lr: o.lr ?? 1e-2, alpha: checkNonNegative(o.alpha ?? 0.99, 'RMSprop', 'alpha'),
      eps: checkNonNegative(o.eps ?? 1e-8, 'RMSprop', 'epsilon value eps'), weightDecay: o.weightDecay ?? 0,
      momentum: checkNonNegative(o.momentum ?? 0, 'RMSprop', 'momentum'), centered: o.centered ?? false,
    }, 'RMSprop');
  }
  protected stateBuffers(): { count: number; init: number } {
    // square_avg, momentum_buffer, grad_avg
    return { count: 3, init: 0 };
  }
}

/** Options of Adagrad. */
export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Learning-rate decay: step t uses lr / (1 + (t - 1) * lrDecay) (default 0). */
  lrDecay?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Starting value of the squared-gradient sums (default 0). */
  initialAccumulatorValue?: number;
  /** Added to the denominator (default 1e-10). */
  eps?: number;
}

/** Adagrad (lr 1e-2, lrDecay, weight decay, initial accumulator value, eps 1e-10), as torch.optim.Adagrad. */
export class Adagrad extends Optimizer {
  private readonly initialAccumulatorValue: number;
  constructor(params: Iterable<Tensor>, o: AdagradOptions = {}) {
    super(params, {
      kind: 3, lr: o.lr ?? 1e-2, lrDecay: checkNonNegative(o.lrDecay ?? 0, 'Adagrad', 'lrDecay'),
      weightDecay: o.weightDecay ?? 0, eps: checkNonNegative(o.eps ?? 1e-10, 'Adagrad', 'epsilon value eps'),
    }, 'Adagrad');
    this.initialAccumulatorValue = checkNonNegative(o.initialAccumulatorValue ?? 0, 'Adagrad', 'initialAccumulatorValue');
  }
  protected stateBuffers(): { count: number; init: number } {
    return { count: 1, init: this.initialAccumulatorValue };
  }
}
