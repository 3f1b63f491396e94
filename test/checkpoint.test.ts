// Checkpoints every N steps carry the optimizer's buffers, the schedule, the counters, the dropout generator and
// the carried state: resuming from one — in a fresh runtime, from the bytes alone — continues bit-identically
// (the same step losses, the same epoch means, the same final weights) for shuffled datasets and for streams.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FormatError,
  init,
  loadModel,
  type Runtime,
  readTrainingState,
  resumeTrainer,
  SequenceModel,
  type SequenceModelOptions,
  saveModel,
  Trainer,
  type TrainerOptions,
  tbptt,
  writeFileAtomic,
} from '../bindings/index.node.ts';
import { rng } from './helpers/random.ts';
import { countingTask, sumTask } from './helpers/tasks.ts';

const freshRuntime = (): Promise<Runtime> => init({ backend: 'wasm-simd' });

interface Run {
  losses: number[];
  epochLosses: number[];
  weights: Record<string, Float32Array>;
  checkpoints: Map<number, Uint8Array>;
}

async function train(
  rt: Runtime,
  trainer: Trainer,
  data: Parameters<Trainer['fit']>[0],
  epochs: number,
  options: Partial<Parameters<Trainer['fit']>[1]> = {},
): Promise<Run> {
  const losses: number[] = [];
  const checkpoints = new Map<number, Uint8Array>();
  const history = await trainer.fit(data, {
    epochs,
    batchSize: 6,
    callbacks: { onStepEnd: (s) => void losses.push(s.loss) },
    checkpoint: { every: 4, save: (bytes, at) => void checkpoints.set(at.step, bytes) },
    ...options,
  });
  void rt;
  return {
    losses,
    epochLosses: history.epochs.map((e) => e.loss),
    weights: trainer.model.getWeights(),
    checkpoints,
  };
}

const classifier: SequenceModelOptions = {
  input: { features: 2 },
  recurrent: { cell: 'lstm', hiddenSize: 8, numLayers: 2, dropout: 0.3 },
  pooling: 'attention',
  head: { outputSize: 2, dropout: 0.2 },
  seed: 4,
};

