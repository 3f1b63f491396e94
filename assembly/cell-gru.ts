// GRU sequence kernels, one direction of one layer; gate order r, z, n (PyTorch, linear_before_reset):
// n = tanh(xn + r⊙(W_hn h + b_hn)), h_t = (1 − z)⊙n + z⊙h_{t−1}.
// Backward writes two gradients per step because the n gate differs: dXproj_n = dn, dHproj_n = r⊙dn.

import { at, dsigmoid, dsigmoid1, dtanh, dtanh1, finishState, holdState, inputRow, oneMinus, padded, prevRow, startState, stateAfter, stateBefore, timeOf } from './cell';
import { sigmoidGate1, sigmoidGate4, tanhGate1, tanhGate4 } from './gate';
import { gemm_nn_f32, gemm_nt_f32 } from './gemm';
import { madd, maddScalar } from './simd';

// out [T·B] rows of ldo floats; hs [(T+1)·B, H] history (see cell.ts); gates [T·B, 3H]: in x·W_ihᵀ + b_ih, out r, z, n;
// hn [T·B, H] out: W_hn h_{t−1} + b_hn; hproj [B, 3H] scratch; w_hh [3H, H]; b_hh [3H]; h0 [B, H] or 0;
// lengths i32 [B] or 0 (see cell.ts).
export function gru_seq_fwd_f32(out: usize, hs: usize, gates: usize, hn: usize, hproj: usize, w_hh: usize, b_hh: usize, h0: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32): void {
  forward(out, hs, gates, 0, hn, hproj, w_hh, b_hh, h0, lengths, T, B, H, ldo, reverse, false);
}

// Inference (no backward follows): gru_seq_fwd_f32's arithmetic without the history a backward reads, same bits.
// hs [2·B·H]: two state slots (see cell.ts), slot 0 holding h0 (or zeros) on entry and h_T on return; no gate
// activation and no W_hn h + b_hn is stored (r and z wait for n in hproj's row). xg holds the input
// pre-activations: row r of [T·B, 3H], or with ids (i32 [T·B] token ids; 0 = none) row ids[r] of a table [I, 3H],
// read only.
export function gru_seq_infer_f32(out: usize, hs: usize, xg: usize, ids: usize, hproj: usize, w_hh: usize, b_hh: usize, h0: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32): void {
  forward(out, hs, xg, ids, 0, hproj, w_hh, b_hh, h0, lengths, T, B, H, ldo, reverse, true);
}

// The time loop of both (see cell.ts for `lean`); training turns the gates buffer xg into the activations in place
// and writes hn.
// @ts-ignore: decorator
@inline function forward(out: usize, hs: usize, xg: usize, ids: usize, hn: usize, hproj: usize, w_hh: usize, b_hh: usize, h0: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32, lean: bool): void {
  const BH = B * H;
  const G = 3 * H;
  startState(hs, h0, T, BH, reverse, lean);
  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, reverse);
    const prev = stateBefore(s, t, reverse, BH, lean);
    const cur = stateAfter(s, t, reverse, BH, lean);
    gemm_nt_f32(hproj, at(hs, prev), w_hh, B, G, H, H, H, G, 0);
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      if (padded(lengths, b, t)) {
        holdState(hs, prev + b * H, cur + b * H, H);
        memory.fill(at(out, r * ldo), 0, <usize>H << 2);
        continue;
      }
      const x = inputRow(xg, ids, r, G);
      rowFwd(x, lean ? 0 : at(hn, r * H), at(hproj, b * G), b_hh, at(hs, prev + b * H), at(hs, cur + b * H), at(out, r * ldo), H, !lean);
    }
  }
  finishState(hs, T, BH, lean);
}

// x (input pre-activations), hp, bh [3H]; hp0 (h_{t−1}), h1 (h_t), o (output row) [H]. Two passes: σ of r and z
// (2H contiguous floats, each vector an independent chain), then n and h, which wait on r; an element rounds the
// same in a lane or a scalar, so where the vector/scalar split falls in the first pass changes nothing. With
// `keep` (training), r, z, n overwrite x in place and W_hn h + b_hn goes into hn [H] for the backward; without, r
// and z wait in the r, z thirds of hp, which the first pass has read.
// @ts-ignore: decorator
@inline function rowFwd(x: usize, hn: usize, hp: usize, bh: usize, hp0: usize, h1: usize, o: usize, H: i32, keep: bool): void {
  const gb = <usize>H << 2;
  const n2 = 2 * H;
  const a = keep ? x : hp;
  let j = 0;
  for (; j + 4 <= n2; j += 4) {
    const k = <usize>j << 2;
    v128.store(a + k, sigmoidGate4(f32x4.add(v128.load(x + k), f32x4.add(v128.load(hp + k), v128.load(bh + k)))));
  }
  for (; j < n2; j++) {
    const k = <usize>j << 2;
    store<f32>(a + k, sigmoidGate1(load<f32>(x + k) + (load<f32>(hp + k) + load<f32>(bh + k))));
  }
  j = 0;
  for (; j + 4 <= H; j += 4) {
    const k = <usize>j << 2;
    const vr = v128.load(a + k);
    const vz = v128.load(a + gb + k);
    const vh = f32x4.add(v128.load(hp + 2 * gb + k), v128.load(bh + 2 * gb + k));
    const vn = tanhGate4(madd(vr, vh, v128.load(x + 2 * gb + k)));
    const h = madd(vz, v128.load(hp0 + k), f32x4.mul(oneMinus(vz), vn));
    if (keep) {
      v128.store(x + 2 * gb + k, vn);
      v128.store(hn + k, vh);
    }
    v128.store(h1 + k, h);
    v128.store(o + k, h);
  }
  for (; j < H; j++) {
    const k = <usize>j << 2;
    const sr = load<f32>(a + k);
    const sz = load<f32>(a + gb + k);
    const sh = load<f32>(hp + 2 * gb + k) + load<f32>(bh + 2 * gb + k);
    const sn = tanhGate1(maddScalar(sr, sh, load<f32>(x + 2 * gb + k)));
    const h = maddScalar(sz, load<f32>(hp0 + k), (<f32>1 - sz) * sn);
    if (keep) {
      store<f32>(x + 2 * gb + k, sn);
      store<f32>(hn + k, sh);
    }
    store<f32>(h1 + k, h);
    store<f32>(o + k, h);
  }
}

