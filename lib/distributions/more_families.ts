// torch.distributions' Laplace, Poisson, Gamma and MultivariateNormal, with torch 1.13's formulas
// term for term (torch/distributions/*.py). Gamma draws here have no reparameterized gradient
// (torch's rsample differentiates its gamma sampler implicitly): sample() only.
import { Tensor } from '../tensor';
import { add, div, mul, pow, sub } from '../ops/binary';
import { abs, expm1, floor, log, log1p, neg, sign } from '../ops/unary';
import { lgamma, digamma } from '../ops/special';
import { xlogy } from '../ops/pointwise_more';
import { sum } from '../ops/reduce';
import { diagonal } from '../ops/structure';
import { expand, squeeze, unsqueeze } from '../ops/shape';
import { matmul } from '../ops/matmul';
import { eye, rand, randn } from '../ops/creation';
import { clamp } from '../ops/compare';
import { poisson } from '../ops/sampling';
import { cholesky, solveTriangular } from '../ops/cholesky';
import { broadcastShapes, fmt } from '../shape';
import { noGrad } from '../autograd';
import { checkTensor } from '../ops/core';
import { checkEach, checkedParams, Distribution, DistributionOptions, FLOAT32_EPS, FLOAT32_TINY, notInTorch, Param, POSITIVE, REAL } from './distribution';
import { standardGammaDraws } from './gamma_draws';


/** The Laplace distribution of location loc and scale b (torch.distributions.Laplace). */
export class Laplace extends Distribution {
  /** The locations. */
  readonly loc: Tensor;
  /** The scales (positive). */
  readonly scale: Tensor;
  readonly hasRsample = true;
  /**
   * @param loc the locations
   * @param scale the scales, positive
   * @param options validateArgs
   */
  constructor(loc: Param, scale: Param, options?: DistributionOptions) {
    const { shape, values: [l, s] } = checkedParams('Laplace', { loc: [loc, REAL], scale: [scale, POSITIVE] }, options);
    super(shape, [], options);
    this.loc = l;
    this.scale = s;
  }
  get mean(): Tensor { return this.loc; }
  /** The most likely value, loc. */
  override get mode(): Tensor { return this.loc; }
  get variance(): Tensor { return mul(pow(this.scale, 2), 2); }
  override get stddev(): Tensor { return mul(this.scale, Math.SQRT2); }
  override rsample(sampleShape: readonly number[] = []): Tensor {
    // Uniform in [eps - 1, 1), as torch's.
    const u = noGrad(() => add(mul(rand(this.extendedShape(sampleShape)), 2 - FLOAT32_EPS), FLOAT32_EPS - 1));
    return sub(this.loc, mul(mul(this.scale, sign(u)), log1p(neg(abs(u)))));
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => !Number.isNaN(x), 'real numbers');
    return sub(neg(log(mul(this.scale, 2))), div(abs(sub(v, this.loc)), this.scale));
  }
  entropy(): Tensor { return add(log(mul(this.scale, 2)), 1); }
  override cdf(value: Param): Tensor {
    const d = sub(this.valueOf(value, (x) => !Number.isNaN(x), 'real numbers'), this.loc);
    return sub(0.5, mul(mul(sign(d), expm1(div(neg(abs(d)), this.scale))), 0.5));
  }
  override icdf(value: Param): Tensor {
    const term = sub(this.valueOf(value, (x) => x >= 0 && x <= 1, 'probabilities in [0, 1]'), 0.5);
    return sub(this.loc, mul(mul(this.scale, sign(term)), log1p(mul(abs(term), -2))));
  }
}

/** The Poisson distribution of rate lambda (torch.distributions.Poisson). */
export class Poisson extends Distribution {
  /** The rates (non-negative). */
  readonly rate: Tensor;
  readonly hasRsample = false;
  /**
   * @param rate the rates, non-negative
   * @param options validateArgs
   */
  constructor(rate: Param, options?: DistributionOptions) {
    const { shape, values: [r] } = checkedParams('Poisson', { rate: [rate, [(v) => v >= 0, 'non-negative']] }, options);
    super(shape, [], options);
    this.rate = r;
  }
  get mean(): Tensor { return this.rate; }
  /** The most likely value, floor(rate). */
  override get mode(): Tensor { return floor(this.rate); }
  get variance(): Tensor { return this.rate; }
  override sample(sampleShape: readonly number[] = []): Tensor {
    return noGrad(() => poisson(expand(this.rate, this.extendedShape(sampleShape))));
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => Number.isInteger(x) && x >= 0, 'non-negative integers');
    const shape = broadcastShapes(v.shape, this.rate.shape, 'Poisson.logProb');
    const [rate, vb] = [expand(this.rate, shape), expand(v, shape)];
    return sub(sub(xlogy(vb, rate), rate), lgamma(add(vb, 1)));
  }
  entropy(): Tensor { return notInTorch(this, 'entropy'); }
}

