// torch.distributions' base: a batch of distributions of one family, parameters broadcast together
// (batchShape), samples of sampleShape + batchShape (+ eventShape), and the checks torch makes with
// validate_args on (its default): parameters inside their constraints at construction, a value inside
// the support in logProb. Each family's formulas are torch 1.13's, composed of the library's ops, so
// the values are its bits where the ops are and the gradients flow (rsample: reparameterized).
import { Tensor } from '../tensor';
import { broadcastShapes, fmt } from '../shape';
import { shown } from '../args';
import { tensor } from '../ops/creation';
import { expand } from '../ops/shape';
import { clamp } from '../ops/compare';
import { checkTensor } from '../ops/core';
import { noGrad } from '../autograd';

/** float32's smallest normal number and its epsilon (torch.finfo(torch.float32).tiny and .eps), the clamps torch's distributions use. */
export const FLOAT32_TINY = 2 ** -126, FLOAT32_EPS = 2 ** -23;

/** The Euler-Mascheroni constant (torch.distributions' euler_constant). */
export const EULER = 0.5772156649015329;

/** Probabilities kept inside [eps, 1 - eps] (torch's clamp_probs). */
export const clampProbs = (p: Tensor): Tensor => clamp(p, FLOAT32_EPS, 1 - FLOAT32_EPS);

/** The error of a quantity that torch's family does not define either (its NotImplementedError). */
export function notInTorch(d: object, what: string): never {
  throw new Error(`${d.constructor.name}: ${what} is not implemented (as in torch)`);
}

/** A parameter or value: a tensor, or one number (a 0-d tensor). */
export type Param = Tensor | number;

/** Options every distribution takes. */
export interface DistributionOptions {
  /** Check parameters and logProb's values as torch's validate_args does (default true). */
  validateArgs?: boolean;
}

/** The parameters as tensors broadcast to one shape (torch's broadcast_all). */
export function broadcastAll(what: string, params: Record<string, Param>): { shape: number[]; values: Tensor[] } {
  const ts = Object.entries(params).map(([name, p]) => {
    if (typeof p === 'number') return tensor(p);
    checkTensor(p, `${what} ${name}`);
    return p;
  });
  const shape = ts.reduce<number[]>((s, t) => broadcastShapes(s, t.shape, what), []);
  return { shape, values: ts.map((t) => (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? t : expand(t, shape))) };
}

/** A constraint: the test each element must pass, and how an error names it. */
export type Constraint = [(v: number, i: number) => boolean, string];
/** Real numbers (not NaN). */
export const REAL: Constraint = [(v) => !Number.isNaN(v), 'a real number'];
/** Positive numbers. */
export const POSITIVE: Constraint = [(v) => v > 0, 'positive'];

/**
 * The parameters broadcast together (broadcastAll), each checked against its constraint unless
 * options turn validation off: what every family's constructor does first.
 */
export function checkedParams(what: string, params: Record<string, [Param, Constraint]>, options: DistributionOptions | undefined): { shape: number[]; values: Tensor[] } {
  const names = Object.keys(params);
  const b = broadcastAll(what, Object.fromEntries(names.map((k) => [k, params[k][0]])));
  if (options?.validateArgs !== false) names.forEach((k, i) => checkEach(b.values[i], params[k][1][0], what, k, params[k][1][1]));
  return b;
}

/** An error naming the parameter or value and the first element outside its constraint. */
export function checkEach(t: Tensor, ok: (v: number, i: number) => boolean, what: string, name: string, constraint: string): void {
  for (let i = 0; i < t.size; i++) {
    if (!ok(t.data[i], i)) throw new Error(`${what}: ${name} must be ${constraint}, got ${shown(t.data[i])} at element ${i} of shape ${fmt(t.shape)}`);
  }
}

/** A sample shape checked: an array of non-negative integers. */
export function checkSampleShape(shape: readonly number[], what: string): number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new Error(`${what}: sampleShape must be an array of non-negative integers, got ${shown(shape)}`);
  return [...shape];
}

/**
 * A finite support's values [n, ...eventShape] laid out as enumerateSupport gives them: [n, 1, ...,
 * ...eventShape] with a 1 per batch dim, or expanded to [n, ...batchShape, ...eventShape].
 */
export function enumerated(values: Tensor, batchShape: readonly number[], expandToBatch: boolean): Tensor {
  const [n, ...event] = values.shape;
  const laid = values.reshape([n, ...batchShape.map(() => 1), ...event]);
  return expandToBatch ? expand(laid, [n, ...batchShape, ...event]) : laid;
}

/** A batch of distributions of one family (torch.distributions.Distribution). */
export abstract class Distribution {
  /** The shape of the batch of distributions: the parameters' broadcast shape. */
  readonly batchShape: number[];
  /** The shape of one draw of one distribution ([] for scalar families; [] for Categorical's index too). */
  readonly eventShape: number[];
  /** Whether parameters and values are checked. */
  readonly validateArgs: boolean;
  /** Whether rsample (a draw that gradients flow through) is available. */
  abstract readonly hasRsample: boolean;

