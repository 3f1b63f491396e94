// Trainer.fit / step / evaluate / predict: progress events, validation, yielding to the event loop, abort and
// stop, schedules and clipping wired in, the exact dataset mean of evaluate, and simd == ts bit-identical
// weights after shuffled training with the same seed.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  type EpochEvent,
  type Runtime,
  SequenceModel,
  type StepEvent,
  Trainer,
} from '../bindings/index.node.ts';
import { loadRuntime } from './helpers/backends.ts';
import { charLstm, countingTask, sumGru, sumTask, timeMajorIds } from './helpers/tasks.ts';

let rt: Runtime;
let ts: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
  ts = await loadRuntime('ts');
});

describe('fit', () => {
  it('reports every step and epoch, with validation, tokens/s and a falling ETA', async () => {
    const model = new SequenceModel(rt, charLstm(5));
    const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: { kind: 'adam', lr: 0.02 } });
    const steps: StepEvent[] = [];
    const epochs: EpochEvent[] = [];
    const order: string[] = [];
    const history = await trainer.fit(countingTask(40, 6, 5), {
      epochs: 3,
      batchSize: 16,
      validation: countingTask(10, 6, 5, 9),
      callbacks: {
        onTrainBegin: () => void order.push('begin'),
        onEpochBegin: (e) => void order.push(`epoch ${e}`),
        onStepEnd: (s) => void steps.push(s),
        onEpochEnd: (e) => void epochs.push(e),
        onTrainEnd: () => void order.push('end'),
      },
    });
    expect(order).toEqual(['begin', 'epoch 1', 'epoch 2', 'epoch 3', 'end']);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(steps.map((s) => `${s.epoch}.${s.batch}/${s.batches}`).slice(0, 4)).toEqual([
      '1.1/3',
      '1.2/3',
      '1.3/3',
      '2.1/3',
    ]);
    for (const s of steps) {
      expect(Number.isFinite(s.loss) && s.tokensPerSecond > 0 && s.eta >= 0).toBe(true);
      expect(s.lr).toBe(0.02);
    }
    expect(steps[8].eta).toBe(0);
    expect(steps[1].eta).toBeGreaterThan(steps[7].eta);
    expect(history.epochs).toEqual(epochs);
    expect(history.stopReason).toBe('completed');
    expect(epochs[2].loss).toBeLessThan(epochs[0].loss);
    expect(epochs.every((e) => e.valLoss !== undefined && e.valAccuracy !== undefined && e.seconds > 0)).toBe(
      true,
    );
    expect(trainer.steps).toBe(9);
    expect(trainer.epochs).toBe(3);
    model.dispose();
  });

  it('yields to the event loop between batches, so timers run while it trains', async () => {
    const model = new SequenceModel(rt, charLstm(5));
    const trainer = new Trainer(model, { loss: 'cross_entropy' });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await trainer.fit(countingTask(40, 6, 5), { epochs: 4, batchSize: 4, yieldEveryMs: 0 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(10);
    model.dispose();
  });

  it('an AbortSignal rejects fit between steps and leaves the weights of the last completed step', async () => {
    const data = countingTask(40, 6, 5);
    const run = (abortAt?: number) => {
      const model = new SequenceModel(rt, charLstm(5));
      const trainer = new Trainer(model, { loss: 'cross_entropy' });
      const controller = new AbortController();
      const done = trainer.fit(data, {
        epochs: 2,
        batchSize: 8,
        signal: controller.signal,
        callbacks: { onStepEnd: (s) => (s.step === abortAt ? controller.abort() : undefined) },
      });
      return { model, trainer, done };
    };
    const aborted = run(3);
    await expect(aborted.done).rejects.toThrow(/abort/i);
    expect(aborted.trainer.steps).toBe(3);
    // The same three steps without an abort: stop() after step 3.
    const model = new SequenceModel(rt, charLstm(5));
    const trainer = new Trainer(model, { loss: 'cross_entropy' });
    const history = await trainer.fit(data, {
      epochs: 2,
      batchSize: 8,
      callbacks: { onStepEnd: (s) => (s.step === 3 ? trainer.stop() : undefined) },
    });
    expect(history.stopReason).toBe('stopped');
    expect(trainer.steps).toBe(3);
    expect(aborted.model.getWeights()).toEqual(model.getWeights());
    const pre = new AbortController();
    pre.abort();
    await expect(trainer.fit(data, { signal: pre.signal })).rejects.toThrow(/abort/i);
    expect(trainer.steps).toBe(3);
  });

  it('steps the schedule per epoch (StepLR, ReduceLROnPlateau) or per step (ExponentialLR)', async () => {
    const data = countingTask(16, 4, 5);
    const lrs = async (options: ConstructorParameters<typeof Trainer>[1], epochs: number) => {
      const model = new SequenceModel(rt, charLstm(5));
      const trainer = new Trainer(model, options);
      const seen: number[] = [];
      await trainer.fit(data, {
        epochs,
        batchSize: 8,
        callbacks: { onStepEnd: (s) => void seen.push(s.lr) },
      });
      model.dispose();
      return seen;
    };
    expect(
      await lrs(
        {
          loss: 'cross_entropy',
          optimizer: { kind: 'sgd', lr: 0.1 },
          schedule: { kind: 'step', stepSize: 1, gamma: 0.5 },
        },
        3,
      ),
    ).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    const exp = await lrs(
      {
        loss: 'cross_entropy',
        optimizer: { kind: 'sgd', lr: 0.1 },
        schedule: { kind: 'exponential', gamma: 0.5 },
        scheduleStep: 'step',
      },
      2,
    );
    expect(exp).toEqual([0.1, 0.05, 0.025, 0.0125].map((v) => v));
    // threshold 0.999 (rel): no epoch improves on the first by 99.9 %, so with patience 0 every later one cuts lr.
    const plateau = await lrs(
      {
        loss: 'cross_entropy',
        optimizer: { kind: 'sgd', lr: 0.1 },
        schedule: { kind: 'plateau', patience: 0, threshold: 0.999, factor: 0.5 },
      },
      3,
    );
    expect(plateau).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05]);
  });

  it('clips by value and by global norm before the update', () => {
    const data = countingTask(8, 5, 5);
    const batch = { inputs: timeMajorIds(data.inputs), targets: timeMajorIds(data.targets) };
    const make = (clip: { norm?: number; value?: number }) => {
      const model = new SequenceModel(rt, charLstm(5));
      return {
        model,
        trainer: new Trainer(model, { loss: 'cross_entropy', optimizer: { kind: 'sgd', lr: 1 }, clip }),
      };
    };
    const ref = make({});
    ref.trainer.computeGradients(batch);
    const g = new Float32Array(rt.memory.buffer, ref.model.slab.grads.ptr, ref.model.slab.size).slice();
    const w0 = new Float32Array(rt.memory.buffer, ref.model.slab.params.ptr, ref.model.slab.size).slice();
    const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
    const byValue = make({ value: 0.01 });
    byValue.trainer.step(batch);
    const w1 = new Float32Array(rt.memory.buffer, byValue.model.slab.params.ptr, byValue.model.slab.size);
    const c = Math.fround(0.01);
    for (let i = 0; i < g.length; i++)
      expect(w1[i]).toBe(Math.fround(w0[i] - Math.min(c, Math.max(-c, g[i]))));
    const byNorm = make({ norm: norm / 4 });
    byNorm.trainer.step(batch);
    const w2 = new Float32Array(rt.memory.buffer, byNorm.model.slab.params.ptr, byNorm.model.slab.size);
    let moved = 0;
    for (let i = 0; i < g.length; i++) moved += (w2[i] - w0[i]) ** 2;
    expect(Math.sqrt(moved)).toBeCloseTo(norm / 4, 4);
  });
});

