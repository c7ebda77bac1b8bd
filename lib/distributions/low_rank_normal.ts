// torch.distributions.LowRankMultivariateNormal: a normal whose covariance is W W^T + diag(D), W [n, m]
// of low rank m, so that logProb and entropy cost O(n m^2) by the Woodbury identity through the
// m x m capacitance matrix I + W^T D^-1 W; torch 1.13's formulas term for term.
import { Tensor } from '../tensor';
import { add, div, mul, pow, sub } from '../ops/binary';
import { log, reciprocal, rsqrt, sqrt } from '../ops/unary';
import { sum } from '../ops/reduce';
import { diagEmbed } from '../ops/structure';
import { expand, squeeze, unsqueeze } from '../ops/shape';
import { matmul } from '../ops/matmul';
import { eye, randn } from '../ops/creation';
import { cholesky, solveTriangular } from '../ops/cholesky';
import { checkTensor } from '../ops/core';
import { broadcastShapes, fmt } from '../shape';
import { noGrad } from '../autograd';
import { checkEach, Distribution, DistributionOptions, Param } from './distribution';
import { batchMahalanobis, MultivariateNormal, traceXXT, trilLogDet } from './more_families';

/** W [..., n, m] times v [..., m], batch dims broadcast (torch's _batch_mv). */
const batchMv = (w: Tensor, v: Tensor): Tensor => squeeze(matmul(w, unsqueeze(v, -1)), -1);

/** A multivariate normal of covariance covFactor covFactor^T + diag(covDiag) (torch.distributions.LowRankMultivariateNormal). */
export class LowRankMultivariateNormal extends Distribution {
  /** The means, [...batch, n]. */
  readonly loc: Tensor;
  /** The covariance's low-rank factors W [..., n, m], as given. */
  readonly covFactor: Tensor;
  /** The covariance's diagonal parts D [..., n] (positive), as given. */
  readonly covDiag: Tensor;
  /** The Cholesky factor of the capacitance matrix I + W^T D^-1 W [..., m, m]. */
  private readonly capacitanceTril: Tensor;
  readonly hasRsample = true;
  /**
   * @param loc the means [..., n]
   * @param covFactor the low-rank factors [..., n, m]
   * @param covDiag the diagonal parts [..., n], positive
   * @param options validateArgs
   */
  constructor(loc: Tensor, covFactor: Tensor, covDiag: Tensor, options?: DistributionOptions) {
    const what = 'LowRankMultivariateNormal';
    checkTensor(loc, `${what} loc`);
    checkTensor(covFactor, `${what} covFactor`);
    checkTensor(covDiag, `${what} covDiag`);
    if (loc.ndim < 1) throw new Error(`${what}: loc must be at least one-dimensional, got shape ${fmt(loc.shape)}`);
    const n = loc.shape[loc.ndim - 1];
    if (covFactor.ndim < 2 || covFactor.shape[covFactor.ndim - 2] !== n) throw new Error(`${what}: covFactor must be a batch of ${n} x m matrices for loc of shape ${fmt(loc.shape)}, got shape ${fmt(covFactor.shape)}`);
    if (covDiag.ndim < 1 || covDiag.shape[covDiag.ndim - 1] !== n) throw new Error(`${what}: covDiag must be a batch of vectors of ${n} for loc of shape ${fmt(loc.shape)}, got shape ${fmt(covDiag.shape)}`);
    let batch: number[];
    try {
      batch = [loc.shape.slice(0, -1), covFactor.shape.slice(0, -2), covDiag.shape.slice(0, -1)].reduce<number[]>((s, b) => broadcastShapes(s, b), []);
    } catch {
      throw new Error(`${what}: the batch shapes of loc ${fmt(loc.shape)}, covFactor ${fmt(covFactor.shape)} and covDiag ${fmt(covDiag.shape)} do not broadcast`);
    }
    super(batch, [n], options);
    if (this.validateArgs) {
      checkEach(loc, (v) => !Number.isNaN(v), what, 'loc', 'real numbers');
      checkEach(covFactor, (v) => !Number.isNaN(v), what, 'covFactor', 'real numbers');
      checkEach(covDiag, (v) => v > 0, what, 'covDiag', 'positive');
    }
    this.loc = expand(loc, [...batch, n]);
    this.covFactor = covFactor;
    this.covDiag = covDiag;
    const m = covFactor.shape[covFactor.ndim - 1];
    const wtDinv = div(covFactor.mT, unsqueeze(covDiag, -2));
    this.capacitanceTril = cholesky(add(matmul(wtDinv, covFactor), eye(m)));
  }
  get mean(): Tensor { return this.loc; }
  /** The most likely value, loc. */
  override get mode(): Tensor { return this.loc; }
  get variance(): Tensor { return expand(add(sum(pow(this.covFactor, 2), -1), this.covDiag), [...this.batchShape, ...this.eventShape]); }
  private get fullShape(): number[] { return [...this.batchShape, ...this.eventShape, ...this.eventShape]; }
  /** The Cholesky factors of the covariances, sqrt(D) chol(I + D^-1/2 W W^T D^-1/2). */
  get scaleTril(): Tensor {
    const n = this.eventShape[0];
    const dSqrt = unsqueeze(sqrt(this.covDiag), -1);
    const scaled = div(this.covFactor, dSqrt);
    return expand(mul(dSqrt, cholesky(add(matmul(scaled, scaled.mT), eye(n)))), this.fullShape);
  }
  /** The covariance matrices W W^T + diag(D). */
  get covarianceMatrix(): Tensor { return expand(add(matmul(this.covFactor, this.covFactor.mT), diagEmbed(this.covDiag)), this.fullShape); }
  /** The inverse covariance matrices, by Woodbury: D^-1 - A^T A with A = C^-1 W^T D^-1. */
  get precisionMatrix(): Tensor {
    const a = this.precisionFactor();
    return expand(sub(diagEmbed(reciprocal(this.covDiag)), matmul(a.mT, a)), this.fullShape);
  }
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    const m = this.covFactor.shape[this.covFactor.ndim - 1];
    const [epsW, epsD] = noGrad(() => [randn([...shape.slice(0, -1), m]), randn(shape)]);
    return add(add(this.loc, batchMv(this.covFactor, epsW)), mul(sqrt(this.covDiag), epsD));
  }
  /** @internal log det of the covariance: 2 sum log diag(C) + sum log D (torch's _batch_lowrank_logdet). */
  logDet(): Tensor {
    return add(trilLogDet(this.capacitanceTril), sum(log(this.covDiag), -1));
  }
  /** @internal The squared Mahalanobis distance of diff [..., n] by Woodbury (torch's _batch_lowrank_mahalanobis). */
  mahalanobis(diff: Tensor, what: string): Tensor {
    const wtDinv = div(this.covFactor.mT, unsqueeze(this.covDiag, -2));
    const term1 = sum(div(pow(diff, 2), this.covDiag), -1);
    return sub(term1, batchMahalanobis(this.capacitanceTril, batchMv(wtDinv, diff), what));
  }
  /** @internal A = C^-1 W^T D^-1 [..., m, n], so that the precision matrix is D^-1 - A^T A. */
  precisionFactor(): Tensor {
    return solveTriangular(this.capacitanceTril, div(this.covFactor.mT, unsqueeze(this.covDiag, -2)), { upper: false });
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => !Number.isNaN(x), 'real numbers');
    const m = this.mahalanobis(sub(v, this.loc), 'LowRankMultivariateNormal.logProb');
    return mul(add(add(this.logDet(), m), this.eventShape[0] * Math.log(2 * Math.PI)), -0.5);
  }
  entropy(): Tensor {
    const h = mul(add(this.logDet(), this.eventShape[0] * (1 + Math.log(2 * Math.PI))), 0.5);
    return this.batchShape.length ? expand(h, this.batchShape) : h;
  }
}

