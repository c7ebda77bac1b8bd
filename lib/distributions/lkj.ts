// torch.distributions' LKJCholesky (the Cholesky factors of correlation matrices whose density is
// proportional to det(C)^(concentration - 1)) and CorrCholeskyTransform (R^(n(n-1)/2) onto those
// factors by tanh and stick breaking): torch 1.13's formulas in its order, the triangle's entries in
// its row order (torch's tril_matrix_to_vec / vec_to_tril_matrix) as recorded index selections.
import { Tensor } from '../tensor';
import { add, div, mul, pow, sub } from '../ops/binary';
import { log, sqrt, tanh } from '../ops/unary';
import { clamp } from '../ops/compare';
import { eq, softplus, tril, where } from '../ops/more';
import { sum } from '../ops/reduce';
import { cumsum, norm } from '../ops/cumulative';
import { cumprod } from '../ops/product';
import { diagonal, diagEmbed } from '../ops/structure';
import { cat, narrow } from '../ops/join';
import { indexSelect } from '../ops/index_ops';
import { pad } from '../ops/pad_resize';
import { reshape, unsqueeze } from '../ops/shape';
import { arange, eye, randn, zeros } from '../ops/creation';
import { trilIndices } from '../ops/structure_more';
import { mvlgamma, lgamma } from '../ops/special';
import { fmt } from '../shape';
import { shown } from '../args';
import { checkTensor } from '../ops/core';
import { noGrad } from '../autograd';
import { checkedParams, Distribution, DistributionOptions, FLOAT32_EPS, FLOAT32_TINY, notInTorch, Param, POSITIVE } from './distribution';
import { Beta } from './simplex';
import { Transform } from './transforms';


/** The flat positions (i n + j) of an n x n matrix's entries with j - i <= diag, in row order (trilIndices', torch's tril mask). */
function trilPositions(n: number, diag: number): number[] {
  const ij = trilIndices(n, n, diag).data, k = ij.length / 2;
  return Array.from({ length: k }, (_, e) => ij[e] * n + ij[k + e]);
}

/** The entries of each matrix's triangle below diagonal `diag`, in row order [..., K] (torch's tril_matrix_to_vec). */
function trilToVec(mat: Tensor, diag: number): Tensor {
  const n = mat.shape[mat.ndim - 1];
  return indexSelect(reshape(mat, [...mat.shape.slice(0, -2), n * n]), -1, trilPositions(n, diag));
}

/** The n x n matrices whose triangle below diagonal `diag` holds vec's entries in row order, zeros elsewhere (torch's vec_to_tril_matrix). */
export function vecToTril(vec: Tensor, n: number, diag: number): Tensor {
  const positions = trilPositions(n, diag);
  const slot = new Array<number>(n * n).fill(0);
  positions.forEach((p, i) => (slot[p] = i + 1));
  // Index 0 of the padded vector is the zero every other entry reads.
  const padded = cat([zeros([...vec.shape.slice(0, -1), 1]), vec], -1);
  return reshape(indexSelect(padded, -1, slot), [...vec.shape.slice(0, -1), n, n]);
}

/** n for a strict lower triangle of k entries: n (n - 1) / 2 = k, or an error. */
function sizeOfTriangle(k: number, what: string): number {
  const n = Math.round((1 + Math.sqrt(1 + 8 * k)) / 2);
  if ((n * (n - 1)) / 2 !== k) throw new Error(`${what}: the last dim (${k}) is not n (n - 1) / 2 for any n: not the strict lower triangle of a square matrix`);
  return n;
}

/**
 * Unconstrained vectors [..., n (n - 1) / 2] onto the Cholesky factors [..., n, n] of correlation
 * matrices (torch's CorrCholeskyTransform): tanh of each entry, then stick breaking on their squares
 * row by row, so each row has unit norm.
 */
export class CorrCholeskyTransform extends Transform {
  /** @param options cacheSize: 1 to remember the last pair */
  constructor(options?: { cacheSize?: number }) { super(options?.cacheSize); }
  get sign(): number { return 1; }
  override get domainEventDim(): number { return 1; }
  override get codomainEventDim(): number { return 2; }
  protected call(x: Tensor): Tensor {
    const n = sizeOfTriangle(x.shape[x.ndim - 1], 'CorrCholeskyTransform');
    const r = vecToTril(clamp(tanh(x), -1 + FLOAT32_EPS, 1 - FLOAT32_EPS), n, -1);
    // y = sign(r) sqrt(z (1 - z)-cumprod) = r sqrt((1 - z)-cumprod), z = r^2, the diagonal 1 before it.
    const z1mCumprodSqrt = cumprod(sqrt(sub(1, pow(r, 2))), -1);
    return mul(add(r, eye(n)), pad(narrow(z1mCumprodSqrt, -1, 0, n - 1), [1, 0], { value: 1 }));
  }
  protected callInverse(y: Tensor): Tensor {
    const n = y.shape[y.ndim - 1];
    const yCumsum = sub(1, cumsum(mul(y, y), -1));
    const shifted = pad(narrow(yCumsum, -1, 0, n - 1), [1, 0], { value: 1 });
    const t = div(trilToVec(y, -1), sqrt(trilToVec(shifted, -1)));
    return div(log(div(add(t, 1), sub(1, t))), 2);
  }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    // Of x against y's lower triangle flattened: the two spaces have different dims.
    const y1mCumsum = sub(1, cumsum(mul(y, y), -1));
    const stickBreaking = mul(sum(log(trilToVec(y1mCumsum, -2)), -1), 0.5);
    const tanhPart = mul(sum(sub(add(x, softplus(mul(x, -2))), Math.LN2), -1), -2);
    return add(stickBreaking, tanhPart);
  }
  override forwardShape(shape: readonly number[]): number[] {
    const n = sizeOfTriangle(shape[shape.length - 1], 'CorrCholeskyTransform');
    return [...shape.slice(0, -1), n, n];
  }
  override inverseShape(shape: readonly number[]): number[] {
    const n = shape[shape.length - 1];
    return [...shape.slice(0, -2), (n * (n - 1)) / 2];
  }
  equals(other: Transform): boolean { return other instanceof CorrCholeskyTransform; }
}

