// TypeScript twin of assembly/gather.ts: copies and single f32 adds, in the same order of i.
// idx is a byte offset of an i32 array; ids are in range (the layer checked them).

import type { Heap } from './heap.ts';

export function gather_rows_f32(
  h: Heap,
  out: number,
  table: number,
  idx: number,
  count: number,
  width: number,
  ldt: number,
): void {
  const f = h.f32;
  const ids = h.i32;
  for (let i = 0; i < count; i++) {
    const from = (table >> 2) + ids[(idx >> 2) + i] * ldt;
    f.copyWithin((out >> 2) + i * width, from, from + width);
  }
}

export function scatter_add_rows_f32(
  h: Heap,
  table: number,
  src: number,
  idx: number,
  count: number,
  width: number,
  ldt: number,
): void {
  const f = h.f32;
  const ids = h.i32;
  for (let i = 0; i < count; i++) {
    const t = (table >> 2) + ids[(idx >> 2) + i] * ldt;
    const s = (src >> 2) + i * width;
    for (let c = 0; c < width; c++) f[t + c] = f[t + c] + f[s + c];
  }
}

export function gather_cols_f32(
  h: Heap,
  out: number,
  w: number,
  idx: number,
  count: number,
  rows: number,
  ldw: number,
): void {
  const f = h.f32;
  const ids = h.i32;
  for (let i = 0; i < count; i++) {
    const col = (w >> 2) + ids[(idx >> 2) + i];
    const o = (out >> 2) + i * rows;
    for (let r = 0; r < rows; r++) f[o + r] = f[col + r * ldw];
  }
}

export function scatter_add_cols_f32(
  h: Heap,
  w: number,
  src: number,
  idx: number,
  count: number,
  rows: number,
  ldw: number,
): void {
  const f = h.f32;
  const ids = h.i32;
  for (let i = 0; i < count; i++) {
    const col = (w >> 2) + ids[(idx >> 2) + i];
    const s = (src >> 2) + i * rows;
    for (let r = 0; r < rows; r++) f[col + r * ldw] = f[col + r * ldw] + f[s + r];
  }
}

export function transpose_bias_f32(
  h: Heap,
  out: number,
  w: number,
  bias: number,
  rows: number,
  cols: number,
  ldw: number,
): void {
  const f = h.f32;
  const b = bias >> 2;
  for (let c = 0; c < cols; c++) {
    const src = (w >> 2) + c;
    const dst = (out >> 2) + c * rows;
    if (bias === 0) for (let r = 0; r < rows; r++) f[dst + r] = f[src + r * ldw];
    else for (let r = 0; r < rows; r++) f[dst + r] = f[src + r * ldw] + f[b + r];
  }
}
