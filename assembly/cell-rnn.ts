// Vanilla RNN sequence kernels, one direction of one layer: h_t = φ(x·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh),
// φ = tanh (relu = 0) or relu (relu = 1). relu is x > 0 ? x : 0 in every backend (NaN and −0 give +0).

import { at, curRow, dtanh, dtanh1, finishState, holdState, inputRow, padded, startState, stateAfter, stateBefore, timeOf } from './cell';
import { tanhGate1, tanhGate4 } from './gate';
import { gemm_nn_f32, gemm_nt_f32 } from './gemm';

// out [T·B] rows of ldo floats; hs [(T+1)·B, H] history (see cell.ts); xproj [T·B, H] = x·W_ihᵀ + b_ih (read only);
// hproj [B, H] scratch; w_hh [H, H]; b_hh [H]; h0 [B, H] or 0; lengths i32 [B] or 0 (see cell.ts).
export function rnn_seq_fwd_f32(out: usize, hs: usize, xproj: usize, hproj: usize, w_hh: usize, b_hh: usize, h0: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32, relu: i32): void {
  forward(out, hs, xproj, 0, hproj, w_hh, b_hh, h0, lengths, T, B, H, ldo, reverse, relu, false);
}

// Inference (no backward follows): rnn_seq_fwd_f32's arithmetic without the history a backward reads, same bits.
// hs [2·B·H]: two state slots (see cell.ts), slot 0 holding h0 (or zeros) on entry and h_T on return. xg holds the
// input pre-activations: row r of [T·B, H], or with ids (i32 [T·B] token ids; 0 = none) row ids[r] of a table
// [I, H], read only.
export function rnn_seq_infer_f32(out: usize, hs: usize, xg: usize, ids: usize, hproj: usize, w_hh: usize, b_hh: usize, h0: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32, relu: i32): void {
  forward(out, hs, xg, ids, hproj, w_hh, b_hh, h0, lengths, T, B, H, ldo, reverse, relu, true);
}

// The time loop of both (see cell.ts for `lean`).
// @ts-ignore: decorator
@inline function forward(out: usize, hs: usize, xg: usize, ids: usize, hproj: usize, w_hh: usize, b_hh: usize, h0: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32, relu: i32, lean: bool): void {
  const BH = B * H;
  startState(hs, h0, T, BH, reverse, lean);
  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, reverse);
    const prev = stateBefore(s, t, reverse, BH, lean);
    const cur = stateAfter(s, t, reverse, BH, lean);
    gemm_nt_f32(hproj, at(hs, prev), w_hh, B, H, H, H, H, H, 0);
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      if (padded(lengths, b, t)) {
        holdState(hs, prev + b * H, cur + b * H, H);
        memory.fill(at(out, r * ldo), 0, <usize>H << 2);
        continue;
      }
      rowFwd(inputRow(xg, ids, r, H), at(hproj, b * H), b_hh, at(hs, cur + b * H), at(out, r * ldo), H, relu);
    }
  }
  finishState(hs, T, BH, lean);
}

// x, hp, bh, h1 (h_t), o (output row) [H]; x is only read, so training and inference share this row as it is.
// @ts-ignore: decorator
@inline function rowFwd(x: usize, hp: usize, bh: usize, h1: usize, o: usize, H: i32, relu: i32): void {
  const zero = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const k = <usize>j << 2;
    const p = f32x4.add(v128.load(x + k), f32x4.add(v128.load(hp + k), v128.load(bh + k)));
    const h = relu ? v128.and(p, f32x4.gt(p, zero)) : tanhGate4(p);
    v128.store(h1 + k, h);
    v128.store(o + k, h);
  }
  for (; j < H; j++) {
    const k = <usize>j << 2;
    const p = load<f32>(x + k) + (load<f32>(hp + k) + load<f32>(bh + k));
    const h: f32 = relu ? (p > 0 ? p : 0) : tanhGate1(p);
    store<f32>(h1 + k, h);
    store<f32>(o + k, h);
  }
}

// dxproj [T·B, H] out: pre-activation gradients (= dHproj); dh [B, H]: in dh_T, out dh_0; dout [T·B] rows of ldo
// or 0; hs from the forward; w_hh [H, H]; lengths as in forward (a padded step passes dh through).
export function rnn_seq_bwd_f32(dxproj: usize, dh: usize, dout: usize, hs: usize, w_hh: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32, relu: i32): void {
  const BH = B * H;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(s, T, reverse);
    const cur = curRow(t, reverse) * BH;
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      if (padded(lengths, b, t)) {
        memory.fill(at(dxproj, r * H), 0, <usize>H << 2);
        continue;
      }
      const o = dout ? at(dout, r * ldo) : 0;
      rowBwd(at(dxproj, r * H), at(dh, b * H), o, at(hs, cur + b * H), H, relu);
      // With lengths, dh is accumulated into so that padded rows keep theirs: start the others from 0.
      if (lengths) memory.fill(at(dh, b * H), 0, <usize>H << 2);
    }
    gemm_nn_f32(dh, at(dxproj, t * B * H), w_hh, B, H, H, H, H, H, lengths ? 1 : 0);
  }
}

// dp [H] out; dh [H]; dout [H] or 0; h1 (h_t) [H]
function rowBwd(dp: usize, dh: usize, dout: usize, h1: usize, H: i32, relu: i32): void {
  const zero = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const k = <usize>j << 2;
    const dhv = dout ? f32x4.add(v128.load(dh + k), v128.load(dout + k)) : v128.load(dh + k);
    const h = v128.load(h1 + k);
    v128.store(dp + k, relu ? v128.and(dhv, f32x4.gt(h, zero)) : f32x4.mul(dhv, dtanh(h)));
  }
  for (; j < H; j++) {
    const k = <usize>j << 2;
    const dhv = dout ? load<f32>(dh + k) + load<f32>(dout + k) : load<f32>(dh + k);
    const h = load<f32>(h1 + k);
    store<f32>(dp + k, relu ? (h > 0 ? dhv : 0) : dhv * dtanh1(h));
  }
}
