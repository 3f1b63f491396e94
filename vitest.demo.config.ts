import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The browser demo in headless Chromium (npm run test:demo): builds the demo, serves it, drives it like a person,
// then opens the models it downloads with the library and the command line in Node.
export default defineConfig({
  resolve: { alias: { 'wasm-rnn': fileURLToPath(new URL('./bindings/index.node.ts', import.meta.url)) } },
  test: {
    include: ['test/demo/**/*.test.ts'],
    fileParallelism: false,
    pool: 'forks',
    // The page trains on relaxed SIMD where Chromium has it; Node 20 runs that build only behind this flag.
    execArgv: ['--experimental-wasm-relaxed-simd'],
    testTimeout: 240_000,
    hookTimeout: 180_000,
  },
});
