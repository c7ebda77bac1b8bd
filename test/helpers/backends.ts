// Runs a block of tests once per backend. The native backend is required unless the run says it
// is absent on purpose (BACKPROP_DISABLE_NATIVE=1): a missing addon is a failure, not a skip.
import { afterAll, beforeAll, describe } from 'vitest';
import { getBackend, hasNative, setBackend } from '../../lib/index';

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
