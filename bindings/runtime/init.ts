// init(): picks a backend, loads and checks the kernels, and returns a Runtime.
// The environment-specific part (how .wasm bytes are found) is a WasmSource given by the entry point.

import { BackendError, describe } from '../errors.ts';
import { flag, optionsObject } from '../validate.ts';
import { detectFeatures, type EngineFeatures } from './features.ts';
import { type Backend, createTsRuntime, createWasmRuntime, deriveRuntime, type Runtime } from './runtime.ts';
import { initShared } from './threads/shared-runtime.ts';
import { compileKernelBytes, instantiateKernels, type WasmBuild } from './wasm.ts';
import { load, type WasmSource } from './wasm-source.ts';

export type BackendOption = 'auto' | Backend;

export interface InitOptions {
  /** 'auto' (default): relaxed SIMD where the engine validates it, else SIMD, else the ts backend. */
  backend?: BackendOption;
  /** A precompiled kernel module, for runtimes that forbid compiling from bytes (Cloudflare Workers). */
  module?: WebAssembly.Module;
  /** Kernel module bytes supplied by the caller. */
  bytes?: BufferSource;
  /**
   * Linear memory shared with worker threads (the threads build), so that a ParallelTrainer can spread a batch
   * over cores. Needs SharedArrayBuffer (in a browser: a cross-origin isolated page); where it is missing,
   * init gives an ordinary runtime and says why in rt.notes. `module`/`bytes` must then be the threads build.
   */
  shared?: boolean;
}

const BACKENDS: readonly BackendOption[] = ['auto', 'wasm-simd', 'wasm-relaxed', 'ts'];
const BUILD_OF: Record<'wasm-simd' | 'wasm-relaxed', WasmBuild> = {
  'wasm-simd': 'simd',
  'wasm-relaxed': 'relaxed',
};
const FEATURE: Record<WasmBuild, string> = {
  simd: 'WebAssembly SIMD (128-bit)',
  relaxed:
    'WebAssembly relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd; Node 24, Deno, Bun and Chromium have it)',
};
const NO_WASM_WHY = "as under V8's --jitless or in Safari's Lockdown Mode";

/**
 * `engine` is what the running engine supports; tests pass a smaller set to stand in for older engines.
 */
export async function initWith(
  source: WasmSource | undefined,
  options: InitOptions = {},
  engine: EngineFeatures = detectFeatures(),
): Promise<Runtime> {
  optionsObject('init options', options);
  const backend = options.backend ?? 'auto';
  if (!BACKENDS.includes(backend)) {
    throw new BackendError(
      `init: backend must be one of ${BACKENDS.map((b) => `'${b}'`).join(', ')} but got ${describe(backend)}`,
    );
  }
  if (flag('init: shared', options.shared, false)) {
    const rt = await initShared(source, options, engine);
    if (typeof rt !== 'string') return rt;
    // The caller's module or bytes are the threads build, which needs shared memory: load the ordinary one.
    const plain = await initWith(source, { backend: options.backend }, engine);
    return deriveRuntime(plain, { notes: [...plain.notes, rt] });
  }
  if (backend === 'ts') return createTsRuntime();
  if (backend === 'auto') return initAuto(source, options, engine);
  const build = BUILD_OF[backend];
  const missing = !engine.wasm
    ? `WebAssembly, and this engine has none (${NO_WASM_WHY})`
    : engine[build]
      ? undefined
      : `${FEATURE[build]}, which this engine does not support`;
  if (missing !== undefined) {
    throw new BackendError(`init: backend '${backend}' needs ${missing}; backend: 'auto' or 'ts' runs here`);
  }
  if (options.module !== undefined || options.bytes !== undefined) return fromCaller(backend, options);
  return createWasmRuntime(await instantiateKernels(await load(source, build)));
}

async function initAuto(
  source: WasmSource | undefined,
  options: InitOptions,
  engine: EngineFeatures,
): Promise<Runtime> {
  if (engine.wasm && (options.module !== undefined || options.bytes !== undefined)) {
    return fromCaller('auto', options);
  }
  const notes = engine.wasm ? [] : [`this engine has no WebAssembly (${NO_WASM_WHY})`];
  for (const build of engine.wasm ? (['relaxed', 'simd'] as const) : []) {
    if (engine[build]) return createWasmRuntime(await instantiateKernels(await load(source, build)), notes);
    notes.push(`${FEATURE[build]} is not supported by this engine`);
  }
  notes.push("falling back to the pure-TypeScript backend 'ts'");
  console.warn(`wasm-rnn: ${notes.join('; ')}`);
  return createTsRuntime(notes);
}

async function fromCaller(backend: BackendOption, options: InitOptions): Promise<Runtime> {
  const module = options.module ?? (await compileKernelBytes(options.bytes as BufferSource, 'init: bytes'));
  const wasm = await instantiateKernels(module);
  const got: Backend = wasm.build === 'relaxed' ? 'wasm-relaxed' : 'wasm-simd';
  if (backend !== 'auto' && backend !== got) {
    throw new BackendError(
      `init: backend '${backend}' was asked for but the given module is the ${wasm.build} build`,
    );
  }
  return createWasmRuntime(wasm);
}
