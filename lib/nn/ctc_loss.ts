// The connectionist temporal classification loss (torch.nn.CTCLoss, Graves et al. 2006): the negative
// log-likelihood of each target sequence summed over every alignment of it to the input frames (blanks
// between labels, repeats merged), by the forward (alpha) recursion in log space; the gradient from
// alpha and the backward (beta) recursion. Both run in double per sample and round once; torch runs
// them in float32, so the two agree to float32's rounding of the sums, not bit for bit.
//
// The gradient is torch's: exp(lp) - exp(log(sum of alpha beta over the label's positions) + nll - lp)
// times the loss's gradient, which is the gradient with respect to the logits when log_probs are
// their log-softmax (the exp(lp) term vanishes through log-softmax's backward), not the gradient with
// respect to log_probs alone. Frames past a sample's input length get 0.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, shown } from '../args';
import { allocOutput } from '../storage';
import { add, div } from '../ops/binary';
import { recomposedRule } from '../autograd_graph';
import { ComposedSample, composedCtcLosses, torchsExtraTerm } from './ctc_composed';
import { clamp } from '../ops/compare';
import { mean, sum } from '../ops/reduce';
import { reshape } from '../ops/shape';
import { tensor } from '../ops/creation';
import { checkTensor, composedOf, record } from '../ops/core';
import { checkReduction, Reduction } from '../ops/loss';

/** Options of ctcLoss and CTCLoss. */
export interface CTCLossOptions {
  /** The blank label's class (default 0). */
  blank?: number;
  /** 'mean' (default: each loss over its target length, then the batch mean), 'sum' or 'none'. */
  reduction?: Reduction;
  /** Impossible alignments (an infinite loss) count 0, with gradient 0 (default false). */
  zeroInfinity?: boolean;
}

/** Lengths, targets or indices given as a tensor or an array: integers checked. */
type Integers = Tensor | readonly number[];

const NEG_INF = -Infinity;

/** log(e^a + e^b) in double. */
function logAdd(a: number, b: number): number {
  if (a === NEG_INF) return b;
  if (b === NEG_INF) return a;
  const hi = Math.max(a, b);
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
}

function integersOf(v: Integers, what: string, name: string): number[] {
  const data: ArrayLike<number> = v instanceof Tensor ? v.data : v;
  if (!(v instanceof Tensor) && !Array.isArray(v)) throw new Error(`${what}: ${name} must be a tensor or an array of integers, got ${shown(v)}`);
  const out = Array.from(data);
  out.forEach((x, i) => {
    if (!Number.isInteger(x) || x < 0) throw new Error(`${what}: ${name} must be non-negative integers, got ${shown(x)} at position ${i}`);
  });
  return out;
}

/**
 * One sample: its frame count, its labels with a blank before, between and after them (the 2L + 1
 * positions both recursions walk), and lp(t, c), its log-probabilities.
 */
interface Sample { frames: number; path: number[]; lp: (t: number, c: number) => number }

/** The labels with the blank before, between and after them. */
const pathOf = (labels: readonly number[], blank: number): number[] => [blank, ...labels.flatMap((c) => [c, blank])];

/** The forward recursion's log alpha [frames][2L + 1] and the loss -log p(labels). */
function alphas(s: Sample): { alpha: Float64Array; nll: number } {
  const width = s.path.length;
  const label = (k: number) => s.path[k];
  const alpha = new Float64Array(Math.max(1, s.frames) * width).fill(NEG_INF);
  if (s.frames === 0) return { alpha, nll: width === 1 ? 0 : Infinity };
  alpha[0] = s.lp(0, label(0));
  if (width > 1) alpha[1] = s.lp(0, label(1));
  for (let t = 1; t < s.frames; t++) {
    for (let k = 0; k < width; k++) {
      const prev = (t - 1) * width;
      let a = alpha[prev + k];
      if (k > 0) a = logAdd(a, alpha[prev + k - 1]);
      if (k > 1 && k % 2 === 1 && label(k) !== label(k - 2)) a = logAdd(a, alpha[prev + k - 2]);
      alpha[t * width + k] = a === NEG_INF ? NEG_INF : a + s.lp(t, label(k));
    }
  }
  const last = (s.frames - 1) * width;
  const total = width > 1 ? logAdd(alpha[last + width - 1], alpha[last + width - 2]) : alpha[last];
  return { alpha, nll: -total };
}

