// Dropout: inverted scaling in training (kept values scaled by 1/(1-p)), identity in eval mode.
import { Tensor } from '../tensor';
import { mul } from '../ops/binary';
import { checkTensor } from '../ops/core';
import { allocOutput } from '../storage';
import { liveRngState } from '../random';
import { B } from '../backend/registry';
import { Module } from './module';
import { pyFloat } from '../format';
import { shown } from '../args';
import { fmt } from '../shape';
import { markInternal } from '../reuse';

/** x times a mask of maskShape (broadcast over x) drawn by the backend: 0 with probability p, else 1 / (1 - p). */
export function dropped(x: Tensor, p: number, maskShape: readonly number[]): Tensor {
  // The backend draws the mask from the generator's own state words, the same numbers on either
  // backend (natively 1.2 ns an element, where this loop took 35: [256, 1024] in 9.2 -> 0.43 ms).
  const mask = allocOutput(maskShape.reduce((a, b) => a * b, 1));
  B().dropoutMask(mask, p, liveRngState());
  const maskTensor = new Tensor(mask, maskShape);
  const y = mul(x, maskTensor);
  // Only the product reads the mask: without a graph its storage goes back to the pool now, with
  // one once backward() has run the product's node, instead of when the collector finds it (a
  // fresh mask each call: 16M elements forward without a graph 43 -> 15 ms at one thread).
  if (!y.requiresGrad) maskTensor.dispose();
  else markInternal(maskTensor);
  return y;
}

/** p itself if it is a probability (in [0, 1]); else an error naming `what`'s p. */
export function checkDropProbability(p: unknown, what: string): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${what}: p must be in [0, 1], got ${shown(p)}`);
  return p;
}

/**
 * In training, zeroes each element with probability p and scales the rest by 1 / (1 - p); in eval
 * mode, the identity. Draws from the generator that manualSeed seeds.
 */
export class Dropout extends Module {
  /** @param p the probability of zeroing an element (default 0.5) */
  constructor(readonly p = 0.5) {
    super();
    checkDropProbability(p, 'Dropout');
  }

  protected override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
  forward(x: Tensor): Tensor {
    checkTensor(x, 'Dropout');
    if (!this.training || this.p === 0) return x;
    return dropped(x, this.p, x.shape);
  }
}

/**
 * In training, zeroes each channel (all of x[n, c]) with probability p and scales the rest by
 * 1 / (1 - p), as torch.nn.Dropout2d (1.13) for [N, C, H, W] and, as torch 1.13 reads a 3-D input,
 * [N, C, L]; in eval mode, the identity. Draws from the generator that manualSeed seeds.
 */
export class Dropout2d extends Module {
  /** @param p the probability of zeroing a channel (default 0.5) */
  constructor(readonly p = 0.5) {
    super();
    checkDropProbability(p, 'Dropout2d');
  }

  protected override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
  forward(x: Tensor): Tensor {
    checkTensor(x, 'Dropout2d');
    if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`Dropout2d: input must be 3-D [N, C, L] or 4-D [N, C, H, W], got shape ${fmt(x.shape)}`);
    if (!this.training || this.p === 0) return x;
    return dropped(x, this.p, [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)]);
  }
}
