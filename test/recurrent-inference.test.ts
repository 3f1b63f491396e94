// Inference passes (forward with { grad: false }, SequenceModel.predict, ParallelForward): every cell's inference
// kernel (RNN tanh/relu, GRU both ways, LSTM) keeps two state slots instead of the T + 1 rows of history and
// stores no gate activation. Its results must equal the training forward's bit for bit on every backend, in every
// layout the layer takes, and a backward after it must be refused before anything is written. Caller-owned
// result arrays (`into`) are checked like any other argument.

import { beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, SequenceModel, ShapeError, type Tensor, ValueError } from '../bindings/index.node.ts';
import { CELLS, type Cell, GRU_RESET_BEFORE } from '../bindings/model/cells.ts';
import { GRU } from '../bindings/model/gru.ts';
import { LSTM } from '../bindings/model/lstm.ts';
import type { Recurrent } from '../bindings/model/recurrent.ts';
import { RNN } from '../bindings/model/rnn.ts';
import {
  BACKENDS,
  EXACT_BACKENDS,
  get,
  loadRuntime,
  put,
  putI32,
  type TestBackend,
} from './helpers/backends.ts';
import { uniform } from './helpers/random.ts';

const runtimes = {} as Record<TestBackend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** The cells' kernel pairs, called through the layers' own call tables (bindings/model/cells.ts). */
const KERNEL_CELLS: Record<string, Cell> = {
  rnn_tanh: CELLS.rnn_tanh,
  rnn_relu: CELLS.rnn_relu,
  gru: CELLS.gru,
  'gru reset before': GRU_RESET_BEFORE,
  lstm: CELLS.lstm,
};

interface KernelCase {
  H: number;
  B: number;
  T: number;
  reverse: number;
  withState: boolean;
  tokens: boolean;
  lengths?: number[];
}

/**
 * A cell's training forward and inference kernels on the same inputs: with `tokens`, the training kernel gets the
 * table rows gathered into its gates buffer and the inference kernel reads the table through the ids.
 */
function runBoth(rt: Runtime, cell: Cell, c: KernelCase) {
  const { H, B, T, reverse } = c;
  const G = cell.gates * H;
  const N = T * B;
  const I = 5;
  const ldo = H + 3;
  const k = rt.kernels;
  let seed = 7;
  const buf = (n: number, scale = 1) => put(rt, uniform(n, seed++, -scale, scale));
  const table = buf(I * G, 2);
  const ids = Int32Array.from({ length: N }, (_, r) => (r * 3 + 1) % I);
  const idsRegion = putI32(rt, ids);
  const xg = buf(N * G, 2);
  const inputBefore = get(rt, c.tokens ? table : xg);
  const gates = put(rt, new Float32Array(N * G));
  if (c.tokens) k.gather_rows_f32(gates.ptr, table.ptr, idsRegion.ptr, N, G, G);
  else k.copy_f32(gates.ptr, xg.ptr, N * G);
  const whh = buf(G * H);
  const bhh = buf(G);
  const h0 = buf(B * H);
  const c0 = buf(B * H);
  const lengths = c.lengths ? putI32(rt, c.lengths) : undefined;
  // Both output buffers start from the same garbage, so that a row either kernel skips would show.
  const out = [buf(N * ldo), put(rt, new Float32Array(N * ldo))];
  k.copy_f32(out[1].ptr, out[0].ptr, N * ldo);
  const hs = put(rt, new Float32Array((N + B) * H));
  const cs = put(rt, new Float32Array((N + B) * H));
  const hn = put(rt, new Float32Array(N * H));
  const hproj = put(rt, new Float32Array(B * G));
  const step = {
    hproj: hproj.ptr,
    whh: whh.ptr,
    bhh: bhh.ptr,
    h0: c.withState ? h0.ptr : 0,
    c0: c.withState ? c0.ptr : 0,
    lengths: lengths?.ptr ?? 0,
    T,
    B,
    H,
    ldo,
    reverse,
  };
  cell.forward(k, { ...step, out: out[0].ptr, u: { gates: gates.ptr, hs: hs.ptr, cs: cs.ptr, hn: hn.ptr } });
  // The inference kernel's slots start from garbage too: slot 1 is written before it is read.
  const slots = { h: put(rt, uniform(2 * B * H, 99)), c: put(rt, uniform(2 * B * H, 98)) };
  cell.infer(k, {
    ...step,
    out: out[1].ptr,
    u: { gates: 0, hs: slots.h.ptr, cs: slots.c.ptr, hn: 0 },
    xg: c.tokens ? table.ptr : xg.ptr,
    ids: c.tokens ? idsRegion.ptr : 0,
  });
  const finalRow = (reverse ? 0 : T) * B * H;
  const result = {
    trainOut: get(rt, out[0]),
    inferOut: get(rt, out[1]),
    trainH: get(rt, hs).subarray(finalRow, finalRow + B * H),
    trainC: get(rt, cs).subarray(finalRow, finalRow + B * H),
    inferH: get(rt, slots.h).subarray(0, B * H),
    inferC: get(rt, slots.c).subarray(0, B * H),
    inputUnchanged: bits(get(rt, c.tokens ? table : xg)).join() === bits(inputBefore).join(),
  };
  for (const r of [
    table,
    idsRegion,
    xg,
    gates,
    whh,
    bhh,
    h0,
    c0,
    ...out,
    hs,
    cs,
    hn,
    hproj,
    slots.h,
    slots.c,
  ]) {
    rt.arena.free(r);
  }
  if (lengths) rt.arena.free(lengths);
  return result;
}

