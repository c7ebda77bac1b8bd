// Linear: y = x W^T + b with weight [out, in] and bias [out], initialised as PyTorch does.
import { Tensor } from '../tensor';
import { linear, FusedActivation } from '../ops/matmul';
import { zeros } from '../ops/creation';
import { Module } from './module';
import { Parameter } from './parameter';
import { kaimingUniform, uniform } from './init';
import { pyBool } from '../format';
import { optionsOf, shown } from '../args';

/** Options of Linear. */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

// Zero is allowed, as in PyTorch: a layer of no inputs outputs its bias, one of no outputs nothing.
function nonNegativeInt(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0) throw new Error(`Linear: ${what} must be a non-negative integer, got ${shown(v)}`);
  return v;
}

/**
 * y = x W^T + b, as torch.nn.Linear: weight [out, in] and bias [out], both initialised uniform in
 * +-1/sqrt(in) (kaiming_uniform with a = sqrt(5)). Inputs [..., in] give outputs [..., out].
 */
export class Linear extends Module {
  /** The size of each input row. */
  readonly inFeatures: number;
  /** The size of each output row. */
  readonly outFeatures: number;
  /** The weight [outFeatures, inFeatures]. */
  weight: Parameter;
  /** The bias [outFeatures], or null when made with bias: false. */
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options?: LinearOptions) {
    super();
    options = optionsOf(options, 'Linear', { bias: 'boolean' });
    this.inFeatures = nonNegativeInt(inFeatures, 'inFeatures');
    this.outFeatures = nonNegativeInt(outFeatures, 'outFeatures');
    // kaiming_uniform(a = sqrt(5)) gives bound 1/sqrt(in) for the weight; the bias uses the same bound.
    this.weight = new Parameter(kaimingUniform(zeros([outFeatures, inFeatures]), { a: Math.sqrt(5) }));
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0; // PyTorch's bias bound for fan_in 0
    this.bias = options.bias === false ? null : new Parameter(uniform(zeros([outFeatures]), -bound, bound));
  }

  protected override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  /** forward followed by an activation, fused into the GEMM's epilogue. */
  forwardWithActivation(x: Tensor, act: FusedActivation): Tensor {
    return linear(x, this.weight, this.bias, act);
  }
}
