// Runs a block of tests once per backend. The native backend is required unless the run says it
// is absent on purpose (BACKPROP_DISABLE_NATIVE=1): a missing addon is a failure, not a skip.
import { afterAll, beforeAll, describe } from 'vitest';
import * as fs from 'node:fs';
import { getBackend, hasNative, setBackend } from '../../lib/index';
import type { KernelSet } from '../../lib/index';

export type BackendName = 'native' | 'reference';

export function backendsUnderTest(): BackendName[] {
  if (process.env.BACKPROP_DISABLE_NATIVE === '1') return ['reference'];
  return ['native', 'reference'];
}

export function nativeExpected(): boolean {
  return process.env.BACKPROP_DISABLE_NATIVE !== '1';
}

/** describe(name) once per backend, with that backend active inside. */
export function eachBackend(name: string, body: (backend: BackendName) => void): void {
  for (const be of backendsUnderTest()) {
    describe(`${name} [${be}]`, () => {
      let prev: BackendName;
      beforeAll(() => {
        prev = getBackend();
        if (be === 'native' && !hasNative()) throw new Error('the native addon is not built: run `npm run build:native`');
        setBackend(be);
      });
      afterAll(() => setBackend(prev));
      body(be);
    });
  }
}

/**
 * The kernel set the addon should pick here: the widest this CPU runs (read from /proc/cpuinfo,
 * independently of the addon's own CPUID check), capped by BACKPROP_ISA. null where /proc/cpuinfo
 * is absent (not Linux).
 */
export function expectedKernelSet(): KernelSet | null {
  let info: string;
  try {
    info = fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
  const flags = new Set((/^flags\s*:(.*)$/m.exec(info)?.[1] ?? '').trim().split(/\s+/));
  const has = flags.has('avx512f') && flags.has('avx512vl') ? 2 : flags.has('avx2') && flags.has('fma') ? 1 : 0;
  const cap: Record<string, number> = { generic: 0, avx2: 1, avx512: 2 };
  return (['generic', 'avx2+fma', 'avx512'] as const)[Math.min(has, cap[process.env.BACKPROP_ISA ?? 'avx512'] ?? 2)];
}