describe('resume from a checkpoint', () => {
  it.each([
    [
      'Adam, cosine schedule per epoch, clipping, dropout, shuffling',
      {
        loss: 'cross_entropy',
        optimizer: { kind: 'adam', lr: 0.01 },
        schedule: { kind: 'cosine', tMax: 4 },
        clip: { norm: 1 },
        seed: 3,
      },
    ],
    [
      'SGD with momentum, plateau schedule, per-step warm-up-free',
      {
        loss: 'cross_entropy',
        optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 },
        schedule: { kind: 'plateau', patience: 0, factor: 0.5 },
        seed: 8,
      },
    ],
    [
      'RMSprop, exponential schedule per step',
      {
        loss: 'cross_entropy',
        optimizer: { kind: 'rmsprop', lr: 0.005 },
        schedule: { kind: 'exponential', gamma: 0.97 },
        scheduleStep: 'step',
        seed: 1,
      },
    ],
  ] as [string, TrainerOptions][])('%s: continues bit-identically in a fresh runtime', async (_, options) => {
    const data = sumTask(27, 5); // 5 batches per epoch, the last one short
    const validation = sumTask(6, 5, 7);
    const rtA = await freshRuntime();
    const full = await train(rtA, new Trainer(new SequenceModel(rtA, classifier), options), data, 4, {
      validation,
    });
    // Step 12 is in the middle of epoch 3; step 8 is 3 batches into epoch 2; step 20 ends the last epoch.
    for (const at of [8, 12, 20]) {
      const bytes = full.checkpoints.get(at)!;
      const rtB = await freshRuntime();
      const { trainer } = resumeTrainer(rtB, bytes);
      expect(trainer.steps).toBe(at);
      const rest = await train(rtB, trainer, data, 4 - trainer.epochs, { validation });
      expect(rest.losses).toEqual(full.losses.slice(at));
      expect(rest.weights).toEqual(full.weights);
      expect(rest.epochLosses).toEqual(
        full.epochLosses.slice(full.epochLosses.length - rest.epochLosses.length),
      );
    }
  });

  it('a stateful stream resumes with its carried state (truncated BPTT)', async () => {
    const next = rng(5);
    const stream = Int32Array.from({ length: 400 }, () => Math.floor(next() * 6));
    const model: SequenceModelOptions = {
      input: { embedding: { vocabSize: 6, dim: 4 } },
      recurrent: { cell: 'gru', hiddenSize: 8, numLayers: 2, dropout: 0.2 },
      head: { outputSize: 6 },
      seed: 2,
    };
    const options: TrainerOptions = { loss: 'cross_entropy', optimizer: { kind: 'adamw', lr: 0.01 } };
    const windows = tbptt(stream, { tracks: 4, k1: 9, k2: 14 });
    const rtA = await freshRuntime();
    const full = await train(rtA, new Trainer(new SequenceModel(rtA, model), options), windows, 2);
    const bytes = full.checkpoints.get(4)!;
    expect(readTrainingState(bytes).carried).toEqual({ batchSize: 4 });
    const rtB = await freshRuntime();
    const { trainer } = resumeTrainer(rtB, bytes);
    const rest = await train(rtB, trainer, windows, 2);
    expect(rest.losses).toEqual(full.losses.slice(4));
    expect(rest.weights).toEqual(full.weights);
  });

  it('restore() into a trainer built by hand, through a file written atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-ckpt-'));
    try {
      const rt = await freshRuntime();
      const options: TrainerOptions = {
        loss: 'cross_entropy',
        optimizer: { kind: 'adagrad', lr: 0.05 },
        seed: 2,
      };
      const data = countingTask(18, 5, 5);
      const lm = {
        input: { tokens: 5 },
        recurrent: { cell: 'lstm' as const, hiddenSize: 6 },
        head: { outputSize: 5 },
      };
      const path = join(dir, 'run.safetensors');
      const full = await train(rt, new Trainer(new SequenceModel(rt, lm), options), data, 2, {
        checkpoint: {
          every: 4,
          save: (bytes, at) => (at.step === 4 ? writeFileAtomic(path, bytes) : undefined),
        },
      });
      const trainer = new Trainer(new SequenceModel(rt, lm), options);
      trainer.restore(readFileSync(path));
      const rest = await train(rt, trainer, data, 2 - trainer.epochs);
      expect(rest.weights).toEqual(full.weights);
      // A checkpoint is also a model file.
      expect(loadModel(rt, readFileSync(path)).model.config).toEqual(trainer.model.config);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a model file, another architecture, optimizer or schedule, and changes nothing', async () => {
    const rt = await freshRuntime();
    const model = new SequenceModel(rt, classifier);
    const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: 'adam' });
    await trainer.fit(sumTask(6, 3), { batchSize: 6 });
    const bytes = trainer.checkpoint();
    const other = (m: SequenceModelOptions, o: TrainerOptions) => new Trainer(new SequenceModel(rt, m), o);
    const sgd = other(classifier, { loss: 'cross_entropy', optimizer: { kind: 'sgd', lr: 0.1 } });
    const before = sgd.model.getWeights();
    expect(() => sgd.restore(bytes)).toThrow(/optimizer is adam but this trainer's is sgd/);
    expect(sgd.model.getWeights()).toEqual(before);
    expect(sgd.steps).toBe(0);
    const wider = other(
      { ...classifier, recurrent: { ...classifier.recurrent, hiddenSize: 9 } },
      { loss: 'cross_entropy' },
    );
    expect(() => wider.restore(bytes)).toThrow(FormatError);
    const scheduled = other(classifier, { loss: 'cross_entropy', schedule: { kind: 'step', stepSize: 2 } });
    expect(() => scheduled.restore(bytes)).toThrow(/schedule is none but this trainer's is step/);
    expect(() => resumeTrainer(rt, saveModel(model))).toThrow(/a model file, not a checkpoint/);
    expect(() => resumeTrainer(rt, bytes.subarray(0, 100))).toThrow(FormatError);
  });
});

describe('checkpoints stay f32', () => {
  it('refuses a dtype in checkpoint(extra) and in fit({ checkpoint }), and unknown checkpoint keys', async () => {
    const rt = await freshRuntime();
    const model = new SequenceModel(rt, classifier);
    const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: { kind: 'adam', lr: 0.01 } });
    expect(() => trainer.checkpoint({ dtype: 'int8' })).toThrow(/checkpoint\(extra\) takes no dtype/);
    expect(trainer.checkpoint({ note: 'kept' }).length).toBeGreaterThan(0);
    const data = sumTask(12, 5);
    const save = () => {};
    await expect(
      trainer.fit(data, { epochs: 1, checkpoint: { every: 1, save, dtype: 'f16' } as never }),
    ).rejects.toThrow(/checkpoint takes no dtype/);
    await expect(
      trainer.fit(data, { epochs: 1, checkpoint: { every: 1, save, evry: 2 } as never }),
    ).rejects.toThrow(/evry/);
    expect(trainer.steps).toBe(0);
    trainer.dispose();
    model.dispose();
  });
});
