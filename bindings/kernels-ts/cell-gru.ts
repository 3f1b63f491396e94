// Twin of assembly/cell-gru.ts: the same f32 operations per element in the same order, each rounded.

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

export function gru_seq_fwd_f32(
  h: Heap,
  out: number,
  hs: number,
  gates: number,
  hn: number,
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
  forward(h, out, hs, gates, 0, hn, hproj, w_hh, b_hh, h0, lengths, T, B, H, ldo, reverse, false);
}

/** Twin of gru_seq_infer_f32. */
export function gru_seq_infer_f32(
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

/** The time loop of both (see cell.ts for `lean`); training turns the gates buffer xg into the activations and
 * writes hn. */
function forward(
  h: Heap,
  out: number,
  hs: number,
  xg: number,
  ids: number,
  hn: number,
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
    gemm_nt_f32(h, hproj, hs + prev * 4, w_hh, B, G, H, H, H, G, 0);
    const f = h.f32;
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      if (padded(h.i32, lengths, b, t)) {
        holdState(f, hs >> 2, prev + b * H, cur + b * H, H);
        f.fill(0, (out >> 2) + r * ldo, (out >> 2) + r * ldo + H);
        continue;
      }
      const x = inputRow(h.i32, xg, ids, r, G);
      rowFwd(
        f,
        x,
        lean ? 0 : (hn >> 2) + r * H,
        (hproj >> 2) + b * G,
        b_hh >> 2,
        (hs >> 2) + prev + b * H,
        (hs >> 2) + cur + b * H,
        (out >> 2) + r * ldo,
        H,
        !lean,
      );
    }
  }
  finishState(h.f32, hs >> 2, T, BH, lean);
}

/** One row of a step (float indices): x input pre-activations, hp, bh [3H]; h0r (h_{t−1}), h1r (h_t), o [H]; with
 * `keep` (training), r, z, n overwrite x and W_hn h + b_hn goes into hn [H]. */
function rowFwd(
  f: Float32Array,
  x: number,
  hn: number,
  hp: number,
  bh: number,
  h0r: number,
  h1r: number,
  o: number,
  H: number,
  keep: boolean,
): void {
  for (let j = 0; j < H; j++) {
    const a = x + j;
    const p = hp + j;
    const q = bh + j;
    const sr = sigmoidGate1(fround(f[a] + fround(f[p] + f[q])));
    const sz = sigmoidGate1(fround(f[a + H] + fround(f[p + H] + f[q + H])));
    const sh = fround(f[p + 2 * H] + f[q + 2 * H]);
    const sn = tanhGate1(fround(fround(sr * sh) + f[a + 2 * H]));
    const hv = fround(fround(sz * f[h0r + j]) + fround(fround(1 - sz) * sn));
    if (keep) {
      f[x + j] = sr;
      f[x + H + j] = sz;
      f[x + 2 * H + j] = sn;
      f[hn + j] = sh;
    }
    f[h1r + j] = hv;
    f[o + j] = hv;
  }
}

export function gru_seq_bwd_f32(
  h: Heap,
  dxg: number,
  dhg: number,
  dh: number,
  dout: number,
  gates: number,
  hn: number,
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
      const hnr = (hn >> 2) + r * H;
      const h0r = (hs >> 2) + prev + b * H;
      const o = (dout >> 2) + r * ldo;
      for (let j = 0; j < H; j++) {
        const dhv = dout ? fround(f[dhb + j] + f[o + j]) : f[dhb + j];
        const sr = f[g + j];
        const sz = f[g + H + j];
        const sn = f[g + 2 * H + j];
        const dn = fround(fround(dhv * fround(1 - sz)) * dtanh(sn));
        const dz = fround(fround(dhv * fround(f[h0r + j] - sn)) * dsigmoid(sz));
        const dr = fround(fround(dn * f[hnr + j]) * dsigmoid(sr));
        f[dx + j] = dr;
        f[dx + H + j] = dz;
        f[dx + 2 * H + j] = dn;
        f[dhp + j] = dr;
        f[dhp + H + j] = dz;
        f[dhp + 2 * H + j] = fround(dn * sr);
        f[dhb + j] = fround(dhv * sz);
      }
    }
    gemm_nn_f32(h, dh, dhg + t * B * G * 4, w_hh, B, H, G, G, H, H, 1);
  }
}
