// Cloudflare Workers (workerd): WebAssembly cannot be compiled from bytes and modules have no URL, so the
// kernels arrive as module imports (CompiledWasm modules) and are passed to init({ module }). The two
// checks show what a user gets who tries the other ways.

import relaxed from '../../build/relaxed.wasm';
import simd from '../../build/simd.wasm';
import * as lib from '../../dist/index.browser.js';
import { attempt, scenario } from './scenario.js';

// The smallest valid module (header only): compiling it is refused before it is ever looked at.
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

export default {
  async fetch() {
    const result = await scenario(lib, { simd, relaxed });
    result.checks = {
      initWithoutModule: await attempt(async () => (await lib.init({ backend: 'wasm-simd' })).backend),
      initFromBytes: await attempt(async () => (await lib.init({ bytes: EMPTY_MODULE })).backend),
    };
    return Response.json(result);
  },
};
