// TypeScript twin of assembly/pool.ts: the same f32 operations in the same order, each rounded with fround.
// Rows are r = t·st + b·sb; pointers are byte offsets.

import { fround, type Heap } from './heap.ts';
import { exp1 } from './math.ts';
import { axpy_f32, dot_f32, fill_f32, scale_f32 } from './vector.ts';

export function softmax_time_f32(
  h: Heap,
  alpha: number,
  s: number,
  lengths: number,
  T: number,
  B: number,
  st: number,
  sb: number,
): void {
  const f = h.f32;
  const a = alpha >> 2;
  const x = s >> 2;
  for (let b = 0; b < B; b++) {
    const len = lengths ? h.i32[(lengths >> 2) + b] : T;
    let m = f[x + b * sb];
    for (let t = 1; t < len; t++) m = Math.max(m, f[x + t * st + b * sb]);
    let sum = 0;
    for (let t = 0; t < len; t++) {
      const r = t * st + b * sb;
      const e = exp1(fround(f[x + r] - m));
      f[a + r] = e;
      sum = fround(sum + e);
    }
    for (let t = 0; t < len; t++) {
      const r = t * st + b * sb;
      f[a + r] = f[a + r] / sum;
    }
    for (let t = len; t < T; t++) f[a + t * st + b * sb] = 0;
  }
}

export function softmax_time_bwd_f32(
  h: Heap,
  ds: number,
  alpha: number,
  dalpha: number,
  T: number,
  B: number,
  st: number,
  sb: number,
): void {
  const f = h.f32;
  const [o, a, da] = [ds >> 2, alpha >> 2, dalpha >> 2];
  for (let b = 0; b < B; b++) {
    let dot = 0;
    for (let t = 0; t < T; t++) {
      const r = t * st + b * sb;
      dot = fround(dot + fround(f[a + r] * f[da + r]));
    }
    for (let t = 0; t < T; t++) {
      const r = t * st + b * sb;
      f[o + r] = f[a + r] * fround(f[da + r] - dot);
    }
  }
}

export function wsum_time_f32(
  h: Heap,
  out: number,
  hs: number,
  alpha: number,
  T: number,
  B: number,
  D: number,
  st: number,
  sb: number,
): void {
  fill_f32(h, out, 0, B * D);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const r = t * st + b * sb;
      axpy_f32(h, out + b * D * 4, hs + r * D * 4, h.f32[(alpha >> 2) + r], D);
    }
  }
}

export function wsum_time_bwd_f32(
  h: Heap,
  dh: number,
  dalpha: number,
  hs: number,
  alpha: number,
  dout: number,
  T: number,
  B: number,
  D: number,
  st: number,
  sb: number,
): void {
  for (let b = 0; b < B; b++) {
    const g = dout + b * D * 4;
    for (let t = 0; t < T; t++) {
      const r = t * st + b * sb;
      h.f32[(dalpha >> 2) + r] = dot_f32(h, g, hs + r * D * 4, D);
      scale_f32(h, dh + r * D * 4, g, h.f32[(alpha >> 2) + r], D);
    }
  }
}
