// The shared f32 math (assembly/math.ts and its TypeScript twin): error bounds over dense sweeps against f64,
// special values, and the WebAssembly kernels that use it bit-identical to the twin over the same sweeps.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import { exp1, log1, sigmoid1, tanh1 } from '../bindings/kernels-ts/math.ts';
import { BACKENDS, get, loadRuntime, put } from './helpers/backends.ts';

const runtimes = {} as Record<(typeof BACKENDS)[number], Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

const N = 1_000_000;
/** n f32 points evenly spaced over [lo, hi]. */
function sweep(lo: number, hi: number, n = N): Float32Array {
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = lo + ((hi - lo) * i) / (n - 1);
  return xs;
}

const FLT_MAX = 3.4028234663852886e38;
const MIN_NORMAL = 2 ** -126;
const sigmoid64 = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const SPECIAL = [
  0,
  -0,
  Infinity,
  -Infinity,
  NaN,
  88,
  -88,
  88.72,
  -88.72,
  89,
  -89,
  100,
  -100,
  104,
  -104,
  1e-40,
  -1e-40,
  2 ** -149,
  -(2 ** -149),
  MIN_NORMAL,
  FLT_MAX,
  -FLT_MAX,
  0.625,
  -0.625,
  0.6249999,
].map(Math.fround);

/** Largest absolute and relative error of got(x) against want(x) (relative only where |want| ≥ floor). */
function errors(xs: ArrayLike<number>, got: (i: number) => number, want: (x: number) => number, floor = 0) {
  let abs = 0;
  let rel = 0;
  for (let i = 0; i < xs.length; i++) {
    const w = want(xs[i]);
    const e = Math.abs(got(i) - w);
    abs = Math.max(abs, e);
    if (Math.abs(w) >= floor && w !== 0) rel = Math.max(rel, e / Math.abs(w));
  }
  return { abs, rel };
}

/** Matches f64 `want` within tol relative (or one denormal step); infinities, NaN and signed zeros exactly. */
function expectSpecial(got: number, want: number, tol: number, x: number) {
  const where = `x=${x}: ${got} vs ${want}`;
  if (!Number.isFinite(want) || want === 0) expect(got, where).toBe(want);
  else expect(Math.abs(got - want), where).toBeLessThanOrEqual(tol * Math.abs(want) + 2 ** -149); // one denormal step
}

