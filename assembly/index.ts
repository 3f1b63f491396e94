// Entry of every WebAssembly build: the kernel ABI of bindings/runtime/kernels.ts.
export { isa_relaxed } from './simd';
export * from './memory';
export * from './vector';
export * from './gemm';
export * from './activation';
export * from './loss';
export * from './optim';
export * from './clip';
