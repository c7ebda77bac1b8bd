// torch's blockDiag, cartesianProd, diagflat, trilIndices, triuIndices, combinations, pdist and dist:
// block diagonals and diagonals are x's elements placed into zeros (structure.ts's placedInZeros,
// whose gradient picks them back out); combinations and pdist's pairs of rows are indexSelect's
// picks; the index lists are float32 tensors of integers, as the library's index outputs.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { shown } from '../args';
import { checkTensor, composedOf, Operand, record } from './core';
import { alloc, allocOutput } from '../storage';
import { tensorArray, cat, stack } from './join';
import { reshape } from './shape';
import { checkInt, checkNormP, diag, meshgrid, placedInZeros } from './structure';
import { indexSelect } from './index_ops';
import { sub } from './binary';
import { cdist } from './cdist';
import { vectorNorm } from './linalg_composed';
import { clone } from './more';
import { tensor } from './creation';

/**
 * The tensors as blocks down the diagonal of one matrix, zeros elsewhere (torch.block_diag): a 0-d
 * tensor is a 1 x 1 block, a 1-D one of n elements a 1 x n block.
 */
export function blockDiag(tensors: readonly Tensor[]): Tensor {
  if (!Array.isArray(tensors)) throw new Error(`blockDiag: expected an array of tensors, got ${shown(tensors)}`);
  const ts = tensors.length === 0 ? [] : tensorArray(tensors, 'blockDiag');
  ts.forEach((x, i) => {
    if (x.ndim > 2) throw new Error(`blockDiag: tensor ${i} must have at most 2 dims, got shape ${fmt(x.shape)}`);
  });
  const rowsOf = (x: Tensor) => (x.ndim === 2 ? x.shape[0] : 1), colsOf = (x: Tensor) => (x.ndim === 2 ? x.shape[1] : x.size);
  const rows = ts.reduce((s, x) => s + rowsOf(x), 0), cols = ts.reduce((s, x) => s + colsOf(x), 0);
  if (ts.length === 0) return tensor([], { shape: [1, 0] });
  // Each block's elements, row by row, at its rows and columns of the whole.
  const at: number[] = [];
  let r0 = 0, c0 = 0;
  for (const x of ts) {
    const h = rowsOf(x), w = colsOf(x);
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) at.push((r0 + r) * cols + c0 + c);
    r0 += h;
    c0 += w;
  }
  return composedOf((own) => placedInZeros(own(cat(ts.map((x) => own(reshape(x, [x.size]))), 0)), at, [rows, cols]), ts);
}

/**
 * Every combination of one element from each 1-D tensor (torch.cartesian_prod), as rows of a [N, k]
 * tensor in odometer order (the last tensor's element changing fastest); one tensor comes back as a copy.
 */
export function cartesianProd(tensors: readonly Tensor[]): Tensor {
  const ts = tensorArray(tensors, 'cartesianProd');
  ts.forEach((x, i) => {
    if (x.ndim !== 1) throw new Error(`cartesianProd: tensor ${i} must be 1-D, got shape ${fmt(x.shape)}`);
  });
  if (ts.length === 1) return clone(ts[0]);
  return composedOf((own) => stack(meshgrid(ts).map((g) => own(reshape(own(g), [g.size]))), 1), ts);
}

/** x flattened, on the `offset`-th diagonal of a square matrix (torch.diagflat). */
export function diagflat(x: Tensor, offset = 0): Tensor {
  checkTensor(x, 'diagflat');
  checkInt(offset, 'diagflat', 'offset');
  return composedOf((own) => diag(own(reshape(x, [x.size])), offset), [x]);
}

