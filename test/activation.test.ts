// Activation kernels: every backend at every tile-boundary size against float64, in place, wasm-simd
// bit-identical to ts, and each backward kernel checked as the derivative of its forward kernel.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import { BACKENDS, get, loadRuntime, put } from './helpers/backends.ts';
import { EDGE_SIZES, uniform } from './helpers/random.ts';

type Backend = (typeof BACKENDS)[number];
const runtimes = {} as Record<Backend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

type Fwd = 'sigmoid_f32' | 'tanh_f32' | 'relu_f32';
type Bwd = 'sigmoid_bwd_f32' | 'tanh_bwd_f32' | 'relu_bwd_f32';
const ACTS: { fwd: Fwd; bwd: Bwd; f: (x: number) => number; df: (y: number) => number }[] = [
  { fwd: 'sigmoid_f32', bwd: 'sigmoid_bwd_f32', f: (x) => 1 / (1 + Math.exp(-x)), df: (y) => y * (1 - y) },
  { fwd: 'tanh_f32', bwd: 'tanh_bwd_f32', f: Math.tanh, df: (y) => 1 - y * y },
  { fwd: 'relu_f32', bwd: 'relu_bwd_f32', f: (x) => Math.max(x, 0), df: (y) => (y > 0 ? 1 : 0) },
];

/** out = fwd(x); with inPlace the kernel writes over x. */
function forward(rt: Runtime, name: Fwd, x: Float32Array, inPlace = false): Float32Array {
  const rx = put(rt, x);
  const ro = inPlace ? rx : rt.arena.alloc(x.length);
  rt.kernels[name](ro.ptr, rx.ptr, x.length);
  const out = get(rt, ro);
  rt.arena.free(rx);
  if (!inPlace) rt.arena.free(ro);
  return out;
}

/** dx = bwd(y, dy); with inPlace the kernel writes over dy. */
function backward(rt: Runtime, name: Bwd, y: Float32Array, dy: Float32Array, inPlace = false): Float32Array {
  const ry = put(rt, y);
  const rd = put(rt, dy);
  const ro = inPlace ? rd : rt.arena.alloc(y.length);
  rt.kernels[name](ro.ptr, ry.ptr, rd.ptr, y.length);
  const out = get(rt, ro);
  for (const r of inPlace ? [ry, rd] : [ry, rd, ro]) rt.arena.free(r);
  return out;
}

const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i]), `index ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(
      tol * (1 + Math.abs(want[i])),
    );
  }
};

describe.each(BACKENDS)('activation kernels on %s', (backend) => {
  for (const { fwd, bwd, f, df } of ACTS) {
    it.each(EDGE_SIZES)(`${fwd} n=%i matches float64, also in place`, (n) => {
      const x = uniform(n, n, -8, 8);
      const want = [...x].map(f);
      close(forward(runtimes[backend], fwd, x), want, 2e-7);
      close(forward(runtimes[backend], fwd, x, true), want, 2e-7);
    });

    it.each(EDGE_SIZES)(`${bwd} n=%i matches float64, also in place`, (n) => {
      const y = forward(runtimes[backend], fwd, uniform(n, 100 + n, -4, 4));
      const dy = uniform(n, 200 + n, -2, 2);
      const want = [...y].map((v, i) => dy[i] * df(v));
      close(backward(runtimes[backend], bwd, y, dy), want, 3e-7);
      close(backward(runtimes[backend], bwd, y, dy, true), want, 3e-7);
    });

    it(`${bwd} is the derivative of ${fwd} (central differences)`, () => {
      const rt = runtimes[backend];
      const h = 1e-2;
      // Keep relu's points away from its kink at 0.
      const x = uniform(37, 7, -4, 4).map((v) => (Math.abs(v) < 0.1 ? v + 0.5 : v));
      const y = forward(rt, fwd, x);
      const dx = backward(rt, bwd, y, new Float32Array(x.length).fill(1));
      const up = forward(
        rt,
        fwd,
        x.map((v) => v + h),
      );
      const down = forward(
        rt,
        fwd,
        x.map((v) => v - h),
      );
      for (let i = 0; i < x.length; i++) {
        const step = Math.fround(x[i] + h) - Math.fround(x[i] - h);
        expect(Math.abs(dx[i] - (up[i] - down[i]) / step), `x=${x[i]}`).toBeLessThanOrEqual(1e-4);
      }
    });
  }

  it('relu passes NaN through and keeps the sign of zero; relu_bwd masks by y > 0', () => {
    const rt = runtimes[backend];
    const x = Float32Array.from([
      Number.NaN,
      -0,
      0,
      -1,
      2,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
    const y = forward(rt, 'relu_f32', x);
    expect(y).toEqual(Float32Array.from([Number.NaN, -0, 0, 0, 2, 0, Number.POSITIVE_INFINITY]));
    expect(Object.is(y[1], -0)).toBe(true);
    expect(backward(rt, 'relu_bwd_f32', y, new Float32Array(7).fill(3))).toEqual(
      Float32Array.from([0, 0, 0, 0, 3, 0, 3]),
    );
  });
});

describe('wasm-simd activations are bit-identical to ts', () => {
  for (const { fwd, bwd } of ACTS) {
    it(`${fwd} and ${bwd} over all edge sizes`, () => {
      for (const n of EDGE_SIZES) {
        const x = uniform(n, 300 + n, -10, 10);
        const dy = uniform(n, 400 + n);
        const [a, b] = (['ts', 'wasm-simd'] as const).map((k) => {
          const y = forward(runtimes[k], fwd, x);
          return { y, dx: backward(runtimes[k], bwd, y, dy) };
        });
        expect(b.y).toEqual(a.y);
        expect(b.dx).toEqual(a.dx);
      }
    });
  }
});
