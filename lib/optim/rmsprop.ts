// RMSprop (alpha, momentum, centered) and Adagrad (lr decay, initial accumulator), as torch.optim.
import { checkNonNegative, Optimizer, OptimizerParams } from './optimizer';
import { OptionKinds, optionsOf } from '../args';

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
  /** Maximize the objective: step along the gradient, not against it (default false), as torch's maximize. */
  maximize?: boolean;
}

const RMSPROP_OPTIONS: OptionKinds<RMSpropOptions> = { lr: 'value', alpha: 'value', eps: 'value', weightDecay: 'value', momentum: 'value', centered: 'boolean', maximize: 'boolean' };
const ADAGRAD_OPTIONS: OptionKinds<AdagradOptions> = { lr: 'value', lrDecay: 'value', weightDecay: 'value', initialAccumulatorValue: 'value', eps: 'value', maximize: 'boolean' };

/**
 * RMSprop (lr 1e-2, alpha 0.99, eps 1e-8; momentum, centered, weight decay), as
 * torch.optim.RMSprop; `params` may be param groups.
 */
export class RMSprop extends Optimizer {
  constructor(params: OptimizerParams<RMSpropOptions>, options?: RMSpropOptions) {
    const given = optionsOf(options, 'RMSprop');
    super(params, (g) => {
      const o: RMSpropOptions = optionsOf({ ...given, ...g }, 'RMSprop', RMSPROP_OPTIONS);
      return {
        hyper: {
          kind: 2, lr: o.lr ?? 1e-2, alpha: checkNonNegative(o.alpha ?? 0.99, 'RMSprop', 'alpha'),
          eps: checkNonNegative(o.eps ?? 1e-8, 'RMSprop', 'epsilon value eps'), weightDecay: o.weightDecay ?? 0,
          momentum: checkNonNegative(o.momentum ?? 0, 'RMSprop', 'momentum'), centered: o.centered ?? false, maximize: o.maximize ?? false,
        },
        buffers: () => ({ count: 3, init: 0 }), // square_avg, momentum_buffer, grad_avg
      };
    }, 'RMSprop');
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
  /** Starting value of the squared-gradient sums (default 0; as in torch, only the constructor's applies, to every group). */
  initialAccumulatorValue?: number;
  /** Added to the denominator (default 1e-10). */
  eps?: number;
  /** Maximize the objective: step along the gradient, not against it (default false), as torch's maximize. */
  maximize?: boolean;
}

/**
 * Adagrad (lr 1e-2, lrDecay, weight decay, initial accumulator value, eps 1e-10), as
 * torch.optim.Adagrad; `params` may be param groups.
 */
export class Adagrad extends Optimizer {
  constructor(params: OptimizerParams<AdagradOptions>, options?: AdagradOptions) {
    const given = optionsOf(options, 'Adagrad');
    // The constructor's value for every group, as torch.optim.Adagrad fills its sums (a group's own is ignored).
    const init = checkNonNegative(given.initialAccumulatorValue ?? 0, 'Adagrad', 'initialAccumulatorValue');
    super(params, (g) => {
      const o: AdagradOptions = optionsOf({ ...given, ...g }, 'Adagrad', ADAGRAD_OPTIONS);
      return {
        hyper: {
          kind: 3, lr: o.lr ?? 1e-2, lrDecay: checkNonNegative(o.lrDecay ?? 0, 'Adagrad', 'lrDecay'),
          weightDecay: o.weightDecay ?? 0, eps: checkNonNegative(o.eps ?? 1e-10, 'Adagrad', 'epsilon value eps'), maximize: o.maximize ?? false,
        },
        buffers: () => ({ count: 1, init }),
      };
    }, 'Adagrad');
  }
}
