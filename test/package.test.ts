// The package as users meet it: the compiled dist/ loads with require and with import, and a tarball
// from `npm pack` installs into a fresh project, where it runs on the addon or falls back with a
// message naming the build command.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function node(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, BACKPROP_QUIET: '', ...env } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const program = (mod: string) => `
  const x = bp.tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const y = x.matmul(x).sum();
  y.backward();
  console.log(JSON.stringify({ backend: bp.getBackend(), y: y.item(), g: x.grad.toArray(), mod: ${JSON.stringify(mod)} }));
`;

describe('dist/ (run `npm run build:ts` first; npm test does)', () => {
  it('require() and import load the same API', () => {
    expect(fs.existsSync(path.join(dist, 'index.js')), 'dist/index.js').toBe(true);
    const cjs = node(['-e', `const bp = require(${JSON.stringify(dist)}); ${program('cjs')}`], root);
    expect(cjs.status, cjs.stderr).toBe(0);
    const esm = node(['--input-type=module', '-e', `import * as bp from ${JSON.stringify(path.join(dist, 'index.mjs'))}; ${program('esm')}`], root);
    expect(esm.status, esm.stderr).toBe(0);
    const a = JSON.parse(cjs.stdout);
    const b = JSON.parse(esm.stdout);
    expect(a.y).toBe(54);
    expect(b.y).toBe(54);
    expect(b.g).toEqual(a.g);
    expect(fs.existsSync(path.join(dist, 'index.d.ts'))).toBe(true);
  });
});

describe('npm pack, installed into a scratch project', () => {
  it('installs without network downloads and runs, natively or with the fallback message', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'backprop-pack-'));
    const out = execFileSync('npm', ['pack', '--pack-destination', scratch, '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const tgz = path.join(scratch, out.trim().split('\n').pop() as string);
    expect(fs.existsSync(tgz)).toBe(true);
    fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
    const inst = spawnSync('npm', ['install', '--no-audit', '--no-fund', tgz], { cwd: scratch, encoding: 'utf8' });
    expect(inst.status, inst.stderr).toBe(0);
    const r = node(['-e', `const bp = require('backprop'); ${program('installed')}`], scratch);
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.y).toBe(54);
    if (res.backend === 'reference') expect(r.stderr).toContain('npm run build:native');
    const esm = node(['--input-type=module', '-e', `import { tensor, getBackend } from 'backprop'; console.log(tensor([1, 2]).sum().item(), getBackend());`], scratch);
    expect(esm.status, esm.stderr).toBe(0);
    expect(esm.stdout).toContain('3');
    fs.rmSync(scratch, { recursive: true, force: true });
  }, 300_000);
});