/** torch's gradient of one sample's loss for its frames [frames][classes], times gr. */
function sampleGrad(s: Sample, classes: number, alpha: Float64Array, nll: number, gr: number, put: (t: number, c: number, v: number) => void): void {
  const width = s.path.length;
  const label = (k: number) => s.path[k];
  const beta = new Float64Array(s.frames * width).fill(NEG_INF);
  const last = (s.frames - 1) * width;
  beta[last + width - 1] = s.lp(s.frames - 1, label(width - 1));
  if (width > 1) beta[last + width - 2] = s.lp(s.frames - 1, label(width - 2));
  for (let t = s.frames - 2; t >= 0; t--) {
    for (let k = 0; k < width; k++) {
      const next = (t + 1) * width;
      let b = beta[next + k];
      if (k < width - 1) b = logAdd(b, beta[next + k + 1]);
      if (k < width - 2 && k % 2 === 1 && label(k) !== label(k + 2)) b = logAdd(b, beta[next + k + 2]);
      beta[t * width + k] = b === NEG_INF ? NEG_INF : b + s.lp(t, label(k));
    }
  }
  const byClass = new Float64Array(classes);
  for (let t = 0; t < s.frames; t++) {
    byClass.fill(NEG_INF);
    for (let k = 0; k < width; k++) byClass[label(k)] = logAdd(byClass[label(k)], alpha[t * width + k] + beta[t * width + k]);
    for (let c = 0; c < classes; c++) {
      const lp = s.lp(t, c);
      put(t, c, (Math.exp(lp) - Math.exp(byClass[c] + nll - lp)) * gr);
    }
  }
}

/**
 * The CTC loss (torch.nn.functional.ctc_loss). logProbs: [T, N, C] log-probabilities (a log-softmax
 * over C), or [T, C] for one sample; targets: [N, S] padded label rows, or 1-D, every sample's labels
 * one after another, exactly sum(targetLengths) of them (no blank among them); inputLengths and
 * targetLengths: [N] frame and label counts.
 * Reduction 'mean' divides each loss by its target length (at least 1) before the batch mean.
 */
