import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tools/**/*.test.ts', 'lfs/**/*.test.ts', 'tests/**/*.test.ts', '.ci/**/*.test.ts'],
    // DuckDB, child processes and chromium make some tests slow on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One scratch folder per run, removed at its end (tests/tmpdir.setup.ts).
    globalSetup: ['tests/tmpdir.setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
