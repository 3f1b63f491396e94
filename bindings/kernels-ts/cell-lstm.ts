// Twin of assembly/cell-lstm.ts: the same f32 operations per element in the same order, each rounded.
// Float indices are byte pointers >> 2.

import {
  curRow,
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

export function lstm_seq_fwd_f32(
  h: Heap,
  out: number,
  hs: number,
  cs: number,
  gates: number,
  hproj: number,
  w_hh: number,
  b_hh: number,
  h0: number,
  c0: number,
  lengths: number,
  T: number,
  B: number,
  H: number,
  ldo: number,
  reverse: number,
): void {
  forward(h, out, hs, cs, gates, 0, hproj, w_hh, b_hh, h0, c0, lengths, T, B, H, ldo, reverse, false);
}

/** Twin of lstm_seq_infer_f32. */
export function lstm_seq_infer_f32(
  h: Heap,
  out: number,
  hs: number,
  cs: number,
  xg: number,
  ids: number,
  hproj: number,
  w_hh: number,
  b_hh: number,
  h0: number,
  c0: number,
  lengths: number,
  T: number,
  B: number,
  H: number,
  ldo: number,
  reverse: number,
): void {
  forward(h, out, hs, cs, xg, ids, hproj, w_hh, b_hh, h0, c0, lengths, T, B, H, ldo, reverse, true);
}

/** The time loop of both (see cell.ts for `lean`); training turns the gates buffer xg into the activations. */
function forward(
  h: Heap,
  out: number,
  hs: number,
  cs: number,
  xg: number,
  ids: number,
  hproj: number,
  w_hh: number,
  b_hh: number,
  h0: number,
  c0: number,
  lengths: number,
  T: number,
  B: number,
  H: number,
  ldo: number,
  reverse: number,
  lean: boolean,
): void {
  const BH = B * H;
  const G = 4 * H;
  startState(h.f32, hs >> 2, h0, T, BH, reverse, lean);
  startState(h.f32, cs >> 2, c0, T, BH, reverse, lean);
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
        holdState(f, cs >> 2, prev + b * H, cur + b * H, H);
        f.fill(0, (out >> 2) + r * ldo, (out >> 2) + r * ldo + H);
        continue;
      }
      const x = inputRow(h.i32, xg, ids, r, G);
      rowFwd(
        f,
        x,
        (hproj >> 2) + b * G,
        b_hh >> 2,
        (cs >> 2) + prev + b * H,
        (cs >> 2) + cur + b * H,
        (hs >> 2) + cur + b * H,
        (out >> 2) + r * ldo,
        H,
        !lean,
      );
    }
  }
  finishState(h.f32, hs >> 2, T, BH, lean);
  finishState(h.f32, cs >> 2, T, BH, lean);
}

/** One row of a step (float indices): x input pre-activations, hp, bh [4H]; cp, cn, hn, o [H]; with `keep`
 * (training), the activations overwrite x. */
function rowFwd(
  f: Float32Array,
  x: number,
  hp: number,
  bh: number,
  cp: number,
  cn: number,
  hn: number,
  o: number,
  H: number,
  keep: boolean,
): void {
  for (let j = 0; j < H; j++) {
    const a = x + j;
    const p = hp + j;
    const q = bh + j;
    const si = sigmoidGate1(fround(f[a] + fround(f[p] + f[q])));
    const sf = sigmoidGate1(fround(f[a + H] + fround(f[p + H] + f[q + H])));
    const sg = tanhGate1(fround(f[a + 2 * H] + fround(f[p + 2 * H] + f[q + 2 * H])));
    const so = sigmoidGate1(fround(f[a + 3 * H] + fround(f[p + 3 * H] + f[q + 3 * H])));
    const c = fround(fround(sf * f[cp + j]) + fround(si * sg));
    const hv = fround(so * tanhGate1(c));
    if (keep) {
      f[x + j] = si;
      f[x + H + j] = sf;
      f[x + 2 * H + j] = sg;
      f[x + 3 * H + j] = so;
    }
    f[cn + j] = c;
    f[hn + j] = hv;
    f[o + j] = hv;
  }
}

export function lstm_seq_bwd_f32(
  h: Heap,
  dgates: number,
  dh: number,
  dc: number,
  dout: number,
  gates: number,
  cs: number,
  w_hh: number,
  lengths: number,
  T: number,
  B: number,
  H: number,
  ldo: number,
  reverse: number,
): void {
  const BH = B * H;
  const G = 4 * H;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(s, T, reverse);
    const prev = prevRow(t, reverse) * BH;
    const cur = curRow(t, reverse) * BH;
    const f = h.f32;
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      const dg = (dgates >> 2) + r * G;
      if (padded(h.i32, lengths, b, t)) {
        f.fill(0, dg, dg + G);
        continue;
      }
      const g = (gates >> 2) + r * G;
      const dhb = (dh >> 2) + b * H;
      const dcb = (dc >> 2) + b * H;
      const cp = (cs >> 2) + prev + b * H;
      const cn = (cs >> 2) + cur + b * H;
      const o = (dout >> 2) + r * ldo;
      for (let j = 0; j < H; j++) {
        const dhv = dout ? fround(f[dhb + j] + f[o + j]) : f[dhb + j];
        const si = f[g + j];
        const sf = f[g + H + j];
        const sg = f[g + 2 * H + j];
        const so = f[g + 3 * H + j];
        const tc = tanhGate1(f[cn + j]);
        const dcv = fround(fround(fround(dhv * so) * dtanh(tc)) + f[dcb + j]);
        f[dg + j] = fround(fround(dcv * sg) * dsigmoid(si));
        f[dg + H + j] = fround(fround(dcv * f[cp + j]) * dsigmoid(sf));
        f[dg + 2 * H + j] = fround(fround(dcv * si) * dtanh(sg));
        f[dg + 3 * H + j] = fround(fround(dhv * tc) * dsigmoid(so));
        f[dcb + j] = fround(dcv * sf);
      }
      if (lengths) f.fill(0, dhb, dhb + H);
    }
    gemm_nn_f32(h, dh, dgates + t * B * G * 4, w_hh, B, H, G, G, H, H, lengths ? 1 : 0);
  }
}

/** Twin of lstm_seq_bwd_packed_f32: wpack only changes where the wasm kernel reads W_hh from, not a result. */
export function lstm_seq_bwd_packed_f32(
  h: Heap,
  dgates: number,
  dh: number,
  dc: number,
  dout: number,
  gates: number,
  cs: number,
  w_hh: number,
  _wpack: number,
  lengths: number,
  T: number,
  B: number,
  H: number,
  ldo: number,
  reverse: number,
): void {
  lstm_seq_bwd_f32(h, dgates, dh, dc, dout, gates, cs, w_hh, lengths, T, B, H, ldo, reverse);
}
