// Browsers: the .wasm files are fetched next to the bundle (bundlers follow `new URL(…, import.meta.url)`).

import { BackendError } from '../errors.ts';
import type { WasmSource } from './init.ts';
import type { WasmBuild } from './wasm.ts';

const URLS: Record<WasmBuild, URL> = {
  simd: new URL('../../build/simd.wasm', import.meta.url),
  relaxed: new URL('../../build/relaxed.wasm', import.meta.url),
};

export const browserSource: WasmSource = {
  name: 'browser',
  async bytes(build) {
    const response = await fetch(URLS[build]);
    if (!response.ok) {
      throw new BackendError(
        `init: fetching ${URLS[build].href} answered ${response.status} ${response.statusText}`,
      );
    }
    return response.arrayBuffer();
  },
  async compile(build) {
    return WebAssembly.compileStreaming(fetch(URLS[build]));
  },
};
