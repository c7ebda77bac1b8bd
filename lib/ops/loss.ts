// Loss kernels as ops: fused softmax cross-entropy, binary cross-entropy (on probabilities and on
// logits), the reduced squared and absolute errors, KL divergence's elements, and the reduction
// step ('mean' | 'sum' | 'none', and KLDivLoss's 'batchmean') every loss ends with.
import { Binary, Unary, UnaryCode } from '../backend/backend';
import { B } from '../backend/registry';
import { GraphBackward, Tensor } from '../tensor';
import { fmt } from '../shape';
import { shown } from '../args';
import { alloc, allocIndexOutput, allocOutput, roundingOf } from '../storage';
import { POOL_MIN_LENGTH, recycleArray } from '../reuse';
import { noGrad } from '../autograd';
import { broadcastBinary, letGoAfterBackward, letGoAfterRead, record, recordKeeping } from './core';
import { mean, sum } from './reduce';
import { add, div, mul, sub } from './binary';
import { reshape } from './shape';
import { logSoftmax, softmax } from './softmax';
import { exp, log, neg, sigmoid } from './unary';
import { addAt } from './offsets';
import { clamp } from './compare';
import { eq, where } from './more';

/** How a loss combines per-element values. */
export type Reduction = 'mean' | 'sum' | 'none';
/** KLDivLoss's reductions: Reduction's and 'batchmean', the sum over the batch size. */
export type KLDivReduction = Reduction | 'batchmean';

/** `r` if it is one of `allowed` (a loss's reductions()), else an error that lists them. */
export function checkReduction<R extends KLDivReduction>(r: unknown, what: string, allowed: readonly R[]): R {
  if (!allowed.includes(r as R)) {
    const listed = allowed.map((a) => `'${a}'`);
    throw new Error(`${what}: reduction must be ${listed.slice(0, -1).join(', ')} or ${listed[listed.length - 1]}, got ${shown(r)}`);
  }
  return r as R;
}

export function reduceLoss(perElement: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return perElement;
  const loss = reduction === 'sum' ? sum(perElement) : mean(perElement);
  // The caller's own: one array of the input's size a step otherwise (a small one is never pooled,
  // and marking it cost W1's step ~0.3 us).
  if (perElement.size > POOL_MIN_LENGTH) letGoAfterBackward(perElement);
  return loss;
}

/** reduceLoss of the per-element losses times an optional weight (the product the caller's own too). */
export function reduceWeighted(perElement: Tensor, weight: Tensor | null, reduction: Reduction): Tensor {
  if (!weight) return reduceLoss(perElement, reduction);
  const weighted = mul(perElement, weight);
  letGoAfterBackward(perElement);
  return reduceLoss(weighted, reduction);
}

/**
 * MSELoss ('squared') and L1Loss ('absolute') with reduction 'mean' or 'sum', input and target of one
 * shape (checked by the caller): the differences d in one pass, the sum of d^2 or |d| in double in
 * another (Backend.sumSquares, sumAbs), and a backward over the kept differences: (d (2 / n)) g as
 * torch's mse_loss_backward rounds it (one pass when g is 1), sign(d) (g / n) as torch's abs and mean
 * backward give it (0 where d is 0), without the / n for 'sum'. Composed of sub, mul or abs and mean,
 * each made three nodes and about eight passes ([256, 1024] MSE forward and backward 0.56 ms, L1's
 * forward 0.12-0.16; PyTorch 0.17 and 0.09-0.12).
 */
