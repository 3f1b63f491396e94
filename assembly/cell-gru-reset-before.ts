// GRU sequence kernels with the reset gate before the recurrent product (Cho et al. 2014, Keras reset_after=False,
// ONNX linear_before_reset = 0); gate order r, z, n:
// n = tanh(xn + W_hn (r⊙h_{t−1}) + b_hn), h_t = (1 − z)⊙n + z⊙h_{t−1}.
// The product for n waits on r, so each step runs two GEMMs (W_hr,z h, then W_hn (r⊙h)) in forward and two in
// backward (dn·W_hn, then [dr, dz]·W_hr,z). rh [T·B, H] keeps r⊙h_{t−1} for the dW_hn GEMM after BPTT.

import { at, dsigmoid, dsigmoid1, dtanh, dtanh1, finishState, holdState, inputRow, oneMinus, padded, prevRow, startState, stateAfter, stateBefore, timeOf } from './cell';
import { sigmoidGate1, sigmoidGate4, tanhGate1, tanhGate4 } from './gate';
import { gemm_nn_f32, gemm_nt_f32 } from './gemm';
import { madd, maddScalar } from './simd';

// out [T·B] rows of ldo floats; hs [(T+1)·B, H] history (see cell.ts); gates [T·B, 3H]: in x·W_ihᵀ + b_ih, out r, z, n;
// rh [T·B, H] out: r⊙h_{t−1} (0 on padded steps); hproj [B, 3H] scratch; w_hh [3H, H]; b_hh [3H]; h0 [B, H] or 0;
// lengths i32 [B] or 0 (see cell.ts).
export function gru_reset_before_seq_fwd_f32(out: usize, hs: usize, gates: usize, rh: usize, hproj: usize, w_hh: usize, b_hh: usize, h0: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32): void {
  forward(out, hs, gates, 0, rh, hproj, w_hh, b_hh, h0, lengths, T, B, H, ldo, reverse, false);
}

// Inference (no backward follows): gru_reset_before_seq_fwd_f32's arithmetic without the history a backward
// reads, same bits. hs [2·B·H]: two state slots (see cell.ts), slot 0 holding h0 (or zeros) on entry and h_T on
// return; no gate activation is stored, r and z wait in hproj's row, and r⊙h_{t−1} [B, H] is built in the slot
// h_t then overwrites (after the W_hn GEMM has read it). xg holds the input pre-activations: row r of [T·B, 3H],
// or with ids (i32 [T·B] token ids; 0 = none) row ids[r] of a table [I, 3H], read only.
export function gru_reset_before_seq_infer_f32(out: usize, hs: usize, xg: usize, ids: usize, hproj: usize, w_hh: usize, b_hh: usize, h0: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32): void {
  forward(out, hs, xg, ids, 0, hproj, w_hh, b_hh, h0, lengths, T, B, H, ldo, reverse, true);
}

// The time loop of both (see cell.ts for `lean`); training turns the gates buffer xg into the activations in place
// and keeps r⊙h_{t−1} in rh, inference builds it in the slot h_t then overwrites.
// @ts-ignore: decorator
@inline function forward(out: usize, hs: usize, xg: usize, ids: usize, rh: usize, hproj: usize, w_hh: usize, b_hh: usize, h0: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32, lean: bool): void {
  const BH = B * H;
  const G = 3 * H;
  startState(hs, h0, T, BH, reverse, lean);
  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, reverse);
    const prev = stateBefore(s, t, reverse, BH, lean);
    const cur = stateAfter(s, t, reverse, BH, lean);
    // r⊙h_{t−1} [B, H] of this step.
    const rhStep = lean ? at(hs, cur) : at(rh, t * B * H);
    gemm_nt_f32(hproj, at(hs, prev), w_hh, B, 2 * H, H, H, H, G, 0);
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      if (padded(lengths, b, t)) {
        memory.fill(at(rhStep, b * H), 0, <usize>H << 2);
        continue;
      }
      const x = inputRow(xg, ids, r, G);
      gatesRZ(x, at(hproj, b * G), b_hh, at(hs, prev + b * H), at(rhStep, b * H), H, !lean);
    }
    gemm_nt_f32(at(hproj, 2 * H), rhStep, at(w_hh, 2 * H * H), B, H, H, H, H, G, 0);
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      if (padded(lengths, b, t)) {
        holdState(hs, prev + b * H, cur + b * H, H);
        memory.fill(at(out, r * ldo), 0, <usize>H << 2);
        continue;
      }
      const x = inputRow(xg, ids, r, G);
      gateN(x, at(hproj, b * G), b_hh, at(hs, prev + b * H), at(hs, cur + b * H), at(out, r * ldo), H, !lean);
    }
  }
  finishState(hs, T, BH, lean);
}

