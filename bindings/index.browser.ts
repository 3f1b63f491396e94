// Entry for browsers, Web Workers and edge runtimes: kernels are fetched, or given precompiled with { module }.

import { type InitOptions, initWith } from './runtime/init.ts';
import { browserSource } from './runtime/load-browser.ts';
import type { Runtime } from './runtime/runtime.ts';

export * from './index.ts';

export function init(options: InitOptions = {}): Promise<Runtime> {
  return initWith(browserSource, options);
}
