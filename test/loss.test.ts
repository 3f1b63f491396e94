// Loss kernels: softmax cross-entropy and MSE on every backend against float64, ignored targets, huge
// logits, aliasing, wasm-simd bit-identical to ts, and the backward kernels checked by finite differences.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import { BACKENDS, EXACT_BACKENDS, get, loadRuntime, put, putI32 } from './helpers/backends.ts';
import { EDGE_SIZES, rng, uniform } from './helpers/random.ts';

type Backend = (typeof BACKENDS)[number];
const runtimes = {} as Record<Backend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

const IGNORE = -100;

/** Targets in [0, cols), with every third row set to an ignored value (−100, −1 or cols in turn). */
function targets(rows: number, cols: number, seed: number): Int32Array {
  const next = rng(seed);
  const bad = [IGNORE, -1, cols];
  return Int32Array.from({ length: rows }, (_, r) =>
    r % 3 === 2 ? bad[((r / 3) % 3) | 0] : Math.floor(next() * cols),
  );
}

function xentFwd(rt: Runtime, logits: Float32Array, t: Int32Array, cols: number, inPlace = false) {
  const rl = put(rt, logits);
  const rt32 = putI32(rt, t);
  const rp = inPlace ? rl : rt.arena.alloc(logits.length);
  const loss = rt.kernels.softmax_xent_fwd_f32(rp.ptr, rl.ptr, rt32.ptr, t.length, cols);
  const probs = get(rt, rp);
  for (const r of inPlace ? [rl, rt32] : [rl, rt32, rp]) rt.arena.free(r);
  return { loss, probs };
}

/** dlogits written over probs (the aliasing the ABI allows). */
function xentBwd(rt: Runtime, probs: Float32Array, t: Int32Array, cols: number, scale: number) {
  const rp = put(rt, probs);
  const rt32 = putI32(rt, t);
  rt.kernels.softmax_xent_bwd_f32(rp.ptr, rp.ptr, rt32.ptr, t.length, cols, scale);
  const out = get(rt, rp);
  rt.arena.free(rp);
  rt.arena.free(rt32);
  return out;
}

/** Float64 softmax rows and Σ −log p[target] over valid rows. */
function xent64(logits: Float32Array, t: Int32Array, cols: number) {
  const probs: number[] = [];
  let loss = 0;
  for (let r = 0; r < t.length; r++) {
    const row = [...logits.subarray(r * cols, (r + 1) * cols)];
    const mx = Math.max(...row);
    const lse = mx + Math.log(row.reduce((s, v) => s + Math.exp(v - mx), 0));
    for (const v of row) probs.push(Math.exp(v - lse));
    if (t[r] >= 0 && t[r] < cols) loss += lse - row[t[r]];
  }
  return { probs, loss };
}

describe.each(BACKENDS)('softmax cross-entropy on %s', (backend) => {
  it.each(EDGE_SIZES)('cols=%i: probs, row sums and loss match float64; ignored rows skipped', (cols) => {
    const rows = 7;
    const logits = uniform(rows * cols, cols, -6, 6);
    const t = targets(rows, cols, cols);
    const want = xent64(logits, t, cols);
    for (const inPlace of [false, true]) {
      const { loss, probs } = xentFwd(runtimes[backend], logits, t, cols, inPlace);
      for (let i = 0; i < probs.length; i++) expect(Math.abs(probs[i] - want.probs[i])).toBeLessThan(1e-6);
      for (let r = 0; r < rows; r++) {
        const sum = probs.subarray(r * cols, (r + 1) * cols).reduce((s, v) => s + v, 0);
        expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-6);
      }
      expect(Math.abs(loss - want.loss)).toBeLessThanOrEqual(1e-5 * want.loss + 1e-7);
    }
  });

  it('stays finite and accurate for logits of ±1e4', () => {
    const cols = 9;
    const logits = uniform(4 * cols, 5).map((v) => (v < 0 ? -1e4 : 1e4) + v);
    const t = Int32Array.from([0, 3, 8, 4]);
    const want = xent64(logits, t, cols);
    const { loss, probs } = xentFwd(runtimes[backend], logits, t, cols);
    expect(Number.isFinite(loss)).toBe(true);
    expect(probs.every(Number.isFinite)).toBe(true);
    expect(Math.abs(loss - want.loss)).toBeLessThanOrEqual(1e-5 * want.loss);
  });

  it('returns 0 when every target is ignored, and still writes the probabilities', () => {
    const logits = uniform(15, 6);
    const { loss, probs } = xentFwd(runtimes[backend], logits, Int32Array.from([IGNORE, -1, 5]), 5);
    expect(loss).toBe(0);
    expect(Math.abs(probs.reduce((s, v) => s + v, 0) - 3)).toBeLessThan(1e-5);
  });

  it.each(EDGE_SIZES)('backward cols=%i: scale·(probs − onehot), ignored rows 0, over probs', (cols) => {
    const rows = 6;
    const t = targets(rows, cols, 50 + cols);
    const { probs } = xentFwd(runtimes[backend], uniform(rows * cols, 60 + cols, -3, 3), t, cols);
    const d = xentBwd(runtimes[backend], probs, t, cols, 0.25);
    for (let r = 0; r < rows; r++) {
      const valid = t[r] >= 0 && t[r] < cols;
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const want = valid ? 0.25 * (probs[i] - (c === t[r] ? 1 : 0)) : 0;
        expect(Math.abs(d[i] - want)).toBeLessThanOrEqual(1e-7);
      }
    }
  });

  it('backward is the gradient of the forward loss (central differences)', () => {
    const rt = runtimes[backend];
    const rows = 4;
    const cols = 7;
    const h = 1e-2;
    const logits = uniform(rows * cols, 70, -2, 2);
    const t = Int32Array.from([1, IGNORE, 6, 0]);
    const grad = xentBwd(rt, xentFwd(rt, logits, t, cols).probs, t, cols, 1);
    for (let i = 0; i < logits.length; i++) {
      const up = logits.slice();
      const down = logits.slice();
      up[i] += h;
      down[i] -= h;
      const fd = (xentFwd(rt, up, t, cols).loss - xentFwd(rt, down, t, cols).loss) / (up[i] - down[i]);
      expect(Math.abs(grad[i] - fd), `logit ${i}`).toBeLessThanOrEqual(2e-3);
    }
  });
});