const KERNEL_CASES: KernelCase[] = [1, 3, 4, 5, 8, 9].flatMap((H) =>
  [1, 3].flatMap((B) =>
    [3, 4].flatMap((T) =>
      [0, 1].flatMap((reverse) =>
        [true, false].flatMap((tokens) => [
          { H, B, T, reverse, tokens, withState: true },
          { H, B, T, reverse, tokens, withState: false, lengths: B === 1 ? [2] : [T, 2, 1] },
        ]),
      ),
    ),
  ),
);

describe.each(BACKENDS)('the inference kernels on %s', (backend) => {
  it.each(Object.keys(KERNEL_CELLS))(
    '%s: equals the training forward bit for bit: outputs, final h (and c), input untouched (odd and even T, both directions, lengths, ids)',
    (name) => {
      const cell = KERNEL_CELLS[name];
      for (const c of KERNEL_CASES) {
        const r = runBoth(runtimes[backend], cell, c);
        const label = `${name} ${JSON.stringify(c)}`;
        expect(bits(r.inferOut), label).toEqual(bits(r.trainOut));
        expect(bits(r.inferH), label).toEqual(bits(r.trainH));
        if (cell.hasCell) expect(bits(r.inferC), label).toEqual(bits(r.trainC));
        expect(r.inputUnchanged, label).toBe(true);
      }
    },
  );
});

describe('the inference kernels: wasm-simd is bit-identical to ts', () => {
  it.each(Object.keys(KERNEL_CELLS))('%s, over the same cases', (name) => {
    const cell = KERNEL_CELLS[name];
    for (const c of KERNEL_CASES) {
      const [a, b] = EXACT_BACKENDS.map((e) => runBoth(runtimes[e], cell, c));
      const label = `${name} ${JSON.stringify(c)}`;
      expect(bits(b.inferOut), label).toEqual(bits(a.inferOut));
      expect(bits(b.inferH), label).toEqual(bits(a.inferH));
      if (cell.hasCell) expect(bits(b.inferC), label).toEqual(bits(a.inferC));
    }
  });
});

type Make = (
  rt: Runtime,
  o: {
    inputSize: number;
    hiddenSize: number;
    numLayers: number;
    bidirectional: boolean;
    batchFirst: boolean;
    seed: number;
  },
) => Recurrent;
const LAYERS: [string, Make][] = [
  ['LSTM', (rt, o) => new LSTM(rt, o)],
  ['GRU', (rt, o) => new GRU(rt, o)],
  ['GRU reset before', (rt, o) => new GRU(rt, { ...o, gru: { resetAfter: false } })],
  ['RNN', (rt, o) => new RNN(rt, o)],
];

interface LayerCase {
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  /** Token ids; T·B ≥ I takes the table path, below it the column gather. */
  input: 'floats' | 'few tokens' | 'many tokens';
  state: boolean;
  lengths: boolean;
}

