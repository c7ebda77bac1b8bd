// Metrics computed from a batch's output and targets.
import { Tensor } from '../tensor';
import { BCEWithLogitsLoss, CrossEntropyLoss, Loss, NLLLoss } from '../nn/loss';

/** Metric names fit and evaluate understand. */
export type MetricName = 'accuracy';

/**
 * Where a single output column says "1": above 0.5 for a probability, above 0 for the logit that
 * BCEWithLogitsLoss takes (sigmoid(x) > 0.5 exactly when x > 0).
 */
export function decisionThreshold(loss: Loss): number {
  return loss instanceof BCEWithLogitsLoss ? 0 : 0.5;
}

/**
 * Correct predictions, and the rows counted: argmax for multi-class outputs; for a single output
 * column, output above the loss's decisionThreshold predicts 1. A row whose class target is the
 * loss's ignoreIndex is not counted (nothing trains it either).
 */
export function correctCount(out: Tensor, y: Tensor, loss: Loss): [correct: number, counted: number] {
  const threshold = decisionThreshold(loss);
  const ignored = loss instanceof CrossEntropyLoss || loss instanceof NLLLoss ? loss.ignoreIndex : null;
  const n = out.shape[0];
  const cols = out.size / n;
  let correct = 0;
  let counted = 0;
  for (let r = 0; r < n; r++) {
    const target = y.size === n ? y.data[r] : argmaxRow(y, r);
    if (y.size === n && target === ignored) continue;
    const pred = cols === 1 ? (out.data[r] > threshold ? 1 : 0) : argmaxRow(out, r);
    counted++;
    if (pred === target) correct++;
  }
  return [correct, counted];
}

/**
 * What a batch's loss counts for when batches combine into the loss over all of them (see
 * combinedLoss): for reduction 'sum', 1 (the sums add up); for CrossEntropyLoss and NLLLoss with
 * class-index targets, the kept targets' class weights (torch's mean divides by their sum; 1 each
 * without weights, 0 for an ignored target); otherwise the batch's rows.
 */
export function batchLossWeight(loss: Loss, out: Tensor, y: Tensor): number {
  const rows = out.shape[0];
  if (loss.reduction === 'sum') return 1;
  const classLoss = loss instanceof CrossEntropyLoss || loss instanceof NLLLoss;
  if (!classLoss || y.size === out.size) return rows;
  const w = loss.weight?.data;
  let total = 0;
  for (let i = 0; i < y.size; i++) {
    const t = y.data[i];
    if (t !== loss.ignoreIndex) total += w ? w[t] : 1;
  }
  return total;
}

/**
 * The loss over all batches from the sum of each batch's loss times its batchLossWeight: what the
 * loss module gives for the whole set in one call (its sum for reduction 'sum', else its mean).
 */
export const combinedLoss = (loss: Loss, weightedSum: number, totalWeight: number): number =>
  loss.reduction === 'sum' ? weightedSum : weightedSum / totalWeight;

/** Column of the largest value in row r of t (the first one on ties). */
function argmaxRow(t: Tensor, r: number): number {
  const cols = t.size / t.shape[0];
  let best = 0;
  for (let c = 1; c < cols; c++) if (t.data[r * cols + c] > t.data[r * cols + best]) best = c;
  return best;
}

export function checkMetrics(metrics: readonly string[] | undefined, what: string): MetricName[] {
  const m = metrics ?? [];
  for (const name of m) if (name !== 'accuracy') throw new Error(`${what}: unknown metric '${name}' (supported: 'accuracy')`);
  return m as MetricName[];
}
