// A SequenceModel with recurrent: { cell: 'gru', gru: { resetAfter: false } }: it learns a task that needs
// memory with every optimizer, trains bit-identically on ts and wasm-simd and on 1 or 2 threads (the workers
// taking part), saves and loads with the variant in its manifest (a PyTorch-GRU model's manifest is as before),
// and a checkpoint of one variant is refused by a trainer of the other.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  init,
  loadModel,
  type Runtime,
  SequenceModel,
  type SequenceModelOptions,
  saveModel,
  Trainer,
  ValueError,
} from '../bindings/index.node.ts';
import { readManifest } from '../bindings/io/model-file.ts';
import { EXACT_BACKENDS, loadRuntime } from './helpers/backends.ts';
import { CASES, train } from './helpers/parallel.ts';
import { uniform } from './helpers/random.ts';

const runtimes = {} as Record<(typeof EXACT_BACKENDS)[number], Runtime>;
beforeAll(async () => {
  for (const b of EXACT_BACKENDS) runtimes[b] = await loadRuntime(b);
});

const [T, B] = [6, 32];

/** Recall the first input after T steps: the mean-predictor's MSE is Var(U(−1, 1)) = 1/3. */
function recallBatch(seed: number) {
  const data = uniform(T * B, seed);
  const targets = data.slice(0, B);
  return { inputs: { data, shape: [T, B, 1] }, targets: { data: targets, shape: [B, 1] } };
}

const options = (resetAfter: boolean): SequenceModelOptions => ({
  input: { features: 1 },
  recurrent: { cell: 'gru', hiddenSize: 12, ...(resetAfter ? {} : { gru: { resetAfter: false } }) },
  pooling: 'last',
  head: { outputSize: 1 },
  seed: 4,
});

const OPTIMIZERS = [
  { kind: 'sgd', lr: 0.3, momentum: 0.9 },
  { kind: 'adam', lr: 0.02 },
  { kind: 'adamw', lr: 0.02 },
  { kind: 'adagrad', lr: 0.1 },
  { kind: 'rmsprop', lr: 0.005 },
] as const;

describe('SequenceModel with a reset-before GRU', () => {
  it.each(OPTIMIZERS)(
    'learns to recall its first input with $kind (MSE < 0.1 of the mean predictor)',
    (opt) => {
      const model = new SequenceModel(runtimes['wasm-simd'], options(false));
      const trainer = new Trainer(model, { loss: 'mse', optimizer: opt, clip: { norm: 5 } });
      const batches = Array.from({ length: 8 }, (_, i) => recallBatch(10 + i));
      for (let epoch = 0; epoch < 40; epoch++) for (const b of batches) trainer.step(b);
      const test = recallBatch(99);
      const y = trainer.predict(test.inputs).data;
      let mse = 0;
      for (let i = 0; i < B; i++) mse += (y[i] - test.targets.data[i]) ** 2 / B;
      expect(mse).toBeLessThan(0.1 / 3);
      model.dispose();
    },
  );

  it('trains to bit-identical weights on ts and wasm-simd (Adam, clipping, lengths)', () => {
    const run = (rt: Runtime) => {
      const model = new SequenceModel(rt, {
        ...options(false),
        recurrent: { ...options(false).recurrent, bidirectional: true, numLayers: 2 },
      });
      const trainer = new Trainer(model, {
        loss: 'mse',
        optimizer: { kind: 'adam', lr: 0.01 },
        clip: { norm: 1 },
      });
      const lengths = Int32Array.from({ length: B }, (_, i) => 1 + (i % T));
      for (let i = 0; i < 3; i++) trainer.step({ ...recallBatch(i), lengths });
      const w = model.getWeights();
      model.dispose();
      return w;
    };
    expect(run(runtimes['wasm-simd'])).toEqual(run(runtimes.ts));
  });

  it('ParallelTrainer: 1 and 2 threads train bit-identical weights, one shard equals the Trainer', async () => {
    const rt = await init({ shared: true, backend: 'wasm-simd' });
    const base = CASES.find((c) => c.name.startsWith('char GRU, padded'))!;
    const c = {
      ...base,
      model: {
        ...base.model,
        recurrent: { cell: 'gru' as const, hiddenSize: 12, gru: { resetAfter: false } },
      },
    };
    const one = await train(rt, c, { threads: 1, shards: 4 });
    const two = await train(rt, c, { threads: 2, shards: 4 });
    expect(two.workerTasks).toBeGreaterThan(0);
    expect(two.weights).toEqual(one.weights);
    expect((await train(rt, c, { threads: 2, shards: 1 })).weights).toEqual((await train(rt, c)).weights);
    const plain = await train(rt, base, { threads: 1, shards: 4 });
    expect(plain.weights).not.toEqual(one.weights);
  });

  it('saves and loads with the variant; the PyTorch GRU manifest has no gru field', () => {
    const rt = runtimes.ts;
    const model = new SequenceModel(rt, options(false));
    const x = recallBatch(3).inputs;
    const want = model.predict(x).data;
    const bytes = saveModel(model);
    const recurrent = readManifest(bytes).architecture.options.recurrent as Record<string, unknown>;
    expect(recurrent.gru).toEqual({ resetAfter: false });
    const loaded = loadModel(rt, bytes).model;
    expect(loaded.predict(x).data).toEqual(want);
    const plain = new SequenceModel(rt, options(true));
    const plainRecurrent = readManifest(saveModel(plain)).architecture.options.recurrent as object;
    expect(Object.keys(plainRecurrent)).not.toContain('gru');
    // Same weights, other variant: different outputs, so the field matters.
    plain.setWeights(model.getWeights());
    expect(plain.predict(x).data).not.toEqual(want);
    for (const m of [model, loaded, plain]) m.dispose();
  });

  it('a reset-before checkpoint is refused by a reset-after trainer (and the reverse)', () => {
    const rt = runtimes.ts;
    const before = new SequenceModel(rt, options(false));
    const after = new SequenceModel(rt, options(true));
    const tb = new Trainer(before, { loss: 'mse' });
    const ta = new Trainer(after, { loss: 'mse' });
    tb.step(recallBatch(1));
    ta.step(recallBatch(1));
    expect(() => ta.restore(tb.checkpoint())).toThrow(/^checkpoint: its model \{/);
    expect(() => tb.restore(ta.checkpoint())).toThrow(/^checkpoint: its model \{/);
    before.dispose();
    after.dispose();
  });

  it('refuses recurrent.gru on another cell, and a bad value, by name', () => {
    const rt = runtimes.ts;
    const lstm = {
      ...options(false),
      recurrent: { cell: 'lstm' as const, hiddenSize: 4, gru: { resetAfter: false } },
    };
    expect(() => new SequenceModel(rt, lstm)).toThrow(
      "recurrent.gru applies to cell 'gru' only but cell is 'lstm'",
    );
    const bad = {
      ...options(false),
      recurrent: { cell: 'gru' as const, hiddenSize: 4, gru: { resetAfter: 'no' } },
    };
    expect(() => new SequenceModel(rt, bad as never)).toThrow(ValueError);
    expect(() => new SequenceModel(rt, bad as never)).toThrow(
      'recurrent.gru.resetAfter must be a boolean but got',
    );
  });
});
