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

/** The loss as a class-index loss (CrossEntropyLoss, NLLLoss: ignoreIndex, class weights), or null. */
const classLoss = (loss: Loss): CrossEntropyLoss | NLLLoss | null =>
  (loss instanceof CrossEntropyLoss || loss instanceof NLLLoss ? loss : null);

/**
 * Correct predictions, and the rows counted: argmax for multi-class outputs and for every output of
 * a class-index loss (one class of CrossEntropyLoss is argmax 0, as out.argmax(1) gives, not a 0/1
 * decision); for a single output column of any other loss, output above its decisionThreshold
 * predicts 1. A row whose class target is the loss's ignoreIndex is not counted (nothing trains it).
 */
function correctCount(out: Tensor, y: Tensor, loss: Loss): [correct: number, counted: number] {
  const threshold = decisionThreshold(loss);
  const cl = classLoss(loss);
  const ignored = cl?.ignoreIndex ?? null;
  const n = out.shape[0];
  const byThreshold = out.size === n && !cl;
  // A class loss's targets of shape [n, 1] are probabilities of its one class, not 0/1 decisions.
  const oneValuePerRow = cl ? y.ndim === 1 : y.size === n;
  let correct = 0;
  let counted = 0;
  for (let r = 0; r < n; r++) {
    const target = oneValuePerRow ? y.data[r] : argmaxRow(y, r);
    if (oneValuePerRow && target === ignored) continue;
    const pred = byThreshold ? (out.data[r] > threshold ? 1 : 0) : argmaxRow(out, r);
    counted++;
    if (pred === target) correct++;
  }
  return [correct, counted];
}

/**
 * What a batch's loss counts for when batches combine into the loss over all of them: for reduction
 * 'sum', 1 (the sums add up); for CrossEntropyLoss and NLLLoss with class-index targets, the kept
 * targets' class weights (torch's mean divides by their sum; 1 each without weights, 0 for an
 * ignored target); otherwise the batch's rows.
 */
function batchLossWeight(loss: Loss, out: Tensor, y: Tensor): number {
  if (loss.reduction === 'sum') return 1;
  const cl = classLoss(loss);
  if (!cl || y.size === out.size) return out.shape[0];
  const w = cl.weight?.data;
  let total = 0;
  for (let i = 0; i < y.size; i++) {
    const t = y.data[i];
    if (t !== cl.ignoreIndex) total += w ? w[t] : 1;
  }
  return total;
}

/**
 * Running totals over the batches of an epoch or an evaluation: the loss as the loss module would
 * give it for all of them in one call (its mean, or its sum for reduction 'sum'), and accuracy over
 * the counted rows.
 */
export class BatchTally {
  private lossSum = 0;
  private lossWeight = 0;
  private correct = 0;
  private counted = 0;

  constructor(private readonly lossFn: Loss, private readonly withAccuracy: boolean) {}

  /** Adds one batch: the model's output, the targets and the loss's value. */
  add(out: Tensor, y: Tensor, lossValue: number): void {
    const w = batchLossWeight(this.lossFn, out, y);
    // A batch whose every target is ignored has a NaN mean, over nothing: it adds nothing.
    if (w > 0) {
      this.lossSum += lossValue * w;
      this.lossWeight += w;
    }
    if (this.withAccuracy) {
      const [c, k] = correctCount(out, y, this.lossFn);
      this.correct += c;
      this.counted += k;
    }
  }

  /** Adds what a fused run summed: a mean loss times the rows, over `rows` rows, `correct` of them right. */
  addTotals(lossTimesRows: number, rows: number, correct: number): void {
    this.lossSum += lossTimesRows;
    this.lossWeight += rows;
    this.correct += correct;
    this.counted += rows;
  }

  /** @internal The running sums (loss, its weight, correct, counted), to add up over processes. */
  totals(): Float64Array {
    return Float64Array.of(this.lossSum, this.lossWeight, this.correct, this.counted);
  }

  /** @internal Replaces the running sums with `t` (totals() summed over the ranks). */
  setTotals(t: Float64Array): void {
    [this.lossSum, this.lossWeight, this.correct, this.counted] = t;
  }

  /** The combined loss. */
  get loss(): number {
    return this.lossFn.reduction === 'sum' ? this.lossSum : this.lossSum / this.lossWeight;
  }

  /** Correct predictions over counted rows. */
  get accuracy(): number {
    return this.correct / this.counted;
  }
}

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
