// torch.nn.utils.parametrizations (torch 1.13): orthogonal and spectralNorm as parametrizations
// (nn.utils.parametrize), where the older nn.utils.spectralNorm works by a forward pre-hook. Each
// is torch's module written again: the same maps, the same buffers under the same names
// (parametrizations.weight.0.base, ._u, ._v), the same first values.
import { Tensor } from '../tensor';
import { optionsOf, shown } from '../args';
import { fmt, normDim } from '../shape';
import { noGrad } from '../autograd';
import { B } from '../backend/registry';
import { allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { eye, randn, zeros } from '../ops/creation';
import { cat, narrow } from '../ops/join';
import { matmul } from '../ops/matmul';
import { solve } from '../ops/linalg';
import { qr } from '../ops/qr';
import { matrixExp } from '../ops/matrix_exp';
import { householderProduct } from '../ops/householder';
import { mv, vdot } from '../ops/products_more';
import { mT } from '../ops/shape';
import { Module } from './module';
import { normalize } from './functional';
import { NotImplementedError, registerParametrization } from './parametrize';
import { asMatrix, outputFeaturesDim } from './spectral_norm';

/** How orthogonal makes an orthogonal matrix of its stored one (torch's orthogonal_map). */
export type OrthogonalMap = 'matrix_exp' | 'cayley' | 'householder';

/** Options of orthogonal. */
export interface OrthogonalOptions {
  /** The map (default 'matrix_exp' for square matrices, 'householder' otherwise). */
  orthogonalMap?: OrthogonalMap;
  /**
   * Keep a `base` buffer and parametrize from it, so that any orthogonal matrix can be assigned
   * (default true; torch's use_trivialization).
   */
  useTrivialization?: boolean;
}

const MAPS: readonly OrthogonalMap[] = ['matrix_exp', 'cayley', 'householder'];

/** Whether the tall Q has orthonormal columns to float precision (torch's _is_orthogonal). */
function isOrthogonal(q: Tensor): boolean {
  const [n, k] = q.shape.slice(-2);
  const gram = matmul(mT(q), q).data, id = eye(k).data;
  const eps = 10 * n * 2 ** -23;
  for (let e = 0; e < gram.length; e++) {
    const want = id[e % (k * k)];
    if (!(Math.abs(gram[e] - want) <= eps + 1e-5 * Math.abs(want))) return false;
  }
  return true;
}

/** The Q of A = Q R with R's diagonal made non-negative (torch's _make_orthogonal), A tall. */
function makeOrthogonal(a: Tensor): Tensor {
  const { Q, R } = qr(a);
  return Q.mul(R.diagonal(0, -2, -1).sign().unsqueeze(-2));
}

/**
 * geqrf's packed factor of the tall Q with its diagonal replaced by torch's: the sign of R's
 * diagonal, negated where the reflection was skipped (LAPACK's tau = 0: nothing below the diagonal).
 */
function reflectorsOf(q: Tensor): Tensor {
  const [m, n] = q.shape.slice(-2);
  const count = q.size / (m * n);
  const a = allocOutput(q.size);
  a.set(q.data);
  const none = allocOutput(0);
  B().householderQr(a, m, n, count, none, 0);
  recycleArray(none);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < Math.min(m, n); i++) {
      let below = false;
      for (let r = i + 1; r < m && !below; r++) below = a[(b * m + r) * n + i] !== 0;
      const d = a[(b * m + i) * n + i];
      const s = d > 0 ? 1 : d < 0 ? -1 : 0;
      a[(b * m + i) * n + i] = below ? s : -s;
    }
  }
  return new Tensor(a, [...q.shape]);
}

/** torch's _Orthogonal: a matrix (or a batch of them) made orthogonal by `map`, from `base` when trivialized. */
class Orthogonal extends Module {
  /** The stored tensor's shape. */
  readonly shape: readonly number[];
  /** The map. */
  readonly orthogonalMap: OrthogonalMap;
  /** Whether the result is base times the map's matrix (torch's use_trivialization). */
  readonly useTrivialization: boolean;
  /** The orthogonal matrix the map's matrix multiplies, [..., n, n] (n the larger side), set by rightInverse. */
  base?: Tensor;

  constructor(shape: readonly number[], map: OrthogonalMap, useTrivialization: boolean) {
    super();
    this.shape = [...shape];
    this.orthogonalMap = map;
    this.useTrivialization = useTrivialization;
  }

