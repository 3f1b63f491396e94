// TypeScript twin of assembly/clip.ts: same f32 operations in the same order, each rounded with fround.

import { fround, type Heap } from './heap.ts';
import { dot_f32, scale_f32 } from './vector.ts';

const EPS = fround(1e-6);

/**
 * L2 norm before clipping; g is scaled by clamp(maxNorm / (norm + 1e-6), max=1) always, as torch does — except
 * when finite gradients overflow the f32 sum of squares: then the norm is taken again in f64 (see assembly).
 */
export function clip_grad_norm_f32(h: Heap, g: number, n: number, maxNorm: number): number {
  const sumsq = dot_f32(h, g, g, n);
  if (sumsq === Number.POSITIVE_INFINITY) {
    const clipped = clipOverflowing(h, g, n, maxNorm);
    if (!Number.isNaN(clipped)) return clipped;
  }
  const norm = fround(Math.sqrt(sumsq));
  // torch evaluates `max_norm / tensor` as tensor.reciprocal() * max_norm, in f32.
  let coef = fround(fround(1 / fround(norm + EPS)) * fround(maxNorm));
  if (coef > 1) coef = 1; // clamp(max=1.0); NaN stays NaN
  scale_f32(h, g, g, coef, n);
  return norm;
}

/** The f64 norm of finite g (each square exact in f64), g scaled by its coefficient; NaN if some g is ±Inf. */
function clipOverflowing(h: Heap, g: number, n: number, maxNorm: number): number {
  const f = h.f32;
  const gi = g >> 2;
  let sumsq = 0;
  for (let i = 0; i < n; i++) sumsq += f[gi + i] * f[gi + i];
  if (sumsq === Number.POSITIVE_INFINITY) return Number.NaN;
  const norm = Math.sqrt(sumsq);
  const coef = Math.min(1, fround(maxNorm) / (norm + 1e-6));
  for (let i = 0; i < n; i++) f[gi + i] = f[gi + i] * coef;
  return fround(norm);
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
