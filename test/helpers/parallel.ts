// What the data-parallel tests share: a few models of different shapes with matching data and losses, a run of
// seeded training through fit(), and the bits of the weights it leaves.

import type {
  LossSpec,
  ParallelTrainerOptions,
  Runtime,
  SequenceModelOptions,
} from '../../bindings/index.node.ts';
import { ParallelTrainer, SequenceModel, Trainer } from '../../bindings/index.node.ts';
import { rng } from './random.ts';
import { charLstm, countingTask, sumGru, sumTask } from './tasks.ts';

export interface Case {
  name: string;
  model: SequenceModelOptions;
  loss: LossSpec;
  data: { inputs: (Int32Array | Float32Array)[]; targets: (Int32Array | Float32Array)[] };
  /** The model drops out: its shards draw other masks than the Trainer does. */
  dropout?: boolean;
}

/** Samples of 3 to 9 steps, so that fit() pads every batch (lengths and a step mask). */
function ragged<T extends Int32Array | Float32Array>(samples: T[], width = 1): T[] {
  return samples.map((x, i) => x.subarray(0, (3 + ((i * 5) % 7)) * width) as T);
}

/** Float sequences [T, 1] whose target is their mean and their last value ([2] per sequence). */
function seriesTask(n: number, T: number, seed = 3) {
  const next = rng(seed);
  const inputs: Float32Array[] = [];
  const targets: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const x = Float32Array.from({ length: T }, () => next() * 2 - 1);
    inputs.push(x);
    targets.push(Float32Array.of(x.reduce((a, b) => a + b, 0) / T, x[T - 1]));
  }
  return { inputs, targets };
}

export const CASES: readonly Case[] = [
  {
    name: 'char LSTM, per-step cross-entropy',
    model: charLstm(7, 12),
    loss: 'cross_entropy',
    data: countingTask(26, 9, 7),
  },
  {
    name: 'bidirectional GRU, attention pooling',
    model: sumGru(),
    loss: 'cross_entropy',
    data: sumTask(26, 7),
  },
  {
    name: 'two-layer tanh RNN, last state, MSE',
    model: {
      input: { features: 1 },
      recurrent: { cell: 'rnn_tanh', hiddenSize: 10, numLayers: 2 },
      pooling: 'last',
      head: { outputSize: 2 },
      seed: 4,
    },
    loss: 'mse',
    data: seriesTask(26, 8),
  },
  {
    name: 'embedding + bidirectional LSTM, last state, weighted cross-entropy with an ignored class',
    model: {
      input: { embedding: { vocabSize: 7, dim: 5 } },
      recurrent: { cell: 'lstm', hiddenSize: 6, bidirectional: true },
      pooling: 'last',
      head: { outputSize: 3 },
      seed: 5,
    },
    loss: { kind: 'cross_entropy', classWeights: [0.5, 2, 1], ignoreIndex: 1 },
    data: {
      inputs: countingTask(26, 6, 7).inputs,
      targets: Array.from({ length: 26 }, (_, i) => Int32Array.of((i * 5) % 3)),
    },
  },
  {
    name: 'char GRU, padded batches of 3- to 9-step samples',
    model: { ...charLstm(7, 12), recurrent: { cell: 'gru', hiddenSize: 12 } },
    loss: 'cross_entropy',
    data: (() => {
      const d = countingTask(26, 9, 7);
      return { inputs: ragged(d.inputs), targets: ragged(d.targets) };
    })(),
  },
  {
    name: 'two-layer LSTM with dropout between the layers and before the head, padded batches, MSE',
    model: {
      input: { features: 1 },
      recurrent: { cell: 'lstm', hiddenSize: 10, numLayers: 2, dropout: 0.3 },
      pooling: 'last',
      head: { outputSize: 2, dropout: 0.2 },
      seed: 6,
    },
    loss: 'mse',
    data: (() => {
      const d = seriesTask(26, 9);
      return { inputs: ragged(d.inputs), targets: d.targets };
    })(),
    dropout: true,
  },
];

/** The bits of every weight, by name: equal records mean bit-identical weights. */
export function bits(record: Record<string, Float32Array>): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(record).map(([name, w]) => [
      name,
      Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length)),
    ]),
  );
}

export interface Trained {
  weights: Record<string, number[]>;
  losses: number[];
  workerTasks: number;
}

/**
 * Three epochs of shuffled fit() in batches of 10 (so 26 samples give a last batch of 6) with a ParallelTrainer
 * (`options` given) or the Trainer (`options` undefined).
 */
export async function train(
  rt: Runtime,
  c: Case,
  options?: Partial<ParallelTrainerOptions>,
): Promise<Trained> {
  const model = new SequenceModel(rt, c.model);
  const base = { loss: c.loss, optimizer: { kind: 'adam', lr: 0.02 }, clip: { norm: 1 } } as const;
  const trainer = options ? new ParallelTrainer(model, { ...base, ...options }) : new Trainer(model, base);
  // A worker that could not start leaves a note; the others (and the calling thread) still train.
  if (trainer instanceof ParallelTrainer) await trainer.ready.catch(() => {});
  const losses: number[] = [];
  await trainer.fit(c.data, {
    epochs: 3,
    batchSize: 10,
    callbacks: { onStepEnd: (s) => void losses.push(s.loss) },
  });
  const weights = bits(model.getWeights());
  const workerTasks = trainer instanceof ParallelTrainer ? trainer.workerTasks : 0;
  await trainer.dispose();
  model.dispose();
  return { weights, losses, workerTasks };
}
