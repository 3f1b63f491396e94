import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The command line imports the library by its package name, as an installed CLI does; tests use the source.
  resolve: { alias: { 'wasm-rnn': fileURLToPath(new URL('./bindings/index.node.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    // The runtime matrix and the browser demo have their own configs (npm run test:runtimes, test:demo).
    exclude: ['test/runtimes/**', 'test/demo/**', '**/node_modules/**'],
    pool: 'forks',
    // Node 20 validates relaxed SIMD only behind this flag; later Node versions ignore it harmlessly.
    execArgv: ['--experimental-wasm-relaxed-simd'],
    testTimeout: 60_000,
  },
});
