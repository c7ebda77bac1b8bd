// sort, argsort and topk along a dimension, as torch's: the order is the backend's (Backend.sortOrder:
// a stable sort of each row's keys), and the values are gather's, whose backward sends each gradient
// back to the element it came from.
import { Tensor } from '../tensor';
import { fmt, normDim, splitAt } from '../shape';
import { checkFlag, OptionKinds, optionsOf, shown } from '../args';
import { checkTensor } from './core';
import { gather } from './index_ops';
import { reshape } from './shape';
import { B } from '../backend/registry';

/** Values and the positions along the dimension they came from (float indices, as argmax's). */
export interface SortResult {
  /** The values in their new order (gradients flow back to where each came from). */
  values: Tensor;
  /** Each value's position along the dimension before sorting, as floats (no gradient). */
  indices: Tensor;
}

/** The index tensor (x's shape, `k` kept along d) that orders x along dim d; ties keep their order. */
function order(x: Tensor, d: number, desc: boolean, k: number): Tensor {
  const [outer, len, inner] = splitAt(x.shape, d);
  const out = new Tensor(new Float32Array(outer * k * inner), x.shape.map((s, i) => (i === d ? k : s)));
  B().sortOrder(x.data, outer, len, inner, desc, k, out.data);
  return out;
}

// A 0-d tensor is its own sorted order, at index 0 (as torch's; topk's k may be 0 or 1 there).
const scalarResult = (x: Tensor): SortResult => ({ values: reshape(x, []), indices: new Tensor(new Float32Array(1), []) });

/** The values along `dim` (default the last) in ascending order (descending when asked) and where each came from, as torch.sort(stable=True): NaN sorts above every number, ties keep their order. */
export function sort(x: Tensor, dim = -1, descending = false): SortResult {
  checkTensor(x, 'sort');
  const d = normDim(dim, x.ndim, 'sort');
  const desc = checkFlag(descending, 'sort', 'descending');
  if (x.ndim === 0) return scalarResult(x);
  const indices = order(x, d, desc, x.shape[d]);
  return { values: gather(x, d, indices), indices };
}

/** The indices that sort x along `dim` (torch.argsort, stable). */
export function argsort(x: Tensor, dim = -1, descending = false): Tensor {
  checkTensor(x, 'argsort');
  const d = normDim(dim, x.ndim, 'argsort');
  const desc = checkFlag(descending, 'argsort', 'descending');
  return x.ndim === 0 ? scalarResult(x).indices : order(x, d, desc, x.shape[d]);
}

/** Options of topk. */
export interface TopkOptions {
  /** Along this dimension (default the last). */
  dim?: number;
  /** The largest (default) or the smallest k. */
  largest?: boolean;
}

const TOPK_OPTIONS: OptionKinds<TopkOptions> = { dim: 'value', largest: 'boolean' };

/**
 * The k largest (or smallest) values along a dimension, in that order, and their indices (torch.topk
 * with sorted=True; NaN counts as the largest). Among equal values the first come first; torch's
 * order among ties is its kernel's own.
 */
export function topk(x: Tensor, k: number, options: TopkOptions = {}): SortResult {
  checkTensor(x, 'topk');
  const o = optionsOf(options, 'topk', TOPK_OPTIONS);
  const d = normDim(o.dim ?? -1, x.ndim, 'topk');
  const len = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > len) throw new Error(`topk: k must be an integer in [0, ${len}] for dim ${d} of shape ${fmt(x.shape)}, got ${shown(k)}`);
  const largest = o.largest ?? true;
  if (x.ndim === 0) return scalarResult(x);
  const indices = order(x, d, largest, k);
  return { values: gather(x, d, indices), indices };
}
