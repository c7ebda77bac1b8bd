// The bench measures the library as its users load it: dist/, compiled by tsc (npm run build:ts),
// not lib/'s TypeScript transpiled on the fly by tsx, which ran W1's eager step 12% slower (18.9-19.8
// against 16.7-17.2 us a step, one pinned thread, 3 alternated runs). Every entry point imports this
// first: a dist/ older than some file of lib/ would time code that is no longer there.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..');

/** The latest modification time of any file under dir, in ms. */
function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const built = path.join(root, 'dist', 'index.js');
if (!fs.existsSync(built)) throw new Error('bench: dist/index.js is missing: run npm run build:ts (npm run bench does)');
if (newest(path.join(root, 'lib')) > fs.statSync(built).mtimeMs) {
  throw new Error('bench: dist/ is older than lib/, so it would time stale code: run npm run build:ts (npm run bench does)');
}
