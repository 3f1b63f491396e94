// Attention of decoder queries over encoder keys/values, batched over every query step at once.
// q [Tq·B, H] and k, v [Ts·B, H] are time-major rows (row t·B + b); scores and weights s, p [Tq·B, Ts] hold one
// contiguous row of source steps per (query step, batch row), so the masked softmax runs along a row.
// Backward kernels accumulate (+=) into dq, dk, dv and the parameter gradient; ds and dp are overwritten.
// Sums run in order of the source step (forward) and the query step (key gradients); the TypeScript twin
// (bindings/kernels-ts/attention.ts) does the same operations in the same order.

import { exp1, tanh1, tanh4 } from './math';
import { madd } from './simd';
import { axpy_f32, dot_f32, fill_f32 } from './vector';

// @ts-ignore: decorator
@inline function row(p: usize, r: i32, width: i32): usize {
  return p + (<usize>(r * width) << 2);
}

// s [Tq·B, Ts], q [Tq·B, H], k [Ts·B, H]: s[tq·B + b, ts] = q[tq·B + b]·k[ts·B + b] (Luong dot; general with
// k = keys already multiplied by W_a)
export function attn_score_dot_f32(s: usize, q: usize, k: usize, Tq: i32, Ts: i32, B: i32, H: i32): void {
  for (let r = 0; r < Tq * B; r++) {
    const b = r % B;
    const qr = row(q, r, H);
    const sr = row(s, r, Ts);
    for (let t = 0; t < Ts; t++) store<f32>(sr + (<usize>t << 2), dot_f32(qr, row(k, t * B + b, H), H));
  }
}

// dq += ds·k and dk += dsᵀ·q per batch row; ds [Tq·B, Ts]
export function attn_score_dot_bwd_f32(
  dq: usize, dk: usize, ds: usize, q: usize, k: usize, Tq: i32, Ts: i32, B: i32, H: i32,
): void {
  for (let r = 0; r < Tq * B; r++) {
    const b = r % B;
    const dsr = row(ds, r, Ts);
    for (let t = 0; t < Ts; t++) {
      const g = load<f32>(dsr + (<usize>t << 2));
      axpy_f32(row(dq, r, H), row(k, t * B + b, H), g, H);
      axpy_f32(row(dk, t * B + b, H), row(q, r, H), g, H);
    }
  }
}

// Σ_a v[a]·tanh(x[a] + y[a]) over A: four lane sums combined as (l0 + l1) + (l2 + l3), then the tail in order
// @ts-ignore: decorator
@inline function additive(x: usize, y: usize, v: usize, A: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= A; i += 4) {
    const o = <usize>i << 2;
    acc = madd(tanh4(f32x4.add(v128.load(x + o), v128.load(y + o))), v128.load(v + o), acc);
  }
  let sum =
    (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; i < A; i++) {
    const o = <usize>i << 2;
    sum += tanh1(load<f32>(x + o) + load<f32>(y + o)) * load<f32>(v + o);
  }
  return sum;
}

// s [Tq·B, Ts], qp [Tq·B, A] = q·W_qᵀ, kp [Ts·B, A] = k·W_kᵀ, v [A]: s = v·tanh(qp + kp) (Bahdanau)
export function attn_score_add_f32(s: usize, qp: usize, kp: usize, v: usize, Tq: i32, Ts: i32, B: i32, A: i32): void {
  for (let r = 0; r < Tq * B; r++) {
    const b = r % B;
    const sr = row(s, r, Ts);
    for (let t = 0; t < Ts; t++) {
      store<f32>(sr + (<usize>t << 2), additive(row(qp, r, A), row(kp, t * B + b, A), v, A));
    }
  }
}

