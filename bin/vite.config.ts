// Builds the `wasm-rnn` executable into dist/bin/wasm-rnn.js for the published package. Its command-line
// libraries (commander, cli-progress, asciichart) are bundled in, so they stay devDependencies and installing
// the library pulls in nothing; the library itself stays an import of 'wasm-rnn', which resolves to the
// package's own dist/ (and its .wasm files) wherever it is installed. The bundle is a copy of those libraries,
// so their licences ship beside it: dist/bin/THIRD_PARTY_LICENSES, made from the modules the bundle holds.

import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { LICENSES_FILE, licensesFile, packagesOf } from './third-party-notices.ts';

/** Emits THIRD_PARTY_LICENSES from every package a file of which ended up in an output chunk. */
function thirdPartyLicenses(): Plugin {
  return {
    name: 'wasm-rnn-third-party-licenses',
    generateBundle(_options, bundle) {
      const ids = Object.values(bundle).flatMap((out) => (out.type === 'chunk' ? out.moduleIds : []));
      this.emitFile({ type: 'asset', fileName: LICENSES_FILE, source: licensesFile(packagesOf(ids)) });
    },
  };
}

export default defineConfig({
  logLevel: 'warn',
  plugins: [thirdPartyLicenses()],
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
