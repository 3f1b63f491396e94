import type { Heap } from './heap.ts';

const todo = (): never => {
  throw new Error('not yet written');
};
export function sigmoid_f32(_h: Heap, _out: number, _x: number, _n: number): void {
  todo();
}
export function tanh_f32(_h: Heap, _out: number, _x: number, _n: number): void {
  todo();
}
export function relu_f32(_h: Heap, _out: number, _x: number, _n: number): void {
  todo();
}
export function sigmoid_bwd_f32(_h: Heap, _dx: number, _y: number, _dy: number, _n: number): void {
  todo();
}
export function tanh_bwd_f32(_h: Heap, _dx: number, _y: number, _dy: number, _n: number): void {
  todo();
}
export function relu_bwd_f32(_h: Heap, _dx: number, _y: number, _dy: number, _n: number): void {
  todo();
}
