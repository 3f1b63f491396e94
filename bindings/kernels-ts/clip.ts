// TypeScript twin of assembly/clip.ts: same f32 operations in the same order, each rounded with fround.

import { fround, type Heap } from './heap.ts';
import { dot_f32, scale_f32 } from './vector.ts';

const EPS = fround(1e-6);

/** L2 norm before clipping; g is scaled by clamp(maxNorm / (norm + 1e-6), max=1) always, as torch does. */
export function clip_grad_norm_f32(h: Heap, g: number, n: number, maxNorm: number): number {
  const norm = fround(Math.sqrt(dot_f32(h, g, g, n)));
  // torch evaluates `max_norm / tensor` as tensor.reciprocal() * max_norm, in f32.
  let coef = fround(fround(1 / fround(norm + EPS)) * fround(maxNorm));
  if (coef > 1) coef = 1; // clamp(max=1.0); NaN stays NaN
  scale_f32(h, g, g, coef, n);
  return norm;
}

/** g[i] = clamp(g[i], lo, hi); NaN stays NaN, lo > hi gives hi (torch.clamp). */
export function clip_value_f32(h: Heap, g: number, n: number, lo: number, hi: number): void {
  const f = h.f32;
  const gi = g >> 2;
  const l = fround(lo);
  const u = fround(hi);
  for (let i = 0; i < n; i++) {
    let x = f[gi + i];
    if (x < l) x = l;
    if (x > u) x = u;
    f[gi + i] = x;
  }
}