export function differenceLoss(input: Tensor, target: Tensor, reduction: 'mean' | 'sum', kind: 'squared' | 'absolute'): Tensor {
  const shape = input.shape;
  const n = input.size;
  const squared = kind === 'squared';
  const d = broadcastBinary(Binary.sub, input.data, shape, target.data, shape, shape);
  const total = squared ? B().sumSquares([d]) : B().sumAbs([d]);
  const out = alloc(1);
  out[0] = reduction === 'mean' ? total / n : total;
  const loss = recordKeeping(out, [], [input, target], [d], squared ? 'mseLoss' : 'l1Loss', (gy) => {
    const mean = reduction === 'mean';
    const seed = gy[0];
    const f = roundingOf(d);
    // The target's: torch's mse_loss_backward with the two swapped ((t - x) norm seed, +0 where they
    // are equal), and the negated input gradient through L1's subtraction (-0 there).
    const scaled = (forTarget: boolean) => {
      const g = allocOutput(n);
      if (squared) {
        // (d * norm) * seed, rounded in that order as torch's mse_loss_backward (norm = 2 / n, a
        // float): folding the two factors first was an ulp off it in 38% of elements for a seed of 1.7.
        const from = forTarget ? broadcastBinary(Binary.sub, target.data, shape, input.data, shape, shape) : d;
        B().unary(Unary.scale, from, g, mean ? f(2 / n) : 2);
        if (forTarget) recycleArray(from);
        if (seed !== 1) B().unary(Unary.scale, g, g, seed);
      } else {
        B().unary(Unary.sign, d, g, 0);
        B().unary(Unary.scale, g, g, (forTarget ? -1 : 1) * (mean ? f(seed / n) : seed)); // exact: ±k or 0 (NaN stays)
      }
      return g;
    };
    return [input.requiresGrad ? scaled(false) : null, target.requiresGrad ? scaled(true) : null];
  });
  if (loss.node) {
    // d (2 / n) gy recorded from the inputs, or sign(d) (gy / n) (a constant slope); the target's negated.
    loss.node.graphBackward = (gy) => {
      const scale = reduction === 'mean' ? n : 1;
      const gi = squared ? mul(mul(sub(input, target), 2 / scale), gy) : mul(new Tensor(signs(d), shape), div(gy, scale));
      return [input.requiresGrad ? gi : null, target.requiresGrad ? neg(gi) : null];
    };
  }
  return loss;
}

/** sign(d) as a new array. */
function signs(d: Float32Array): Float32Array {
  const s = allocOutput(d.length);
  B().unary(Unary.sign, d, s, 0);
  return s;
}

/** Class targets: indices (one per row) or probabilities ([rows, cols]). */
export type ClassTarget = Tensor | Int32Array | readonly number[];

/**
 * Converts index targets to Int32Array, checking every index is an integer in [0, cols) or equal to
 * `ignoreIndex` (kept as it is, for the caller to skip).
 */
export function classIndices(target: Tensor | Int32Array | readonly number[], rows: number, cols: number, what: string, ignoreIndex?: number): Int32Array {
  if (!(target instanceof Tensor) && !ArrayBuffer.isView(target) && !Array.isArray(target)) {
    throw new Error(`${what}: target must be a Tensor, an Int32Array or an array of class indices, got ${target === null ? 'null' : typeof target}`);
  }
  const src: ArrayLike<number> = target instanceof Tensor ? target.data : target;
  if (src.length !== rows) throw new Error(`${what}: expected ${rows} class indices (one per row of the input), got ${src.length}`);
  const idx = allocIndexOutput(rows);
  for (let i = 0; i < rows; i++) {
    const v = src[i];
    if (v === ignoreIndex) {
      idx[i] = v;
      continue;
    }
    if (!Number.isInteger(v) || v < 0 || v >= cols) throw new Error(`${what}: target class index ${v} at position ${i} is out of range [0, ${cols})`);
    idx[i] = v;
  }
  return idx;
}

/**
 * Per-row softmax cross-entropy of logits [rows, cols] against class indices or class probabilities,
 * with PyTorch's label smoothing. Returns the per-row losses [rows].
 */