/**
 * KL(p || q) where either is a LowRankMultivariateNormal and the other one too or a
 * MultivariateNormal (torch 1.13's three registered pairs, term for term); null for other pairs.
 * tr(Sq^-1 Sp) expands Sq^-1 by Woodbury (D^-1 - A^T A) or solves against q's Cholesky factor.
 */
export function lowRankKl(p: Distribution, q: Distribution): Tensor | null {
  const pLow = p instanceof LowRankMultivariateNormal, qLow = q instanceof LowRankMultivariateNormal;
  if (!(pLow && (qLow || q instanceof MultivariateNormal)) && !(qLow && p instanceof MultivariateNormal)) return null;
  const n = p.eventShape[0];
  if (q.eventShape[0] !== n) throw new Error(`klDivergence: ${p.constructor.name} and ${q.constructor.name} of event shapes [${n}] and [${q.eventShape[0]}]`);
  const what = 'klDivergence';
  const diff = sub((q as LowRankMultivariateNormal | MultivariateNormal).loc, (p as LowRankMultivariateNormal | MultivariateNormal).loc);
  let term1: Tensor, term2: Tensor, term3: Tensor;
  if (q instanceof LowRankMultivariateNormal) {
    const a = q.precisionFactor();
    term3 = q.mahalanobis(diff, what);
    if (p instanceof LowRankMultivariateNormal) {
      term1 = sub(q.logDet(), p.logDet());
      const t21 = sum(div(p.covDiag, q.covDiag), -1);
      const t22 = traceXXT(mul(p.covFactor, unsqueeze(rsqrt(q.covDiag), -1)));
      const t23 = traceXXT(mul(a, unsqueeze(sqrt(p.covDiag), -2)));
      const t24 = traceXXT(matmul(a, p.covFactor));
      term2 = sub(sub(add(t21, t22), t23), t24);
    } else {
      const pTril = (p as MultivariateNormal).scaleTril;
      term1 = sub(q.logDet(), trilLogDet(pTril));
      term2 = sub(traceXXT(mul(pTril, unsqueeze(rsqrt(q.covDiag), -1))), traceXXT(matmul(a, pTril)));
    }
  } else {
    const lowP = p as LowRankMultivariateNormal, qTril = (q as MultivariateNormal).scaleTril;
    term1 = sub(trilLogDet(qTril), lowP.logDet());
    term3 = batchMahalanobis(qTril, diff, what);
    const batch = broadcastShapes(qTril.shape.slice(0, -2), lowP.covFactor.shape.slice(0, -2), what);
    const l = expand(qTril, [...batch, n, n]);
    const m = lowP.covFactor.shape[lowP.covFactor.ndim - 1];
    const t21 = traceXXT(solveTriangular(l, expand(lowP.covFactor, [...batch, n, m]), { upper: false }));
    const t22 = traceXXT(solveTriangular(l, expand(diagEmbed(sqrt(lowP.covDiag)), [...batch, n, n]), { upper: false }));
    term2 = add(t21, t22);
  }
  return mul(sub(add(add(term1, term2), term3), n), 0.5);
}
