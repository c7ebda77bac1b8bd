// A temporary directory for a test file's files, removed when the file's tests are done (each run
// of the suite used to leave its directories in the system's temporary folder).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';

/** A fresh directory under the system's temporary folder, removed after this test file's tests. */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
