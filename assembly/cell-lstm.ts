// LSTM sequence kernels, one direction of one layer; gate order i, f, g, o (PyTorch).
// Forward: per step hproj = h_{t−1}·W_hhᵀ (one GEMM), then one fused pass over the gate rows.
// Backward: the reverse loop carries only dh and dc; the weight gradients are single GEMMs done by the layer.

import { at, curRow, dsigmoid, dsigmoid1, dtanh, dtanh1, finishState, holdState, inputRow, padded, prevRow, startState, stateAfter, stateBefore, timeOf } from './cell';
import { sigmoidGate1, sigmoidGate4, tanhGate1, tanhGate4 } from './gate';
import { gemm_nt_f32, gemmNnPrepacked, prepackable } from './gemm';
import { prepackB } from './gemm-packed';
import { madd, maddScalar } from './simd';

// out [T·B] rows of ldo floats (h_t); hs, cs [(T+1)·B, H] histories (see cell.ts); gates [T·B, 4H]: in x·W_ihᵀ + b_ih,
// out i, f, g, o; hproj [B, 4H] scratch; w_hh [4H, H]; b_hh [4H]; h0, c0 [B, H] or 0 for zeros; lengths i32 [B] or 0
// (see cell.ts: steps t ≥ len[b] keep the state and output 0).
export function lstm_seq_fwd_f32(out: usize, hs: usize, cs: usize, gates: usize, hproj: usize, w_hh: usize, b_hh: usize, h0: usize, c0: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32): void {
  forward(out, hs, cs, gates, 0, hproj, w_hh, b_hh, h0, c0, lengths, T, B, H, ldo, reverse, false);
}

// Inference (no backward follows): lstm_seq_fwd_f32's arithmetic without the history a backward reads, same bits.
// hs, cs [2·B·H]: the state alternates between two slots, slot 0 holding h0/c0 (copied in, or zeros when 0) on
// entry and h_T/c_T on return; no gate activation is stored. xg holds the input pre-activations x·W_ihᵀ + b_ih:
// row r of [T·B, 4H], or with ids (i32 [T·B] token ids; 0 = none) row ids[r] of a table [I, 4H], read only.
export function lstm_seq_infer_f32(out: usize, hs: usize, cs: usize, xg: usize, ids: usize, hproj: usize, w_hh: usize, b_hh: usize, h0: usize, c0: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32): void {
  forward(out, hs, cs, xg, ids, hproj, w_hh, b_hh, h0, c0, lengths, T, B, H, ldo, reverse, true);
}

// The time loop of both (see cell.ts for `lean`); training turns the gates buffer xg into the activations in place.
// @ts-ignore: decorator
@inline function forward(out: usize, hs: usize, cs: usize, xg: usize, ids: usize, hproj: usize, w_hh: usize, b_hh: usize, h0: usize, c0: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32, lean: bool): void {
  const BH = B * H;
  const G = 4 * H;
  startState(hs, h0, T, BH, reverse, lean);
  startState(cs, c0, T, BH, reverse, lean);
  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, reverse);
    const prev = stateBefore(s, t, reverse, BH, lean);
    const cur = stateAfter(s, t, reverse, BH, lean);
    gemm_nt_f32(hproj, at(hs, prev), w_hh, B, G, H, H, H, G, 0);
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      if (padded(lengths, b, t)) {
        holdState(hs, prev + b * H, cur + b * H, H);
        holdState(cs, prev + b * H, cur + b * H, H);
        memory.fill(at(out, r * ldo), 0, <usize>H << 2);
        continue;
      }
      const x = inputRow(xg, ids, r, G);
      rowFwd(x, at(hproj, b * G), b_hh, at(cs, prev + b * H), at(cs, cur + b * H), at(hs, cur + b * H), at(out, r * ldo), H, !lean);
    }
  }
  finishState(hs, T, BH, lean);
  finishState(cs, T, BH, lean);
}

// @ts-ignore: decorator
@inline function pre4(x: usize, hp: usize, b: usize): v128 {
  return f32x4.add(v128.load(x), f32x4.add(v128.load(hp), v128.load(b)));
}

// @ts-ignore: decorator
@inline function pre1(x: usize, hp: usize, b: usize): f32 {
  return load<f32>(x) + (load<f32>(hp) + load<f32>(b));
}

// x (input pre-activations), hp, bh [4H]; cp (c_{t−1}), cn (c_t), hn (h_t), o (output row) [H]. With `keep`
// (training), the gate activations overwrite x in place for the backward.
// @ts-ignore: decorator
@inline function rowFwd(x: usize, hp: usize, bh: usize, cp: usize, cn: usize, hn: usize, o: usize, H: i32, keep: bool): void {
  const gb = <usize>H << 2;
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const k = <usize>j << 2;
    const vi = sigmoidGate4(pre4(x + k, hp + k, bh + k));
    const vf = sigmoidGate4(pre4(x + gb + k, hp + gb + k, bh + gb + k));
    const vg = tanhGate4(pre4(x + 2 * gb + k, hp + 2 * gb + k, bh + 2 * gb + k));
    const vo = sigmoidGate4(pre4(x + 3 * gb + k, hp + 3 * gb + k, bh + 3 * gb + k));
    const c = madd(vf, v128.load(cp + k), f32x4.mul(vi, vg));
    const h = f32x4.mul(vo, tanhGate4(c));
    if (keep) {
      v128.store(x + k, vi);
      v128.store(x + gb + k, vf);
      v128.store(x + 2 * gb + k, vg);
      v128.store(x + 3 * gb + k, vo);
    }
    v128.store(cn + k, c);
    v128.store(hn + k, h);
    v128.store(o + k, h);
  }
  for (; j < H; j++) {
    const k = <usize>j << 2;
    const si = sigmoidGate1(pre1(x + k, hp + k, bh + k));
    const sf = sigmoidGate1(pre1(x + gb + k, hp + gb + k, bh + gb + k));
    const sg = tanhGate1(pre1(x + 2 * gb + k, hp + 2 * gb + k, bh + 2 * gb + k));
    const so = sigmoidGate1(pre1(x + 3 * gb + k, hp + 3 * gb + k, bh + 3 * gb + k));
    const c = maddScalar(sf, load<f32>(cp + k), si * sg);
    const h = so * tanhGate1(c);
    if (keep) {
      store<f32>(x + k, si);
      store<f32>(x + gb + k, sf);
      store<f32>(x + 2 * gb + k, sg);
      store<f32>(x + 3 * gb + k, so);
    }
    store<f32>(cn + k, c);
    store<f32>(hn + k, h);
    store<f32>(o + k, h);
  }
}