describe('evaluate and predict', () => {
  it('evaluate is the exact dataset mean over batches of any size, with accuracy', () => {
    const model = new SequenceModel(rt, sumGru());
    const trainer = new Trainer(model, { loss: 'cross_entropy' });
    const data = sumTask(13, 5);
    const whole = trainer.evaluate(data, { batchSize: 13 });
    const split = trainer.evaluate(data, { batchSize: 4 });
    expect(split.loss).toBeCloseTo(whole.loss, 6);
    expect(split.accuracy).toBe(whole.accuracy);
    expect(whole.samples).toBe(13);
    // By hand: softmax cross-entropy of predict()'s logits.
    const x = new Float32Array(5 * 13 * 2);
    for (let b = 0; b < 13; b++)
      for (let t = 0; t < 5; t++) x.set(data.inputs[b].subarray(t * 2, t * 2 + 2), (t * 13 + b) * 2);
    const logits = trainer.predict({ data: x, shape: [5, 13, 2] });
    expect(logits.shape).toEqual([13, 2]);
    let loss = 0;
    let correct = 0;
    for (let b = 0; b < 13; b++) {
      const [z0, z1] = [logits.data[b * 2], logits.data[b * 2 + 1]];
      const y = data.targets[b][0];
      loss += Math.log(Math.exp(z0) + Math.exp(z1)) - (y === 0 ? z0 : z1);
      correct += (z1 > z0 ? 1 : 0) === y ? 1 : 0;
    }
    expect(whole.loss).toBeCloseTo(loss / 13, 5);
    expect(whole.accuracy).toBeCloseTo(correct / 13, 10);
    expect(trainer.steps).toBe(0);
  });

  it('predict gives [T, B, O] per step and [B, O] per sequence', () => {
    const perStep = new SequenceModel(rt, charLstm(5));
    expect(perStep.predict({ data: new Int32Array(12), shape: [4, 3] }).shape).toEqual([4, 3, 5]);
    const pooled = new SequenceModel(rt, { ...sumGru(), pooling: 'last' });
    expect(pooled.predict({ data: new Float32Array(4 * 3 * 2), shape: [4, 3, 2] }).shape).toEqual([3, 2]);
  });
});