const LAYER_CASES: LayerCase[] = [
  {
    numLayers: 1,
    bidirectional: false,
    batchFirst: false,
    input: 'many tokens',
    state: false,
    lengths: false,
  },
  { numLayers: 1, bidirectional: false, batchFirst: false, input: 'few tokens', state: true, lengths: false },
  { numLayers: 2, bidirectional: true, batchFirst: false, input: 'floats', state: true, lengths: true },
  { numLayers: 2, bidirectional: false, batchFirst: true, input: 'many tokens', state: true, lengths: true },
  { numLayers: 1, bidirectional: true, batchFirst: true, input: 'floats', state: false, lengths: false },
];

function layerInputs(c: LayerCase, I: number, H: number, T: number, B: number) {
  const tokens = c.input !== 'floats';
  const data = tokens
    ? Int32Array.from({ length: T * B }, (_, i) => (i * 5 + 2) % I)
    : uniform(T * B * I, 11);
  const shape = tokens ? (c.batchFirst ? [B, T] : [T, B]) : c.batchFirst ? [B, T, I] : [T, B, I];
  const x = { data, shape } as Tensor<Float32Array> | Tensor<Int32Array>;
  const LD = c.numLayers * (c.bidirectional ? 2 : 1);
  const state = c.state ? { h0: uniform(LD * B * H, 12), c0: uniform(LD * B * H, 13) } : {};
  const lengths = c.lengths ? Int32Array.from({ length: B }, (_, b) => T - (b % T)) : undefined;
  return { x, state, lengths };
}

describe.each(BACKENDS)('forward({ grad: false }) on %s', (backend) => {
  for (const [name, make] of LAYERS) {
    it(`${name}: the training forward's outputs, hN and cN bit for bit, in every layout`, () => {
      const rt = runtimes[backend];
      for (const [c, T] of LAYER_CASES.flatMap((c) => [4, 5].map((T) => [c, T] as const))) {
        const I = c.input === 'few tokens' ? 40 : 6;
        const H = 5;
        const B = 3;
        const layer = make(rt, {
          inputSize: I,
          hiddenSize: H,
          numLayers: c.numLayers,
          bidirectional: c.bidirectional,
          batchFirst: c.batchFirst,
          seed: 3,
        });
        const { x, state, lengths } = layerInputs(c, I, H, T, B);
        const st = name === 'LSTM' ? state : { h0: (state as { h0?: Float32Array }).h0 };
        const want = layer.forward(x, st, { lengths });
        const got = layer.forward(x, st, { lengths, grad: false });
        const label = `${name} T=${T} ${JSON.stringify(c)}`;
        expect(got.outputs.shape, label).toEqual(want.outputs.shape);
        expect(bits(got.outputs.data), label).toEqual(bits(want.outputs.data));
        expect(bits(got.hN.data), label).toEqual(bits(want.hN.data));
        if (want.cN) expect(bits((got.cN as { data: Float32Array }).data), label).toEqual(bits(want.cN.data));
        // A training pass after an inference pass regrows what it needs and trains as before.
        const again = layer.forward(x, st, { lengths });
        expect(bits(again.outputs.data), label).toEqual(bits(want.outputs.data));
        expect(() => layer.backward({ dOutputs: again.outputs.data })).not.toThrow();
        layer.dispose();
      }
    });
  }
});

