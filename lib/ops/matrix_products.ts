// torch's named matrix products beside matmul: mm and bmm (matmul without its promotions and
// broadcasting, so a wrong rank is an error rather than a different product) and outer (addmm and
// the other scaled sums are in products_more.ts).
// Each is composed of ops, so the gradients are theirs.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { mul } from './binary';
import { checkTensor } from './core';
import { matmul } from './matmul';
import { reshape } from './shape';

export function checkRank(a: Tensor, b: Tensor, rank: number, what: string, kind: string): void {
  checkTensor(a, what);
  checkTensor(b, what);
  if (a.ndim !== rank || b.ndim !== rank) throw new Error(`${what}: both operands must be ${kind} (${rank}-D), got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
}

export function checkInner(a: Tensor, b: Tensor, what: string): void {
  const k = a.shape[a.ndim - 1];
  if (b.shape[b.ndim - 2] !== k) throw new Error(`${what}: shapes ${fmt(a.shape)} and ${fmt(b.shape)} cannot be multiplied (${k} columns against ${b.shape[b.ndim - 2]} rows)`);
}

/** The product of two matrices, [n, k] @ [k, m] -> [n, m] (torch.mm). */
export function mm(a: Tensor, b: Tensor): Tensor {
  checkRank(a, b, 2, 'mm', 'matrices');
  checkInner(a, b, 'mm');
  return matmul(a, b);
}

/** Products of two batches of matrices of one batch size, [B, n, k] @ [B, k, m] -> [B, n, m] (torch.bmm: no broadcasting). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkRank(a, b, 3, 'bmm', 'batches of matrices');
  if (a.shape[0] !== b.shape[0]) throw new Error(`bmm: batch sizes differ: shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  checkInner(a, b, 'bmm');
  return matmul(a, b);
}

/** The outer product of two vectors, [n] and [m] -> [n, m], a[i] * b[j] (torch.outer). */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkRank(a, b, 1, 'outer', 'vectors');
  return mul(reshape(a, [a.shape[0], 1]), b);
}
