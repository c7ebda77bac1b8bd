// torch's blockDiag, cartesianProd, diagflat, trilIndices and triuIndices: block diagonals and
// diagonals are x's elements placed into zeros (structure.ts's placedInZeros, whose gradient picks
// them back out); the index lists are float32 tensors of integers, as the library's index outputs.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { shown } from '../args';
import { checkTensor, composedOf } from './core';
import { tensorArray, cat, stack } from './join';
import { reshape } from './shape';
import { checkInt, diag, meshgrid, placedInZeros } from './structure';
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
