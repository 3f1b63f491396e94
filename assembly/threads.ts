// Entry of the threads builds: the kernel ABI of index.ts, and the per-thread packing scratch of the GEMMs
// (gemm-packed.ts), which the simd and relaxed builds do not export.
export * from './index';
export { gemm_scratch_bytes, gemm_scratch_set } from './gemm-packed';
