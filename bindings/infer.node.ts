// `wasm-rnn/infer` for Node, Deno and Bun: the inference API (infer.ts) with kernels read from the package.

import { type InitOptions, initWith } from './runtime/init.ts';
import { nodeSource } from './runtime/load-node.ts';
import type { Runtime } from './runtime/runtime.ts';

export * from './infer.ts';

export function init(options: InitOptions = {}): Promise<Runtime> {
  return initWith(nodeSource, options);
}
