// torch's remaining named products: dot, vdot, inner, mv, tensordot, the scaled sums addmv, addr,
// baddbmm and addbmm (addmm's kin), and the pointwise addcmul and addcdiv. Each is composed of
// matmul, mul, add and sum, so the gradients are theirs.
import { Tensor } from '../tensor';
import { broadcastShapes, fmt, normDim, sameShape } from '../shape';
import { optionsOf, OptionKinds, shown } from '../args';
import { add, div, mul } from './binary';
import { asTensor, checkNumber, checkTensor, composedOf, fusibleUnrecorded, Operand } from './core';
import { B } from '../backend/registry';
import { Pointwise3, Pointwise3Code } from '../backend/backend';
import { allocOutput } from '../storage';
import { matmul } from './matmul';
import { sum } from './reduce';
import { permute, reshape } from './shape';
import { bmm, checkInner, checkRank, mm, outer } from './matrix_products';

function checkVectors(a: Tensor, b: Tensor, what: string): void {
  checkTensor(a, what);
  checkTensor(b, what);
  if (a.ndim !== 1 || b.ndim !== 1) throw new Error(`${what}: both operands must be 1-D vectors, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  if (a.shape[0] !== b.shape[0]) throw new Error(`${what}: the vectors must be of one length, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
}

/** The inner product of two vectors of one length, a 0-d tensor (torch.dot). */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkVectors(a, b, 'dot');
  return matmul(a, b);
}

/** torch.vdot: dot with the first vector conjugated, which for real tensors is dot. */
export function vdot(a: Tensor, b: Tensor): Tensor {
  checkVectors(a, b, 'vdot');
  return matmul(a, b);
}

function checkMatVec(mat: Tensor, vec: Tensor, what: string): void {
  checkTensor(mat, what);
  checkTensor(vec, what);
  if (mat.ndim !== 2 || vec.ndim !== 1) throw new Error(`${what}: expected a matrix (2-D) and a vector (1-D), got shapes ${fmt(mat.shape)} and ${fmt(vec.shape)}`);
  if (mat.shape[1] !== vec.shape[0]) throw new Error(`${what}: shapes ${fmt(mat.shape)} and ${fmt(vec.shape)} cannot be multiplied (${mat.shape[1]} columns against ${vec.shape[0]} elements)`);
}

/** The product of a matrix [n, m] and a vector [m], a vector [n] (torch.mv). */
export function mv(mat: Tensor, vec: Tensor): Tensor {
  checkMatVec(mat, vec, 'mv');
  return matmul(mat, vec);
}

/**
 * Sums of products over the last dim of each (torch.inner): shape a.shape[:-1] + b.shape[:-1]; a
 * 0-d operand multiplies the other elementwise.
 */
