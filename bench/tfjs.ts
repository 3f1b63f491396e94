// TF.js 4.x as a peer, in this process: its `wasm` backend (XNNPACK, SIMD; Node has no threads for it) and its
// pure-JS `cpu` backend. Loaded on first use so that `--only G` never imports it.

import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { BenchSystem } from './types.ts';

export type Tf = typeof import('@tensorflow/tfjs');
export type TfjsSystem = Extract<BenchSystem, 'tfjs-wasm' | 'tfjs-cpu'>;
export const TFJS_SYSTEMS: readonly TfjsSystem[] = ['tfjs-wasm', 'tfjs-cpu'];

let loaded: Promise<Tf> | undefined;

async function load(): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  // In Node the wasm backend finds its .wasm files only through an explicit directory (with the trailing slash).
  const require = createRequire(import.meta.url);
  const wasm = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
  setWasmPaths(`${dirname(wasm)}/`);
  // Documented as "disables correctness checks in favor of performance".
  tf.enableProdMode();
  return tf;
}

/** TF.js with `system`'s backend active; throws if the wasm backend did not get SIMD (it would be a weaker peer). */
export async function useTfjs(system: TfjsSystem): Promise<Tf> {
  loaded ??= load();
  const tf = await loaded;
  const backend = system === 'tfjs-wasm' ? 'wasm' : 'cpu';
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js: backend ${backend} failed to initialise`);
  await tf.ready();
  if (backend === 'wasm' && !tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) {
    throw new Error('TF.js wasm backend: SIMD support is off');
  }
  return tf;
}

/** TF.js's version string, for the JSON. */
export async function tfjsVersion(): Promise<string> {
  loaded ??= load();
  return (await loaded).version.tfjs;
}
