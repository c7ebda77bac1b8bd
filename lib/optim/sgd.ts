// SGD with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD).
import { Tensor } from '../tensor';
import { checkNonNegative, Optimizer } from './optimizer';

/** Options of SGD. */
export interface SGDOptions {
  /** Learning rate (required, as in torch.optim.SGD). */
  lr: number;
  /** Momentum factor (default 0): the buffer b = momentum * b + (1 - dampening) * g. */
  momentum?: number;
  /** Dampening of the gradient in the momentum buffer (default 0). */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and no dampening). */
  nesterov?: boolean;
}

/** Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay, as torch.optim.SGD (lr required). */
export class SGD extends Optimizer {
  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    if (!options || options.lr === undefined) throw new Error('SGD: options.lr is required');
    const momentum = checkNonNegative(options.momentum ?? 0, 'SGD', 'momentum');
    const dampening = options.dampening ?? 0;
    const nesterov = options.nesterov ?? false;
    if (nesterov && (momentum <= 0 || dampening !== 0)) throw new Error('SGD: nesterov momentum requires a momentum > 0 and zero dampening');
    super(params, { kind: 0, lr: options.lr, momentum, dampening, nesterov, weightDecay: options.weightDecay ?? 0 }, 'SGD');
  }

  protected stateBuffers(): { count: number; init: number } {
    return { count: this.hyper.momentum !== 0 ? 1 : 0, init: 0 };
  }
}
