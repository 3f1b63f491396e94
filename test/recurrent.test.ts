// RNN / LSTM / GRU layers: wasm-simd bit-identical to ts (forward and backward), wasm-relaxed within tolerance,
// token ids equal one-hot floats, batchFirst equals the transposed time-major run, weights API, errors, memory.

import { beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, ShapeError, ValueError } from '../bindings/index.node.ts';
import { GRU } from '../bindings/model/gru.ts';
import { LSTM } from '../bindings/model/lstm.ts';
import { RNN } from '../bindings/model/rnn.ts';
import { ParamSlab } from '../bindings/model/slab.ts';
import { BACKENDS, loadRuntime, type TestBackend } from './helpers/backends.ts';
import { uniform } from './helpers/random.ts';
import { makeLayer, type RefCell, type RefConfig } from './helpers/recurrent-ref.ts';

const runtimes = {} as Record<TestBackend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

type Shape = RefConfig;
const make = makeLayer;

/** One forward + backward with random data; everything the layer returns, as plain arrays. */
function run(
  rt: Runtime,
  s: Shape,
  T: number,
  B: number,
  x?: Float32Array | Int32Array,
  inputGrad?: boolean,
) {
  const layer = make(rt, s, 7);
  const n = s.L * s.D * B * s.H;
  const lstm = s.cell === 'lstm';
  const data = x ?? uniform(T * B * s.I, 11);
  const shape = data instanceof Int32Array ? [T, B] : [T, B, s.I];
  const fwd = layer.forward({ data, shape } as never, {
    h0: uniform(n, 12),
    c0: lstm ? uniform(n, 13) : undefined,
  });
  const bwd = layer.backward({
    dOutputs: uniform(T * B * s.D * s.H, 14),
    dHn: uniform(n, 15),
    dCn: lstm ? uniform(n, 16) : undefined,
    inputGrad,
  });
  const result = { fwd, bwd, grads: layer.gradients() };
  layer.dispose();
  return result;
}

