// Data-parallel fit's test cases, run the same way by the test process (one rank, the reference
// answer) and by the child processes that form a group (test/distributed.test.ts starts them with
// runRanks; each child runs rankMain). Each child prints one JSON line.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as bp from '../../lib/index';
import type { ProcessGroup } from '../../lib/distributed';
import { DdpCase, ddpCase } from './ddp_case';

export interface FitCase {
  n: number;
  features: number;
  classes: number;
  batchSize: number;
  epochs: number;
  shuffle: boolean;
  fused: boolean;
  /** Adds Dropout(0.3) and BatchNorm1d after the hidden layer. */
  noisy?: boolean;
  /** Adds a BatchNorm1d after the hidden layer that a group's ranks convert to a SyncBatchNorm over it. */
  syncBatchNorm?: boolean;
  optimizer: 'adam' | 'sgd';
  validation?: boolean;
  /** Trains on the reference backend (the eager loop; the group's collectives are the addon's all the same). */
  reference?: boolean;
  /** fit's tensorBoard directory. */
  tensorBoard?: string;
  /** One rank (rank 0 without a group) asks to stop after this epoch (onEpochEnd) or batch (onBatchEnd, by stop()). */
  stopAt?: { rank: number; epoch?: number; batch?: number };
}

export interface FitResult {
  loss: number[];
  accuracy: number[];
  valLoss: number[];
  params: number[][];
  buffers: number[][];
}

/**
 * Trains the case's model on its data. `initSeed` seeds the model's initialisation (the ranks of a
 * group start from different ones: fit must give them rank 0's).
 */
export async function trainCase(c: FitCase, initSeed: number, group?: ProcessGroup): Promise<FitResult> {
  const backend = bp.getBackend();
  if (c.reference) bp.setBackend('reference');
  try {
    return await trainOn(c, initSeed, group);
  } finally {
    bp.setBackend(backend);
  }
}

async function trainOn(c: FitCase, initSeed: number, group?: ProcessGroup): Promise<FitResult> {
  bp.manualSeed(7);
  const x = bp.randn([c.n, c.features]);
  const w = bp.randn([c.features, c.classes]);
  const y = bp.argmax(bp.matmul(x, w), 1);
  const hidden = 24;
  bp.manualSeed(initSeed);
  const layers: bp.nn.Module[] = [new bp.nn.Linear(c.features, hidden), new bp.nn.ReLU()];
  if (c.noisy) layers.push(new bp.nn.BatchNorm1d(hidden), new bp.nn.Dropout(0.3));
  if (c.syncBatchNorm) layers.push(new bp.nn.BatchNorm1d(hidden));
  layers.push(new bp.nn.Linear(hidden, c.classes));
  const model = new bp.nn.Sequential(...layers);
  if (c.syncBatchNorm && group) bp.nn.SyncBatchNorm.convertSyncBatchnorm(model, group);
  const asks = c.stopAt !== undefined && (group?.rank ?? 0) === c.stopAt.rank;
  const optimizer = c.optimizer === 'adam' ? new bp.optim.Adam(model.parameters(), { lr: 0.01 }) : new bp.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const h = await bp.fit(model, { x, y }, {
    loss: new bp.nn.CrossEntropyLoss(), optimizer, epochs: c.epochs, batchSize: c.batchSize, shuffle: c.shuffle, fused: c.fused,
    metrics: ['accuracy'], seed: 11, processGroup: group, validationData: c.validation ? { x, y } : undefined, tensorBoard: c.tensorBoard,
    onEpochEnd: c.stopAt?.epoch !== undefined ? (e) => !(asks && e === c.stopAt?.epoch) : undefined,
    onBatchEnd: c.stopAt?.batch !== undefined ? (b, _, stop) => { if (asks && b === c.stopAt?.batch) stop(); } : undefined,
  });
  return {
    loss: h.loss, accuracy: h.accuracy, valLoss: h.valLoss,
    params: model.parameters().map((p) => Array.from(p.data)), buffers: model.namedBuffers().map(([, b]) => Array.from(b.data)),
  };
}

/** What a child is asked to do. */
export type RankJob =
  | { kind: 'fit'; case: FitCase }
  | { kind: 'collectives' }
  | { kind: 'mismatch' }
  | { kind: 'ddp'; case: DdpCase }
  | { kind: 'nnCollectives' };

export interface RankConfig { rank: number; worldSize: number; store: string; timeoutMs: number; job: RankJob }

