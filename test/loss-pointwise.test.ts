// Elementwise loss kernels (MSE, L1, Huber, BCE with logits, over rows with a row mask) and class-weighted
// cross-entropy: every backend against float64 at tile-boundary widths, masked rows skipped even when they hold
// NaN, backward against central differences, and wasm-simd bit-identical to ts.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import { BACKENDS, EXACT_BACKENDS, get, loadRuntime, put, putI32 } from './helpers/backends.ts';
import { EDGE_SIZES, rng, uniform } from './helpers/random.ts';

type Backend = (typeof BACKENDS)[number];
const runtimes = {} as Record<Backend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

type Kind = 'mse' | 'l1' | 'huber' | 'bce_logits';
const KINDS: Kind[] = ['mse', 'l1', 'huber', 'bce_logits'];
const DELTA = 0.7;

/** Float64 term and derivative, from the torch.nn.functional definitions. */
function term64(kind: Kind, p: number, y: number): [number, number] {
  const d = p - y;
  if (kind === 'mse') return [d * d, 2 * d];
  if (kind === 'l1') return [Math.abs(d), Math.sign(d)];
  if (kind === 'huber')
    return Math.abs(d) < DELTA
      ? [0.5 * d * d, d]
      : [DELTA * (Math.abs(d) - 0.5 * DELTA), DELTA * Math.sign(d)];
  const sig = 1 / (1 + Math.exp(-p));
  return [Math.max(p, 0) - p * y + Math.log1p(Math.exp(-Math.abs(p))), sig - y];
}

interface Inputs {
  p: Float32Array;
  y: Float32Array;
  mask?: Float32Array;
  rows: number;
  cols: number;
}

function run(rt: Runtime, kind: Kind, a: Inputs, scale: number): { loss: number; d: Float32Array } {
  const k = rt.kernels;
  const [rp, ry] = [put(rt, a.p), put(rt, a.y)];
  const rm = a.mask ? put(rt, a.mask) : undefined;
  const m = rm?.ptr ?? 0;
  const rd = rt.arena.alloc(a.p.length);
  const { rows, cols } = a;
  let loss: number;
  if (kind === 'huber') {
    loss = k.huber_rows_fwd_f32(rp.ptr, ry.ptr, m, rows, cols, DELTA);
    k.huber_rows_bwd_f32(rd.ptr, rp.ptr, ry.ptr, m, rows, cols, scale, DELTA);
  } else {
    const [f, b] = {
      mse: [k.mse_rows_fwd_f32, k.mse_rows_bwd_f32],
      l1: [k.l1_rows_fwd_f32, k.l1_rows_bwd_f32],
      bce_logits: [k.bce_logits_rows_fwd_f32, k.bce_logits_rows_bwd_f32],
    }[kind] as [typeof k.mse_rows_fwd_f32, typeof k.mse_rows_bwd_f32];
    loss = f(rp.ptr, ry.ptr, m, rows, cols);
    b(rd.ptr, rp.ptr, ry.ptr, m, rows, cols, scale);
  }
  const d = get(rt, rd);
  for (const r of [rp, ry, rd, ...(rm ? [rm] : [])]) rt.arena.free(r);
  return { loss, d };
}

function inputs(kind: Kind, rows: number, cols: number, seed: number, masked: boolean): Inputs {
  const p = uniform(rows * cols, seed, -3, 3);
  const y =
    kind === 'bce_logits' ? uniform(rows * cols, seed + 1, 0, 1) : uniform(rows * cols, seed + 1, -3, 3);
  if (!masked) return { p, y, rows, cols };
  const next = rng(seed + 2);
  const mask = Float32Array.from({ length: rows }, (_, r) => (r % 3 === 1 ? 0 : 0.5 + next()));
  // A masked row is skipped, whatever it holds.
  for (let r = 0; r < rows; r++) if (mask[r] === 0) p.fill(Number.NaN, r * cols, (r + 1) * cols);
  return { p, y, mask, rows, cols };
}

