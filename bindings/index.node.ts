// Entry for Node, Deno and Bun: kernels are read from the installed package.

import { type InitOptions, initWith } from './runtime/init.ts';
import { nodeSource } from './runtime/load-node.ts';
import type { Runtime } from './runtime/runtime.ts';

export * from './index.ts';
export { writeFileAtomic } from './io/atomic-write.node.ts';
// These two shadow the any-runtime loggers of index.ts: the same classes, plus a file path as target.
export { CsvLogger, JsonlLogger, logFile } from './train/log-file.node.ts';

export function init(options: InitOptions = {}): Promise<Runtime> {
  return initWith(nodeSource, options);
}