const CELLS: RefCell[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'];
// H = 5 and 9 hit the scalar tails of the fused gate pass; 8 is all lanes.
const SHAPES: Shape[] = CELLS.flatMap((cell) => [
  { cell, I: 3, H: 5, L: 1, D: 1 },
  { cell, I: 7, H: 8, L: 2, D: 2 },
  { cell, I: 4, H: 9, L: 2, D: 1 },
]);
const label = (s: Shape) => `${s.cell} I=${s.I} H=${s.H} L=${s.L} D=${s.D}`;

describe('wasm-simd is bit-identical to ts', () => {
  it.each(SHAPES.map((s) => [label(s), s] as const))('%s', (_, s) => {
    const a = run(runtimes.ts, s, 6, 3);
    const b = run(runtimes['wasm-simd'], s, 6, 3);
    expect(b).toEqual(a);
  });
});

describe('wasm-relaxed agrees within tolerance', () => {
  it.each(SHAPES.map((s) => [label(s), s] as const))('%s', (_, s) => {
    const a = run(runtimes.ts, s, 6, 3);
    const b = run(runtimes['wasm-relaxed'], s, 6, 3);
    const pairs: [ArrayLike<number>, ArrayLike<number>][] = [
      [a.fwd.outputs.data, b.fwd.outputs.data],
      [a.fwd.hN.data, b.fwd.hN.data],
      [a.bwd.dX!.data, b.bwd.dX!.data],
      [a.bwd.dH0.data, b.bwd.dH0.data],
      ...Object.keys(a.grads).map((k): [Float32Array, Float32Array] => [a.grads[k], b.grads[k]]),
    ];
    for (const [want, got] of pairs) {
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    }
  });
});

describe.each(BACKENDS)('on %s', (backend) => {
  // T·B ≥ I takes the transposed-table gather, T·B < I the column gather: both must equal the one-hot GEMM.
  it.each(CELLS)('%s: token ids give exactly the one-hot float results', (cell) => {
    const rt = runtimes[backend];
    for (const [I, T, B] of [
      [6, 4, 3],
      [20, 2, 3],
    ]) {
      const s: Shape = { cell, I, H: 5, L: 2, D: 2 };
      const ids = Int32Array.from({ length: T * B }, (_, i) => (i * 5) % s.I);
      const onehot = new Float32Array(T * B * s.I);
      ids.forEach((id, i) => {
        onehot[i * s.I + id] = 1;
      });
      const a = run(rt, s, T, B, ids);
      const b = run(rt, s, T, B, onehot);
      expect(a.fwd).toEqual(b.fwd);
      expect(a.bwd.dX).toBeUndefined();
      expect(a.bwd.dH0).toEqual(b.bwd.dH0);
      expect(a.grads).toEqual(b.grads);
    }
  });

  it.each(CELLS)('%s: inputGrad false skips dX and changes nothing else', (cell) => {
    const s: Shape = { cell, I: 6, H: 5, L: 2, D: 2 };
    const a = run(runtimes[backend], s, 4, 3);
    const b = run(runtimes[backend], s, 4, 3, undefined, false);
    expect(a.bwd.dX?.data.length).toBe(4 * 3 * 6);
    expect(b.bwd.dX).toBeUndefined();
    expect(b.bwd.dH0).toEqual(a.bwd.dH0);
    expect(b.bwd.dC0).toEqual(a.bwd.dC0);
    expect(b.grads).toEqual(a.grads);
  });

  it.each(CELLS)('%s: batchFirst equals the transposed time-major run', (cell) => {
    const rt = runtimes[backend];
    const [T, B, I, H] = [4, 3, 5, 6];
    const tm = make(rt, { cell, I, H, L: 2, D: 2 });
    const bf = make(rt, { cell, I, H, L: 2, D: 2, batchFirst: true });
    const x = uniform(T * B * I, 3);
    const dOut = uniform(T * B * 2 * H, 4);
    const a = tm.forward({ data: x, shape: [T, B, I] });
    const da = tm.backward({ dOutputs: dOut });
    const b = bf.forward({ data: transpose(x, T, B, I), shape: [B, T, I] });
    const db = bf.backward({ dOutputs: transpose(dOut, T, B, 2 * H) });
    expect(b.outputs.shape).toEqual([B, T, 2 * H]);
    expect(b.outputs.data).toEqual(transpose(a.outputs.data, T, B, 2 * H));
    expect(b.hN).toEqual(a.hN);
    expect(db.dX!.data).toEqual(transpose(da.dX!.data, T, B, I));
    expect(bf.gradients()).toEqual(tm.gradients());
    tm.dispose();
    bf.dispose();
  });

  it('repeated passes of one size allocate nothing; a larger T·B grows the workspace once', () => {
    const rt = runtimes[backend];
    const layer = make(rt, { cell: 'lstm', I: 4, H: 8, L: 2, D: 2 });
    const pass = (T: number) => {
      layer.forward({ data: uniform(T * 2 * 4, T), shape: [T, 2, 4] });
      layer.backward({ dOutputs: uniform(T * 2 * 16, 1) });
    };
    pass(5);
    const high = rt.arena.highWater;
    const length = layer.workspaceLength;
    for (let i = 0; i < 3; i++) pass(5);
    pass(3);
    expect(rt.arena.highWater).toBe(high);
    expect(layer.workspaceLength).toBe(length);
    pass(9);
    expect(layer.workspaceLength).toBeGreaterThan(length);
    layer.dispose();
  });

  it('backward accumulates into the gradients; zeroGrad clears them', () => {
    const rt = runtimes[backend];
    const layer = make(rt, { cell: 'gru', I: 3, H: 4, L: 1, D: 1 });
    const x = { data: uniform(12, 1), shape: [2, 2, 3] };
    layer.forward(x);
    layer.backward({ dOutputs: uniform(16, 2) });
    const once = layer.gradients();
    layer.forward(x);
    layer.backward({ dOutputs: uniform(16, 2) });
    const twice = layer.gradients();
    for (const k of Object.keys(once)) {
      for (let i = 0; i < once[k].length; i++) expect(twice[k][i]).toBeCloseTo(2 * once[k][i], 5);
    }
    layer.zeroGrad();
    for (const g of Object.values(layer.gradients())) expect(g.every((v) => v === 0)).toBe(true);
    layer.dispose();
  });
});

function transpose(a: ArrayLike<number>, T: number, B: number, W: number): Float32Array {
  const out = new Float32Array(T * B * W);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      for (let w = 0; w < W; w++) out[(b * T + t) * W + w] = a[(t * B + b) * W + w];
    }
  }
  return out;
}

