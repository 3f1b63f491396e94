// `wasm-rnn/infer` for browsers, Web Workers and edge runtimes: the inference API (infer.ts); kernels are
// fetched, or given precompiled with { module } (Cloudflare Workers).

import { type InitOptions, initWith } from './runtime/init.ts';
import { browserSource } from './runtime/load-browser.ts';
import type { Runtime } from './runtime/runtime.ts';

export * from './infer.ts';

export function init(options: InitOptions = {}): Promise<Runtime> {
  return initWith(browserSource, options);
}
