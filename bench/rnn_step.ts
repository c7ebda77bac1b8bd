// nn.LSTM(128, 256) and nn.GRU(128, 256) over T = 35, batch 32: forward and backward at one thread,
// ours (native) and PyTorch's (when /usr/bin/python3 has torch), rounds alternated; medians in ms.
// npx tsx bench/rnn_step.ts [rounds, default 3]
import './built';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as bp from '../dist/index';
import { median } from './timing';
import { torchAvailable } from './peers/torch_worker';

const [T, B, I, H] = [35, 32, 128, 256];

type Kind = 'LSTM' | 'GRU';

function ours(kind: Kind): number {
  bp.setNumThreads(1);
  bp.manualSeed(0);
  const lstm = new bp.nn[kind](I, H);
  const x = bp.randn([T, B, I]);
  const step = (): void => {
    lstm.forward(x).sum().backward();
    lstm.zeroGrad();
  };
  for (let i = 0; i < 5; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) step();
  return (performance.now() - t0) / 20;
}

function torch(kind: Kind): number {
  const r = spawnSync('/usr/bin/python3', [path.join(__dirname, 'peers', 'torch_rnn.py'), kind, String(T), String(B), String(I), String(H)], {
    encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (r.status !== 0) throw new Error(`torch_rnn.py failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { ms: number }).ms;
}

const rounds = Number(process.argv[2] ?? 3);
const haveTorch = torchAvailable();
if (!haveTorch) console.error('PyTorch: absent (/usr/bin/python3 cannot import torch)');
for (const kind of ['LSTM', 'GRU'] as const) {
  const ms: Record<string, number[]> = { backprop: [], PyTorch: [] };
  for (let r = 0; r < rounds; r++) {
    ms.backprop.push(ours(kind));
    if (haveTorch) ms.PyTorch.push(torch(kind));
    console.error(`${kind} round ${r + 1}: ${Object.entries(ms).filter(([, v]) => v.length).map(([k, v]) => `${k} ${v[r].toFixed(2)} ms`).join(', ')}`);
  }
  console.log(`nn.${kind}(${I}, ${H}), T ${T}, batch ${B}, forward + backward, one thread (median of ${rounds}):`);
  for (const [k, v] of Object.entries(ms)) if (v.length) console.log(`  ${k}: ${median(v).toFixed(2)} ms`);
}
