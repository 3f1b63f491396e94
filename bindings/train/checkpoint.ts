// Checkpoints: one .safetensors file that is a loadable model file (weights under PyTorch names + manifest) and
// also holds everything a run needs to continue bit-identically: the optimizer's buffers (as tensors) and step
// count, the LR schedule's state, the step/epoch/batch counters and the running epoch sums, the dropout
// generator's state, the carried state of stateful training, and the trainer's own options (to rebuild it).
// Restoring checks the whole file against the trainer before it changes anything.

import { FormatError, ValueError } from '../errors.ts';
import { encodeManifest, MANIFEST_KEY } from '../io/manifest.ts';
import { modelManifest, modelTensors, readModelFile } from '../io/model-save.ts';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from '../io/safetensors.ts';
import type { ScheduleState } from './schedules.ts';
import { isSeq2Seq } from './stage.ts';
import type { Trainer } from './trainer.ts';
import type { TrainerSpec } from './trainer-spec.ts';

export const TRAINING_KEY = 'wasm_rnn.training';
const CHECKPOINT_VERSION = 1;

export interface TrainingState {
  version: number;
  spec: TrainerSpec;
  steps: number;
  epochs: number;
  epochBatch: number;
  epochStats: { lossSum: number; counted: number; tokens: number };
  optimizer: { kind: string; step: number; lr: number; buffers: string[] };
  schedule: ScheduleState | null;
  dropout: number[];
  carried: { batchSize: number } | null;
}

// JSON has no ±Infinity (a plateau schedule's first `best`); they travel as strings.
const encodeNumber = (_: string, v: unknown) =>
  typeof v === 'number' && !Number.isFinite(v) ? { nonFinite: String(v) } : v;
const decodeNumber = (_: string, v: unknown) =>
  v !== null && typeof v === 'object' && 'nonFinite' in v
    ? Number((v as { nonFinite: string }).nonFinite)
    : v;

export function encodeCheckpoint(
  trainer: Trainer,
  spec: TrainerSpec,
  extra?: Record<string, unknown>,
): Uint8Array {
  const model = trainer.model;
  const tensors: Record<string, SafeTensor> = modelTensors(model);
  const o = trainer.optimizer.state();
  for (const [name, data] of Object.entries(o.buffers)) {
    tensors[`optimizer.${name}`] = { dtype: 'F32', shape: [data.length], data };
  }
  const carried = isSeq2Seq(model) ? undefined : model.carriedState;
  if (carried) {
    tensors['carried.h'] = { dtype: 'F32', shape: [carried.h.length], data: carried.h };
    if (carried.c) tensors['carried.c'] = { dtype: 'F32', shape: [carried.c.length], data: carried.c };
  }
  const state: TrainingState = {
    version: CHECKPOINT_VERSION,
    spec,
    steps: trainer.steps,
    epochs: trainer.epochs,
    epochBatch: trainer.epochBatch,
    epochStats: { ...trainer.epochStats },
    optimizer: { kind: o.kind, step: o.step, lr: o.lr, buffers: Object.keys(o.buffers) },
    schedule: trainer.schedule?.state() ?? null,
    dropout: model.dropout.getState(),
    carried: carried
      ? {
          batchSize:
            carried.h.length / (model.config.recurrent.numLayers * model.config.recurrent.hiddenSize),
        }
      : null,
  };
  return encodeSafetensors(tensors, {
    format: 'pt',
    [MANIFEST_KEY]: encodeManifest(modelManifest(model, extra)),
    [TRAINING_KEY]: JSON.stringify(state, encodeNumber),
  });
}

const fail = (message: string): never => {
  throw new FormatError(`checkpoint: ${message}`);
};

/** The training state of a checkpoint file (throws a FormatError for a plain model file). */
export function readTrainingState(bytes: Uint8Array | ArrayBuffer): TrainingState {
  const text = decodeSafetensors(bytes).metadata[TRAINING_KEY];
  if (text === undefined)
    fail(`no training state: the file has no ${TRAINING_KEY} entry (a model file, not a checkpoint)`);
  let state: TrainingState;
  try {
    state = JSON.parse(text as string, decodeNumber);
  } catch (cause) {
    return fail(`the training state is not valid JSON (${(cause as Error).message})`);
  }
  if (state?.version !== CHECKPOINT_VERSION)
    fail(`version ${JSON.stringify(state?.version)} is not ${CHECKPOINT_VERSION}`);
  return state;
}

/** Puts a checkpoint's weights and training state into `trainer` (built with the same model and options). */
export function applyCheckpoint(trainer: Trainer, bytes: Uint8Array | ArrayBuffer): void {
  const file = decodeSafetensors(bytes);
  const state = readTrainingState(bytes);
  const model = trainer.model;
  const { options } = readModelFile(file);
  if (JSON.stringify(options) !== JSON.stringify(model.config.options)) {
    fail(
      `its model ${JSON.stringify(options)} is not this trainer's ${JSON.stringify(model.config.options)}`,
    );
  }
  if (state.optimizer.kind !== trainer.optimizer.kind) {
    fail(`its optimizer is ${state.optimizer.kind} but this trainer's is ${trainer.optimizer.kind}`);
  }
  if ((state.schedule?.kind ?? null) !== (trainer.schedule?.state().kind ?? null)) {
    fail(
      `its LR schedule is ${state.schedule?.kind ?? 'none'} but this trainer's is ${trainer.schedule?.state().kind ?? 'none'}`,
    );
  }
  const buffers: Record<string, Float32Array> = {};
  for (const name of state.optimizer.buffers) {
    const t = file.tensors[`optimizer.${name}`];
    if (t === undefined || t.data.length !== model.slab.size)
      fail(`optimizer buffer ${name} is missing or of the wrong size`);
    buffers[name] = t.data;
  }
  const weights: Record<string, Float32Array> = {};
  for (const e of model.slab.entries) weights[e.name] = file.tensors[e.name].data;
  const carried = state.carried
    ? { h: file.tensors['carried.h']?.data, c: file.tensors['carried.c']?.data }
    : undefined;
  if (carried && !(carried.h instanceof Float32Array)) fail('the carried state is missing');
  // Everything is read and checked; from here on the trainer changes.
  try {
    model.setWeights(weights);
    trainer.optimizer.loadState({
      kind: state.optimizer.kind,
      step: state.optimizer.step,
      lr: state.optimizer.lr,
      buffers,
    });
    if (state.schedule) trainer.schedule!.loadState(state.schedule);
    trainer.optimizer.lr = state.optimizer.lr;
    model.dropout.setState(state.dropout);
    if (!isSeq2Seq(model)) model.carriedState = carried as { h: Float32Array; c?: Float32Array } | undefined;
  } catch (cause) {
    if (cause instanceof ValueError) fail(cause.message);
    throw cause;
  }
  trainer.steps = state.steps;
  trainer.epochs = state.epochs;
  trainer.epochBatch = state.epochBatch;
  trainer.epochStats = { ...state.epochStats };
}
