// Cloudflare Workers, as the README shows it: the kernels are imported as modules (wrangler, or esbuild with
// --loader:.wasm=copy, turns these into CompiledWasm modules) and passed to init({ module }).
import * as lib from 'wasm-rnn';
import relaxed from 'wasm-rnn/wasm/relaxed.wasm';
import simd from 'wasm-rnn/wasm/simd.wasm';
import { scenario } from './scenario.js';

export default {
  async fetch() {
    return Response.json(await scenario(lib, { simd, relaxed }));
  },
};
