// SGD with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD).
import { checkNonNegative, GroupSpec, Optimizer, OptimizerParams } from './optimizer';
import { OptionKinds, optionsOf } from '../args';

/** Options of SGD. */
export interface SGDOptions {
  /** Learning rate (required, as in torch.optim.SGD: here or in every param group). */
  lr?: number;
  /** Momentum factor (default 0): the buffer b = momentum * b + (1 - dampening) * g. */
  momentum?: number;
  /** Dampening of the gradient in the momentum buffer (default 0). */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and no dampening). */
  nesterov?: boolean;
  /** Maximize the objective: step along the gradient, not against it (default false), as torch's maximize. */
  maximize?: boolean;
}

const SGD_OPTIONS: OptionKinds<SGDOptions> = { lr: 'value', momentum: 'value', dampening: 'value', weightDecay: 'value', nesterov: 'boolean', maximize: 'boolean' };

function sgdGroup(o: SGDOptions): GroupSpec {
  optionsOf(o, 'SGD', SGD_OPTIONS); // the constructor's options with a param group's over them
  if (o.lr === undefined) throw new Error('SGD: options.lr is required (or an lr in every param group)');
  const momentum = checkNonNegative(o.momentum ?? 0, 'SGD', 'momentum');
  const dampening = o.dampening ?? 0;
  const nesterov = o.nesterov ?? false;
  if (nesterov && (momentum <= 0 || dampening !== 0)) throw new Error('SGD: nesterov momentum requires a momentum > 0 and zero dampening');
  return {
    hyper: { kind: 0, lr: o.lr, momentum, dampening, nesterov, weightDecay: o.weightDecay ?? 0, maximize: o.maximize ?? false },
    buffers: (h) => ({ count: h.momentum !== 0 ? 1 : 0, init: 0 }),
  };
}

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay, as
 * torch.optim.SGD (lr required). `params` may be param groups: `[{ params, lr }, ...]`.
 */
export class SGD extends Optimizer {
  constructor(params: OptimizerParams<SGDOptions>, options: SGDOptions) {
    if (options === null || typeof options !== 'object') throw new Error('SGD: options.lr is required');
    super(params, (g) => sgdGroup({ ...options, ...g }), 'SGD');
  }
}
