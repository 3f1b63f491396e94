// lstm_seq_bwd_packed_f32 (W_hh packed once per sequence into a scratch) gives the bits of lstm_seq_bwd_f32 on
// every backend, whether or not the shape takes the packed path (H ≥ 512, or B ≥ 128; with fringe columns
// H % 8 and rows B % 4, both directions, padded rows, two k blocks), whatever the scratch held before, and writes
// nothing past the scratch; wasm-simd and ts agree on it bit for bit.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import { BACKENDS, get, loadRuntime, put, putI32 } from './helpers/backends.ts';
import { uniform } from './helpers/random.ts';

type Backend = (typeof BACKENDS)[number];
const runtimes = {} as Record<Backend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

interface Case {
  H: number;
  B: number;
  T: number;
  reverse: number;
  lengths?: number[];
}

const CASES: Case[] = [
  { H: 512, B: 16, T: 3, reverse: 0 },
  { H: 516, B: 17, T: 2, reverse: 1, lengths: [2, 1, ...Array(15).fill(2)] },
  { H: 20, B: 130, T: 2, reverse: 0 },
  { H: 24, B: 6, T: 3, reverse: 1, lengths: [3, 1, 2, 3, 3, 2] },
];

/** Forward, then backward from the same state by the plain kernel and by the packed one (guarded scratch). */
function run(rt: Runtime, c: Case) {
  const { H, B, T, reverse } = c;
  const G = 4 * H;
  const N = T * B;
  let seed = 300;
  const buf = (n: number, scale = 1) => put(rt, uniform(n, seed++, -scale, scale));
  const out = buf(N * H);
  const hs = buf((N + B) * H);
  const cs = buf((N + B) * H);
  const gates = buf(N * G, 2);
  const hproj = buf(B * G);
  const whh = buf(G * H, 0.2);
  const bhh = buf(G);
  const h0 = buf(B * H);
  const c0 = buf(B * H);
  const dout = buf(N * H);
  const dh0 = uniform(B * H, seed++);
  const dc0 = uniform(B * H, seed++);
  const len = c.lengths ? putI32(rt, c.lengths) : undefined;
  const k = rt.kernels;
  const lp = len?.ptr ?? 0;
  k.lstm_seq_fwd_f32(
    out.ptr,
    hs.ptr,
    cs.ptr,
    gates.ptr,
    hproj.ptr,
    whh.ptr,
    bhh.ptr,
    h0.ptr,
    c0.ptr,
    lp,
    T,
    B,
    H,
    H,
    reverse,
  );
  const results = [false, true].map((packed) => {
    const dxg = buf(N * G);
    const dh = put(rt, dh0);
    const dc = put(rt, dc0);
    // The scratch starts as garbage, with a guard band after it.
    const scratch = put(rt, uniform(G * H + 64, seed++, -9, 9));
    const guard = get(rt, scratch).subarray(G * H);
    if (packed) {
      k.lstm_seq_bwd_packed_f32(
        dxg.ptr,
        dh.ptr,
        dc.ptr,
        dout.ptr,
        gates.ptr,
        cs.ptr,
        whh.ptr,
        scratch.ptr,
        lp,
        T,
        B,
        H,
        H,
        reverse,
      );
    } else {
      k.lstm_seq_bwd_f32(
        dxg.ptr,
        dh.ptr,
        dc.ptr,
        dout.ptr,
        gates.ptr,
        cs.ptr,
        whh.ptr,
        lp,
        T,
        B,
        H,
        H,
        reverse,
      );
    }
    const r = {
      dxg: get(rt, dxg),
      dh: get(rt, dh),
      dc: get(rt, dc),
      guard: get(rt, scratch).subarray(G * H),
    };
    expect(firstDifference({ guard: r.guard }, { guard })).toBe('same');
    for (const region of [dxg, dh, dc, scratch]) rt.arena.free(region);
    return { dxg: r.dxg, dh: r.dh, dc: r.dc };
  });
  for (const region of [out, hs, cs, gates, hproj, whh, bhh, h0, c0, dout]) rt.arena.free(region);
  if (len) rt.arena.free(len);
  return results;
}

/** The first buffer and index where two results differ bit for bit, or 'same' (a short failure message: a
 * toEqual diff over arrays of 10⁵ floats takes minutes to print). */
function firstDifference(a: Record<string, Float32Array>, b: Record<string, Float32Array>): string {
  for (const name of Object.keys(a)) {
    const i = a[name].findIndex((v, j) => !Object.is(v, b[name][j]));
    if (i >= 0) return `${name}[${i}]: ${a[name][i]} vs ${b[name][i]}`;
  }
  return 'same';
}

describe('lstm_seq_bwd_packed_f32', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: the same bits as lstm_seq_bwd_f32 on packed and unpacked shapes`, () => {
      for (const c of CASES) {
        const [plain, packed] = run(runtimes[backend], c);
        expect(firstDifference(packed, plain), JSON.stringify(c)).toBe('same');
      }
    });
  }

  it('wasm-simd is bit-identical to ts', () => {
    for (const c of CASES) {
      expect(
        firstDifference(run(runtimes['wasm-simd'], c)[1], run(runtimes.ts, c)[1]),
        JSON.stringify(c),
      ).toBe('same');
    }
  });
});
