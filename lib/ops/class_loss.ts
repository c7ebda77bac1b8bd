// Cross-entropy and negative log-likelihood as torch.nn.functional computes them: one sample [C],
// a batch [N, C] or a class per position [N, C, d1, ...]; class-index or probability targets;
// per-class weights, ignore_index and label smoothing. The common case (a batch, no weights, no
// ignored target) is one fused kernel; the rest is composed from ops, so autograd follows it.
import { Tensor } from '../tensor';
import { isGradEnabled } from '../autograd';
import { fmt, sameShape, sizeOf } from '../shape';
import { add, mul } from './binary';
import { classIndices, crossEntropyRows, nllRows, reduceLoss, Reduction, ClassTarget } from './loss';
import { sum } from './reduce';
import { reshape, transpose } from './shape';
import { logSoftmax } from './softmax';
import { neg } from './unary';

/** What a class loss is asked to do besides its input and target. */
export interface ClassLossSpec {
  readonly kind: 'crossEntropy' | 'nll';
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  readonly reduction: Reduction;
}

/** The input as rows of class scores, and the shape of the per-position loss. */
interface Rows {
  readonly x: Tensor; // [rows, classes]
  readonly rows: number;
  readonly cols: number;
  readonly outShape: number[];
}

// [N, C, d...] -> [N * d..., C]: the class dimension last, one row per position (a copy, recorded,
// so the gradient finds its way back).
function classesLast(t: Tensor): Tensor {
  const [n, c] = t.shape;
  const d = sizeOf(t.shape.slice(2));
  return reshape(transpose(reshape(t, [n, c, d]), 1, 2), [n * d, c]);
}

function asRows(input: Tensor, what: string): Rows {
  if (input.ndim === 0) throw new Error(`${what}: input must be [classes], [batch, classes] or [batch, classes, d1, ...], got a 0-d tensor`);
  if (input.ndim === 1) return { x: reshape(input, [1, input.shape[0]]), rows: 1, cols: input.shape[0], outShape: [] };
  const outShape = [input.shape[0], ...input.shape.slice(2)];
  const x = input.ndim === 2 ? input : classesLast(input);
  return { x, rows: sizeOf(outShape), cols: input.shape[1], outShape };
}

// The class weights as numbers, checked against the class count (torch's message names both).
function classWeights(weight: Tensor | null, cols: number, what: string): Float32Array | null {
  if (weight === null) return null;
  if (weight.ndim !== 1 || weight.shape[0] !== cols) {
    throw new Error(`${what}: weight must have one value per class ([${cols}]), got shape ${fmt(weight.shape)}`);
  }
  // torch refuses it too: nll_loss is not differentiable in the class weights, and none would come.
  if (weight.requiresGrad && isGradEnabled()) throw new Error(`${what}: weight must not require a gradient (the loss is not differentiable in the class weights, as in torch); pass weight.detach()`);
  return weight.data;
}

// Index targets arrive as a Tensor shaped like the loss (or [N * d...] flat) or as an array.
function indexTarget(target: ClassTarget, r: Rows, spec: ClassLossSpec, what: string): Int32Array {
  if (target instanceof Tensor && target.ndim > 1 && !sameShape(target.shape, r.outShape)) {
    throw new Error(`${what}: class-index target shape ${fmt(target.shape)} does not match the input's positions ${fmt(r.outShape)}`);
  }
  return classIndices(target, r.rows, r.cols, what, spec.ignoreIndex);
}

/**
 * The per-position losses of `input` against `target`, reduced as `spec.reduction` says. A target
 * with the input's number of dimensions holds class probabilities; any other, class indices.
 */