// x (input pre-activations), hp, bh [3H]; hp0 (h_{t−1}), rh [H]. σ over the 2H contiguous r, z floats (an element
// rounds the same in a lane or a scalar, so the split point changes nothing), then rh = r⊙h_{t−1}. With `keep`
// (training), r and z overwrite x in place; without, they go into the r, z thirds of hp, just read.
// @ts-ignore: decorator
@inline function gatesRZ(x: usize, hp: usize, bh: usize, hp0: usize, rh: usize, H: i32, keep: bool): void {
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
    v128.store(rh + k, f32x4.mul(v128.load(a + k), v128.load(hp0 + k)));
  }
  for (; j < H; j++) {
    const k = <usize>j << 2;
    store<f32>(rh + k, load<f32>(a + k) * load<f32>(hp0 + k));
  }
}

// x (input pre-activations), hp (n third: W_hn (r⊙h)), bh [3H]; hp0 (h_{t−1}), h1 (h_t), o (output row) [H]. z is
// where gatesRZ put it (x with `keep`, else hp); with `keep`, n overwrites x.
// @ts-ignore: decorator
@inline function gateN(x: usize, hp: usize, bh: usize, hp0: usize, h1: usize, o: usize, H: i32, keep: bool): void {
  const gb = <usize>H << 2;
  const a = keep ? x : hp;
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const k = <usize>j << 2;
    const vz = v128.load(a + gb + k);
    const vh = f32x4.add(v128.load(hp + 2 * gb + k), v128.load(bh + 2 * gb + k));
    const vn = tanhGate4(f32x4.add(v128.load(x + 2 * gb + k), vh));
    const h = madd(vz, v128.load(hp0 + k), f32x4.mul(oneMinus(vz), vn));
    if (keep) v128.store(x + 2 * gb + k, vn);
    v128.store(h1 + k, h);
    v128.store(o + k, h);
  }
  for (; j < H; j++) {
    const k = <usize>j << 2;
    const sz = load<f32>(a + gb + k);
    const sh = load<f32>(hp + 2 * gb + k) + load<f32>(bh + 2 * gb + k);
    const sn = tanhGate1(load<f32>(x + 2 * gb + k) + sh);
    const h = maddScalar(sz, load<f32>(hp0 + k), (<f32>1 - sz) * sn);
    if (keep) store<f32>(x + 2 * gb + k, sn);
    store<f32>(h1 + k, h);
    store<f32>(o + k, h);
  }
}

