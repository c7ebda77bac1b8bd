// nn.Bilinear with F.bilinear, nn.Softmax2d, and nn.ChannelShuffle with F.channelShuffle, as
// torch's: composed of the library's ops (a bilinear form is one matrix product with the weight's
// slices side by side, then the second input's dot products), so the gradients are theirs.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, positiveInt, shown } from '../args';
import { checkTensor, composedOf } from '../ops/core';
import { add, mul } from '../ops/binary';
import { matmul } from '../ops/matmul';
import { sum } from '../ops/reduce';
import { permute, reshape, transpose, unsqueeze } from '../ops/shape';
import { softmax } from '../ops/softmax';
import { zeros } from '../ops/creation';
import { pyBool } from '../format';
import { Module } from './module';
import { Parameter } from './parameter';
import { uniform } from './init';

/**
 * y[..., o] = x1[...] weight[o] x2[...] + bias[o] (torch.nn.functional.bilinear): x1 [..., in1] and
 * x2 [..., in2] of one leading shape, weight [out, in1, in2], bias [out] or null.
 */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const what = 'bilinear';
  for (const [name, t] of [['x1', x1], ['x2', x2], ['weight', weight]] as const) checkTensor(t, `${what} ${name}`);
  if (weight.ndim !== 3) throw new Error(`${what}: weight must be [out, in1, in2], got shape ${fmt(weight.shape)}`);
  const [out, in1, in2] = weight.shape;
  const lead = x1.shape.slice(0, -1);
  if (x1.ndim === 0 || x1.shape[x1.ndim - 1] !== in1 || x2.ndim !== x1.ndim || x2.shape[x2.ndim - 1] !== in2 || x2.shape.slice(0, -1).some((s, i) => s !== lead[i])) {
    throw new Error(`${what}: x1 must be [..., ${in1}] and x2 [..., ${in2}] with one leading shape, got ${fmt(x1.shape)} and ${fmt(x2.shape)}`);
  }
  if (bias !== null && (checkTensor(bias, `${what} bias`).ndim !== 1 || bias.shape[0] !== out)) throw new Error(`${what}: bias must be [${out}], got shape ${fmt(bias.shape)}`);
  const rows = lead.reduce((p, s) => p * s, 1);
  return composedOf((own) => {
    // x1 W as [rows, out * in2]: W's slices side by side as [in1, out * in2].
    const w = own(reshape(own(permute(weight, [1, 0, 2])), [in1, out * in2]));
    const left = own(reshape(own(matmul(own(reshape(x1, [rows, in1])), w)), [rows, out, in2]));
    const y = own(sum(own(mul(left, own(unsqueeze(own(reshape(x2, [rows, in2])), 1)))), 2));
    const withBias = bias ? own(add(y, bias)) : y;
    return reshape(withBias, [...lead, out]);
  }, [x1, x2, weight]);
}

/** Options of nn.Bilinear. */
export interface BilinearOptions {
  /** Learn a bias [out] (default true). */
  bias?: boolean;
}

/** A bilinear layer as torch.nn.Bilinear: forward(x1, x2), weight and bias from U(-1/sqrt(in1), 1/sqrt(in1)). */
export class Bilinear extends Module {
  /** [out, in1, in2] */
  weight: Parameter;
  /** [out], or null without bias. */
  bias: Parameter | null;

  /** @param in1Features x1's features @param in2Features x2's features @param outFeatures the output's */
  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, options?: BilinearOptions) {
    super();
    const o = optionsOf(options, 'Bilinear', { bias: 'boolean' });
    for (const [name, v] of [['in1Features', in1Features], ['in2Features', in2Features], ['outFeatures', outFeatures]] as const) positiveInt(v, 'Bilinear', name);
    const bound = 1 / Math.sqrt(in1Features);
    this.weight = new Parameter(uniform(zeros([outFeatures, in1Features, in2Features]), -bound, bound));
    this.bias = o.bias === false ? null : new Parameter(uniform(zeros([outFeatures]), -bound, bound));
  }

  protected override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }
}

/** Softmax over the channels of [N, C, H, W] or [C, H, W] inputs, as torch.nn.Softmax2d. */
export class Softmax2d extends Module {
  forward(x: Tensor): Tensor {
    checkTensor(x, 'Softmax2d');
    if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`Softmax2d: input must be [N, C, H, W] or [C, H, W], got shape ${fmt(x.shape)}`);
    return softmax(x, -3);
  }
}

/**
 * The channels of [N, C, ...] regrouped (torch.nn.functional.channel_shuffle): seen as [groups,
 * C / groups], they are read in the transposed order, as ShuffleNet mixes its groups.
 */
export function channelShuffle(x: Tensor, groups: number): Tensor {
  const what = 'channelShuffle';
  checkTensor(x, what);
  positiveInt(groups, what, 'groups');
  if (x.ndim < 3) throw new Error(`${what}: input must be [N, C, ...] with at least 3 dims, got shape ${fmt(x.shape)}`);
  const [n, c] = x.shape;
  if (c % groups !== 0) throw new Error(`${what}: the ${c} channels do not divide into ${shown(groups)} groups`);
  const rest = x.shape.slice(2);
  return composedOf((own) => {
    const split = own(reshape(x, [n, groups, c / groups, ...rest]));
    return reshape(own(transpose(split, 1, 2)), x.shape);
  }, [x]);
}

/** nn.ChannelShuffle: channelShuffle with its groups fixed. */
export class ChannelShuffle extends Module {
  /** @param groups the groups the channels are split into */
  constructor(readonly groups: number) {
    super();
    positiveInt(groups, 'ChannelShuffle', 'groups');
  }

  protected override extraRepr(): string {
    return `groups=${this.groups}`;
  }

  forward(x: Tensor): Tensor {
    return channelShuffle(x, this.groups);
  }
}
