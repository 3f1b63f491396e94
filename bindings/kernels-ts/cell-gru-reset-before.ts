// Twin of assembly/cell-gru-reset-before.ts: the same f32 operations per element in the same order, each rounded.

import {
  dsigmoid,
  dtanh,
  finishState,
  holdState,
  inputRow,
  padded,
  prevRow,
  startState,
  stateAfter,
  stateBefore,
  timeOf,
} from './cell.ts';
import { sigmoidGate1, tanhGate1 } from './gate.ts';
import { gemm_nn_f32, gemm_nt_f32 } from './gemm.ts';
import { fround, type Heap } from './heap.ts';

export function gru_reset_before_seq_fwd_f32(
  h: Heap,
  out: number,
  hs: number,
  gates: number,
  rh: number,
  hproj: number,
  w_hh: number,
  b_hh: number,
  h0: number,
  lengths: number,
  T: number,
  B: number,
  H: number,
  ldo: number,
  reverse: number,
): void {
  forward(h, out, hs, gates, 0, rh, hproj, w_hh, b_hh, h0, lengths, T, B, H, ldo, reverse, false);
}

/** Twin of gru_reset_before_seq_infer_f32. */
export function gru_reset_before_seq_infer_f32(
  h: Heap,
  out: number,
  hs: number,
  xg: number,
  ids: number,
  hproj: number,
  w_hh: number,
  b_hh: number,
  h0: number,
  lengths: number,
  T: number,
  B: number,
  H: number,
  ldo: number,
  reverse: number,
): void {
  forward(h, out, hs, xg, ids, 0, hproj, w_hh, b_hh, h0, lengths, T, B, H, ldo, reverse, true);
}

/** The time loop of both (see cell.ts for `lean`): training turns the gates buffer xg into the activations and keeps
 * r⊙h_{t−1} in rh; inference builds it in the slot h_t then overwrites, r and z waiting in hproj's row. */
function forward(
  h: Heap,
  out: number,
  hs: number,
  xg: number,
  ids: number,
  rh: number,
  hproj: number,
  w_hh: number,
  b_hh: number,
  h0: number,
  lengths: number,
  T: number,
  B: number,
  H: number,
  ldo: number,
  reverse: number,
  lean: boolean,
): void {
  const BH = B * H;
  const G = 3 * H;
  startState(h.f32, hs >> 2, h0, T, BH, reverse, lean);
  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, reverse);
    const prev = stateBefore(s, t, reverse, BH, lean);
    const cur = stateAfter(s, t, reverse, BH, lean);
    // r⊙h_{t−1} [B, H] of this step (byte pointer).
    const rhStep = lean ? hs + cur * 4 : rh + t * BH * 4;
    gemm_nt_f32(h, hproj, hs + prev * 4, w_hh, B, 2 * H, H, H, H, G, 0);
    const f = h.f32;
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      const rhr = (rhStep >> 2) + b * H;
      if (padded(h.i32, lengths, b, t)) {
        f.fill(0, rhr, rhr + H);
        continue;
      }
      const x = inputRow(h.i32, xg, ids, r, G);
      gatesRZ(f, x, (hproj >> 2) + b * G, b_hh >> 2, (hs >> 2) + prev + b * H, rhr, H, !lean);
    }
    gemm_nt_f32(h, hproj + 2 * H * 4, rhStep, w_hh + 2 * H * H * 4, B, H, H, H, H, G, 0);
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      const o = (out >> 2) + r * ldo;
      if (padded(h.i32, lengths, b, t)) {
        holdState(f, hs >> 2, prev + b * H, cur + b * H, H);
        f.fill(0, o, o + H);
        continue;
      }
      const x = inputRow(h.i32, xg, ids, r, G);
      gateN(
        f,
        x,
        (hproj >> 2) + b * G,
        b_hh >> 2,
        (hs >> 2) + prev + b * H,
        (hs >> 2) + cur + b * H,
        o,
        H,
        !lean,
      );
    }
  }
  finishState(h.f32, hs >> 2, T, BH, lean);
}

/** σ of the 2H r, z floats of x + (hp + bh), then rh = r⊙h_{t−1} [H] (float indices). With `keep` (training), r
 * and z overwrite x; without, they go into the r, z thirds of hp, just read. */
