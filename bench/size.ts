// What a page downloads to run a recurrent model: `wasm-rnn/infer` bundled (esbuild, minified) plus the one
// kernel file it fetches (simd.wasm; relaxed.wasm where relaxed SIMD is present), next to onnxruntime-web's
// smallest build (ort.wasm.bundle.min.mjs: the WebAssembly backend only, its Emscripten glue inlined) plus
// its kernel file, all gzipped. Issue 18's target: ours ≤ 1/20 of onnxruntime-web's.
// Run: npm ci --prefix bench/peers --ignore-scripts, then npx tsx bench/size.ts [--json FILE]

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bundle, gzipBytes } from './size-bundle.ts';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const file = (path: string) => new Uint8Array(readFileSync(path));

const infer = await bundle(join(root, 'bindings/infer.browser.ts'));
const full = await bundle(join(root, 'bindings/index.browser.ts'));
const ours = {
  js: { minified: infer.bytes.length, gzip: gzipBytes(infer.bytes) },
  simdWasm: {
    raw: file(join(root, 'build/simd.wasm')).length,
    gzip: gzipBytes(file(join(root, 'build/simd.wasm'))),
  },
  relaxedWasm: {
    raw: file(join(root, 'build/relaxed.wasm')).length,
    gzip: gzipBytes(file(join(root, 'build/relaxed.wasm'))),
  },
};

// The package's exports hide package.json; its main file sits in dist/.
const require = createRequire(join(root, 'bench/peers/package.json'));
const ortDir = dirname(dirname(require.resolve('onnxruntime-web')));
const ortVersion = JSON.parse(readFileSync(join(ortDir, 'package.json'), 'utf8')).version as string;
const ortJs = file(join(ortDir, 'dist/ort.wasm.bundle.min.mjs'));
const ortWasm = file(join(ortDir, 'dist/ort-wasm-simd-threaded.wasm'));
const ort = {
  version: ortVersion,
  js: { minified: ortJs.length, gzip: gzipBytes(ortJs) },
  wasm: { raw: ortWasm.length, gzip: gzipBytes(ortWasm) },
};

const ourTotal = ours.js.gzip + Math.max(ours.simdWasm.gzip, ours.relaxedWasm.gzip);
const ortTotal = ort.js.gzip + ort.wasm.gzip;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const rows = [
  ['', 'JS (min + gzip)', 'wasm (gzip)', 'total (gzip)'],
  ['wasm-rnn/infer', kb(ours.js.gzip), kb(Math.max(ours.simdWasm.gzip, ours.relaxedWasm.gzip)), kb(ourTotal)],
  ['wasm-rnn (whole library)', kb(gzipBytes(full.bytes)), '', ''],
  [`onnxruntime-web ${ortVersion} (wasm)`, kb(ort.js.gzip), kb(ort.wasm.gzip), kb(ortTotal)],
];
for (const r of rows)
  console.log(
    `${r[0].padEnd(32)} ${r
      .slice(1)
      .map((c) => c.padStart(16))
      .join(' ')}`,
  );
console.log(`ratio: ours = 1/${(ortTotal / ourTotal).toFixed(1)} of onnxruntime-web's (target: ≤ 1/20)`);
console.log(`bundle holds ${infer.inputs.length} source files; minified JS ${kb(ours.js.minified)}`);

const out = process.argv.indexOf('--json');
if (out > 0) {
  const record = {
    date: new Date().toISOString(),
    command: 'npx tsx bench/size.ts',
    wholeLibraryJs: { minified: full.bytes.length, gzip: gzipBytes(full.bytes) },
    ours,
    ort,
    ourTotal,
    ortTotal,
    ratio: ortTotal / ourTotal,
  };
  writeFileSync(process.argv[out + 1], `${JSON.stringify(record, null, 2)}\n`);
}
