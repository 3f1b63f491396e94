// Embedding, Dense and AttentionPooling on every backend: forward against float64 references, backward against
// finite differences, shared slabs, typed errors before any kernel, and wasm-simd bit-identical to ts.

import { beforeAll, describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../bindings/errors.ts';
import type { Runtime } from '../bindings/index.node.ts';
import { Dense } from '../bindings/model/dense.ts';
import { Embedding } from '../bindings/model/embedding.ts';
import { AttentionPooling } from '../bindings/model/pooling.ts';
import { ParamSlab } from '../bindings/model/slab.ts';
import type { Tensor } from '../bindings/tensor.ts';
import { BACKENDS, EXACT_BACKENDS, loadRuntime } from './helpers/backends.ts';
import { EDGE_SIZES, uniform } from './helpers/random.ts';

const runtimes = {} as Record<(typeof BACKENDS)[number], Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

const t = (data: Float32Array, shape: number[]): Tensor => ({ data, shape });
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const expectClose = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i]), `index ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(
      tol * (1 + Math.abs(want[i])),
    );
  }
};

/**
 * Central differences of L = Σ g ⊙ f(·) with respect to every entry of `x` (mutated and restored), compared
 * with the analytic gradient. f32 forward passes, so the step is large and the tolerance loose.
 */
function gradCheck(x: Float32Array, analytic: ArrayLike<number>, loss: () => number, eps = 1e-2, tol = 2e-3) {
  for (let i = 0; i < x.length; i++) {
    const keep = x[i];
    x[i] = keep + eps;
    const up = loss();
    x[i] = keep - eps;
    const down = loss();
    x[i] = keep;
    const numeric = (up - down) / (2 * eps);
    expect(Math.abs(analytic[i] - numeric), `entry ${i}: ${analytic[i]} vs ${numeric}`).toBeLessThanOrEqual(
      tol * (1 + Math.abs(numeric)),
    );
  }
}

describe.each(BACKENDS)('Dense on %s', (backend) => {
  it.each([
    [1, 1, 1],
    [5, 3, 7],
    [12, 9, 4],
    [65, 33, 17],
  ])('forward matches x·Wᵀ + b for N=%i in=%i out=%i', (N, I, O) => {
    const dense = new Dense(runtimes[backend], { inFeatures: I, outFeatures: O, seed: 3 });
    const x = uniform(N * I, 1);
    const { weight: w, bias: b } = dense.getWeights();
    const y = dense.forward(t(x, [N, I]));
    expect(y.shape).toEqual([N, O]);
    const want = new Float64Array(N * O);
    for (let n = 0; n < N; n++)
      for (let o = 0; o < O; o++)
        want[n * O + o] = dot(x.subarray(n * I, n * I + I), w.subarray(o * I, o * I + I)) + b[o];
    expectClose(y.data, want, 1e-5);
    // PyTorch's init bounds: uniform(−1/√in, 1/√in).
    for (const v of [...w, ...b]) expect(Math.abs(v)).toBeLessThanOrEqual(1 / Math.sqrt(I));
    dense.dispose();
  });

  it('backward matches finite differences for x, weight and bias, over [T, B, in] rows', () => {
    const rt = runtimes[backend];
    const dense = new Dense(rt, { inFeatures: 5, outFeatures: 3, seed: 4 });
    const x = uniform(3 * 2 * 5, 5);
    const g = uniform(3 * 2 * 3, 6);
    dense.forward(t(x, [3, 2, 5]));
    const dX = dense.backward(t(g, [3, 2, 3]));
    expect(dX.shape).toEqual([3, 2, 5]);
    const grads = dense.gradients();
    const loss = () => dot(dense.forward(t(x, [3, 2, 5])).data, g);
    gradCheck(x, dX.data, loss);
    for (const name of ['weight', 'bias']) {
      const p = dense.getWeights()[name];
      gradCheck(p, grads[name], () => {
        dense.setWeights({ ...dense.getWeights(), [name]: p });
        return loss();
      });
    }
    dense.dispose();
  });

  it('gradients accumulate across backward calls until zeroGrad, and bias = false has only weight', () => {
    const dense = new Dense(runtimes[backend], { inFeatures: 4, outFeatures: 2, bias: false });
    expect(Object.keys(dense.getWeights())).toEqual(['weight']);
    const x = t(uniform(8, 7), [2, 4]);
    const g = t(uniform(4, 8), [2, 2]);
    dense.forward(x);
    dense.backward(g);
    const once = dense.gradients().weight;
    dense.backward(g);
    expectClose(
      dense.gradients().weight,
      once.map((v) => 2 * v),
      1e-6,
    );
    dense.zeroGrad();
    expect([...dense.gradients().weight].every((v) => v === 0)).toBe(true);
    dense.dispose();
  });

  it('refuses bad input with typed errors naming the argument, expected and received', () => {
    const dense = new Dense(runtimes[backend], { inFeatures: 4, outFeatures: 2 });
    expect(() => dense.backward(t(new Float32Array(2), [1, 2]))).toThrow(/call forward first/);
    expect(() => dense.forward(t(new Float32Array(6), [2, 3]))).toThrow(ShapeError);
    expect(() => dense.forward(t(new Float32Array(6), [2, 3]))).toThrow(
      /x must be \[\*, 4\] but got \[2, 3\]/,
    );
    dense.forward(t(new Float32Array(8), [2, 4]));
    expect(() => dense.backward(t(new Float32Array(3), [1, 3]))).toThrow(
      /dOut must be \[2, 2\] but got \[1, 3\]/,
    );
    expect(() => new Dense(runtimes[backend], { inFeatures: 0, outFeatures: 2 })).toThrow(ValueError);
    expect(() => dense.setWeights({ weight: new Float32Array(8) })).toThrow(/bias is missing/);
    expect(() =>
      dense.setWeights({ weight: new Float32Array(8), bias: new Float32Array(2), w: new Float32Array(1) }),
    ).toThrow(/unknown parameter w/);
    dense.dispose();
  });
});

describe.each(BACKENDS)('Embedding on %s', (backend) => {
  it('forward equals one-hot(ids)·weight and backward equals one-hot(ids)ᵀ·dOut, repeated ids included', () => {
    const rt = runtimes[backend];
    const V = 7;
    const E = 5;
    const emb = new Embedding(rt, { numEmbeddings: V, embeddingDim: E, seed: 9 });
    const ids = Int32Array.from([3, 0, 3, 6, 3, 1]);
    const w = emb.getWeights().weight;
    const y = emb.forward({ data: ids, shape: [2, 3] });
    expect(y.shape).toEqual([2, 3, E]);
    const g = uniform(ids.length * E, 2);
    emb.backward(t(g, [2, 3, E]));
    const want = new Float64Array(ids.length * E);
    const dW = new Float64Array(V * E);
    for (let i = 0; i < ids.length; i++) {
      for (let v = 0; v < V; v++) {
        const hot = v === ids[i] ? 1 : 0;
        for (let e = 0; e < E; e++) {
          want[i * E + e] += hot * w[v * E + e];
          dW[v * E + e] += hot * g[i * E + e];
        }
      }
    }
    expect([...y.data]).toEqual([...want]);
    expectClose(emb.gradients().weight, dW, 1e-6);
    emb.dispose();
  });

  it('initialises N(0, 1) and keeps paddingIdx zero and gradient-free', () => {
    const emb = new Embedding(runtimes[backend], { numEmbeddings: 50, embeddingDim: 40, paddingIdx: -1 });
    const w = emb.getWeights().weight;
    expect(emb.paddingIdx).toBe(49);
    expect([...w.subarray(49 * 40)].every((v) => v === 0)).toBe(true);
    const body = w.subarray(0, 49 * 40);
    const mean = body.reduce((a, b) => a + b, 0) / body.length;
    const variance = body.reduce((a, b) => a + (b - mean) ** 2, 0) / body.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(variance - 1)).toBeLessThan(0.1);
    emb.forward({ data: Int32Array.from([49, 2, 49]), shape: [3] });
    emb.backward(t(new Float32Array(3 * 40).fill(1), [3, 40]));
    const dW = emb.gradients().weight;
    expect([...dW.subarray(49 * 40)].every((v) => v === 0)).toBe(true);
    expect([...dW.subarray(2 * 40, 3 * 40)].every((v) => v === 1)).toBe(true);
    emb.dispose();
  });

  it('refuses out-of-range and non-integer ids before any kernel runs; accepts integer-valued arrays', () => {
    const emb = new Embedding(runtimes[backend], { numEmbeddings: 4, embeddingDim: 2 });
    const ids = (data: ArrayLike<number>) =>
      ({ data, shape: [data.length] }) as unknown as Tensor<Int32Array>;
    expect(() => emb.forward(ids(Int32Array.from([0, 4])))).toThrow(
      /ids\[1\] must be an integer in \[0, 4\) \(numEmbeddings\) but is 4/,
    );
    expect(() => emb.forward(ids(Int32Array.from([-1])))).toThrow(ValueError);
    expect(() => emb.forward(ids(Float32Array.from([1.5])))).toThrow(
      /ids\[0\] must be an integer .* but is 1.5/,
    );
    expect(() => emb.forward(ids(['1'] as unknown as number[]))).toThrow(ValueError);
    expect(() => emb.forward({ data: Int32Array.from([1, 2]), shape: [3] })).toThrow(ShapeError);
    const y = emb.forward(ids(Float64Array.from([3, 0])));
    const w = emb.getWeights().weight;
    expect([...y.data]).toEqual([w[6], w[7], w[0], w[1]]);
    emb.dispose();
  });
});

describe.each(BACKENDS)('AttentionPooling on %s', (backend) => {
  function reference(h: Float32Array, v: Float32Array, c: number, T: number, B: number, D: number) {
    const out = new Float64Array(B * D);
    const alpha = new Float64Array(T * B);
    for (let b = 0; b < B; b++) {
      const s = Array.from(
        { length: T },
        (_, t) => dot(h.subarray((t * B + b) * D, (t * B + b + 1) * D), v) + c,
      );
      const m = Math.max(...s);
      const e = s.map((x) => Math.exp(x - m));
      const sum = e.reduce((a, x) => a + x, 0);
      for (let t = 0; t < T; t++) {
        alpha[t * B + b] = e[t] / sum;
        for (let d = 0; d < D; d++) out[b * D + d] += (e[t] / sum) * h[(t * B + b) * D + d];
      }
    }
    return { out, alpha };
  }

  it.each([
    [1, 1, 1],
    [4, 3, 5],
    [9, 2, 8],
  ])('forward matches a float64 softmax-weighted sum for T=%i B=%i D=%i', (T, B, D) => {
    const pool = new AttentionPooling(runtimes[backend], { inputSize: D, seed: 2 });
    const h = uniform(T * B * D, 3, -2, 2);
    const { weight, bias } = pool.getWeights();
    const y = pool.forward(t(h, [T, B, D]));
    const want = reference(h, weight, bias[0], T, B, D);
    expect(y.shape).toEqual([B, D]);
    expectClose(y.data, want.out, 1e-5);
    expectClose(pool.attention().data, want.alpha, 1e-5);
    pool.dispose();
  });

  it('backward matches finite differences for h, weight and bias', () => {
    const pool = new AttentionPooling(runtimes[backend], { inputSize: 4, seed: 5 });
    pool.setWeights({ weight: Float32Array.from([1.5, -2, 0.5, 1]), bias: Float32Array.from([0.3]) });
    const h = uniform(5 * 2 * 4, 7, -1, 1);
    const g = uniform(2 * 4, 8);
    pool.forward(t(h, [5, 2, 4]));
    const dh = pool.backward(t(g, [2, 4]));
    const grads = pool.gradients();
    const loss = () => dot(pool.forward(t(h, [5, 2, 4])).data, g);
    gradCheck(h, dh.data, loss);
    const w = pool.getWeights().weight;
    gradCheck(w, grads.weight, () => {
      pool.setWeights({ weight: w, bias: Float32Array.from([0.3]) });
      return loss();
    });
    // The bias shifts every score equally: the softmax cancels it, so its gradient is zero up to rounding.
    expect(Math.abs(grads.bias[0])).toBeLessThan(1e-6);
    pool.dispose();
  });

  it('batchFirst gives the same result as time-major on the transposed input', () => {
    const rt = runtimes[backend];
    const [T, B, D] = [3, 4, 5];
    const tm = new AttentionPooling(rt, { inputSize: D, seed: 1 });
    const bf = new AttentionPooling(rt, { inputSize: D, seed: 1, batchFirst: true });
    const h = uniform(T * B * D, 4);
    const hb = new Float32Array(T * B * D);
    for (let s = 0; s < T; s++)
      for (let b = 0; b < B; b++) hb.set(h.subarray((s * B + b) * D, (s * B + b + 1) * D), (b * T + s) * D);
    expect([...bf.forward(t(hb, [B, T, D])).data]).toEqual([...tm.forward(t(h, [T, B, D])).data]);
    const g = t(uniform(B * D, 5), [B, D]);
    const dtm = tm.backward(g).data;
    const dbf = bf.backward(g).data;
    for (let s = 0; s < T; s++)
      for (let b = 0; b < B; b++)
        expect([...dbf.subarray((b * T + s) * D, (b * T + s + 1) * D)]).toEqual([
          ...dtm.subarray((s * B + b) * D, (s * B + b + 1) * D),
        ]);
    // dweight sums the same terms over rows in another order, so it agrees to rounding only.
    expectClose(bf.gradients().weight, tm.gradients().weight, 1e-6);
    tm.dispose();
    bf.dispose();
  });

  it('lengths pool each batch row over its first steps only, like unpadded rows', () => {
    const rt = runtimes[backend];
    const [T, B, D] = [5, 2, 3];
    const pool = new AttentionPooling(rt, { inputSize: D, seed: 4 });
    const h = uniform(T * B * D, 6);
    const y = pool.forward(t(h, [T, B, D]), Int32Array.from([2, 5]));
    const alpha = pool.attention().data;
    expect([alpha[4], alpha[6], alpha[8]]).toEqual([0, 0, 0]);
    const dh = pool.backward(t(uniform(B * D, 7), [B, D])).data;
    for (let s = 2; s < T; s++)
      expect(dh.subarray(s * B * D, s * B * D + D).every((v) => v === 0)).toBe(true);
    // Row 0 alone, cut to its 2 steps, gives the same pooled vector.
    const row0 = new Float32Array(2 * D);
    for (let s = 0; s < 2; s++) row0.set(h.subarray(s * B * D, s * B * D + D), s * D);
    expectClose(pool.forward(t(row0, [2, 1, D])).data, y.data.subarray(0, D), 1e-6);
    expect(() => pool.forward(t(h, [T, B, D]), [0, 5])).toThrow(
      /lengths\[0\] must be an integer in \[1, 5\] \(T\) but is 0/,
    );
    expect(() => pool.forward(t(h, [T, B, D]), [1])).toThrow(ShapeError);
    pool.dispose();
  });

  it('refuses a wrong feature size and backward before forward', () => {
    const pool = new AttentionPooling(runtimes[backend], { inputSize: 3 });
    expect(() => pool.backward(t(new Float32Array(3), [1, 3]))).toThrow(/call forward first/);
    expect(() => pool.forward(t(new Float32Array(8), [2, 2, 2]))).toThrow(
      /h \[T, B, D\] must be \[\*, \*, 3\] but got \[2, 2, 2\]/,
    );
    pool.dispose();
  });
});

describe('layers in one shared slab', () => {
  it('hold their tensors under prefixed names and zero only their own gradients', () => {
    const rt = runtimes.ts;
    const eo = { numEmbeddings: 5, embeddingDim: 3, prefix: 'embedding.' };
    const d = { inFeatures: 3, outFeatures: 2, prefix: 'head.' };
    const slab = new ParamSlab(rt, [...Embedding.paramSpecs(eo), ...Dense.paramSpecs(d)]);
    expect(slab.entries.map((e) => e.name)).toEqual(['embedding.weight', 'head.weight', 'head.bias']);
    const emb = new Embedding(rt, { ...eo, slab });
    const dense = new Dense(rt, { ...d, slab });
    const x = emb.forward({ data: Int32Array.from([1, 4]), shape: [2] });
    dense.forward(x);
    emb.backward(dense.backward(t(Float32Array.from([1, -1, 2, 0.5]), [2, 2])));
    dense.zeroGrad();
    expect(slab.readGrad('head.weight').every((v) => v === 0)).toBe(true);
    expect(slab.readGrad('embedding.weight').some((v) => v !== 0)).toBe(true);
    expect(() => new Dense(rt, { ...d, inFeatures: 4, slab })).toThrow(
      /head.weight must be \[2, 4\] but is \[2, 3\]/,
    );
    slab.free();
  });
});

describe('wasm-simd is bit-identical to ts', () => {
  function run(rt: Runtime) {
    const emb = new Embedding(rt, { numEmbeddings: 11, embeddingDim: 9, seed: 1 });
    const pool = new AttentionPooling(rt, { inputSize: 9, seed: 2 });
    const dense = new Dense(rt, { inFeatures: 9, outFeatures: 6, seed: 3 });
    const ids = Int32Array.from({ length: 7 * 3 }, (_, i) => (i * 5) % 11);
    const e = emb.forward({ data: ids, shape: [7, 3] });
    const p = pool.forward(e);
    const y = dense.forward(p);
    const dp = dense.backward(t(uniform(3 * 6, 9), [3, 6]));
    emb.backward(pool.backward(dp));
    const out = { y: y.data, alpha: pool.attention().data, ...emb.gradients(), ...pool.gradients() };
    const dd = dense.gradients();
    for (const layer of [emb, pool, dense]) layer.dispose();
    return { ...out, dW: dd.weight, db: dd.bias };
  }

  it('Embedding → AttentionPooling → Dense, forward and every gradient', () => {
    const [a, b] = EXACT_BACKENDS.map((name) => run(runtimes[name]));
    for (const key of Object.keys(a) as (keyof typeof a)[]) expect(b[key], key).toEqual(a[key]);
  });

  it('AttentionPooling kernels over every tile-boundary feature size, both layouts', () => {
    for (const D of EDGE_SIZES) {
      for (const batchFirst of [false, true]) {
        const [a, b] = EXACT_BACKENDS.map((name) => {
          const pool = new AttentionPooling(runtimes[name], { inputSize: D, seed: D, batchFirst });
          // Padded rows too: lengths per batch row (B = 3 time-major, 5 batch-first; T = 5 or 3).
          const lengths = batchFirst ? [3, 1, 2, 3, 2] : [5, 3, 1];
          const y = pool.forward(
            t(uniform(5 * 3 * D, D, -3, 3), [5, 3, D]),
            D % 2 ? lengths : undefined,
          ).data;
          const B = batchFirst ? 5 : 3;
          const dh = pool.backward(t(uniform(B * D, D + 1), [B, D])).data;
          const out = { y, dh, alpha: pool.attention().data, ...pool.gradients() };
          pool.dispose();
          return out;
        });
        expect(b, `D=${D} batchFirst=${batchFirst}`).toEqual(a);
      }
    }
  });
});