describe('TypeScript twin accuracy over dense sweeps', () => {
  it('exp1: relative error ≤ 1.2e-7 wherever e^x is a normal f32', () => {
    const xs = sweep(-87.33, 88.72);
    const { rel } = errors(xs, (i) => exp1(xs[i]), Math.exp);
    expect(rel).toBeLessThanOrEqual(1.2e-7);
  });

  it('exp1: within one denormal step in gradual underflow, and 0 / Inf outside the range', () => {
    const xs = sweep(-104, -87.33, 100_000);
    const { abs } = errors(xs, (i) => exp1(xs[i]), Math.exp);
    expect(abs).toBeLessThanOrEqual(2 ** -149);
    for (const x of [-104, -1e4, -FLT_MAX, -Infinity]) expect(exp1(x)).toBe(0);
    for (const x of [88.73, 89, 1e4, FLT_MAX, Infinity]) expect(exp1(x)).toBe(Infinity);
    expect(exp1(88.72)).toBeLessThan(FLT_MAX);
  });

  it('sigmoid1 and tanh1: absolute error ≤ 1e-7, relative ≤ 2.5e-7 over [−20, 20]', () => {
    const xs = sweep(-20, 20);
    const s = errors(xs, (i) => sigmoid1(xs[i]), sigmoid64);
    const t = errors(xs, (i) => tanh1(xs[i]), Math.tanh);
    expect(s.abs).toBeLessThanOrEqual(1e-7);
    expect(s.rel).toBeLessThanOrEqual(2.5e-7);
    expect(t.abs).toBeLessThanOrEqual(1e-7);
    expect(t.rel).toBeLessThanOrEqual(2.5e-7);
  });

  it('tanh1 near zero keeps its relative accuracy (no 1 − e^−2x cancellation)', () => {
    const xs = sweep(-0.7, 0.7);
    expect(errors(xs, (i) => tanh1(xs[i]), Math.tanh, 1e-30).rel).toBeLessThanOrEqual(2.5e-7);
    const tiny = sweep(1e-30, 1e-3, 10_000);
    expect(errors(tiny, (i) => tanh1(tiny[i]), Math.tanh, 1e-38).rel).toBeLessThanOrEqual(1.2e-7);
  });

  it('log1: relative error ≤ 1.2e-7 from the smallest denormal to FLT_MAX', () => {
    const xs = new Float32Array(N);
    for (let i = 0; i < N; i++) xs[i] = Math.exp(-103 + (191.7 * i) / (N - 1));
    expect(errors(xs, (i) => log1(xs[i]), Math.log).rel).toBeLessThanOrEqual(1.2e-7);
    const near1 = sweep(0.5, 2);
    expect(errors(near1, (i) => log1(near1[i]), Math.log).abs).toBeLessThanOrEqual(6e-8);
  });

  it('special values: ±0, ±Inf, NaN, ±88, ±100, denormals', () => {
    for (const x of SPECIAL) {
      expectSpecial(sigmoid1(x), sigmoid64(x), 2.5e-7, x);
      expectSpecial(tanh1(x), Math.tanh(x), 2.5e-7, x);
      if (x >= -87.33 && x <= 88.72) expectSpecial(exp1(x), Math.exp(x), 1.2e-7, x);
      if (x >= 0) expectSpecial(log1(x), Math.log(x), 1.2e-7, x);
    }
    expect(Object.is(tanh1(-0), -0)).toBe(true);
    expect(log1(-1)).toBeNaN();
    expect(log1(Number.NaN)).toBeNaN();
    expect(log1(0)).toBe(-Infinity);
  });
});

describe.each(BACKENDS)('sigmoid_f32 and tanh_f32 sweeps on %s', (backend) => {
  const apply = (name: 'sigmoid_f32' | 'tanh_f32', xs: Float32Array) => {
    const rt = runtimes[backend];
    const region = put(rt, xs);
    rt.kernels[name](region.ptr, region.ptr, xs.length);
    const out = get(rt, region);
    rt.arena.free(region);
    return out;
  };
  // The relaxed build fuses the Horner steps; how each engine lowers relaxed_madd decides its last bit.
  const tol = backend === 'wasm-relaxed' ? 2e-7 : 1e-7;

  it('stays within the documented absolute error over 1e6 points in [−20, 20]', () => {
    const xs = sweep(-20, 20);
    const s = apply('sigmoid_f32', xs);
    const t = apply('tanh_f32', xs);
    expect(errors(xs, (i) => s[i], sigmoid64).abs).toBeLessThanOrEqual(tol);
    expect(errors(xs, (i) => t[i], Math.tanh).abs).toBeLessThanOrEqual(tol);
  });

  it('maps special values to their limits, never NaN for a number', () => {
    const xs = Float32Array.from(SPECIAL);
    const s = apply('sigmoid_f32', xs);
    const t = apply('tanh_f32', xs);
    for (let i = 0; i < xs.length; i++) {
      expectSpecial(s[i], sigmoid64(xs[i]), 2.5 * tol, xs[i]);
      expectSpecial(t[i], Math.tanh(xs[i]), 2.5 * tol, xs[i]);
    }
  });
});

describe('wasm-simd math is bit-identical to the TypeScript twin', () => {
  it('sigmoid_f32 and tanh_f32 over 1e6 points in [−100, 100] and the special values', () => {
    const xs = new Float32Array([...sweep(-100, 100), ...SPECIAL]);
    for (const name of ['sigmoid_f32', 'tanh_f32'] as const) {
      const outs = (['ts', 'wasm-simd'] as const).map((backend) => {
        const rt = runtimes[backend];
        const region = put(rt, xs);
        rt.kernels[name](region.ptr, region.ptr, xs.length);
        const out = get(rt, region);
        rt.arena.free(region);
        return out;
      });
      expect(outs[1]).toEqual(outs[0]);
    }
  });
});
