// Activation and shape modules: thin wrappers over the ops of the same name.
import { Tensor } from '../tensor';
import { elu, gelu, leakyRelu, relu, sigmoid, tanh } from '../ops/unary';
import { logSoftmax, softmax } from '../ops/softmax';
import { flatten } from '../ops/shape';
import { Module } from './module';
import type { FusedActivation } from '../ops/matmul';

export class ReLU extends Module {
  forward(x: Tensor): Tensor { return relu(x); }
}
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return sigmoid(x); }
}
export class Tanh extends Module {
  forward(x: Tensor): Tensor { return tanh(x); }
}
/** GELU, exact erf form. */
export class GELU extends Module {
  forward(x: Tensor): Tensor { return gelu(x); }
}
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    if (!Number.isFinite(negativeSlope)) throw new Error(`LeakyReLU: negativeSlope must be a finite number, got ${negativeSlope}`);
  }
  forward(x: Tensor): Tensor { return leakyRelu(x, this.negativeSlope); }
}
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    if (!Number.isFinite(alpha)) throw new Error(`ELU: alpha must be a finite number, got ${alpha}`);
  }
  forward(x: Tensor): Tensor { return elu(x, this.alpha); }
}
export class Softmax extends Module {
  constructor(readonly dim = -1) { super(); }
  forward(x: Tensor): Tensor { return softmax(x, this.dim); }
}
export class LogSoftmax extends Module {
  constructor(readonly dim = -1) { super(); }
  forward(x: Tensor): Tensor { return logSoftmax(x, this.dim); }
}
export class Identity extends Module {
  forward(x: Tensor): Tensor { return x; }
}
/** Flattens dims startDim..endDim (default 1..-1, keeping the batch dimension). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(x: Tensor): Tensor { return flatten(x, this.startDim, this.endDim); }
}

/** The activation a Linear can fuse into its GEMM epilogue, or null. */
export function fusableActivation(m: Module): FusedActivation | null {
  if (m instanceof ReLU) return 'relu';
  if (m instanceof Sigmoid) return 'sigmoid';
  if (m instanceof Tanh) return 'tanh';
  return null;
}
