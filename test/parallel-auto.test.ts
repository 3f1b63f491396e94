// threads: 'auto' (ParallelTrainer, ParallelForward): a step or forward below AUTO_MIN_FLOPS runs on the calling
// thread alone, a larger one on every thread of the pool (the cores, at most the shards); the weights are the
// same bit for bit either way, as for any thread count.

import { availableParallelism } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init,
  LSTM,
  ParallelForward,
  ParallelTrainer,
  type Runtime,
  SequenceModel,
} from '../bindings/index.node.ts';
import { AUTO_MIN_FLOPS, autoThreads } from '../bindings/parallel/parallel-options.ts';
import { charLstm, countingTask, timeMajorIds } from './helpers/tasks.ts';

let shared: Runtime;
beforeAll(async () => {
  shared = await init({ shared: true, backend: 'wasm-simd' });
});

const cores = availableParallelism();

describe("threads: 'auto'", () => {
  it('keeps work below the threshold on one thread and gives work above it every thread', () => {
    expect(autoThreads(AUTO_MIN_FLOPS - 1, 2)).toBe(1);
    expect(autoThreads(AUTO_MIN_FLOPS, 2)).toBe(2);
    expect(autoThreads(1e12, 1)).toBe(1);
  });

  /** One training step of a char-LSTM (V = 7, hidden H) on a batch of B sequences of T steps. */
  async function step(H: number, T: number, B: number, threads: number | 'auto') {
    const data = countingTask(B, T, 7);
    const batch = { inputs: timeMajorIds(data.inputs), targets: timeMajorIds(data.targets) };
    const model = new SequenceModel(shared, charLstm(7, H));
    const trainer = new ParallelTrainer(model, { loss: 'cross_entropy', threads, shards: 4 });
    await trainer.ready;
    trainer.step(batch);
    const result = {
      threads: trainer.threads,
      lastThreads: trainer.lastThreads,
      flops: 6 * model.slab.size * T * B,
      weights: model.getWeights(),
    };
    await trainer.dispose();
    model.dispose();
    return result;
  }

  it('a small model trains on the calling thread alone', async () => {
    const small = await step(8, 6, 8, 'auto');
    expect(small.flops).toBeLessThan(AUTO_MIN_FLOPS);
    expect(small.threads).toBe(Math.min(cores, 4));
    expect(small.lastThreads).toBe(1);
  });

  it.skipIf(cores < 2)(
    'a large model trains on more than one thread (a machine with ≥ 2 cores)',
    async () => {
      const large = await step(64, 24, 12, 'auto');
      expect(large.flops).toBeGreaterThanOrEqual(AUTO_MIN_FLOPS);
      expect(large.lastThreads).toBeGreaterThan(1);
      // The same weights as one thread's, bit for bit.
      expect(large.weights).toEqual((await step(64, 24, 12, 1)).weights);
    },
  );

  it.skipIf(cores < 2)(
    'ParallelForward: one thread for a small forward, every thread for a large one',
    async () => {
      const layer = new LSTM(shared, { inputSize: 65, hiddenSize: 128, seed: 1 });
      const pf = new ParallelForward(layer, { threads: 'auto' });
      await pf.ready;
      const ids = (T: number, B: number) => ({
        data: new Int32Array(T * B).map((_, i) => i % 65),
        shape: [T, B],
      });
      const small = pf.forward(ids(1, 2));
      expect(pf.lastThreads).toBe(1);
      const large = pf.forward(ids(32, 32));
      expect(pf.lastThreads).toBe(Math.min(cores, pf.shards));
      expect(large.outputs.data).toEqual(layer.forward(ids(32, 32)).outputs.data);
      expect(small.outputs.data).toEqual(layer.forward(ids(1, 2)).outputs.data);
      await pf.dispose();
      layer.dispose();
    },
  );
});
