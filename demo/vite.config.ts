// The browser demo: `npm run demo` serves it, `npm run build:demo` writes demo/dist. The library is taken from
// its source (the browser entry), and the .wasm files are emitted as assets next to the worker that fetches them.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  resolve: { alias: { 'wasm-rnn': `${root}bindings/index.browser.ts` } },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 },
  server: { fs: { allow: [root] } },
  logLevel: 'warn',
});
