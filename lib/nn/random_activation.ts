// The activations that draw random numbers: RReLU (a leaky ReLU whose negative slope is drawn per
// element in training, the mean slope in eval mode) and gumbelSoftmax (softmax of logits perturbed by
// Gumbel noise, optionally hardened to one-hot with the soft gradient, the straight-through estimator).
import { Tensor } from '../tensor';
import { add, div, mul, sub } from '../ops/binary';
import { checkTensor, composedOf } from '../ops/core';
import { leakyRelu, log, neg } from '../ops/unary';
import { softmax } from '../ops/softmax';
import { argmax } from '../ops/reduce';
import { rand, zeros } from '../ops/creation';
import { scatter } from '../ops/scatter';
import { unsqueeze } from '../ops/shape';
import { allocOutput } from '../storage';
import { uniform01 } from '../random';
import { normDim } from '../shape';
import { shown } from '../args';
import { pyFloat } from '../format';
import { Module } from './module';

function checkSlopes(lower: unknown, upper: unknown, what: string): void {
  for (const [name, v] of [['lower', lower], ['upper', upper]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what}: ${name} must be a finite number, got ${shown(v)}`);
  }
  if ((lower as number) > (upper as number)) throw new Error(`${what}: lower (${lower as number}) must not exceed upper (${upper as number})`);
}

/**
 * Randomized leaky ReLU (torch.nn.functional.rrelu): in training each element at or below 0 is
 * multiplied by its own slope drawn uniformly from [lower, upper] (the gradient is that slope there,
 * 1 elsewhere); otherwise a leaky ReLU of slope (lower + upper) / 2.
 */
export function rrelu(x: Tensor, lower = 1 / 8, upper = 1 / 3, training = false): Tensor {
  checkTensor(x, 'rrelu');
  checkSlopes(lower, upper, 'rrelu');
  if (typeof training !== 'boolean') throw new Error(`rrelu: training must be true or false, got ${shown(training)}`);
  if (!training) return leakyRelu(x, (lower + upper) / 2);
  const slopes = allocOutput(x.size);
  for (let i = 0; i < slopes.length; i++) slopes[i] = x.data[i] <= 0 ? lower + (upper - lower) * uniform01() : 1;
  return composedOf((own) => mul(x, own(new Tensor(slopes, [...x.shape]))), [x]);
}

/** Randomized leaky ReLU: a slope drawn per element from [lower, upper] in training, their mean in eval mode. */
export class RReLU extends Module {
  /**
   * @param lower the least negative slope (default 1/8)
   * @param upper the greatest (default 1/3)
   */
  constructor(readonly lower = 1 / 8, readonly upper = 1 / 3) {
    super();
    checkSlopes(lower, upper, 'RReLU');
  }
  protected override extraRepr(): string { return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}`; }
  forward(x: Tensor): Tensor { return rrelu(x, this.lower, this.upper, this.training); }
}

/** Options of gumbelSoftmax. */
export interface GumbelSoftmaxOptions {
  /** The temperature: the logits and noise are divided by it (default 1). */
  tau?: number;
  /** One-hot samples forward, the soft sample's gradient backward (default false). */
  hard?: boolean;
  /** The dim of the categories (default -1). */
  dim?: number;
}

/**
 * A sample of the Gumbel-softmax distribution over `dim` (torch.nn.functional.gumbel_softmax):
 * softmax((logits + g) / tau) with g = -log(-log(u)), u uniform. With `hard`, the one-hot vector of
 * each sample's largest entry minus the soft sample (detached) plus the soft sample: one-hot values,
 * the soft sample's gradient.
 */
export function gumbelSoftmax(logits: Tensor, options?: GumbelSoftmaxOptions): Tensor {
  checkTensor(logits, 'gumbelSoftmax');
  const tau = options?.tau ?? 1, hard = options?.hard ?? false;
  if (typeof tau !== 'number' || !(tau > 0) || !Number.isFinite(tau)) throw new Error(`gumbelSoftmax: tau must be a positive number, got ${shown(tau)}`);
  if (typeof hard !== 'boolean') throw new Error(`gumbelSoftmax: hard must be true or false, got ${shown(hard)}`);
  const d = normDim(options?.dim ?? -1, Math.max(1, logits.ndim), 'gumbelSoftmax');
  return composedOf((own) => {
    // -log of an Exponential(1) draw, itself -log(u).
    const exponential = own(neg(own(log(own(rand(logits.shape))))));
    const gumbels = own(neg(own(log(exponential))));
    const soft = own(softmax(own(div(own(add(logits, gumbels)), tau)), d));
    if (!hard) return soft;
    const index = own(unsqueeze(own(argmax(soft, d)), d));
    const oneHot = own(scatter(own(zeros(logits.shape)), d, index, 1));
    return add(own(sub(oneHot, soft.detach())), soft);
  }, [logits]);
}
