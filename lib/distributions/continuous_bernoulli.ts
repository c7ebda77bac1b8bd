// torch.distributions.ContinuousBernoulli: the density on [0, 1] proportional to p^x (1 - p)^(1 - x),
// the likelihood a VAE of [0, 1]-valued pixels should use in place of a Bernoulli's. Near p = 1/2 its
// normalizer is 0/0, so inside `lims` torch's Taylor expansions stand in: torch 1.13's formulas term
// for term.
import { Tensor } from '../tensor';
import { add, div, mul, pow, sub } from '../ops/binary';
import { abs, log, log1p, neg, sigmoid, sqrt } from '../ops/unary';
import { clamp } from '../ops/compare';
import { ge, gt, le, where } from '../ops/more';
import { logicalOr } from '../ops/pointwise_more';
import { rand, tensor } from '../ops/creation';
import { binaryCrossEntropyWithLogits } from '../nn/functional';
import { expand } from '../ops/shape';
import { broadcastShapes } from '../shape';
import { shown } from '../args';
import { noGrad } from '../autograd';
import { broadcastAll, checkEach, clampProbs, Distribution, DistributionOptions, FLOAT32_EPS, Param } from './distribution';
import { oneOf, ProbsOrLogits } from './families';


/** Options of ContinuousBernoulli. */
export interface ContinuousBernoulliOptions extends DistributionOptions {
  /** The probabilities (lo, hi] around 1/2 where the Taylor expansions stand in (default [0.499, 0.501]). */
  lims?: [number, number];
}

/** The continuous Bernoulli distribution on [0, 1] (torch.distributions.ContinuousBernoulli). */
export class ContinuousBernoulli extends Distribution {
  /** The shape parameters, clamped to [eps, 1 - eps]. */
  readonly probs: Tensor;
  /** Their log-odds. */
  readonly logits: Tensor;
  readonly hasRsample = true;
  private readonly lims: [number, number];
  /**
   * @param params probs (in [0, 1]) or logits
   * @param options validateArgs, lims
   */
  constructor(params: ProbsOrLogits, options?: ContinuousBernoulliOptions) {
    const [kind, p] = oneOf(params, 'ContinuousBernoulli');
    const { shape, values: [t] } = broadcastAll('ContinuousBernoulli', { [kind]: p });
    super(shape, [], options);
    const lims = options?.lims ?? [0.499, 0.501];
    if (!Array.isArray(lims) || lims.length !== 2 || !(lims[0] < lims[1])) throw new Error(`ContinuousBernoulli: lims must be two numbers, the first below the second, got ${shown(lims)}`);
    this.lims = [lims[0], lims[1]];
    if (kind === 'probs') {
      if (this.validateArgs) checkEach(t, (v) => v >= 0 && v <= 1, 'ContinuousBernoulli', 'probs', 'in [0, 1]');
      this.probs = clampProbs(t);
      const clamped = clampProbs(this.probs);
      this.logits = sub(log(clamped), log1p(neg(clamped)));
    } else {
      if (this.validateArgs) checkEach(t, (v) => !Number.isNaN(v), 'ContinuousBernoulli', 'logits', 'real numbers');
      this.logits = t;
      this.probs = clamp(sigmoid(t), FLOAT32_EPS, 1 - FLOAT32_EPS);
    }
  }
  /** Where probs is outside (lo, hi]: the closed forms hold there. */
  private outsideUnstable(): Tensor { return logicalOr(le(this.probs, this.lims[0]), gt(this.probs, this.lims[1])); }
  /** probs, or lo inside the unstable region (so that the closed forms stay finite where they are not used). */
  private cutProbs(): Tensor { return where(this.outsideUnstable(), this.probs, this.lims[0]); }
  /** log C(p), the log of the normalizing constant (klDivergence reads it). */
  logNormalizer(): Tensor {
    const cut = this.cutProbs();
    const below = where(le(cut, 0.5), cut, 0), above = where(ge(cut, 0.5), cut, 1);
    const logNorm = sub(log(abs(sub(log1p(neg(cut)), log(cut)))), where(le(cut, 0.5), log1p(mul(below, -2)), log(sub(mul(above, 2), 1))));
    const x = pow(sub(this.probs, 0.5), 2);
    const taylor = add(mul(add(mul(x, 104 / 45), 4 / 3), x), Math.LN2);
    return where(this.outsideUnstable(), logNorm, taylor);
  }
  get mean(): Tensor {
    const cut = this.cutProbs();
    const mus = add(div(cut, sub(mul(cut, 2), 1)), div(1, sub(log1p(neg(cut)), log(cut))));
    const x = sub(this.probs, 0.5);
    const taylor = add(mul(add(mul(pow(x, 2), 16 / 45), 1 / 3), x), 0.5);
    return where(this.outsideUnstable(), mus, taylor);
  }
  override get stddev(): Tensor { return sqrt(this.variance); }
  get variance(): Tensor {
    const cut = this.cutProbs();
    const vars = add(div(mul(cut, sub(cut, 1)), pow(sub(1, mul(cut, 2)), 2)), div(1, pow(sub(log1p(neg(cut)), log(cut)), 2)));
    const x = pow(sub(this.probs, 0.5), 2);
    const taylor = sub(1 / 12, mul(sub(1 / 15, mul(x, 128 / 945)), x));
    return where(this.outsideUnstable(), vars, taylor);
  }
  /** icdf of uniform draws; the gradient reaches probs. */
  override rsample(sampleShape: readonly number[] = []): Tensor {
    return this.icdf(noGrad(() => rand(this.extendedShape(sampleShape))));
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => x >= 0 && x <= 1, 'numbers in [0, 1]');
    const shape = broadcastShapes(this.logits.shape, v.shape, 'ContinuousBernoulli.logProb');
    return add(neg(binaryCrossEntropyWithLogits(expand(this.logits, shape), expand(v, shape), { reduction: 'none' })), this.logNormalizer());
  }
  override cdf(value: Param): Tensor {
    const v = this.valueOf(value, (x) => x >= 0 && x <= 1, 'numbers in [0, 1]');
    const cut = this.cutProbs();
    const cdfs = div(sub(add(mul(pow(cut, v), pow(sub(1, cut), sub(1, v))), cut), 1), sub(mul(cut, 2), 1));
    const unbounded = where(this.outsideUnstable(), cdfs, v);
    return where(le(v, 0), 0, where(ge(v, 1), 1, unbounded));
  }
  override icdf(value: Param): Tensor {
    const v = typeof value === 'number' ? tensor(value) : value;
    const cut = this.cutProbs();
    const inverted = div(sub(log1p(add(neg(cut), mul(v, sub(mul(cut, 2), 1)))), log1p(neg(cut))), sub(log(cut), log1p(neg(cut))));
    return where(this.outsideUnstable(), inverted, v);
  }
  entropy(): Tensor {
    const logP0 = log1p(neg(this.probs)), logP1 = log(this.probs);
    return sub(sub(mul(this.mean, sub(logP0, logP1)), this.logNormalizer()), logP0);
  }
}