export function classLoss(input: Tensor, target: ClassTarget, spec: ClassLossSpec, what: string): Tensor {
  const r = asRows(input, what);
  const w = classWeights(spec.weight, r.cols, what);
  const ls = spec.labelSmoothing;
  let per: Tensor;
  if (target instanceof Tensor && target.ndim === input.ndim) {
    if (spec.kind === 'nll') throw new Error(`${what}: target must hold class indices (probability targets are for CrossEntropyLoss), got shape ${fmt(target.shape)} for input ${fmt(input.shape)}`);
    // As torch: a negative ignoreIndex (the default) is allowed and means nothing here.
    if (spec.ignoreIndex >= 0) throw new Error(`${what}: ignoreIndex ${spec.ignoreIndex} does not apply to probability targets (shape ${fmt(target.shape)}); it skips class indices`);
    if (!sameShape(target.shape, input.shape)) throw new Error(`${what}: probability target shape ${fmt(target.shape)} does not match input shape ${fmt(input.shape)}`);
    const tp = input.ndim === 2 ? target : input.ndim === 1 ? reshape(target, [1, r.cols]) : classesLast(target);
    per = w === null ? crossEntropyRows(r.x, tp, ls, what) : weightedProbabilityRows(r, tp, w, ls);
  } else {
    const idx = indexTarget(target, r, spec, what);
    // Weight of each position: its class's weight, 0 where the target is ignored (its index then
    // becomes 0, a class the kernels can read; the row's factor of 0 below discards the result).
    const rowWeight = new Float32Array(r.rows);
    const kept = new Float32Array(r.rows);
    let ignored = 0;
    let total = 0;
    for (let i = 0; i < r.rows; i++) {
      if (idx[i] === spec.ignoreIndex) {
        ignored++;
        idx[i] = 0;
      } else {
        kept[i] = 1;
        rowWeight[i] = w === null ? 1 : w[idx[i]];
        total += rowWeight[i];
      }
    }
    if (w === null && ignored === 0) {
      per = spec.kind === 'nll' ? nllRows(r.x, idx, what) : crossEntropyRows(r.x, idx, ls, what);
    } else {
      // The mean divides by the kept targets' total weight; folded into each row's factor, so an
      // ignored row's factor stays 0 and so does its gradient, even when nothing is kept (torch's
      // loss is then NaN and its gradient 0).
      const scale = spec.reduction === 'mean' ? 1 / total : 1;
      const factor = (v: number, i: number): number => (kept[i] ? v * scale : 0);
      if (spec.kind === 'nll' || w === null) {
        // Unweighted, the kernel's smoothing is torch's: only the ignored rows need masking.
        const losses = spec.kind === 'nll' ? nllRows(r.x, idx, what) : crossEntropyRows(r.x, idx, ls, what);
        per = mul(losses, constant(rowWeight.map(factor), [r.rows]));
      } else {
        // torch: (1 - ls) * w[t] * nll + (ls / C) * (-sum_c w_c log p_c), both 0 where ignored.
        per = mul(crossEntropyRows(r.x, idx, 0, what), constant(rowWeight.map((v, i) => factor(v * (1 - ls), i)), [r.rows]));
        if (ls > 0) {
          const smooth = neg(sum(mul(logSoftmax(r.x, 1), constant(w, [r.cols])), 1));
          per = add(per, mul(smooth, constant(kept.map((_, i) => factor(ls / r.cols, i)), [r.rows])));
        }
      }
      if (spec.reduction === 'mean') return total === 0 ? add(sum(per), NaN) : sum(per);
    }
  }
  return spec.reduction === 'none' ? reshape(per, r.outShape) : reduceLoss(per, spec.reduction);
}

// Probability targets with class weights: -sum_c w_c t'_c log p_c, t' the smoothed target.
function weightedProbabilityRows(r: Rows, target: Tensor, w: Float32Array, ls: number): Tensor {
  if (target.requiresGrad) {
    // A target that needs a gradient: t' w composed of ops, torch's order, so that it flows back.
    const smoothed = ls === 0 ? target : add(mul(target, 1 - ls), ls / r.cols);
    return neg(sum(mul(mul(logSoftmax(r.x, 1), smoothed), constant(w, [r.cols])), 1));
  }
  const coef = new Float32Array(r.rows * r.cols);
  const t = target.data;
  for (let i = 0; i < coef.length; i++) coef[i] = w[i % r.cols] * (t[i] * (1 - ls) + ls / r.cols);
  return neg(sum(mul(logSoftmax(r.x, 1), constant(coef, [r.rows, r.cols])), 1));
}

function constant(data: Float32Array, shape: number[]): Tensor {
  return new Tensor(data, shape);
}
