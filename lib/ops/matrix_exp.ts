// torch.linalg.matrix_exp: e^A of each square matrix, by scaling and squaring with the [13/13] Padé
// approximant (Higham 2005, "The scaling and squaring method for the matrix exponential revisited"),
// in double and rounded once. torch evaluates optimized Taylor polynomials in float32, a few ulps from
// the exact value. The gradient is the adjoint of the Fréchet derivative, read off the exponential of
// the block matrix [[A^T, G], [0, A^T]] (its upper-right block), as torch's backward does.
import { Tensor } from '../tensor';
import { allocOutput } from '../storage';
import { record } from './core';
import { squareMatrices } from './matrices';
import { cat, narrow } from './join';
import { transpose } from './shape';
import { zerosLike } from './creation';

// Padé 13's coefficients and the 1-norm up to which it is accurate to double's unit roundoff unscaled.
const PADE13 = [64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
  670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1];
const THETA13 = 5.371920351148152;

/** a b for n x n row-major matrices in double. */
function product(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  }
  return c;
}

/** The sum of coefficient-weighted matrices, plus c0 on the diagonal. */
function combination(terms: [number, Float64Array][], c0: number, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (const [c, m] of terms) for (let i = 0; i < out.length; i++) out[i] += c * m[i];
  for (let i = 0; i < n; i++) out[i * n + i] += c0;
  return out;
}

/** X with p X = q, by Gaussian elimination with partial pivoting (p and q are overwritten). */
function solveInPlace(p: Float64Array, q: Float64Array, n: number): Float64Array {
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(p[r * n + c]) > Math.abs(p[pivot * n + c])) pivot = r;
    if (pivot !== c) {
      for (let j = 0; j < n; j++) {
        [p[c * n + j], p[pivot * n + j]] = [p[pivot * n + j], p[c * n + j]];
        [q[c * n + j], q[pivot * n + j]] = [q[pivot * n + j], q[c * n + j]];
      }
    }
    const d = p[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const f = p[r * n + c] / d;
      if (f === 0) continue;
      for (let j = c; j < n; j++) p[r * n + j] -= f * p[c * n + j];
      for (let j = 0; j < n; j++) q[r * n + j] -= f * q[c * n + j];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    for (let j = 0; j < n; j++) {
      let v = q[c * n + j];
      for (let k = c + 1; k < n; k++) v -= p[c * n + k] * q[k * n + j];
      q[c * n + j] = v / p[c * n + c];
    }
  }
  return q;
}

/** e^A of one n x n matrix in double (NaN throughout when A holds a NaN or an infinity). */
export function expmOf(a: Float64Array, n: number): Float64Array {
  if (!a.every(Number.isFinite)) return new Float64Array(n * n).fill(NaN);
  let norm = 0;
  for (let j = 0; j < n; j++) {
    let col = 0;
    for (let i = 0; i < n; i++) col += Math.abs(a[i * n + j]);
    norm = Math.max(norm, col);
  }
  const s = norm > THETA13 ? Math.ceil(Math.log2(norm / THETA13)) : 0;
  const scale = 2 ** -s;
  const A = a.map((v) => v * scale);
  const b = PADE13;
  const A2 = product(A, A, n), A4 = product(A2, A2, n), A6 = product(A4, A2, n);
  const u = product(A, combination([[1, product(A6, combination([[b[13], A6], [b[11], A4], [b[9], A2]], 0, n), n)], [b[7], A6], [b[5], A4], [b[3], A2]], b[1], n), n);
  const v = combination([[1, product(A6, combination([[b[12], A6], [b[10], A4], [b[8], A2]], 0, n), n)], [b[6], A6], [b[4], A4], [b[2], A2]], b[0], n);
  let e = solveInPlace(v.map((x, i) => x - u[i]), v.map((x, i) => x + u[i]), n);
  for (let k = 0; k < s; k++) e = product(e, e, n);
  return e;
}

/**
 * The matrix exponential of each square matrix of A [..., n, n] (torch.linalg.matrix_exp), in double
 * and rounded once; NaN where a matrix holds a NaN or an infinity. Gradient: the adjoint of the
 * Fréchet derivative at A, applied to the output's gradient.
 */
export function matrixExp(A: Tensor): Tensor {
  const { n, count } = squareMatrices(A, 'matrixExp');
  const y = allocOutput(A.size);
  const nn = n * n;
  for (let m = 0; m < count; m++) y.set(expmOf(Float64Array.from(A.data.subarray(m * nn, (m + 1) * nn)), n), m * nn);
  const out = record(y, [...A.shape], [A], 'matrixExp', (gy) => {
    const g = allocOutput(A.size);
    const w = 2 * n;
    for (let m = 0; m < count; m++) {
      // [[A^T, G], [0, A^T]]: its exponential's upper-right block is the gradient.
      const block = new Float64Array(w * w);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const at = A.data[m * nn + j * n + i];
          block[i * w + j] = at;
          block[(n + i) * w + n + j] = at;
          block[i * w + n + j] = gy[m * nn + i * n + j];
        }
      }
      const e = expmOf(block, w);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[m * nn + i * n + j] = e[i * w + n + j];
    }
    return [g];
  });
  // createGraph: the same block matrix's exponential, as recorded ops (torch's differentiable form).
  if (out.node) {
    out.node.graphBackward = (gy) => {
      const at = transpose(A, -1, -2);
      const block = cat([cat([at, gy], -1), cat([zerosLike(at), at], -1)], -2);
      return [narrow(narrow(matrixExp(block), -2, 0, n), -1, n, n)];
    };
  }
  return out;
}
