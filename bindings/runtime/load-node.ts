// Node, Deno and Bun: the .wasm files are read from the package folder; workers are worker_threads.

import { readFile } from 'node:fs/promises';
import { nodeThreads } from './threads/spawn-node.ts';
import type { KernelFile } from './wasm.ts';
import type { WasmSource } from './wasm-source.ts';

const cache = new Map<KernelFile, Promise<Uint8Array<ArrayBuffer>>>();

export const nodeSource: WasmSource = {
  name: 'node',
  bytes(build) {
    let bytes = cache.get(build);
    if (bytes === undefined) {
      bytes = readFile(new URL(`../../build/${build}.wasm`, import.meta.url)) as Promise<
        Uint8Array<ArrayBuffer>
      >;
      cache.set(build, bytes);
    }
    return bytes;
  },
  threads: nodeThreads,
};
