// torch.distributions.Wishart: positive-definite matrices X = L A A^T L^T with A's Bartlett
// decomposition (chi draws on the diagonal, normals below it), df degrees of freedom and scale L L^T
// given by its covariance, precision or Cholesky factor; torch 1.13's logProb, entropy and moments.
import { Tensor } from '../tensor';
import { add, div, mul, pow, sub } from '../ops/binary';
import { sqrt } from '../ops/unary';
import { clamp } from '../ops/compare';
import { le, where } from '../ops/more';
import { sum } from '../ops/reduce';
import { diagonal, diagEmbed } from '../ops/structure';
import { expand, reshape, unsqueeze } from '../ops/shape';
import { matmul } from '../ops/matmul';
import { arange, eye, randn, tensor } from '../ops/creation';
import { choleskyEx, choleskySolve, solveTriangular } from '../ops/cholesky';
import { slogdet } from '../ops/linalg';
import { digamma, mvlgamma } from '../ops/special';
import { broadcastShapes, fmt } from '../shape';
import { shown } from '../args';
import { checkTensor } from '../ops/core';
import { noGrad } from '../autograd';
import { checkEach, Distribution, DistributionOptions, FLOAT32_EPS, Param } from './distribution';
import { givenCovariance, halfLogDet, MultivariateNormalParams, scaleTrilOf, traceXXT, trilLogDet } from './more_families';
import { Chi2 } from './heavy_tails';
import { vecToTril } from './lkj';


/** sum_i digamma(x - i / 2), i < p (torch's _mvdigamma). */
function mvdigamma(x: Tensor, p: number): Tensor {
  return sum(digamma(sub(unsqueeze(x, -1), div(arange(0, p), 2))), -1);
}

