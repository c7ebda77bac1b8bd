// Data-parallel training on one machine (PyTorch's DistributedDataParallel): this script starts
// `processes` copies of itself, each one rank of a process group that meets in a fresh temporary
// directory; every rank trains the W4 model (784-256-128-10 ReLU MLP, Adam 1e-3) on its share of each
// epoch's Fashion-MNIST rows, the ranks averaging their gradients after every batch. With `fit` (the
// default) fit's processGroup does it all; with `loop`, a training loop of one's own does it as a
// PyTorch script would: a DistributedSampler's share through a DataLoader, the model (with a
// BatchNorm1d made a SyncBatchNorm) wrapped in nn.parallel.DistributedDataParallel.
// Rank 0 prints the epochs and the test accuracy.
// `tsx examples/data-parallel.ts [processes, default 2] [training images, default 60000] [epochs, default 3] [fit | loop]`.
// Across machines, run one copy per machine with BACKPROP_RANK, BACKPROP_WORLD_SIZE, BACKPROP_STORE
// (a directory on a file system they share) and BACKPROP_HOSTNAME (this machine's address) set.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { data, distributed, evaluate, fit, manualSeed, nn, optim, setNumThreads, Tensor, tensor } from '../lib/index';

const usage = 'usage: data-parallel.ts [processes >= 1] [training images >= 1] [epochs >= 1] [fit | loop]';

function positive(arg: string | undefined, dflt: number): number {
  const v = Number(arg ?? dflt);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${usage}, got ${process.argv.slice(2).join(' ')}`);
  return v;
}

/** Starts one copy of this script per rank and waits for them all; rank 0's output is shown. */
async function launch(processes: number): Promise<void> {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'backprop-group-'));
  const threads = Math.max(1, Math.floor(os.cpus().length / processes));
  console.log(`starting ${processes} processes (${threads} thread(s) each), meeting in ${store}`);
  try {
    const codes = await Promise.all(Array.from({ length: processes }, (_, rank) => new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
        env: { ...process.env, BACKPROP_RANK: String(rank), BACKPROP_WORLD_SIZE: String(processes), BACKPROP_STORE: store, BACKPROP_HOSTNAME: '127.0.0.1', BACKPROP_THREADS: String(threads) },
        stdio: ['ignore', rank === 0 ? 'inherit' : 'ignore', 'inherit'],
      });
      child.on('close', (code) => resolve(code ?? 1));
    })));
    if (codes.some((c) => c !== 0)) throw new Error(`a rank failed (exit codes ${codes.join(', ')})`);
  } finally {
    fs.rmSync(store, { recursive: true, force: true });
  }
}

function rows(split: { x: Tensor; y: Tensor }, count: number): { x: Tensor; y: Tensor } {
  const n = Math.min(count, split.x.shape[0]);
  return { x: split.x.narrow(0, 0, n), y: split.y.narrow(0, 0, n) };
}

/**
 * A rank's own training loop (PyTorch's usual DDP script): its DistributedSampler share of each
 * epoch's shuffled rows in batches, forward and loss.backward() through DistributedDataParallel
 * (which returns with the gradients averaged over the ranks), then the optimizer's step.
 */
function ownLoop(group: distributed.ProcessGroup, train: { x: Tensor; y: Tensor }, batchSize: number, epochs: number, say: (line: string) => void): nn.Module {
  manualSeed(group.rank); // each rank makes its own model; DistributedDataParallel gives them rank 0's
  const model = nn.SyncBatchNorm.convertSyncBatchnorm(new nn.Sequential(
    new nn.Linear(784, 256), new nn.BatchNorm1d(256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10)), group);
  const ddp = new nn.parallel.DistributedDataParallel(model, { processGroup: group });
  const optimizer = new optim.Adam(ddp.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const dataset = new data.TensorDataset(train.x, train.y);
  const sampler = new data.DistributedSampler(dataset, { group, seed: 0 });
  const loader = new data.DataLoader(dataset, { batchSize, sampler });
  for (let epoch = 0; epoch < epochs; epoch++) {
    sampler.setEpoch(epoch);
    ddp.train();
    let total = 0, rowsSeen = 0;
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      const loss = lossFn.call(ddp.call(x), y);
      loss.backward();
      optimizer.step();
      total += loss.item() * x.shape[0];
      rowsSeen += x.shape[0];
    }
    say(`epoch ${epoch + 1}: loss ${(total / rowsSeen).toFixed(4)} (rank 0's rows)`);
  }
  return ddp.eval();
}

