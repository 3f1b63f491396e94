// placeholder until written
export function gemm_nn_f32(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, accumulate: i32): void { unreachable(); }
export function gemm_nt_f32(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, accumulate: i32): void { unreachable(); }
export function gemm_tn_f32(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, accumulate: i32): void { unreachable(); }