  protected constructor(batchShape: number[], eventShape: number[], options: DistributionOptions | undefined) {
    this.batchShape = batchShape;
    this.eventShape = eventShape;
    const v = options?.validateArgs ?? true;
    if (typeof v !== 'boolean') throw new Error(`${new.target.name}: validateArgs must be true or false, got ${shown(v)}`);
    this.validateArgs = v;
  }

  /** The mean of each distribution. */
  abstract get mean(): Tensor;
  /** The variance of each distribution. */
  abstract get variance(): Tensor;
  /** The standard deviation of each distribution. */
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  /** The most likely value of each distribution (families without one throw, as torch's). */
  get mode(): Tensor {
    return notInTorch(this, 'mode');
  }

  /** exp(entropy) of each distribution (torch's perplexity). */
  perplexity(): Tensor {
    return this.entropy().exp();
  }

  /**
   * Every value of a discrete support as [n, 1, ...] (the batch dims 1), or expanded to
   * [n, ...batchShape] (torch's enumerate_support); families without a finite support throw.
   */
  enumerateSupport(expandToBatch = true): Tensor {
    void expandToBatch;
    throw new Error(`${this.constructor.name}: enumerateSupport is not implemented (its support is not finite and discrete)`);
  }

  /** The log of the density (or mass) at value, broadcast with the batch. */
  abstract logProb(value: Param): Tensor;
  /** Each distribution's entropy. */
  abstract entropy(): Tensor;

  /** A draw of sampleShape + batchShape that gradients flow through; families without one throw. */
  rsample(sampleShape: readonly number[] = []): Tensor {
    void sampleShape;
    throw new Error(`${this.constructor.name}: rsample is not available (no reparameterization); use sample`);
  }

  /** A draw of sampleShape + batchShape, outside the graph. */
  sample(sampleShape: readonly number[] = []): Tensor {
    return noGrad(() => this.rsample(sampleShape));
  }

  /** The cumulative distribution function at value. */
  cdf(value: Param): Tensor {
    void value;
    return notInTorch(this, 'cdf');
  }

  /** The inverse of the cumulative distribution function at value. */
  icdf(value: Param): Tensor {
    void value;
    return notInTorch(this, 'icdf');
  }

  /**
   * These distributions broadcast to batchShape (torch's expand): every tensor the family holds
   * (parameters, and what it made of them) that begins with the batch shape expanded along it, its
   * own trailing dims kept (but those of keptByExpand, held for the whole batch), the rest left to
   * broadcast as they did, and the distributions it holds (a base, a mixture's components) expanded with it; gradients
   * reach the original parameters. Each dim of the batch shape must be 1 or the new one's, aligned
   * from the right.
   */
  expand(batchShape: readonly number[]): this {
    const what = `${this.constructor.name}.expand`;
    if (!Array.isArray(batchShape) || batchShape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new Error(`${what}: batchShape must be an array of non-negative integers, got ${shown(batchShape)}`);
    const old = this.batchShape, lead = old.length, shape = [...batchShape];
    if (lead > shape.length || old.some((d, i) => d !== 1 && d !== shape[shape.length - lead + i])) {
      throw new Error(`${what}: the batch shape ${fmt(old)} cannot be expanded to ${fmt(shape)} (each dim must be 1 or the new one's, aligned from the right)`);
    }
    const ledByBatch = (s: readonly number[]) => s.length >= lead && old.every((d, i) => s[i] === d);
    const expanded = (key: string, value: unknown): unknown => {
      // A tensor not led by the batch shape is one the family broadcasts against it (a
      // MultivariateNormal's scale kept unbroadcast, as torch keeps it): it broadcasts as well
      // against the new one.
      if (value instanceof Tensor) return ledByBatch(value.shape) ? expand(value, [...shape, ...value.shape.slice(lead)]) : value;
      if (value instanceof Distribution) {
        if (!ledByBatch(value.batchShape)) throw new Error(`${what}: its ${key}'s batch shape ${fmt(value.batchShape)} does not begin with the batch shape ${fmt(old)}, so it cannot follow it`);
        return value.expand([...shape, ...value.batchShape.slice(lead)]);
      }
      return value;
    };
    const copy = Object.create(Object.getPrototypeOf(this) as object) as Record<string, unknown>;
    const kept = this.keptByExpand();
    for (const [key, value] of Object.entries(this)) copy[key] = key === 'batchShape' ? shape : kept.includes(key) ? value : expanded(key, value);
    return copy as this;
  }

  /** The fields expand leaves as they are: one value for the whole batch (the relaxed families' temperature, as torch's expand leaves it). */
  protected keptByExpand(): readonly string[] {
    return [];
  }

  /** The draw's full shape for a sample shape. */
  protected extendedShape(sampleShape: readonly number[]): number[] {
    return [...checkSampleShape(sampleShape, `${this.constructor.name}.sample`), ...this.batchShape, ...this.eventShape];
  }

  /** value as a tensor, checked to lie in the support when validating. */
  protected valueOf(value: Param, inSupport: (v: number, i: number) => boolean, support: string): Tensor {
    const what = `${this.constructor.name}.logProb`;
    const t = typeof value === 'number' ? tensor(value) : value;
    checkTensor(t, what);
    if (this.validateArgs) checkEach(t, inSupport, what, 'value', `within the support (${support})`);
    return t;
  }
}
