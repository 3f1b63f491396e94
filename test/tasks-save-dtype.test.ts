// The task models saved with { dtype }: TextModel, Forecaster and SequenceClassifier files in f16, bf16 and int8
// load with exactly the rounded weights (test/helpers/dtype-files.ts rounds on its own), keep the task's state,
// answer exactly as an f32 model holding those weights does, and stay within a bound derived from the rounding of
// the f32 model's answer. The bound is first order: |Δy_j| ≤ 2 · Σ_i |∂y_j/∂w_i| · |Δw_i|, with each ∂y_j/∂w_i a
// central difference on the f32 model and Δw_i the weight's own rounding error; the factor 2 covers the
// second-order terms, which are of the size of |Δw|² and far smaller here.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  Forecaster,
  init,
  Random,
  type Runtime,
  readManifest,
  SequenceClassifier,
  type SequenceModel,
  TextModel,
  ValueError,
} from 'wasm-rnn';
import { rounded } from './helpers/dtype-files.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await init({ backend: 'wasm-simd' });
});

const DTYPES = ['f16', 'bf16', 'int8'] as const;
type Dtype = (typeof DTYPES)[number];

/** A task model as these tests use it: its network, an answer that is a function of its weights, and a save. */
interface Task {
  model: SequenceModel;
  dispose(): void;
}

interface Kind<T extends Task> {
  make(): Promise<T>;
  save(t: T, dtype?: Dtype): Uint8Array;
  load(bytes: Uint8Array): T;
  /** The continuous answer the bound is checked on. */
  answer(t: T): Float32Array;
  /** The task's own part of the file, which no dtype may change. */
  state(t: T): unknown;
  /** A discrete answer (generated text, predicted classes) that must equal the reference's. */
  discrete(t: T): unknown;
}

const TEXT = 'the cat sat on the mat. the rat ate the hat. '.repeat(8);
const HELD = 'the hat sat on the rat. the cat ate the mat.';

const textKind: Kind<TextModel> = {
  async make() {
    const m = new TextModel(rt, TEXT, { hiddenSize: 6, seed: 1 });
    await m.fit(TEXT, { steps: 15, seqLength: 16, batchSize: 4 });
    return m;
  },
  save: (t, dtype) => t.save(dtype ? { dtype } : undefined),
  load: (bytes) => TextModel.load(rt, bytes),
  answer: (t) => Float32Array.of(t.evaluate(HELD, { seqLength: 16 }).loss),
  state: (t) => ({ vocab: t.vocab.toJSON(), level: t.level, steps: t.stepsTrained }),
  discrete: (t) => t.generate('the ', { length: 40, seed: 5 }),
};

const rng = new Random(3);
const SERIES = Float32Array.from(
  { length: 120 },
  (_, t) => 0.02 * t + Math.sin((2 * Math.PI * t) / 12) + rng.normal(0, 0.05),
);

const forecastKind: Kind<Forecaster> = {
  make: () =>
    Forecaster.fit(SERIES, {
      runtime: rt,
      hiddenSize: 12,
      lookback: 12,
      season: 12,
      epochs: 3,
      seed: 2,
      method: 'network',
      split: { train: 0.7, validation: 0.1, test: 0.2 },
    }),
  save: (t, dtype) => t.save(dtype ? { dtype } : undefined),
  load: (bytes) => Forecaster.load(rt, bytes),
  answer: (t) => t.forecast(6) as Float32Array,
  state: (t) => ({ method: t.method, season: t.season, tail: [...t.lastRows()] }),
  discrete: (t) => t.method,
};

function sequences(n: number, seed: number): { x: Float32Array[]; labels: Int32Array } {
  const r = new Random(seed);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const x = [...labels].map((k) =>
    Float32Array.from(
      { length: 8 },
      (_, t) => (k === 0 ? 0.2 * t : k === 1 ? -0.2 * t : t % 2) + r.normal(0, 0.1),
    ),
  );
  return { x, labels };
}
const PROBE = sequences(9, 7).x;

const classifierKind: Kind<SequenceClassifier> = {
  async make() {
    const { x, labels } = sequences(60, 6);
    return SequenceClassifier.fit(x, labels, {
      runtime: rt,
      classNames: ['up', 'down', 'zigzag'],
      hiddenSize: 12,
      epochs: 3,
      seed: 3,
    });
  },
  save: (t, dtype) => t.save(dtype ? { dtype } : undefined),
  load: (bytes) => SequenceClassifier.load(rt, bytes),
  answer: (t) => t.predictProba(PROBE).data,
  state: (t) => t.classNames,
  discrete: (t) => [...t.predict(PROBE)],
};

/** The rounded weights a file of `dtype` holds, from the network's f32 weights. */
function roundedWeights(model: SequenceModel, dtype: Dtype): Record<string, Float32Array> {
  return Object.fromEntries(
    model.slab.entries.map((e) => [e.name, rounded(dtype, e.shape, model.slab.read(e.name))]),
  );
}

