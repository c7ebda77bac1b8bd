// torch.distributions' Dirichlet (probability vectors along the last dim) and Beta (a Dirichlet over
// two, as torch builds it), with torch 1.13's formulas. Draws are normalized Gamma draws, whose
// gradient reaches the concentrations implicitly (gamma_draws.ts).
import { Tensor } from '../tensor';
import { add, div, mul, pow, sub } from '../ops/binary';
import { log } from '../ops/unary';
import { lgamma, digamma } from '../ops/special';
import { sum } from '../ops/reduce';
import { stack } from '../ops/join';
import { expand, reshape, unsqueeze } from '../ops/shape';
import { clamp } from '../ops/compare';
import { all, lt, where } from '../ops/more';
import { oneHot } from '../ops/scatter';
import { tensor } from '../ops/creation';
import { select } from '../ops/index_ops';
import { fmt } from '../shape';
import { checkTensor } from '../ops/core';
import { broadcastAll, checkEach, Distribution, DistributionOptions, Param } from './distribution';
import { standardGammaDraws } from './gamma_draws';

/** The Dirichlet distribution over probability vectors of the last dim (torch.distributions.Dirichlet). */
export class Dirichlet extends Distribution {
  /** The concentrations [..., K] (positive). */
  readonly concentration: Tensor;
  readonly hasRsample = true;
  /**
   * @param concentration the concentrations [..., K], positive
   * @param options validateArgs
   */
  constructor(concentration: Tensor, options?: DistributionOptions) {
    checkTensor(concentration, 'Dirichlet concentration');
    if (concentration.ndim < 1) throw new Error(`Dirichlet: concentration must be at least one-dimensional, got shape ${fmt(concentration.shape)}`);
    super(concentration.shape.slice(0, -1), concentration.shape.slice(-1), options);
    if (this.validateArgs) checkEach(concentration, (v) => v > 0, 'Dirichlet', 'concentration', 'positive');
    this.concentration = concentration;
  }
  get mean(): Tensor { return div(this.concentration, sum(this.concentration, -1, true)); }
  /**
   * The most likely vector: (c - 1)+ normalized; where every concentration is below 1 (the density
   * unbounded at the corners) the first corner, as torch's one_hot of that NaN row's argmax gives.
   */
  override get mode(): Tensor {
    const cm1 = clamp(sub(this.concentration, 1), 0);
    const mode = div(cm1, sum(cm1, -1, true));
    const k = this.eventShape[0];
    const corner = reshape(oneHot(tensor(0), k), [k]);
    return where(unsqueeze(all(lt(this.concentration, 1), -1), -1), corner, mode);
  }
  get variance(): Tensor {
    const c0 = sum(this.concentration, -1, true);
    return div(mul(this.concentration, sub(c0, this.concentration)), mul(pow(c0, 2), add(c0, 1)));
  }
  /** Standard Gamma draws normalized along the last dim; the gradient reaches the concentrations through them (gamma_draws.ts). */
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const z = standardGammaDraws(expand(this.concentration, this.extendedShape(sampleShape)));
    return div(z, sum(z, -1, true));
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => x >= 0 && x <= 1, 'probability vectors');
    if (this.validateArgs) {
      const k = this.eventShape[0];
      for (let r = 0; r < v.size; r += k) {
        let total = 0;
        for (let j = 0; j < k; j++) total += v.data[r + j];
        if (Math.abs(total - 1) > 1e-6) throw new Error(`Dirichlet.logProb: value must be within the support (probability vectors summing to 1), got a vector summing to ${total}`);
      }
    }
    const c = this.concentration;
    return sub(add(sum(mul(log(v), sub(c, 1)), -1), lgamma(sum(c, -1))), sum(lgamma(c), -1));
  }
  entropy(): Tensor {
    const c = this.concentration;
    const k = this.eventShape[0];
    const a0 = sum(c, -1);
    return sub(sub(sub(sum(lgamma(c), -1), lgamma(a0)), mul(sub(k, a0), digamma(a0))), sum(mul(sub(c, 1), digamma(c)), -1));
  }
}

/** The Beta distribution on [0, 1] (torch.distributions.Beta): a Dirichlet over [x, 1 - x]. */
export class Beta extends Distribution {
  /** The concentration of x (alpha). */
  readonly concentration1: Tensor;
  /** The concentration of 1 - x (beta). */
  readonly concentration0: Tensor;
  readonly hasRsample = true;
  private readonly dirichlet: Dirichlet;
  /**
   * @param concentration1 alpha, positive
   * @param concentration0 beta, positive
   * @param options validateArgs
   */
  constructor(concentration1: Param, concentration0: Param, options?: DistributionOptions) {
    const { shape, values: [c1, c0] } = broadcastAll('Beta', { concentration1, concentration0 });
    super(shape, [], options);
    this.dirichlet = new Dirichlet(stack([c1, c0], -1), options);
    this.concentration1 = c1;
    this.concentration0 = c0;
  }
  get mean(): Tensor { return div(this.concentration1, add(this.concentration1, this.concentration0)); }
  /** The most likely value: the first coordinate of the Dirichlet's mode over [x, 1 - x]. */
  override get mode(): Tensor { return select(this.dirichlet.mode, -1, 0); }
  get variance(): Tensor {
    const total = add(this.concentration1, this.concentration0);
    return div(mul(this.concentration1, this.concentration0), mul(pow(total, 2), add(total, 1)));
  }
  /** The first entry of a Dirichlet draw over [alpha, beta], the gradient through it. */
  override rsample(sampleShape: readonly number[] = []): Tensor {
    return select(this.dirichlet.rsample(sampleShape), -1, 0);
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => x >= 0 && x <= 1, 'numbers in [0, 1]');
    return this.dirichlet.logProb(stack([v, sub(1, v)], -1));
  }
  entropy(): Tensor { return this.dirichlet.entropy(); }
}