export function crossEntropyRows(logits: Tensor, target: ClassTarget, labelSmoothing: number, what = 'crossEntropy'): Tensor {
  if (logits.ndim !== 2) throw new Error(`${what}: input must be [batch, classes], got shape ${fmt(logits.shape)}`);
  const [rows, cols] = logits.shape;
  let ti: Int32Array | null = null;
  let tp: Float32Array | null = null;
  if (target instanceof Tensor && target.ndim === 2) {
    if (target.shape[0] !== rows || target.shape[1] !== cols) throw new Error(`${what}: probability target shape ${fmt(target.shape)} does not match input shape ${fmt(logits.shape)}`);
    tp = target.data;
  } else {
    if (target instanceof Tensor && target.ndim !== 1) throw new Error(`${what}: target must be class indices [batch] or probabilities [batch, classes], got shape ${fmt(target.shape)}`);
    ti = classIndices(target, rows, cols, what);
  }
  const loss = alloc(rows);
  const prob = allocOutput(logits.size);
  const be = B();
  be.crossEntropy(logits.data, rows, cols, ti, tp, labelSmoothing, loss, prob);
  const backward = (gy: Float32Array): (Float32Array | null)[] => {
    const gx = logits.requiresGrad ? allocOutput(logits.size) : null;
    if (gx) be.crossEntropyGrad(prob, rows, cols, ti, tp, labelSmoothing, gy, gx);
    return target instanceof Tensor && tp && target.requiresGrad ? [gx, probabilityTargetGrad(logits.data, rows, cols, labelSmoothing, gy)] : [gx];
  };
  // A probability target that needs a gradient is an input; only the backward reads the probabilities.
  const targetNeedsGrad = target instanceof Tensor && tp !== null && target.requiresGrad;
  const y = targetNeedsGrad ? recordKeeping(loss, [rows], [logits, target as Tensor], [prob], 'crossEntropy', backward)
    : recordKeeping(loss, [rows], [logits], [prob], 'crossEntropy', backward);
  if (y.node) y.node.graphBackward = crossEntropyGraphRule(logits, target, ti, labelSmoothing);
  return y;
}

/**
 * crossEntropyRows' backward as recorded ops. With t' the smoothed target (t (1 - ls) + ls / C, t
 * one-hot for class indices), a row's loss -sum t' log softmax(x) has gradient (p sum(t') - t') gy
 * for the logits and -(1 - ls) log p gy for a probability target.
 */
function crossEntropyGraphRule(logits: Tensor, target: ClassTarget, ti: Int32Array | null, ls: number): GraphBackward {
  const [rows, cols] = logits.shape;
  return (gy) => {
    const g = reshape(gy, [rows, 1]);
    let t: Tensor;
    if (ti) {
      const oneHot = alloc(rows * cols);
      for (let r = 0; r < rows; r++) oneHot[r * cols + ti[r]] = 1;
      t = new Tensor(oneHot, [rows, cols]);
    } else {
      t = target as Tensor;
    }
    const smoothed = ls > 0 ? add(mul(t, 1 - ls), ls / cols) : t;
    const gx = logits.requiresGrad ? mul(sub(mul(softmax(logits, 1), sum(smoothed, 1, true)), smoothed), g) : null;
    const gt = !ti && t.requiresGrad ? mul(mul(logSoftmax(logits, 1), g), -(1 - ls)) : null;
    return [gx, gt];
  };
}

/**
 * A probability target's gradient, torch's: the row's loss -sum_c t'_c log p_c with t' = t (1 - ls)
 * + ls / C gives -gy log p_c (1 - ls), log p the rows' log-softmax (the backend's kernel).
 */
function probabilityTargetGrad(x: Float32Array, rows: number, cols: number, ls: number, gy: Float32Array): Float32Array {
  const g = allocOutput(rows * cols);
  B().softmax(x, rows, cols, 1, g, true);
  for (let i = 0; i < g.length; i++) {
    g[i] = -gy[(i / cols) | 0] * g[i];
    if (ls !== 0) g[i] *= 1 - ls;
  }
  return g;
}

/**
 * The negative log-likelihood of each row, -input[r, target[r]], read directly: a product with a
 * one-hot mask would turn a -Infinity log-probability of another class into NaN (-inf * 0), where
 * PyTorch's nll_loss gives the picked value.
 */
