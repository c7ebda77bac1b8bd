// How much storage an eager training step takes fresh from the allocator (memory().freshBytes)
// rather than from the pool of disposed tensors, and the step's time, for models whose steps
// compose many ops: C1's CNN, an LSTM, an MLP of LayerNorm + GELU blocks, a residual CNN of the
// caller's own (stepped bare and inside tidy), W3. Every fresh array is
// one the collector must find and free (a 1 MB one cost ~20 us of zeroing and collection here).
// --dist=<dir> loads another build's dist/ (a worktree of an older commit, built with npm run
// build:ts) so that two versions run the same steps; rounds alternate between them.
// npx tsx bench/fresh_storage.ts [--dist=<dir>] [--rounds=3]: prints a table, writes
// bench/results/<time>-fresh-storage.json.
import './built';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from './timing';

import type { nn, Tensor } from '../dist/index';

type Lib = typeof import('../dist/index');

const args = new Map(process.argv.slice(2).map((a) => {
  const m = /^--(\w+)=(.*)$/.exec(a);
  if (!m) throw new Error(`fresh_storage: arguments are --dist=<dir> and --rounds=<n>, got '${a}'`);
  return [m[1], m[2]] as const;
}));
const rounds = Number(args.get('rounds') ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`fresh_storage: --rounds must be a positive integer, got '${args.get('rounds')}'`);

/** A model's step, built with one version of the library. */
type Case = { name: string; make: (bp: Lib) => () => void };

const cases: Case[] = [
  {
    name: 'C1 CNN, batch 64, SGD momentum',
    make: (bp) => {
      const { nn } = bp;
      const m = new nn.Sequential(new nn.Conv2d(1, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
        new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(64 * 49, 128), new nn.ReLU(), new nn.Linear(128, 10));
      return stepOf(bp, m, (o) => [o], bp.rand([64, 1, 28, 28]), 64, new bp.optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }));
    },
  },
  {
    name: 'LSTM(128, 256), T 35, batch 32, Adam',
    make: (bp) => {
      const lstm = new bp.nn.LSTM(128, 256), head = new bp.nn.Linear(256, 10);
      const m = new bp.nn.Sequential(lstm, head);
      return stepOf(bp, m, (o) => [o, o.reshape([35 * 32, 10])], bp.randn([35, 32, 128]), 35 * 32, new bp.optim.Adam(m.parameters(), { lr: 1e-3 }));
    },
  },
  {
    name: 'MLP 784-3x(1024, LayerNorm, GELU)-10, batch 256, AdamW',
    make: (bp) => {
      const { nn } = bp;
      const block = (n: number) => [new nn.Linear(n, 1024), new nn.LayerNorm(1024), new nn.GELU()];
      const m = new nn.Sequential(...block(784), ...block(1024), ...block(1024), new nn.Linear(1024, 10));
      return stepOf(bp, m, (o) => [o], bp.randn([256, 784]), 256, new bp.optim.AdamW(m.parameters(), { lr: 1e-3 }));
    },
  },
  ...[false, true].map((inTidy): Case => ({
    name: `residual CNN of the caller's own, batch 16, Adam${inTidy ? ', in tidy' : ''}`,
    make: (bp) => {
      const m = residualCnn(bp);
      return stepOf(bp, m, (o) => [o], bp.randn([16, 3, 16, 16]), 16, new bp.optim.Adam(m.parameters(), { lr: 1e-3 }), inTidy);
    },
  })),
  {
    name: 'W3 784-1024-1024-10 ReLU, batch 256, Adam',
    make: (bp) => {
      const { nn } = bp;
      const m = new nn.Sequential(new nn.Linear(784, 1024), new nn.ReLU(), new nn.Linear(1024, 1024), new nn.ReLU(), new nn.Linear(1024, 10));
      return stepOf(bp, m, (o) => [o], bp.rand([256, 784]), 256, new bp.optim.Adam(m.parameters(), { lr: 1e-3 }));
    },
  },
];

/**
 * One eager step: forward, cross-entropy against fixed labels (`rows` of them, over the logits that
 * `logits` returns last, the tensors before it the caller's to dispose), backward, the update, and
 * every tensor the step made disposed, as a training loop that keeps none of them does.
 */
