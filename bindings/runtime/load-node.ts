// Node, Deno and Bun: the .wasm files are read from the package folder.

import { readFile } from 'node:fs/promises';
import type { WasmSource } from './init.ts';
import type { WasmBuild } from './wasm.ts';

const cache = new Map<WasmBuild, Promise<Uint8Array<ArrayBuffer>>>();

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
};
