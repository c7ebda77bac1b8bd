// Data-parallel training on one machine (PyTorch's DistributedDataParallel, here fit's
// processGroup): this script starts `processes` copies of itself, each one rank of a process group
// that meets in a fresh temporary directory; every rank trains the W4 model (784-256-128-10 ReLU
// MLP, Adam 1e-3) on its share of each epoch's Fashion-MNIST rows, the ranks averaging their
// gradients after every batch. Rank 0 prints the epochs and the test accuracy.
// `tsx examples/data-parallel.ts [processes, default 2] [training images, default 60000] [epochs, default 3]`.
// Across machines, run one copy per machine with BACKPROP_RANK, BACKPROP_WORLD_SIZE, BACKPROP_STORE
// (a directory on a file system they share) and BACKPROP_HOSTNAME (this machine's address) set.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { data, distributed, evaluate, fit, manualSeed, nn, optim, setNumThreads, Tensor, tensor } from '../lib/index';

const usage = 'usage: data-parallel.ts [processes >= 1] [training images >= 1] [epochs >= 1]';

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

/** One rank: connects, trains its share, and (rank 0) reports. */
async function rank(env: NodeJS.ProcessEnv, count: number, epochs: number): Promise<void> {
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
  // Each rank makes its own model; fit starts them all from rank 0's.
  manualSeed(group.rank);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const train = rows(d.train, count);
  // The batch of all ranks together is 128, as for one process (the gradients are averaged).
  const batchSize = Math.max(1, Math.round(128 / group.worldSize));
  say(`rank 0 of ${group.worldSize}: ${train.x.shape[0]} training images, ${batchSize} per batch on each rank, ${epochs} epoch(s)`);
  const lossFn = new nn.CrossEntropyLoss();
  const t0 = Date.now();
  await fit(model, train, {
    loss: lossFn, optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), epochs, batchSize, seed: 0, metrics: ['accuracy'], processGroup: group,
    onEpochEnd: (epoch, logs) => say(`epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}, accuracy ${(100 * logs.accuracy).toFixed(2)}%`),
  });
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
  if (process.env.BACKPROP_RANK === undefined) await launch(processes);
  else await rank(process.env, count, epochs);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
