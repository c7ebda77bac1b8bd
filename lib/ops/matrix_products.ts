// torch's named matrix products beside matmul: mm and bmm (matmul without its promotions and
// broadcasting, so a wrong rank is an error rather than a different product), outer, and addmm.
// Each is composed of ops, so the gradients are theirs.
import { Tensor } from '../tensor';
import { broadcastShapes, fmt, sameShape } from '../shape';
import { optionsOf, OptionKinds } from '../args';
import { add, mul } from './binary';
import { checkNumber, checkTensor } from './core';
import { matmul } from './matmul';
import { reshape } from './shape';

function checkRank(a: Tensor, b: Tensor, rank: number, what: string, kind: string): void {
  checkTensor(a, what);
  checkTensor(b, what);
  if (a.ndim !== rank || b.ndim !== rank) throw new Error(`${what}: both operands must be ${kind} (${rank}-D), got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
}

function checkInner(a: Tensor, b: Tensor, what: string): void {
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

/** Options of addmm: the factors of input and of the product. */
export interface AddmmOptions {
  /** Factor of input (default 1; 0 ignores input's values, NaN included, as torch does). */
  beta?: number;
  /** Factor of the product (default 1). */
  alpha?: number;
}

/** beta input + alpha (mat1 @ mat2), input broadcast to the product's shape (torch.addmm). */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: AddmmOptions = {}): Tensor {
  checkTensor(input, 'addmm');
  const { beta = 1, alpha = 1 } = optionsOf(options, 'addmm', { beta: 'value', alpha: 'value' } satisfies OptionKinds<AddmmOptions>);
  checkNumber(beta, 'addmm', 'beta');
  checkNumber(alpha, 'addmm', 'alpha');
  checkRank(mat1, mat2, 2, 'addmm', 'matrices');
  checkInner(mat1, mat2, 'addmm');
  const shape = [mat1.shape[0], mat2.shape[1]];
  if (!sameShape(broadcastShapes(input.shape, shape, 'addmm: input against the product'), shape)) {
    throw new Error(`addmm: input of shape ${fmt(input.shape)} does not broadcast to the product's shape ${fmt(shape)}`);
  }
  const product = alpha === 1 ? matmul(mat1, mat2) : mul(matmul(mat1, mat2), alpha);
  if (beta === 0) return product;
  return add(beta === 1 ? input : mul(input, beta), product);
}