describe.each(BACKENDS)('pointwise losses on %s', (backend) => {
  describe.each(KINDS)('%s', (kind) => {
    it.each(EDGE_SIZES)('cols=%i: forward and backward match float64, masked rows skipped', (cols) => {
      for (const masked of [false, true]) {
        const a = inputs(kind, 5, cols, 10 * cols, masked);
        const { loss, d } = run(runtimes[backend], kind, a, 0.3);
        let want = 0;
        for (let r = 0; r < a.rows; r++) {
          const m = a.mask ? a.mask[r] : 1;
          for (let c = 0; c < cols; c++) {
            const i = r * cols + c;
            const [t, g] = m === 0 ? [0, 0] : term64(kind, a.p[i], a.y[i]);
            want += m * t;
            expect(Math.abs(d[i] - 0.3 * m * g), `${kind} d[${i}]`).toBeLessThanOrEqual(2e-6);
          }
        }
        expect(Math.abs(loss - want)).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(want)) * cols);
      }
    });

    it('backward is the gradient of the forward (central differences)', () => {
      const rt = runtimes[backend];
      const a = inputs(kind, 3, 5, 77, true);
      const { d } = run(rt, kind, a, 1);
      const h = 1e-2;
      for (let i = 0; i < a.p.length; i++) {
        if (Number.isNaN(a.p[i])) {
          expect(d[i]).toBe(0);
          continue;
        }
        const [up, down] = [a.p.slice(), a.p.slice()];
        up[i] += h;
        down[i] -= h;
        const fd =
          (run(rt, kind, { ...a, p: up }, 1).loss - run(rt, kind, { ...a, p: down }, 1).loss) /
          (up[i] - down[i]);
        expect(Math.abs(d[i] - fd), `${kind} pred ${i}`).toBeLessThanOrEqual(
          kind === 'l1' || kind === 'huber' ? 5e-3 : 2e-3,
        );
      }
    });
  });

  it('BCE with logits stays finite and accurate for logits of ±80', () => {
    const p = Float32Array.from([80, -80, 30, -30]);
    const y = Float32Array.from([0, 1, 1, 0]);
    const { loss, d } = run(runtimes[backend], 'bce_logits', { p, y, rows: 1, cols: 4 }, 1);
    expect(loss).toBeCloseTo(160, 3);
    expect([...d].map((v) => Math.round(v))).toEqual([1, -1, 0, 0]);
  });
});

function weighted(
  rt: Runtime,
  logits: Float32Array,
  t: Int32Array,
  w: Float32Array,
  cols: number,
  scale: number,
) {
  const [rl, rt32, rw] = [put(rt, logits), putI32(rt, t), put(rt, w)];
  const rp = rt.arena.alloc(logits.length);
  const loss = rt.kernels.softmax_xent_weighted_fwd_f32(rp.ptr, rl.ptr, rt32.ptr, rw.ptr, t.length, cols);
  rt.kernels.softmax_xent_weighted_bwd_f32(rp.ptr, rp.ptr, rt32.ptr, rw.ptr, t.length, cols, scale);
  const d = get(rt, rp);
  for (const r of [rl, rt32, rw, rp]) rt.arena.free(r);
  return { loss, d };
}

describe.each(BACKENDS)('class-weighted cross-entropy on %s', (backend) => {
  it.each(EDGE_SIZES)('cols=%i: Σ w[t]·(−log p_t) and scale·w[t]·(p − onehot), ignored rows 0', (cols) => {
    const rows = 6;
    const logits = uniform(rows * cols, cols, -4, 4);
    const next = rng(cols);
    const t = Int32Array.from({ length: rows }, (_, r) => (r === 2 ? -100 : Math.floor(next() * cols)));
    const w = uniform(cols, 5 + cols, 0.1, 3);
    const { loss, d } = weighted(runtimes[backend], logits, t, w, cols, 0.5);
    let want = 0;
    for (let r = 0; r < rows; r++) {
      const row = [...logits.subarray(r * cols, (r + 1) * cols)];
      const mx = Math.max(...row);
      const lse = mx + Math.log(row.reduce((s, v) => s + Math.exp(v - mx), 0));
      const valid = t[r] >= 0;
      if (valid) want += w[t[r]] * (lse - row[t[r]]);
      for (let c = 0; c < cols; c++) {
        const g = valid ? 0.5 * w[t[r]] * (Math.exp(row[c] - lse) - (c === t[r] ? 1 : 0)) : 0;
        expect(Math.abs(d[r * cols + c] - g)).toBeLessThanOrEqual(2e-6);
      }
    }
    expect(Math.abs(loss - want)).toBeLessThanOrEqual(1e-5 * (1 + want));
  });
});

describe('wasm-simd pointwise and weighted losses are bit-identical to ts', () => {
  const both = <T>(f: (rt: Runtime) => T): T[] => EXACT_BACKENDS.map((k) => f(runtimes[k]));
  it('every kind over all edge sizes, with and without a mask', () => {
    for (const kind of KINDS) {
      for (const cols of EDGE_SIZES) {
        for (const masked of [false, true]) {
          const a = inputs(kind, 4, cols, 300 + cols, masked);
          const [x, y] = both((rt) => run(rt, kind, a, 0.1));
          expect(y.loss).toBe(x.loss);
          expect(y.d).toEqual(x.d);
        }
      }
    }
  });
  it('weighted cross-entropy over all edge sizes', () => {
    for (const cols of EDGE_SIZES) {
      const logits = uniform(4 * cols, 900 + cols, -5, 5);
      const t = Int32Array.from([0, cols - 1, -1, Math.floor(cols / 2)]);
      const w = uniform(cols, 950 + cols, 0.1, 2);
      const [x, y] = both((rt) => weighted(rt, logits, t, w, cols, 0.25));
      expect(y.loss).toBe(x.loss);
      expect(y.d).toEqual(x.d);
    }
  });
});
