import { defineConfig } from 'vitest/config';

// The browser demo in headless Chromium (npm run test:demo): builds the demo, serves it, drives it like a person.
export default defineConfig({
  test: {
    include: ['test/demo/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 180_000,
  },
});
