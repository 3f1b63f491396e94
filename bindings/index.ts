// The public API shared by every entry point (index.node.ts, index.browser.ts).

export { BackendError, MemoryLimitError, ShapeError, ValueError, WasmRnnError } from './errors.ts';
export { Arena, type Region } from './runtime/arena.ts';
export type { BackendOption, InitOptions } from './runtime/init.ts';
export { ABI_VERSION, type Kernels } from './runtime/kernels.ts';
export type { Backend, Runtime } from './runtime/runtime.ts';