  /** The orthogonal matrix of the stored X. */
  forward(x: Tensor): Tensor {
    let [n, k] = x.shape.slice(-2);
    const transposed = n < k;
    if (transposed) {
      x = mT(x);
      [n, k] = [k, n];
    }
    let q: Tensor;
    if (this.orthogonalMap === 'householder') {
      const a = x.tril(-1);
      const tau = a.mul(a).sum(-2).add(1).reciprocal().mul(2);
      // The diagonal of X (ones and minus ones) signs the columns; it takes no gradient, as torch's int() cast.
      q = householderProduct(a, tau).mul(x.diagonal(0, -2, -1).detach().trunc().unsqueeze(-2));
    } else {
      let y = x.tril();
      if (n !== k) y = cat([y, zeros([...y.shape.slice(0, -1), n - k])], -1);
      const skew = y.sub(mT(y));
      if (this.orthogonalMap === 'matrix_exp') q = matrixExp(skew);
      else {
        const id = eye(n);
        q = solve(id.sub(skew.mul(0.5)), id.add(skew.mul(0.5)));
      }
      if (n !== k) q = narrow(q, -1, 0, k);
    }
    if (this.useTrivialization) q = matmul(this.baseOrThrow(), q);
    return transposed ? mT(q) : q;
  }

  /**
   * The stored tensor for the orthogonal q (torch's right_inverse). Trivialized: base becomes q
   * (made orthogonal, completed to a square one by random columns when q is not square), and the
   * stored tensor minus the identity, which every map takes to the identity. Otherwise, for
   * 'householder', q's reflectors; the other two maps cannot be inverted (NotImplementedError).
   */
  rightInverse(value: Tensor): Tensor {
    const what = 'orthogonal';
    if (!(value instanceof Tensor) || value.shape.length !== this.shape.length || value.shape.some((s, i) => s !== this.shape[i])) {
      throw new Error(`${what}: the value assigned must have shape ${fmt(this.shape)}, got ${value instanceof Tensor ? fmt(value.shape) : shown(value)}`);
    }
    return noGrad(() => {
      let q = value;
      let [n, k] = q.shape.slice(-2);
      const transposed = n < k;
      if (transposed) {
        q = mT(q);
        [n, k] = [k, n];
      }
      if (!this.useTrivialization) {
        if (this.orthogonalMap !== 'householder') {
          throw new NotImplementedError(`${what}: a matrix cannot be assigned to the ${this.orthogonalMap} parametrization when useTrivialization is false`);
        }
        const a = reflectorsOf(q.contiguous());
        return transposed ? mT(a).contiguous() : a;
      }
      let base: Tensor;
      if (n === k) base = isOrthogonal(q) ? q.clone() : makeOrthogonal(q);
      else base = makeOrthogonal(cat([q, randn([...q.shape.slice(0, -1), n - k])], -1));
      base = base.contiguous();
      if (this.base) this.base.data.set(base.data);
      else this.registerBuffer('base', base);
      // Minus the identity (in each matrix of a batch): every map takes it to the identity.
      const [r, c] = value.shape.slice(-2);
      const negId = zeros([...value.shape]);
      for (let b = 0; b < value.size / (r * c); b++) for (let i = 0; i < Math.min(r, c); i++) negId.data[b * r * c + i * c + i] = -1;
      return negId;
    });
  }

  private baseOrThrow(): Tensor {
    if (!this.base) throw new Error('orthogonal: the parametrization has no base yet (it is set when the weight is first assigned)');
    return this.base;
  }
}

/**
 * Makes module[name] (default 'weight'), a matrix or a batch of them, orthogonal (orthonormal rows
 * or columns, whichever are fewer) on every read, parametrized by a stored tensor of the same shape
 * (torch.nn.utils.parametrizations.orthogonal). The tensor keeps its value at first (made
 * orthogonal by a QR decomposition if it is not); assigning an orthogonal matrix to it later sets
 * it. Returns the module.
 */
export function orthogonal<M extends Module>(module: M, name = 'weight', options?: OrthogonalOptions): M {
  const what = 'orthogonal';
  if (!(module instanceof Module)) throw new Error(`${what}: module must be a Module, got ${shown(module)}`);
  const weight = (module as unknown as Record<string, unknown>)[name];
  if (!(weight instanceof Tensor)) throw new Error(`${what}: ${module.constructor.name} has no parameter or buffer '${name}'`);
  if (weight.ndim < 2) throw new Error(`${what}: expected a matrix or a batch of matrices, got a tensor of ${weight.ndim} dimensions (shape ${fmt(weight.shape)})`);
  const o = optionsOf(options, what, { orthogonalMap: 'value', useTrivialization: 'boolean' });
  const [n, k] = weight.shape.slice(-2);
  const map = o.orthogonalMap ?? (n === k ? 'matrix_exp' : 'householder');
  if (!MAPS.includes(map)) throw new Error(`${what}: orthogonalMap must be one of 'matrix_exp', 'cayley', 'householder', got ${shown(map)}`);
  const trivial = o.useTrivialization ?? true;
  return registerParametrization(module, name, new Orthogonal(weight.shape, map, trivial), { unsafe: true });
}

