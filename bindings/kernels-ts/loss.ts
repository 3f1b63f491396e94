import type { Heap } from './heap.ts';

const todo = (): never => {
  throw new Error('not yet written');
};
export function softmax_xent_fwd_f32(
  _h: Heap,
  _probs: number,
  _logits: number,
  _targets: number,
  _rows: number,
  _cols: number,
): number {
  return todo();
}
export function softmax_xent_bwd_f32(
  _h: Heap,
  _dlogits: number,
  _probs: number,
  _targets: number,
  _rows: number,
  _cols: number,
  _scale: number,
): void {
  todo();
}
export function mse_fwd_f32(_h: Heap, _pred: number, _target: number, _n: number): number {
  return todo();
}
export function mse_bwd_f32(
  _h: Heap,
  _dpred: number,
  _pred: number,
  _target: number,
  _n: number,
  _scale: number,
): void {
  todo();
}