/** Per answer j: 2 · Σ_i |∂y_j/∂w_i| · |target_i − w_i|, the derivatives central differences on `t`'s network. */
function firstOrderBound<T extends Task>(
  kind: Kind<T>,
  t: T,
  target: Record<string, Float32Array>,
): Float64Array {
  const weights = t.model.getWeights();
  const h = 1e-3;
  let bound: Float64Array | undefined;
  for (const [name, w] of Object.entries(weights)) {
    for (let i = 0; i < w.length; i++) {
      const dw = Math.abs(target[name][i] - w[i]);
      if (dw === 0) continue;
      const at = (v: number) => {
        const moved = Float32Array.from(w);
        moved[i] = v;
        t.model.setWeights({ ...weights, [name]: moved });
        return kind.answer(t);
      };
      const up = at(w[i] + h);
      const down = at(w[i] - h);
      bound ??= new Float64Array(up.length);
      for (let j = 0; j < up.length; j++) bound[j] += (2 * Math.abs(up[j] - down[j]) * dw) / (2 * h);
    }
  }
  t.model.setWeights(weights);
  return bound ?? new Float64Array(kind.answer(t).length);
}

/** Bytes the weights take in f32 and in `dtype` (int8: matrices 1 byte + an f32 scale per row; vectors f32). */
function weightBytes(model: SequenceModel, dtype: Dtype | 'f32'): number {
  let bytes = 0;
  for (const e of model.slab.entries) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    if (dtype === 'f32') bytes += 4 * n;
    else if (dtype !== 'int8') bytes += 2 * n;
    else bytes += e.shape.length >= 2 ? n + 4 * e.shape[0] : 4 * n;
  }
  return bytes;
}

const KINDS = { TextModel: textKind, Forecaster: forecastKind, SequenceClassifier: classifierKind } as Record<
  string,
  Kind<Task>
>;

for (const [label, kind] of Object.entries(KINDS)) {
  describe(`${label}.save({ dtype })`, () => {
    let original: Task;
    let full: Uint8Array;
    beforeAll(async () => {
      original = await kind.make();
      full = kind.save(original);
      expect(readManifest(full).dtype).toBeUndefined();
    }, 60_000);

    for (const dtype of DTYPES) {
      it(`${dtype}: loads the rounded weights, answers as they do and within the rounding's bound`, () => {
        const small = kind.save(original, dtype);
        expect(readManifest(small).dtype).toBe(dtype);
        // Smaller by what the weights save, less a little header (dtype field, int8 scale entries).
        const saved = weightBytes(original.model, 'f32') - weightBytes(original.model, dtype);
        expect(full.length - small.length).toBeGreaterThan(saved - 60 * original.model.slab.entries.length);
        expect(small.length).toBeLessThan(full.length);

        const loaded = kind.load(small);
        const target = roundedWeights(original.model, dtype);
        expect(loaded.model.getWeights()).toEqual(target);
        expect(kind.state(loaded)).toEqual(kind.state(original));

        // The reference: the f32 file with the rounded weights put in by hand.
        const reference = kind.load(full);
        const y0 = kind.answer(reference);
        const bound = firstOrderBound(kind, reference, target);
        reference.model.setWeights(target);
        const y = kind.answer(loaded);
        expect(y).toEqual(kind.answer(reference));
        expect(kind.discrete(loaded)).toEqual(kind.discrete(reference));
        for (let j = 0; j < y.length; j++) {
          // f32 arithmetic of two nearby weight sets differs by a few ulps of the answer on top of the bound.
          const slack = 1e-6 * (1 + Math.abs(y0[j]));
          expect(Math.abs(y[j] - y0[j]), `answer ${j}`).toBeLessThanOrEqual(bound[j] + slack);
        }
        // The bound itself is small: rounding costs little of the answer.
        const scale = Math.max(...y0.map(Math.abs), 1e-3);
        expect(Math.max(...bound)).toBeLessThan((dtype === 'f16' ? 0.01 : 0.1) * scale);
        loaded.dispose();
        reference.dispose();
      });
    }

    it('refuses a dtype the file format does not have, and an unknown option, before writing', () => {
      expect(() => kind.save(original, 'f64' as Dtype)).toThrow(ValueError);
      expect(() => kind.save(original, 'f64' as Dtype)).toThrow(
        'dtype must be one of f32, f16, bf16, int8 but got "f64"',
      );
      const save = (original as unknown as { save(o: unknown): Uint8Array }).save.bind(original);
      expect(() => save({ dtype: 'int8', bits: 4 })).toThrow(ValueError);
      expect(() => save({ dtype: 'int8', bits: 4 })).toThrow(/bits/);
    });
  });
}