export function inner(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'inner');
  checkTensor(b, 'inner');
  if (a.ndim === 0 || b.ndim === 0) return mul(a, b);
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 1]) {
    throw new Error(`inner: the last dims must be of one size, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  return tensordot(a, b, [[a.ndim - 1], [b.ndim - 1]]);
}

/** The dims tensordot contracts: a count (a's last n against b's first n) or the two lists. */
export type TensordotDims = number | readonly [readonly number[], readonly number[]];

function contractedDims(a: Tensor, b: Tensor, dims: TensordotDims): [number[], number[]] {
  if (typeof dims === 'number') {
    if (!Number.isSafeInteger(dims) || dims < 0 || dims > a.ndim || dims > b.ndim) {
      throw new Error(`tensordot: dims must be an integer from 0 to the smaller rank (${Math.min(a.ndim, b.ndim)}) or two lists of dims, got ${shown(dims)}`);
    }
    return [Array.from({ length: dims }, (_, i) => a.ndim - dims + i), Array.from({ length: dims }, (_, i) => i)];
  }
  if (!Array.isArray(dims) || dims.length !== 2 || !Array.isArray(dims[0]) || !Array.isArray(dims[1])) {
    throw new Error(`tensordot: dims must be an integer or two lists of dims, got ${shown(dims)}`);
  }
  const [da, db] = dims as readonly [readonly number[], readonly number[]];
  if (da.length !== db.length) throw new Error(`tensordot: the two lists of dims must be of one length, got ${shown(da)} and ${shown(db)}`);
  const na = da.map((d) => normDim(d, a.ndim, 'tensordot')), nb = db.map((d) => normDim(d, b.ndim, 'tensordot'));
  const repeated = (ds: number[]) => ds.some((d, i) => ds.indexOf(d) !== i);
  if (repeated(na) || repeated(nb)) throw new Error(`tensordot: a dim is contracted twice in ${shown(da)} / ${shown(db)}`);
  na.forEach((d, i) => {
    if (a.shape[d] !== b.shape[nb[i]]) {
      throw new Error(`tensordot: contracted dims differ in size: dim ${d} of ${fmt(a.shape)} (${a.shape[d]}) against dim ${nb[i]} of ${fmt(b.shape)} (${b.shape[nb[i]]})`);
    }
  });
  return [na, nb];
}

/**
 * Sums of products over the dims `dims` pairs up (torch.tensordot): the result's shape is a's free
 * dims then b's, in order. dims = n contracts a's last n dims with b's first n.
 */
export function tensordot(a: Tensor, b: Tensor, dims: TensordotDims = 2): Tensor {
  checkTensor(a, 'tensordot');
  checkTensor(b, 'tensordot');
  const [ca, cb] = contractedDims(a, b, dims);
  const freeA = a.shape.map((_, d) => d).filter((d) => !ca.includes(d));
  const freeB = b.shape.map((_, d) => d).filter((d) => !cb.includes(d));
  const size = (t: Tensor, ds: number[]) => ds.reduce((p, d) => p * t.shape[d], 1);
  const k = size(a, ca);
  return composedOf((own) => {
    // a as [free, contracted] and b as [contracted, free]: one matrix product.
    const am = own(reshape(own(permute(a, [...freeA, ...ca])), [size(a, freeA), k]));
    const bm = own(reshape(own(permute(b, [...cb, ...freeB])), [k, size(b, freeB)]));
    return reshape(own(matmul(am, bm)), [...freeA.map((d) => a.shape[d]), ...freeB.map((d) => b.shape[d])]);
  }, [a, b]);
}

/** Options of the scaled sums addmm, addmv, addr, baddbmm and addbmm. */
export interface ScaledSumOptions {
  /** Factor of input (default 1; 0 ignores input's values, NaN included, as torch does). */
  beta?: number;
  /** Factor of the product (default 1). */
  alpha?: number;
}

/**
 * beta input + alpha product, input broadcast to the product's shape: torch's add* functions,
 * `product` computing the product once the arguments are checked.
 */
function scaledSum(what: string, input: Tensor, options: ScaledSumOptions | undefined, shape: readonly number[], product: () => Tensor): Tensor {
  checkTensor(input, what);
  const { beta = 1, alpha = 1 } = optionsOf(options, what, { beta: 'value', alpha: 'value' } satisfies OptionKinds<ScaledSumOptions>);
  checkNumber(beta, what, 'beta');
  checkNumber(alpha, what, 'alpha');
  if (!sameShape(broadcastShapes(input.shape, shape, `${what}: input against the product`), shape)) {
    throw new Error(`${what}: input of shape ${fmt(input.shape)} does not broadcast to the product's shape ${fmt(shape)}`);
  }
  return composedOf((own) => {
    const p = own(product());
    const scaled = alpha === 1 ? p : own(mul(p, alpha));
    return beta === 0 ? scaled : add(beta === 1 ? input : own(mul(input, beta)), scaled);
  }, [input]);
}

/** beta input + alpha (mat @ vec), input broadcast to [n] (torch.addmv). */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, options?: ScaledSumOptions): Tensor {
  checkMatVec(mat, vec, 'addmv');
  return scaledSum('addmv', input, options, [mat.shape[0]], () => mv(mat, vec));
}