/** The Gamma distribution of concentration alpha and rate beta (torch.distributions.Gamma). */
export class Gamma extends Distribution {
  /** The concentrations (positive). */
  readonly concentration: Tensor;
  /** The rates (positive). */
  readonly rate: Tensor;
  readonly hasRsample = true;
  /**
   * @param concentration the shapes alpha, positive
   * @param rate the rates beta, positive
   * @param options validateArgs
   */
  constructor(concentration: Param, rate: Param, options?: DistributionOptions) {
    const { shape, values: [c, r] } = checkedParams('Gamma', { concentration: [concentration, POSITIVE], rate: [rate, POSITIVE] }, options);
    super(shape, [], options);
    this.concentration = c;
    this.rate = r;
  }
  get mean(): Tensor { return div(this.concentration, this.rate); }
  /** The most likely value, (concentration - 1) / rate, at least 0. */
  override get mode(): Tensor { return clamp(div(sub(this.concentration, 1), this.rate), 0); }
  get variance(): Tensor { return div(this.concentration, pow(this.rate, 2)); }
  /** Standard Gamma draws over the rates; the gradient reaches the concentration implicitly (gamma_draws.ts). */
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const z = standardGammaDraws(expand(this.concentration, this.extendedShape(sampleShape)));
    const y = div(z, this.rate);
    // At least float32's smallest normal number, as torch clamps (the value alone, not the gradient).
    for (let i = 0; i < y.size; i++) if (!(y.data[i] >= FLOAT32_TINY)) y.data[i] = FLOAT32_TINY;
    return y;
  }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => x > 0, 'positive numbers');
    return sub(sub(add(xlogy(this.concentration, this.rate), xlogy(sub(this.concentration, 1), v)), mul(this.rate, v)), lgamma(this.concentration));
  }
  entropy(): Tensor {
    const c = this.concentration;
    return add(add(sub(c, log(this.rate)), lgamma(c)), mul(sub(1, c), digamma(c)));
  }
}

/** sum log diag(L) over each matrix L [..., n, n] of lower Cholesky factors: half the log determinant of L L^T. */
export const halfLogDet = (l: Tensor): Tensor => sum(log(diagonal(l, 0, -2, -1)), -1);

/** The log determinant of L L^T for each lower Cholesky factor L [..., n, n]: twice halfLogDet. */
export const trilLogDet = (l: Tensor): Tensor => mul(halfLogDet(l), 2);

/** The sum of squares of each matrix b [..., r, c]: tr(b b^T) (torch's _batch_trace_XXT). */
export const traceXXT = (b: Tensor): Tensor => sum(pow(b, 2), [-2, -1]);

/** The squared Mahalanobis distance |L^-1 x|^2 of each x [..., n] under lower-triangular L [..., n, n], batch dims broadcast (torch's _batch_mahalanobis). */
export function batchMahalanobis(L: Tensor, x: Tensor, what: string): Tensor {
  const n = L.shape[L.ndim - 1];
  const shape = broadcastShapes(L.shape.slice(0, -2), x.shape.slice(0, -1), what);
  const solved = solveTriangular(expand(L, [...shape, n, n]), unsqueeze(expand(x, [...shape, n]), -1), { upper: false });
  return squeeze(sum(pow(solved, 2), -2), -1);
}

/** Options of MultivariateNormal: exactly one of the three. */
export interface MultivariateNormalParams {
  /** The covariance matrices [..., n, n] (symmetric positive definite). */
  covarianceMatrix?: Tensor;
  /** The inverse covariance matrices [..., n, n]. */
  precisionMatrix?: Tensor;
  /** Lower-triangular factors L of the covariances (L L^T), positive on the diagonal. */
  scaleTril?: Tensor;
}

/** The one covariance parameter given (its name and tensor), checked to be [..., n, n] (n from `n` when given). */
export function givenCovariance(params: MultivariateNormalParams, what: string, context: string, n?: number): { name: keyof MultivariateNormalParams; matrix: Tensor } {
  const given = (['covarianceMatrix', 'precisionMatrix', 'scaleTril'] as const).filter((k) => params?.[k] !== undefined);
  if (given.length !== 1) throw new Error(`${what}: give exactly one of covarianceMatrix, precisionMatrix and scaleTril`);
  const m = params[given[0]] as Tensor;
  checkTensor(m, `${what} ${given[0]}`);
  const size = n ?? m.shape[m.ndim - 1];
  if (m.ndim < 2 || m.shape[m.ndim - 1] !== size || m.shape[m.ndim - 2] !== size) throw new Error(`${what}: ${given[0]} must be [..., ${size}, ${size}]${context ? ` ${context}` : ''}, got ${fmt(m.shape)}`);
  return { name: given[0], matrix: m };
}

