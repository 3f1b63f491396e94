// One-to-many: one vector per sequence (fed at every step, Keras's RepeatVector, or at the first step only)
// generates a sequence. A GRU learns to spell out a counting pattern from its one-hot start, and predict()
// takes the vector and the number of steps.

import { beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, SequenceModel, Trainer, ValueError } from '../bindings/index.node.ts';
import { loadRuntime } from './helpers/backends.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

const K = 5;
const T = 6;
/** Start class k (one-hot) → k, k+2, k+4, … mod K over T steps (lengths 3..T when `varying`). */
function task(varying: boolean) {
  const inputs: Float32Array[] = [];
  const targets: Int32Array[] = [];
  for (let i = 0; i < 60; i++) {
    const k = i % K;
    const len = varying ? 3 + (i % (T - 2)) : T;
    const x = new Float32Array(K);
    x[k] = 1;
    inputs.push(x);
    targets.push(Int32Array.from({ length: len }, (_, t) => (k + 2 * t) % K));
  }
  return { inputs, targets };
}

describe('one-to-many', () => {
  it.each(['every', 'first'] as const)(
    'feed %s: learns the sequences (≥ 95 %% of steps right) and predicts them',
    async (feed) => {
      const model = new SequenceModel(rt, {
        input: { vector: K, feed },
        recurrent: { cell: 'gru', hiddenSize: 24 },
        head: { outputSize: K },
        seed: 1,
      });
      const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: { kind: 'adam', lr: 0.02 } });
      const data = task(true);
      await trainer.fit(data, { epochs: 40, batchSize: 12 });
      expect(trainer.evaluate(data).accuracy).toBeGreaterThanOrEqual(0.95);
      // predict: B start vectors [B, K] and the steps to generate → logits [T, B, K].
      const x = new Float32Array(K * K);
      for (let k = 0; k < K; k++) x[k * K + k] = 1;
      const logits = model.predict({ data: x, shape: [K, K] }, { steps: T });
      expect(logits.shape).toEqual([T, K, K]);
      let right = 0;
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < K; b++) {
          const row = logits.data.subarray((t * K + b) * K, (t * K + b + 1) * K);
          const best = row.indexOf(Math.max(...row));
          if (best === (b + 2 * t) % K) right++;
        }
      }
      expect(right / (T * K)).toBeGreaterThanOrEqual(0.95);
    },
  );

  it('checks its options and inputs', () => {
    expect(
      () =>
        new SequenceModel(rt, {
          input: { vector: 3 },
          recurrent: { cell: 'gru', hiddenSize: 4 },
          pooling: 'last',
          head: { outputSize: 2 },
        }),
    ).toThrow(/pooling must be 'none'/);
    expect(
      () =>
        new SequenceModel(rt, {
          input: { vector: 3, feed: 'all' as never },
          recurrent: { cell: 'gru', hiddenSize: 4 },
          head: { outputSize: 2 },
        }),
    ).toThrow(ValueError);
    const model = new SequenceModel(rt, {
      input: { vector: 3 },
      recurrent: { cell: 'gru', hiddenSize: 4 },
      head: { outputSize: 2 },
    });
    expect(() => model.predict({ data: new Float32Array(6), shape: [2, 3] })).toThrow(/needs \{ steps \}/);
    expect(() => model.predict({ data: new Float32Array(8), shape: [2, 4] }, { steps: 2 })).toThrow(
      /\[B, 3\]/,
    );
    expect(() =>
      model.predict({ data: Float32Array.of(0, 0, 0, 1, Number.NaN, 0), shape: [2, 3] }, { steps: 2 }),
    ).toThrow(/NaN at batch row 1/);
  });
});
