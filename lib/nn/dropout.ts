// Dropout: inverted scaling in training (kept values scaled by 1/(1-p)), identity in eval mode.
import { Tensor } from '../tensor';
import { add, mul } from '../ops/binary';
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

/** What the dropout modules share: p, its check, and the identity in eval mode. */
abstract class DropoutLike extends Module {
  /** @param p the probability of dropping an element or channel (default 0.5) */
  constructor(readonly p = 0.5) {
    super();
    checkDropProbability(p, new.target.name);
  }

  protected override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }

  /** The dropped x in training (p > 0). */
  protected abstract drop(x: Tensor): Tensor;

  /** The input checked (each module's shapes). */
  protected abstract check(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.check(x);
    if (!this.training || this.p === 0) return x;
    return this.drop(x);
  }
}

/**
 * In training, zeroes each element with probability p and scales the rest by 1 / (1 - p); in eval
 * mode, the identity. Draws from the generator that manualSeed seeds.
 */
export class Dropout extends DropoutLike {
  protected check(x: Tensor): void { checkTensor(x, 'Dropout'); }
  protected drop(x: Tensor): Tensor { return dropped(x, this.p, x.shape); }
}

/**
 * In training, zeroes each channel (all of x[n, c]) with probability p and scales the rest by
 * 1 / (1 - p), as torch.nn.Dropout2d (1.13) for [N, C, H, W] and, as torch 1.13 reads a 3-D input,
 * [N, C, L]; in eval mode, the identity. Draws from the generator that manualSeed seeds.
 */
export class Dropout2d extends DropoutLike {
  protected check(x: Tensor): void {
    checkTensor(x, 'Dropout2d');
    if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`Dropout2d: input must be 3-D [N, C, L] or 4-D [N, C, H, W], got shape ${fmt(x.shape)}`);
  }
  protected drop(x: Tensor): Tensor { return dropped(x, this.p, channelMaskShape(x, true)); }
}

/** The mask's shape for dropping whole channels of x: [N, C, 1, ...], or [C, 1, ...] for one sample. */
function channelMaskShape(x: Tensor, batched: boolean): number[] {
  const lead = batched ? 2 : 1;
  return [...x.shape.slice(0, lead), ...x.shape.slice(lead).map(() => 1)];
}

/** Checks that x has `dims` dims (a batch) or one fewer (one sample). */
function channelInput(x: Tensor, dims: number, what: string, shapes: string): void {
  checkTensor(x, what);
  if (x.ndim !== dims && x.ndim !== dims - 1) throw new Error(`${what}: input must be ${shapes}, got shape ${fmt(x.shape)}`);
}

/** SELU's alpha (torch's alpha dropout constant). */
const SELU_ALPHA = 1.7580993408473766;

/**
 * Alpha dropout as torch's: with keep the mask's kept positions (probability 1 - p), x * (keep a) +
 * ((keep - 1) alpha a + alpha a p), a = 1 / sqrt((alpha^2 p + 1)(1 - p)), so that a SELU network's
 * inputs keep their mean and variance; all zeros at p = 1.
 */
export function alphaDropped(x: Tensor, p: number, maskShape: readonly number[]): Tensor {
  if (p === 1) return mul(x, 0);
  const n = maskShape.reduce((s, v) => s * v, 1);
  const keep = allocOutput(n);
  B().dropoutMask(keep, p, liveRngState());
  const f = Math.fround;
  const a = 1 / Math.sqrt((SELU_ALPHA * SELU_ALPHA * p + 1) * (1 - p));
  const [scale, shift, lead] = [f(a), f(SELU_ALPHA * a), f(SELU_ALPHA * a * p)];
  const b = allocOutput(n);
  for (let i = 0; i < n; i++) {
    const k = keep[i] !== 0 ? 1 : 0;
    keep[i] = k * scale;
    b[i] = f((k - 1) * shift) + lead;
  }
  const noise = new Tensor(keep, [...maskShape]), offset = new Tensor(b, [...maskShape]);
  const scaled = mul(x, noise);
  const y = add(scaled, offset);
  // As dropped()'s mask: back to the pool now without a graph, once backward has read them with one.
  for (const t of [noise, offset, scaled]) {
    if (!y.requiresGrad) t.dispose();
    else markInternal(t);
  }
  return y;
}

/** Whole channels of [N, C, L] (or [C, L]) zeroed with probability p, the rest scaled by 1 / (1 - p), as torch.nn.Dropout1d. */
export class Dropout1d extends DropoutLike {
  protected check(x: Tensor): void { channelInput(x, 3, 'Dropout1d', '[N, C, L] or [C, L]'); }
  protected drop(x: Tensor): Tensor { return dropped(x, this.p, channelMaskShape(x, x.ndim === 3)); }
}

/** Whole channels of [N, C, D, H, W] (or [C, D, H, W]) zeroed with probability p, the rest scaled, as torch.nn.Dropout3d. */
export class Dropout3d extends DropoutLike {
  protected check(x: Tensor): void { channelInput(x, 5, 'Dropout3d', '[N, C, D, H, W] or [C, D, H, W]'); }
  protected drop(x: Tensor): Tensor { return dropped(x, this.p, channelMaskShape(x, x.ndim === 5)); }
}

/** Alpha dropout of each element (for SELU networks), as torch.nn.AlphaDropout. */
export class AlphaDropout extends DropoutLike {
  protected check(x: Tensor): void { checkTensor(x, 'AlphaDropout'); }
  protected drop(x: Tensor): Tensor { return alphaDropped(x, this.p, x.shape); }
}

/** Alpha dropout of whole channels of [N, C, ...] (each x[n, c] kept or dropped whole), as torch.nn.FeatureAlphaDropout. */
export class FeatureAlphaDropout extends DropoutLike {
  protected check(x: Tensor): void {
    checkTensor(x, 'FeatureAlphaDropout');
    if (x.ndim < 2) throw new Error(`FeatureAlphaDropout: input must be [N, C, ...], got shape ${fmt(x.shape)}`);
  }
  protected drop(x: Tensor): Tensor { return alphaDropped(x, this.p, channelMaskShape(x, true)); }
}
