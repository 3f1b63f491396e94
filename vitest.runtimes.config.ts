import { defineConfig } from 'vitest/config';

// The runtime matrix (test/runtimes): engines run one after another, each in its own process or browser.
export default defineConfig({
  test: {
    include: ['test/runtimes/**/*.test.ts'],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