// dgates [T·B, 4H] out: gradients of the gate pre-activations (= dXproj = dHproj); dh, dc [B, H]: in dh_T, dc_T,
// out dh_0, dc_0; dout [T·B] rows of ldo (gradient of the outputs) or 0; gates, cs from the forward; w_hh [4H, H];
// lengths as in forward: a padded step passes dh and dc through and gets zero gate gradients.
export function lstm_seq_bwd_f32(dgates: usize, dh: usize, dc: usize, dout: usize, gates: usize, cs: usize, w_hh: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32): void {
  lstm_seq_bwd_packed_f32(dgates, dh, dc, dout, gates, cs, w_hh, 0, lengths, T, B, H, ldo, reverse);
}

// lstm_seq_bwd_f32 with wpack [4H·H] scratch (or 0): where the per-step dh·W_hh GEMM would pack W_hh's panels at
// every step (H ≥ 512, see gemm-packed.ts), they are packed into wpack once for all T steps. Same bits.
export function lstm_seq_bwd_packed_f32(dgates: usize, dh: usize, dc: usize, dout: usize, gates: usize, cs: usize, w_hh: usize, wpack: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32): void {
  const BH = B * H;
  const G = 4 * H;
  const pre = wpack != 0 && T > 1 && prepackable(B, H, G, H) ? wpack : 0;
  if (pre) prepackB(pre, w_hh, G, H, <usize>H << 2);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(s, T, reverse);
    const prev = prevRow(t, reverse) * BH;
    const cur = curRow(t, reverse) * BH;
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      if (padded(lengths, b, t)) {
        memory.fill(at(dgates, r * G), 0, <usize>G << 2);
        continue;
      }
      const o = dout ? at(dout, r * ldo) : 0;
      rowBwd(at(dgates, r * G), at(dh, b * H), at(dc, b * H), o, at(gates, r * G), at(cs, prev + b * H), at(cs, cur + b * H), H);
      // With lengths, dh is accumulated into so that padded rows keep theirs: start the others from 0.
      if (lengths) memory.fill(at(dh, b * H), 0, <usize>H << 2);
    }
    // dh_{t−1} = dgates_t · W_hh (the dc path was carried in the row pass).
    gemmNnPrepacked(dh, at(dgates, t * B * G), w_hh, pre, B, H, G, G, H, H, lengths ? 1 : 0);
  }
}

// dg, g [4H]; dh [H] read; dc [H] in/out; dout [H] or 0; cp (c_{t−1}), cn (c_t) [H]
function rowBwd(dg: usize, dh: usize, dc: usize, dout: usize, g: usize, cp: usize, cn: usize, H: i32): void {
  const gb = <usize>H << 2;
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const k = <usize>j << 2;
    const dhv = dout ? f32x4.add(v128.load(dh + k), v128.load(dout + k)) : v128.load(dh + k);
    const vi = v128.load(g + k);
    const vf = v128.load(g + gb + k);
    const vg = v128.load(g + 2 * gb + k);
    const vo = v128.load(g + 3 * gb + k);
    const tc = tanhGate4(v128.load(cn + k));
    const dcv = madd(f32x4.mul(dhv, vo), dtanh(tc), v128.load(dc + k));
    v128.store(dg + k, f32x4.mul(f32x4.mul(dcv, vg), dsigmoid(vi)));
    v128.store(dg + gb + k, f32x4.mul(f32x4.mul(dcv, v128.load(cp + k)), dsigmoid(vf)));
    v128.store(dg + 2 * gb + k, f32x4.mul(f32x4.mul(dcv, vi), dtanh(vg)));
    v128.store(dg + 3 * gb + k, f32x4.mul(f32x4.mul(dhv, tc), dsigmoid(vo)));
    v128.store(dc + k, f32x4.mul(dcv, vf));
  }
  for (; j < H; j++) {
    const k = <usize>j << 2;
    const dhv = dout ? load<f32>(dh + k) + load<f32>(dout + k) : load<f32>(dh + k);
    const si = load<f32>(g + k);
    const sf = load<f32>(g + gb + k);
    const sg = load<f32>(g + 2 * gb + k);
    const so = load<f32>(g + 3 * gb + k);
    const tc = tanhGate1(load<f32>(cn + k));
    const dcv = maddScalar(dhv * so, dtanh1(tc), load<f32>(dc + k));
    store<f32>(dg + k, (dcv * sg) * dsigmoid1(si));
    store<f32>(dg + gb + k, (dcv * load<f32>(cp + k)) * dsigmoid1(sf));
    store<f32>(dg + 2 * gb + k, (dcv * si) * dtanh1(sg));
    store<f32>(dg + 3 * gb + k, (dhv * tc) * dsigmoid1(so));
    store<f32>(dc + k, dcv * sf);
  }
}