/** beta input + alpha outer(vec1, vec2), input broadcast to [n, m] (torch.addr). */
export function addr(input: Tensor, vec1: Tensor, vec2: Tensor, options?: ScaledSumOptions): Tensor {
  checkRank(vec1, vec2, 1, 'addr', 'vectors');
  return scaledSum('addr', input, options, [vec1.shape[0], vec2.shape[0]], () => outer(vec1, vec2));
}

function checkBatches(b1: Tensor, b2: Tensor, what: string): void {
  checkRank(b1, b2, 3, what, 'batches of matrices');
  if (b1.shape[0] !== b2.shape[0]) throw new Error(`${what}: batch sizes differ: shapes ${fmt(b1.shape)} and ${fmt(b2.shape)}`);
  checkInner(b1, b2, what);
}

/** beta input + alpha bmm(batch1, batch2), input broadcast to [B, n, m] (torch.baddbmm). */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options?: ScaledSumOptions): Tensor {
  checkBatches(batch1, batch2, 'baddbmm');
  return scaledSum('baddbmm', input, options, [batch1.shape[0], batch1.shape[1], batch2.shape[2]], () => bmm(batch1, batch2));
}

/** beta input + alpha times the sum over the batch of batch1[i] @ batch2[i], input broadcast to [n, m] (torch.addbmm). */
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options?: ScaledSumOptions): Tensor {
  checkBatches(batch1, batch2, 'addbmm');
  return scaledSum('addbmm', input, options, [batch1.shape[1], batch2.shape[2]], () => composedOf((own) => sum(own(bmm(batch1, batch2)), 0)));
}

/** beta input + alpha (mat1 @ mat2), input broadcast to the product's shape (torch.addmm). */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options?: ScaledSumOptions): Tensor {
  checkRank(mat1, mat2, 2, 'addmm', 'matrices');
  checkInner(mat1, mat2, 'addmm');
  return scaledSum('addmm', input, options, [mat1.shape[0], mat2.shape[1]], () => mm(mat1, mat2));
}

/** Options of addmm (the scaled sums' options). */
export type AddmmOptions = ScaledSumOptions;

/** Options of addcmul and addcdiv. */
export interface AddcOptions {
  /** Factor of the product or quotient (default 1). */
  value?: number;
}

function pointwiseSum(what: string, input: Operand, t1: Operand, t2: Operand, options: AddcOptions | undefined, f: (a: Tensor, b: Tensor) => Tensor, fused: Pointwise3Code): Tensor {
  const x = asTensor(input, what), a = asTensor(t1, what), b = asTensor(t2, what);
  const { value = 1 } = optionsOf(options, what, { value: 'value' } satisfies OptionKinds<AddcOptions>);
  checkNumber(value, what, 'value');
  broadcastShapes(broadcastShapes(x.shape, a.shape, what), b.shape, what);
  if (fusibleUnrecorded([x, a, b])) {
    // An optimizer's step or a running average, no gradient kept: one pass, the same roundings.
    const y = allocOutput(x.size);
    B().pointwise3(fused, x.data, a.data, b.data, value, y);
    return new Tensor(y, [...x.shape]);
  }
  // torch's order: value * tensor1 first, then times (or over) tensor2.
  return composedOf((own) => add(x, own(f(value === 1 ? a : own(mul(a, value)), b))), [x, a, b]);
}

/** input + value * tensor1 * tensor2, broadcast (torch.addcmul). */
export function addcmul(input: Operand, tensor1: Operand, tensor2: Operand, options?: AddcOptions): Tensor {
  return pointwiseSum('addcmul', input, tensor1, tensor2, options, mul, Pointwise3.addcmul);
}

/** input + value * tensor1 / tensor2, broadcast (torch.addcdiv). */
export function addcdiv(input: Operand, tensor1: Operand, tensor2: Operand, options?: AddcOptions): Tensor {
  return pointwiseSum('addcdiv', input, tensor1, tensor2, options, div, Pointwise3.addcdiv);
}
