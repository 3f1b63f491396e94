// Attention kernels: every backend against the float64 reference (test/helpers/attention-ref.ts), gradients
// against central differences of that reference, and wasm-simd bit-identical to ts at every tile boundary.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import {
  type AttentionShape,
  context,
  maskedSoftmax,
  scoreAdditive,
  scoreDot,
} from './helpers/attention-ref.ts';
import { BACKENDS, get, loadRuntime, put, putI32 } from './helpers/backends.ts';
import { EDGE_SIZES, uniform } from './helpers/random.ts';

const runtimes = {} as Record<(typeof BACKENDS)[number], Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

interface Inputs {
  shape: AttentionShape;
  /** Query/key width (H, or A for additive) and value width D. */
  H: number;
  D: number;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** Additive scoring vector [H]. */
  w: Float32Array;
  /** Weights of the scalar loss Σ g ⊙ ctx. */
  g: Float32Array;
  lengths?: Int32Array;
}

function inputs(shape: AttentionShape, H: number, D: number, seed: number, lengths?: number[]): Inputs {
  const { Tq, Ts, B } = shape;
  return {
    shape,
    H,
    D,
    q: uniform(Tq * B * H, seed),
    k: uniform(Ts * B * H, seed + 1),
    v: uniform(Ts * B * D, seed + 2),
    w: uniform(H, seed + 3),
    g: uniform(Tq * B * D, seed + 4),
    lengths: lengths ? Int32Array.from(lengths) : undefined,
  };
}

type Score = 'dot' | 'additive';

interface Outputs {
  s: Float32Array;
  p: Float32Array;
  ctx: Float32Array;
  dq: Float32Array;
  dk: Float32Array;
  dv: Float32Array;
  dw: Float32Array;
}

/** Forward (score, masked softmax, context) and backward of Σ g ⊙ ctx through the kernels. */
function runKernels(rt: Runtime, x: Inputs, score: Score): Outputs {
  const { Tq, Ts, B } = x.shape;
  const k = rt.kernels;
  const [q, kk, v, w, g] = [x.q, x.k, x.v, x.w, x.g].map((a) => put(rt, a));
  const zeros = (n: number) => put(rt, new Float32Array(n));
  const [s, p, ctx, dp, ds] = [Tq * B * Ts, Tq * B * Ts, Tq * B * x.D, Tq * B * Ts, Tq * B * Ts].map(zeros);
  // Gradients start non-zero: the backward kernels must add to them, not overwrite.
  const seeds = [Tq * B * x.H, Ts * B * x.H, Ts * B * x.D, x.H].map((n, i) => uniform(n, 90 + i));
  const [dq, dk, dv, dw] = seeds.map((a) => put(rt, a));
  const len = x.lengths ? putI32(rt, x.lengths) : undefined;
  if (score === 'dot') k.attn_score_dot_f32(s.ptr, q.ptr, kk.ptr, Tq, Ts, B, x.H);
  else k.attn_score_add_f32(s.ptr, q.ptr, kk.ptr, w.ptr, Tq, Ts, B, x.H);
  k.attn_softmax_f32(p.ptr, s.ptr, len?.ptr ?? 0, Tq, Ts, B);
  k.attn_context_f32(ctx.ptr, p.ptr, v.ptr, Tq, Ts, B, x.D);
  k.attn_context_bwd_f32(dp.ptr, dv.ptr, g.ptr, p.ptr, v.ptr, Tq, Ts, B, x.D);
  k.attn_softmax_bwd_f32(ds.ptr, p.ptr, dp.ptr, Tq, Ts, B);
  if (score === 'dot') k.attn_score_dot_bwd_f32(dq.ptr, dk.ptr, ds.ptr, q.ptr, kk.ptr, Tq, Ts, B, x.H);
  else k.attn_score_add_bwd_f32(dq.ptr, dk.ptr, dw.ptr, ds.ptr, q.ptr, kk.ptr, w.ptr, Tq, Ts, B, x.H);
  const sub = (r: { ptr: number }, seed: Float32Array) => {
    const out = get(rt, r as never);
    return out.map((value, i) => value - seed[i]);
  };
  const out = {
    s: get(rt, s),
    p: get(rt, p),
    ctx: get(rt, ctx),
    dq: sub(dq, seeds[0]),
    dk: sub(dk, seeds[1]),
    dv: sub(dv, seeds[2]),
    dw: sub(dw, seeds[3]),
  };
  for (const r of [q, kk, v, w, g, s, p, ctx, dp, ds, dq, dk, dv, dw, len]) if (r) rt.arena.free(r);
  return out;
}

function scoresRef(x: Inputs, score: Score, q = x.q, k = x.k, w = x.w): number[] {
  return score === 'dot' ? scoreDot(q, k, x.shape, x.H) : scoreAdditive(q, k, w, x.shape, x.H);
}

