// torch.distributions.transforms' CatTransform and StackTransform: transforms applied to the pieces of
// a tensor along one dim (runs of given lengths, or each slice), the results joined again; torch
// 1.13's formulas in its order.
import { Tensor } from '../tensor';
import { shown } from '../args';
import { fmt, normDim } from '../shape';
import { add } from '../ops/binary';
import { cat, narrow, stack } from '../ops/join';
import { select } from '../ops/index_ops';
import { notInTorch } from './distribution';
import { sumRightmost } from './independent';
import { Transform } from './transforms';

/** The parts, checked to be a list of Transforms. */
function partsOf(parts: readonly Transform[], what: string): Transform[] {
  if (!Array.isArray(parts) || !parts.every((t) => t instanceof Transform)) throw new Error(`${what}: parts must be a list of Transforms, got ${shown(parts)}`);
  return [...parts];
}

/** A transform made of parts on pieces of x along dim; forward and inverse are the parts' own, joined. */
abstract class JoinedTransform extends Transform {
  /** The transforms, one a piece. */
  readonly parts: readonly Transform[];
  /** The dim the pieces are cut along. */
  readonly dim: number;

  protected constructor(parts: readonly Transform[], dim: number, cacheSize: number | undefined, what: string) {
    super(cacheSize);
    this.parts = partsOf(parts, what);
    if (!Number.isInteger(dim)) throw new Error(`${what}: dim must be an integer, got ${shown(dim)}`);
    this.dim = dim;
  }
  /** torch defines no sign for these. */
  get sign(): number | Tensor { return notInTorch(this, 'sign'); }
  override get domainEventDim(): number { return Math.max(0, ...this.parts.map((t) => t.domainEventDim)); }
  override get codomainEventDim(): number { return Math.max(0, ...this.parts.map((t) => t.codomainEventDim)); }
  /** Only the transform itself is the same map (torch's default equality). */
  equals(other: Transform): boolean { return other === this; }

  /** v's pieces, checked: as many along dim as the parts take. */
  protected abstract pieces(v: Tensor, role: string): Tensor[];
  /** The parts' results joined along dim. */
  protected abstract joined(pieces: Tensor[], d: number): Tensor;

  protected call(x: Tensor): Tensor { return this.joined(this.pieces(x, 'x').map((p, i) => this.parts[i].forward(p)), this.dimOf(x)); }
  protected callInverse(y: Tensor): Tensor { return this.joined(this.pieces(y, 'y').map((p, i) => this.parts[i].inverse(p)), this.dimOf(y)); }
  protected dimOf(v: Tensor): number { return normDim(this.dim, v.ndim, this.constructor.name); }
}

/**
 * Transforms applied to consecutive runs of x along dim, of the given lengths (default one element
 * each), the results concatenated (torch's CatTransform). The log-Jacobian of parts with fewer event
 * dims is summed over the rest; the pieces' are concatenated where dim lies outside the events,
 * else added.
 */
export class CatTransform extends JoinedTransform {
  /** The length of each part's run along dim. */
  readonly lengths: readonly number[];
  /**
   * @param parts the transforms, one a run
   * @param options dim (default 0), lengths (default 1 each), cacheSize: 1 to remember the last pair
   */
  constructor(parts: readonly Transform[], options?: { dim?: number; lengths?: readonly number[]; cacheSize?: number }) {
    super(parts, options?.dim ?? 0, options?.cacheSize, 'CatTransform');
    const lengths = options?.lengths ?? this.parts.map(() => 1);
    if (!Array.isArray(lengths) || lengths.length !== this.parts.length || !lengths.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new Error(`CatTransform: lengths must be ${this.parts.length} non-negative integers, one a part, got ${shown(lengths)}`);
    }
    this.lengths = [...lengths];
  }
  protected pieces(v: Tensor, role: string): Tensor[] {
    const d = this.dimOf(v), total = this.lengths.reduce((a, b) => a + b, 0);
    if (v.shape[d] !== total) throw new Error(`CatTransform: ${role} must be ${total} long along dim ${this.dim} (the lengths' sum), got shape ${fmt(v.shape)}`);
    let start = 0;
    return this.lengths.map((n) => narrow(v, d, (start += n) - n, n));
  }
  protected joined(pieces: Tensor[], d: number): Tensor { return cat(pieces, d); }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const xs = this.pieces(x, 'x'), ys = this.pieces(y, 'y'), eventDim = this.domainEventDim;
    const terms = this.parts.map((t, i) => sumRightmost(t.logAbsDetJacobian(xs[i], ys[i]), eventDim - t.domainEventDim));
    // dim counted from the end, past the events: a dim of the log-Jacobians' when negative.
    const d = (this.dim >= 0 ? this.dim - x.ndim : this.dim) + eventDim;
    return d < 0 ? cat(terms, d) : terms.reduce((a, b) => add(a, b));
  }
}

/** Transforms applied to each slice of x along dim, the results stacked (torch's StackTransform). */
export class StackTransform extends JoinedTransform {
  /**
   * @param parts the transforms, one a slice
   * @param options dim (default 0), cacheSize: 1 to remember the last pair
   */
  constructor(parts: readonly Transform[], options?: { dim?: number; cacheSize?: number }) {
    super(parts, options?.dim ?? 0, options?.cacheSize, 'StackTransform');
  }
  protected pieces(v: Tensor, role: string): Tensor[] {
    const d = this.dimOf(v);
    if (v.shape[d] !== this.parts.length) throw new Error(`StackTransform: ${role} must be ${this.parts.length} long along dim ${this.dim} (one slice a part), got shape ${fmt(v.shape)}`);
    return this.parts.map((_, i) => select(v, d, i));
  }
  protected joined(pieces: Tensor[], d: number): Tensor { return stack(pieces, d); }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const xs = this.pieces(x, 'x'), ys = this.pieces(y, 'y');
    return stack(this.parts.map((t, i) => t.logAbsDetJacobian(xs[i], ys[i])), this.dimOf(x));
  }
}