async function collectives(group: ProcessGroup): Promise<unknown> {
  const r = group.rank;
  const a = bp.tensor([r + 1, 2 * (r + 1), 0.5]);
  const b = bp.tensor([[r, -r], [10, r * r]]);
  await group.allReduce([a, b]);
  const m = bp.tensor([r, 1, 1 / 3]);
  await group.allReduce(m, 'mean');
  const c = bp.tensor([r, r, r, r]);
  await group.broadcast(c, group.worldSize - 1);
  await group.barrier();
  // A negative zero and a NaN come through as they are; the shapes are kept.
  const gathered = await group.allGather(bp.tensor([[r, -r, r === 1 ? NaN : 0.25]]));
  const g = gathered.map((t) => ({ shape: t.shape, bits: Array.from(new Uint32Array(Float32Array.from(t.data).buffer)) }));
  return { a: Array.from(a.data), b: Array.from(b.data), m: Array.from(m.data), c: Array.from(c.data), g };
}

/**
 * distributed.nn's collectives as recorded ops: values, a loss of other ranks' values (its gradient
 * comes back to each rank's input), and a gradient with createGraph taken through allReduce.
 */
function nnCollectives(group: ProcessGroup): unknown {
  const r = group.rank;
  const x = bp.tensor([r + 1, -(r + 1)], { requiresGrad: true });
  const y = bp.distributed.nn.allReduce(x, group);
  const parts = bp.distributed.nn.allGather(bp.mul(x, 2), group);
  // Rank r's loss: (r + 1) sum(y) + sum over k of (k + 2)(r + 1) parts[k][0].
  let loss = bp.mul(bp.sum(y), r + 1);
  parts.forEach((p, k) => { loss = bp.add(loss, bp.mul(p.select(0, 0), (k + 2) * (r + 1))); });
  loss.backward();
  const w = bp.tensor([r + 1, 2], { requiresGrad: true });
  const [g] = bp.autograd.grad(bp.sum(bp.distributed.nn.allReduce(bp.mul(w, w), group)), [w], { createGraph: true });
  bp.sum(bp.mul(g as bp.Tensor, w)).backward();
  return {
    y: Array.from(y.data), parts: parts.map((p) => ({ shape: p.shape, values: Array.from(p.data) })), grad: Array.from(x.grad?.data ?? []),
    g: Array.from((g as bp.Tensor).data), wGrad: Array.from(w.grad?.data ?? []),
  };
}

/** A child's whole run: connects, runs its job, prints { result } or { error }. */
export async function rankMain(cfg: RankConfig): Promise<void> {
  try {
    const group = await bp.distributed.initProcessGroup({ rank: cfg.rank, worldSize: cfg.worldSize, store: cfg.store, hostname: '127.0.0.1', timeoutMs: cfg.timeoutMs });
    let result: unknown;
    const job = cfg.job;
    if (job.kind === 'fit') result = await trainCase(job.case, 100 + cfg.rank, group);
    else if (job.kind === 'collectives') result = await collectives(group);
    else if (job.kind === 'ddp') result = ddpCase(job.case, cfg.worldSize, group);
    else if (job.kind === 'nnCollectives') result = nnCollectives(group);
    else if (job.kind === 'mismatch') {
      // Rank 0 reduces (then gathers) three floats, the others four.
      const t = bp.zeros([cfg.rank === 0 ? 3 : 4]);
      const reduced = await group.allReduce(t).then(() => 'no error', (e: Error) => e.message);
      const gathered = await group.allGather(t).then(() => 'no error', (e: Error) => e.message);
      result = [reduced, gathered];
    }
    await group.destroy();
    console.log(JSON.stringify({ result }));
  } catch (e) {
    console.log(JSON.stringify({ error: (e as Error).message }));
  }
}

/** Starts one child per rank (concurrently) and resolves with each one's printed JSON, in rank order. */
export async function runRanks(configs: RankConfig[]): Promise<{ result?: unknown; error?: string }[]> {
  const helper = path.resolve(__dirname, 'ranks.ts');
  const script = `require(${JSON.stringify(helper)}).rankMain(JSON.parse(process.argv[1]));`;
  const tsx = require.resolve('tsx/cjs');
  const runs = configs.map((cfg) => new Promise<{ result?: unknown; error?: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', tsx, '-e', script, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (code !== 0 || !line) reject(new Error(`rank ${cfg.rank} exited with ${code}: ${err || out}`));
      else resolve(JSON.parse(line));
    });
  }));
  return Promise.all(runs);
}