describe('forward({ grad: false }): what it refuses and what it saves', () => {
  const rt = () => runtimes['wasm-simd'];

  it('backward after an inference pass is a ValueError, and leaves every gradient as it was', () => {
    const lstm = new LSTM(rt(), { inputSize: 4, hiddenSize: 6, seed: 1 });
    const x = { data: uniform(5 * 2 * 4, 1), shape: [5, 2, 4] };
    const y = lstm.forward(x);
    lstm.backward({ dOutputs: y.outputs.data });
    const before = lstm.gradients();
    const z = lstm.forward(x, {}, { grad: false });
    expect(() => lstm.backward({ dOutputs: z.outputs.data })).toThrow(ValueError);
    expect(() => lstm.backward({ dOutputs: z.outputs.data })).toThrow(/grad: false/);
    const after = lstm.gradients();
    for (const k of Object.keys(before)) expect(bits(after[k])).toEqual(bits(before[k]));
    lstm.dispose();
  });

  it('grad must be a boolean; unknown options are named', () => {
    const lstm = new LSTM(rt(), { inputSize: 3, hiddenSize: 4, seed: 1 });
    const x = { data: uniform(2 * 3, 1), shape: [2, 1, 3] };
    expect(() => lstm.forward(x, {}, { grad: 0 as never })).toThrow(ValueError);
    expect(() => lstm.forward(x, {}, { grads: false } as never)).toThrow(
      /unknown option "grads"; did you mean grad\?/,
    );
    lstm.dispose();
  });

  // What the training pass keeps for a backward, in floats, beyond the inference pass's two [B, H] state slots (and
  // no gate buffer: layer-0 token rows are read from the table): gates [T·B, G·H], h (and c) [(T+1)·B, H], and the
  // GRU's W_hn·h + b_hn (r⊙h) [T·B, H].
  const HISTORY: [string, Make, (T: number, B: number, H: number) => number][] = [
    ['LSTM', (rt, o) => new LSTM(rt, o), (T, B, H) => T * B * 4 * H + 2 * (T + 1) * B * H - 2 * 2 * B * H],
    ['GRU', (rt, o) => new GRU(rt, o), (T, B, H) => T * B * 3 * H + (T + 1) * B * H + T * B * H - 2 * B * H],
    [
      'GRU reset before',
      (rt, o) => new GRU(rt, { ...o, gru: { resetAfter: false } }),
      (T, B, H) => T * B * 3 * H + (T + 1) * B * H + T * B * H - 2 * B * H,
    ],
    ['RNN', (rt, o) => new RNN(rt, o), (T, B, H) => T * B * H + (T + 1) * B * H - 2 * B * H],
  ];

  it.each(HISTORY)(
    '%s: an inference pass over a long sequence reserves no state history and no gate buffer for token input',
    (_, make, saved) => {
      const options = {
        inputSize: 8,
        hiddenSize: 32,
        numLayers: 1,
        bidirectional: false,
        batchFirst: false,
        seed: 1,
      };
      const T = 400;
      const B = 2;
      const x = { data: Int32Array.from({ length: T * B }, (_, i) => i % 8), shape: [T, B] };
      const training = make(rt(), options);
      const want = training.forward(x);
      const inference = make(rt(), options);
      const got = inference.forward(x, {}, { grad: false });
      const floats = (l: Recurrent) => l.engine.length;
      expect(floats(training) - floats(inference)).toBe(saved(T, B, 32));
      expect(bits(got.outputs.data)).toEqual(bits(want.outputs.data));
      expect(bits(got.hN.data)).toEqual(bits(want.hN.data));
      training.dispose();
      inference.dispose();
    },
  );
});

