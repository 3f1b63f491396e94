// model.stepper(): a whole SequenceModel (embedding or one-hot or features → stacked layers → head) fed one step
// at a time gives, within 1e-6, what predict() gives over the whole sequence, on every backend; 1,000 steps take
// nothing from the arena and hand back the same array; what cannot stream is refused with a clear error.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Runtime,
  SequenceModel,
  type SequenceModelOptions,
  ShapeError,
  ValueError,
} from '../bindings/index.node.ts';
import { BACKENDS, loadRuntime, type TestBackend } from './helpers/backends.ts';
import { uniform } from './helpers/random.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** JS heap plus ArrayBuffer backing stores (typed arrays over 64 bytes live outside the heap). */
const jsBytes = () => {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

const runtimes = {} as Record<TestBackend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

const [T, B] = [6, 3];

const cases: { name: string; options: SequenceModelOptions }[] = [
  {
    name: 'embedding → 2-layer LSTM → per-step head',
    options: {
      input: { embedding: { vocabSize: 13, dim: 5 } },
      recurrent: { cell: 'lstm', hiddenSize: 7, numLayers: 2 },
      head: { outputSize: 13 },
    },
  },
  {
    name: 'one-hot tokens → GRU → head on the last state',
    options: {
      input: { tokens: 9 },
      recurrent: { cell: 'gru', hiddenSize: 6 },
      pooling: 'last',
      head: { outputSize: 2 },
    },
  },
  {
    name: 'features → 3-layer relu RNN → per-step head',
    options: {
      input: { features: 4 },
      recurrent: { cell: 'rnn_relu', hiddenSize: 5, numLayers: 3 },
      head: { outputSize: 3 },
    },
  },
];

/** Time-major inputs of the model's kind and the [B]- or [B, F]-row of step t. */
function inputsFor(model: SequenceModel) {
  const c = model.config.input;
  const ids = c.kind !== 'features';
  const data = ids
    ? Int32Array.from({ length: T * B }, (_, i) => (i * 5 + 3) % c.size)
    : uniform(T * B * c.size, 4);
  const width = ids ? B : B * c.size;
  return {
    x: { data, shape: ids ? [T, B] : [T, B, c.size] },
    row: (t: number) => data.subarray(t * width, (t + 1) * width),
    prefix: (t: number) => ({
      data: data.slice(0, t * width),
      shape: ids ? [t, B] : [t, B, c.size],
    }),
  };
}

function expectClose(got: Float32Array, want: Float32Array) {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThan(1e-6);
}

describe.each(BACKENDS)('SequenceModel.stepper on %s', (backend) => {
  it.each(cases)('$name equals predict() step by step', ({ options }) => {
    const model = new SequenceModel(runtimes[backend], { ...options, seed: 2 });
    const { x, row, prefix } = inputsFor(model);
    const O = model.outputSize;
    const whole = model.predict(x).data as Float32Array;
    const stepper = model.stepper({ batchSize: B });
    for (let t = 0; t < T; t++) {
      const out = stepper.step(row(t));
      const want = model.perStep
        ? whole.subarray(t * B * O, (t + 1) * B * O)
        : (model.predict(prefix(t + 1)).data as Float32Array);
      expectClose(out, want);
    }
    // reset() starts over: the first step again.
    stepper.reset();
    const again = stepper.step(row(0));
    expectClose(
      again,
      model.perStep ? whole.subarray(0, B * O) : (model.predict(prefix(1)).data as Float32Array),
    );
    stepper.dispose();
    model.dispose();
  });

  it('1,000 steps allocate nothing in the arena (nor on the JS heap with wasm kernels), one output array', () => {
    const rt = runtimes[backend];
    const model = new SequenceModel(rt, { ...cases[0].options, seed: 1 });
    const stepper = model.stepper({ batchSize: B });
    const ids = Int32Array.of(1, 2, 3);
    const first = stepper.step(ids);
    // Warm up (the JIT compiles the step), then collect: new space is empty when the count starts.
    for (let i = 0; i < 1000; i++) stepper.step(ids);
    const high = rt.arena.highWater;
    const buffer = rt.memory.buffer;
    let same = true;
    const round = () => {
      gc();
      const before = jsBytes();
      for (let i = 0; i < 1000; i++) {
        ids[0] = i % 13;
        same = stepper.step(ids) === first && same;
      }
      return jsBytes() - before;
    };
    // The least of up to ten rounds: a round in which the JIT recompiles a call site, or the collector moves
    // what the warm-up left, counts those objects too (under load several rounds in a row can show ~100 kB, on
    // the code before and after the restructuring alike); a step that allocates shows in every round.
    let grown = round();
    for (let r = 1; r < 10 && grown >= 16 * 1024; r++) grown = Math.min(grown, round());
    expect(same).toBe(true);
    expect(rt.arena.highWater).toBe(high);
    expect(rt.memory.buffer).toBe(buffer);
    // One typed array a step (≥ 100 bytes with its object) would add ≥ 100 kB; nothing at all adds ~0. The TS
    // twin's kernels make typed-array views over linear memory on every call (kernels-ts, ~8 kB a step here),
    // so the JS heap is checked on the wasm backends, whose kernel calls allocate nothing.
    if (backend !== 'ts') expect(grown).toBeLessThan(16 * 1024);
    expect(first.every(Number.isFinite)).toBe(true);
    // The state [L, B, H] round-trips.
    const state = stepper.getState();
    expect(state.h).toHaveLength(2 * B * 7);
    const next = stepper.step(ids).slice();
    stepper.setState(state);
    expect(stepper.step(ids)).toEqual(next);
    stepper.dispose();
    model.dispose();
  });
});

describe('SequenceModel.stepper refusals', () => {
  it('refuses bidirectional and attention models, bad batch sizes and bad steps', () => {
    const rt = runtimes.ts;
    const bi = new SequenceModel(rt, {
      input: { features: 2 },
      recurrent: { cell: 'lstm', hiddenSize: 3, bidirectional: true },
      head: { outputSize: 1 },
    });
    expect(() => bi.stepper()).toThrow(/stepper: a bidirectional model .* use predict\(\)/);
    bi.dispose();
    const attention = new SequenceModel(rt, {
      input: { features: 2 },
      recurrent: { cell: 'gru', hiddenSize: 3 },
      pooling: 'attention',
      head: { outputSize: 1 },
    });
    expect(() => attention.stepper()).toThrow(/attention pooling weighs every step/);
    attention.dispose();

    const emb = new SequenceModel(rt, { ...cases[0].options });
    expect(() => emb.stepper({ batchSize: 0 })).toThrow(ValueError);
    expect(() => emb.stepper({ batchSise: 2 } as never)).toThrow(/did you mean batchSize\?/);
    const s = emb.stepper({ batchSize: 2 });
    expect(() => s.step(Int32Array.of(1, 13))).toThrow('step: x[1] must be a token id in [0, 13) but is 13');
    expect(() => s.step(new Float32Array(2))).toThrow('step: x must be an Int32Array of 2 token ids');
    s.dispose();
    emb.dispose();
    expect(() => emb.stepper()).toThrow('stepper: this model was disposed');

    const feats = new SequenceModel(rt, { ...cases[2].options });
    const f = feats.stepper({ batchSize: 2 });
    expect(() => f.step(Int32Array.of(1, 2))).toThrow('step: x must be a Float32Array of [2, 4]');
    expect(() => f.step(new Float32Array(3))).toThrow(ShapeError);
    expect(() => f.step(Float32Array.of(0, 0, 0, Number.NaN, 0, 0, 0, 0))).toThrow(/not finite|NaN/);
    feats.dispose();
    expect(() => f.step(new Float32Array(8))).toThrow(/disposed/);
  });
});