function stepOf(bp: Lib, model: { forward(x: Tensor): Tensor }, logits: (o: Tensor) => Tensor[], x: Tensor, rows: number,
  opt: { zeroGrad(): void; step(): void }, inTidy = false): () => void {
  const y = bp.tensor(Array.from({ length: rows }, (_, i) => i % 10));
  const ce = new bp.nn.CrossEntropyLoss();
  const pass = () => {
    const made = logits(model.forward(x));
    const loss = ce.forward(made[made.length - 1], y);
    loss.backward();
    for (const t of [...made, loss]) t.dispose();
  };
  return () => {
    opt.zeroGrad();
    if (inTidy) bp.tidy(pass);
    else pass();
    opt.step();
  };
}

/**
 * Two residual blocks (conv, BatchNorm, ReLU, conv, BatchNorm, + x, ReLU) in a Module of the
 * caller's own, whose forward composes ops: only tidy() (or the caller) can give their results back.
 */
function residualCnn(bp: Lib): nn.Module {
  const { nn } = bp;
  class Block extends nn.Module {
    c1 = new nn.Conv2d(16, 16, 3, { padding: 1 });
    b1 = new nn.BatchNorm2d(16);
    c2 = new nn.Conv2d(16, 16, 3, { padding: 1 });
    b2 = new nn.BatchNorm2d(16);
    forward(x: Tensor): Tensor {
      const h = bp.relu(this.b1.forward(this.c1.forward(x)));
      return bp.relu(bp.add(x, this.b2.forward(this.c2.forward(h))));
    }
  }
  class Net extends nn.Module {
    stem = new nn.Conv2d(3, 16, 3, { padding: 1 });
    blocks = new nn.Sequential(new Block(), new Block());
    head = new nn.Linear(16, 10);
    forward(x: Tensor): Tensor {
      return this.head.forward(this.blocks.forward(bp.relu(this.stem.forward(x))).mean([2, 3]));
    }
  }
  return new Net();
}

const versions: [string, Lib][] = [['this checkout', require('../dist/index') as Lib]];
const other = args.get('dist');
if (other) versions.push([path.resolve(other), require(path.resolve(other, 'index.js')) as Lib]);

interface Row { version: string; model: string; freshMBPerStep: number[]; msPerStep: number[] }
const rows: Row[] = [];
for (const c of cases) {
  const steps = versions.map(([version, bp]) => {
    bp.manualSeed(0);
    const step = c.make(bp);
    for (let i = 0; i < 10; i++) step(); // the JIT, and the pool filled
    const row: Row = { version, model: c.name, freshMBPerStep: [], msPerStep: [] };
    rows.push(row);
    return { bp, step, row };
  });
  for (let r = 0; r < rounds; r++) {
    for (const { bp, step, row } of steps) {
      const n = 20;
      const fresh0 = bp.memory().freshBytes;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) step();
      row.msPerStep.push((performance.now() - t0) / n);
      row.freshMBPerStep.push((bp.memory().freshBytes - fresh0) / n / 1e6);
    }
  }
}

console.log(`Eager training steps at ${versions[0][1].getNumThreads()} thread(s), ${rounds} alternated rounds of 20 steps (medians)`);
console.log(`${'model'.padEnd(58)} ${'version'.padEnd(16)} ${'fresh MB/step'.padStart(14)} ${'ms/step'.padStart(9)}`);
for (const r of rows) {
  const label = r.version.length > 16 ? `...${r.version.slice(-13)}` : r.version;
  console.log(`${r.model.padEnd(58)} ${label.padEnd(16)} ${median(r.freshMBPerStep).toFixed(3).padStart(14)} ${median(r.msPerStep).toFixed(2).padStart(9)}`);
}
const out = path.join(__dirname, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}-fresh-storage.json`);
fs.writeFileSync(out, JSON.stringify({ rounds, rows, cpu: os.cpus()[0]?.model, cores: os.cpus().length }, null, 2));
console.log(`wrote ${path.relative(process.cwd(), out)}`);