/** One rank: connects, trains its share, and (rank 0) reports. */
async function rank(env: NodeJS.ProcessEnv, count: number, epochs: number, loop: boolean): Promise<void> {
  const group = await distributed.initProcessGroup({
    rank: Number(env.BACKPROP_RANK), worldSize: Number(env.BACKPROP_WORLD_SIZE), store: env.BACKPROP_STORE as string, hostname: env.BACKPROP_HOSTNAME,
  });
  if (env.BACKPROP_THREADS) setNumThreads(Number(env.BACKPROP_THREADS));
  const say = (line: string) => { if (group.rank === 0) console.log(line); };
  let d: ReturnType<typeof data.fashionMnist>;
  try {
    d = data.fashionMnist();
  } catch (e) {
    say(`${(e as Error).message}\nNo dataset, no training: this example needs Fashion-MNIST.`);
    await group.destroy();
    return;
  }
  const train = rows(d.train, count);
  // The batch of all ranks together is 128, as for one process (the gradients are averaged).
  const batchSize = Math.max(1, Math.round(128 / group.worldSize));
  say(`rank 0 of ${group.worldSize}: ${train.x.shape[0]} training images, ${batchSize} per batch on each rank, ${epochs} epoch(s), ${loop ? 'a loop of its own with DistributedDataParallel' : 'fit'}`);
  const lossFn = new nn.CrossEntropyLoss();
  const t0 = Date.now();
  let model: nn.Module;
  if (loop) {
    model = ownLoop(group, train, batchSize, epochs, say);
  } else {
    // Each rank makes its own model; fit starts them all from rank 0's.
    manualSeed(group.rank);
    model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
    await fit(model, train, {
      loss: lossFn, optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), epochs, batchSize, seed: 0, metrics: ['accuracy'], processGroup: group,
      onEpochEnd: (epoch, logs) => say(`epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}, accuracy ${(100 * logs.accuracy).toFixed(2)}%`),
    });
  }
  const seconds = (Date.now() - t0) / 1000;
  // Every rank should hold the same parameters: compare each one's sum with the ranks' mean of it.
  const own = tensor(model.parameters().map((p) => p.sum().item()));
  const mean = tensor(Array.from(own.data));
  await group.allReduce(mean, 'mean');
  const same = own.data.every((v, i) => v === mean.data[i]);
  const r = evaluate(model, rows(d.test, 10000), { loss: lossFn, metrics: ['accuracy'] });
  say(`trained in ${seconds.toFixed(1)} s (${((train.x.shape[0] * epochs) / seconds).toFixed(0)} images/s over all ranks)`);
  say(`every rank holds the same parameters: ${same ? 'yes' : 'NO'}`);
  say(`test accuracy ${(100 * (r.accuracy ?? 0)).toFixed(2)}%, test loss ${r.loss.toFixed(4)}`);
  await group.destroy();
}

async function main(): Promise<void> {
  const processes = positive(process.argv[2], 2);
  const count = positive(process.argv[3], 60000);
  const epochs = positive(process.argv[4], 3);
  const how = process.argv[5] ?? 'fit';
  if (how !== 'fit' && how !== 'loop') throw new Error(`${usage}, got ${process.argv.slice(2).join(' ')}`);
  if (process.env.BACKPROP_RANK === undefined) await launch(processes);
  else await rank(process.env, count, epochs, how === 'loop');
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
