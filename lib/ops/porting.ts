// torch's small top-level functions that ported code calls on the way to real work: type queries
// (every tensor here is real and floating point, float32 or float64 storage), no-op conjugations of
// real tensors, rsub, adjoint, asTensor / asarray / scalarTensor. Each answers as torch does for a
// real floating-point tensor.
import { Tensor } from '../tensor';
import type { Dtype } from '../placement';
import { fmt, sameShape } from '../shape';
import { optionsOf, shown } from '../args';
import { checkNumber, checkTensor } from './core';
import { mul, sub } from './binary';
import { mT } from './shape';
import { tensor } from './creation';
import type { TensorData, TensorOptions } from './creation';
import { isFloat64Storage } from '../storage';

const DTYPES: readonly Dtype[] = ['float32', 'float64'];

/** Whether x is a Tensor (torch.is_tensor). */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** True: every tensor here holds floating-point values (torch.is_floating_point). */
export function isFloatingPoint(x: Tensor): boolean {
  checkTensor(x, 'isFloatingPoint');
  return true;
}

/** False: tensors here are real (torch.is_complex). */
export function isComplex(x: Tensor): boolean {
  checkTensor(x, 'isComplex');
  return false;
}

/** Whether the one element of x is nonzero (torch.is_nonzero); more or fewer elements are an error, as torch's. */
export function isNonzero(x: Tensor): boolean {
  checkTensor(x, 'isNonzero');
  if (x.size !== 1) throw new Error(`isNonzero: the truth of a tensor of ${x.size} elements (shape ${fmt(x.shape)}) is ambiguous; it needs exactly one`);
  return x.data[0] !== 0;
}

/** Whether a and b have the same shape (torch.is_same_size). */
export function isSameSize(a: Tensor, b: Tensor): boolean {
  checkTensor(a, 'isSameSize');
  checkTensor(b, 'isSameSize other');
  return sameShape(a.shape, b.shape);
}

/** The number of elements (torch.numel). */
export function numel(x: Tensor): number {
  return checkTensor(x, 'numel').size;
}

/** x itself (torch.positive). */
export function positive(x: Tensor): Tensor {
  return checkTensor(x, 'positive');
}

/** x itself: the conjugate of a real tensor (torch.conj, conj_physical, resolve_conj, resolve_neg). */
export function conj(x: Tensor): Tensor {
  return checkTensor(x, 'conj');
}

/** x itself: the real part of a real tensor (torch.real). */
export function real(x: Tensor): Tensor {
  return checkTensor(x, 'real');
}

/** The conjugate transpose of the last two dims: the transpose, tensors here being real (torch.adjoint). */
export function adjoint(x: Tensor): Tensor {
  checkTensor(x, 'adjoint');
  if (x.ndim < 2) throw new Error(`adjoint: expects a tensor with at least 2 dimensions, got shape ${fmt(x.shape)}`);
  return mT(x);
}

/** Options of rsub. */
export interface RsubOptions {
  /** The multiplier of input (default 1). */
  alpha?: number;
}

/** other - alpha input, broadcast (torch.rsub: sub with its operands swapped). */
export function rsub(input: Tensor | number, other: Tensor | number, options?: RsubOptions): Tensor {
  const o = optionsOf(options, 'rsub', { alpha: 'value' });
  const alpha = o.alpha === undefined ? 1 : checkNumber(o.alpha, 'rsub', 'alpha');
  const scaled = alpha === 1 ? input : typeof input === 'number' ? input * alpha : mul(input, alpha);
  if (typeof scaled === 'number' && typeof other === 'number') return tensor(other - scaled);
  return typeof other === 'number' ? sub(tensor(other), scaled as Tensor) : sub(other, scaled);
}

/** The storage dtype of tensors here: float64 inside withFloat64, else float32. */
const storageDtype = (): Dtype => (isFloat64Storage() ? 'float64' : 'float32');

/** The dtype an op of a and b gives (torch.result_type): the tensors' dtype, every tensor here sharing it. */
export function resultType(a: Tensor | number, b: Tensor | number): Dtype {
  for (const [name, v] of [['a', a], ['b', b]] as const) {
    if (!(v instanceof Tensor) && typeof v !== 'number') throw new Error(`resultType: ${name} must be a Tensor or a number, got ${shown(v)}`);
  }
  return a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : storageDtype();
}

function checkDtype(d: unknown, what: string, name: string): Dtype {
  if (!DTYPES.includes(d as Dtype)) throw new Error(`${what}: ${name} must be one of ${DTYPES.map((t) => `'${t}'`).join(', ')} (the floating-point dtypes here), got ${shown(d)}`);
  return d as Dtype;
}

/** The smaller dtype both promote to (torch.promote_types): float64 if either is. */
export function promoteTypes(a: Dtype, b: Dtype): Dtype {
  return checkDtype(a, 'promoteTypes', 'a') === 'float64' || checkDtype(b, 'promoteTypes', 'b') === 'float64' ? 'float64' : 'float32';
}

/** Whether a value of dtype from may be cast to dtype to by torch's casting rule: always, between floating-point dtypes (torch.can_cast). */
export function canCast(from: Dtype, to: Dtype): boolean {
  checkDtype(from, 'canCast', 'from');
  checkDtype(to, 'canCast', 'to');
  return true;
}

/** data as a tensor, a Tensor given back as it is (torch.as_tensor, torch.asarray: no copy where none is needed). */
export function asTensor(data: TensorData | Tensor, options?: TensorOptions): Tensor {
  return data instanceof Tensor && options === undefined ? data : tensor(data instanceof Tensor ? data.toFloat32Array() : data, data instanceof Tensor ? { shape: [...data.shape], ...options } : options);
}

/** A 0-d tensor of one number (torch.scalar_tensor). */
export function scalarTensor(value: number, options?: TensorOptions): Tensor {
  return tensor(checkNumber(value, 'scalarTensor', 'value'), options);
}