/**
 * The LKJ distribution over the Cholesky factors L of dim x dim correlation matrices, density
 * proportional to det(L L^T)^(concentration - 1) (torch.distributions.LKJCholesky); draws by the onion
 * method, as torch's.
 */
export class LKJCholesky extends Distribution {
  /** The matrices' size. */
  readonly dim: number;
  /** The concentrations (positive): 1 uniform over correlation matrices, more favouring the identity. */
  readonly concentration: Tensor;
  readonly hasRsample = false;
  private readonly beta: Beta;
  /**
   * @param dim the matrices' size, at least 2
   * @param concentration the concentrations, positive (default 1)
   * @param options validateArgs
   */
  constructor(dim: number, concentration: Param = 1, options?: DistributionOptions) {
    if (!Number.isSafeInteger(dim) || dim < 2) throw new Error(`LKJCholesky: dim must be an integer of at least 2, got ${shown(dim)}`);
    const { shape, values: [c] } = checkedParams('LKJCholesky', { concentration: [concentration, POSITIVE] }, options);
    super(shape, [dim, dim], options);
    this.dim = dim;
    this.concentration = c;
    const marginal = add(c, 0.5 * (dim - 2));
    const offset = cat([zeros([1]), arange(0, dim - 1)]);
    this.beta = new Beta(add(offset, 0.5), sub(unsqueeze(marginal, -1), mul(offset, 0.5)), { validateArgs: false });
  }
  get mean(): Tensor { return notInTorch(this, 'mean'); }
  get variance(): Tensor { return notInTorch(this, 'variance'); }
  entropy(): Tensor { return notInTorch(this, 'entropy'); }
  override sample(sampleShape: readonly number[] = []): Tensor {
    return noGrad(() => {
      const y = unsqueeze(this.beta.sample(sampleShape), -1);
      const u = tril(randn(this.extendedShape(sampleShape)), -1);
      // Row 0 has no entry below the diagonal: its zero norm divides nothing (torch fills the NaN with 0).
      const rowNorm = norm(u, 2, -1, true);
      const w = mul(sqrt(y), div(u, where(eq(rowNorm, 0), 1, rowNorm)));
      return add(w, diagEmbed(sqrt(clamp(sub(1, sum(pow(w, 2), -1)), FLOAT32_TINY))));
    });
  }
  logProb(value: Param): Tensor {
    const what = 'LKJCholesky.logProb';
    const v = typeof value === 'number' ? null : value;
    if (v === null) throw new Error(`${what}: value must be [..., ${this.dim}, ${this.dim}] Cholesky factors of correlation matrices, got ${shown(value)}`);
    checkTensor(v, what);
    const d = this.dim;
    if (v.ndim < 2 || v.shape[v.ndim - 1] !== d || v.shape[v.ndim - 2] !== d) throw new Error(`${what}: value must be [..., ${d}, ${d}], got shape ${fmt(v.shape)}`);
    if (this.validateArgs) this.checkCorrCholesky(v, what);
    const diag = narrow(diagonal(v, 0, -2, -1), -1, 1, d - 1);
    const order = add(mul(unsqueeze(sub(this.concentration, 1), -1), 2), sub(d, arange(2, d + 1)));
    const unnormalized = sum(mul(order, log(diag)), -1);
    const dm1 = d - 1;
    const alpha = add(this.concentration, 0.5 * dm1);
    const normalize = sub(add(mvlgamma(sub(alpha, 0.5), dm1), 0.5 * dm1 * Math.log(Math.PI)), mul(lgamma(alpha), dm1));
    return sub(unnormalized, normalize);
  }
  /** torch's corr_cholesky check: lower triangular, a positive diagonal, rows of unit norm (within 10 n eps). */
  private checkCorrCholesky(v: Tensor, what: string): void {
    const d = this.dim, tol = FLOAT32_EPS * d * 10;
    for (let m = 0; m < v.size / (d * d); m++) {
      for (let i = 0; i < d; i++) {
        let sq = 0;
        for (let j = 0; j < d; j++) {
          const e = v.data[m * d * d + i * d + j];
          sq += e * e;
          if ((j > i && e !== 0) || (j === i && !(e > 0))) throw new Error(`${what}: value must be within the support (Cholesky factors of correlation matrices: lower triangular, a positive diagonal), got ${e} at row ${i}, column ${j} of matrix ${m}`);
        }
        if (!(Math.abs(Math.sqrt(sq) - 1) <= tol)) throw new Error(`${what}: value must be within the support (Cholesky factors of correlation matrices: rows of unit norm), got a norm of ${Math.sqrt(sq)} in row ${i} of matrix ${m}`);
      }
    }
  }
}

