import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tools/**/*.test.ts', 'lfs/**/*.test.ts', 'tests/**/*.test.ts'],
    // DuckDB, child processes and chromium make some tests slow on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
