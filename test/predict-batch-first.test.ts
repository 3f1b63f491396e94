// predict(x, { batchFirst: true }) takes [B, T, ...] and gives [B, T, O] (or [B, O]): equal to the time-major
// result with the leading axes swapped by an index loop written here, for many-to-many, many-to-one,
// embedding input, padded rows and one-to-many; a wrong layout is refused in batch-first terms.

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

const runtimes = {} as Record<TestBackend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

/** x[i][j][k] → y[j][i][k] for x of [n0, n1, inner]. */
function transpose<A extends Float32Array | Int32Array>(x: A, n0: number, n1: number, inner: number): A {
  const y = x.slice() as A;
  for (let i = 0; i < n0; i++)
    for (let j = 0; j < n1; j++)
      for (let k = 0; k < inner; k++) y[(j * n0 + i) * inner + k] = x[(i * n1 + j) * inner + k];
  return y;
}

const [B, T] = [3, 5];

const cases: { name: string; options: SequenceModelOptions; ids: boolean }[] = [
  {
    name: 'many-to-many LSTM, 2 layers',
    options: {
      input: { features: 4 },
      recurrent: { cell: 'lstm', hiddenSize: 6, numLayers: 2 },
      head: { outputSize: 2 },
    },
    ids: false,
  },
  {
    name: 'many-to-one bidirectional GRU, attention',
    options: {
      input: { features: 4 },
      recurrent: { cell: 'gru', hiddenSize: 5, bidirectional: true },
      pooling: 'attention',
      head: { outputSize: 3 },
    },
    ids: false,
  },
  {
    name: 'embedding input, per step',
    options: {
      input: { embedding: { vocabSize: 11, dim: 4 } },
      recurrent: { cell: 'rnn_tanh', hiddenSize: 7 },
      head: { outputSize: 11 },
    },
    ids: true,
  },
  {
    name: 'embedding input, last state',
    options: {
      input: { embedding: { vocabSize: 11, dim: 4 } },
      recurrent: { cell: 'lstm', hiddenSize: 7 },
      pooling: 'last',
      head: { outputSize: 2 },
    },
    ids: true,
  },
];

describe.each(BACKENDS)('predict batchFirst on %s', (backend) => {
  it.each(cases)('$name: the time-major result transposed', ({ options, ids }) => {
    const model = new SequenceModel(runtimes[backend], { ...options, seed: 3 });
    const F = ids ? 1 : 4;
    const bf = ids ? Int32Array.from({ length: B * T }, (_, i) => (i * 7) % 11) : uniform(B * T * F, 5);
    const tm = transpose(bf, B, T, F);
    const O = model.outputSize;
    const bfShape = ids ? [B, T] : [B, T, F];
    const tmShape = ids ? [T, B] : [T, B, F];
    const want = model.predict({ data: tm, shape: tmShape });
    const got = model.predict({ data: bf, shape: bfShape }, { batchFirst: true });
    if (model.perStep) {
      expect(got.shape).toEqual([B, T, O]);
      expect(got.data).toEqual(transpose(want.data as Float32Array, T, B, O));
      // Not the same by accident: the two layouts differ.
      expect(got.data).not.toEqual(want.data);
    } else {
      expect(got.shape).toEqual([B, O]);
      expect(got.data).toEqual(want.data);
    }
    // Padded rows: lengths are per batch row in either layout.
    const lengths = Int32Array.of(5, 2, 4);
    const padded = model.predict({ data: bf, shape: bfShape }, { batchFirst: true, lengths });
    const paddedWant = model.predict({ data: tm, shape: tmShape }, { lengths });
    expect(padded.data).toEqual(
      model.perStep ? transpose(paddedWant.data as Float32Array, T, B, O) : paddedWant.data,
    );
    model.dispose();
  });
});

describe('predict batchFirst', () => {
  it('one-to-many: [B, F] vectors give [B, T, O]', () => {
    const model = new SequenceModel(runtimes['wasm-simd'], {
      input: { vector: 3 },
      recurrent: { cell: 'gru', hiddenSize: 4 },
      head: { outputSize: 2 },
    });
    const v = { data: uniform(B * 3, 9), shape: [B, 3] };
    const want = model.predict(v, { steps: T });
    const got = model.predict(v, { steps: T, batchFirst: true });
    expect(got.shape).toEqual([B, T, 2]);
    expect(got.data).toEqual(transpose(want.data as Float32Array, T, B, 2));
    model.dispose();
  });

  it('refuses a wrong layout in batch-first terms, and a non-boolean flag', () => {
    const model = new SequenceModel(runtimes.ts, cases[0].options);
    expect(() =>
      model.predict({ data: new Float32Array(B * T * 3), shape: [B, T, 3] }, { batchFirst: true }),
    ).toThrow(
      'inputs with batchFirst must be Float32Array [B, T, 4] but got Float32Array(45) of shape [3, 5, 3]',
    );
    expect(() =>
      model.predict({ data: new Float32Array(7), shape: [B, T, 4] }, { batchFirst: true }),
    ).toThrow(ShapeError);
    expect(() => model.predict({ data: new Int32Array(B * T), shape: [B, T] }, { batchFirst: true })).toThrow(
      ShapeError,
    );
    const x = uniform(B * T * 4, 1);
    x[4 * 7 + 2] = Number.NaN; // batch row 1, step 2, feature 2 in batch-first order
    expect(() => model.predict({ data: x, shape: [B, T, 4] }, { batchFirst: true })).toThrow(
      /batch row 1, step 2, feature 2/,
    );
    expect(() => model.predict({ data: x, shape: [B, T, 4] }, { batchFirst: 1 as never })).toThrow(
      ValueError,
    );
    model.dispose();
  });
});
