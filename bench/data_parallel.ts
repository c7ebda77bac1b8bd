// Data-parallel W3 (784-1024-1024-10, ReLU, Adam 1e-3, 256 rows a step over all processes) through
// fit on this machine: one process at one and at two threads, two processes of one thread each
// (fit's processGroup, 128 rows each), and PyTorch's DistributedDataParallel (gloo) the same way
// when /usr/bin/python3 has torch. Rounds alternate the four; medians of samples/s.
// npx tsx bench/data_parallel.ts [rounds, default 3]: prints a table, writes bench/results/<time>-data-parallel.json.
import './built';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as bp from '../dist/index';
import { median } from './timing';
import { torchAvailable } from './peers/torch_worker';

const ROWS = 256 * 40;

/** Samples per second of the best of three timed epochs (after a warm one) of W3 through fit. */
async function trainW3(threads: number, group?: bp.distributed.ProcessGroup): Promise<number> {
  bp.setNumThreads(threads);
  bp.manualSeed(1);
  const x = bp.randn([ROWS, 784]);
  const y = bp.tensor(Array.from({ length: ROWS }, (_, i) => i % 10));
  const model = new bp.nn.Sequential(new bp.nn.Linear(784, 1024), new bp.nn.ReLU(), new bp.nn.Linear(1024, 1024), new bp.nn.ReLU(), new bp.nn.Linear(1024, 10));
  const opts = {
    loss: new bp.nn.CrossEntropyLoss(), optimizer: new bp.optim.Adam(model.parameters(), { lr: 1e-3 }), epochs: 1,
    batchSize: 256 / (group?.worldSize ?? 1), shuffle: false, processGroup: group,
  };
  await bp.fit(model, { x, y }, opts);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    await group?.barrier();
    const t0 = performance.now();
    await bp.fit(model, { x, y }, opts);
    best = Math.min(best, performance.now() - t0);
  }
  return ROWS / (best / 1000);
}

/** Runs `argv` once per rank (RANK, STORE in the environment); resolves with rank 0's last JSON line. */
function ranks(bin: string, argv: (rank: number, store: string) => string[], env: NodeJS.ProcessEnv): Promise<number> {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'backprop-dp-'));
  const runs = [0, 1].map((rank) => new Promise<string>((resolve, reject) => {
    const child = spawn(bin, argv(rank, path.join(store, 'store')), { env: { ...process.env, ...env, RANK: String(rank), STORE: store }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`rank ${rank} exited with ${code}`))));
  }));
  return Promise.all(runs).then((outs) => {
    fs.rmSync(store, { recursive: true, force: true });
    const line = outs[0].trim().split('\n').pop() ?? '';
    return (JSON.parse(line) as { samplesPerSec: number }).samplesPerSec;
  });
}

async function rankMain(): Promise<void> {
  const group = await bp.distributed.initProcessGroup({ rank: Number(process.env.RANK), worldSize: 2, store: process.env.STORE as string, hostname: '127.0.0.1' });
  const samplesPerSec = await trainW3(1, group);
  if (group.rank === 0) console.log(JSON.stringify({ samplesPerSec }));
  await group.destroy();
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const torch = torchAvailable();
  if (!torch) console.error('PyTorch: absent (/usr/bin/python3 cannot import torch), no DDP figures');
  const series: Record<string, number[]> = { 'backprop 1 process x 1 thread': [], 'backprop 1 process x 2 threads': [], 'backprop 2 processes x 1 thread': [] };
  if (torch) series['PyTorch DDP 2 processes x 1 thread'] = [];
  const oneThread = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  for (let r = 0; r < rounds; r++) {
    series['backprop 1 process x 1 thread'].push(await trainW3(1));
    series['backprop 1 process x 2 threads'].push(await trainW3(2));
    series['backprop 2 processes x 1 thread'].push(await ranks(process.execPath, () => [...process.execArgv, __filename], {}));
    if (torch) {
      const script = path.join(__dirname, 'peers', 'torch_ddp.py');
      series['PyTorch DDP 2 processes x 1 thread'].push(await ranks('/usr/bin/python3', (rank, store) => [script, String(rank), '2', store, String(ROWS)], oneThread));
    }
    console.error(`round ${r + 1}: ${Object.entries(series).map(([k, v]) => `${k} ${v[r].toFixed(0)}`).join(', ')}`);
  }
  console.log('| W3 through fit, 256 rows a step | samples/s (median) |');
  console.log('| --- | --- |');
  for (const [k, v] of Object.entries(series)) console.log(`| ${k} | ${median(v).toFixed(0)} |`);
  const out = path.join(__dirname, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}-data-parallel.json`);
  fs.writeFileSync(out, JSON.stringify({ workload: 'W3 through fit, data-parallel', rows: ROWS, rounds, series, cpu: os.cpus()[0]?.model, cores: os.cpus().length }, null, 2));
  console.log(`wrote ${out}`);
}

(process.env.RANK !== undefined ? rankMain() : main()).catch((e) => { console.error(e); process.exit(1); });