function mseFwd(rt: Runtime, p: Float32Array, y: Float32Array): number {
  const [rp, ry] = [put(rt, p), put(rt, y)];
  const loss = rt.kernels.mse_fwd_f32(rp.ptr, ry.ptr, p.length);
  rt.arena.free(rp);
  rt.arena.free(ry);
  return loss;
}

/** dpred written over pred. */
function mseBwd(rt: Runtime, p: Float32Array, y: Float32Array, scale: number): Float32Array {
  const [rp, ry] = [put(rt, p), put(rt, y)];
  rt.kernels.mse_bwd_f32(rp.ptr, rp.ptr, ry.ptr, p.length, scale);
  const out = get(rt, rp);
  rt.arena.free(rp);
  rt.arena.free(ry);
  return out;
}

describe.each(BACKENDS)('mse on %s', (backend) => {
  it.each(EDGE_SIZES)('n=%i: forward and backward match float64', (n) => {
    const p = uniform(n, n, -3, 3);
    const y = uniform(n, 90 + n, -3, 3);
    const want = p.reduce((s, v, i) => s + (v - y[i]) ** 2, 0);
    expect(Math.abs(mseFwd(runtimes[backend], p, y) - want)).toBeLessThanOrEqual(1e-6 * n * (1 + want));
    const d = mseBwd(runtimes[backend], p, y, 0.5);
    for (let i = 0; i < n; i++) expect(Math.abs(d[i] - 0.5 * 2 * (p[i] - y[i]))).toBeLessThanOrEqual(1e-6);
  });

  it('backward is the gradient of the forward loss (central differences)', () => {
    const rt = runtimes[backend];
    const h = 1e-2;
    const p = uniform(13, 31);
    const y = uniform(13, 32);
    const grad = mseBwd(rt, p, y, 1);
    for (let i = 0; i < p.length; i++) {
      const [up, down] = [p.slice(), p.slice()];
      up[i] += h;
      down[i] -= h;
      const fd = (mseFwd(rt, up, y) - mseFwd(rt, down, y)) / (up[i] - down[i]);
      expect(Math.abs(grad[i] - fd), `pred ${i}`).toBeLessThanOrEqual(1e-3);
    }
  });
});

describe('wasm-simd losses are bit-identical to ts', () => {
  const both = <T>(f: (rt: Runtime) => T): T[] => EXACT_BACKENDS.map((k) => f(runtimes[k]));

  it('softmax cross-entropy forward and backward over all edge sizes, including ±1e4 logits', () => {
    for (const cols of EDGE_SIZES) {
      const t = targets(5, cols, cols);
      for (const span of [8, 2e4]) {
        const logits = uniform(5 * cols, 500 + cols, -span / 2, span / 2);
        const [a, b] = both((rt) => {
          const fwd = xentFwd(rt, logits, t, cols);
          return { ...fwd, d: xentBwd(rt, fwd.probs, t, cols, 1 / 3) };
        });
        expect(b.loss).toBe(a.loss);
        expect(b.probs).toEqual(a.probs);
        expect(b.d).toEqual(a.d);
      }
    }
  });

  it('mse forward and backward over all edge sizes', () => {
    for (const n of EDGE_SIZES) {
      const p = uniform(n, 600 + n, -5, 5);
      const y = uniform(n, 700 + n, -5, 5);
      const [a, b] = both((rt) => ({ loss: mseFwd(rt, p, y), d: mseBwd(rt, p, y, 0.1) }));
      expect(b.loss).toBe(a.loss);
      expect(b.d).toEqual(a.d);
    }
  });
});
