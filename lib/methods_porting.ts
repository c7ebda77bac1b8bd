// Attaches torch's small Tensor methods that ported code calls (isFloatingPoint, isNonzero, conj,
// adjoint, long, int, bool, ...) as methods.ts does for the ops. Integer and boolean "casts" keep the
// float storage: they give the values torch's cast gives (toward zero; 0 or 1), exact up to 2^24,
// which is how every index and label here is held.
import { Tensor } from './tensor';
import * as porting from './ops/porting';
import { trunc } from './ops/unary';
import { ne } from './ops/more';

declare module './tensor' {
  interface Tensor {
    /** True: tensors here hold floating-point values (torch's Tensor.is_floating_point). */
    isFloatingPoint(): boolean;
    /** False: tensors here are real (Tensor.is_complex). */
    isComplex(): boolean;
    /** True: floating-point values are signed (Tensor.is_signed). */
    isSigned(): boolean;
    /** Whether the one element is nonzero (Tensor.is_nonzero). */
    isNonzero(): boolean;
    /** Whether other has this tensor's shape (Tensor.is_same_size). */
    isSameSize(other: Tensor): boolean;
    /** This tensor: the conjugate of a real tensor (Tensor.conj, conj_physical, resolve_conj, resolve_neg). */
    conj(): Tensor;
    /** This tensor, every tensor here being real (Tensor.resolve_conj). */
    resolveConj(): Tensor;
    /** This tensor, every tensor here being real (Tensor.resolve_neg). */
    resolveNeg(): Tensor;
    /** The transpose of the last two dims (Tensor.adjoint; real tensors). */
    adjoint(): Tensor;
    /** The values cast to integers as torch's long() does (toward zero), held as floats (exact up to 2^24). */
    long(): Tensor;
    /** The values cast to integers as torch's int() does (toward zero), held as floats (exact up to 2^24). */
    int(): Tensor;
    /** 1 where nonzero (NaN included), 0 elsewhere, as torch's bool() then a float (held as floats). */
    bool(): Tensor;
  }
}

const P = Tensor.prototype;
P.isFloatingPoint = function () { return porting.isFloatingPoint(this); };
P.isComplex = function () { return porting.isComplex(this); };
P.isSigned = function () { return true; };
P.isNonzero = function () { return porting.isNonzero(this); };
P.isSameSize = function (o) { return porting.isSameSize(this, o); };
P.conj = function () { return porting.conj(this); };
P.resolveConj = function () { return this; };
P.resolveNeg = function () { return this; };
P.adjoint = function () { return porting.adjoint(this); };
P.long = function () { return trunc(this); };
P.int = function () { return trunc(this); };
P.bool = function () { return ne(this, 0); };
