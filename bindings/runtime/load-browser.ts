// Browsers and Web Workers: the .wasm files are fetched next to the bundle (bundlers follow
// `new URL(…, import.meta.url)`). URLs are made on first use, not at import, so that importing this
// module in an engine without a meaningful import.meta.url (Cloudflare Workers) does not throw.

import { BackendError } from '../errors.ts';
import type { WasmSource } from './init.ts';
import type { WasmBuild } from './wasm.ts';

function urlOf(build: WasmBuild): URL {
  return build === 'simd'
    ? new URL('../../build/simd.wasm', import.meta.url)
    : new URL('../../build/relaxed.wasm', import.meta.url);
}

export const browserSource: WasmSource = {
  name: 'browser',
  async bytes(build) {
    const url = urlOf(build);
    const response = await fetch(url);
    if (!response.ok) {
      throw new BackendError(`init: fetching ${url.href} answered ${response.status} ${response.statusText}`);
    }
    return response.arrayBuffer();
  },
  async compile(build) {
    return WebAssembly.compileStreaming(fetch(urlOf(build)));
  },
};
