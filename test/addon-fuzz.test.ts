// The addon never crashes, hangs or throws a nameless error on bad input: the library's own calls
// replayed with arguments mutated (test/helpers/addon_fuzz.ts), in a child process so that a crash
// fails this test instead of killing the run. It found normalFill looping for ever on the all-zero
// generator state.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { nativeExpected } from './helpers/backends';
import { scratchDir } from './helpers/scratch';

const dir = scratchDir('bp-addon-fuzz-');

it.runIf(nativeExpected())('60000 mutated addon calls each return or throw a named error', () => {
  for (const seed of [1, 2]) {
    const last = path.join(dir, `last-${seed}.txt`);
    const helper = path.join(__dirname, 'helpers', 'addon_fuzz.ts');
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), helper, String(seed), '30000', last], {
      encoding: 'utf8', timeout: 60_000, // ~3 s a seed here
    });
    const call = fs.existsSync(last) ? fs.readFileSync(last, 'utf8') : '(none yet)';
    const how = r.error ? `${r.error.message} (a hang?)` : r.signal ? `killed by ${r.signal}` : `exit ${r.status}: ${r.stderr.slice(-600)}`;
    expect(r.status, `seed ${seed}: ${how}; the last call: ${call}`).toBe(0);
    expect(r.stdout).toMatch(/replayed \d+ functions: \d+ returned, \d+ threw/);
  }
});
