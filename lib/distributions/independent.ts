// torch.distributions.Independent: a distribution's last batch dims read as event dims, their
// log-probabilities and entropies summed.
import { Tensor } from '../tensor';
import { shown } from '../args';
import { sum } from '../ops/reduce';
import { Distribution, DistributionOptions, Param } from './distribution';

/** t summed over its last n dims (torch's _sum_rightmost). */
export function sumRightmost(t: Tensor, n: number): Tensor {
  return n <= 0 ? t : sum(t, Array.from({ length: n }, (_, i) => -1 - i));
}

/**
 * The base distribution with its last reinterpretedBatchNdims batch dims read as event dims
 * (torch.distributions.Independent): logProb and entropy sum over them; draws and moments are the
 * base's.
 */
export class Independent extends Distribution {
  /** The distribution reinterpreted. */
  readonly baseDist: Distribution;
  /** How many of its batch dims became event dims. */
  readonly reinterpretedBatchNdims: number;
  readonly hasRsample: boolean;
  /**
   * @param baseDist the distribution reinterpreted
   * @param reinterpretedBatchNdims how many of its (last) batch dims become event dims
   * @param options validateArgs (the base's checks are its own)
   */
  constructor(baseDist: Distribution, reinterpretedBatchNdims: number, options?: DistributionOptions) {
    if (!(baseDist instanceof Distribution)) throw new Error(`Independent: baseDist must be a distribution, got ${shown(baseDist)}`);
    const n = reinterpretedBatchNdims;
    if (!Number.isInteger(n) || n < 0 || n > baseDist.batchShape.length) {
      throw new Error(`Independent: reinterpretedBatchNdims must be an integer in [0, ${baseDist.batchShape.length}] (the base's batch dims, shape [${baseDist.batchShape.join(', ')}]), got ${shown(n)}`);
    }
    const cut = baseDist.batchShape.length - n;
    super(baseDist.batchShape.slice(0, cut), [...baseDist.batchShape.slice(cut), ...baseDist.eventShape], options);
    this.baseDist = baseDist;
    this.reinterpretedBatchNdims = n;
    this.hasRsample = baseDist.hasRsample;
  }
  get mean(): Tensor { return this.baseDist.mean; }
  override get mode(): Tensor { return this.baseDist.mode; }
  /** The base's support (none over the reinterpreted dims' product, as torch's). */
  override enumerateSupport(expandToBatch = true): Tensor {
    if (this.reinterpretedBatchNdims > 0) throw new Error('Independent: enumerateSupport over the product of the reinterpreted dims is not implemented (as in torch)');
    return this.baseDist.enumerateSupport(expandToBatch);
  }
  get variance(): Tensor { return this.baseDist.variance; }
  override rsample(sampleShape: readonly number[] = []): Tensor { return this.baseDist.rsample(sampleShape); }
  override sample(sampleShape: readonly number[] = []): Tensor { return this.baseDist.sample(sampleShape); }
  logProb(value: Param): Tensor { return sumRightmost(this.baseDist.logProb(value), this.reinterpretedBatchNdims); }
  entropy(): Tensor { return sumRightmost(this.baseDist.entropy(), this.reinterpretedBatchNdims); }
}
