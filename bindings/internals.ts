// `wasm-rnn/internals`: the engine beneath the public layers, for benchmarks, tools and experiments that need
// to reach it — the arena over linear memory, the kernel table and its ABI version, parameter slabs. Unstable:
// these names may change in any release (docs/internals.md). Nothing here starts a runtime; it takes the one
// `init` of `wasm-rnn` returns, so one file serves every environment.

export { ABI_VERSION, type Kernels } from './kernels-ts/abi.ts';
export { ParamSlab, type SlabEntry, type TensorSpec } from './model/slab.ts';
export { Arena, type Region } from './runtime/arena.ts';
