// Adamax, NAdam and RAdam, as torch.optim 1.13 defines them (its single-tensor code): Adam's two
// moments with another denominator (Adamax: an exponentially weighted infinity norm), Nesterov
// momentum (NAdam) or a rectified variance (RAdam). Each runs in the fused kernel (kinds 4-6).
import { checkNonNegative, GroupSpec, Optimizer, OptimizerParams } from './optimizer';
import { OptionKinds, optionsOf } from '../args';
import { OptimHyper, OptimKind } from '../backend/backend';
import { betasOf } from './adam';
import { nadamMu } from '../backend/reference/optim';

/** Options of Adamax, NAdam and RAdam. */
export interface AdamVariantOptions {
  /** Learning rate (default 2e-3 for Adamax and NAdam, 1e-3 for RAdam). */
  lr?: number;
  /** Decay rates of the first moment and of the second (or infinity-norm) one (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
}

/** Options of Adamax. */
export interface AdamaxOptions extends AdamVariantOptions {
  /** Maximize the objective: step along the gradient (default false), as torch's maximize. */
  maximize?: boolean;
}

/** Options of NAdam. */
export interface NAdamOptions extends AdamVariantOptions {
  /** How fast the momentum coefficient rises to beta1 (default 4e-3). */
  momentumDecay?: number;
}

const VARIANT_OPTIONS: OptionKinds<AdamVariantOptions> = { lr: 'value', betas: 'value', eps: 'value', weightDecay: 'value' };

/** The hyperparameters Adamax, NAdam and RAdam share, checked as torch checks them. */
function variantHyper(o: AdamVariantOptions, what: string, kind: number, lr: number): GroupSpec['hyper'] {
  const [beta1, beta2] = betasOf(o.betas, what);
  return {
    kind, lr: o.lr ?? lr, beta1, beta2, eps: checkNonNegative(o.eps ?? 1e-8, what, 'epsilon value eps'),
    weightDecay: checkNonNegative(o.weightDecay ?? 0, what, 'weight_decay value'),
  };
}

const twoBuffers = () => ({ count: 2, init: 0 });

/** Adamax (lr 2e-3, betas [0.9, 0.999], eps 1e-8, weight decay), as torch.optim.Adamax; `params` may be param groups. */
export class Adamax extends Optimizer {
  constructor(params: OptimizerParams<AdamaxOptions>, options?: AdamaxOptions) {
    const given = optionsOf(options, 'Adamax');
    super(params, (g) => {
      const o: AdamaxOptions = optionsOf({ ...given, ...g }, 'Adamax', { ...VARIANT_OPTIONS, maximize: 'boolean' });
      return { hyper: { ...variantHyper(o, 'Adamax', OptimKind.adamax, 2e-3), maximize: o.maximize ?? false }, buffers: twoBuffers };
    }, 'Adamax');
  }
}

/**
 * NAdam's product of momentum coefficients through each step, as torch's float32 state holds it:
 * kept per group and rebuilt when beta1 or momentumDecay change (torch would keep the product of
 * the old values; the rebuilt one uses the new values for the earlier steps too).
 */
class MuProducts {
  private key = '';
  private products = [1];

  /** The product over steps 1..step. */
  through(h: OptimHyper, step: number): number {
    const key = `${h.beta1}/${h.momentumDecay}`;
    if (key !== this.key) [this.key, this.products] = [key, [1]];
    for (let t = this.products.length; t <= step; t++) this.products.push(Math.fround(this.products[t - 1] * Math.fround(nadamMu(h, t))));
    return this.products[step];
  }
}

/**
 * NAdam (lr 2e-3, betas [0.9, 0.999], eps 1e-8, weight decay, momentumDecay 4e-3): Adam with
 * Nesterov momentum, as torch.optim.NAdam; `params` may be param groups.
 */
export class NAdam extends Optimizer {
  constructor(params: OptimizerParams<NAdamOptions>, options?: NAdamOptions) {
    const given = optionsOf(options, 'NAdam');
    super(params, (g) => {
      const o: NAdamOptions = optionsOf({ ...given, ...g }, 'NAdam', { ...VARIANT_OPTIONS, momentumDecay: 'value' });
      const products = new MuProducts();
      return {
        hyper: { ...variantHyper(o, 'NAdam', OptimKind.nadam, 2e-3), momentumDecay: checkNonNegative(o.momentumDecay ?? 4e-3, 'NAdam', 'momentum_decay value') },
        buffers: twoBuffers,
        beforeStep: (h) => { h.muProduct = products.through(h, h.step - 1); },
      };
    }, 'NAdam');
  }
}

/** RAdam (lr 1e-3, betas [0.9, 0.999], eps 1e-8, weight decay): Adam with a rectified variance, as torch.optim.RAdam; `params` may be param groups. */
export class RAdam extends Optimizer {
  constructor(params: OptimizerParams<AdamVariantOptions>, options?: AdamVariantOptions) {
    const given = optionsOf(options, 'RAdam');
    super(params, (g) => ({ hyper: variantHyper(optionsOf({ ...given, ...g }, 'RAdam', VARIANT_OPTIONS), 'RAdam', OptimKind.radam, 1e-3), buffers: twoBuffers }), 'RAdam');
  }
}
