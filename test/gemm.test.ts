// GEMM kernels: every form × accumulate on every backend against a float64 reference, over shapes that hit
// every tile boundary (4×8, 5×8, 2×16 and 2×4 tiles, k in steps of 4, the k block, the packed path's blocks), with leading dimensions wider than
// the matrix; wasm-simd bit-identical to ts; padding never written; accumulate = 0 never reads c.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import { BACKENDS, get, loadRuntime, put } from './helpers/backends.ts';
import { uniform } from './helpers/random.ts';

const runtimes = {} as Record<(typeof BACKENDS)[number], Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

const FORMS = ['nn', 'nt', 'tn'] as const;
type Form = (typeof FORMS)[number];

/** Below, at and above every block the kernels use. */
const SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 63, 64, 65];

interface Shape {
  m: number;
  n: number;
  k: number;
  /** Extra floats per row of every operand, so that ld > width. */
  pad: number;
}

/** Every (m, n) pair with k rotating through SIZES, then every k against a few (m, n), then long k. */
function shapes(): Shape[] {
  const out: Shape[] = [];
  for (const [im, m] of SIZES.entries()) {
    for (const [jn, n] of SIZES.entries()) {
      out.push({ m, n, k: SIZES[(im + 2 * jn) % SIZES.length], pad: (im + jn) % 3 });
    }
  }
  for (const k of SIZES) {
    for (const [m, n] of [
      [4, 8],
      [9, 17],
      [65, 63],
      [2, 33],
    ]) {
      out.push({ m, n, k, pad: k % 2 === 0 ? 5 : 0 });
    }
  }
  out.push(
    { m: 5, n: 9, k: 1024, pad: 1 },
    { m: 3, n: 13, k: 1023, pad: 0 },
    { m: 17, n: 6, k: 257, pad: 2 },
  );
  return out;
}
const SHAPES = shapes();

/** Shapes that take the packed path of nn and tn (assembly/gemm-packed.ts): m ≥ 128, or rows ≥ 2 KB apart;
 * with fringe rows and columns, two k blocks, two column blocks (n > 512) and several row blocks. */
const PACKED: Shape[] = [
  { m: 131, n: 523, k: 300, pad: 1 },
  { m: 128, n: 64, k: 257, pad: 0 },
  { m: 18, n: 21, k: 70, pad: 500 },
];

/** Shapes for the relaxed build's five-row tiles, mostly with b read in place (n ≥ 32, not packable): m in
 * fives and a two (32 = 6·5 + 2, 37, 7), in fives and fours (13 = 5 + 2·4, 64 = 12·5 + 4); two-row tiles over
 * sixteen columns and a last eight (n = 104, 72); fringe columns; two k blocks; b packed (pad 500). */
const FIVE_ROW: Shape[] = [
  { m: 32, n: 104, k: 300, pad: 1 },
  { m: 37, n: 131, k: 40, pad: 0 },
  { m: 13, n: 97, k: 17, pad: 2 },
  { m: 7, n: 100, k: 33, pad: 0 },
  { m: 64, n: 40, k: 20, pad: 1 },
  { m: 32, n: 75, k: 300, pad: 500 },
];

interface Problem {
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
  lda: number;
  ldb: number;
  ldc: number;
}

function problem(form: Form, { m, n, k, pad }: Shape, seed: number): Problem {
  const [aRows, aCols] = form === 'tn' ? [k, m] : [m, k];
  const [bRows, bCols] = form === 'nt' ? [n, k] : [k, n];
  const lda = aCols + pad;
  const ldb = bCols + pad;
  const ldc = n + pad;
  return {
    a: uniform(aRows * lda, seed),
    b: uniform(bRows * ldb, seed + 1),
    c: uniform(m * ldc, seed + 2),
    lda,
    ldb,
    ldc,
  };
}

/** Float64 c (the padding keeps c's values) and, per element, the error scale Σ|a||b| (+ |c|). */
function reference(form: Form, s: Shape, p: Problem, accumulate: number) {
  const { m, n, k } = s;
  const { a, b, c, lda, ldb, ldc } = p;
  const A =
    form === 'tn' ? (i: number, q: number) => a[q * lda + i] : (i: number, q: number) => a[i * lda + q];
  const B =
    form === 'nt' ? (q: number, j: number) => b[j * ldb + q] : (q: number, j: number) => b[q * ldb + j];
  const want = Float64Array.from(c);
  const scale = new Float64Array(c.length);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = accumulate ? c[i * ldc + j] : 0;
      let mag = Math.abs(sum);
      for (let q = 0; q < k; q++) {
        sum += A(i, q) * B(q, j);
        mag += Math.abs(A(i, q) * B(q, j));
      }
      want[i * ldc + j] = sum;
      scale[i * ldc + j] = mag;
    }
  }
  return { want, scale };
}

