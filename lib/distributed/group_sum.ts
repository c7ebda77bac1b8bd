// The sum over a process group's ranks as a recorded op: distributed.nn.allReduce's, and SyncBatchNorm's
// statistics'. Its gradient is the sum over the ranks of the gradients their outputs received.
import { Tensor } from '../tensor';
import { record } from '../ops/core';
import { ProcessGroup } from './process_group';

/** distributed.nn.allReduce's recorded op (SyncBatchNorm's too), its collectives named `what` in errors. */
export function groupSum(t: Tensor, group: ProcessGroup, what: string): Tensor {
  const data = Float32Array.from(t.data);
  group.reduceArraysNow([data], false, what);
  const out = record(data, t.shape, [t], 'allReduce', (gy) => {
    const g = Float32Array.from(gy);
    group.reduceArraysNow([g], false, `${what}: backward`);
    return [g];
  });
  if (out.node) out.node.graphBackward = (gy) => [groupSum(gy, group, `${what}: backward`)];
  return out;
}