describe('parameters', () => {
  it("have PyTorch's names, shapes and order", () => {
    const layer = make(runtimes.ts, { cell: 'lstm', I: 3, H: 4, L: 2, D: 2 });
    expect(layer.parameters.map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'weight_ih_l0:16x3',
      'weight_hh_l0:16x4',
      'bias_ih_l0:16',
      'bias_hh_l0:16',
      'weight_ih_l0_reverse:16x3',
      'weight_hh_l0_reverse:16x4',
      'bias_ih_l0_reverse:16',
      'bias_hh_l0_reverse:16',
      'weight_ih_l1:16x8',
      'weight_hh_l1:16x4',
      'bias_ih_l1:16',
      'bias_hh_l1:16',
      'weight_ih_l1_reverse:16x8',
      'weight_hh_l1_reverse:16x4',
      'bias_ih_l1_reverse:16',
      'bias_hh_l1_reverse:16',
    ]);
    layer.dispose();
  });

  it('default init is uniform(−1/√H, 1/√H), the same for the same seed on every backend', () => {
    const a = make(runtimes.ts, { cell: 'gru', I: 3, H: 16, L: 1, D: 1 }, 5).getWeights();
    const b = make(runtimes['wasm-simd'], { cell: 'gru', I: 3, H: 16, L: 1, D: 1 }, 5).getWeights();
    const c = make(runtimes.ts, { cell: 'gru', I: 3, H: 16, L: 1, D: 1 }, 6).getWeights();
    expect(b).toEqual(a);
    expect(c.weight_hh_l0).not.toEqual(a.weight_hh_l0);
    for (const v of Object.values(a)) expect(v.every((w) => Math.abs(w) <= 0.25)).toBe(true);
  });

  it('init options: orthogonal W_hh blocks, xavier W_ih, LSTM forget bias', () => {
    const H = 6;
    const layer = new LSTM(runtimes.ts, {
      inputSize: 3,
      hiddenSize: H,
      init: { recurrent: 'orthogonal', input: 'xavier', forgetBias: 1 },
    });
    const w = layer.getWeights();
    for (let g = 0; g < 4; g++) {
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < H; j++) {
          let s = 0;
          for (let c = 0; c < H; c++)
            s += w.weight_hh_l0[(g * H + i) * H + c] * w.weight_hh_l0[(g * H + j) * H + c];
          expect(s).toBeCloseTo(i === j ? 1 : 0, 5);
        }
      }
    }
    const bound = Math.sqrt(6 / (3 + 4 * H));
    expect(w.weight_ih_l0.every((v) => Math.abs(v) <= bound)).toBe(true);
    expect([...w.bias_ih_l0.subarray(H, 2 * H)]).toEqual(Array(H).fill(1));
    expect([...w.bias_hh_l0.subarray(H, 2 * H)]).toEqual(Array(H).fill(0));
    layer.dispose();
  });

  it('setWeights round-trips and validates the whole record before writing anything', () => {
    const layer = make(runtimes.ts, { cell: 'rnn_tanh', I: 2, H: 3, L: 1, D: 1 });
    const w = layer.getWeights();
    const next = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v.map((x) => x + 1)]));
    layer.setWeights(next);
    expect(layer.getWeights()).toEqual(next);
    const bad = (record: Record<string, Float32Array>, error: typeof ShapeError, text: string) => {
      expect(() => layer.setWeights(record)).toThrow(error);
      expect(() => layer.setWeights(record)).toThrow(text);
      expect(layer.getWeights()).toEqual(next);
    };
    const { bias_hh_l0, ...missing } = w;
    bad(missing, ValueError, 'bias_hh_l0 is missing');
    bad({ ...w, weight_ih_l1: new Float32Array(1) }, ValueError, 'unknown parameter weight_ih_l1');
    bad(
      { ...w, weight_hh_l0: new Float32Array(8) },
      ShapeError,
      'weight_hh_l0 must be [3, 3] (9 values) but got 8',
    );
    bad({ ...w, bias_hh_l0: Float32Array.of(1, Number.NaN, 0) }, ValueError, 'bias_hh_l0[1] must be finite');
    expect(bias_hh_l0).toBeDefined();
    layer.dispose();
  });

  it('several layers share one slab through paramSpecs and a prefix', () => {
    const rt = runtimes.ts;
    const enc = { inputSize: 3, hiddenSize: 4, prefix: 'enc.' };
    const dec = { inputSize: 4, hiddenSize: 4, prefix: 'dec.', nonlinearity: 'relu' as const };
    const slab = new ParamSlab(rt, [...GRU.paramSpecs(enc), ...RNN.paramSpecs(dec)]);
    const a = new GRU(rt, { ...enc, slab });
    const b = new RNN(rt, { ...dec, slab });
    expect(slab.entries[0].name).toBe('enc.weight_ih_l0');
    expect(Object.keys(b.getWeights())).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
    const out = a.forward({ data: uniform(6, 1), shape: [2, 1, 3] });
    b.forward(out.outputs);
    b.backward({ dOutputs: uniform(8, 2) });
    expect(slab.readGrad('dec.weight_hh_l0').some((v) => v !== 0)).toBe(true);
    b.zeroGrad();
    expect(slab.readGrad('dec.weight_hh_l0').every((v) => v === 0)).toBe(true);
    expect(() => new LSTM(rt, { inputSize: 3, hiddenSize: 4, prefix: 'enc.', slab })).toThrow(ShapeError);
  });
});