/** The [2, N] row and column indices of the elements of a rows x cols matrix that `keep` keeps, row by row. */
function triangleIndices(rows: number, cols: number, offset: number, what: string, keep: (r: number, c: number) => boolean): Tensor {
  for (const [name, v] of [['row', rows], ['col', cols]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${what}: ${name} must be a non-negative integer, got ${shown(v)}`);
  }
  checkInt(offset, what, 'offset');
  const rs: number[] = [], cs: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (keep(r, c)) {
        rs.push(r);
        cs.push(c);
      }
    }
  }
  return tensor([...rs, ...cs], { shape: [2, rs.length] });
}

/** The indices of the lower triangle of a row x col matrix (c <= r + offset), as [2, N]: rows, then columns (torch.tril_indices). */
export function trilIndices(row: number, col: number, offset = 0): Tensor {
  return triangleIndices(row, col, offset, 'trilIndices', (r, c) => c - r <= offset);
}

/** The indices of the upper triangle of a row x col matrix (c >= r + offset), as [2, N]: rows, then columns (torch.triu_indices). */
export function triuIndices(row: number, col: number, offset = 0): Tensor {
  return triangleIndices(row, col, offset, 'triuIndices', (r, c) => c - r >= offset);
}

/**
 * The length-r combinations of a 1-D tensor's elements, one per row in lexicographic order of
 * positions (torch.combinations, as Python's itertools.combinations, or
 * combinations_with_replacement with `withReplacement`): shape [C, r], or [0] for r = 0.
 */
export function combinations(x: Tensor, r = 2, withReplacement = false): Tensor {
  checkTensor(x, 'combinations');
  if (x.ndim !== 1) throw new Error(`combinations: x must be 1-D, got shape ${fmt(x.shape)}`);
  if (!Number.isSafeInteger(r) || r < 0) throw new Error(`combinations: r must be a non-negative integer, got ${shown(r)}`);
  if (typeof withReplacement !== 'boolean') throw new Error(`combinations: withReplacement must be a boolean, got ${shown(withReplacement)}`);
  if (r === 0) return composedOf((own) => reshape(own(indexSelect(x, 0, [])), [0]), [x]);
  const n = x.size;
  const picks: number[] = [];
  const chosen: number[] = [];
  const choose = (from: number): void => {
    if (chosen.length === r) {
      picks.push(...chosen);
      return;
    }
    for (let i = from; i < n; i++) {
      chosen.push(i);
      choose(withReplacement ? i : i + 1);
      chosen.pop();
    }
  };
  choose(0);
  return composedOf((own) => reshape(own(indexSelect(x, 0, picks)), [picks.length / r, r]), [x]);
}

/**
 * The p-norm distance between every pair of rows i < j of x [N, M], in the order (0, 1), (0, 2), ...,
 * (1, 2), ... (torch.pdist: cdist's upper triangle flattened, shape [N (N - 1) / 2]); p 1, 2 or Infinity.
 */
export function pdist(x: Tensor, p = 2): Tensor {
  checkTensor(x, 'pdist');
  if (x.ndim !== 2) throw new Error(`pdist: x must be 2-D (rows of points), got shape ${fmt(x.shape)}`);
  checkNormP(p, 'pdist');
  // cdist's kernel over all pairs, then the upper triangle: twice the pairs, but no [pairs, M] tensor
  // of differences (1024 rows of 64: 87 ms that way, torch 2.7).
  return composedOf((own) => aboveDiagonal(own(cdist(x, x, p))), [x]);
}

/** The elements above the diagonal of d [n, n], row after row (the gradient puts them back in zeros). */
function aboveDiagonal(d: Tensor): Tensor {
  const n = d.shape[0];
  // Row runs copied whole: an index list of n (n - 1) / 2 positions cost more than the distances.
  const y = allocOutput((n * (n - 1)) / 2);
  for (let i = 0, at = 0; i < n; at += n - 1 - i, i++) y.set(d.data.subarray(i * n + i + 1, (i + 1) * n), at);
  const out = record(y, [y.length], [d], 'pdist', (gy) => {
    const gd = alloc(n * n);
    for (let i = 0, at = 0; i < n; at += n - 1 - i, i++) gd.set(gy.subarray(at, at + n - 1 - i), i * n + i + 1);
    return [gd];
  });
  if (out.node) {
    out.node.graphBackward = (g) => {
      const upper = new Int32Array(y.length);
      for (let i = 0, at = 0; i < n; i++) for (let j = i + 1; j < n; j++) upper[at++] = i * n + j;
      return [placedInZeros(g, upper, [n, n])];
    };
  }
  return out;
}

/** The p-norm of a - b over all elements, broadcast (torch.dist; p any real, as vectorNorm's ord). */
export function dist(a: Tensor, b: Operand, p = 2): Tensor {
  checkTensor(a, 'dist');
  if (typeof p !== 'number' || Number.isNaN(p)) throw new Error(`dist: p must be a number, got ${shown(p)}`);
  return composedOf((own) => vectorNorm(own(sub(a, b)), p), [a]);
}