// dxg [T·B, 3H] out: dXproj; dhg [T·B, 3H] out: dHproj (the n third is the gradient of W_hn (r⊙h) + b_hn, which
// the dW_hn GEMM pairs with rh); dh [B, H]: in dh_T, out dh_0; dout [T·B] rows of ldo or 0; gates, hs from the
// forward; w_hh [3H, H]; lengths as in forward (a padded step passes dh through).
export function gru_reset_before_seq_bwd_f32(dxg: usize, dhg: usize, dh: usize, dout: usize, gates: usize, hs: usize, w_hh: usize, lengths: usize, T: i32, B: i32, H: i32, ldo: i32, reverse: i32): void {
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
      gradsZN(at(dxg, r * G), at(dhg, r * G), at(dh, b * H), o, at(gates, r * G), at(hs, prev + b * H), H);
    }
    // d(r⊙h) = dn·W_hn, written into the r third of dxg, which gradR then turns into dr.
    gemm_nn_f32(at(dxg, t * B * G), at(dhg, t * B * G + 2 * H), at(w_hh, 2 * H * H), B, H, H, G, H, G, 0);
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      if (padded(lengths, b, t)) {
        memory.fill(at(dxg, r * G), 0, <usize>H << 2);
        continue;
      }
      gradR(at(dxg, r * G), at(dhg, r * G), at(dh, b * H), at(gates, r * G), at(hs, prev + b * H), H);
    }
    // dh_{t−1} = z⊙dh + r⊙d(r⊙h) (left in dh by the row passes) + [dr, dz] · W_hr,z.
    gemm_nn_f32(dh, at(dhg, t * B * G), w_hh, B, H, 2 * H, G, H, H, 1);
  }
}

// dx, dhp, g [3H]: the z and n thirds; dh [H] in: dh_t (before adding dout), out: z⊙dh; dout [H] or 0; hp0 [H].
function gradsZN(dx: usize, dhp: usize, dh: usize, dout: usize, g: usize, hp0: usize, H: i32): void {
  const gb = <usize>H << 2;
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const k = <usize>j << 2;
    const dhv = dout ? f32x4.add(v128.load(dh + k), v128.load(dout + k)) : v128.load(dh + k);
    const vz = v128.load(g + gb + k);
    const vn = v128.load(g + 2 * gb + k);
    const dn = f32x4.mul(f32x4.mul(dhv, oneMinus(vz)), dtanh(vn));
    const dz = f32x4.mul(f32x4.mul(dhv, f32x4.sub(v128.load(hp0 + k), vn)), dsigmoid(vz));
    v128.store(dx + gb + k, dz);
    v128.store(dx + 2 * gb + k, dn);
    v128.store(dhp + gb + k, dz);
    v128.store(dhp + 2 * gb + k, dn);
    v128.store(dh + k, f32x4.mul(dhv, vz));
  }
  for (; j < H; j++) {
    const k = <usize>j << 2;
    const dhv = dout ? load<f32>(dh + k) + load<f32>(dout + k) : load<f32>(dh + k);
    const sz = load<f32>(g + gb + k);
    const sn = load<f32>(g + 2 * gb + k);
    const dn = (dhv * (<f32>1 - sz)) * dtanh1(sn);
    const dz = (dhv * (load<f32>(hp0 + k) - sn)) * dsigmoid1(sz);
    store<f32>(dx + gb + k, dz);
    store<f32>(dx + 2 * gb + k, dn);
    store<f32>(dhp + gb + k, dz);
    store<f32>(dhp + 2 * gb + k, dn);
    store<f32>(dh + k, dhv * sz);
  }
}

// dx [3H]: r third in d(r⊙h), out dr; dhp [3H]: r third out dr; dh [H] += r⊙d(r⊙h); g [3H]; hp0 (h_{t−1}) [H].
function gradR(dx: usize, dhp: usize, dh: usize, g: usize, hp0: usize, H: i32): void {
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const k = <usize>j << 2;
    const drh = v128.load(dx + k);
    const vr = v128.load(g + k);
    const dr = f32x4.mul(f32x4.mul(drh, v128.load(hp0 + k)), dsigmoid(vr));
    v128.store(dx + k, dr);
    v128.store(dhp + k, dr);
    v128.store(dh + k, madd(drh, vr, v128.load(dh + k)));
  }
  for (; j < H; j++) {
    const k = <usize>j << 2;
    const drh = load<f32>(dx + k);
    const sr = load<f32>(g + k);
    const dr = (drh * load<f32>(hp0 + k)) * dsigmoid1(sr);
    store<f32>(dx + k, dr);
    store<f32>(dhp + k, dr);
    store<f32>(dh + k, maddScalar(drh, sr, load<f32>(dh + k)));
  }
}