function gatesRZ(
  f: Float32Array,
  x: number,
  hp: number,
  bh: number,
  h0r: number,
  rhr: number,
  H: number,
  keep: boolean,
): void {
  const a = keep ? x : hp;
  for (let j = 0; j < 2 * H; j++) f[a + j] = sigmoidGate1(fround(f[x + j] + fround(f[hp + j] + f[bh + j])));
  for (let j = 0; j < H; j++) f[rhr + j] = fround(f[a + j] * f[h0r + j]);
}

/** n and h_t of a row (float indices): x, hp (n third: W_hn (r⊙h)), bh [3H]; h0r, h1r, o [H]. z is where gatesRZ
 * put it (x with `keep`, else hp); with `keep`, n overwrites x. */
function gateN(
  f: Float32Array,
  x: number,
  hp: number,
  bh: number,
  h0r: number,
  h1r: number,
  o: number,
  H: number,
  keep: boolean,
): void {
  const a = keep ? x : hp;
  for (let j = 0; j < H; j++) {
    const sz = f[a + H + j];
    const sh = fround(f[hp + 2 * H + j] + f[bh + 2 * H + j]);
    const sn = tanhGate1(fround(f[x + 2 * H + j] + sh));
    const hv = fround(fround(sz * f[h0r + j]) + fround(fround(1 - sz) * sn));
    if (keep) f[x + 2 * H + j] = sn;
    f[h1r + j] = hv;
    f[o + j] = hv;
  }
}

export function gru_reset_before_seq_bwd_f32(
  h: Heap,
  dxg: number,
  dhg: number,
  dh: number,
  dout: number,
  gates: number,
  hs: number,
  w_hh: number,
  lengths: number,
  T: number,
  B: number,
  H: number,
  ldo: number,
  reverse: number,
): void {
  const BH = B * H;
  const G = 3 * H;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(s, T, reverse);
    const prev = prevRow(t, reverse) * BH;
    const f = h.f32;
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      const dx = (dxg >> 2) + r * G;
      const dhp = (dhg >> 2) + r * G;
      if (padded(h.i32, lengths, b, t)) {
        f.fill(0, dx, dx + G);
        f.fill(0, dhp, dhp + G);
        continue;
      }
      const g = (gates >> 2) + r * G;
      const dhb = (dh >> 2) + b * H;
      const h0r = (hs >> 2) + prev + b * H;
      const o = (dout >> 2) + r * ldo;
      for (let j = 0; j < H; j++) {
        const dhv = dout ? fround(f[dhb + j] + f[o + j]) : f[dhb + j];
        const sz = f[g + H + j];
        const sn = f[g + 2 * H + j];
        const dn = fround(fround(dhv * fround(1 - sz)) * dtanh(sn));
        const dz = fround(fround(dhv * fround(f[h0r + j] - sn)) * dsigmoid(sz));
        f[dx + H + j] = dz;
        f[dx + 2 * H + j] = dn;
        f[dhp + H + j] = dz;
        f[dhp + 2 * H + j] = dn;
        f[dhb + j] = fround(dhv * sz);
      }
    }
    // d(r⊙h) = dn·W_hn into the r third of dxg; the pass below turns it into dr.
    const row = t * B * G * 4;
    gemm_nn_f32(h, dxg + row, dhg + row + 2 * H * 4, w_hh + 2 * H * H * 4, B, H, H, G, H, G, 0);
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      const dx = (dxg >> 2) + r * G;
      if (padded(h.i32, lengths, b, t)) {
        f.fill(0, dx, dx + H);
        continue;
      }
      const dhp = (dhg >> 2) + r * G;
      const g = (gates >> 2) + r * G;
      const dhb = (dh >> 2) + b * H;
      const h0r = (hs >> 2) + prev + b * H;
      for (let j = 0; j < H; j++) {
        const drh = f[dx + j];
        const sr = f[g + j];
        const dr = fround(fround(drh * f[h0r + j]) * dsigmoid(sr));
        f[dx + j] = dr;
        f[dhp + j] = dr;
        f[dhb + j] = fround(fround(drh * sr) + f[dhb + j]);
      }
    }
    gemm_nn_f32(h, dh, dhg + row, w_hh, B, H, 2 * H, G, H, H, 1);
  }
}