export function nllRows(input: Tensor, target: ClassTarget, what = 'NLLLoss'): Tensor {
  if (input.ndim !== 2) throw new Error(`${what}: input must be [batch, classes], got shape ${fmt(input.shape)}`);
  const [rows, cols] = input.shape;
  const idx = classIndices(target, rows, cols, what);
  const loss = alloc(rows);
  for (let r = 0; r < rows; r++) loss[r] = -input.data[r * cols + idx[r]];
  const out = record(loss, [rows], [input], 'nll', (gy) => {
    const gx = alloc(input.size);
    for (let r = 0; r < rows; r++) gx[r * cols + idx[r]] = -gy[r];
    return [gx];
  });
  if (out.node) {
    const at = Int32Array.from(idx, (c, r) => r * cols + c);
    out.node.graphBackward = (gy) => [addAt(neg(gy), at, input.shape)];
  }
  return out;
}

/** Element-wise binary cross-entropy; `logits` selects the stable with-logits form. */
export function binaryCrossEntropyElements(input: Tensor, target: Tensor, logits: boolean): Tensor {
  const fwd = logits ? Binary.bceLogits : Binary.bce;
  const grad = logits ? Binary.bceLogitsGrad : Binary.bceGrad;
  const shape = input.shape;
  const y = broadcastBinary(fwd, input.data, shape, target.data, shape, shape);
  const backward = (gy: Float32Array): (Float32Array | null)[] => {
    const d = broadcastBinary(grad, input.data, shape, target.data, shape, shape);
    const gx = input.requiresGrad ? broadcastBinary(Binary.mul, d, shape, gy, shape, shape) : null;
    recycleArray(d);
    return target.requiresGrad ? [gx, targetGrad(input.data, gy, logits)] : [gx];
  };
  // A target that needs a gradient (a Bernoulli's entropy) is an input; otherwise the backward reads
  // it as a constant, and one made for this op alone (BCEWithLogitsLoss's ones) goes back to the pool
  // after it.
  const out = target.requiresGrad ? record(y, shape, [input, target], logits ? 'bceWithLogits' : 'bce', backward)
    : recordKeeping(y, shape, [input], [target], logits ? 'bceWithLogits' : 'bce', backward);
  // createGraph: the kernels' slopes as ops, sigmoid(x) - t and (x - t) / max(x (1 - x), 1e-12) (torch's), and
  // the target's -x and -logit(x).
  if (out.node) {
    out.node.graphBackward = (gy) => {
      const gx = !input.requiresGrad ? null
        : mul(gy, logits ? sub(sigmoid(input), target) : div(sub(input, target), clamp(mul(input, sub(1, input)), 1e-12)));
      if (!target.requiresGrad) return [gx];
      return [gx, mul(gy, neg(logits ? input : log(div(input, sub(1, input)))))];
    };
  }
  return out;
}

/**
 * The target's gradient, torch's: -x with logits (the loss (1 - t) x + softplus(-x) is linear in
 * t), -logit(x) = -log(x / (1 - x)) without, each in the storage's precision, times gy.
 */
function targetGrad(x: Float32Array, gy: Float32Array, logits: boolean): Float32Array {
  const r = roundingOf(x);
  const g = allocOutput(x.length);
  for (let i = 0; i < x.length; i++) g[i] = -(logits ? x[i] : r(Math.log(r(x[i] / r(1 - x[i]))))) * gy[i];
  return g;
}

/**
 * A loss of the difference d = input - target, element by element: the unary kernel `code` (with
 * parameter p) gives its value and slope, each written as torch's kernel and backward write them,
 * then the reduction. (As closures called element by element, a million took 18-24 ms; torch 0.2.)
 */
