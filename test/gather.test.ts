// Gather and scatter-add kernels: every backend against a plain reference, repeated ids, leading dimensions
// wider than the rows, and wasm-simd bit-identical to ts.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import { BACKENDS, get, loadRuntime, put, putI32 } from './helpers/backends.ts';
import { EDGE_SIZES, rng, uniform } from './helpers/random.ts';

const runtimes = {} as Record<(typeof BACKENDS)[number], Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

/** `count` ids in [0, vocab) with deliberate repeats (every third id is the first one). */
function ids(count: number, vocab: number, seed: number): Int32Array {
  const next = rng(seed);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = i % 3 === 2 ? out[0] : Math.floor(next() * vocab);
  return out;
}

type Kernel = 'gather_rows_f32' | 'scatter_add_rows_f32' | 'gather_cols_f32' | 'scatter_add_cols_f32';

/** Runs one kernel on fresh buffers; returns the buffer it writes (out for gathers, the table for scatters). */
function run(rt: Runtime, kernel: Kernel, count: number, width: number, vocab: number, pad: number) {
  const idx = ids(count, vocab, count * 31 + width);
  const byRows = kernel.endsWith('rows_f32');
  const ld = byRows ? width + pad : vocab + pad;
  const table = uniform(byRows ? vocab * ld : width * ld, 7 + count);
  const small = uniform(count * width, 11 + width);
  const rt_ = { idx: putI32(rt, idx), table: put(rt, table), small: put(rt, small) };
  const gathers = kernel.startsWith('gather');
  const [a, b] = gathers ? [rt_.small, rt_.table] : [rt_.table, rt_.small];
  rt.kernels[kernel](a.ptr, b.ptr, rt_.idx.ptr, count, width, ld);
  const out = get(rt, a);
  for (const r of Object.values(rt_)) rt.arena.free(r);
  return { out, idx, table, small, ld };
}

function reference(kernel: Kernel, r: ReturnType<typeof run>, count: number, width: number): Float32Array {
  const { idx, table, small, ld } = r;
  const want = kernel.startsWith('gather') ? new Float32Array(count * width) : table.slice();
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < width; c++) {
      const t = kernel.endsWith('rows_f32') ? idx[i] * ld + c : c * ld + idx[i];
      if (kernel.startsWith('gather')) want[i * width + c] = table[t];
      else want[t] += small[i * width + c];
    }
  }
  return want;
}

const KERNELS: Kernel[] = [
  'gather_rows_f32',
  'scatter_add_rows_f32',
  'gather_cols_f32',
  'scatter_add_cols_f32',
];
const SHAPES: [number, number][] = EDGE_SIZES.map((n, i) => [EDGE_SIZES[(i * 7) % EDGE_SIZES.length], n]);

describe.each(BACKENDS)('gather kernels on %s', (backend) => {
  for (const kernel of KERNELS) {
    it.each(SHAPES)(`${kernel} count=%i width=%i matches the reference`, (count, width) => {
      for (const pad of [0, 3]) {
        const r = run(runtimes[backend], kernel, count, width, 5, pad);
        // Gathers copy exactly; scatters add in the same order of i as the reference, so f32 sums agree.
        expect(r.out).toEqual(reference(kernel, r, count, width));
      }
    });
  }

  // A wide table (1100 columns, rows 4.4 KB apart) and a tall one (300 rows, the vector loop and its tail).
  it.each([
    [40, 19, 1100],
    [33, 300, 65],
  ])('column kernels over wide and tall tables: count=%i width=%i vocab=%i', (count, width, vocab) => {
    for (const kernel of ['gather_cols_f32', 'scatter_add_cols_f32'] as const) {
      const r = run(runtimes[backend], kernel, count, width, vocab, 1);
      expect(r.out).toEqual(reference(kernel, r, count, width));
    }
  });

  it('scatter_add_rows_f32 accumulates repeated ids in order of i', () => {
    const rt = runtimes[backend];
    const table = put(rt, new Float32Array(2 * 3));
    const src = put(rt, Float32Array.from([1, 2, 3, 1e8, 1e8, 1e8, -1e8, -1e8, -1e8]));
    const idx = putI32(rt, [1, 1, 1]);
    rt.kernels.scatter_add_rows_f32(table.ptr, src.ptr, idx.ptr, 3, 3, 3);
    // ((0 + 1) + 1e8) − 1e8 = 0 in f32: order matters and is fixed.
    expect([...get(rt, table)]).toEqual([0, 0, 0, 0, 0, 0]);
    for (const r of [table, src, idx]) rt.arena.free(r);
  });

  it.each(SHAPES)('transpose_bias_f32 rows=%i cols=%i, with and without bias, padded w', (rows, cols) => {
    const rt = runtimes[backend];
    for (const withBias of [false, true]) {
      const ldw = cols + 2;
      const w = uniform(rows * ldw, rows + 3 * cols);
      const bias = uniform(rows, 5 + rows);
      const want = new Float32Array(rows * cols);
      for (let c = 0; c < cols; c++) {
        for (let r = 0; r < rows; r++) want[c * rows + r] = w[r * ldw + c] + (withBias ? bias[r] : 0);
      }
      const [out, pw, pb] = [put(rt, new Float32Array(rows * cols)), put(rt, w), put(rt, bias)];
      rt.kernels.transpose_bias_f32(out.ptr, pw.ptr, withBias ? pb.ptr : 0, rows, cols, ldw);
      expect(get(rt, out)).toEqual(want);
      for (const r of [out, pw, pb]) rt.arena.free(r);
    }
  });

  it('transpose_bias_f32 then gather_rows_f32 equals gather_cols_f32 then bias_add_f32, bit for bit', () => {
    const rt = runtimes[backend];
    const [G, I, N] = [17, 9, 30];
    const idx = putI32(rt, ids(N, I, 3));
    const w = put(rt, uniform(G * I, 8));
    const bias = put(rt, uniform(G, 9));
    const [table, a, b] = [
      put(rt, new Float32Array(I * G)),
      put(rt, new Float32Array(N * G)),
      put(rt, new Float32Array(N * G)),
    ];
    rt.kernels.transpose_bias_f32(table.ptr, w.ptr, bias.ptr, G, I, I);
    rt.kernels.gather_rows_f32(a.ptr, table.ptr, idx.ptr, N, G, G);
    rt.kernels.gather_cols_f32(b.ptr, w.ptr, idx.ptr, N, G, I);
    rt.kernels.bias_add_f32(b.ptr, bias.ptr, N, G, G);
    expect(get(rt, a)).toEqual(get(rt, b));
    for (const r of [idx, w, bias, table, a, b]) rt.arena.free(r);
  });

  it('count = 0 leaves every buffer untouched', () => {
    for (const kernel of KERNELS) {
      const r = run(runtimes[backend], kernel, 0, 4, 3, 1);
      expect(r.out).toEqual(reference(kernel, r, 0, 4));
    }
  });
});

describe('wasm-simd is bit-identical to ts', () => {
  for (const kernel of KERNELS) {
    it(`${kernel} over all shapes`, () => {
      for (const [count, width] of SHAPES) {
        const a = run(runtimes.ts, kernel, count, width, 9, 2);
        const b = run(runtimes['wasm-simd'], kernel, count, width, 9, 2);
        expect(b.out).toEqual(a.out);
      }
    });
  }
});
