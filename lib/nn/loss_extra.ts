// More of torch.nn's losses, as functions (nn.functional's names) and modules: MarginRankingLoss,
// HingeEmbeddingLoss, SoftMarginLoss, CosineEmbeddingLoss, TripletMarginLoss, PoissonNLLLoss and
// GaussianNLLLoss, each torch 1.13's formula composed of the library's ops (so its gradient).
import { Tensor } from '../tensor';
import { Unary } from '../backend/backend';
import { add, mul, scalarOp, sub, div } from '../ops/binary';
import { exp, log, log1p, neg, sqrt } from '../ops/unary';
import { clamp, minimum } from '../ops/compare';
import { eq, ne, le, where } from '../ops/more';
import { sum } from '../ops/reduce';
import { unsqueeze } from '../ops/shape';
import { checkTensor, composedOf, letGoAfterBackward } from '../ops/core';
import { checkReduction, reduceLoss, Reduction } from '../ops/loss';
import { checkFinite, optionsOf } from '../args';
import { fmt, sameShape } from '../shape';
import { pairwiseDistance } from '../ops/structure';

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

function tensors(what: string, named: Record<string, unknown>): void {
  for (const [name, t] of Object.entries(named)) checkTensor(t, `${what} ${name}`);
}

/** Options of the margin losses. */
export interface MarginLossOptions {
  /** The margin (default 0 for marginRankingLoss and cosineEmbeddingLoss, 1 for hingeEmbeddingLoss). */
  margin?: number;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/** max(0, -y (x1 - x2) + margin), y of 1 or -1 (torch.nn.functional.margin_ranking_loss). */
export function marginRankingLoss(x1: Tensor, x2: Tensor, y: Tensor, options?: MarginLossOptions): Tensor {
  const what = 'marginRankingLoss';
  const o = optionsOf(options, what, { margin: 'value', reduction: 'value' });
  tensors(what, { x1, x2, y });
  const margin = checkFinite(o.margin ?? 0, what, 'margin');
  const r = checkReduction(o.reduction ?? 'mean', what, REDUCTIONS);
  return composedOf((own) => reduceLoss(own(clamp(own(add(own(mul(own(neg(y)), own(sub(x1, x2)))), margin)), 0)), r), [x1, x2, y]);
}

/** x where y is 1, max(0, margin - x) where y is -1, summed (torch.nn.functional.hinge_embedding_loss). */
export function hingeEmbeddingLoss(x: Tensor, y: Tensor, options?: MarginLossOptions): Tensor {
  const what = 'hingeEmbeddingLoss';
  const o = optionsOf(options, what, { margin: 'value', reduction: 'value' });
  tensors(what, { x, y });
  const margin = checkFinite(o.margin ?? 1, what, 'margin');
  const r = checkReduction(o.reduction ?? 'mean', what, REDUCTIONS);
  return composedOf((own) => {
    const marginPart = own(where(own(ne(y, 1)), own(clamp(own(sub(margin, x)), 0)), 0));
    const selfPart = own(where(own(ne(y, -1)), x, 0));
    return reduceLoss(own(add(marginPart, selfPart)), r);
  }, [x, y]);
}

/** Options of losses with a reduction only. */
export interface ReductionOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/** log(1 + e^(-y x)), y of 1 or -1 (torch.nn.functional.soft_margin_loss). */
export function softMarginLoss(x: Tensor, y: Tensor, options?: ReductionOptions): Tensor {
  const what = 'softMarginLoss';
  const o = optionsOf(options, what, { reduction: 'value' });
  tensors(what, { x, y });
  const r = checkReduction(o.reduction ?? 'mean', what, REDUCTIONS);
  return composedOf((own) => reduceLoss(own(log1p(own(exp(own(mul(own(neg(x)), y)))))), r), [x, y]);
}

/**
 * 1 - cos(x1, x2) where y is 1, max(0, cos - margin) where y is -1, the cosine along the last dim of
 * [N, D] (or [D]) inputs with torch's 1e-12 added to each squared norm (torch.nn.functional.cosine_embedding_loss).
 */
export function cosineEmbeddingLoss(x1: Tensor, x2: Tensor, y: Tensor, options?: MarginLossOptions): Tensor {
  const what = 'cosineEmbeddingLoss';
  const o = optionsOf(options, what, { margin: 'value', reduction: 'value' });
  tensors(what, { x1, x2, y });
  if (!sameShape(x1.shape, x2.shape) || (x1.ndim !== 1 && x1.ndim !== 2) || y.ndim !== x1.ndim - 1 || (y.ndim === 1 && y.shape[0] !== x1.shape[0])) {
    throw new Error(`${what}: x1 and x2 must be [N, D] (or [D]) and y [N] (or 0-d), got shapes ${fmt(x1.shape)}, ${fmt(x2.shape)} and ${fmt(y.shape)}`);
  }
  const margin = checkFinite(o.margin ?? 0, what, 'margin');
  const r = checkReduction(o.reduction ?? 'mean', what, REDUCTIONS);
  const d = x1.ndim - 1;
  return composedOf((own) => {
    const prod = own(sum(own(mul(x1, x2)), d));
    const mag1 = own(add(own(sum(own(mul(x1, x1)), d)), 1e-12));
    const mag2 = own(add(own(sum(own(mul(x2, x2)), d)), 1e-12));
    const cos = own(div(prod, own(sqrt(own(mul(mag1, mag2))))));
    const pos = own(where(own(eq(y, 1)), own(sub(1, cos)), 0));
    const negPart = own(where(own(eq(y, -1)), own(clamp(own(sub(cos, margin)), 0)), 0));
    return reduceLoss(own(add(pos, negPart)), r);
  }, [x1, x2, y]);
}

/** Options of tripletMarginLoss. */
export interface TripletMarginOptions {
  /** The margin (default 1). */
  margin?: number;
  /** The distance's norm (1, 2 or Infinity; default 2). */
  p?: number;
  /** Added to each difference, as pairwiseDistance's (default 1e-6). */
  eps?: number;
  /** Use the positive-negative distance when it is the smaller (default false). */
  swap?: boolean;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/** max(0, margin + d(anchor, positive) - d(anchor, negative)) (torch.nn.functional.triplet_margin_loss). */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options?: TripletMarginOptions): Tensor {
  const what = 'tripletMarginLoss';
  const o = optionsOf(options, what, { margin: 'value', p: 'value', eps: 'value', swap: 'boolean', reduction: 'value' });
  tensors(what, { anchor, positive, negative });
  const margin = checkFinite(o.margin ?? 1, what, 'margin');
  const r = checkReduction(o.reduction ?? 'mean', what, REDUCTIONS);
  const dist = { p: o.p ?? 2, eps: o.eps ?? 1e-6 };
  return tripletWithDistance(what, anchor, positive, negative, (a, b) => pairwiseDistance(a, b, dist), margin, o.swap ?? false, r);
}

/** A distance between two batches of rows, one value per row (pairwiseDistance, cosine distance...). */
export type DistanceFunction = (a: Tensor, b: Tensor) => Tensor;

/** max(0, margin + d(anchor, positive) - d(anchor, negative)), with d the caller's, as torch's triplet losses. */
export function tripletWithDistance(what: string, anchor: Tensor, positive: Tensor, negative: Tensor, d: DistanceFunction, margin: number, swap: boolean, r: Reduction): Tensor {
  for (const [name, t] of [['anchor', anchor], ['positive', positive], ['negative', negative]] as const) checkTensor(t, `${what} ${name}`);
  return composedOf((own) => {
    const dPos = own(d(anchor, positive));
    let dNeg = own(d(anchor, negative));
    if (swap) dNeg = own(minimum(dNeg, own(d(positive, negative))));
    return reduceLoss(own(clamp(own(sub(own(add(dPos, margin)), dNeg)), 0)), r);
  }, [anchor, positive, negative]);
}

/** Options of poissonNllLoss. */
export interface PoissonNLLOptions {
  /** The input holds log-rates (default true): e^input - target input; else input - target log(input + eps). */
  logInput?: boolean;
  /** Add Stirling's approximation of log(target!) where target > 1 (default false). */
  full?: boolean;
  /** Keeps log(input) finite when logInput is false (default 1e-8). */
  eps?: number;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/** The negative log-likelihood of target under Poisson(input) (torch.nn.functional.poisson_nll_loss). */
export function poissonNllLoss(input: Tensor, target: Tensor, options?: PoissonNLLOptions): Tensor {
  const what = 'poissonNllLoss';
  const o = optionsOf(options, what, { logInput: 'boolean', full: 'boolean', eps: 'value', reduction: 'value' });
  tensors(what, { input, target });
  const eps = checkFinite(o.eps ?? 1e-8, what, 'eps');
  const r = checkReduction(o.reduction ?? 'mean', what, REDUCTIONS);
  return composedOf((own) => {
    let loss = o.logInput ?? true
      ? own(sub(own(exp(input)), own(mul(target, input))))
      : own(sub(input, own(mul(target, own(log(own(add(input, eps))))))));
    if (o.full) {
      // target log(target) - target + 0.5 log(2 pi target), 0 where target <= 1.
      const stirling = own(add(own(sub(own(mul(target, own(log(target)))), target)), own(mul(own(log(own(mul(target, 2 * Math.PI)))), 0.5))));
      loss = own(add(loss, own(where(own(le(target, 1)), 0, stirling))));
    }
    return reduceLoss(loss, r);
  }, [input, target]);
}

/** Options of gaussianNllLoss. */
export interface GaussianNLLOptions {
  /** Add the constant 0.5 log(2 pi) (default false). */
  full?: boolean;
  /** The smallest variance used (default 1e-6). */
  eps?: number;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * 0.5 (log(var) + (input - target)^2 / var) (torch.nn.functional.gaussian_nll_loss): var of input's
 * shape, or without its last dim, or with a last dim of 1; clamped at eps outside the graph (its
 * gradient passes as though unclamped, as torch's in-place clamp under no_grad); no var below 0.
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, options?: GaussianNLLOptions): Tensor {
  const what = 'gaussianNllLoss';
  const o = optionsOf(options, what, { full: 'boolean', eps: 'value', reduction: 'value' });
  tensors(what, { input, target, var: variance });
  const eps = checkFinite(o.eps ?? 1e-6, what, 'eps');
  const r = checkReduction(o.reduction ?? 'mean', what, REDUCTIONS);
  const lead = input.shape.slice(0, -1);
  let v = variance;
  const made: Tensor[] = [];
  if (!sameShape(variance.shape, input.shape)) {
    if (sameShape(variance.shape, lead)) made.push((v = unsqueeze(variance, -1)));
    else if (!(sameShape(variance.shape.slice(0, -1), lead) && variance.shape[variance.ndim - 1] === 1)) {
      throw new Error(`${what}: var of shape ${fmt(variance.shape)} fits neither input's ${fmt(input.shape)}, nor it without its last dim, nor with a last dim of 1`);
    }
  }
  // A plain loop (TypedArray's some calls its callback at ~10 ns an element: 8 of a 1M loss's 11 ms).
  const vd = variance.data;
  for (let e = 0; e < vd.length; e++) if (vd[e] < 0) throw new Error(`${what}: var has negative entries`);
  const y = composedOf((own) => {
    const clamped = own(scalarOp(v, Unary.clampMin, eps, what, true));
    const diff = own(sub(input, target));
    let loss = own(mul(own(add(own(log(clamped)), own(div(own(mul(diff, diff)), clamped)))), 0.5));
    if (o.full) loss = own(add(loss, 0.5 * Math.log(2 * Math.PI)));
    return reduceLoss(loss, r);
  }, [input, target, variance]);
  letGoAfterBackward(...made);
  return y;
}

/** A loss as a module: its options fixed at construction, forward(...inputs) the loss. */
export abstract class OptionsLoss<O, A extends unknown[]> {
  /** The options every call uses. */
  readonly options: O;
  constructor(options?: O) {
    this.options = options ?? ({} as O);
  }
  /** The loss (0-d unless reduction is 'none'). */
  abstract forward(...inputs: A): Tensor;
  /** Same as forward (PyTorch's module call). */
  call(...inputs: A): Tensor {
    return this.forward(...inputs);
  }
}

type Three = [Tensor, Tensor, Tensor];
type Two = [Tensor, Tensor];

/** nn.MarginRankingLoss: forward(x1, x2, y). */
export class MarginRankingLoss extends OptionsLoss<MarginLossOptions, Three> {
  forward(x1: Tensor, x2: Tensor, y: Tensor): Tensor { return marginRankingLoss(x1, x2, y, this.options); }
}
/** nn.CosineEmbeddingLoss: forward(x1, x2, y). */
export class CosineEmbeddingLoss extends OptionsLoss<MarginLossOptions, Three> {
  forward(x1: Tensor, x2: Tensor, y: Tensor): Tensor { return cosineEmbeddingLoss(x1, x2, y, this.options); }
}
/** nn.TripletMarginLoss: forward(anchor, positive, negative). */
export class TripletMarginLoss extends OptionsLoss<TripletMarginOptions, Three> {
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor { return tripletMarginLoss(anchor, positive, negative, this.options); }
}
/** nn.GaussianNLLLoss: forward(input, target, var). */
export class GaussianNLLLoss extends OptionsLoss<GaussianNLLOptions, Three> {
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor { return gaussianNllLoss(input, target, variance, this.options); }
}
/** nn.HingeEmbeddingLoss: forward(x, y). */
export class HingeEmbeddingLoss extends OptionsLoss<MarginLossOptions, Two> {
  forward(x: Tensor, y: Tensor): Tensor { return hingeEmbeddingLoss(x, y, this.options); }
}
/** nn.SoftMarginLoss: forward(x, y). */
export class SoftMarginLoss extends OptionsLoss<ReductionOptions, Two> {
  forward(x: Tensor, y: Tensor): Tensor { return softMarginLoss(x, y, this.options); }
}
/** nn.PoissonNLLLoss: forward(input, target). */
export class PoissonNLLLoss extends OptionsLoss<PoissonNLLOptions, Two> {
  forward(input: Tensor, target: Tensor): Tensor { return poissonNllLoss(input, target, this.options); }
}
