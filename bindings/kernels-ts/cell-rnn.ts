// Twin of assembly/cell-rnn.ts: the same f32 operations per element in the same order, each rounded.

import {
  curRow,
  dtanh,
  finishState,
  holdState,
  inputRow,
  padded,
  startState,
  stateAfter,
  stateBefore,
  timeOf,
} from './cell.ts';
import { tanhGate1 } from './gate.ts';
import { gemm_nn_f32, gemm_nt_f32 } from './gemm.ts';
import { fround, type Heap } from './heap.ts';

export function rnn_seq_fwd_f32(
  h: Heap,
  out: number,
  hs: number,
  xproj: number,
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
  relu: number,
): void {
  forward(h, out, hs, xproj, 0, hproj, w_hh, b_hh, h0, lengths, T, B, H, ldo, reverse, relu, false);
}

/** Twin of rnn_seq_infer_f32. */
export function rnn_seq_infer_f32(
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
  relu: number,
): void {
  forward(h, out, hs, xg, ids, hproj, w_hh, b_hh, h0, lengths, T, B, H, ldo, reverse, relu, true);
}

/** The time loop of both (see cell.ts for `lean`). */
function forward(
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
  relu: number,
  lean: boolean,
): void {
  const BH = B * H;
  startState(h.f32, hs >> 2, h0, T, BH, reverse, lean);
  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, reverse);
    const prev = stateBefore(s, t, reverse, BH, lean);
    const cur = stateAfter(s, t, reverse, BH, lean);
    gemm_nt_f32(h, hproj, hs + prev * 4, w_hh, B, H, H, H, H, H, 0);
    const f = h.f32;
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      if (padded(h.i32, lengths, b, t)) {
        holdState(f, hs >> 2, prev + b * H, cur + b * H, H);
        f.fill(0, (out >> 2) + r * ldo, (out >> 2) + r * ldo + H);
        continue;
      }
      const x = inputRow(h.i32, xg, ids, r, H);
      rowFwd(f, x, (hproj >> 2) + b * H, b_hh >> 2, (hs >> 2) + cur + b * H, (out >> 2) + r * ldo, H, relu);
    }
  }
  finishState(h.f32, hs >> 2, T, BH, lean);
}

/** One row of a step (float indices): x (read only), hp, bh, h1 (h_t), o [H]. */
function rowFwd(
  f: Float32Array,
  x: number,
  hp: number,
  bh: number,
  h1: number,
  o: number,
  H: number,
  relu: number,
) {
  for (let j = 0; j < H; j++) {
    const p = fround(f[x + j] + fround(f[hp + j] + f[bh + j]));
    // biome-ignore lint/complexity/useMathMinMax: Math.max(NaN, 0) is NaN; the wasm lanes (and the mask) give 0.
    const hv = relu ? (p > 0 ? p : 0) : tanhGate1(p);
    f[h1 + j] = hv;
    f[o + j] = hv;
  }
}

export function rnn_seq_bwd_f32(
  h: Heap,
  dxproj: number,
  dh: number,
  dout: number,
  hs: number,
  w_hh: number,
  lengths: number,
  T: number,
  B: number,
  H: number,
  ldo: number,
  reverse: number,
  relu: number,
): void {
  const BH = B * H;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(s, T, reverse);
    const cur = curRow(t, reverse) * BH;
    const f = h.f32;
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      const dp = (dxproj >> 2) + r * H;
      const dhb = (dh >> 2) + b * H;
      if (padded(h.i32, lengths, b, t)) {
        f.fill(0, dp, dp + H);
        continue;
      }
      const h1 = (hs >> 2) + cur + b * H;
      const o = (dout >> 2) + r * ldo;
      for (let j = 0; j < H; j++) {
        const dhv = dout ? fround(f[dhb + j] + f[o + j]) : f[dhb + j];
        const hv = f[h1 + j];
        f[dp + j] = relu ? (hv > 0 ? dhv : 0) : fround(dhv * dtanh(hv));
      }
      if (lengths) f.fill(0, dhb, dhb + H);
    }
    gemm_nn_f32(h, dh, dxproj + t * B * H * 4, w_hh, B, H, H, H, H, H, lengths ? 1 : 0);
  }
}
