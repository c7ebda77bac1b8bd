// Loss modules, each forward(input, target) with reduction 'mean' | 'sum' | 'none', as in torch.nn.
import { Tensor } from '../tensor';
import { abs } from '../ops/unary';
import { mul, sub } from '../ops/binary';
import { assertSameShape, checkTensor } from '../ops/core';
import {
  binaryCrossEntropyElements, checkReduction, ClassTarget, crossEntropyRows, nllRows, reduceLoss, Reduction,
} from '../ops/loss';

export type { Reduction, ClassTarget };

/** Options shared by every loss. */
export interface LossOptions {
  /** 'mean' (default) or 'sum' of the per-element losses, or 'none' for all of them. */
  reduction?: Reduction;
}

/** A loss: forward(input, target) -> tensor (0-d unless reduction is 'none'). */
export abstract class Loss {
  /** How the per-element losses are combined. */
  readonly reduction: Reduction;
  constructor(options: LossOptions = {}) {
    this.reduction = checkReduction(options.reduction ?? 'mean', this.constructor.name);
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

/** Mean squared error: (input - target) ** 2, inputs and targets of one shape. */
export class MSELoss extends Loss {
  forward(input: Tensor, target: ClassTarget): Tensor {
    const t = sameShapeTarget(input, target, 'MSELoss');
    const d = sub(input, t);
    return reduceLoss(mul(d, d), this.reduction);
  }
}

/** Mean absolute error: |input - target|, inputs and targets of one shape. */
export class L1Loss extends Loss {
  forward(input: Tensor, target: ClassTarget): Tensor {
    const t = sameShapeTarget(input, target, 'L1Loss');
    return reduceLoss(abs(sub(input, t)), this.reduction);
  }
}

/** Binary cross-entropy on probabilities in [0, 1] (log clamped at -100 as in PyTorch). */
export class BCELoss extends Loss {
  forward(input: Tensor, target: ClassTarget): Tensor {
    const t = sameShapeTarget(input, target, 'BCELoss');
    for (let i = 0; i < input.size; i++) {
      const v = input.data[i];
      if (!(v >= 0 && v <= 1)) throw new Error(`BCELoss: input values must be probabilities in [0, 1], found ${v} at index ${i} (use BCEWithLogitsLoss for logits)`);
    }
    return reduceLoss(binaryCrossEntropyElements(input, t, false), this.reduction);
  }
}

/** Sigmoid + binary cross-entropy in one numerically stable step. */
export class BCEWithLogitsLoss extends Loss {
  forward(input: Tensor, target: ClassTarget): Tensor {
    const t = sameShapeTarget(input, target, 'BCEWithLogitsLoss');
    return reduceLoss(binaryCrossEntropyElements(input, t, true), this.reduction);
  }
}

/** Options of CrossEntropyLoss. */
export interface CrossEntropyOptions extends LossOptions {
  /** PyTorch's label_smoothing in [0, 1]. */
  labelSmoothing?: number;
}

/** Softmax cross-entropy on logits [N, C] against class indices [N] or probabilities [N, C]. */
export class CrossEntropyLoss extends Loss {
  /** The share of each target spread evenly over the classes. */
  readonly labelSmoothing: number;
  constructor(options: CrossEntropyOptions = {}) {
    super(options);
    this.labelSmoothing = options.labelSmoothing ?? 0;
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) throw new Error(`CrossEntropyLoss: labelSmoothing must be in [0, 1], got ${this.labelSmoothing}`);
  }
  forward(input: Tensor, target: ClassTarget): Tensor {
    checkTensor(input, 'CrossEntropyLoss');
    return reduceLoss(crossEntropyRows(input, target, this.labelSmoothing, 'CrossEntropyLoss'), this.reduction);
  }
}

/** Negative log-likelihood of log-probabilities [N, C] at class indices [N]. */
export class NLLLoss extends Loss {
  forward(input: Tensor, target: ClassTarget): Tensor {
    checkTensor(input, 'NLLLoss');
    return reduceLoss(nllRows(input, target), this.reduction);
  }
}