function gemm(rt: Runtime, form: Form, s: Shape, p: Problem, accumulate: number, c = p.c): Float32Array {
  const ra = put(rt, p.a);
  const rb = put(rt, p.b);
  const rc = put(rt, c);
  const kernel = rt.kernels[`gemm_${form}_f32`];
  kernel(rc.ptr, ra.ptr, rb.ptr, s.m, s.n, s.k, p.lda, p.ldb, p.ldc, accumulate);
  const out = get(rt, rc);
  for (const r of [ra, rb, rc]) rt.arena.free(r);
  return out;
}

const label = (form: Form, s: Shape, accumulate: number) =>
  `${form} m=${s.m} n=${s.n} k=${s.k} pad=${s.pad} accumulate=${accumulate}`;

/** Largest |got − want| / (scale + tiny) over the buffer; padding must match exactly (scale 0 there). */
function worstError(got: Float32Array, want: Float64Array, scale: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err =
      scale[i] === 0 ? (got[i] === Math.fround(want[i]) ? 0 : Infinity) : Math.abs(got[i] - want[i]);
    worst = Math.max(worst, scale[i] === 0 ? err : err / scale[i]);
  }
  return worst;
}

describe.each(BACKENDS)('gemm on %s', (backend) => {
  for (const form of FORMS) {
    for (const accumulate of [0, 1]) {
      it(`${form} accumulate=${accumulate} matches the float64 reference on ${SHAPES.length} shapes`, () => {
        SHAPES.forEach((s, index) => {
          const p = problem(form, s, 1000 * index + 7);
          const got = gemm(runtimes[backend], form, s, p, accumulate);
          const { want, scale } = reference(form, s, p, accumulate);
          expect(worstError(got, want, scale), label(form, s, accumulate)).toBeLessThanOrEqual(1e-5);
        });
      });
    }

    it(`${form} matches the float64 reference on the packed-path shapes`, () => {
      for (const accumulate of [0, 1]) {
        PACKED.forEach((s, index) => {
          const p = problem(form, s, 500 * index + 3);
          const got = gemm(runtimes[backend], form, s, p, accumulate);
          const { want, scale } = reference(form, s, p, accumulate);
          expect(worstError(got, want, scale), label(form, s, accumulate)).toBeLessThanOrEqual(1e-5);
        });
      }
    });

    it(`${form} matches the float64 reference on the five-row shapes`, () => {
      for (const accumulate of [0, 1]) {
        FIVE_ROW.forEach((s, index) => {
          const p = problem(form, s, 700 * index + 5);
          const got = gemm(runtimes[backend], form, s, p, accumulate);
          const { want, scale } = reference(form, s, p, accumulate);
          expect(worstError(got, want, scale), label(form, s, accumulate)).toBeLessThanOrEqual(1e-5);
        });
      }
    });

    it(`${form} accumulate=0 ignores NaN garbage in c`, () => {
      for (const s of [
        { m: 5, n: 9, k: 7, pad: 3 },
        { m: 8, n: 16, k: 0, pad: 0 },
        { m: 17, n: 65, k: 33, pad: 1 },
      ]) {
        const p = problem(form, s, 99);
        const garbage = new Float32Array(p.c.length).fill(Number.NaN);
        const got = gemm(runtimes[backend], form, s, p, 0, garbage);
        const { want, scale } = reference(form, s, p, 0);
        for (let i = 0; i < s.m; i++) {
          for (let j = 0; j < s.n; j++) {
            const at = i * p.ldc + j;
            expect(Math.abs(got[at] - want[at]), label(form, s, 0)).toBeLessThanOrEqual(1e-5 * scale[at]);
          }
          for (let j = s.n; j < p.ldc; j++) expect(got[i * p.ldc + j]).toBeNaN();
        }
      }
    });

    it(`${form} with k = 0 leaves c (accumulate=1) or zeroes it (accumulate=0)`, () => {
      const s = { m: 6, n: 10, k: 0, pad: 2 };
      const p = problem(form, s, 5);
      expect(gemm(runtimes[backend], form, s, p, 1)).toEqual(p.c);
      const zeroed = gemm(runtimes[backend], form, s, p, 0);
      for (let i = 0; i < s.m; i++) {
        for (let j = 0; j < p.ldc; j++) {
          expect(zeroed[i * p.ldc + j]).toBe(j < s.n ? 0 : p.c[i * p.ldc + j]);
        }
      }
    });
  }
});

describe('wasm-simd is bit-identical to ts', () => {
  for (const form of FORMS) {
    for (const accumulate of [0, 1]) {
      it(`${form} accumulate=${accumulate} on every shape`, () => {
        const big: Shape[] = [{ m: 33, n: 70, k: 600, pad: 3 }, ...PACKED, ...FIVE_ROW];
        [...SHAPES, ...big].forEach((s, index) => {
          const p = problem(form, s, 1000 * index + 11);
          const want = gemm(runtimes.ts, form, s, p, accumulate);
          expect(gemm(runtimes['wasm-simd'], form, s, p, accumulate), label(form, s, accumulate)).toEqual(
            want,
          );
        });
      });
    }
  }
});
