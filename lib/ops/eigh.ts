// torch.linalg.eigh and eigvalsh: the eigendecomposition of symmetric matrices (the backend's eigh
// kernel), with torch's gradient.
import { Tensor } from '../tensor';
import { isGradEnabled } from '../autograd';
import { B } from '../backend/registry';
import { optionsOf, shown } from '../args';
import { alloc, allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { reached, recordResults, squareMatrices, whichMatrix } from './matrices';
import { add, div, mul, sub } from './binary';
import { matmul } from './matmul';
import { transpose, unsqueeze } from './shape';
import { diagEmbed } from './structure';
import { eye } from './creation';
import { batchProducts } from './lu';

/** Options of eigh and eigvalsh. */
export interface EighOptions {
  /** The triangle read: 'L' (default, the lower) or 'U'; the other is taken to mirror it. */
  uplo?: 'L' | 'U';
}

/** eigh's result: A = V diag(L) V^T. */
export interface EighResult {
  /** [..., n], ascending. */
  eigenvalues: Tensor;
  /** [..., n, n], unit eigenvectors as columns (each one's sign is arbitrary, as LAPACK's). */
  eigenvectors: Tensor;
}

/**
 * The gradient of A = V diag(L) V^T, as torch's: V M V^T with M_ii = gL_i and, off the diagonal,
 * the skew part of V^T gV divided by L_j - L_i. Where no gradient reached V (eigvalsh, or the
 * eigenvalues alone used), M is diag(gL): defined at repeated eigenvalues, as torch's.
 */
function eighGradient(count: number, n: number, values: Float32Array, vectors: Float32Array, gl: Float32Array, gv: Float32Array): Float32Array {
  const skewed = reached(gv);
  const m = skewed ? batchProducts(count, true, false, n, n, n, vectors, gv) : allocOutput(count * n * n).fill(0);
  for (let b = 0; b < count; b++) {
    const o = b * n * n, l = values.subarray(b * n, (b + 1) * n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n && skewed; j++) {
        const skew = 0.5 * (m[o + i * n + j] - m[o + j * n + i]);
        m[o + i * n + j] = skew / (l[j] - l[i]);
        m[o + j * n + i] = -skew / (l[i] - l[j]);
      }
      m[o + i * n + i] = gl[b * n + i];
    }
  }
  const t = batchProducts(count, false, false, n, n, n, vectors, m);
  const g = batchProducts(count, false, true, n, n, n, t, vectors);
  recycleArray(m);
  recycleArray(t);
  return g;
}

/** The decomposition's arrays, or an error naming `what` and a matrix whose iteration did not converge. */
export function eighArrays(A: Tensor, what: string, options: EighOptions | undefined, withVectors: boolean) {
  const { n, count, batch } = squareMatrices(A, what);
  const uplo = optionsOf(options, what, { uplo: 'value' }).uplo ?? 'L';
  if (uplo !== 'L' && uplo !== 'U') throw new Error(`${what}: uplo must be 'L' or 'U', got ${shown(uplo)}`);
  const values = alloc(count * n), vectors = withVectors ? allocOutput(count * n * n) : alloc(0);
  const info = new Int32Array(count);
  B().eigh(A.data, n, count, uplo === 'U', values, vectors, info);
  const bad = info.findIndex((v) => v !== 0);
  if (bad >= 0) throw new Error(`${what}: the eigenvalue iteration did not converge${whichMatrix(bad, batch)}: the matrix holds a NaN or an infinity`);
  return { n, count, batch, values, vectors };
}

/**
 * The eigenvalues (ascending) and unit eigenvectors of a real symmetric matrix or of each in a
 * batch (torch.linalg.eigh), from its lower triangle (or its upper one, uplo 'U'): Householder
 * tridiagonalization and the implicit QL iteration (EISPACK's tred2 and tql2) in double precision.
 * Gradient as torch's (undefined where eigenvalues repeat and the eigenvectors' gradient is used, as there).
 */
export function eigh(A: Tensor, options?: EighOptions): EighResult {
  return decomposed(A, options, 'eigh', true);
}

function decomposed(A: Tensor, options: EighOptions | undefined, what: string, withVectors: boolean): EighResult {
  const { n, count, batch, values, vectors } = eighArrays(A, what, options, withVectors);
  const [eigenvalues, eigenvectors] = recordResults([values, vectors], [[...batch, n], withVectors ? [...batch, n, n] : [0]], [A], what,
    ([gl, gv]) => [eighGradient(count, n, values, vectors, gl, gv)],
    // The same in recorded ops: V (K / E + diag(gL)) V^T, K the skew part of V^T gV, E_ij = L_j - L_i
    // (1 on the diagonal, where K is 0).
    ([gL, gV], [L, V]) => {
      const vt = transpose(V, -1, -2);
      let inner = diagEmbed(gL);
      if (reached(gV.data)) {
        const vtgv = matmul(vt, gV);
        const e = add(sub(unsqueeze(L, -2), unsqueeze(L, -1)), eye(n));
        inner = add(inner, div(mul(sub(vtgv, transpose(vtgv, -1, -2)), 0.5), e));
      }
      return [matmul(V, matmul(inner, vt))];
    });
  return { eigenvalues, eigenvectors };
}

/**
 * The eigenvalues (ascending) of a real symmetric matrix or each of a batch (torch.linalg.eigvalsh);
 * gradient V diag(gL) V^T (the eigenvectors are computed only when a gradient is wanted).
 */
export function eigvalsh(A: Tensor, options?: EighOptions): Tensor {
  return decomposed(A, options, 'eigvalsh', isGradEnabled() && A.requiresGrad).eigenvalues;
}