/** The Wishart distribution over p x p positive-definite matrices (torch.distributions.Wishart). */
export class Wishart extends Distribution {
  /** The degrees of freedom (above p - 1), broadcast to the batch. */
  readonly df: Tensor;
  /** The scale's Cholesky factor L (not broadcast to the batch). */
  readonly scaleTril: Tensor;
  readonly hasRsample = true;
  private readonly p: number;
  /**
   * @param df the degrees of freedom, above p - 1
   * @param params covarianceMatrix, precisionMatrix or scaleTril of the scale
   * @param options validateArgs
   */
  constructor(df: Param, params: MultivariateNormalParams, options?: DistributionOptions) {
    const what = 'Wishart';
    const { matrix } = givenCovariance(params, what, '');
    const p = matrix.shape[matrix.ndim - 1];
    const d = typeof df === 'number' ? tensor(df) : df;
    checkTensor(d, `${what} df`);
    const batch = broadcastShapes(matrix.shape.slice(0, -2), d.shape, what);
    super(batch, [p, p], options);
    checkEach(d, (v) => v > p - 1, what, 'df', `above p - 1 = ${p - 1} (p = ${p}, the matrices' size)`);
    this.p = p;
    this.df = expand(d, batch);
    this.scaleTril = scaleTrilOf(params, what, this.validateArgs);
  }
  private get full(): number[] { return [...this.batchShape, this.p, this.p]; }
  /** df viewed as [...batch, 1, 1]. */
  private get dfMatrix(): Tensor { return reshape(this.df, [...this.batchShape, 1, 1]); }
  /** The scale L L^T. */
  get covarianceMatrix(): Tensor { return expand(matmul(this.scaleTril, this.scaleTril.mT), this.full); }
  /** The scale's inverse. */
  get precisionMatrix(): Tensor {
    const id = expand(eye(this.p), this.scaleTril.shape);
    return expand(choleskySolve(id, this.scaleTril), this.full);
  }
  get mean(): Tensor { return mul(this.dfMatrix, this.covarianceMatrix); }
  /** (df - p - 1) times the scale; NaN where df <= p + 1. */
  override get mode(): Tensor {
    const factor = sub(this.df, this.p + 1);
    return mul(reshape(where(le(factor, 0), NaN, factor), [...this.batchShape, 1, 1]), this.covarianceMatrix);
  }
  get variance(): Tensor {
    const v = this.covarianceMatrix;
    const diag = diagonal(v, 0, -2, -1);
    return mul(this.dfMatrix, add(pow(v, 2), mul(unsqueeze(diag, -1), unsqueeze(diag, -2))));
  }
  /** Bartlett draws: L A, A lower triangular with chi draws of df - i degrees on its diagonal and normals below, then (L A)(L A)^T. */
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const p = this.p;
    const chi2 = new Chi2(sub(unsqueeze(this.df, -1), arange(0, p)), { validateArgs: false });
    const diag = clamp(sqrt(chi2.rsample(sampleShape)), FLOAT32_EPS);
    const below = noGrad(() => randn([...sampleShape, ...this.batchShape, (p * (p - 1)) / 2]));
    const chol = matmul(this.scaleTril, add(diagEmbed(diag), vecToTril(below, p, -1)));
    return matmul(chol, chol.mT);
  }
  logProb(value: Param): Tensor {
    const what = 'Wishart.logProb';
    if (typeof value === 'number') throw new Error(`${what}: value must be [..., ${this.p}, ${this.p}] positive-definite matrices, got ${shown(value)}`);
    checkTensor(value, what);
    const p = this.p;
    if (value.ndim < 2 || value.shape[value.ndim - 1] !== p || value.shape[value.ndim - 2] !== p) throw new Error(`${what}: value must be [..., ${p}, ${p}], got shape ${fmt(value.shape)}`);
    if (this.validateArgs) {
      // torch's positive_definite: symmetric, and a Cholesky factor exists.
      const t = value.data;
      for (let m = 0; m < value.size / (p * p); m++) {
        for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) {
          if (t[m * p * p + i * p + j] !== t[m * p * p + j * p + i]) throw new Error(`${what}: value must be within the support (symmetric positive-definite matrices): matrix ${m} is not symmetric at (${i}, ${j})`);
        }
      }
      const info = noGrad(() => choleskyEx(value).info);
      checkEach(info, (v) => v === 0, what, 'value', 'within the support (positive-definite matrices; a matrix with no Cholesky factor has a nonzero info)');
    }
    const nu = this.df;
    const halfLogDetScale = halfLogDet(this.scaleTril);
    const t1 = mul(nu, add(halfLogDetScale, (p * Math.LN2) / 2));
    const t3 = mul(div(sub(nu, p + 1), 2), slogdet(value).logabsdet);
    const t4 = div(sum(diagonal(choleskySolve(value, this.scaleTril), 0, -2, -1), -1), 2);
    return sub(add(sub(mul(t1, -1), mvlgamma(div(nu, 2), p)), t3), t4);
  }
  /**
   * @internal KL(p || this) (klDivergence's): torch 1.13 reaches Wishart pairs through
   * ExponentialFamily's Bregman divergence, F(q) - F(p) - <theta_q - theta_p, grad F(p)> with the
   * natural parameters (-P / 2, (df - d - 1) / 2) and F = df / 2 (log det S + d log 2) +
   * mvlgamma(df / 2, d); here in closed form, the same function: df_q / 2 (log det S_q - log det S_p) +
   * mvlgamma(df_q / 2) - mvlgamma(df_p / 2) + df_p / 2 (tr(S_q^-1 S_p) - d) - (df_q - df_p) / 2
   * mvdigamma(df_p / 2). For each distribution of a batch: torch 1.13 sums the df term over the
   * whole batch (its _sum_rightmost of the event's two dims, applied to a [batch] term), which is not
   * copied; its values for a single pair are these.
   */
  klFrom(p: Wishart): Tensor {
    const q = this as Wishart, d = q.p;
    if (p.p !== d) throw new Error(`klDivergence: Wisharts of event shapes [${p.p}, ${p.p}] and [${d}, ${d}]`);
    const batch = broadcastShapes(q.scaleTril.shape.slice(0, -2), p.scaleTril.shape.slice(0, -2), 'klDivergence');
    const solved = solveTriangular(expand(q.scaleTril, [...batch, d, d]), expand(p.scaleTril, [...batch, d, d]), { upper: false });
    const trace = traceXXT(solved);
    const halfP = div(p.df, 2), halfQ = div(q.df, 2);
    const t1 = mul(halfQ, sub(trilLogDet(q.scaleTril), trilLogDet(p.scaleTril)));
    const t2 = sub(mvlgamma(halfQ, d), mvlgamma(halfP, d));
    const t3 = mul(halfP, sub(trace, d));
    const t4 = mul(sub(halfQ, halfP), mvdigamma(halfP, d));
    return sub(add(add(t1, t2), t3), t4);
  }
  entropy(): Tensor {
    const nu = this.df, p = this.p;
    const halfLogDetScale = halfLogDet(this.scaleTril);
    return add(sub(add(mul(add(halfLogDetScale, (p * Math.LN2) / 2), p + 1), mvlgamma(div(nu, 2), p)), mul(div(sub(nu, p + 1), 2), mvdigamma(div(nu, 2), p))), div(mul(nu, p), 2));
  }
}
