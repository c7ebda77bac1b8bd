// Attaches the ops to Tensor as methods (t.add(u), t.sum(1), ...), so that tensor.ts need not import
// the ops (which import it).
import { Tensor } from './tensor';
import * as ops from './ops';
import type { Operand } from './ops/core';

declare module './tensor' {
  interface Tensor {
    add(other: Operand): Tensor;
    sub(other: Operand): Tensor;
    mul(other: Operand): Tensor;
    div(other: Operand): Tensor;
    pow(exponent: Operand): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    matmul(other: Tensor): Tensor;
    sum(dim?: number, keepDim?: boolean): Tensor;
    mean(dim?: number, keepDim?: boolean): Tensor;
    max(dim?: number, keepDim?: boolean): Tensor;
    argmax(dim?: number, keepDim?: boolean): Tensor;
    reshape(shape: readonly number[]): Tensor;
    transpose(d0: number, d1: number): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    relu(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    gelu(): Tensor;
    leakyRelu(negativeSlope?: number): Tensor;
    elu(alpha?: number): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
    /** Transpose of a 2-D tensor. */
    readonly T: Tensor;
  }
}

const P = Tensor.prototype;
P.add = function (o) { return ops.add(this, o); };
P.sub = function (o) { return ops.sub(this, o); };
P.mul = function (o) { return ops.mul(this, o); };
P.div = function (o) { return ops.div(this, o); };
P.pow = function (o) { return ops.pow(this, o); };
P.neg = function () { return ops.neg(this); };
P.exp = function () { return ops.exp(this); };
P.log = function () { return ops.log(this); };
P.sqrt = function () { return ops.sqrt(this); };
P.abs = function () { return ops.abs(this); };
P.matmul = function (o) { return ops.matmul(this, o); };
P.sum = function (d, k) { return ops.sum(this, d, k); };
P.mean = function (d, k) { return ops.mean(this, d, k); };
P.max = function (d, k) { return ops.max(this, d, k); };
P.argmax = function (d, k) { return ops.argmax(this, d, k); };
P.reshape = function (s) { return ops.reshape(this, s); };
P.transpose = function (a, b) { return ops.transpose(this, a, b); };
P.flatten = function (s, e) { return ops.flatten(this, s, e); };
P.relu = function () { return ops.relu(this); };
P.sigmoid = function () { return ops.sigmoid(this); };
P.tanh = function () { return ops.tanh(this); };
P.gelu = function () { return ops.gelu(this); };
P.leakyRelu = function (s) { return ops.leakyRelu(this, s); };
P.elu = function (a) { return ops.elu(this, a); };
P.softmax = function (d) { return ops.softmax(this, d); };
P.logSoftmax = function (d) { return ops.logSoftmax(this, d); };
Object.defineProperty(P, 'T', {
  get(this: Tensor) {
    if (this.ndim !== 2) throw new Error(`T: expects a 2-D tensor, got shape [${this.shape.join(', ')}]`);
    return ops.transpose(this, 0, 1);
  },
});
