// How an environment finds the shipped .wasm files (a WasmSource, given by the entry point: the package folder in
// Node, Deno and Bun, URLs next to the bundle in browsers) and starts worker threads where it can; load() compiles
// one file through it.

import { BackendError } from '../errors.ts';
import type { ThreadSupport } from './threads/thread-support.ts';
import { compileKernelBytes, type KernelFile } from './wasm.ts';

export interface WasmSource {
  readonly name: string;
  bytes(build: KernelFile): Promise<BufferSource>;
  /** Compiles straight from the network where the environment can (compileStreaming). */
  compile?(build: KernelFile): Promise<WebAssembly.Module>;
  readonly threads?: ThreadSupport;
}

export async function load(source: WasmSource | undefined, build: KernelFile): Promise<WebAssembly.Module> {
  if (source === undefined) {
    throw new BackendError(
      `init: this environment has no file loader; pass { module } (a precompiled WebAssembly.Module), { bytes }, or backend: 'ts'`,
    );
  }
  // Streaming fails on a server that sends .wasm without `application/wasm`: the bytes path still works there.
  const streamed = await source.compile?.(build).catch(() => undefined);
  if (streamed !== undefined) return streamed;
  return compileKernelBytes(await source.bytes(build), `${source.name} ${build}.wasm`);
}
