// Every test file's setup (vitest.config.ts): after each test, one turn of the event loop. The tests
// are mostly synchronous, so a file of them ran its tests back to back in microtasks alone, and the
// test process read no message from vitest's main process until the file ended: when that took
// more than a minute (test/parity.test.ts with the AVX2 kernels, 62.5 s in one CI run), the reply to
// the first task update had waited past vitest's 60 s RPC timeout, and the run failed with
// "Timeout calling onTaskUpdate" although every test had passed.
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