/** The Cholesky factor L (L L^T the covariance) of the covariance parameter given, as torch's MultivariateNormal and Wishart make it. */
export function scaleTrilOf(params: MultivariateNormalParams, what: string, validate: boolean): Tensor {
  const { name, matrix: m } = givenCovariance(params, what, '');
  if (name === 'scaleTril') {
    if (validate) checkEach(diagonal(m, 0, -2, -1), (v) => v > 0, what, 'scaleTril', 'lower triangular with a positive diagonal; a diagonal entry');
    return m;
  }
  if (name === 'covarianceMatrix') return cholesky(m);
  // torch's _precision_to_scale_tril: L = inverse of the flipped Cholesky factor of the flipped P, transposed.
  const lInv = cholesky(m.flip([-2, -1])).flip([-2, -1]).transpose(-2, -1);
  return solveTriangular(lInv, expand(eye(m.shape[m.ndim - 1]), lInv.shape), { upper: false });
}

/**
 * The multivariate normal distribution (torch.distributions.MultivariateNormal): mean vectors loc
 * [..., n] and a covariance given by its matrix, its inverse or its Cholesky factor; events of shape [n].
 */
export class MultivariateNormal extends Distribution {
  /** The means, [...batch, n]. */
  readonly loc: Tensor;
  /** The Cholesky factor of each covariance, as given or computed (not broadcast to the batch). */
  readonly scaleTril: Tensor;
  readonly hasRsample = true;
  /**
   * @param loc the means [..., n]
   * @param params covarianceMatrix, precisionMatrix or scaleTril
   * @param options validateArgs
   */
  constructor(loc: Tensor, params: MultivariateNormalParams, options?: DistributionOptions) {
    const what = 'MultivariateNormal';
    checkTensor(loc, `${what} loc`);
    if (loc.ndim < 1) throw new Error(`${what}: loc must be at least one-dimensional, got shape ${fmt(loc.shape)}`);
    const n = loc.shape[loc.ndim - 1];
    const { matrix } = givenCovariance(params, what, `for loc of shape ${fmt(loc.shape)}`, n);
    const batch = broadcastShapes(matrix.shape.slice(0, -2), loc.shape.slice(0, -1), what);
    super(batch, [n], options);
    this.loc = expand(loc, [...batch, n]);
    this.scaleTril = scaleTrilOf(params, what, this.validateArgs);
  }
  get mean(): Tensor { return this.loc; }
  /** The most likely value, loc. */
  override get mode(): Tensor { return this.loc; }
  get variance(): Tensor { return expand(sum(pow(this.scaleTril, 2), -1), [...this.batchShape, ...this.eventShape]); }
  /** The covariance matrices L L^T. */
  get covarianceMatrix(): Tensor { return expand(matmul(this.scaleTril, this.scaleTril.transpose(-2, -1)), [...this.batchShape, ...this.eventShape, ...this.eventShape]); }
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const eps = randn(this.extendedShape(sampleShape));
    return add(this.loc, squeeze(matmul(this.scaleTril, unsqueeze(eps, -1)), -1));
  }
  /** The squared Mahalanobis distance of diff [..., n] under L. */
  private mahalanobis(diff: Tensor): Tensor { return batchMahalanobis(this.scaleTril, diff, 'MultivariateNormal.logProb'); }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => !Number.isNaN(x), 'real numbers');
    const m = this.mahalanobis(sub(v, this.loc));
    return sub(mul(add(m, this.eventShape[0] * Math.log(2 * Math.PI)), -0.5), halfLogDet(this.scaleTril));
  }
  entropy(): Tensor {
    const h = add(halfLogDet(this.scaleTril), 0.5 * this.eventShape[0] * (1 + Math.log(2 * Math.PI)));
    return this.batchShape.length ? expand(h, this.batchShape) : h;
  }
  /** @internal KL(p || this), torch's formula (klDivergence's). */
  klFrom(p: MultivariateNormal): Tensor {
    const q = this as MultivariateNormal;
    const n = p.eventShape[0];
    if (q.eventShape[0] !== n) throw new Error(`klDivergence: MultivariateNormals of event shapes [${n}] and [${q.eventShape[0]}]`);
    const halfTerm1 = sub(halfLogDet(q.scaleTril), halfLogDet(p.scaleTril));
    const batch = broadcastShapes(q.scaleTril.shape.slice(0, -2), p.scaleTril.shape.slice(0, -2), 'klDivergence');
    const solved = solveTriangular(expand(q.scaleTril, [...batch, n, n]), expand(p.scaleTril, [...batch, n, n]), { upper: false });
    const term2 = traceXXT(solved);
    const term3 = q.mahalanobis(sub(q.loc, p.loc));
    return add(halfTerm1, mul(sub(add(term2, term3), n), 0.5));
  }
}
