// GRU with the reset gate before the recurrent product (gru: { resetAfter: false }) as a layer: the float64
// reference (test/helpers/gru-reset-before-ref.ts) checked by central differences, then our forward and BPTT
// against it on every backend (stacked, bidirectional, initial state, per-row lengths, H across tile
// boundaries), the stepper against forward, files that keep the variant, and the default unchanged.

import { beforeAll, describe, expect, it } from 'vitest';
import { GRU, loadLayer, type Runtime, saveLayer, ValueError } from '../bindings/index.node.ts';
import { BACKENDS, loadRuntime, type TestBackend } from './helpers/backends.ts';
import { type RbConfig, rbBackward, rbForward, type Weights } from './helpers/gru-reset-before-ref.ts';
import { uniform } from './helpers/random.ts';

const runtimes = {} as Record<TestBackend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

/** max |got − want| / max(max |want|, 1e-3): float32 error scales with the tensor, not the element. */
function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

function numeric(loss: () => number, v: Float64Array, eps = 1e-6): Float64Array {
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const keep = v[i];
    v[i] = keep + eps;
    const up = loss();
    v[i] = keep - eps;
    const down = loss();
    v[i] = keep;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

function randomWeights(c: RbConfig, seed: number): Weights {
  const w: Weights = {};
  let s = seed;
  for (let k = 0; k < c.L; k++) {
    for (let d = 0; d < c.D; d++) {
      const n = `l${k}${d ? '_reverse' : ''}`;
      const I = k === 0 ? c.I : c.D * c.H;
      w[`weight_ih_${n}`] = Float64Array.from(uniform(3 * c.H * I, s++, -0.7, 0.7));
      w[`weight_hh_${n}`] = Float64Array.from(uniform(3 * c.H * c.H, s++, -0.7, 0.7));
      w[`bias_ih_${n}`] = Float64Array.from(uniform(3 * c.H, s++, -0.5, 0.5));
      w[`bias_hh_${n}`] = Float64Array.from(uniform(3 * c.H, s++, -0.5, 0.5));
    }
  }
  return w;
}

describe('float64 reference of the reset-before GRU', () => {
  it('its backward equals central differences of its forward (L 2, bidirectional, state, lengths)', () => {
    const c: RbConfig = { I: 3, H: 4, L: 2, D: 2 };
    const [T, B] = [4, 3];
    const lengths = [4, 2, 1];
    const w = randomWeights(c, 10);
    const x = Float64Array.from(uniform(T * B * c.I, 1));
    const h0 = Float64Array.from(uniform(c.L * c.D * B * c.H, 2, -0.8, 0.8));
    const wo = uniform(T * B * c.D * c.H, 3);
    const wh = uniform(c.L * c.D * B * c.H, 4);
    const loss = () => {
      const f = rbForward(c, w, x, T, B, h0, lengths);
      return dot(f.outputs, wo) + dot(f.hN, wh);
    };
    const g = rbBackward(c, w, rbForward(c, w, x, T, B, h0, lengths), T, B, wo, wh);
    expect(relError(g.dX, numeric(loss, x))).toBeLessThan(1e-7);
    expect(relError(g.dH0, numeric(loss, h0))).toBeLessThan(1e-7);
    for (const [name, v] of Object.entries(w)) {
      expect(relError(g.weights[name], numeric(loss, v)), name).toBeLessThan(1e-7);
    }
  });

  it('differs from the reset-after GRU on the same weights (the variant is not a no-op)', () => {
    const c: RbConfig = { I: 2, H: 3, L: 1, D: 1 };
    const w = randomWeights(c, 20);
    const x = uniform(2 * 2 * 2, 5);
    const rt = runtimes.ts;
    const after = new GRU(rt, { inputSize: 2, hiddenSize: 3 });
    after.setWeights(Object.fromEntries(Object.entries(w).map(([k, v]) => [k, Float32Array.from(v)])));
    const got = after.forward({ data: x, shape: [2, 2, 2] }).outputs.data;
    expect(relError(got, rbForward(c, w, x, 2, 2).outputs)).toBeGreaterThan(1e-3);
    after.dispose();
  });
});

interface Case {
  L: number;
  D: number;
  H: number;
  state: boolean;
  lengths: boolean;
}
const CASES: Case[] = [1, 2].flatMap((L) =>
  [1, 2].flatMap((D) =>
    [3, 4, 5, 17].flatMap((H) =>
      [false, true].map((state) => ({ L, D, H, state, lengths: state === (H % 2 === 1) })),
    ),
  ),
);

describe.each(BACKENDS)('GRU { resetAfter: false } on %s against the reference', (backend) => {
  it.each(CASES)('L=$L D=$D H=$H state $state lengths $lengths', ({ L, D, H, state, lengths }) => {
    const rt = runtimes[backend];
    const c: RbConfig = { I: 5, H, L, D };
    const [T, B] = [5, 3];
    const lens = lengths ? [5, 3, 1] : undefined;
    const layer = new GRU(rt, {
      inputSize: c.I,
      hiddenSize: H,
      numLayers: L,
      bidirectional: D === 2,
      seed: 7,
      gru: { resetAfter: false },
    });
    const n = L * D * B * H;
    const x = uniform(T * B * c.I, 1);
    const h0 = state ? uniform(n, 2, -0.8, 0.8) : undefined;
    const wo = uniform(T * B * D * H, 3);
    const wh = uniform(n, 4);
    const got = layer.forward({ data: x, shape: [T, B, c.I] }, { h0 }, lens ? { lengths: lens } : {});
    const back = layer.backward({ dOutputs: wo, dHn: wh });
    const w = Object.fromEntries(
      Object.entries(layer.getWeights()).map(([k, v]) => [k, Float64Array.from(v)]),
    );
    const f = rbForward(c, w, x, T, B, h0, lens);
    const g = rbBackward(c, w, f, T, B, wo, wh);
    const tol = 1e-5;
    expect(relError(got.outputs.data, f.outputs), 'outputs').toBeLessThan(tol);
    expect(relError(got.hN.data, f.hN), 'hN').toBeLessThan(tol);
    expect(relError(back.dX!.data, g.dX), 'dX').toBeLessThan(tol);
    expect(relError(back.dH0.data, g.dH0), 'dH0').toBeLessThan(tol);
    const grads = layer.gradients();
    for (const name of Object.keys(w)) expect(relError(grads[name], g.weights[name]), name).toBeLessThan(tol);
    layer.dispose();
  });
});

describe('GRU { resetAfter: false } as a layer', () => {
  it('gradients equal central differences of the reference forward (ts backend)', () => {
    const rt = runtimes.ts;
    const c: RbConfig = { I: 3, H: 5, L: 2, D: 2 };
    const [T, B] = [3, 2];
    const layer = new GRU(rt, {
      inputSize: 3,
      hiddenSize: 5,
      numLayers: 2,
      bidirectional: true,
      seed: 3,
      gru: { resetAfter: false },
    });
    const x = uniform(T * B * c.I, 1);
    const wo = uniform(T * B * 10, 4);
    const wh = uniform(4 * B * 5, 5);
    layer.forward({ data: x, shape: [T, B, 3] });
    const back = layer.backward({ dOutputs: wo, dHn: wh });
    const w = Object.fromEntries(
      Object.entries(layer.getWeights()).map(([k, v]) => [k, Float64Array.from(v)]),
    );
    const x64 = Float64Array.from(x);
    const loss = () => {
      const f = rbForward(c, w, x64, T, B);
      return dot(f.outputs, wo) + dot(f.hN, wh);
    };
    expect(relError(back.dX!.data, numeric(loss, x64))).toBeLessThan(2e-4);
    const grads = layer.gradients();
    for (const [name, v] of Object.entries(w))
      expect(relError(grads[name], numeric(loss, v)), name).toBeLessThan(2e-4);
    layer.dispose();
  });

  it('the default, and resetAfter: true, are the PyTorch GRU bit for bit', () => {
    const rt = runtimes['wasm-simd'];
    const x = { data: uniform(4 * 2 * 3, 1), shape: [4, 2, 3] };
    const base = { inputSize: 3, hiddenSize: 6, seed: 4 };
    const a = new GRU(rt, base);
    const b = new GRU(rt, { ...base, gru: { resetAfter: true } });
    const r = new GRU(rt, { ...base, gru: { resetAfter: false } });
    const want = a.forward(x).outputs.data;
    expect(b.forward(x).outputs.data).toEqual(want);
    expect(r.forward(x).outputs.data).not.toEqual(want);
    expect(b.backward({ dHn: uniform(12, 2) }).dX).toEqual(a.backward({ dHn: uniform(12, 2) }).dX);
    expect(b.gradients()).toEqual(a.gradients());
    for (const layer of [a, b, r]) layer.dispose();
  });

  it('ts and wasm-simd train it to bit-identical weights', () => {
    const run = (rt: Runtime) => {
      const layer = new GRU(rt, {
        inputSize: 3,
        hiddenSize: 7,
        bidirectional: true,
        seed: 9,
        gru: { resetAfter: false },
      });
      const x = { data: uniform(6 * 5 * 3, 1), shape: [6, 5, 3] };
      for (let i = 0; i < 3; i++) {
        layer.zeroGrad();
        const y = layer.forward(x, {}, { lengths: [6, 4, 6, 1, 2] });
        layer.backward({ dOutputs: y.outputs.data });
        const w = layer.getWeights();
        const g = layer.gradients();
        for (const k of Object.keys(w)) for (let j = 0; j < w[k].length; j++) w[k][j] -= 0.1 * g[k][j];
        layer.setWeights(w);
      }
      const w = layer.getWeights();
      layer.dispose();
      return w;
    };
    expect(run(runtimes['wasm-simd'])).toEqual(run(runtimes.ts));
  });

  it.each(BACKENDS)('the stepper equals forward (%s)', (backend) => {
    const rt = runtimes[backend];
    const [T, B, I, H, L] = [5, 3, 4, 6, 2];
    const layer = new GRU(rt, {
      inputSize: I,
      hiddenSize: H,
      numLayers: L,
      seed: 2,
      gru: { resetAfter: false },
    });
    const x = uniform(T * B * I, 1);
    const h0 = uniform(L * B * H, 2);
    const want = layer.forward({ data: x, shape: [T, B, I] }, { h0 });
    const stepper = layer.stepper({ batchSize: B });
    stepper.setState({ h: h0 });
    for (let t = 0; t < T; t++) {
      const out = stepper.step(x.subarray(t * B * I, (t + 1) * B * I));
      expect(out).toEqual(want.outputs.data.subarray(t * B * H, (t + 1) * B * H));
    }
    expect(stepper.getState().h).toEqual(want.hN.data);
    stepper.dispose();
    layer.dispose();
  });

  it('a saved file keeps the variant; a file without the field is the PyTorch GRU', () => {
    const rt = runtimes.ts;
    const options = { inputSize: 2, hiddenSize: 3, seed: 5, gru: { resetAfter: false } };
    const layer = new GRU(rt, options);
    const x = { data: uniform(3 * 2 * 2, 1), shape: [3, 2, 2] };
    const want = layer.forward(x).outputs.data;
    const loaded = loadLayer(rt, saveLayer(layer, 'GRU', options));
    expect(loaded.manifest.architecture.options.gru).toEqual({ resetAfter: false });
    expect((loaded.layer as GRU).forward(x).outputs.data).toEqual(want);
    const old = loadLayer(rt, saveLayer(layer, 'GRU', { inputSize: 2, hiddenSize: 3, seed: 5 }));
    expect((old.layer as GRU).cell.resetAfter).toBe(true);
    expect((old.layer as GRU).forward(x).outputs.data).not.toEqual(want);
    for (const l of [layer, loaded.layer, old.layer] as GRU[]) l.dispose();
  });

  it('refuses a bad gru option by name before building anything', () => {
    const rt = runtimes.ts;
    const base = { inputSize: 2, hiddenSize: 3 };
    expect(() => new GRU(rt, { ...base, gru: { resetAfter: 0 as never } })).toThrow(
      'gru.resetAfter must be a boolean but got 0',
    );
    expect(() => new GRU(rt, { ...base, gru: { resetafter: false } as never })).toThrow(ValueError);
    expect(() => new GRU(rt, { ...base, gru: 'before' as never })).toThrow(
      'gru must be an object { resetAfter? } but got',
    );
  });
});
