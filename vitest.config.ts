import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    // tfjs keeps one global engine per process: isolate files so backends and counts don't leak.
    pool: 'forks',
  },
});
