// Collectives that are recorded ops (torch.distributed.nn.functional): their outputs carry gradients
// back to every rank's input, so a loss made from other ranks' values (a contrastive loss over the
// whole batch, SyncBatchNorm's statistics) trains each rank's part. They run on the calling thread,
// in forward and in backward, and every rank must run the same ones in the same order (a rank whose
// loss leaves one out of its backward leaves the others waiting until the group's timeout).
import { Tensor } from '../tensor';
import { record } from '../ops/core';
import { unbind } from '../ops/shape_more';
import { select } from '../ops/index_ops';
import { shown } from '../args';
import { ProcessGroup } from './process_group';
import { groupSum, summedOverRanks } from './group_sum';

function checkArgs(t: unknown, group: unknown, what: string): void {
  if (!(t instanceof Tensor)) throw new Error(`${what}: expected a Tensor, got ${shown(t)}`);
  if (!(group instanceof ProcessGroup)) throw new Error(`${what}: group must be a ProcessGroup from distributed.initProcessGroup(), got ${shown(group)}`);
}

/**
 * `tensor` summed over the group's ranks, as a new tensor (torch.distributed.nn.functional.all_reduce
 * with the sum): every rank gets the same values. Its gradient is the sum over the ranks of the
 * gradients their outputs received.
 */
export function allReduce(tensor: Tensor, group: ProcessGroup): Tensor {
  const what = 'distributed.nn.allReduce';
  checkArgs(tensor, group, what);
  return groupSum(tensor, group, what);
}

/**
 * Every rank's `tensor` (the same shape on each), in rank order (torch.distributed.nn.functional.
 * all_gather): worldSize tensors of its shape. The gradient of this rank's input is the sum over the
 * ranks of the gradients their rank-th output received.
 */
export function allGather(tensor: Tensor, group: ProcessGroup): Tensor[] {
  const what = 'distributed.nn.allGather';
  checkArgs(tensor, group, what);
  const n = tensor.size, size = group.worldSize, rank = group.rank;
  const gathered = new Float32Array(n * size);
  group.gatherArrayNow(tensor.data, gathered, what);
  const stacked = record(gathered, [size, ...tensor.shape], [tensor], 'allGather', (gy) => [summedOverRanks(gy, group, `${what}: backward`).slice(rank * n, (rank + 1) * n)]);
  if (stacked.node) stacked.node.graphBackward = (gy) => [select(groupSum(gy, group, `${what}: backward`), 0, rank)];
  return unbind(stacked, 0);
}