// dxg [T·B, 3H] out: dXproj; dhg [T·B, 3H] out: dHproj; dh [B, H]: in dh_T, out dh_0; dout [T·B] rows of ldo or 0;
// gates, hn, hs from the forward; w_hh [3H, H]; lengths as in forward (a padded step passes dh through).
export function gru_seq_bwd_f32(dxg: usize, dhg: usize, dh: usize, dout: usize, gates: usize, hn: usize, hs: usize, w_hh: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32): void {
  const BH = B * H;
  const G = 3 * H;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(s, T, reverse);
    const prev = prevRow(t, reverse) * BH;
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      if (padded(lengths, b, t)) {
        memory.fill(at(dxg, r * G), 0, <usize>G << 2);
        memory.fill(at(dhg, r * G), 0, <usize>G << 2);
        continue;
      }
      const o = dout ? at(dout, r * ldo) : 0;
      rowBwd(at(dxg, r * G), at(dhg, r * G), at(dh, b * H), o, at(gates, r * G), at(hn, r * H), at(hs, prev + b * H), H);
    }
    // dh_{t−1} = z⊙dh (left in dh by the row pass) + dHproj_t · W_hh.
    gemm_nn_f32(dh, at(dhg, t * B * G), w_hh, B, H, G, G, H, H, 1);
  }
}

// dx, dhp, g [3H]; dh [H] in: dh_t (before adding dout), out: z⊙dh; dout [H] or 0; hn, hp0 (h_{t−1}) [H]
function rowBwd(dx: usize, dhp: usize, dh: usize, dout: usize, g: usize, hn: usize, hp0: usize, H: i32): void {
  const gb = <usize>H << 2;
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const k = <usize>j << 2;
    const dhv = dout ? f32x4.add(v128.load(dh + k), v128.load(dout + k)) : v128.load(dh + k);
    const vr = v128.load(g + k);
    const vz = v128.load(g + gb + k);
    const vn = v128.load(g + 2 * gb + k);
    const dn = f32x4.mul(f32x4.mul(dhv, oneMinus(vz)), dtanh(vn));
    const dz = f32x4.mul(f32x4.mul(dhv, f32x4.sub(v128.load(hp0 + k), vn)), dsigmoid(vz));
    const dr = f32x4.mul(f32x4.mul(dn, v128.load(hn + k)), dsigmoid(vr));
    v128.store(dx + k, dr);
    v128.store(dx + gb + k, dz);
    v128.store(dx + 2 * gb + k, dn);
    v128.store(dhp + k, dr);
    v128.store(dhp + gb + k, dz);
    v128.store(dhp + 2 * gb + k, f32x4.mul(dn, vr));
    v128.store(dh + k, f32x4.mul(dhv, vz));
  }
  for (; j < H; j++) {
    const k = <usize>j << 2;
    const dhv = dout ? load<f32>(dh + k) + load<f32>(dout + k) : load<f32>(dh + k);
    const sr = load<f32>(g + k);
    const sz = load<f32>(g + gb + k);
    const sn = load<f32>(g + 2 * gb + k);
    const dn = (dhv * (<f32>1 - sz)) * dtanh1(sn);
    const dz = (dhv * (load<f32>(hp0 + k) - sn)) * dsigmoid1(sz);
    const dr = (dn * load<f32>(hn + k)) * dsigmoid1(sr);
    store<f32>(dx + k, dr);
    store<f32>(dx + gb + k, dz);
    store<f32>(dx + 2 * gb + k, dn);
    store<f32>(dhp + k, dr);
    store<f32>(dhp + gb + k, dz);
    store<f32>(dhp + 2 * gb + k, dn * sr);
    store<f32>(dh + k, dhv * sz);
  }
}
