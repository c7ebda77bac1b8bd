// Every example runs as a script and prints what its article printed.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const tsx = require.resolve('tsx/cli');

function run(file: string): { out: string; status: number | null; err: string } {
  const r = spawnSync(process.execPath, [tsx, path.join(root, 'examples', file)], { cwd: root, encoding: 'utf8', env: { ...process.env, BACKPROP_QUIET: '1' } });
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
