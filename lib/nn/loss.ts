// Loss modules, each forward(input, target) with reduction 'mean' | 'sum' | 'none', as in torch.nn.
import { Tensor } from '../tensor';
import { abs } from '../ops/unary';
import { add, mul, sub } from '../ops/binary';
import { onesLike } from '../ops/creation';
import { assertSameShape, checkTensor, letGoAfterBackward, letGoAfterRead } from '../ops/core';
import { binaryCrossEntropyElements, checkReduction, ClassTarget, differenceLoss, huberLoss, KLDivReduction, klDivElements, reduceKLDiv, Reduction, reduceWeighted, smoothL1Loss } from '../ops/loss';
import { classLoss } from '../ops/class_loss';
import { broadcastShapes, fmt, sameShape } from '../shape';
import { checkNonNegative, OptionKind, OptionKinds, optionsOf, shown } from '../args';

export type { Reduction, KLDivReduction, ClassTarget };

/** Options shared by every loss. */
export interface LossOptions {
  /** 'mean' (default) or 'sum' of the per-element losses, or 'none' for all of them. */
  reduction?: Reduction;
}

/** A concrete loss's options with what each holds: LossOptions' and those of its own. */
type LossOptionKinds = OptionKinds<LossOptions> & Readonly<Record<string, OptionKind>>;

/** A loss: forward(input, target) -> tensor (0-d unless reduction is 'none'). */
export abstract class Loss {
  /** How the per-element losses are combined ('batchmean' is KLDivLoss's alone; the others declare Reduction). */
  readonly reduction: KLDivReduction;
  /** `kinds`: every option the concrete loss takes (the library's losses give theirs; see optionsOf). */
  constructor(options?: { readonly reduction?: KLDivReduction }, kinds?: LossOptionKinds) {
    this.reduction = checkReduction(optionsOf(options, this.constructor.name, kinds).reduction ?? 'mean', this.constructor.name, this.reductions());
  }
  /** The reductions the loss accepts: Reduction's three (KLDivLoss adds 'batchmean'). */
  protected reductions(): readonly KLDivReduction[] {
    return ['mean', 'sum', 'none'];
  }
  /** The loss of `input` against `target` (0-d unless reduction is 'none'). */
  abstract forward(input: Tensor, target: ClassTarget): Tensor;
  /** Same as forward (PyTorch's module call). */
  call(input: Tensor, target: ClassTarget): Tensor {
    return this.forward(input, target);
  }
}

function sameShapeTarget(input: Tensor, target: ClassTarget, what: string): Tensor {
  checkTensor(input, what);
  if (!(target instanceof Tensor)) throw new Error(`${what}: target must be a Tensor`);
  assertSameShape(input, target, what);
  return target;
}

const LOSS_OPTIONS: OptionKinds<LossOptions> = { reduction: 'value' };

/** Mean squared error: (input - target) ** 2, inputs and targets of one shape. */
export class MSELoss extends Loss {
  declare readonly reduction: Reduction;
  constructor(options?: LossOptions) {
    super(options, LOSS_OPTIONS);
  }
  forward(input: Tensor, target: ClassTarget): Tensor {
    const t = sameShapeTarget(input, target, 'MSELoss');
    if (this.reduction !== 'none') return differenceLoss(input, t, this.reduction, 'squared');
    const d = sub(input, t);
    const y = mul(d, d);
    letGoAfterBackward(d);
    return y;
  }
}

/** Mean absolute error: |input - target|, inputs and targets of one shape. */
export class L1Loss extends Loss {
  declare readonly reduction: Reduction;
  constructor(options?: LossOptions) {
    super(options, LOSS_OPTIONS);
  }
  forward(input: Tensor, target: ClassTarget): Tensor {
    const t = sameShapeTarget(input, target, 'L1Loss');
    if (this.reduction !== 'none') return differenceLoss(input, t, this.reduction, 'absolute');
    const d = sub(input, t);
    const y = abs(d);
    letGoAfterBackward(d);
    return y;
  }
}

/** Options of SmoothL1Loss. */
export interface SmoothL1Options extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1; 0 gives L1Loss's values). */
  beta?: number;
}

/**
 * |d| - beta / 2 past |d| = beta, 0.5 d^2 / beta inside (d = input - target), as torch.nn.SmoothL1Loss;
 * its gradient torch's: d / beta inside, the sign of d outside.
 */
export class SmoothL1Loss extends Loss {
  declare readonly reduction: Reduction;
  /** The turning point. */
  readonly beta: number;
  constructor(options: SmoothL1Options = {}) {
    super(options, { reduction: 'value', beta: 'value' } satisfies OptionKinds<SmoothL1Options>);
    this.beta = checkNonNegative(options.beta ?? 1, 'SmoothL1Loss', 'beta');
  }
  forward(input: Tensor, target: ClassTarget): Tensor {
    return smoothL1Loss(input, sameShapeTarget(input, target, 'SmoothL1Loss'), this.reduction, this.beta);
  }
}

