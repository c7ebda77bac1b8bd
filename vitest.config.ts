import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One process per file, files in sequence: tests measure thread counts and must not share cores.
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
    fileParallelism: false,
    testTimeout: 120_000,
    setupFiles: ['test/helpers/yield_between_tests.ts'],
    env: { BACKPROP_QUIET: '1' },
  },
});
