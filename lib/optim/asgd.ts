// ASGD (averaged stochastic gradient descent), as torch.optim 1.13 defines it: each step shrinks the
// parameter by 1 - lambd eta, steps it by eta = lr / (1 + lambd lr t)^alpha, and folds it into a running
// average ax (one state buffer) with weight mu = 1 / max(1, t - t0). The step size and weight follow
// from the step count (optim_types.h asgd_eta, asgd_mu), so the fused kernel (kind 9) and fit's native
// loop make them as torch's state does.
import { checkNonNegative, Optimizer, OptimizerParams } from './optimizer';
import { checkFinite, OptionKinds, optionsOf } from '../args';
import { OptimKind } from '../backend/backend';

/** Options of ASGD. */
export interface ASGDOptions {
  /** Learning rate (default 1e-2); the step size starts at it and decays. */
  lr?: number;
  /** The decay term (default 1e-4). */
  lambd?: number;
  /** The power of the step size's decay (default 0.75). */
  alpha?: number;
  /** The step after which the average starts (default 1e6); before it, ax is the parameter itself. */
  t0?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Maximize the objective: step along the gradient (default false), as torch's maximize. */
  maximize?: boolean;
}

const ASGD_OPTIONS: OptionKinds<ASGDOptions> = { lr: 'value', lambd: 'value', alpha: 'value', t0: 'value', weightDecay: 'value', maximize: 'boolean' };

/**
 * ASGD (lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6), as torch.optim.ASGD; `params` may be param groups.
 * The averaged parameters are each parameter's state buffer (stateDict's buffers[0], torch's ax).
 * torch makes each step's size at the end of the step before, from the lr then: a scheduler's new lr
 * reaches its step size one step later than it reaches this one's.
 */
export class ASGD extends Optimizer {
  constructor(params: OptimizerParams<ASGDOptions>, options?: ASGDOptions) {
    const given = optionsOf(options, 'ASGD');
    super(params, (g) => {
      const o: ASGDOptions = optionsOf({ ...given, ...g }, 'ASGD', ASGD_OPTIONS);
      return {
        hyper: {
          kind: OptimKind.asgd, lr: o.lr ?? 1e-2, lambd: checkNonNegative(o.lambd ?? 1e-4, 'ASGD', 'lambd value'),
          power: checkFinite(o.alpha ?? 0.75, 'ASGD', 'alpha'), t0: checkFinite(o.t0 ?? 1e6, 'ASGD', 't0'),
          weightDecay: checkNonNegative(o.weightDecay ?? 0, 'ASGD', 'weight_decay value'), maximize: o.maximize ?? false,
        },
        buffers: () => ({ count: 1, init: 0 }), // ax
      };
    }, 'ASGD');
  }
}
