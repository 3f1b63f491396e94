// Compiling and instantiating a kernel module, refusing anything that is not this library's ABI.

import { BackendError, describe } from '../errors.ts';
import { ABI_VERSION, KERNEL_ARITY, KERNEL_NAMES, type Kernels } from '../kernels-ts/abi.ts';

export type WasmBuild = 'simd' | 'relaxed';
/** The shipped kernel files: both builds, and each over an imported shared memory (threads). */
export type KernelFile = WasmBuild | 'threads' | 'threads-relaxed';

export interface WasmKernels {
  kernels: Kernels;
  memory: WebAssembly.Memory;
  build: WasmBuild;
}

/** Compiles bytes given by the caller or a loader; a CompileError becomes a BackendError naming the source. */
export async function compileKernelBytes(bytes: BufferSource, source: string): Promise<WebAssembly.Module> {
  if (!(bytes instanceof ArrayBuffer) && !ArrayBuffer.isView(bytes)) {
    throw new BackendError(
      `${source}: expected an ArrayBuffer or typed array of WebAssembly bytes but got ${describe(bytes)}`,
    );
  }
  try {
    return await WebAssembly.compile(bytes);
  } catch (cause) {
    const message = (cause as Error).message;
    if (/disallowed/i.test(message)) {
      throw new BackendError(
        `${source}: this engine forbids compiling WebAssembly from bytes (${message}), as Cloudflare Workers do: ` +
          `import the .wasm file as a module (import simd from 'wasm-rnn/wasm/simd.wasm') and pass init({ module: simd })`,
      );
    }
    throw new BackendError(
      `${source}: the bytes are not a WebAssembly module this engine can compile (${message})`,
    );
  }
}

/** What a threads build exports besides the ABI (assembly/threads.ts). */
export const THREAD_EXPORTS: readonly string[] = ['gemm_scratch_bytes', 'gemm_scratch_set'];

/** `shared`: the threads build, which imports its memory as env.memory instead of exporting one. */
function checkExports(module: WebAssembly.Module, shared: boolean): void {
  const exported = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  const missing: string[] = KERNEL_NAMES.filter((name) => exported.get(name) !== 'function');
  if (!shared && exported.get('memory') !== 'memory') missing.unshift('memory');
  // A threads build gives each worker thread its own GEMM packing scratch.
  if (shared) missing.push(...THREAD_EXPORTS.filter((name) => exported.get(name) !== 'function'));
  if (missing.length > 0) {
    throw new BackendError(
      `module: not a wasm-rnn kernel module (ABI v${ABI_VERSION}): missing exports ${missing.slice(0, 5).join(', ')}` +
        (missing.length > 5 ? ` and ${missing.length - 5} more` : ''),
    );
  }
  const imports = WebAssembly.Module.imports(module);
  if (shared) {
    const [memory] = imports;
    if (
      imports.length !== 1 ||
      memory.module !== 'env' ||
      memory.name !== 'memory' ||
      memory.kind !== 'memory'
    ) {
      throw new BackendError(
        `module: a threads build imports only env.memory, but this one imports ${imports.map((i) => `${i.module}.${i.name}`).join(', ') || 'nothing'}`,
      );
    }
  } else if (imports.length > 0) {
    throw new BackendError(
      `module: a wasm-rnn kernel module imports nothing, but this one imports ${imports.map((i) => `${i.module}.${i.name}`).join(', ')}`,
    );
  }
}

/**
 * Instantiates a compiled module after checking its exports, arities and ABI version. With `shared`, the module
 * is the threads build and runs over that (shared) memory.
 */
export async function instantiateKernels(
  module: WebAssembly.Module,
  shared?: WebAssembly.Memory,
): Promise<WasmKernels> {
  if (!(module instanceof WebAssembly.Module)) {
    throw new BackendError(`module: expected a WebAssembly.Module but got ${describe(module)}`);
  }
  checkExports(module, shared !== undefined);
  const instance = await WebAssembly.instantiate(module, shared ? { env: { memory: shared } } : {});
  const exports = instance.exports as Record<string, unknown>;
  for (const [name, arity] of Object.entries(KERNEL_ARITY)) {
    const fn = exports[name] as (...args: number[]) => unknown;
    if (fn.length !== arity) {
      throw new BackendError(
        `module: export ${name} takes ${fn.length} arguments but ABI v${ABI_VERSION} has ${arity}`,
      );
    }
  }
  const kernels = exports as unknown as Kernels;
  const version = kernels.abi_version();
  if (version !== ABI_VERSION) {
    throw new BackendError(
      `module: kernel ABI version ${version} but this library speaks version ${ABI_VERSION}`,
    );
  }
  return {
    kernels,
    memory: shared ?? (exports.memory as WebAssembly.Memory),
    build: kernels.isa_relaxed() === 1 ? 'relaxed' : 'simd',
  };
}
