// Activation and shape modules: thin wrappers over the ops of the same name.
import { Tensor } from '../tensor';
import { elu, gelu, leakyRelu, relu, sigmoid, silu, tanh } from '../ops/unary';
import { logSoftmax, softmax } from '../ops/softmax';
import { flatten } from '../ops/shape';
import { softplus } from '../ops/more';
import { hardsigmoid, hardswish, hardtanh, hardtanhBounds, logsigmoid, mish, prelu, relu6, selu, softsign, tanhshrink } from '../ops/activation_more';
import { full } from '../ops/creation';
import { Parameter } from './parameter';
import { Module, runsOwnForward } from './module';
import type { FusedActivation } from '../ops/matmul';
import { pyFloat } from '../format';
import { shown } from '../args';

/** max(0, x), elementwise. */
export class ReLU extends Module {
  forward(x: Tensor): Tensor { return relu(x); }
}
/** 1 / (1 + e ** -x), elementwise. */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return sigmoid(x); }
}
/** Hyperbolic tangent, elementwise. */
export class Tanh extends Module {
  forward(x: Tensor): Tensor { return tanh(x); }
}
/** GELU, exact erf form. */
export class GELU extends Module {
  protected override extraRepr(): string {
    return "approximate='none'";
  }
  forward(x: Tensor): Tensor { return gelu(x); }
}
/** x for x > 0, negativeSlope * x otherwise. */
export class LeakyReLU extends Module {
  /** @param negativeSlope the slope below 0 (default 0.01) */
  constructor(readonly negativeSlope = 0.01) {
    super();
    if (!Number.isFinite(negativeSlope)) throw new Error(`LeakyReLU: negativeSlope must be a finite number, got ${shown(negativeSlope)}`);
  }
  protected override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
  forward(x: Tensor): Tensor { return leakyRelu(x, this.negativeSlope); }
}
/** x for x > 0, alpha * (e ** x - 1) otherwise. */
export class ELU extends Module {
  /** @param alpha the limit below 0 is -alpha (default 1) */
  constructor(readonly alpha = 1) {
    super();
    if (!Number.isFinite(alpha)) throw new Error(`ELU: alpha must be a finite number, got ${shown(alpha)}`);
  }
  protected override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
  forward(x: Tensor): Tensor { return elu(x, this.alpha); }
}
/** Softmax along `dim`. */
export class Softmax extends Module {
  /** @param dim the dimension that sums to 1 (default -1, the last) */
  constructor(readonly dim = -1) { super(); }
  protected override extraRepr(): string {
    return `dim=${this.dim}`;
  }
  forward(x: Tensor): Tensor { return softmax(x, this.dim); }
}
/** Log of softmax along `dim` (the input NLLLoss expects). */
export class LogSoftmax extends Module {
  /** @param dim the dimension normalized over (default -1, the last) */
  constructor(readonly dim = -1) { super(); }
  protected override extraRepr(): string {
    return `dim=${this.dim}`;
  }
  forward(x: Tensor): Tensor { return logSoftmax(x, this.dim); }
}
/** x * sigmoid(x), elementwise (SiLU, or swish). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor { return silu(x); }
}
/** log(1 + e ** (beta x)) / beta, elementwise; x itself where beta x > threshold. */
export class Softplus extends Module {
  /** @param beta the sharpness (default 1) @param threshold above it the identity (default 20) */
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
    if (!Number.isFinite(beta) || beta === 0) throw new Error(`Softplus: beta must be a non-zero finite number, got ${shown(beta)}`);
  }
  protected override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
  forward(x: Tensor): Tensor { return softplus(x, this.beta, this.threshold); }
}
/** x clamped to [minVal, maxVal]; the gradient passes strictly inside (torch.nn.Hardtanh). */
export class Hardtanh extends Module {
  /** @param minVal the lower bound (default -1) @param maxVal the upper bound (default 1) */
  constructor(readonly minVal = -1, readonly maxVal = 1) {
    super();
    hardtanhBounds(minVal, maxVal, 'Hardtanh');
  }
  protected override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}`;
  }
  forward(x: Tensor): Tensor { return hardtanh(x, this.minVal, this.maxVal); }
}
/** min(max(x, 0), 6), elementwise. */
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor { return relu6(x); }
}
/** min(max(x + 3, 0), 6) / 6, elementwise. */
export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor { return hardsigmoid(x); }
}
/** x min(max(x + 3, 0), 6) / 6, elementwise. */
export class Hardswish extends Module {
  forward(x: Tensor): Tensor { return hardswish(x); }
}
/** log(sigmoid(x)), elementwise, without overflow. */
export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor { return logsigmoid(x); }
}
/** x tanh(softplus(x)), elementwise. */
export class Mish extends Module {
  forward(x: Tensor): Tensor { return mish(x); }
}
/** Scaled ELU with torch's self-normalising constants, elementwise. */
export class SELU extends Module {
  forward(x: Tensor): Tensor { return selu(x); }
}
/** x / (1 + |x|), elementwise. */
export class Softsign extends Module {
  forward(x: Tensor): Tensor { return softsign(x); }
}
/** x - tanh(x), elementwise. */
export class Tanhshrink extends Module {
  forward(x: Tensor): Tensor { return tanhshrink(x); }
}
/** x where x > 0, a learned slope times x elsewhere: one slope, or one per channel (dimension 1). */
export class PReLU extends Module {
  /** The slopes [numParameters]. */
  weight: Parameter;
  /** @param numParameters 1 (default) or the number of channels @param init every slope's first value (default 0.25) */
  constructor(readonly numParameters = 1, init = 0.25) {
    super();
    if (!Number.isInteger(numParameters) || numParameters < 1) throw new Error(`PReLU: numParameters must be a positive integer, got ${shown(numParameters)}`);
    if (typeof init !== 'number' || !Number.isFinite(init)) throw new Error(`PReLU: init must be a finite number, got ${shown(init)}`);
    this.weight = new Parameter(full([numParameters], init));
  }
  protected override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
  forward(x: Tensor): Tensor { return prelu(x, this.weight); }
}
/** Returns its input unchanged. */
export class Identity extends Module {
  forward(x: Tensor): Tensor { return x; }
}
/** Flattens dims startDim..endDim (default 1..-1, keeping the batch dimension). */
export class Flatten extends Module {
  /** @param startDim first dimension merged (default 1) @param endDim last one (default -1) */
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  protected override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
  forward(x: Tensor): Tensor { return flatten(x, this.startDim, this.endDim); }
}

/** The activation a Linear can fuse into its GEMM epilogue, or null. */
export function fusableActivation(m: Module): FusedActivation | null {
  if (runsOwnForward(m, ReLU)) return 'relu';
  if (runsOwnForward(m, Sigmoid)) return 'sigmoid';
  if (runsOwnForward(m, Tanh)) return 'tanh';
  if (runsOwnForward(m, GELU)) return 'gelu';
  return null;
}