// With e = tanh(qp + kp) recomputed: dv += g·e, and g·v·(1 − e²) is added to dqp and dkp; g = ds[r, t]
export function attn_score_add_bwd_f32(
  dqp: usize, dkp: usize, dv: usize, ds: usize, qp: usize, kp: usize, v: usize, Tq: i32, Ts: i32, B: i32, A: i32,
): void {
  const one = f32x4.splat(1);
  for (let r = 0; r < Tq * B; r++) {
    const b = r % B;
    const x = row(qp, r, A);
    const dx = row(dqp, r, A);
    for (let t = 0; t < Ts; t++) {
      const g = load<f32>(row(ds, r, Ts) + (<usize>t << 2));
      const y = row(kp, t * B + b, A);
      const dy = row(dkp, t * B + b, A);
      const vg = f32x4.splat(g);
      let i = 0;
      for (; i + 4 <= A; i += 4) {
        const o = <usize>i << 2;
        const e = tanh4(f32x4.add(v128.load(x + o), v128.load(y + o)));
        v128.store(dv + o, madd(e, vg, v128.load(dv + o)));
        const d = f32x4.mul(f32x4.mul(vg, v128.load(v + o)), f32x4.sub(one, f32x4.mul(e, e)));
        v128.store(dx + o, f32x4.add(v128.load(dx + o), d));
        v128.store(dy + o, f32x4.add(v128.load(dy + o), d));
      }
      for (; i < A; i++) {
        const o = <usize>i << 2;
        const e = tanh1(load<f32>(x + o) + load<f32>(y + o));
        store<f32>(dv + o, e * g + load<f32>(dv + o));
        const d = (g * load<f32>(v + o)) * (1 - e * e);
        store<f32>(dx + o, load<f32>(dx + o) + d);
        store<f32>(dy + o, load<f32>(dy + o) + d);
      }
    }
  }
}

// p, s [Tq·B, Ts]: p[r] = softmax over t < len[r % B] of s[r], 0 beyond; lengths i32 [B] (1 ≤ len ≤ Ts, checked
// by the caller) or 0 for all Ts. p may alias s.
export function attn_softmax_f32(p: usize, s: usize, lengths: usize, Tq: i32, Ts: i32, B: i32): void {
  for (let r = 0; r < Tq * B; r++) {
    const len = lengths ? load<i32>(lengths + (<usize>(r % B) << 2)) : Ts;
    const sr = row(s, r, Ts);
    const pr = row(p, r, Ts);
    let m = load<f32>(sr);
    for (let t = 1; t < len; t++) m = Mathf.max(m, load<f32>(sr + (<usize>t << 2)));
    let sum: f32 = 0;
    for (let t = 0; t < len; t++) {
      const e = exp1(load<f32>(sr + (<usize>t << 2)) - m);
      store<f32>(pr + (<usize>t << 2), e);
      sum += e;
    }
    for (let t = 0; t < len; t++) store<f32>(pr + (<usize>t << 2), load<f32>(pr + (<usize>t << 2)) / sum);
    for (let t = len; t < Ts; t++) store<f32>(pr + (<usize>t << 2), 0);
  }
}

// ds, p, dp [Tq·B, Ts]: ds = p ⊙ (dp − Σ_t p·dp) per row (masked steps have p = 0, so ds = 0 there)
export function attn_softmax_bwd_f32(ds: usize, p: usize, dp: usize, Tq: i32, Ts: i32, B: i32): void {
  for (let r = 0; r < Tq * B; r++) {
    const pr = row(p, r, Ts);
    const dpr = row(dp, r, Ts);
    let dot: f32 = 0;
    for (let t = 0; t < Ts; t++) dot += load<f32>(pr + (<usize>t << 2)) * load<f32>(dpr + (<usize>t << 2));
    const dsr = row(ds, r, Ts);
    for (let t = 0; t < Ts; t++) {
      const o = <usize>t << 2;
      store<f32>(dsr + o, load<f32>(pr + o) * (load<f32>(dpr + o) - dot));
    }
  }
}

// ctx [Tq·B, D] (overwritten), p [Tq·B, Ts], v [Ts·B, D]: ctx[r] = Σ_t p[r, t]·v[t·B + r % B]
export function attn_context_f32(ctx: usize, p: usize, v: usize, Tq: i32, Ts: i32, B: i32, D: i32): void {
  fill_f32(ctx, 0, Tq * B * D);
  for (let r = 0; r < Tq * B; r++) {
    const b = r % B;
    const pr = row(p, r, Ts);
    for (let t = 0; t < Ts; t++) axpy_f32(row(ctx, r, D), row(v, t * B + b, D), load<f32>(pr + (<usize>t << 2)), D);
  }
}

// dp [Tq·B, Ts] = dctx·vᵀ per batch row (overwritten); dv [Ts·B, D] += pᵀ·dctx per batch row
export function attn_context_bwd_f32(
  dp: usize, dv: usize, dctx: usize, p: usize, v: usize, Tq: i32, Ts: i32, B: i32, D: i32,
): void {
  for (let r = 0; r < Tq * B; r++) {
    const b = r % B;
    const g = row(dctx, r, D);
    for (let t = 0; t < Ts; t++) {
      const o = row(p, r, Ts) + (<usize>t << 2);
      store<f32>(row(dp, r, Ts) + (<usize>t << 2), dot_f32(g, row(v, t * B + b, D), D));
      axpy_f32(row(dv, t * B + b, D), g, load<f32>(o), D);
    }
  }
}
