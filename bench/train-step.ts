// Our side of W1–W4: one full training step (forward over the whole sequence, BPTT, optimizer update) through
// the library's SequenceModel + Trainer, built the way a user builds them: one trainer.step(batch) a step.
// W6 (stateful truncated BPTT) steps with { stateful: true }: each batch starts from the last one's final state.
// A ParallelTrainer cannot carry state across its shards, so W6's threaded rows train stateless (the same work
// but for the copy of the initial state).

import { SequenceModel } from '../bindings/model/sequence-model.ts';
import { ParallelTrainer } from '../bindings/parallel/parallel-trainer.ts';
import type { Runtime } from '../bindings/runtime/runtime.ts';
import { Trainer, type TrainerOptions } from '../bindings/train/trainer.ts';
import { seriesData, type TrainWorkload, tokenData } from './workloads.ts';

export interface TrainStep {
  /** One training step. */
  step: () => void;
  /** The loss of the last step (mean over the batch, and over T for the char-LMs). */
  loss: () => number;
  /** Settles when every worker thread has started (absent without threads). */
  ready?: Promise<void>;
  dispose: () => void | Promise<void>;
}

/**
 * A training step of workload `w` on runtime `rt`; with `parallel`, a ParallelTrainer's (rt made by
 * init({ shared: true })).
 */
export function makeStep(
  rt: Runtime,
  w: TrainWorkload,
  parallel?: { threads: number; shards: number },
): TrainStep {
  const { T, B, I, H } = w;
  const tokens = w.task === 'tokens';
  const model = new SequenceModel(rt, {
    input: tokens ? { tokens: I } : { features: I },
    recurrent: { cell: w.cell === 'rnn' ? 'rnn_tanh' : w.cell, hiddenSize: H, numLayers: w.layers ?? 1 },
    pooling: tokens ? 'none' : 'last',
    head: { outputSize: tokens ? I : 1 },
    seed: 1,
  });
  const o = w.optimizer;
  const options: TrainerOptions = {
    loss: tokens ? 'cross_entropy' : 'mse',
    optimizer: o.kind === 'adam' ? { kind: 'adam', lr: o.lr } : { kind: 'adagrad', lr: o.lr },
    clip: o.kind === 'adagrad' ? { value: o.clip } : w.clipNorm ? { norm: w.clipNorm } : undefined,
  };
  const stateful = w.stateful === true && !parallel;
  const trainer = parallel
    ? new ParallelTrainer(model, { ...options, ...parallel })
    : new Trainer(model, options);
  let batch: Parameters<Trainer['step']>[0];
  if (tokens) {
    const d = tokenData(T, B, I);
    batch = { inputs: { data: d.ids, shape: [T, B] }, targets: { data: d.targets, shape: [T, B] } };
  } else {
    const d = seriesData(T, B);
    batch = { inputs: { data: d.x, shape: [T, B, 1] }, targets: { data: d.y, shape: [B, 1] } };
  }
  let loss = Number.NaN;
  return {
    step: () => {
      loss = stateful ? trainer.step(batch, { stateful }) : trainer.step(batch);
    },
    loss: () => loss,
    ready: trainer instanceof ParallelTrainer ? trainer.ready : undefined,
    // The Trainer's at once; a ParallelTrainer's once its worker threads have exited.
    dispose: () => {
      if (trainer instanceof ParallelTrainer) return trainer.dispose().then(() => model.dispose());
      trainer.dispose();
      model.dispose();
    },
  };
}
