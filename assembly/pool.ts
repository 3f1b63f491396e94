// Attention pooling over time: softmax of per-step scores within each batch row, and the weighted sum of the
// hidden states. Rows of the [T, B] score grid and of h [T·B, D] are addressed as r = t·st + b·sb, so time-major
// (st = B, sb = 1) and batch-first (st = 1, sb = T) share one kernel. Sums run in order of t; the TypeScript
// twin (bindings/kernels-ts/pool.ts) does the same operations in the same order.

import { exp1 } from './math';
import { axpy_f32, dot_f32, fill_f32, scale_f32 } from './vector';

// @ts-ignore: decorator
@inline function at(p: usize, r: i32): usize {
  return p + (<usize>r << 2);
}

// alpha, s [T, B] (addressed by st, sb): alpha[·, b] = softmax over t < len[b] of s[·, b], 0 for t ≥ len[b].
// lengths: i32 [B] with 1 ≤ len[b] ≤ T (checked by the caller), or 0 for every row of full length T.
export function softmax_time_f32(alpha: usize, s: usize, lengths: usize, T: i32, B: i32, st: i32, sb: i32): void {
  for (let b = 0; b < B; b++) {
    const len = lengths ? load<i32>(lengths + (<usize>b << 2)) : T;
    let m = load<f32>(at(s, b * sb));
    for (let t = 1; t < len; t++) m = Mathf.max(m, load<f32>(at(s, t * st + b * sb)));
    let sum: f32 = 0;
    for (let t = 0; t < len; t++) {
      const r = t * st + b * sb;
      const e = exp1(load<f32>(at(s, r)) - m);
      store<f32>(at(alpha, r), e);
      sum += e;
    }
    for (let t = 0; t < len; t++) {
      const r = t * st + b * sb;
      store<f32>(at(alpha, r), load<f32>(at(alpha, r)) / sum);
    }
    for (let t = len; t < T; t++) store<f32>(at(alpha, t * st + b * sb), 0);
  }
}

// ds, alpha, dalpha [T, B]: ds = alpha ⊙ (dalpha − Σ_t alpha·dalpha), the softmax Jacobian-vector product
export function softmax_time_bwd_f32(ds: usize, alpha: usize, dalpha: usize, T: i32, B: i32, st: i32, sb: i32): void {
  for (let b = 0; b < B; b++) {
    let dot: f32 = 0;
    for (let t = 0; t < T; t++) {
      const r = t * st + b * sb;
      dot += load<f32>(at(alpha, r)) * load<f32>(at(dalpha, r));
    }
    for (let t = 0; t < T; t++) {
      const r = t * st + b * sb;
      store<f32>(at(ds, r), load<f32>(at(alpha, r)) * (load<f32>(at(dalpha, r)) - dot));
    }
  }
}

// out [B, D], h [T·B, D] (row r), alpha [T, B]: out[b] = Σ_t alpha[r]·h[r]
export function wsum_time_f32(out: usize, h: usize, alpha: usize, T: i32, B: i32, D: i32, st: i32, sb: i32): void {
  fill_f32(out, 0, B * D);
  for (let b = 0; b < B; b++) {
    const o = at(out, b * D);
    for (let t = 0; t < T; t++) {
      const r = t * st + b * sb;
      axpy_f32(o, at(h, r * D), load<f32>(at(alpha, r)), D);
    }
  }
}

// dh [T·B, D], dalpha [T, B], dout [B, D]: dalpha[r] = dout[b]·h[r]; dh[r] = alpha[r]·dout[b] (overwritten)
export function wsum_time_bwd_f32(
  dh: usize, dalpha: usize, h: usize, alpha: usize, dout: usize, T: i32, B: i32, D: i32, st: i32, sb: i32,
): void {
  for (let b = 0; b < B; b++) {
    const g = at(dout, b * D);
    for (let t = 0; t < T; t++) {
      const r = t * st + b * sb;
      store<f32>(at(dalpha, r), dot_f32(g, at(h, r * D), D));
      scale_f32(at(dh, r * D), g, load<f32>(at(alpha, r)), D);
    }
  }
}
