import type { Heap } from './heap.ts';

const todo = (): never => {
  throw new Error('not yet written');
};
export function sgd_f32(
  _h: Heap,
  _p: number,
  _g: number,
  _buf: number,
  _n: number,
  _lr: number,
  _momentum: number,
  _dampening: number,
  _wd: number,
  _nesterov: number,
  _first: number,
): void {
  todo();
}
export function adam_f32(
  _h: Heap,
  _p: number,
  _g: number,
  _m: number,
  _v: number,
  _n: number,
  _lr: number,
  _b1: number,
  _b2: number,
  _eps: number,
  _wd: number,
  _stepSize: number,
  _bc2Sqrt: number,
  _decoupled: number,
): void {
  todo();
}
export function adagrad_f32(
  _h: Heap,
  _p: number,
  _g: number,
  _sum: number,
  _n: number,
  _clr: number,
  _wd: number,
  _eps: number,
): void {
  todo();
}
export function rmsprop_f32(
  _h: Heap,
  _p: number,
  _g: number,
  _sq: number,
  _gavg: number,
  _buf: number,
  _n: number,
  _lr: number,
  _alpha: number,
  _eps: number,
  _wd: number,
  _momentum: number,
  _centered: number,
): void {
  todo();
}
