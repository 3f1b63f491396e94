import type { Heap } from './heap.ts';

const todo = (): never => {
  throw new Error('not yet written');
};
export function gemm_nn_f32(
  _h: Heap,
  _c: number,
  _a: number,
  _b: number,
  _m: number,
  _n: number,
  _k: number,
  _lda: number,
  _ldb: number,
  _ldc: number,
  _acc: number,
): void {
  todo();
}
export function gemm_nt_f32(
  _h: Heap,
  _c: number,
  _a: number,
  _b: number,
  _m: number,
  _n: number,
  _k: number,
  _lda: number,
  _ldb: number,
  _ldc: number,
  _acc: number,
): void {
  todo();
}
export function gemm_tn_f32(
  _h: Heap,
  _c: number,
  _a: number,
  _b: number,
  _m: number,
  _n: number,
  _k: number,
  _lda: number,
  _ldb: number,
  _ldc: number,
  _acc: number,
): void {
  todo();
}
