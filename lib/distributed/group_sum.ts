// The sum over a process group's ranks as a recorded op: distributed.nn.allReduce's, and SyncBatchNorm's
// statistics'. Its gradient is the sum over the ranks of the gradients their outputs received.
import { Tensor } from '../tensor';
import { record } from '../ops/core';
import { ProcessGroup } from './process_group';

/** A copy of `a` summed over the group's ranks (on this thread); `what` names the caller in errors. */
export function summedOverRanks(a: Float32Array, group: ProcessGroup, what: string): Float32Array {
  const sum = Float32Array.from(a);
  group.reduceArraysNow([sum], false, what);
  return sum;
}

/** distributed.nn.allReduce's recorded op (SyncBatchNorm's too), its collectives named `what` in errors. */
export function groupSum(t: Tensor, group: ProcessGroup, what: string): Tensor {
  const out = record(summedOverRanks(t.data, group, what), t.shape, [t], 'allReduce', (gy) => [summedOverRanks(gy, group, `${what}: backward`)]);
  if (out.node) out.node.graphBackward = (gy) => [groupSum(gy, group, `${what}: backward`)];
  return out;
}
