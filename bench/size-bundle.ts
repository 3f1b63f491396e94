// Bundling an entry as an application would ship it: esbuild, ESM for browsers, minified, everything it imports
// inlined; the bytes and which source files went in (for checking what an entry pulls in), and gzip sizes.

import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

export interface Bundle {
  readonly bytes: Uint8Array;
  /** Source files (repo-relative) the bundle holds. */
  readonly inputs: readonly string[];
}

/** `entry` bundled for browsers, minified. */
export async function bundle(entry: string): Promise<Bundle> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { bytes: result.outputFiles[0].contents, inputs: Object.keys(result.metafile.inputs) };
}

/** Bytes after gzip at its highest level, as a server would send them. */
export const gzipBytes = (bytes: Uint8Array): number => gzipSync(bytes, { level: 9 }).length;