/** Options of parametrizations.spectralNorm. */
export interface SpectralNormParametrizationOptions {
  /** Power iterations at each read in training mode (default 1). */
  nPowerIterations?: number;
  /** Added to norms in the normalization (default 1e-12). */
  eps?: number;
  /** The dim of the output features (default 0; 1 for the transposed convolutions). */
  dim?: number;
}

/** torch's _SpectralNorm: the tensor over its largest singular value, estimated by power iteration. */
class SpectralNorm extends Module {
  /** The dim taken as the matrix's rows. */
  readonly dim: number;
  /** Added to norms in the normalization. */
  readonly eps: number;
  /** Power iterations at each read in training mode. */
  readonly nPowerIterations: number;
  /** The left singular vector's estimate (a buffer; absent for a 1-D tensor). */
  _u?: Tensor;
  /** The right singular vector's estimate (a buffer; absent for a 1-D tensor). */
  _v?: Tensor;

  constructor(weight: Tensor, nPowerIterations: number, dim: number, eps: number) {
    super();
    this.dim = dim;
    this.eps = eps;
    this.nPowerIterations = nPowerIterations;
    if (weight.ndim > 1) {
      const [h, w] = asMatrix(weight, this.dim).shape;
      noGrad(() => {
        this.registerBuffer('_u', normalize(randn([h]), { dim: 0, eps }));
        this.registerBuffer('_v', normalize(randn([w]), { dim: 0, eps }));
      });
      this.powerMethod(asMatrix(weight, this.dim), 15);
    }
  }

  /** u and v advanced in place, u first (this parametrization's order; the hook version's is v first). */
  private powerMethod(mat: Tensor, iterations: number): void {
    noGrad(() => {
      const u = this._u as Tensor, v = this._v as Tensor;
      for (let i = 0; i < iterations; i++) {
        u.data.set(normalize(mv(mat, v), { dim: 0, eps: this.eps }).data);
        v.data.set(normalize(mv(mT(mat), u), { dim: 0, eps: this.eps }).data);
      }
    });
  }

  /** weight / sigma (a 1-D weight: normalized), after the power iterations in training mode. */
  forward(weight: Tensor): Tensor {
    if (weight.ndim === 1) return normalize(weight, { dim: 0, eps: this.eps });
    const mat = asMatrix(weight, this.dim);
    if (this.training) this.powerMethod(mat, this.nPowerIterations);
    // Copies, as torch's clones: a later read advances u and v in place while this graph waits for its backward.
    const sigma = vdot((this._u as Tensor).clone(), mv(mat, (this._v as Tensor).clone()));
    return weight.div(sigma);
  }

  /** The stored tensor is the value assigned. */
  rightInverse(value: Tensor): Tensor {
    return value;
  }
}

/**
 * Divides module[name] (default 'weight') by its spectral norm on every read, as a parametrization
 * (torch.nn.utils.parametrizations.spectral_norm): u and v are the buffers _u and _v of
 * module.parametrizations[name][0], advanced by nPowerIterations in training mode (15 at first).
 * Returns the module.
 */
export function spectralNorm<M extends Module>(module: M, name = 'weight', options?: SpectralNormParametrizationOptions): M {
  const what = 'parametrizations.spectralNorm';
  if (!(module instanceof Module)) throw new Error(`${what}: module must be a Module, got ${shown(module)}`);
  const weight = (module as unknown as Record<string, unknown>)[name];
  if (!(weight instanceof Tensor)) throw new Error(`${what}: ${module.constructor.name} has no parameter or buffer '${name}'`);
  const o = optionsOf(options, what, { nPowerIterations: 'value', eps: 'value', dim: 'value' });
  const iterations = o.nPowerIterations ?? 1;
  if (!Number.isSafeInteger(iterations) || iterations <= 0) throw new Error(`${what}: nPowerIterations must be a positive integer, got ${shown(iterations)}`);
  const eps = o.eps ?? 1e-12;
  if (typeof eps !== 'number' || !(eps >= 0)) throw new Error(`${what}: eps must be a non-negative number, got ${shown(eps)}`);
  const dim = normDim(o.dim ?? outputFeaturesDim(module), weight.ndim, what);
  return registerParametrization(module, name, new SpectralNorm(weight, iterations, dim, eps));
}
