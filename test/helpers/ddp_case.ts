// DistributedDataParallel's test cases (test/ddp.test.ts): one training loop of one's own, run by
// each rank of a group on its share of every batch (test/helpers/ranks.ts starts them), and by the
// test process alone on whole batches, the answer the group must give.
import * as bp from '../../lib/index';
import type { ProcessGroup } from '../../lib/distributed';

export interface DdpCase {
  /**
   * What the loop exercises: plain steps; a branch only rank 0 runs (findUnused: the option);
   * microbatches under noSync; rank-own buffers; a BatchNorm1d converted to SyncBatchNorm (the
   * single process: the BatchNorm over the union of the ranks' rows).
   */
  kind: 'steps' | 'unused' | 'noSync' | 'buffers' | 'syncBatchNorm';
  findUnused?: boolean;
  broadcastBuffers?: boolean;
}

export interface DdpResult {
  params: number[][];
  grads: (number[] | null)[];
  buffers: number[][];
  outs?: number[][];
  error?: string;
}

const FEATURES = 5, HIDDEN = 7, CLASSES = 3, STEPS = 3;

function data(worldSize: number): { x: bp.Tensor; y: bp.Tensor } {
  bp.manualSeed(7);
  const rows = 4 * worldSize * 2; // per step: 4 rows a rank, two microbatches for noSync
  return { x: bp.randn([STEPS, rows, FEATURES]), y: bp.randint(0, CLASSES, [STEPS, rows]) };
}

/** The case's model: an MLP, and for 'unused' a second head that only some ranks' forward passes use. */
class Net extends bp.nn.Module {
  body: bp.nn.Sequential;
  extra: bp.nn.Linear | null;
  useExtra = false;
  constructor(seed: number, withExtra: boolean, norm = false) {
    super();
    bp.manualSeed(seed);
    const first = new bp.nn.Linear(FEATURES, HIDDEN), last = new bp.nn.Linear(HIDDEN, CLASSES);
    this.body = norm ? new bp.nn.Sequential(first, new bp.nn.BatchNorm1d(HIDDEN), new bp.nn.ReLU(), last) : new bp.nn.Sequential(first, new bp.nn.ReLU(), last);
    this.extra = withExtra ? new bp.nn.Linear(CLASSES, CLASSES) : null;
  }
  forward(x: bp.Tensor): bp.Tensor {
    const h = this.body.call(x);
    return this.extra && this.useExtra ? bp.add(h, this.extra.call(h)) : h;
  }
}

const snapshot = (m: bp.nn.Module): DdpResult => ({
  params: m.parameters().map((p) => Array.from(p.data)),
  grads: m.parameters().map((p) => (p.grad ? Array.from(p.grad.data) : null)),
  buffers: m.buffers().map((b) => Array.from(b.data)),
});

/** Rows [from, from + count) of step s. */
function rows(d: { x: bp.Tensor; y: bp.Tensor }, s: number, from: number, count: number): [bp.Tensor, bp.Tensor] {
  return [d.x.select(0, s).narrow(0, from, count), d.y.select(0, s).narrow(0, from, count)];
}

/**
 * A rank's run of the case (group given), or the single process's answer for a group of
 * `worldSize` (group absent): the parameters and gradients after the loop.
 */
export function ddpCase(c: DdpCase, worldSize: number, group?: ProcessGroup): DdpResult {
  const d = data(worldSize);
  const rank = group?.rank ?? 0;
  const loss = new bp.nn.CrossEntropyLoss();
  if (c.kind === 'buffers') {
    // Each rank's own running statistics before eval-mode forward passes: rank 0's at the first pass
    // and after one that recorded gradients, the rank's own after a pass under noGrad (outs[0], [2]
    // and [1]), unless broadcastBuffers is off.
    bp.manualSeed(3);
    const inner = new bp.nn.Sequential(new bp.nn.Linear(FEATURES, HIDDEN), new bp.nn.BatchNorm1d(HIDDEN));
    const ddp = new bp.nn.parallel.DistributedDataParallel(inner, { processGroup: group as ProcessGroup, broadcastBuffers: c.broadcastBuffers });
    const bn = inner.modules()[2] as bp.nn.BatchNorm1d;
    const x = rows(d, 0, 0, 4)[0];
    ddp.eval();
    const outs: number[][] = [];
    const pass = (recorded: boolean, k: number) => {
      bn.running_mean.data.fill(rank + k);
      bn.running_var.data.fill(rank + k + 1);
      const y = recorded ? ddp.call(x) : bp.noGrad(() => ddp.call(x));
      return Array.from(y.data);
    };
    outs.push(pass(false, 1), pass(false, 2));
    pass(true, 3);
    outs.push(pass(false, 4));
    return { ...snapshot(ddp), outs };
  }
  if (!group) return answer(c, d, worldSize, loss);
  const net = new Net(100 + rank, c.kind === 'unused', c.kind === 'syncBatchNorm'); // rank 0's parameters must win
  net.useExtra = rank === 0;
  if (c.kind === 'syncBatchNorm') bp.nn.SyncBatchNorm.convertSyncBatchnorm(net, group);
  const ddp = new bp.nn.parallel.DistributedDataParallel(net, { processGroup: group, findUnusedParameters: c.findUnused });
  const opt = new bp.optim.SGD(ddp.parameters(), { lr: 0.1, momentum: 0.9 });
  try {
    for (let s = 0; s < STEPS; s++) {
      opt.zeroGrad();
      if (c.kind === 'noSync') {
        const [x0, y0] = rows(d, s, 8 * rank, 4), [x1, y1] = rows(d, s, 8 * rank + 4, 4);
        ddp.noSync(() => loss.call(ddp.call(x0), y0).backward());
        loss.call(ddp.call(x1), y1).backward();
      } else {
        const [x, y] = rows(d, s, 4 * rank, 4);
        loss.call(ddp.call(x), y).backward();
      }
      opt.step();
    }
  } catch (e) {
    return { ...snapshot(net), error: (e as Error).message };
  }
  return snapshot(net);
}

// The single process's loop: each step's gradient the mean over ranks of each rank's loss gradient.
function answer(c: DdpCase, d: { x: bp.Tensor; y: bp.Tensor }, worldSize: number, loss: bp.nn.CrossEntropyLoss): DdpResult {
  const net = new Net(100, c.kind === 'unused', c.kind === 'syncBatchNorm');
  const opt = new bp.optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
  for (let s = 0; s < STEPS; s++) {
    opt.zeroGrad();
    if (c.kind === 'syncBatchNorm') {
      // One batch of every rank's rows: the mean loss over it is the mean of the ranks' mean losses.
      const [x, y] = rows(d, s, 0, 4 * worldSize);
      loss.call(net.call(x), y).backward();
      opt.step();
      continue;
    }
    for (let r = 0; r < worldSize; r++) {
      net.useExtra = r === 0;
      const parts = c.kind === 'noSync' ? [rows(d, s, 8 * r, 4), rows(d, s, 8 * r + 4, 4)] : [rows(d, s, 4 * r, 4)];
      for (const [x, y] of parts) bp.div(loss.call(net.call(x), y), worldSize).backward();
    }
    opt.step();
  }
  return snapshot(net);
}
