// Cloudflare Workers (workerd): WebAssembly cannot be compiled from bytes, so the kernels arrive as a
// module import (a CompiledWasm module) and are passed to init({ module }).

import simd from '../../build/simd.wasm';
import * as lib from '../../dist/index.browser.js';
import { scenario } from './scenario.js';

export default {
  async fetch() {
    try {
      return Response.json(await scenario(lib, { module: simd }));
    } catch (error) {
      return new Response(String(error?.stack ?? error), { status: 500 });
    }
  },
};
