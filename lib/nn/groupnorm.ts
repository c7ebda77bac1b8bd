// GroupNorm as torch.nn.GroupNorm: the channels of each sample in numGroups groups, each group
// normalized by its own mean and biased variance (LayerNorm's kernel over the group's rows), then a
// per-channel scale and shift.
import { Tensor } from '../tensor';
import { layerNormRows } from '../ops/norm';
import { reshape } from '../ops/shape';
import { add, mul } from '../ops/binary';
import { ones, zeros } from '../ops/creation';
import { fmt } from '../shape';
import { checkNonNegative, optionsOf, positiveInt } from '../args';
import { checkTensor, composedOf } from '../ops/core';
import { Module } from './module';
import { Parameter } from './parameter';
import { pyBool, pyFloat } from '../format';

/** Options of GroupNorm. */
export interface GroupNormOptions {
  /** Added to the variance before its square root (default 1e-5). */
  eps?: number;
  /** Learnable per-channel scale and shift (default true). */
  affine?: boolean;
}

/**
 * x [N, C, ...] with its C channels in `groups` groups, each group of each sample normalized by its
 * own mean and biased variance, then scaled and shifted per channel by weight and bias (each [C] or
 * null): GroupNorm's forward and nn.functional.groupNorm. `what` names the caller in errors.
 */
export function groupNormOver(x: Tensor, groups: number, weight: Tensor | null, bias: Tensor | null, eps: number, what: string): Tensor {
  checkTensor(x, what);
  if (x.ndim < 2) throw new Error(`${what}: input must be [N, C, ...], got shape ${fmt(x.shape)}`);
  const [n, c] = x.shape;
  if (c % groups !== 0) throw new Error(`${what}: the input's ${c} channels do not split into ${groups} groups`);
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) throw new Error(`${what}: ${name} must be [${c}], got shape ${fmt(t.shape)}`);
  }
  // [C] as [C, 1, ...]: one value per channel, broadcast over the sample and its positions.
  const perChannel = (t: Tensor) => reshape(t, [c, ...x.shape.slice(2).map(() => 1)]);
  return composedOf((own) => {
    const rows = own(reshape(x, [n * groups, n * groups === 0 ? 0 : x.size / (n * groups)]));
    let out = own(reshape(own(layerNormRows(rows, null, null, eps)), x.shape));
    if (weight) out = own(mul(out, own(perChannel(weight))));
    if (bias) out = own(add(out, own(perChannel(bias))));
    return out;
  }, [x]);
}

/** Group normalization over the channels of [N, C, ...] inputs, as torch.nn.GroupNorm. */
export class GroupNorm extends Module {
  /** How many groups the channels are split into. */
  readonly numGroups: number;
  /** The input's channels (dim 1). */
  readonly numChannels: number;
  /** Added to the variance before its square root. */
  readonly eps: number;
  /** Learnable per-channel scale [numChannels] (null without affine). */
  weight: Parameter | null;
  /** Learnable per-channel shift [numChannels] (null without affine). */
  bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, options?: GroupNormOptions) {
    super();
    const o = optionsOf(options, 'GroupNorm', { eps: 'value', affine: 'boolean' });
    positiveInt(numGroups, 'GroupNorm', 'numGroups');
    positiveInt(numChannels, 'GroupNorm', 'numChannels');
    if (numChannels % numGroups !== 0) throw new Error(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = checkNonNegative(o.eps ?? 1e-5, 'GroupNorm', 'eps');
    const affine = o.affine ?? true;
    this.weight = affine ? new Parameter(ones([numChannels])) : null;
    this.bias = affine ? new Parameter(zeros([numChannels])) : null;
  }

  protected override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.weight !== null)}`;
  }

  forward(x: Tensor): Tensor {
    checkTensor(x, 'GroupNorm');
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new Error(`GroupNorm: expected input [N, ${this.numChannels}, ...], got shape ${fmt(x.shape)}`);
    }
    return groupNormOver(x, this.numGroups, this.weight, this.bias, this.eps, 'GroupNorm');
  }
}
