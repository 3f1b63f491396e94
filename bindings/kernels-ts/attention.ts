// TypeScript twin of assembly/attention.ts: the same f32 operations in the same order, each rounded with fround.
// Rows are time-major (t·B + b); scores and weights are [Tq·B, Ts]; pointers are byte offsets.

import { fround, type Heap } from './heap.ts';
import { exp1, tanh1 } from './math.ts';
import { axpy_f32, dot_f32, fill_f32 } from './vector.ts';

/** Byte pointer of row r of a [*, width] buffer. */
const row = (p: number, r: number, width: number) => p + r * width * 4;

export function attn_score_dot_f32(
  h: Heap,
  s: number,
  q: number,
  k: number,
  Tq: number,
  Ts: number,
  B: number,
  H: number,
): void {
  for (let r = 0; r < Tq * B; r++) {
    const b = r % B;
    const sr = row(s, r, Ts) >> 2;
    for (let t = 0; t < Ts; t++) h.f32[sr + t] = dot_f32(h, row(q, r, H), row(k, t * B + b, H), H);
  }
}

export function attn_score_dot_bwd_f32(
  h: Heap,
  dq: number,
  dk: number,
  ds: number,
  q: number,
  k: number,
  Tq: number,
  Ts: number,
  B: number,
  H: number,
): void {
  for (let r = 0; r < Tq * B; r++) {
    const b = r % B;
    const dsr = row(ds, r, Ts) >> 2;
    for (let t = 0; t < Ts; t++) {
      const g = h.f32[dsr + t];
      axpy_f32(h, row(dq, r, H), row(k, t * B + b, H), g, H);
      axpy_f32(h, row(dk, t * B + b, H), row(q, r, H), g, H);
    }
  }
}

/** Σ_a v[a]·tanh(x[a] + y[a]): four lane sums combined as (l0 + l1) + (l2 + l3), then the tail in order. */
function additive(f: Float32Array, x: number, y: number, v: number, A: number): number {
  const lanes = [0, 0, 0, 0];
  let i = 0;
  for (; i + 4 <= A; i += 4) {
    for (let l = 0; l < 4; l++) {
      const e = tanh1(fround(f[x + i + l] + f[y + i + l]));
      lanes[l] = fround(fround(e * f[v + i + l]) + lanes[l]);
    }
  }
  let sum = fround(fround(lanes[0] + lanes[1]) + fround(lanes[2] + lanes[3]));
  for (; i < A; i++) sum = fround(sum + fround(tanh1(fround(f[x + i] + f[y + i])) * f[v + i]));
  return sum;
}

export function attn_score_add_f32(
  h: Heap,
  s: number,
  qp: number,
  kp: number,
  v: number,
  Tq: number,
  Ts: number,
  B: number,
  A: number,
): void {
  const f = h.f32;
  for (let r = 0; r < Tq * B; r++) {
    const b = r % B;
    const sr = row(s, r, Ts) >> 2;
    for (let t = 0; t < Ts; t++) {
      f[sr + t] = additive(f, row(qp, r, A) >> 2, row(kp, t * B + b, A) >> 2, v >> 2, A);
    }
  }
}

export function attn_score_add_bwd_f32(
  h: Heap,
  dqp: number,
  dkp: number,
  dv: number,
  ds: number,
  qp: number,
  kp: number,
  v: number,
  Tq: number,
  Ts: number,
  B: number,
  A: number,
): void {
  const f = h.f32;
  const [dvi, vi] = [dv >> 2, v >> 2];
  for (let r = 0; r < Tq * B; r++) {
    const b = r % B;
    const x = row(qp, r, A) >> 2;
    const dx = row(dqp, r, A) >> 2;
    for (let t = 0; t < Ts; t++) {
      const g = f[(row(ds, r, Ts) >> 2) + t];
      const y = row(kp, t * B + b, A) >> 2;
      const dy = row(dkp, t * B + b, A) >> 2;
      for (let i = 0; i < A; i++) {
        const e = tanh1(fround(f[x + i] + f[y + i]));
        f[dvi + i] = fround(e * g) + f[dvi + i];
        const d = fround(fround(g * f[vi + i]) * fround(1 - fround(e * e)));
        f[dx + i] = f[dx + i] + d;
        f[dy + i] = f[dy + i] + d;
      }
    }
  }
}

export function attn_softmax_f32(
  h: Heap,
  p: number,
  s: number,
  lengths: number,
  Tq: number,
  Ts: number,
  B: number,
): void {
  const f = h.f32;
  for (let r = 0; r < Tq * B; r++) {
    const len = lengths ? h.i32[(lengths >> 2) + (r % B)] : Ts;
    const sr = row(s, r, Ts) >> 2;
    const pr = row(p, r, Ts) >> 2;
    let m = f[sr];
    for (let t = 1; t < len; t++) m = Math.max(m, f[sr + t]);
    let sum = 0;
    for (let t = 0; t < len; t++) {
      const e = exp1(fround(f[sr + t] - m));
      f[pr + t] = e;
      sum = fround(sum + e);
    }
    for (let t = 0; t < len; t++) f[pr + t] = f[pr + t] / sum;
    for (let t = len; t < Ts; t++) f[pr + t] = 0;
  }
}

export function attn_softmax_bwd_f32(
  h: Heap,
  ds: number,
  p: number,
  dp: number,
  Tq: number,
  Ts: number,
  B: number,
): void {
  const f = h.f32;
  for (let r = 0; r < Tq * B; r++) {
    const [pr, dpr, dsr] = [row(p, r, Ts) >> 2, row(dp, r, Ts) >> 2, row(ds, r, Ts) >> 2];
    let dot = 0;
    for (let t = 0; t < Ts; t++) dot = fround(dot + fround(f[pr + t] * f[dpr + t]));
    for (let t = 0; t < Ts; t++) f[dsr + t] = f[pr + t] * fround(f[dpr + t] - dot);
  }
}

export function attn_context_f32(
  h: Heap,
  ctx: number,
  p: number,
  v: number,
  Tq: number,
  Ts: number,
  B: number,
  D: number,
): void {
  fill_f32(h, ctx, 0, Tq * B * D);
  for (let r = 0; r < Tq * B; r++) {
    const b = r % B;
    const pr = row(p, r, Ts) >> 2;
    for (let t = 0; t < Ts; t++) axpy_f32(h, row(ctx, r, D), row(v, t * B + b, D), h.f32[pr + t], D);
  }
}

export function attn_context_bwd_f32(
  h: Heap,
  dp: number,
  dv: number,
  dctx: number,
  p: number,
  v: number,
  Tq: number,
  Ts: number,
  B: number,
  D: number,
): void {
  for (let r = 0; r < Tq * B; r++) {
    const b = r % B;
    const g = row(dctx, r, D);
    const [pr, dpr] = [row(p, r, Ts) >> 2, row(dp, r, Ts) >> 2];
    for (let t = 0; t < Ts; t++) {
      h.f32[dpr + t] = dot_f32(h, g, row(v, t * B + b, D), D);
      axpy_f32(h, row(dv, t * B + b, D), g, h.f32[pr + t], D);
    }
  }
}
