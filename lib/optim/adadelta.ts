// Adadelta and Rprop, as torch.optim 1.13 defines them: step sizes from running averages of the
// squared gradients and updates (Adadelta), or from the gradient's sign alone (Rprop). Each runs in
// the fused kernel (kinds 7 and 8).
import { checkNonNegative, Optimizer, OptimizerParams } from './optimizer';
import { OptionKinds, optionsOf, shown } from '../args';
import { OptimKind } from '../backend/backend';

/** Options of Adadelta. */
export interface AdadeltaOptions {
  /** Factor of the update (default 1). */
  lr?: number;
  /** Smoothing constant of the running averages (default 0.9). */
  rho?: number;
  /** Added inside the square roots (default 1e-6). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Maximize the objective: step along the gradient (default false), as torch's maximize. */
  maximize?: boolean;
}

const ADADELTA_OPTIONS: OptionKinds<AdadeltaOptions> = { lr: 'value', rho: 'value', eps: 'value', weightDecay: 'value', maximize: 'boolean' };

/** Adadelta (lr 1, rho 0.9, eps 1e-6, weight decay), as torch.optim.Adadelta; `params` may be param groups. */
export class Adadelta extends Optimizer {
  constructor(params: OptimizerParams<AdadeltaOptions>, options?: AdadeltaOptions) {
    const given = optionsOf(options, 'Adadelta');
    super(params, (g) => {
      const o: AdadeltaOptions = optionsOf({ ...given, ...g }, 'Adadelta', ADADELTA_OPTIONS);
      const rho = o.rho ?? 0.9;
      if (typeof rho !== 'number' || !(rho >= 0 && rho <= 1)) throw new Error(`Adadelta: invalid rho value: ${shown(rho)} (must be in [0, 1])`);
      return {
        hyper: {
          kind: OptimKind.adadelta, lr: o.lr ?? 1, rho, eps: checkNonNegative(o.eps ?? 1e-6, 'Adadelta', 'epsilon value eps'),
          weightDecay: checkNonNegative(o.weightDecay ?? 0, 'Adadelta', 'weight_decay value'), maximize: o.maximize ?? false,
        },
        buffers: () => ({ count: 2, init: 0 }), // square_avg, acc_delta
      };
    }, 'Adadelta');
  }
}

/** Options of Rprop. */
export interface RpropOptions {
  /** Each step size's starting value (default 1e-2; later changes of lr do not reach the step sizes, as in torch). */
  lr?: number;
  /** The factors that shrink and grow the step sizes, 0 < etaminus < 1 < etaplus (default [0.5, 1.2]). */
  etas?: [number, number];
  /** The smallest and largest step size (default [1e-6, 50]). */
  stepSizes?: [number, number];
  /** Maximize the objective: step along the gradient (default false), as torch's maximize. */
  maximize?: boolean;
}

const RPROP_OPTIONS: OptionKinds<RpropOptions> = { lr: 'value', etas: 'value', stepSizes: 'value', maximize: 'boolean' };

function pairOf(v: unknown, name: string, fallback: [number, number]): [number, number] {
  const pair = v ?? fallback;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((x) => typeof x === 'number')) throw new Error(`Rprop: ${name} must be a pair of numbers, got ${shown(v)}`);
  return [pair[0], pair[1]];
}

/**
 * Rprop (lr 1e-2 as every step size's start, etas [0.5, 1.2], step sizes in [1e-6, 50]), as
 * torch.optim.Rprop; `params` may be param groups.
 */
export class Rprop extends Optimizer {
  constructor(params: OptimizerParams<RpropOptions>, options?: RpropOptions) {
    const given = optionsOf(options, 'Rprop');
    super(params, (g) => {
      const o: RpropOptions = optionsOf({ ...given, ...g }, 'Rprop', RPROP_OPTIONS);
      const [etaMinus, etaPlus] = pairOf(o.etas, 'etas', [0.5, 1.2]);
      if (!(etaMinus > 0 && etaMinus < 1 && etaPlus > 1)) throw new Error(`Rprop: invalid eta values: ${etaMinus}, ${etaPlus} (must be 0 < etaminus < 1 < etaplus)`);
      const [stepSizeMin, stepSizeMax] = pairOf(o.stepSizes, 'stepSizes', [1e-6, 50]);
      if (!(stepSizeMin >= 0 && stepSizeMax >= stepSizeMin)) throw new Error(`Rprop: invalid step sizes: ${stepSizeMin}, ${stepSizeMax} (must be 0 <= min <= max)`);
      const lr = checkNonNegative(o.lr ?? 1e-2, 'Rprop', 'learning rate lr');
      return {
        hyper: { kind: OptimKind.rprop, lr, etaMinus, etaPlus, stepSizeMin, stepSizeMax, maximize: o.maximize ?? false },
        // prev at 0; each step size at the group's lr when the parameter's state is made.
        buffers: (h) => ({ count: 2, init: [0, h.lr] }),
      };
    }, 'Rprop');
  }
}
