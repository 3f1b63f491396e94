// Entry of every WebAssembly build: the kernel ABI of bindings/kernels-ts/abi.ts.
export { isa_relaxed } from './simd';
export * from './memory';
export * from './vector';
export { gemm_nn_f32, gemm_nt_f32, gemm_tn_f32 } from './gemm';
export * from './activation';
export * from './loss';
export * from './optim';
export * from './clip';
export * from './gather';
export * from './cell-rnn';
export * from './cell-lstm';
export * from './cell-gru';
export * from './pool';
export * from './loss-pointwise';
export * from './cell-gru-reset-before';
export * from './attention';
