// Sequence kernels called directly: wasm-simd bit-identical to ts at every tile boundary of H (the fused gate
// pass has an f32x4 main loop and a scalar tail), for B = 1 and 3, both directions, strided outputs, with and
// without initial state and output gradient; the padding between strided output rows is never written.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import type { Region } from '../bindings/runtime/arena.ts';
import { EXACT_BACKENDS, get, loadRuntime, put, putI32 } from './helpers/backends.ts';
import { uniform } from './helpers/random.ts';

type Backend = (typeof EXACT_BACKENDS)[number];
const runtimes = {} as Record<Backend, Runtime>;
beforeAll(async () => {
  for (const b of EXACT_BACKENDS) runtimes[b] = await loadRuntime(b);
});

type Cell = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
const GATES: Record<Cell, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

interface Case {
  cell: Cell;
  H: number;
  B: number;
  reverse: number;
  withState: boolean;
  /** Per-row lengths (B of them, 1 ≤ len ≤ T = 3); absent = all T. */
  lengths?: number[];
}

/** Runs forward then backward of one direction on fresh buffers; returns every buffer the kernels wrote. */
function runKernels(rt: Runtime, c: Case): Record<string, Float32Array> {
  const { cell, H, B, reverse } = c;
  const T = 3;
  const G = GATES[cell];
  const N = T * B;
  const ldo = H + 3;
  let seed = 100;
  const buf = (n: number, scale = 1) => put(rt, uniform(n, seed++, -scale, scale));
  const r = {
    out: buf(N * ldo),
    hs: buf((N + B) * H),
    cs: buf((N + B) * H),
    gates: buf(N * G * H, 2),
    hn: buf(N * H),
    hproj: buf(B * G * H),
    whh: buf(G * H * H),
    bhh: buf(G * H),
    h0: buf(B * H),
    c0: buf(B * H),
    dxg: buf(N * G * H),
    dhg: buf(N * G * H),
    dh: buf(B * H),
    dc: buf(B * H),
    dout: buf(N * ldo),
  };
  const p = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.ptr])) as Record<
    keyof typeof r,
    number
  >;
  const h0 = c.withState ? p.h0 : 0;
  const c0 = c.withState ? p.c0 : 0;
  const dout = c.withState ? p.dout : 0;
  const lr = c.lengths ? putI32(rt, c.lengths) : undefined;
  const len = lr?.ptr ?? 0;
  const k = rt.kernels;
  if (cell === 'lstm') {
    k.lstm_seq_fwd_f32(p.out, p.hs, p.cs, p.gates, p.hproj, p.whh, p.bhh, h0, c0, len, T, B, H, ldo, reverse);
    k.lstm_seq_bwd_f32(p.dxg, p.dh, p.dc, dout, p.gates, p.cs, p.whh, len, T, B, H, ldo, reverse);
  } else if (cell === 'gru') {
    k.gru_seq_fwd_f32(p.out, p.hs, p.gates, p.hn, p.hproj, p.whh, p.bhh, h0, len, T, B, H, ldo, reverse);
    k.gru_seq_bwd_f32(p.dxg, p.dhg, p.dh, dout, p.gates, p.hn, p.hs, p.whh, len, T, B, H, ldo, reverse);
  } else {
    const relu = cell === 'rnn_relu' ? 1 : 0;
    k.rnn_seq_fwd_f32(p.out, p.hs, p.gates, p.hproj, p.whh, p.bhh, h0, len, T, B, H, ldo, reverse, relu);
    k.rnn_seq_bwd_f32(p.dxg, p.dh, dout, p.hs, p.whh, len, T, B, H, ldo, reverse, relu);
  }
  const result = Object.fromEntries(Object.entries(r).map(([name, region]) => [name, get(rt, region)]));
  for (const region of Object.values(r) as Region[]) rt.arena.free(region);
  if (lr) rt.arena.free(lr);
  return result;
}

const HS = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17];
const CASES: Case[] = (['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as Cell[]).flatMap((cell) =>
  HS.flatMap((H) =>
    [1, 3].flatMap((B) =>
      [0, 1].flatMap((reverse) =>
        [true, false].flatMap((withState) => [
          { cell, H, B, reverse, withState },
          // Padded rows: a full one, a short one and (B = 3) a one-step one.
          { cell, H, B, reverse, withState, lengths: B === 1 ? [2] : [3, 2, 1] },
        ]),
      ),
    ),
  ),
);

describe('sequence kernels: wasm-simd is bit-identical to ts', () => {
  for (const cell of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as Cell[]) {
    it(`${cell} over H ∈ {${HS.join(', ')}}, B ∈ {1, 3}, both directions, with and without state and lengths`, () => {
      for (const c of CASES.filter((x) => x.cell === cell)) {
        const a = runKernels(runtimes.ts, c);
        const b = runKernels(runtimes['wasm-simd'], c);
        expect(b, JSON.stringify(c)).toEqual(a);
      }
    });
  }

  it('strided outputs leave the padding between rows untouched', () => {
    const c: Case = { cell: 'lstm', H: 5, B: 2, reverse: 1, withState: true };
    const before = uniform(3 * 2 * 8, 100); // the first buffer runKernels fills: out [T·B, ldo = H + 3]
    const after = runKernels(runtimes['wasm-simd'], c).out;
    for (let row = 0; row < 6; row++) {
      for (let j = 5; j < 8; j++) expect(after[row * 8 + j]).toBe(before[row * 8 + j]);
    }
  });

  it('the initial state goes to row 0 (forward) or row T (reverse) of the history; 0 means zeros', () => {
    for (const reverse of [0, 1]) {
      const hs = runKernels(runtimes.ts, { cell: 'gru', H: 4, B: 2, reverse, withState: false }).hs;
      const row = reverse ? 3 : 0;
      expect([...hs.subarray(row * 8, row * 8 + 8)]).toEqual(Array(8).fill(0));
    }
  });
});