/** Options of HuberLoss. */
export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1; must be positive). */
  delta?: number;
}

/**
 * 0.5 d^2 for |d| < delta, delta (|d| - delta / 2) past it (d = input - target), as torch.nn.HuberLoss
 * (SmoothL1Loss times beta); its gradient d inside, delta times the sign of d outside.
 */
export class HuberLoss extends Loss {
  declare readonly reduction: Reduction;
  /** The turning point. */
  readonly delta: number;
  constructor(options: HuberOptions = {}) {
    super(options, { reduction: 'value', delta: 'value' } satisfies OptionKinds<HuberOptions>);
    this.delta = checkNonNegative(options.delta ?? 1, 'HuberLoss', 'delta');
    if (this.delta === 0) throw new Error('HuberLoss: delta must be positive, got 0');
  }
  forward(input: Tensor, target: ClassTarget): Tensor {
    return huberLoss(input, sameShapeTarget(input, target, 'HuberLoss'), this.reduction, this.delta);
  }
}

/** Options of KLDivLoss. */
export interface KLDivOptions {
  /**
   * 'mean' (default: over every element, as torch's, which warns that it is not the divergence),
   * 'batchmean' (the sum over the batch size: the KL divergence of each row, averaged), 'sum' or 'none'.
   */
  reduction?: KLDivReduction;
  /** The target holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

const KL_DIV_REDUCTIONS: readonly KLDivReduction[] = ['mean', 'batchmean', 'sum', 'none'];

/**
 * Kullback-Leibler divergence of the target distribution from the input's, as torch.nn.KLDivLoss:
 * the input holds log-probabilities, the target probabilities (or log-probabilities with
 * logTarget), both of one shape; per element t (log t - input), 0 where t is 0.
 */
export class KLDivLoss extends Loss {
  /** The target holds log-probabilities. */
  readonly logTarget: boolean;
  constructor(options: KLDivOptions = {}) {
    super(options, { reduction: 'value', logTarget: 'boolean' } satisfies OptionKinds<KLDivOptions>);
    this.logTarget = options.logTarget ?? false; // optionsOf has checked that it is a boolean
  }
  protected override reductions(): readonly KLDivReduction[] {
    return KL_DIV_REDUCTIONS;
  }
  forward(input: Tensor, target: ClassTarget): Tensor {
    const t = sameShapeTarget(input, target, 'KLDivLoss');
    return reduceKLDiv(klDivElements(input, t, this.logTarget), this.reduction);
  }
}

// An optional tensor option: null when absent, else checked to be a Tensor.
function optionalTensor(v: unknown, what: string, name: string): Tensor | null {
  if (v === undefined || v === null) return null;
  return checkTensor(v, `${what}: ${name}`);
}

// A weight that multiplies the per-element losses must broadcast to the input's shape, not widen it.
function elementWeight(input: Tensor, w: Tensor | null, what: string, name: string): void {
  if (w !== null && !sameShape(broadcastShapes(w.shape, input.shape, what), input.shape)) {
    throw new Error(`${what}: ${name} of shape ${fmt(w.shape)} does not broadcast to the input's shape ${fmt(input.shape)}`);
  }
}

/** Options of BCELoss. */
export interface BCEOptions extends LossOptions {
  /** Rescales each element's loss; broadcast to the input's shape (torch's weight). */
  weight?: Tensor | null;
}

/** Binary cross-entropy on probabilities in [0, 1] (log clamped at -100 as in PyTorch). */
export class BCELoss extends Loss {
  declare readonly reduction: Reduction;
  /** The per-element rescaling weight, or null. */
  readonly weight: Tensor | null;
  constructor(options: BCEOptions = {}) {
    super(options, { reduction: 'value', weight: 'value' } satisfies OptionKinds<BCEOptions>);
    this.weight = optionalTensor(options.weight, 'BCELoss', 'weight');
  }
  forward(input: Tensor, target: ClassTarget): Tensor {
    const t = sameShapeTarget(input, target, 'BCELoss');
    elementWeight(input, this.weight, 'BCELoss', 'weight');
    for (let i = 0; i < input.size; i++) {
      const v = input.data[i];
      if (!(v >= 0 && v <= 1)) throw new Error(`BCELoss: input values must be probabilities in [0, 1], found ${v} at index ${i} (use BCEWithLogitsLoss for logits)`);
    }
    const per = binaryCrossEntropyElements(input, t, false);
    return reduceWeighted(per, this.weight, this.reduction);
  }
}

/** Options of BCEWithLogitsLoss. */
export interface BCEWithLogitsOptions extends BCEOptions {
  /**
   * Weight of the positive term of each class (torch's pos_weight, e.g. negatives / positives for
   * an unbalanced class); broadcast with the target, usually of shape [classes].
   */
  posWeight?: Tensor | null;
}

/** Sigmoid + binary cross-entropy in one numerically stable step. */
export class BCEWithLogitsLoss extends Loss {
  declare readonly reduction: Reduction;
  /** The per-element rescaling weight, or null. */
  readonly weight: Tensor | null;
  /** The positive terms' weight, or null. */
  readonly posWeight: Tensor | null;
  constructor(options: BCEWithLogitsOptions = {}) {
    super(options, { reduction: 'value', weight: 'value', posWeight: 'value' } satisfies OptionKinds<BCEWithLogitsOptions>);
    this.weight = optionalTensor(options.weight, 'BCEWithLogitsLoss', 'weight');
    this.posWeight = optionalTensor(options.posWeight, 'BCEWithLogitsLoss', 'posWeight');
  }
  forward(input: Tensor, target: ClassTarget): Tensor {
    const t = sameShapeTarget(input, target, 'BCEWithLogitsLoss');
    elementWeight(input, this.weight, 'BCEWithLogitsLoss', 'weight');
    elementWeight(input, this.posWeight, 'BCEWithLogitsLoss', 'posWeight');
    let per = binaryCrossEntropyElements(input, t, true);
    if (this.posWeight) {
      // torch: (1 - t) x + (1 + (p - 1) t) softplus(-x). The kernel gives (1 - t) x + softplus(-x),
      // and at a target of 1 softplus(-x) alone.
      const ones = onesLike(input);
      const softplusNeg = binaryCrossEntropyElements(input, ones, true);
      const pm1 = sub(this.posWeight, 1), factor = mul(pm1, t), extra = mul(softplusNeg, factor);
      const sum = add(per, extra);
      letGoAfterRead(sum, ones, pm1, factor, softplusNeg, extra, per);
      per = sum;
    }
    return reduceWeighted(per, this.weight, this.reduction);
  }
}

/** Options of the class-index losses. */
export interface ClassLossOptions extends LossOptions {
  /** One weight per class ([classes]), torch's weight: the mean divides by the targets' weights. */
  weight?: Tensor | null;
  /** A target equal to this adds nothing to the loss or the gradient (default -100, as torch). */
  ignoreIndex?: number;
}

/** Options of CrossEntropyLoss. */
export interface CrossEntropyOptions extends ClassLossOptions {
  /** PyTorch's label_smoothing in [0, 1]. */
  labelSmoothing?: number;
}

/** Shared by CrossEntropyLoss and NLLLoss: class weights and the ignored index. */
abstract class ClassLoss extends Loss {
  declare readonly reduction: Reduction;
  /** The class weights ([classes]), or null. */
  readonly weight: Tensor | null;
  /** Targets equal to this are skipped. */
  readonly ignoreIndex: number;
  constructor(options: ClassLossOptions = {}, kinds: LossOptionKinds = { reduction: 'value', weight: 'value', ignoreIndex: 'value' } satisfies OptionKinds<ClassLossOptions>) {
    super(options, kinds);
    const what = this.constructor.name;
    this.weight = optionalTensor(options.weight, what, 'weight');
    this.ignoreIndex = options.ignoreIndex ?? -100;
    if (!Number.isInteger(this.ignoreIndex)) throw new Error(`${what}: ignoreIndex must be an integer, got ${shown(options.ignoreIndex)}`);
  }
}

/**
 * Softmax cross-entropy on logits against class indices or class probabilities: input [C], [N, C]
 * or [N, C, d1, ...] (a class per position); index targets [], [N] or [N, d1, ...]; probability
 * targets shaped as the input. Per-class weights, ignoreIndex and label smoothing as in torch.
 */
export class CrossEntropyLoss extends ClassLoss {
  /** The share of each target spread evenly over the classes. */
  readonly labelSmoothing: number;
  constructor(options: CrossEntropyOptions = {}) {
    super(options, { reduction: 'value', weight: 'value', ignoreIndex: 'value', labelSmoothing: 'value' } satisfies OptionKinds<CrossEntropyOptions>);
    this.labelSmoothing = options.labelSmoothing ?? 0;
    if (typeof this.labelSmoothing !== 'number' || !(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) throw new Error(`CrossEntropyLoss: labelSmoothing must be in [0, 1], got ${shown(this.labelSmoothing)}`);
  }
  forward(input: Tensor, target: ClassTarget): Tensor {
    checkTensor(input, 'CrossEntropyLoss');
    const { weight, ignoreIndex, labelSmoothing, reduction } = this;
    return classLoss(input, target, { kind: 'crossEntropy', weight, ignoreIndex, labelSmoothing, reduction }, 'CrossEntropyLoss');
  }
}

/**
 * Negative log-likelihood of log-probabilities at class indices: input [C], [N, C] or
 * [N, C, d1, ...], targets [], [N] or [N, d1, ...]; per-class weights and ignoreIndex as in torch.
 */
export class NLLLoss extends ClassLoss {
  forward(input: Tensor, target: ClassTarget): Tensor {
    checkTensor(input, 'NLLLoss');
    const { weight, ignoreIndex, reduction } = this;
    return classLoss(input, target, { kind: 'nll', weight, ignoreIndex, labelSmoothing: 0, reduction }, 'NLLLoss');
  }
}
