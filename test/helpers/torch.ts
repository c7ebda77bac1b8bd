// Whether PyTorch (Debian's python3-torch) is here, for the tests that compare with it; they skip
// with a printed reason when it is not (CI need not install it).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

export const PYTHON = '/usr/bin/python3';

const check = fs.existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' }) : null;

/** True when /usr/bin/python3 imports torch and numpy. */
export const haveTorch = check !== null && check.status === 0;

/** Prints why `what` is skipped when PyTorch is absent. */
export function noteIfNoTorch(what: string): void {
  if (!haveTorch) console.log(`skipping ${what}: ${PYTHON} cannot import torch and numpy (apt-get install python3-torch python3-numpy)`);
}

/**
 * Runs a Python script that reads `input` (JSON text) on stdin and prints one JSON value; returns it
 * parsed. Throws with Python's stderr when the script fails.
 */
export function torchJson<T>(script: string, input: string): T {
  // Answers run to megabytes (spawnSync's default buffer of 1 MiB cut one off without a word).
  const res = spawnSync(PYTHON, ['-c', script], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (res.error) throw new Error(`torch failed: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`torch failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as T;
}
