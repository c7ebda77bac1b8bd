// torch.linalg's functions that are other ops seen through a reshape: vander (running products),
// tensorinv and tensorsolve (inv and solve of the flattened operator). Composed of recorded ops, so
// their gradients (and createGraph's) are those ops'.
import { Tensor } from '../tensor';
import { fmt, sizeOf } from '../shape';
import { checkInt, diagonal as diagonalOf } from './structure';
import { checkTensor, composedOf } from './core';
import { reshape, unsqueeze, expand, permute } from './shape';
import { cat } from './join';
import { ones } from './creation';
import { cumprod } from './product';
import { inv, solve } from './linalg';

/**
 * The Vandermonde matrix of x [..., n] (torch.linalg.vander): [..., n, N] with columns x^0, x^1, ...,
 * x^(N-1) (N defaults to n), made by running products, so that its gradient at x = 0 is finite.
 */
export function vander(x: Tensor, N?: number): Tensor {
  checkTensor(x, 'vander');
  if (x.ndim < 1) throw new Error('vander: x must have at least one dimension, got a 0-d tensor');
  const n = x.shape[x.ndim - 1];
  const cols = N ?? n;
  checkInt(cols, 'vander', 'N');
  if (cols < 1) throw new Error(`vander: N must be at least 1, got ${cols}`);
  const lead = x.shape.slice(0, -1);
  return composedOf((own) => {
    const first = own(ones([...lead, n, 1]));
    if (cols === 1) return first;
    const repeated = own(expand(own(unsqueeze(x, -1)), [...lead, n, cols - 1]));
    return cat([first, own(cumprod(repeated, -1))], -1);
  }, [x]);
}

/**
 * The inverse of A seen as a linear map from its last dims to its first `ind` (torch.linalg.tensorinv):
 * prod(A.shape[:ind]) must equal prod(A.shape[ind:]); the result has shape A.shape[ind:] + A.shape[:ind].
 */
export function tensorinv(A: Tensor, ind = 2): Tensor {
  checkTensor(A, 'tensorinv');
  checkInt(ind, 'tensorinv', 'ind');
  if (ind < 1 || ind > A.ndim) throw new Error(`tensorinv: ind must be in [1, ${A.ndim}] for A of shape ${fmt(A.shape)}, got ${ind}`);
  const outer = A.shape.slice(0, ind), inner = A.shape.slice(ind);
  if (sizeOf(outer) !== sizeOf(inner)) {
    throw new Error(`tensorinv: the product of A's first ${ind} dims (${sizeOf(outer)}) must equal that of the rest (${sizeOf(inner)}), shape ${fmt(A.shape)}`);
  }
  return composedOf((own) => reshape(own(inv(own(reshape(A, [sizeOf(outer), sizeOf(inner)])))), [...inner, ...outer]), [A]);
}

/**
 * The X with tensordot(A, X, X.ndim) = B (torch.linalg.tensorsolve): A's leading dims are B's shape,
 * its trailing ones X's, of equal products; `dims` first moves those of A's dims to the end.
 */
export function tensorsolve(A: Tensor, Bm: Tensor, dims?: readonly number[]): Tensor {
  checkTensor(A, 'tensorsolve');
  checkTensor(Bm, 'tensorsolve');
  let a = A;
  return composedOf((own) => {
    if (dims !== undefined) {
      const moved = dims.map((d) => {
        checkInt(d, 'tensorsolve', 'dims');
        if (d < -A.ndim || d >= A.ndim) throw new Error(`tensorsolve: dims entry ${d} is out of range for A of shape ${fmt(A.shape)}`);
        return d < 0 ? d + A.ndim : d;
      });
      if (new Set(moved).size !== moved.length) throw new Error(`tensorsolve: dims must not repeat a dim, got [${dims.join(', ')}]`);
      a = own(permute(A, [...A.shape.map((_, d) => d).filter((d) => !moved.includes(d)), ...moved]));
    }
    const lead = a.shape.slice(0, Bm.ndim);
    if (Bm.ndim > a.ndim || lead.some((d, i) => d !== Bm.shape[i])) {
      throw new Error(`tensorsolve: A's leading dims must be B's shape ${fmt(Bm.shape)}, got A of shape ${fmt(a.shape)}`);
    }
    const xShape = a.shape.slice(Bm.ndim);
    if (sizeOf(xShape) !== Bm.size) {
      throw new Error(`tensorsolve: the product of A's trailing dims ${fmt(xShape)} (${sizeOf(xShape)}) must equal B's size (${Bm.size})`);
    }
    const x = own(solve(own(reshape(a, [Bm.size, Bm.size])), own(reshape(Bm, [Bm.size]))));
    return reshape(x, xShape);
  }, [A, Bm]);
}

/** The diagonals of A's matrices (torch.linalg.diagonal): diagonal with its dims defaulting to the last two, not the first. */
export function diagonal(A: Tensor, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  return diagonalOf(A, offset, dim1, dim2);
}
