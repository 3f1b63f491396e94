// Gradient clipping: PyTorch 1.13 fixtures (scripts/fixtures/optim.py), torch's exact coefficient and its non-finite
// behaviour, every edge size against a float64 reference, and wasm-simd bit-identical to ts. One deliberate
// difference from torch: finite gradients whose f32 sum of squares overflows are scaled, not zeroed.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import clamp from './fixtures/optim/clamp.json' with { type: 'json' };
import normAbove from './fixtures/optim/clip_norm_above.json' with { type: 'json' };
import normBelow from './fixtures/optim/clip_norm_below.json' with { type: 'json' };
import { BACKENDS, get, loadRuntime, put } from './helpers/backends.ts';
import { EDGE_SIZES, uniform } from './helpers/random.ts';

const f = Math.fround;

const runtimes = {} as Record<(typeof BACKENDS)[number], Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

function clipNorm(rt: Runtime, g: ArrayLike<number>, maxNorm: number) {
  const region = put(rt, g);
  const norm = rt.kernels.clip_grad_norm_f32(region.ptr, g.length, maxNorm);
  const out = get(rt, region);
  rt.arena.free(region);
  return { norm, out };
}

function clipValue(rt: Runtime, g: ArrayLike<number>, lo: number, hi: number): Float32Array {
  const region = put(rt, g);
  rt.kernels.clip_value_f32(region.ptr, g.length, lo, hi);
  const out = get(rt, region);
  rt.arena.free(region);
  return out;
}

/** torch's coefficient: `max_norm / (norm + 1e-6)` is reciprocal() * max_norm in f32, then clamp(max=1). */
const torchCoef = (norm: number, maxNorm: number) => Math.min(1, f(f(1 / f(norm + f(1e-6))) * f(maxNorm)));

