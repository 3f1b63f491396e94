// Gradient clipping over the flat gradient slab, with torch.nn.utils / torch.clamp semantics.

import { dot_f32, scale_f32 } from './vector';

// g [n]; returns the L2 norm before clipping. The sum of squares is dot_f32's (lanes, then tail), so the
// TypeScript twin reproduces it. torch always multiplies by the clamped coefficient (no branch), so a NaN norm
// makes every gradient NaN and an infinite one zeroes the finite ones, as with error_if_nonfinite=False.
// One departure: when every gradient is finite but their f32 sum of squares overflows (norm ≳ 1.8e19), torch
// gets an infinite norm and zeroes them all; here the norm is taken again in f64 and they are scaled to maxNorm.
export function clip_grad_norm_f32(g: usize, n: i32, maxNorm: f32): f32 {
  const sumsq = dot_f32(g, g, n);
  if (sumsq == Infinity) {
    const clipped = clip_overflowing_f32(g, n, maxNorm);
    if (clipped == clipped) return clipped;
  }
  const norm = Mathf.sqrt(sumsq);
  // `max_norm / (total_norm + 1e-6)` with a tensor divisor is Tensor.__rtruediv__: reciprocal() * max_norm, in f32.
  let coef: f32 = (<f32>1 / (norm + <f32>1e-6)) * maxNorm;
  if (coef > 1) coef = 1; // torch.clamp(max=1.0); a NaN coefficient stays NaN
  scale_f32(g, g, coef, n);
  return norm;
}

// g [n] whose f32 sum of squares overflowed. An f32's square cannot overflow f64, so the f64 sum is finite
// exactly when every gradient is; then each is scaled by the f64 coefficient and rounded once. Returns the norm
// (Infinity past f32's range), or NaN, leaving g untouched, when some gradient is ±Inf (torch's path then).
function clip_overflowing_f32(g: usize, n: i32, maxNorm: f32): f32 {
  let sumsq: f64 = 0;
  for (let i = 0; i < n; i++) {
    const x = <f64>load<f32>(g + (<usize>i << 2));
    sumsq += x * x;
  }
  if (sumsq == Infinity) return f32.NaN;
  const norm = Math.sqrt(sumsq);
  let coef = <f64>maxNorm / (norm + 1e-6);
  if (coef > 1) coef = 1;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(g + o, <f32>(<f64>load<f32>(g + o) * coef));
  }
  return <f32>norm;
}

// g [n]; a comparison with NaN is false, so NaN stays NaN (torch.clamp), and lo > hi gives hi everywhere (as torch).
// Compare-and-select rather than f32x4.min/max, whose NaN and ±0 rules the TypeScript twin could not mirror simply.
export function clip_value_f32(g: usize, n: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let x = v128.load(g + o);
    x = v128.bitselect(vlo, x, f32x4.lt(x, vlo));
    x = v128.bitselect(vhi, x, f32x4.gt(x, vhi));
    v128.store(g + o, x);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let x = load<f32>(g + o);
    if (x < lo) x = lo;
    if (x > hi) x = hi;
    store<f32>(g + o, x);
  }
}
