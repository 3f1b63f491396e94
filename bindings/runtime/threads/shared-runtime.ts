// init({ shared: true }): a threads build (the simd or relaxed kernels over an imported shared memory)
// instantiated over a new shared WebAssembly.Memory. The runtime carries its module, that memory and the
// environment's way of starting workers (rt.threads), so that a ParallelTrainer can start a pool over the same
// memory. Where the engine cannot share memory with workers, initShared says why and init gives an ordinary
// runtime instead.

import { BackendError } from '../../errors.ts';
import type { EngineFeatures } from '../features.ts';
import { MAX_PAGES } from '../memory.ts';
import { type Backend, createWasmRuntime, type Runtime } from '../runtime.ts';
import { compileKernelBytes, instantiateKernels, type WasmKernels } from '../wasm.ts';
import { load, type WasmSource } from '../wasm-source.ts';

/** The part of init's options that chooses the kernels: a backend, or the caller's module or bytes. */
export interface SharedRequest {
  readonly backend?: 'auto' | Backend;
  readonly module?: WebAssembly.Module;
  readonly bytes?: BufferSource;
}

/** Maxima tried in turn: 4 GiB (what wasm32 addresses), then less for engines that refuse to reserve as much. */
const MAXIMA = [MAX_PAGES, 16384, 4096];

function sharedMemory(initial: number): WebAssembly.Memory | string {
  let failure = '';
  for (const maximum of MAXIMA) {
    try {
      const memory = new WebAssembly.Memory({ initial, maximum, shared: true });
      if (memory.buffer instanceof SharedArrayBuffer) return memory;
      failure = 'a shared WebAssembly.Memory has no SharedArrayBuffer';
    } catch (error) {
      failure = (error as Error).message;
    }
  }
  return `this engine cannot make a shared WebAssembly.Memory (${failure})`;
}

/**
 * The kernels over a new shared memory, or why there cannot be one. JavaScript cannot read the least size an
 * imported memory must have (the module's static data sits below __heap_base), so sizes are tried upwards.
 */
async function instantiateShared(module: WebAssembly.Module): Promise<WasmKernels | string> {
  for (let initial = 16; ; initial *= 4) {
    const memory = sharedMemory(initial);
    if (typeof memory === 'string') return memory;
    try {
      return await instantiateKernels(module, memory);
    } catch (error) {
      if (!(error instanceof WebAssembly.LinkError) || initial >= MAX_PAGES / 4) throw error;
    }
  }
}

/** Why this engine cannot share memory with workers, or undefined when it can. */
function missing(engine: EngineFeatures, source: WasmSource | undefined): string | undefined {
  if (!engine.wasm) return 'this engine has no WebAssembly';
  if (!engine.simd) return 'WebAssembly SIMD (128-bit) is not supported by this engine';
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    return (
      'this page is not cross-origin isolated, so it has no SharedArrayBuffer (serve it with the headers ' +
      'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)'
    );
  }
  if (typeof SharedArrayBuffer === 'undefined') return 'this engine has no SharedArrayBuffer';
  return source?.threads === undefined
    ? 'this environment cannot start worker threads'
    : source.threads.unavailable();
}

/**
 * A runtime over shared memory, or the reason there cannot be one here (init then falls back). A shipped kernel
 * file is found through the environment's source.
 */
export async function initShared(
  source: WasmSource | undefined,
  options: SharedRequest,
  engine: EngineFeatures,
): Promise<Runtime | string> {
  const backend = options.backend ?? 'auto';
  if (backend === 'ts') {
    throw new BackendError(
      "init: shared memory comes with the threads builds of the WebAssembly kernels, so backend must be 'auto', 'wasm-simd' or 'wasm-relaxed' but got 'ts'",
    );
  }
  if (backend === 'wasm-relaxed' && engine.wasm && !engine.relaxed) {
    throw new BackendError(
      "init: backend 'wasm-relaxed' needs WebAssembly relaxed SIMD, which this engine does not support; backend: 'auto' or 'wasm-simd' runs here",
    );
  }
  const why = missing(engine, source);
  if (why !== undefined) return `shared memory is not available (${why}); training runs on one thread`;
  const module =
    options.module ??
    (options.bytes !== undefined
      ? await compileKernelBytes(options.bytes, 'init: bytes')
      : await load(source, backend === 'wasm-simd' || !engine.relaxed ? 'threads' : 'threads-relaxed'));
  const wasm = await instantiateShared(module);
  if (typeof wasm === 'string')
    return `shared memory is not available (${wasm}); training runs on one thread`;
  const rt = createWasmRuntime(wasm, [], { module, memory: wasm.memory, threads: source!.threads! });
  if (backend !== 'auto' && rt.backend !== backend) {
    throw new BackendError(
      `init: backend '${backend}' was asked for but the given module is the ${wasm.build} build`,
    );
  }
  return rt;
}