const expectClose = (got: ArrayLike<number>, want: ArrayLike<number>, rel: number) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i]), `index ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(
      rel * Math.abs(want[i]) + 1e-7,
    );
  }
};

describe.each(BACKENDS)('clipping on %s', (backend) => {
  it.each([normBelow, normAbove])('$name matches PyTorch clip_grad_norm_ over 5 gradients', (fx) => {
    for (const step of fx.steps) {
      const { norm, out } = clipNorm(runtimes[backend], step.grad, fx.hyper.max_norm);
      // torch.norm sums in its own order (and may accumulate wider): a few f32 ulps apart at most.
      expect(Math.abs(norm - step.norm)).toBeLessThanOrEqual(1e-6 * step.norm);
      expectClose(out, step.clipped, 1e-6);
    }
  });

  it('matches PyTorch clamp_ over 5 gradients', () => {
    for (const step of clamp.steps) {
      expect(clipValue(runtimes[backend], step.grad, clamp.hyper.min, clamp.hyper.max)).toEqual(
        Float32Array.from(step.clipped),
      );
    }
  });

  it('scales by exactly torch’s coefficient, 1e-6 included, and only when the norm is above the maximum', () => {
    const rt = runtimes[backend];
    const g = uniform(37, 5, -2, 2);
    for (const maxNorm of [0.25, 1, 3, 100]) {
      const { norm, out } = clipNorm(rt, g, maxNorm);
      const coef = torchCoef(norm, maxNorm);
      expect(out).toEqual(g.map((x) => f(x * coef)));
      if (maxNorm > norm) expect(out).toEqual(g); // the coefficient clamps to 1 and 1·x is exact
    }
    // At exactly the maximum, torch still shrinks g a little (by the 1e-6); values printed by torch 1.13.
    const { norm, out } = clipNorm(rt, [3, -4], 5);
    expect(norm).toBe(5);
    expect(out).toEqual(Float32Array.from([2.9999992847442627, -3.9999990463256836]));
  });

  it('follows torch for zero and non-finite gradients (error_if_nonfinite=False)', () => {
    const rt = runtimes[backend];
    expect(clipNorm(rt, [0, 0, 0], 1)).toEqual({ norm: 0, out: Float32Array.from([0, 0, 0]) });
    // torch 1.13: [1, inf, -2] → norm inf, coefficient 0, grads [0, nan, -0]; a NaN anywhere makes every grad NaN.
    const inf = clipNorm(rt, [1, Infinity, -2, 0.5, 7], 1);
    expect(inf.norm).toBe(Infinity);
    expect([...inf.out]).toEqual([0, Number.NaN, -0, 0, 0]);
    const nan = clipNorm(rt, [1, Number.NaN, -2, 0.5, 7], 1);
    expect(nan.norm).toBeNaN();
    expect(nan.out.every(Number.isNaN)).toBe(true);
  });

  it('scales finite gradients whose f32 sum of squares overflows (torch 1.13 zeroes them: inf norm)', () => {
    const rt = runtimes[backend];
    const FLT_MAX = f(3.4028234663852886e38);
    for (const n of EDGE_SIZES) {
      // Norms from ~2e19 (just past the f32 sum's range) to past f32 itself (every element near FLT_MAX).
      for (const big of [2e19, 1e25, 1e37, FLT_MAX]) {
        const g = uniform(n, 90 + n, -1, 1).map((x, i) => (i === n >> 1 ? big : x * big));
        const norm64 = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
        const { norm, out } = clipNorm(rt, g, 5);
        expect(norm).toBe(f(norm64)); // Infinity once the norm itself is past f32's range
        const coef = 5 / (norm64 + 1e-6);
        expect(out).toEqual(g.map((x) => x * coef));
        const after = Math.sqrt(out.reduce((s, x) => s + x * x, 0));
        expect(Math.abs(after - 5)).toBeLessThanOrEqual(1e-5);
      }
    }
    // Below maxNorm nothing changes, whatever the f32 sum did (maxNorm past the overflow point).
    const g = Float32Array.of(3e19, -4e19);
    expect(clipNorm(rt, g, 1e30)).toEqual({ norm: f(5e19), out: g });
    // With a ±Inf among them the norm is infinite and torch's coefficient 0 applies, as before.
    expect([...clipNorm(rt, [1e20, Infinity, -1e20], 1).out]).toEqual([0, Number.NaN, -0]);
  });

  it('clamps like torch.clamp: NaN stays NaN, ±0 and ±inf as torch, lo > hi gives hi', () => {
    const rt = runtimes[backend];
    const x = [Number.NaN, -0, Infinity, -Infinity, 0.3, -2, 1, -1, 0.5];
    expect([...clipValue(rt, x, -1, 1)]).toEqual([Number.NaN, -0, 1, -1, f(0.3), -1, 1, -1, 0.5]);
    expect([...clipValue(rt, [0.5, -3, 3, 0, 2, -2, 0.25], 1, -1)]).toEqual(Array(7).fill(-1));
  });

  it.each(EDGE_SIZES)('n=%i matches the float64 reference', (n) => {
    const rt = runtimes[backend];
    const g = uniform(n, 40 + n, -3, 3);
    const norm64 = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
    for (const maxNorm of [0.5 * norm64, 2 * norm64]) {
      const { norm, out } = clipNorm(rt, g, maxNorm);
      expect(Math.abs(norm - norm64)).toBeLessThanOrEqual(1e-6 * Math.sqrt(n) * norm64);
      const coef = Math.min(1, maxNorm / (norm64 + 1e-6));
      expectClose(
        out,
        [...g].map((x) => x * coef),
        1e-6 * Math.sqrt(n),
      );
    }
    const lo = -1;
    const hi = 0.5;
    expect(clipValue(rt, g, lo, hi)).toEqual(g.map((x) => Math.min(hi, Math.max(lo, x))));
  });

  it('takes the norm from the same sum of squares as sumsq_f32 (lanes, then the tail)', () => {
    const rt = runtimes[backend];
    for (const n of EDGE_SIZES) {
      const region = put(rt, uniform(n, 60 + n));
      const sumsq = rt.kernels.sumsq_f32(region.ptr, n);
      expect(rt.kernels.clip_grad_norm_f32(region.ptr, n, 1e9)).toBe(f(Math.sqrt(sumsq)));
      rt.arena.free(region);
    }
  });
});

describe('wasm-simd is bit-identical to ts', () => {
  it('clip_grad_norm_f32 and clip_value_f32 over all edge sizes', () => {
    for (const n of EDGE_SIZES) {
      const g = uniform(n, 80 + n, -4, 4);
      for (const maxNorm of [0.1, 1, 1e6]) {
        expect(clipNorm(runtimes['wasm-simd'], g, maxNorm)).toEqual(clipNorm(runtimes.ts, g, maxNorm));
        const huge = g.map((x) => x * 1e36); // the f32 sum of squares overflows: the f64 path
        expect(clipNorm(runtimes['wasm-simd'], huge, maxNorm)).toEqual(clipNorm(runtimes.ts, huge, maxNorm));
      }
      expect(clipValue(runtimes['wasm-simd'], g, -0.5, 2)).toEqual(clipValue(runtimes.ts, g, -0.5, 2));
    }
  });
});
