// Builds the `wasm-rnn` executable into dist/bin/wasm-rnn.js for the published package. Its command-line
// libraries (commander, cli-progress, asciichart) are bundled in, so they stay devDependencies and installing
// the library pulls in nothing; the library itself stays an import of 'wasm-rnn', which resolves to the
// package's own dist/ (and its .wasm files) wherever it is installed.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  logLevel: 'warn',
  build: {
    ssr: fileURLToPath(new URL('./wasm-rnn.ts', import.meta.url)),
    outDir: fileURLToPath(new URL('../dist/bin', import.meta.url)),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { external: ['wasm-rnn'], output: { entryFileNames: 'wasm-rnn.js' } },
  },
  ssr: { noExternal: true, external: ['wasm-rnn'] },
});
