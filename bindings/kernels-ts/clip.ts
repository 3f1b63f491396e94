import type { Heap } from './heap.ts';

const todo = (): never => {
  throw new Error('not yet written');
};
export function clip_grad_norm_f32(_h: Heap, _g: number, _n: number, _maxNorm: number): number {
  return todo();
}
export function clip_value_f32(_h: Heap, _g: number, _n: number, _lo: number, _hi: number): void {
  todo();
}
