// Every example runs as a script and prints what its article printed.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR } from '../lib/data';
import { processGroupsUnavailable } from '../lib/distributed';

const root = path.resolve(__dirname, '..');
const tsx = require.resolve('tsx/cli');

function run(file: string, ...args: string[]): { out: string; status: number | null; err: string } {
  const r = spawnSync(process.execPath, [tsx, path.join(root, 'examples', file), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, BACKPROP_QUIET: '1' } });
  return { out: r.stdout, status: r.status, err: r.stderr };
}

describe('examples run as scripts', () => {
  const cases: [string, RegExp][] = [
    ['seed1-numpy-mlp.ts', /^Iteration 900, Loss: 0\.\d+$/m],
    ['seed2-dense-softmax-adam.ts', /^step 5: loss \d+\.\d+$/m],
    ['seed3-simple-nn.ts', /^Loss: \d+(\.\d+)?(e-?\d+)?$/m],
    ['seed4-scalar-autograd.ts', /^Final weights: w = [\d.]+, b = [-\d.]+$/m],
    ['seed5-worked-example.ts', /^o +\[\[0\.751404\d*\]\]$/m],
    ['pytorch-port.ts', /^epoch 30: train loss [\d.]+, val accuracy (9\d|100)\.\d%/m],
  ];
  for (const [file, want] of cases) {
    it(file, () => {
      const r = run(file);
      expect(r.status, r.err).toBe(0);
      expect(r.out).toMatch(want);
    });
  }
});

const haveFashion = fs.existsSync(path.join(FASHION_MNIST_DIR, 'train-labels-idx1-ubyte.gz'));
if (!haveFashion) console.log(`skipping the Fashion-MNIST examples' tests: ${FASHION_MNIST_DIR} is absent (apt-get install dataset-fashion-mnist)`);
describe.runIf(haveFashion)('the Fashion-MNIST examples', () => {
  it('cnn-fashion-mnist.ts on 6000 training images scores above 75% on the 10k test images', () => {
    const r = run('cnn-fashion-mnist.ts', '6000');
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/^ +\(0\): Conv2d\(1, 16, kernel_size=\(3, 3\), stride=\(1, 1\), padding=\(1, 1\)\)$/m);
    const acc = /^test accuracy ([\d.]+)%/m.exec(r.out);
    expect(acc, r.out).not.toBeNull();
    expect(Number(acc![1])).toBeGreaterThan(75);
  });

  it.runIf(processGroupsUnavailable() === null)('data-parallel.ts: two processes train the MLP on 6000 images to the same parameters', () => {
    const r = run('data-parallel.ts', '2', '6000', '2');
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/^rank 0 of 2: 6000 training images, 64 per batch on each rank, 2 epoch\(s\), fit$/m);
    expect(r.out).toMatch(/^every rank holds the same parameters: yes$/m);
    const acc = /^test accuracy ([\d.]+)%/m.exec(r.out);
    expect(acc, r.out).not.toBeNull();
    expect(Number(acc![1])).toBeGreaterThan(70);
  });

  it.runIf(processGroupsUnavailable() === null)('data-parallel.ts loop: two processes, a loop of their own with DistributedDataParallel and a SyncBatchNorm, to the same parameters', () => {
    const r = run('data-parallel.ts', '2', '6000', '2', 'loop');
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/^rank 0 of 2: 6000 training images, 64 per batch on each rank, 2 epoch\(s\), a loop of its own with DistributedDataParallel$/m);
    expect(r.out).toMatch(/^every rank holds the same parameters: yes$/m);
    const acc = /^test accuracy ([\d.]+)%/m.exec(r.out);
    expect(acc, r.out).not.toBeNull();
    expect(Number(acc![1])).toBeGreaterThan(70);
  });

  it('refuses a count that is not a positive integer', () => {
    expect(run('data-parallel.ts', '0').err).toMatch(/usage: data-parallel.ts \[processes >= 1\] \[training images >= 1\] \[epochs >= 1\] \[fit \| loop\], got 0/);
    expect(run('data-parallel.ts', '2', '10', '1', 'fast').err).toMatch(/usage: data-parallel.ts .*\[fit \| loop\], got 2 10 1 fast/);
    const r = run('cnn-fashion-mnist.ts', 'many');
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/usage: cnn-fashion-mnist.ts \[training images >= 1\] \[epochs >= 1\], got many/);
  });
});
