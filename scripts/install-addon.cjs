#!/usr/bin/env node
// npm install hook: compiles the addon with cmake-js against the npm-provided Node-API headers.
// A failed build must not fail the install: the library then runs on the reference backend and
// says so once, naming the command that builds the addon.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

const root = path.resolve(__dirname, '..');
if (process.env.BACKPROP_SKIP_NATIVE === '1') {
  console.warn('backprop: BACKPROP_SKIP_NATIVE=1, the native addon was not built (build it with `npm run build:native`).');
  process.exit(0);
}
let cmakeJs;
try {
  cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
} catch {
  console.warn('backprop: warning: cmake-js is not installed, the native addon was not built; the reference backend will be used. Build it with `npm run build:native`.');
  process.exit(0);
}
const r = spawnSync(process.execPath, [cmakeJs, 'compile', '--out', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const built = path.join(root, 'build', 'Release', 'backprop_native.node');
if (r.status === 0 && fs.existsSync(built)) {
  console.log(`backprop: native addon built (${path.relative(root, built)})`);
} else {
  const log = path.join(root, 'build', 'install-error.log');
  try {
    fs.mkdirSync(path.dirname(log), { recursive: true });
    fs.writeFileSync(log, `${r.stdout || ''}\n${r.stderr || ''}\n${r.error ? String(r.error) : ''}`);
  } catch { /* the warning below is what matters */ }
  console.warn(`backprop: warning: the native addon could not be compiled (a C++17 compiler and cmake are needed; details in ${log}). The library works on the slower reference backend. To build the addon later: \`npm run build:native\`.`);
}
process.exit(0);
