#!/usr/bin/env node
// Writes dist/index.mjs: an ES module that re-exports every named export of the CommonJS build,
// so that `import { tensor } from 'backprop'` and `require('backprop')` load the same instance.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const dist = path.resolve(__dirname, '..', 'dist');
const cjs = require(path.join(dist, 'index.js'));
const names = Object.keys(cjs).filter((n) => n !== 'default' && n !== '__esModule');
// Each through a local binding exported under its own name: an export may be named by a reserved
// word (`var`, torch.var's name), which `export const var` could not declare.
const lines = [
  "import cjs from './index.js';",
  ...names.map((n, i) => `const e${i} = cjs[${JSON.stringify(n)}];`),
  `export { ${names.map((n, i) => `e${i} as ${n}`).join(', ')} };`,
  'export default cjs;',
  '',
];
fs.writeFileSync(path.join(dist, 'index.mjs'), lines.join('\n'));
fs.writeFileSync(path.join(dist, 'index.d.mts'), "export * from './index.js';\nimport * as all from './index.js';\nexport default all;\n");
