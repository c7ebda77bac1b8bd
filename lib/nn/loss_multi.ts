// torch.nn's multi-class and multi-label margin losses and the triplet loss with a distance of the
// caller's: MultiMarginLoss, MultiLabelMarginLoss, MultiLabelSoftMarginLoss and
// TripletMarginWithDistanceLoss (functions and modules), torch 1.13's formulas composed of the
// library's ops, so the gradients are theirs.
import { Tensor } from '../tensor';
import { fmt, sameShape } from '../shape';
import { checkFinite, optionsOf, shown } from '../args';
import { add, mul, sub, div } from '../ops/binary';
import { clamp } from '../ops/compare';
import { neg } from '../ops/unary';
import { logsigmoid } from '../ops/activation_more';
import { sum } from '../ops/reduce';
import { reshape, unsqueeze } from '../ops/shape';
import { gather, indexSelect } from '../ops/index_ops';
import { checkTensor, composedOf } from '../ops/core';
import { checkReduction, classIndices, ClassTarget, reduceLoss, Reduction } from '../ops/loss';
import { pairwiseDistance } from '../ops/structure';
import { DistanceFunction, OptionsLoss, tripletWithDistance } from './loss_extra';

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/** x's samples and classes: [N, C], or [C] as one sample. */
function rowsOf(x: Tensor, what: string): { n: number; c: number; single: boolean } {
  checkTensor(x, what);
  if (x.ndim !== 1 && x.ndim !== 2) throw new Error(`${what}: input must be [N, C] or [C], got shape ${fmt(x.shape)}`);
  return x.ndim === 2 ? { n: x.shape[0], c: x.shape[1], single: false } : { n: 1, c: x.shape[0], single: true };
}

/** The per-sample losses [N] reduced, or as [] for a single sample with reduction 'none'. */
function finish(perSample: Tensor, single: boolean, r: Reduction, own: (t: Tensor) => Tensor): Tensor {
  if (r !== 'none') return reduceLoss(own(perSample), r);
  return single ? reshape(own(perSample), []) : perSample;
}