/** The float64 loss Σ g ⊙ ctx of the reference. */
function lossRef(x: Inputs, score: Score, q = x.q, k = x.k, v = x.v, w = x.w): number {
  const p = maskedSoftmax(scoresRef(x, score, q, k, w), x.shape, x.lengths);
  return context(p, v, x.shape, x.D).reduce((sum, c, i) => sum + c * x.g[i], 0);
}

/** Central differences of lossRef with respect to every entry of one input. */
function numericGrad(x: Inputs, score: Score, which: 'q' | 'k' | 'v' | 'w'): number[] {
  const base = x[which];
  const eps = 1e-6;
  return Array.from(base, (_, i) => {
    const at = (delta: number) => {
      const moved = Float64Array.from(base);
      moved[i] += delta;
      const args = { q: x.q, k: x.k, v: x.v, w: x.w, [which]: moved } as Record<string, ArrayLike<number>>;
      return lossRef(
        x,
        score,
        args.q as Float32Array,
        args.k as Float32Array,
        args.v as Float32Array,
        args.w as Float32Array,
      );
    };
    return (at(eps) - at(-eps)) / (2 * eps);
  });
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    expect(err, `${what}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i])));
  }
}

const SCORES: Score[] = ['dot', 'additive'];

describe.each(BACKENDS)('attention kernels on %s', (backend) => {
  const tol = backend === 'wasm-relaxed' ? 2e-5 : 1e-5;
  for (const score of SCORES) {
    it(`${score}: forward matches the float64 reference, with padded source rows`, () => {
      for (const H of [1, 3, 4, 5, 8, 9, 17]) {
        const x = inputs({ Tq: 3, Ts: 5, B: 3 }, H, H + 2, H, [5, 2, 4]);
        const out = runKernels(runtimes[backend], x, score);
        const s = scoresRef(x, score);
        const p = maskedSoftmax(s, x.shape, x.lengths);
        close(out.s, s, tol, `s H=${H}`);
        close(out.p, p, tol, `p H=${H}`);
        close(out.ctx, context(p, x.v, x.shape, x.D), tol, `ctx H=${H}`);
        // Padded source steps get exactly zero weight.
        for (let r = 0; r < 9; r++) {
          for (let t = x.lengths![r % 3]; t < 5; t++) expect(out.p[r * 5 + t]).toBe(0);
        }
      }
    });

    it(`${score}: one source step, one batch row, and a single query step`, () => {
      for (const [shape, lengths] of [
        [{ Tq: 1, Ts: 1, B: 1 }, [1]],
        [{ Tq: 1, Ts: 2, B: 1 }, [1]],
        [{ Tq: 3, Ts: 1, B: 3 }, undefined],
      ] as const) {
        const x = inputs(shape, 6, 5, 40, lengths ? [...lengths] : undefined);
        const out = runKernels(runtimes[backend], x, score);
        const p = maskedSoftmax(scoresRef(x, score), x.shape, x.lengths);
        close(out.p, p, tol, `p ${JSON.stringify(shape)}`);
        close(out.ctx, context(p, x.v, x.shape, x.D), tol, `ctx ${JSON.stringify(shape)}`);
        close(out.dv, numericGrad(x, score, 'v'), 2e-4, `dv ${JSON.stringify(shape)}`);
        close(out.dq, numericGrad(x, score, 'q'), 2e-4, `dq ${JSON.stringify(shape)}`);
      }
    });

    it(`${score}: gradients match central differences of the float64 reference`, () => {
      for (const [H, lengths] of [
        [5, [4, 2]],
        [4, undefined],
      ] as const) {
        const x = inputs({ Tq: 2, Ts: 4, B: 2 }, H, 3, 7 + H, lengths ? [...lengths] : undefined);
        const out = runKernels(runtimes[backend], x, score);
        close(out.dq, numericGrad(x, score, 'q'), 2e-4, `dq H=${H}`);
        close(out.dk, numericGrad(x, score, 'k'), 2e-4, `dk H=${H}`);
        close(out.dv, numericGrad(x, score, 'v'), 2e-4, `dv H=${H}`);
        if (score === 'additive') close(out.dw, numericGrad(x, score, 'w'), 2e-4, `dw H=${H}`);
        // A padded key gets no gradient.
        if (lengths) for (let i = 0; i < H; i++) expect(out.dk[(3 * 2 + 1) * H + i]).toBe(0);
      }
    });
  }
});

describe('attention kernels: wasm-simd is bit-identical to ts', () => {
  for (const score of SCORES) {
    it(`${score} at every tile boundary of H, with and without masks`, () => {
      for (const H of EDGE_SIZES) {
        for (const lengths of [undefined, [3, 1]]) {
          const x = inputs({ Tq: 2, Ts: 3, B: 2 }, H, H, 100 + H, lengths);
          const a = runKernels(runtimes.ts, x, score);
          const b = runKernels(runtimes['wasm-simd'], x, score);
          for (const key of Object.keys(a) as (keyof Outputs)[]) {
            expect(Array.from(b[key]), `${key} H=${H}`).toEqual(Array.from(a[key]));
          }
        }
      }
    });
  }
});
