// LayerNorm over the trailing dimensions, as torch.nn.LayerNorm: each sample normalized by its own
// mean and biased variance, then scaled and shifted per element: one kernel forward, one backward
// (lib/ops/norm.ts).
import { Tensor } from '../tensor';
import { layerNormRows } from '../ops/norm';
import { reshape } from '../ops/shape';
import { ones, zeros } from '../ops/creation';
import { fmt, sizeOf } from '../shape';
import { optionsOf, shown } from '../args';
import { checkTensor, letGoAfterBackward } from '../ops/core';
import { Module } from './module';
import { Parameter } from './parameter';
import { pyBool, pyFloat } from '../format';

/** Options of LayerNorm. */
export interface LayerNormOptions {
  /** Added to the variance before its square root (default 1e-5). */
  eps?: number;
  /** Learnable per-element scale and shift of normalizedShape (default true). */
  elementwiseAffine?: boolean;
}

/** Layer normalization over the last dimensions (normalizedShape), as torch.nn.LayerNorm. */
export class LayerNorm extends Module {
  /** The trailing shape normalized over. */
  readonly normalizedShape: readonly number[];
  /** Added to the variance before its square root. */
  readonly eps: number;
  /** Learnable scale of normalizedShape (null without elementwiseAffine). */
  weight: Parameter | null;
  /** Learnable shift of normalizedShape (null without elementwiseAffine). */
  bias: Parameter | null;

  /** @param normalizedShape the trailing dimensions (one number for the last dimension alone) */
  constructor(normalizedShape: number | readonly number[], options?: LayerNormOptions) {
    super();
    options = optionsOf(options, 'LayerNorm', { eps: 'value', elementwiseAffine: 'boolean' });
    this.normalizedShape = normalizedShapeOf(normalizedShape, 'LayerNorm');
    this.eps = options.eps ?? 1e-5;
    if (typeof this.eps !== 'number' || !(this.eps > 0)) throw new Error(`LayerNorm: eps must be positive, got ${shown(this.eps)}`);
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias = affine ? new Parameter(zeros(this.normalizedShape)) : null;
  }

  protected override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')}${this.normalizedShape.length === 1 ? ',' : ''}), eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.weight !== null)}`;
  }
  forward(x: Tensor): Tensor {
    return layerNormOver(x, this.normalizedShape, this.weight, this.bias, this.eps, 'LayerNorm');
  }
}

/** The trailing dims a layer norm normalizes over (one number for the last dim alone), checked. */
export function normalizedShapeOf(normalizedShape: number | readonly number[], what: string): number[] {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${what}: normalizedShape must be a positive integer or a non-empty array of them, got ${shown(normalizedShape)}`);
  }
  return [...shape];
}

/**
 * x normalized over its trailing dims `shape` (each sample by its own mean and biased variance plus
 * eps), then scaled by weight and shifted by bias (each of `shape`, or null): LayerNorm's forward and
 * nn.functional.layerNorm. `what` names the caller in errors.
 */
export function layerNormOver(x: Tensor, shape: readonly number[], weight: Tensor | null, bias: Tensor | null, eps: number, what: string): Tensor {
  checkTensor(x, what);
  const k = shape.length;
  if (x.ndim < k || x.shape.slice(x.ndim - k).some((d, i) => d !== shape[i])) {
    throw new Error(`${what}: input shape ${fmt(x.shape)} does not end with normalizedShape ${fmt(shape)}`);
  }
  const d = sizeOf(shape);
  const rows = reshape(x, [x.size / d, d]);
  const w = weight ? reshape(weight, [d]) : null;
  const b = bias ? reshape(bias, [d]) : null;
  const normed = layerNormRows(rows, w, b, eps);
  const y = reshape(normed, x.shape);
  // The views in and out: kept, each held its storage out of the pool (the weight's and bias's
  // views hold the parameters', which is never pooled while they live).
  letGoAfterBackward(rows, normed);
  return y;
}