/** Options of multiMarginLoss. */
export interface MultiMarginOptions {
  /** 1 (default) or 2: the hinge or its square. */
  p?: 1 | 2;
  /** The margin (default 1). */
  margin?: number;
  /** Each class's weight [C], applied by the target's class (default none). */
  weight?: Tensor | null;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * The multi-class hinge loss (torch.nn.functional.multi_margin_loss): per sample, the sum over the
 * classes i other than the target y of max(0, margin - x[y] + x[i])^p (times weight[y]), over C.
 */
export function multiMarginLoss(input: Tensor, target: ClassTarget, options?: MultiMarginOptions): Tensor {
  const what = 'multiMarginLoss';
  const o = optionsOf(options, what, { p: 'value', margin: 'value', weight: 'value', reduction: 'value' });
  const p = o.p ?? 1;
  if (p !== 1 && p !== 2) throw new Error(`${what}: p must be 1 or 2, got ${shown(p)}`);
  const margin = checkFinite(o.margin ?? 1, what, 'margin');
  const r = checkReduction(o.reduction ?? 'mean', what, REDUCTIONS);
  const { n, c, single } = rowsOf(input, what);
  const y = classIndices(target, n, c, what);
  const weight = o.weight ?? null;
  if (weight !== null && (checkTensor(weight, `${what} weight`).ndim !== 1 || weight.shape[0] !== c)) throw new Error(`${what}: weight must be [${c}], got shape ${fmt(weight.shape)}`);
  // 1 at the other classes, 0 at the target's (its term, margin, is not counted).
  const others = new Float32Array(n * c).fill(1);
  for (let i = 0; i < n; i++) others[i * c + y[i]] = 0;
  return composedOf((own) => {
    const rows = single ? own(reshape(input, [1, c])) : input;
    const at = own(new Tensor(Float32Array.from(y), [n, 1]));
    const xy = own(gather(rows, 1, at));
    let z = own(clamp(own(add(own(sub(rows, xy)), margin)), 0));
    if (p === 2) z = own(mul(z, z));
    if (weight) z = own(mul(z, own(unsqueeze(own(indexSelect(weight, 0, y)), 1))));
    const perSample = own(div(own(sum(own(mul(z, own(new Tensor(others, [n, c])))), 1)), c));
    return finish(perSample, single, r, own);
  }, [input]);
}

/**
 * The multi-label hinge loss (torch.nn.functional.multilabel_margin_loss): each sample's target
 * lists its classes (indices, ended by the first -1); the loss sums max(0, 1 - (x[j] - x[i])) over
 * its classes j and the classes i not among them, over C.
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, options?: { reduction?: Reduction }): Tensor {
  const what = 'multilabelMarginLoss';
  const o = optionsOf(options, what, { reduction: 'value' });
  const r = checkReduction(o.reduction ?? 'mean', what, REDUCTIONS);
  const { n, c, single } = rowsOf(input, what);
  checkTensor(target, `${what} target`);
  if (!sameShape(target.shape, input.shape)) throw new Error(`${what}: target must have the input's shape ${fmt(input.shape)}, got ${fmt(target.shape)}`);
  // Per sample: its listed classes at the front (the rest padded with class 0, masked), and which classes are listed.
  const listed = new Float32Array(n * c), valid = new Float32Array(n * c), unlisted = new Float32Array(n * c).fill(1);
  for (let s = 0; s < n; s++) {
    for (let k = 0; k < c; k++) {
      const v = target.data[s * c + k];
      if (v === -1) break;
      if (!Number.isInteger(v) || v < 0 || v >= c) throw new Error(`${what}: target class ${v} at [${s}, ${k}] is out of range [0, ${c}) (a list ends at -1)`);
      listed[s * c + k] = v;
      valid[s * c + k] = 1;
      unlisted[s * c + v] = 0;
    }
  }
  return composedOf((own) => {
    const rows = single ? own(reshape(input, [1, c])) : input;
    const xj = own(unsqueeze(own(gather(rows, 1, own(new Tensor(listed, [n, c])))), 2)); // [N, C (listed), 1]
    const xi = own(unsqueeze(rows, 1)); // [N, 1, C (every class)]
    const hinge = own(clamp(own(add(own(sub(xi, xj)), 1)), 0));
    const pairs = own(mul(own(new Tensor(valid, [n, c, 1])), own(new Tensor(unlisted, [n, 1, c]))));
    const perSample = own(div(own(sum(own(mul(hinge, pairs)), [1, 2])), c));
    return finish(perSample, single, r, own);
  }, [input]);
}

/** Options of multilabelSoftMarginLoss. */
export interface MultilabelSoftMarginOptions {
  /** Each class's weight [C] (default none). */
  weight?: Tensor | null;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * The multi-label one-versus-all logistic loss (torch.nn.functional.multilabel_soft_margin_loss):
 * -(y log sigmoid(x) + (1 - y) log sigmoid(-x)), times weight, summed over the classes, over C.
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, options?: MultilabelSoftMarginOptions): Tensor {
  const what = 'multilabelSoftMarginLoss';
  const o = optionsOf(options, what, { weight: 'value', reduction: 'value' });
  const r = checkReduction(o.reduction ?? 'mean', what, REDUCTIONS);
  checkTensor(input, what);
  checkTensor(target, `${what} target`);
  if (input.ndim === 0 || target.ndim !== input.ndim || target.shape.some((s, i) => s !== input.shape[i])) {
    throw new Error(`${what}: target must have the input's shape ${fmt(input.shape)} (at least 1-D), got ${fmt(target.shape)}`);
  }
  const c = input.shape[input.ndim - 1];
  const weight = o.weight ?? null;
  if (weight !== null) checkTensor(weight, `${what} weight`);
  return composedOf((own) => {
    const pos = own(mul(target, own(logsigmoid(input))));
    const negPart = own(mul(own(sub(1, target)), own(logsigmoid(own(neg(input))))));
    let loss = own(neg(own(add(pos, negPart))));
    if (weight) loss = own(mul(loss, weight));
    const perSample = own(div(own(sum(loss, input.ndim - 1)), c));
    return r === 'none' ? perSample : reduceLoss(perSample, r);
  }, [input, target]);
}

/** Options of tripletMarginWithDistanceLoss. */
export interface TripletDistanceOptions {
  /** The distance (default pairwiseDistance, the 2-norm with eps 1e-6). */
  distanceFunction?: DistanceFunction | null;
  /** The margin (default 1). */
  margin?: number;
  /** Use the positive-negative distance when it is the smaller (default false). */
  swap?: boolean;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/** torch.nn.functional.triplet_margin_with_distance_loss: the triplet loss under a distance of the caller's. */
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options?: TripletDistanceOptions): Tensor {
  const what = 'tripletMarginWithDistanceLoss';
  const o = optionsOf(options, what, { distanceFunction: 'value', margin: 'value', swap: 'boolean', reduction: 'value' });
  const d = o.distanceFunction ?? ((a: Tensor, b: Tensor) => pairwiseDistance(a, b));
  if (typeof d !== 'function') throw new Error(`${what}: distanceFunction must be a function of two tensors, got ${shown(d)}`);
  const margin = checkFinite(o.margin ?? 1, what, 'margin');
  if (!(margin > 0)) throw new Error(`${what}: margin must be greater than 0, got ${margin}`);
  return tripletWithDistance(what, anchor, positive, negative, d, margin, o.swap ?? false, checkReduction(o.reduction ?? 'mean', what, REDUCTIONS));
}

/** nn.MultiMarginLoss: forward(input, target). */
export class MultiMarginLoss extends OptionsLoss<MultiMarginOptions, [Tensor, ClassTarget]> {
  forward(input: Tensor, target: ClassTarget): Tensor { return multiMarginLoss(input, target, this.options); }
}

/** nn.MultiLabelMarginLoss: forward(input, target). */
export class MultiLabelMarginLoss extends OptionsLoss<{ reduction?: Reduction }, [Tensor, Tensor]> {
  forward(input: Tensor, target: Tensor): Tensor { return multilabelMarginLoss(input, target, this.options); }
}

/** nn.MultiLabelSoftMarginLoss: forward(input, target). */
export class MultiLabelSoftMarginLoss extends OptionsLoss<MultilabelSoftMarginOptions, [Tensor, Tensor]> {
  forward(input: Tensor, target: Tensor): Tensor { return multilabelSoftMarginLoss(input, target, this.options); }
}

/** nn.TripletMarginWithDistanceLoss: forward(anchor, positive, negative). */
export class TripletMarginWithDistanceLoss extends OptionsLoss<TripletDistanceOptions, [Tensor, Tensor, Tensor]> {
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor { return tripletMarginWithDistanceLoss(anchor, positive, negative, this.options); }
}
