// Browsers and Web Workers: the .wasm files are fetched next to the bundle (bundlers follow
// `new URL(…, import.meta.url)`, so each URL is written out literally). URLs are made on first use, not at
// import, so that importing this module in an engine without a meaningful import.meta.url (Cloudflare
// Workers) does not throw; using them there is an error that says what to do instead. Threads are module
// Web Workers.

import { BackendError } from '../errors.ts';
import { browserThreads } from './threads/spawn-browser.ts';
import type { KernelFile } from './wasm.ts';
import type { WasmSource } from './wasm-source.ts';

function urlOf(build: KernelFile): URL {
  try {
    if (build === 'threads') return new URL('../../build/threads.wasm', import.meta.url);
    if (build === 'threads-relaxed') return new URL('../../build/threads-relaxed.wasm', import.meta.url);
    return build === 'simd'
      ? new URL('../../build/simd.wasm', import.meta.url)
      : new URL('../../build/relaxed.wasm', import.meta.url);
  } catch {
    throw new BackendError(
      `init: cannot locate ${build}.wasm: this engine gives modules no URL (import.meta.url is ${String(import.meta.url)}), ` +
        `as Cloudflare Workers do: import the .wasm file as a module ` +
        `(import ${build} from 'wasm-rnn/wasm/${build}.wasm') and pass init({ module: ${build} })`,
    );
  }
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
  threads: browserThreads,
};
