// The reset-before GRU kernels called directly: wasm-simd bit-identical to ts at every tile boundary of H (f32x4
// main loops with scalar tails, and the 2H-wide σ pass whose split falls inside the z third when H % 4 ≠ 0),
// for B = 1, 3 and 5, both directions, strided outputs, with and without initial state, output gradient and
// per-row lengths; padded steps leave r⊙h at 0 and write no gate gradient.

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

interface Case {
  H: number;
  B: number;
  reverse: number;
  withState: boolean;
  lengths?: number[];
}

const T = 3;

/** Forward then backward of one direction on fresh buffers (garbage-filled); every buffer afterwards. */
function runKernels(rt: Runtime, c: Case): Record<string, Float32Array> {
  const { H, B, reverse } = c;
  const N = T * B;
  const ldo = H + 3;
  let seed = 300;
  const buf = (n: number, scale = 1) => put(rt, uniform(n, seed++, -scale, scale));
  const r = {
    out: buf(N * ldo),
    hs: buf((N + B) * H),
    gates: buf(N * 3 * H, 2),
    rh: buf(N * H),
    hproj: buf(B * 3 * H),
    whh: buf(3 * H * H),
    bhh: buf(3 * H),
    h0: buf(B * H),
    dxg: buf(N * 3 * H),
    dhg: buf(N * 3 * H),
    dh: buf(B * H),
    dout: buf(N * ldo),
  };
  const p = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.ptr])) as Record<
    keyof typeof r,
    number
  >;
  const lr = c.lengths ? putI32(rt, c.lengths) : undefined;
  const len = lr?.ptr ?? 0;
  const h0 = c.withState ? p.h0 : 0;
  const dout = c.withState ? p.dout : 0;
  const k = rt.kernels;
  k.gru_reset_before_seq_fwd_f32(
    p.out,
    p.hs,
    p.gates,
    p.rh,
    p.hproj,
    p.whh,
    p.bhh,
    h0,
    len,
    T,
    B,
    H,
    ldo,
    reverse,
  );
  k.gru_reset_before_seq_bwd_f32(p.dxg, p.dhg, p.dh, dout, p.gates, p.hs, p.whh, len, T, B, H, ldo, reverse);
  const result = Object.fromEntries(Object.entries(r).map(([name, region]) => [name, get(rt, region)]));
  for (const region of Object.values(r) as Region[]) rt.arena.free(region);
  if (lr) rt.arena.free(lr);
  return result;
}

const HS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 31, 33];
const CASES: Case[] = HS.flatMap((H) =>
  [1, 3, 5].flatMap((B) =>
    [0, 1].flatMap((reverse) =>
      [true, false].flatMap((withState) => [
        { H, B, reverse, withState },
        { H, B, reverse, withState, lengths: B === 1 ? [2] : [3, 2, 1, 3, 1].slice(0, B) },
      ]),
    ),
  ),
);

describe('reset-before GRU kernels: wasm-simd is bit-identical to ts', () => {
  it(`over H ∈ {${HS.join(', ')}}, B ∈ {1, 3, 5}, both directions, with and without state and lengths`, () => {
    for (const c of CASES) {
      const a = runKernels(runtimes.ts, c);
      const b = runKernels(runtimes['wasm-simd'], c);
      expect(b, JSON.stringify(c)).toEqual(a);
    }
  });

  it('padded steps: r⊙h is 0, gate gradients are 0, the state is held, the output is 0', () => {
    const c: Case = { H: 5, B: 3, reverse: 0, withState: true, lengths: [3, 2, 1] };
    const H = 5;
    const got = runKernels(runtimes['wasm-simd'], c);
    for (const [t, b] of [
      [2, 1],
      [1, 2],
      [2, 2],
    ]) {
      const row = t * 3 + b;
      expect([...got.rh.subarray(row * H, row * H + H)]).toEqual(Array(H).fill(0));
      expect([...got.dxg.subarray(row * 3 * H, (row + 1) * 3 * H)]).toEqual(Array(3 * H).fill(0));
      expect([...got.dhg.subarray(row * 3 * H, (row + 1) * 3 * H)]).toEqual(Array(3 * H).fill(0));
      expect([...got.out.subarray(row * (H + 3), row * (H + 3) + H)]).toEqual(Array(H).fill(0));
      const before = got.hs.subarray((t * 3 + b) * H, (t * 3 + b + 1) * H);
      expect(got.hs.subarray(((t + 1) * 3 + b) * H, ((t + 1) * 3 + b + 1) * H)).toEqual(before);
    }
  });

  it('strided outputs leave the padding between rows untouched', () => {
    const H = 5;
    const before = uniform(T * 2 * (H + 3), 300); // the first buffer runKernels fills: out [T·B, ldo = H + 3]
    const after = runKernels(runtimes['wasm-simd'], { H, B: 2, reverse: 1, withState: true }).out;
    for (let row = 0; row < T * 2; row++) {
      for (let j = H; j < H + 3; j++) expect(after[row * (H + 3) + j]).toBe(before[row * (H + 3) + j]);
    }
  });
});