function differenceLossOf(input: Tensor, target: Tensor, reduction: Reduction, name: string, code: UnaryCode, p: number,
  slopeOfTensor: (d: Tensor) => Tensor): Tensor {
  const n = input.size;
  // The differences, rounded to the storage's precision (float64 storage in gradient checks).
  const d = broadcastBinary(Binary.sub, input.data, input.shape, target.data, target.shape, input.shape);
  const per = allocOutput(n);
  B().unary(code, d, per, p);
  const perElement = recordKeeping(per, input.shape, [input, target], [d], name, (g) => {
    const gi = input.requiresGrad ? allocOutput(n) : null;
    if (gi) B().unaryGrad(code, d, per, g, gi, p);
    // The target's: the slope at target - input (0 - d: +0 where they are equal, as torch's, whose
    // zero gradients then take the upstream's sign rather than its opposite's).
    let gt: Float32Array | null = null;
    if (target.requiresGrad) {
      const flipped = allocOutput(n);
      B().unary(Unary.rsubScalar, d, flipped, 0);
      gt = allocOutput(n);
      B().unaryGrad(code, flipped, per, g, gt, p);
      recycleArray(flipped);
    }
    return [gi, gt];
  });
  // createGraph: the slope as ops of the recorded difference (target - input for the target's).
  if (perElement.node) {
    perElement.node.graphBackward = (g) => [input.requiresGrad ? mul(g, slopeOfTensor(sub(input, target))) : null,
      target.requiresGrad ? mul(g, slopeOfTensor(sub(target, input))) : null];
  }
  return reduceLoss(perElement, reduction);
}

/** SmoothL1Loss's arithmetic (torch's smooth_l1_loss): beta as a float; its backward tests d <= -beta first, so at beta 0 (L1's values) the slope at d = 0 is -1, as torch's. */
export function smoothL1Loss(input: Tensor, target: Tensor, reduction: Reduction, betaValue: number): Tensor {
  const beta = Math.fround(betaValue);
  return differenceLossOf(input, target, reduction, 'smoothL1Loss', Unary.smoothL1, beta,
    (d) => (beta > 0 ? clamp(div(d, beta), -1, 1) : where(d.gt(0), 1, -1)));
}

/** HuberLoss's arithmetic (torch's huber_loss), delta as a float. */
export function huberLoss(input: Tensor, target: Tensor, reduction: Reduction, deltaValue: number): Tensor {
  const delta = Math.fround(deltaValue);
  return differenceLossOf(input, target, reduction, 'huberLoss', Unary.huber, delta, (d) => clamp(d, -delta, delta));
}

/**
 * KLDivLoss's per-element values as torch's kl_div: t (log t - input), 0 where t is 0 (torch's
 * xlogy(t, t) - t input), or e^t (t - input) for log-probability targets; composed of ops, so the
 * gradients are theirs (input: -t, or -e^t).
 */
export function klDivElements(input: Tensor, target: Tensor, logTarget: boolean): Tensor {
  const made: Tensor[] = [];
  const own = (t: Tensor): Tensor => (made.push(t), t);
  let y: Tensor;
  if (logTarget) y = mul(own(exp(target)), own(sub(target, input)));
  else {
    // xlogy(t, t): without a gradient for the target, a constant whose steps go back to the pool
    // at once (kept, as steps no node reads, they went to the collector).
    const xlogy = () => {
      const zero = eq(target, 0), logs = log(target), products = mul(target, logs);
      const v = where(zero, 0, products);
      letGoAfterRead(v, zero, logs, products);
      return v;
    };
    y = sub(own(target.requiresGrad ? xlogy() : noGrad(xlogy)), own(mul(target, input)));
  }
  // Each step's result is read by the next alone.
  letGoAfterRead(y, ...made);
  return y;
}

/** KLDivLoss's reduction of its per-element values: Reduction's, or 'batchmean', the sum over the input's first dimension (torch.nn.functional.kl_div's). */
export function reduceKLDiv(perElement: Tensor, reduction: KLDivReduction): Tensor {
  if (reduction !== 'batchmean') return reduceLoss(perElement, reduction);
  if (perElement.ndim === 0) return reduceLoss(perElement, 'sum');
  const total = reduceLoss(perElement, 'sum');
  const y = div(total, perElement.shape[0]);
  letGoAfterBackward(total);
  return y;
}
