// AdaptiveLogSoftmaxWithLoss (Grave et al.'s adaptive softmax), as torch.nn's: the frequent classes
// (below cutoffs[0]) in a head with one extra logit per cluster of rarer ones, each cluster scored by
// its own two-layer tail (a projection to in / div^(i+1) features, then the cluster's classes). A
// sample's log-probability is its head log-probability (its class's, or its cluster's) plus, for a
// rare class, its log-probability within the cluster; tails run only on the rows whose targets fall
// in them. Its parameters carry torch's names (head, tail.i.0, tail.i.1), so torch's state dict loads.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, positiveInt, shown } from '../args';
import { checkTensor } from '../ops/core';
import { zeros } from '../ops/creation';
import { indexSelect, gather } from '../ops/index_ops';
import { indexCopy } from '../ops/index_write';
import { logSoftmax } from '../ops/softmax';
import { argmax } from '../ops/reduce';
import { cat } from '../ops/join';
import { add } from '../ops/binary';
import { Module } from './module';
import { Linear } from './linear';
import { Sequential } from './sequential';
import { ModuleList } from './containers';

/** Options of AdaptiveLogSoftmaxWithLoss. */
export interface AdaptiveLogSoftmaxOptions {
  /** Each cluster's projection has in / divValue^(i+1) features (default 4). */
  divValue?: number;
  /** A bias in the head (default false). */
  headBias?: boolean;
}

/** forwardWithLoss's result: each sample's log-probability of its target, and the mean of their negatives. */
export interface AdaptiveSoftmaxResult {
  /** Each sample's log-probability of its target: [batch] (0-d for one sample). */
  output: Tensor;
  /** The mean of -output (0-d). */
  loss: Tensor;
}

/**
 * The adaptive softmax as torch.nn.AdaptiveLogSoftmaxWithLoss(inFeatures, nClasses, cutoffs): cutoffs
 * increasing, each in (0, nClasses - 1]. Inputs [batch, inFeatures] (or [inFeatures]) with class
 * targets [batch] (or 0-d); forward gives the targets' log-probabilities, forwardWithLoss also their
 * mean negative (torch's call returns both), logProb every class's, predict the likeliest.
 */
export class AdaptiveLogSoftmaxWithLoss extends Module {
  /** The size of each input row. */
  readonly inFeatures: number;
  /** How many classes. */
  readonly nClasses: number;
  /** The cluster bounds, nClasses last (torch's cutoffs). */
  readonly cutoffs: readonly number[];
  /** The projections' divisor. */
  readonly divValue: number;
  /** Whether the head has a bias. */
  readonly headBias: boolean;
  /** The classes the head scores itself: cutoffs[0]. */
  readonly shortlistSize: number;
  /** How many clusters of rarer classes. */
  readonly nClusters: number;
  /** The head's outputs: the shortlist, then one per cluster. */
  readonly headSize: number;
  /** The head: Linear(inFeatures, headSize). */
  head: Linear;
  /** Each cluster's Sequential(Linear(inFeatures, in / div^(i+1)), Linear(that, cluster size)), without biases. */
  tail: ModuleList;

  constructor(inFeatures: number, nClasses: number, cutoffs: readonly number[], options?: AdaptiveLogSoftmaxOptions) {
    super();
    const what = 'AdaptiveLogSoftmaxWithLoss';
    const o = optionsOf(options, what, { divValue: 'value', headBias: 'boolean' });
    this.inFeatures = positiveInt(inFeatures, what, 'inFeatures');
    this.nClasses = positiveInt(nClasses, what, 'nClasses');
    const ok = Array.isArray(cutoffs) && cutoffs.length > 0 && cutoffs.every((c, i) => Number.isInteger(c) && c > 0 && c <= nClasses - 1 && (i === 0 || c > cutoffs[i - 1]));
    if (!ok) throw new Error(`${what}: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, each in [1, nClasses - 1] (${nClasses - 1}), got ${shown(cutoffs)}`);
    this.divValue = o.divValue ?? 4;
    if (typeof this.divValue !== 'number' || !(this.divValue > 0) || !Number.isFinite(this.divValue)) throw new Error(`${what}: divValue must be a positive number, got ${shown(o.divValue)}`);
    this.headBias = o.headBias ?? false;
    this.cutoffs = [...cutoffs, nClasses];
    this.shortlistSize = this.cutoffs[0];
    this.nClusters = this.cutoffs.length - 1;
    this.headSize = this.shortlistSize + this.nClusters;
    this.head = new Linear(inFeatures, this.headSize, { bias: this.headBias });
    this.tail = new ModuleList(Array.from({ length: this.nClusters }, (_, i) => {
      const hidden = Math.floor(inFeatures / this.divValue ** (i + 1));
      return new Sequential(new Linear(inFeatures, hidden, { bias: false }), new Linear(hidden, this.cutoffs[i + 1] - this.cutoffs[i], { bias: false }));
    }));
  }

