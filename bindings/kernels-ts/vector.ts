// TypeScript twin of assembly/vector.ts: identical operation order, every f32 operation rounded with fround.
// Pointers are byte offsets (>> 2 gives the f32 index).

import { fround, type Heap } from './heap.ts';

export function fill_f32(h: Heap, out: number, value: number, n: number): void {
  h.f32.fill(fround(value), out >> 2, (out >> 2) + n);
}

export function copy_f32(h: Heap, out: number, x: number, n: number): void {
  h.f32.copyWithin(out >> 2, x >> 2, (x >> 2) + n);
}

export function scale_f32(h: Heap, out: number, x: number, alpha: number, n: number): void {
  const f = h.f32;
  const o = out >> 2;
  const xi = x >> 2;
  const a = fround(alpha);
  for (let i = 0; i < n; i++) f[o + i] = f[xi + i] * a;
}

export function axpy_f32(h: Heap, y: number, x: number, alpha: number, n: number): void {
  const f = h.f32;
  const yi = y >> 2;
  const xi = x >> 2;
  const a = fround(alpha);
  for (let i = 0; i < n; i++) f[yi + i] = fround(f[xi + i] * a) + f[yi + i];
}

export function add_f32(h: Heap, out: number, a: number, b: number, n: number): void {
  const f = h.f32;
  const o = out >> 2;
  const ai = a >> 2;
  const bi = b >> 2;
  for (let i = 0; i < n; i++) f[o + i] = f[ai + i] + f[bi + i];
}

export function mul_f32(h: Heap, out: number, a: number, b: number, n: number): void {
  const f = h.f32;
  const o = out >> 2;
  const ai = a >> 2;
  const bi = b >> 2;
  for (let i = 0; i < n; i++) f[o + i] = f[ai + i] * f[bi + i];
}

/** Four lane sums over the main loop, combined as (l0 + l1) + (l2 + l3), then the tail in order. */
export function dot_f32(h: Heap, a: number, b: number, n: number): number {
  const f = h.f32;
  const ai = a >> 2;
  const bi = b >> 2;
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    l0 = fround(fround(f[ai + i] * f[bi + i]) + l0);
    l1 = fround(fround(f[ai + i + 1] * f[bi + i + 1]) + l1);
    l2 = fround(fround(f[ai + i + 2] * f[bi + i + 2]) + l2);
    l3 = fround(fround(f[ai + i + 3] * f[bi + i + 3]) + l3);
  }
  let sum = fround(fround(l0 + l1) + fround(l2 + l3));
  for (; i < n; i++) sum = fround(sum + fround(f[ai + i] * f[bi + i]));
  return sum;
}

export function sumsq_f32(h: Heap, x: number, n: number): number {
  return dot_f32(h, x, x, n);
}

export function bias_add_f32(
  h: Heap,
  out: number,
  bias: number,
  rows: number,
  cols: number,
  ld: number,
): void {
  const f = h.f32;
  const bi = bias >> 2;
  for (let r = 0; r < rows; r++) {
    const o = (out >> 2) + r * ld;
    for (let c = 0; c < cols; c++) f[o + c] = f[o + c] + f[bi + c];
  }
}

export function colsum_f32(
  h: Heap,
  out: number,
  x: number,
  rows: number,
  cols: number,
  ld: number,
  accumulate: number,
): void {
  const f = h.f32;
  const o = out >> 2;
  if (!accumulate) f.fill(0, o, o + cols);
  for (let r = 0; r < rows; r++) {
    const xi = (x >> 2) + r * ld;
    for (let c = 0; c < cols; c++) f[o + c] = f[o + c] + f[xi + c];
  }
}

export function rowsum_f32(
  h: Heap,
  out: number,
  x: number,
  rows: number,
  cols: number,
  ld: number,
  accumulate: number,
): void {
  const f = h.f32;
  for (let r = 0; r < rows; r++) {
    const xi = (x >> 2) + r * ld;
    let l0 = 0;
    let l1 = 0;
    let l2 = 0;
    let l3 = 0;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      l0 = fround(l0 + f[xi + c]);
      l1 = fround(l1 + f[xi + c + 1]);
      l2 = fround(l2 + f[xi + c + 2]);
      l3 = fround(l3 + f[xi + c + 3]);
    }
    let sum = fround(fround(l0 + l1) + fround(l2 + l3));
    for (; c < cols; c++) sum = fround(sum + f[xi + c]);
    const o = (out >> 2) + r;
    f[o] = accumulate ? f[o] + sum : sum;
  }
}

/** Inverted dropout with the sfc32 state at `state` (4 × u32, advanced in place); see assembly/vector.ts. */
export function dropout_f32(
  h: Heap,
  out: number,
  x: number,
  mask: number,
  state: number,
  n: number,
  keep: number,
  scale: number,
): void {
  const f = h.f32;
  const u = h.i32;
  const s = state >> 2;
  let [a, b, c, d] = [u[s], u[s + 1], u[s + 2], u[s + 3]];
  const k = keep >>> 0;
  const m1 = fround(scale);
  for (let i = 0; i < n; i++) {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + t) | 0;
    const m = t >>> 0 < k ? m1 : 0;
    f[(mask >> 2) + i] = m;
    f[(out >> 2) + i] = f[(x >> 2) + i] * m;
  }
  u[s] = a;
  u[s + 1] = b;
  u[s + 2] = c;
  u[s + 3] = d;
}