describe('memory', () => {
  it('steady-state training allocates nothing in linear memory (dropout, padding, stateful, validation)', async () => {
    const model = new SequenceModel(rt, {
      input: { embedding: { vocabSize: 6, dim: 4 } },
      recurrent: { cell: 'lstm', hiddenSize: 8, numLayers: 2, dropout: 0.2 },
      head: { outputSize: 6, dropout: 0.1 },
    });
    const trainer = new Trainer(model, { loss: 'cross_entropy', clip: { norm: 1 } });
    const d = countingTask(8, 6, 6);
    const batch = {
      inputs: timeMajorIds(d.inputs),
      targets: timeMajorIds(d.targets),
      lengths: Int32Array.of(6, 5, 4, 6, 3, 6, 2, 6),
    };
    const run = async () => {
      for (let i = 0; i < 5; i++) trainer.step(batch);
      for (let i = 0; i < 5; i++) trainer.step(batch, { stateful: true });
      await trainer.fit(d, { epochs: 2, batchSize: 4, validation: d });
    };
    await run();
    const [high, used] = [rt.arena.highWater, rt.arena.usedBytes];
    await run();
    expect(rt.arena.highWater).toBe(high);
    expect(rt.arena.usedBytes).toBe(used);
  });
});

describe('determinism', () => {
  it('wasm-simd and ts give bit-identical weights after shuffled training with the same seed', async () => {
    for (const [options, data, loss] of [
      [charLstm(6, 8, 4), countingTask(24, 7, 6), 'cross_entropy'],
      [sumGru(5), sumTask(24, 6), 'cross_entropy'],
    ] as const) {
      const weights = [];
      for (const r of [rt, ts]) {
        const model = new SequenceModel(r, options);
        const trainer = new Trainer(model, {
          loss,
          optimizer: { kind: 'adam', lr: 0.01 },
          clip: { norm: 1 },
          seed: 11,
        });
        await trainer.fit(data, { epochs: 2, batchSize: 5 });
        weights.push(model.getWeights());
        model.dispose();
      }
      expect(weights[1]).toEqual(weights[0]);
    }
  });

  it('the seed drives the shuffle: another seed gives other weights, the same seed the same', async () => {
    const train = async (seed: number) => {
      const model = new SequenceModel(rt, charLstm(6));
      await new Trainer(model, { loss: 'cross_entropy', seed }).fit(countingTask(24, 5, 6), {
        epochs: 1,
        batchSize: 4,
      });
      return model.getWeights()['head.bias'];
    };
    expect(await train(1)).toEqual(await train(1));
    expect(await train(1)).not.toEqual(await train(2));
  });
});