  /** Each sample's log-probability of its target class: [batch] (0-d for one sample). */
  forward(input: Tensor, target: Tensor): Tensor {
    return this.forwardWithLoss(input, target).output;
  }

  /** The targets' log-probabilities and their mean negative, the loss (torch's call's two results). */
  forwardWithLoss(input: Tensor, target: Tensor): AdaptiveSoftmaxResult {
    const what = this.constructor.name;
    checkTensor(input, what);
    checkTensor(target, `${what} target`);
    const single = input.ndim === 1;
    if (single ? target.ndim !== 0 : input.ndim !== 2 || target.ndim !== 1) {
      throw new Error(`${what}: expects input [batch, ${this.inFeatures}] with target [batch], or input [${this.inFeatures}] with a 0-d target; got ${fmt(input.shape)} and ${fmt(target.shape)}`);
    }
    const x = single ? input.reshape([1, input.size]) : input;
    if (x.shape[1] !== this.inFeatures) throw new Error(`${what}: input has ${x.shape[1]} features, expected ${this.inFeatures}`);
    if (x.shape[0] !== target.size) throw new Error(`${what}: input and target should have the same size in the batch dimension, got ${x.shape[0]} and ${target.size}`);
    const t = target.data;
    const bad = t.findIndex((c) => !Number.isInteger(c) || c < 0 || c >= this.nClasses);
    if (bad >= 0) throw new Error(`${what}: target values should be in [0, ${this.nClasses - 1}], got ${t[bad]} at position ${bad}`);
    // Each row's head column (its class, or its cluster's) and, for the rows of each cluster, their log-probability within it.
    const headColumn = new Int32Array(t.length);
    let output = zeros([t.length]);
    for (let i = 0; i < this.cutoffs.length; i++) {
      const lo = i === 0 ? 0 : this.cutoffs[i - 1], hi = this.cutoffs[i];
      const rows: number[] = [];
      t.forEach((c, r) => { if (c >= lo && c < hi) rows.push(r); });
      if (rows.length === 0) continue;
      if (i === 0) {
        for (const r of rows) headColumn[r] = t[r];
        continue;
      }
      for (const r of rows) headColumn[r] = this.shortlistSize + i - 1;
      const clusterLogProb = logSoftmax((this.tail.at(i - 1) as Sequential).forward(indexSelect(x, 0, rows)), 1);
      const within = new Tensor(Float32Array.from(rows, (r) => t[r] - lo), [rows.length, 1]);
      output = indexCopy(output, 0, rows, gather(clusterLogProb, 1, within).reshape([rows.length]));
    }
    const headLogProb = logSoftmax(this.head.forward(x), 1);
    output = add(output, gather(headLogProb, 1, new Tensor(Float32Array.from(headColumn), [t.length, 1])).reshape([t.length]));
    const loss = output.neg().mean();
    return { output: single ? output.reshape([]) : output, loss };
  }

  /** Every class's log-probability: [batch, nClasses] (or [nClasses]), torch's log_prob. */
  logProb(input: Tensor): Tensor {
    const what = `${this.constructor.name}.logProb`;
    checkTensor(input, what);
    if ((input.ndim !== 1 && input.ndim !== 2) || input.shape[input.ndim - 1] !== this.inFeatures) throw new Error(`${what}: expects input [batch, ${this.inFeatures}] or [${this.inFeatures}], got ${fmt(input.shape)}`);
    const x = input.ndim === 1 ? input.reshape([1, input.size]) : input;
    const headLogProb = logSoftmax(this.head.forward(x), 1);
    const parts = [headLogProb.narrow(1, 0, this.shortlistSize)];
    for (let i = 0; i < this.nClusters; i++) {
      // The cluster's classes: their log-probability within it, plus the cluster's own in the head.
      const within = logSoftmax((this.tail.at(i) as Sequential).forward(x), 1);
      parts.push(add(within, headLogProb.narrow(1, this.shortlistSize + i, 1)));
    }
    const all = cat(parts, 1);
    return input.ndim === 1 ? all.reshape([this.nClasses]) : all;
  }

  /** The likeliest class of each row: [batch] (or 0-d), torch's predict. */
  predict(input: Tensor): Tensor {
    const lp = this.logProb(input);
    return argmax(lp, lp.ndim - 1);
  }
}