describe('forward(…, { into }): results in caller-owned arrays', () => {
  const rt = () => runtimes['wasm-relaxed'];

  it('writes outputs, hN and cN into the given arrays, returns them, and equals the allocating call', () => {
    for (const batchFirst of [false, true]) {
      const lstm = new LSTM(rt(), { inputSize: 6, hiddenSize: 5, numLayers: 2, batchFirst, seed: 4 });
      const T = 4;
      const B = 3;
      const x = { data: uniform(T * B * 6, 2), shape: batchFirst ? [B, T, 6] : [T, B, 6] };
      const want = lstm.forward(x, {}, { grad: false });
      const into = {
        outputs: new Float32Array(T * B * 5),
        hN: new Float32Array(2 * B * 5),
        cN: new Float32Array(2 * B * 5),
      };
      const got = lstm.forward(x, {}, { grad: false, into });
      expect(got.outputs.data).toBe(into.outputs);
      expect(got.hN.data).toBe(into.hN);
      expect(got.cN?.data).toBe(into.cN);
      expect(got.outputs.shape).toEqual(want.outputs.shape);
      expect(bits(into.outputs)).toEqual(bits(want.outputs.data));
      expect(bits(into.hN)).toEqual(bits(want.hN.data));
      expect(bits(into.cN)).toEqual(bits((want.cN as { data: Float32Array }).data));
      // Only some of them: the others are new arrays.
      const part = lstm.forward(x, {}, { into: { hN: into.hN } });
      expect(part.hN.data).toBe(into.hN);
      expect(part.outputs.data).not.toBe(into.outputs);
      lstm.dispose();
    }
  });

  it('refuses a wrong length, a wrong type, a cN for a cell without one and a view of the runtime memory, before any kernel runs', () => {
    const lstm = new LSTM(rt(), { inputSize: 3, hiddenSize: 4, seed: 1 });
    const gru = new GRU(rt(), { inputSize: 3, hiddenSize: 4, seed: 1 });
    const x = { data: uniform(2 * 1 * 3, 1), shape: [2, 1, 3] };
    const first = lstm.forward(x);
    const kept = first.outputs.data.slice();
    const outputs = new Float32Array(7);
    expect(() => lstm.forward(x, {}, { into: { outputs } })).toThrow(ShapeError);
    expect(() => lstm.forward(x, {}, { into: { outputs } })).toThrow(
      /into.outputs must be a Float32Array of \[2, 1, 4\] \(8 values\) but got/,
    );
    expect(() => lstm.forward(x, {}, { into: { hN: new Float64Array(4) as never } })).toThrow(ShapeError);
    expect(() => lstm.forward(x, {}, { into: { h: new Float32Array(4) } as never })).toThrow(
      /unknown option "h"/,
    );
    expect(() => gru.forward(x, {}, { into: { cN: new Float32Array(4) } })).toThrow(ValueError);
    const view = rt().arena.memoryF32.subarray(0, 8);
    expect(() => lstm.forward(x, {}, { into: { outputs: view } })).toThrow(
      /must not be a view of the runtime's memory/,
    );
    // Nothing ran: the refused calls left the layer's last results where they were.
    expect(bits(lstm.forward(x).outputs.data)).toEqual(bits(kept));
    lstm.dispose();
    gru.dispose();
  });
});

describe.each(BACKENDS)('SequenceModel.predict runs inference passes on %s', (backend) => {
  it('the same outputs as a training-sized pass, keepState carries the final state, and backward is refused', async () => {
    const rt = runtimes[backend];
    const model = new SequenceModel(rt, {
      input: { tokens: 12 },
      recurrent: { cell: 'lstm', hiddenSize: 8, numLayers: 2 },
      head: { outputSize: 12 },
      seed: 5,
    });
    const T = 6;
    const B = 4;
    const inputs = { data: Int32Array.from({ length: T * B }, (_, i) => (i * 7) % 12), shape: [T, B] };
    const predicted = model.predict(inputs).data.slice();
    model.load(inputs, { T, B }, { backward: true });
    model.forward();
    const trained = rt.arena.f32At(model.output, T * B * 12).slice();
    expect(bits(predicted)).toEqual(bits(trained));
    model.keepState();
    const carriedTraining = model.carriedState;
    model.predict(inputs);
    expect(() => model.keepState(2)).toThrow(/steps must be 6 after an inference pass/);
    model.keepState();
    expect(bits(model.carriedState?.h as Float32Array)).toEqual(bits(carriedTraining?.h as Float32Array));
    expect(bits(model.carriedState?.c as Float32Array)).toEqual(bits(carriedTraining?.c as Float32Array));
    expect(() => model.backward()).toThrow(/loaded batch is for inference/);
    model.dispose();
  });

  it('bidirectional and pooled models: predict equals the training-sized pass (final states of both directions)', () => {
    const rt = runtimes[backend];
    const T = 5;
    const B = 3;
    for (const [cell, pooling] of [
      ['lstm', 'last'],
      ['gru', 'last'],
      ['lstm', 'attention'],
    ] as const) {
      const model = new SequenceModel(rt, {
        input: { features: 3 },
        recurrent: { cell, hiddenSize: 6, numLayers: 2, bidirectional: true },
        pooling,
        head: { outputSize: 2 },
        seed: 9,
      });
      const inputs = { data: uniform(T * B * 3, 21), shape: [T, B, 3] };
      const lengths = Int32Array.of(5, 3, 1);
      const predicted = model.predict(inputs, { lengths }).data.slice();
      model.load(inputs, { T, B }, { backward: true, lengths });
      model.forward();
      const trained = rt.arena.f32At(model.output, B * 2).slice();
      expect(bits(predicted), `${cell} ${pooling}`).toEqual(bits(trained));
      model.dispose();
    }
  });
});
