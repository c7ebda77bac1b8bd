// Adam (L2 weight decay added to the gradient) and AdamW (decoupled decay), with amsgrad.
import { checkNonNegative, checkUnitInterval, GroupSpec, Optimizer, OptimizerParams } from './optimizer';
import { OptionKinds, optionsOf } from '../args';

/** Options of Adam and AdamW. */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moment averages (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** Adam: L2 penalty added to the gradient (default 0); AdamW: decoupled decay (default 0.01). */
  weightDecay?: number;
  /** Use the maximum of past second moments (default false). */
  amsgrad?: boolean;
  /** Maximize the objective: step along the gradient, not against it (default false), as torch's maximize. */
  maximize?: boolean;
}

const ADAM_OPTIONS: OptionKinds<AdamOptions> = { lr: 'value', betas: 'value', eps: 'value', weightDecay: 'value', amsgrad: 'boolean', maximize: 'boolean' };

/** The pair of moment decay rates (default [0.9, 0.999]), each in [0, 1), or an error naming `what`. */
export function betasOf(given: unknown, what: string): [number, number] {
  const betas = given ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2) throw new Error(`${what}: betas must be a pair [beta1, beta2], got ${Array.isArray(betas) ? `${betas.length} values` : String(betas)}`);
  return [checkUnitInterval(betas[0], what, 'beta parameter at index 0'), checkUnitInterval(betas[1], what, 'beta parameter at index 1')];
}

function adamGroup(o: AdamOptions, what: string, decoupled: boolean, defaultDecay: number): GroupSpec {
  optionsOf(o, what, ADAM_OPTIONS); // the constructor's options with a param group's over them
  const [beta1, beta2] = betasOf(o.betas, what);
  const amsgrad = o.amsgrad ?? false;
  return {
    hyper: {
      kind: 1, lr: o.lr ?? 1e-3, beta1, beta2, eps: checkNonNegative(o.eps ?? 1e-8, what, 'epsilon value eps'),
      weightDecay: o.weightDecay ?? defaultDecay, amsgrad, decoupled, maximize: o.maximize ?? false,
    },
    buffers: () => ({ count: amsgrad ? 3 : 2, init: 0 }),
  };
}

/**
 * Adam (lr 1e-3, betas [0.9, 0.999], eps 1e-8; L2 weight decay added to the gradient; amsgrad), as
 * torch.optim.Adam. `params` may be param groups: `[{ params, lr }, ...]`.
 */
export class Adam extends Optimizer {
  constructor(params: OptimizerParams<AdamOptions>, options?: AdamOptions) {
    const o = optionsOf(options, 'Adam');
    super(params, (g) => adamGroup({ ...o, ...g }, 'Adam', false, 0), 'Adam');
  }
}

/** Adam with decoupled weight decay (default 0.01), as torch.optim.AdamW; `params` may be param groups. */
export class AdamW extends Optimizer {
  constructor(params: OptimizerParams<AdamOptions>, options?: AdamOptions) {
    const o = optionsOf(options, 'AdamW');
    super(params, (g) => adamGroup({ ...o, ...g }, 'AdamW', true, 0.01), 'AdamW');
  }
}