describe('bad input is refused before any kernel runs', () => {
  const layer = () => make(runtimes.ts, { cell: 'lstm', I: 3, H: 4, L: 2, D: 1 });
  it.each([
    [
      'x of the wrong width',
      { data: new Float32Array(12), shape: [2, 2, 3 + 1] },
      {},
      ShapeError,
      'x [T, B, inputSize] must be [*, *, 3] but got [2, 2, 4]',
    ],
    [
      'x whose data disagrees with its shape',
      { data: new Float32Array(11), shape: [2, 2, 3] },
      {},
      ShapeError,
      'but its data holds 11',
    ],
    [
      'x of another type',
      { data: new Float64Array(12), shape: [2, 2, 3] },
      {},
      ShapeError,
      'Float64Array(12)',
    ],
    [
      'a token id out of range',
      { data: Int32Array.of(0, 2, 3, 1), shape: [2, 2] },
      {},
      ValueError,
      'x[2] must be a token id in [0, 3) (inputSize) but is 3',
    ],
    ['a negative token id', { data: Int32Array.of(0, -1), shape: [2, 1] }, {}, ValueError, 'but is -1'],
    [
      'h0 of the wrong size',
      { data: new Float32Array(12), shape: [2, 2, 3] },
      { h0: new Float32Array(15) },
      ShapeError,
      'h0 must be a Float32Array of [2, 2, 4] (16 values) but got Float32Array(15)',
    ],
    [
      'c0 of the wrong size',
      { data: new Float32Array(12), shape: [2, 2, 3] },
      { c0: new Float32Array(3) },
      ShapeError,
      'c0 must be',
    ],
  ])('%s', (_, x, state, error, text) => {
    const l = layer();
    expect(() => l.forward(x as never, state as never)).toThrow(error);
    expect(() => l.forward(x as never, state as never)).toThrow(text);
    l.dispose();
  });

  it('backward before forward, wrong gradient sizes, c0 on a GRU, bad options', () => {
    const l = layer();
    expect(() => l.backward()).toThrow('backward: call forward first');
    l.forward({ data: new Float32Array(12), shape: [2, 2, 3] });
    expect(() => l.backward({ dOutputs: new Float32Array(5) })).toThrow(
      'dOutputs must be a Float32Array of [2, 2, 4] (16 values) but got Float32Array(5)',
    );
    expect(() => l.backward({ dCn: new Float32Array(5) })).toThrow(ShapeError);
    expect(() => l.backward({ inputGrad: 'no' as never })).toThrow(
      'backward: inputGrad must be a boolean but got "no"',
    );
    const g = make(runtimes.ts, { cell: 'gru', I: 3, H: 4, L: 1, D: 1 });
    expect(() =>
      g.forward({ data: new Float32Array(3), shape: [1, 1, 3] }, { c0: new Float32Array(4) }),
    ).toThrow('c0 is only for LSTM layers');
    expect(() => new GRU(runtimes.ts, { inputSize: 0, hiddenSize: 4 })).toThrow(
      'inputSize must be an integer > 0 but got 0',
    );
    expect(
      () => new RNN(runtimes.ts, { inputSize: 2, hiddenSize: 4, nonlinearity: 'gelu' as never }),
    ).toThrow(ValueError);
    expect(() => new GRU(runtimes.ts, { inputSize: 2, hiddenSize: 4, init: { forgetBias: 1 } })).toThrow(
      ValueError,
    );
  });
});
