// Our side of W1–W4: one full training step (forward over the whole sequence, BPTT, optimizer update) through
// the library's SequenceModel + Trainer, built the way a user builds them: one trainer.step(batch) a step.

import { SequenceModel } from '../bindings/model/sequence-model.ts';
import type { Runtime } from '../bindings/runtime/runtime.ts';
import { Trainer } from '../bindings/train/trainer.ts';
import { seriesData, type TrainWorkload, tokenData } from './workloads.ts';

export interface TrainStep {
  /** One training step. */
  step: () => void;
  /** The loss of the last step (mean over the batch, and over T for the char-LMs). */
  loss: () => number;
  dispose: () => void;
}

/** A training step of workload `w` on runtime `rt`. */
export function makeStep(rt: Runtime, w: TrainWorkload): TrainStep {
  const { T, B, I, H } = w;
  const tokens = w.task === 'tokens';
  const model = new SequenceModel(rt, {
    input: tokens ? { tokens: I } : { features: I },
    recurrent: { cell: w.cell === 'rnn' ? 'rnn_tanh' : w.cell, hiddenSize: H },
    pooling: tokens ? 'none' : 'last',
    head: { outputSize: tokens ? I : 1 },
    seed: 1,
  });
  const o = w.optimizer;
  const trainer = new Trainer(model, {
    loss: tokens ? 'cross_entropy' : 'mse',
    optimizer: o.kind === 'adam' ? { kind: 'adam', lr: o.lr } : { kind: 'adagrad', lr: o.lr },
    clip: o.kind === 'adagrad' ? { value: o.clip } : undefined,
  });
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
      loss = trainer.step(batch);
    },
    loss: () => loss,
    dispose: () => {
      trainer.dispose();
      model.dispose();
    },
  };
}