export function ctcLoss(logProbs: Tensor, targets: Integers, inputLengths: Integers, targetLengths: Integers, options?: CTCLossOptions): Tensor {
  const what = 'ctcLoss';
  checkTensor(logProbs, what);
  const o = optionsOf(options, what, { blank: 'value', reduction: 'value', zeroInfinity: 'boolean' });
  const r = checkReduction(o.reduction ?? 'mean', what, ['mean', 'sum', 'none']);
  const zeroInfinity = o.zeroInfinity ?? false;
  if (logProbs.ndim !== 2 && logProbs.ndim !== 3) throw new Error(`${what}: logProbs must be [T, N, C] or [T, C], got shape ${fmt(logProbs.shape)}`);
  const single = logProbs.ndim === 2;
  const [T, N, C] = single ? [logProbs.shape[0], 1, logProbs.shape[1]] : logProbs.shape;
  const blank = o.blank ?? 0;
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) throw new Error(`${what}: blank must be a class in [0, ${C}), got ${shown(blank)}`);
  const inLens = integersOf(inputLengths, what, 'inputLengths');
  const tLens = integersOf(targetLengths, what, 'targetLengths');
  for (const [name, lens] of [['inputLengths', inLens], ['targetLengths', tLens]] as const) {
    if (lens.length !== N) throw new Error(`${what}: ${name} must have one length per sample (${N}), got ${lens.length}`);
  }
  inLens.forEach((l, n) => {
    if (l > T) throw new Error(`${what}: inputLengths[${n}] = ${l} exceeds the ${T} frames of logProbs`);
  });
  const flat = integersOf(targets, what, 'targets');
  const tShape = targets instanceof Tensor ? targets.shape : [flat.length];
  let offset = 0;
  const labelsOf = tLens.map((len, n) => {
    let ls: number[];
    if (tShape.length === 2) {
      if (tShape[0] !== N) throw new Error(`${what}: padded targets must have one row per sample (${N}), got shape ${fmt(tShape)}`);
      if (len > tShape[1]) throw new Error(`${what}: targetLengths[${n}] = ${len} exceeds the ${tShape[1]} columns of targets`);
      ls = flat.slice(n * tShape[1], n * tShape[1] + len);
    } else if (tShape.length === 1) {
      ls = flat.slice(offset, offset + len);
      offset += len;
    } else {
      throw new Error(`${what}: targets must be [N, S] or 1-D, got shape ${fmt(tShape)}`);
    }
    ls.forEach((c) => {
      if (c >= C || c === blank) throw new Error(`${what}: target label ${c} of sample ${n} must be a class in [0, ${C}) other than the blank ${blank}`);
    });
    return ls;
  });
  if (tShape.length === 1 && offset !== flat.length) {
    throw new Error(`${what}: 1-D targets must hold exactly sum(targetLengths) = ${offset} labels, got ${flat.length}`);
  }

  const lp = logProbs.data;
  const samples: Sample[] = labelsOf.map((labels, n) => ({ frames: inLens[n], path: pathOf(labels, blank), lp: (t, c) => lp[(t * N + n) * C + c] }));
  const runs = samples.map((s) => alphas(s));
  const losses = allocOutput(N);
  const zeroed = runs.map((run) => zeroInfinity && run.nll === Infinity);
  runs.forEach((run, n) => { losses[n] = zeroed[n] ? 0 : run.nll; });
  const perSample = record(losses, [N], [logProbs], what, (gy) => {
    const g = allocOutput(logProbs.size).fill(0);
    samples.forEach((s, n) => {
      if (zeroed[n] || s.frames === 0) return;
      sampleGrad(s, C, runs[n].alpha, runs[n].nll, gy[n], (t, c, v) => { g[(t * N + n) * C + c] = v; });
    });
    return [g];
  });
  if (perSample.node) {
    // createGraph: the recursion recorded and walked, plus torch's extra exp(lp) term, so that the
    // gradient's values are the kernels' (and torch's).
    // (The [T, 1, C] view of a single sample made in the walk: one recorded now would await a backward for good.)
    const lp3 = () => (single ? reshape(logProbs, [T, 1, C]) : logProbs);
    const composed: ComposedSample[] = samples.map((s, n) => ({
      frames: s.frames, path: s.path, constant: zeroed[n] || s.frames === 0 || runs[n].nll === Infinity ? losses[n] : null,
    }));
    const walk = recomposedRule([logProbs], () => composedCtcLosses(lp3(), composed));
    perSample.node.graphBackward = (gy) => {
      const extra = reshape(torchsExtraTerm(lp3(), composed, gy), logProbs.shape);
      const [g] = walk(gy);
      return [g ? add(g, extra) : extra];
    };
  }
  return composedOf((own) => {
    if (r === 'sum') return sum(own(perSample));
    if (r === 'none') return single ? reshape(own(perSample), []) : perSample;
    const lengths = own(clamp(own(tensor(tLens)), 1));
    return mean(own(div(own(perSample), lengths)));
  }, [logProbs]);
}

/** nn.CTCLoss: forward(logProbs, targets, inputLengths, targetLengths), the options fixed at construction. */
export class CTCLoss {
  /** The options every call uses. */
  readonly options: CTCLossOptions;
  /** @param options blank, reduction and zeroInfinity (as ctcLoss's) */
  constructor(options?: CTCLossOptions) {
    this.options = options ?? {};
  }
  /** The loss (0-d unless reduction is 'none'). */
  forward(logProbs: Tensor, targets: Integers, inputLengths: Integers, targetLengths: Integers): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, this.options);
  }
  /** Same as forward (PyTorch's module call). */
  call(logProbs: Tensor, targets: Integers, inputLengths: Integers, targetLengths: Integers): Tensor {
    return this.forward(logProbs, targets, inputLengths, targetLengths);
  }
}
