// Vector kernels: every backend against a float64 reference, and wasm-simd bit-identical to ts.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import { BACKENDS, get, loadRuntime, put } from './helpers/backends.ts';
import { EDGE_SIZES, uniform } from './helpers/random.ts';

const runtimes = {} as Record<(typeof BACKENDS)[number], Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

/** Runs `kernel` on fresh copies of the inputs; returns the output buffer and the kernel's return value. */
function run(rt: Runtime, inputs: Float32Array[], kernel: (ptrs: number[]) => unknown) {
  const regions = inputs.map((values) => put(rt, values));
  const value = kernel(regions.map((r) => r.ptr));
  const out = get(rt, regions[0]);
  for (const r of regions) rt.arena.free(r);
  return { out, value };
}

const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i]), `index ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(
      tol * (1 + Math.abs(want[i])),
    );
  }
};

interface Case {
  name: string;
  inputs: (n: number) => Float32Array[];
  call: (rt: Runtime, p: number[], n: number) => unknown;
  /** Float64 reference: the expected first buffer, or the expected return value. */
  reference: (inputs: Float32Array[], n: number) => number[] | number;
}

const CASES: Case[] = [
  {
    name: 'fill_f32',
    inputs: (n) => [uniform(n, 1)],
    call: (rt, p, n) => rt.kernels.fill_f32(p[0], 0.25, n),
    reference: (_, n) => Array(n).fill(0.25),
  },
  {
    name: 'copy_f32',
    inputs: (n) => [uniform(n, 1), uniform(n, 2)],
    call: (rt, p, n) => rt.kernels.copy_f32(p[0], p[1], n),
    reference: ([, x]) => [...x],
  },
  {
    name: 'scale_f32 in place',
    inputs: (n) => [uniform(n, 3)],
    call: (rt, p, n) => rt.kernels.scale_f32(p[0], p[0], -1.5, n),
    reference: ([x]) => [...x].map((v) => v * -1.5),
  },
  {
    name: 'axpy_f32',
    inputs: (n) => [uniform(n, 4), uniform(n, 5)],
    call: (rt, p, n) => rt.kernels.axpy_f32(p[0], p[1], 0.3, n),
    reference: ([y, x]) => [...y].map((v, i) => v + 0.3 * x[i]),
  },
  {
    name: 'add_f32',
    inputs: (n) => [uniform(n, 6), uniform(n, 7), uniform(n, 8)],
    call: (rt, p, n) => rt.kernels.add_f32(p[0], p[1], p[2], n),
    reference: ([, a, b]) => [...a].map((v, i) => v + b[i]),
  },
  {
    name: 'mul_f32 in place',
    inputs: (n) => [uniform(n, 9), uniform(n, 10)],
    call: (rt, p, n) => rt.kernels.mul_f32(p[0], p[0], p[1], n),
    reference: ([a, b]) => [...a].map((v, i) => v * b[i]),
  },
  {
    name: 'dot_f32',
    inputs: (n) => [uniform(n, 11), uniform(n, 12)],
    call: (rt, p, n) => rt.kernels.dot_f32(p[0], p[1], n),
    reference: ([a, b]) => a.reduce((s, v, i) => s + v * b[i], 0),
  },
  {
    name: 'sumsq_f32',
    inputs: (n) => [uniform(n, 13)],
    call: (rt, p, n) => rt.kernels.sumsq_f32(p[0], n),
    reference: ([x]) => x.reduce((s, v) => s + v * v, 0),
  },
];

describe.each(BACKENDS)('vector kernels on %s', (backend) => {
  for (const c of CASES) {
    it.each(EDGE_SIZES)(`${c.name} n=%i matches the float64 reference`, (n) => {
      const inputs = c.inputs(n);
      const { out, value } = run(runtimes[backend], inputs, (p) => c.call(runtimes[backend], p, n));
      const want = c.reference(inputs, n);
      if (typeof want === 'number') close([value as number], [want], 1e-5 * Math.sqrt(n));
      else close(out, want, 1e-6);
    });
  }

  it.each([
    [1, 1],
    [3, 5],
    [4, 8],
    [7, 9],
    [17, 33],
  ])('bias_add, colsum and rowsum on [%i, %i] with a wider leading dimension', (rows, cols) => {
    const rt = runtimes[backend];
    const ld = cols + 3;
    const x = uniform(rows * ld, 21);
    const bias = uniform(cols, 22);
    const rx = put(rt, x);
    const rb = put(rt, bias);
    rt.kernels.bias_add_f32(rx.ptr, rb.ptr, rows, cols, ld);
    const added = get(rt, rx);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < ld; c++) {
        const want = c < cols ? x[r * ld + c] + bias[c] : x[r * ld + c];
        expect(added[r * ld + c]).toBeCloseTo(want, 6);
      }
    }
    const col = put(rt, uniform(cols, 23));
    const start = get(rt, col);
    rt.kernels.colsum_f32(col.ptr, rx.ptr, rows, cols, ld, 1);
    const colsums = get(rt, col);
    const row = put(rt, new Float32Array(rows));
    rt.kernels.rowsum_f32(row.ptr, rx.ptr, rows, cols, ld, 0);
    const rowsums = get(rt, row);
    for (let c = 0; c < cols; c++) {
      let s = start[c];
      for (let r = 0; r < rows; r++) s += added[r * ld + c];
      expect(colsums[c]).toBeCloseTo(s, 4);
    }
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += added[r * ld + c];
      expect(rowsums[r]).toBeCloseTo(s, 4);
    }
    for (const region of [rx, rb, col, row]) rt.arena.free(region);
  });
});

describe('wasm-simd is bit-identical to ts', () => {
  for (const c of CASES) {
    it(`${c.name} over all edge sizes`, () => {
      for (const n of EDGE_SIZES) {
        const inputs = c.inputs(n);
        const a = run(runtimes.ts, inputs, (p) => c.call(runtimes.ts, p, n));
        const b = run(runtimes['wasm-simd'], inputs, (p) => c.call(runtimes['wasm-simd'], p, n));
        expect(b.out).toEqual(a.out);
        expect(b.value).toBe(a.value);
      }
    });
  }
});
