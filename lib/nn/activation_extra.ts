// More of torch.nn's parameter-free modules, each a thin wrapper over a function: Hardshrink,
// Softshrink, Threshold, CELU, GLU, Softmin, Unflatten, CosineSimilarity, PairwiseDistance.
import { Tensor } from '../tensor';
import { celu, glu, hardshrink, softmin, softshrink, threshold } from '../ops/activation_more';
import { reshape } from '../ops/shape';
import { checkTensor } from '../ops/core';
import { fmt, normDim } from '../shape';
import { shown } from '../args';
import { pyFloat } from '../format';
import { Module } from './module';
import { cosineSimilarity, CosineSimilarityOptions } from './functional';
import { pairwiseDistance, PairwiseDistanceOptions } from '../ops/structure';

/** x where |x| > lambd, else 0. */
export class Hardshrink extends Module {
  /** @param lambd the half-width of the band zeroed (default 0.5) */
  constructor(readonly lambd = 0.5) { super(); }
  protected override extraRepr(): string { return pyFloat(this.lambd); }
  forward(x: Tensor): Tensor { return hardshrink(x, this.lambd); }
}

/** x moved toward 0 by lambd, 0 within [-lambd, lambd]. */
export class Softshrink extends Module {
  /** @param lambd how far (default 0.5) */
  constructor(readonly lambd = 0.5) { super(); }
  protected override extraRepr(): string { return pyFloat(this.lambd); }
  forward(x: Tensor): Tensor { return softshrink(x, this.lambd); }
}

/** value where x <= threshold, else x. */
export class Threshold extends Module {
  /**
   * @param threshold the cut
   * @param value what replaces the elements at or under it
   */
  constructor(readonly threshold: number, readonly value: number) { super(); }
  protected override extraRepr(): string { return `threshold=${this.threshold}, value=${this.value}`; }
  forward(x: Tensor): Tensor { return threshold(x, this.threshold, this.value); }
}

/** x for x > 0, alpha (e^(x / alpha) - 1) otherwise. */
export class CELU extends Module {
  /** @param alpha the negative part's scale (default 1) */
  constructor(readonly alpha = 1) { super(); }
  protected override extraRepr(): string { return `alpha=${pyFloat(this.alpha)}`; }
  forward(x: Tensor): Tensor { return celu(x, this.alpha); }
}

/** The first half of x along dim times the sigmoid of the second. */
export class GLU extends Module {
  /** @param dim the dim halved (default -1) */
  constructor(readonly dim = -1) { super(); }
  protected override extraRepr(): string { return `dim=${this.dim}`; }
  forward(x: Tensor): Tensor { return glu(x, this.dim); }
}

/** softmax(-x) along dim. */
export class Softmin extends Module {
  /** @param dim the dim that sums to 1 (default -1) */
  constructor(readonly dim = -1) { super(); }
  protected override extraRepr(): string { return `dim=${this.dim}`; }
  forward(x: Tensor): Tensor { return softmin(x, this.dim); }
}

/** Dim `dim` of the input split into the dims `unflattenedSize` (whose product must be its size). */
export class Unflatten extends Module {
  /** The sizes the dim becomes. */
  readonly unflattenedSize: readonly number[];

  /**
   * @param dim the dim split (negative counts from the end)
   * @param unflattenedSize its new dims
   */
  constructor(readonly dim: number, unflattenedSize: readonly number[]) {
    super();
    if (!Number.isInteger(dim)) throw new Error(`Unflatten: dim must be an integer, got ${shown(dim)}`);
    if (!Array.isArray(unflattenedSize) || unflattenedSize.length === 0 || !unflattenedSize.every((d) => Number.isSafeInteger(d) && (d > 0 || d === -1))) {
      throw new Error(`Unflatten: unflattenedSize must be a non-empty array of positive sizes (one may be -1), got ${shown(unflattenedSize)}`);
    }
    this.unflattenedSize = [...unflattenedSize];
  }
  protected override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.unflattenedSize.join(', ')}${this.unflattenedSize.length === 1 ? ',' : ''})`;
  }
  forward(x: Tensor): Tensor {
    checkTensor(x, 'Unflatten');
    const d = normDim(this.dim, x.ndim, 'Unflatten');
    const known = this.unflattenedSize.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const sizes = this.unflattenedSize.map((s) => (s === -1 ? x.shape[d] / known : s));
    if (sizes.reduce((a, b) => a * b, 1) !== x.shape[d] || !sizes.every(Number.isInteger)) {
      throw new Error(`Unflatten: dim ${this.dim} of shape ${fmt(x.shape)} (size ${x.shape[d]}) cannot become (${this.unflattenedSize.join(', ')})`);
    }
    return reshape(x, [...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)]);
  }
}

/** The cosine similarity of x1 and x2 along a dim (nn.functional.cosineSimilarity). */
export class CosineSimilarity extends Module {
  /** dim (default 1) and eps (default 1e-8). */
  readonly options: CosineSimilarityOptions;
  constructor(options: CosineSimilarityOptions = {}) { super(); this.options = options; }
  forward(x1: Tensor, x2: Tensor): Tensor { return cosineSimilarity(x1, x2, this.options); }
}

/** The p-norm distance between rows of x1 and x2 (nn.functional.pairwiseDistance). */
export class PairwiseDistance extends Module {
  /** p (default 2), eps (default 1e-6), keepDim (default false). */
  readonly options: PairwiseDistanceOptions;
  constructor(options: PairwiseDistanceOptions = {}) { super(); this.options = options; }
  forward(x1: Tensor, x2: Tensor): Tensor { return pairwiseDistance(x1, x2, this.options); }
}
