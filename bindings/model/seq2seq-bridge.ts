// The state hand-over between a Seq2Seq's encoder and decoder, forward and back. Each decoder layer starts from
// its encoder layer's final state — the sum of the two directions' when the encoder is bidirectional — and
// in backward the decoder's dH0 (dC0) [L, B, H] becomes each direction's dHn (dCn) [L·D, B, H] in full.

import type { RecurrentEngine } from './recurrent-engine.ts';

/** Writes the decoder's initial h0 (and c0 when c0 is not 0) [L, B, H] from the encoder's last forward. */
export function handOver(enc: RecurrentEngine, h0: number, c0: number, B: number): void {
  const { L, D, H } = enc.config;
  const k = enc.rt.kernels;
  const BH = B * H;
  for (let l = 0; l < L; l++) {
    for (const [which, to] of [
      ['h', h0],
      ['c', c0],
    ] as const) {
      if (to === 0) continue;
      const at = to + l * BH * 4;
      if (D === 1) k.copy_f32(at, enc.finalState(l, which), BH);
      else k.add_f32(at, enc.finalState(2 * l, which), enc.finalState(2 * l + 1, which), BH);
    }
  }
}

/** Copies the decoder's dH0 (dC0) into the encoder's dHn (dCn), once per direction. */
export function handBack(enc: RecurrentEngine, dec: RecurrentEngine, B: number): void {
  const { L, D, H } = enc.config;
  const k = enc.rt.kernels;
  const BH = B * H;
  for (let u = 0; u < L * D; u++) {
    const from = Math.floor(u / D) * BH * 4;
    k.copy_f32(enc.dh + u * BH * 4, dec.dh + from, BH);
    if (enc.cell.hasCell) k.copy_f32(enc.dc + u * BH * 4, dec.dc + from, BH);
  }
}
