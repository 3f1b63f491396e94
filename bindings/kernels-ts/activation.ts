// TypeScript twin of assembly/activation.ts: the same formulas in the same order, every f32 operation rounded.

import { fround, type Heap } from './heap.ts';
import { sigmoid1, tanh1 } from './math.ts';

export function sigmoid_f32(h: Heap, out: number, x: number, n: number): void {
  const f = h.f32;
  const o = out >> 2;
  const xi = x >> 2;
  for (let i = 0; i < n; i++) f[o + i] = sigmoid1(f[xi + i]);
}

export function tanh_f32(h: Heap, out: number, x: number, n: number): void {
  const f = h.f32;
  const o = out >> 2;
  const xi = x >> 2;
  for (let i = 0; i < n; i++) f[o + i] = tanh1(f[xi + i]);
}

/** x < 0 ? 0 : x — a NaN passes through, as in the WebAssembly build. */
export function relu_f32(h: Heap, out: number, x: number, n: number): void {
  const f = h.f32;
  const o = out >> 2;
  const xi = x >> 2;
  for (let i = 0; i < n; i++) {
    const v = f[xi + i];
    // biome-ignore lint/complexity/useMathMinMax: Math.max(v, 0) turns −0 into +0; the kernel keeps −0.
    f[o + i] = v < 0 ? 0 : v;
  }
}

/** dx = dy·(y·(1 − y)). */
export function sigmoid_bwd_f32(h: Heap, dx: number, y: number, dy: number, n: number): void {
  const f = h.f32;
  const o = dx >> 2;
  const yi = y >> 2;
  const di = dy >> 2;
  for (let i = 0; i < n; i++) {
    const v = f[yi + i];
    f[o + i] = f[di + i] * fround(v * fround(1 - v));
  }
}

/** dx = dy·((−y)·y + 1). */
export function tanh_bwd_f32(h: Heap, dx: number, y: number, dy: number, n: number): void {
  const f = h.f32;
  const o = dx >> 2;
  const yi = y >> 2;
  const di = dy >> 2;
  for (let i = 0; i < n; i++) {
    const v = f[yi + i];
    f[o + i] = f[di + i] * fround(fround(-v * v) + 1);
  }
}

/** dx = y > 0 ? dy : 0. */
export function relu_bwd_f32(h: Heap, dx: number, y: number, dy: number, n: number): void {
  const f = h.f32;
  const o = dx >> 2;
  const yi = y >> 2;
  const di = dy >> 2;
  for (let i = 0; i < n; i++) f[o + i] = f[yi + i] > 0 ? f[di + i] : 0;
}
