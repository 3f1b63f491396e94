// Checkpoints: one .safetensors file that is a loadable model file (weights under PyTorch names + manifest) and
// also holds everything a run needs to continue bit-identically: the optimizer's buffers (as tensors) and step
// count, the LR schedule's state, the step/epoch/batch counters and the running epoch sums, the dropout
// generator's state, the carried state of stateful training, and the trainer's own options (to rebuild it).
// Restoring checks the whole file against the trainer before it changes anything.

import { describe, ValueError } from '../errors.ts';
import { checkWeightRange, type LoadOptions, loadOptions } from '../io/load-options.ts';
import { encodeManifest, MANIFEST_KEY } from '../io/manifest.ts';
import { type ModelFile, modelManifest, modelTensors, readModelFile, weightsOf } from '../io/model-save.ts';
import {
  type DecodedSafetensors,
  decodeSafetensors,
  encodeSafetensors,
  type SafeTensor,
} from '../io/safetensors.ts';
import type { SequenceModelOptions } from '../model/sequence-config.ts';
import { slabSize } from '../model/slab.ts';
import type { TrainerSpec } from './trainer-spec.ts';
import type { CheckpointedRun } from './training-run.ts';
import {
  CHECKPOINT_VERSION,
  encodeNumber,
  fail,
  parseTrainingState,
  TRAINING_KEY,
  type TrainingState,
} from './training-state.ts';

export { TRAINING_KEY, type TrainingState };

export function encodeCheckpoint(
  trainer: CheckpointedRun,
  spec: TrainerSpec,
  extra?: Record<string, unknown>,
): Uint8Array {
  const model = trainer.model;
  const tensors: Record<string, SafeTensor> = modelTensors(model);
  const o = trainer.optimizer.state();
  for (const [name, data] of Object.entries(o.buffers)) {
    tensors[`optimizer.${name}`] = { dtype: 'F32', shape: [data.length], data };
  }
  const carried = model.carriedState;
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

/** The training state of a checkpoint file, checked (a FormatError for a plain model file). */
export function readTrainingState(bytes: Uint8Array | ArrayBuffer): TrainingState {
  return parseTrainingState(decodeSafetensors(bytes).metadata[TRAINING_KEY]);
}

/** What a checkpoint restores besides the weights: its own tensors, each checked. */
export interface CheckpointTensors {
  readonly buffers: Record<string, Float32Array>;
  readonly carried: { h: Float32Array; c?: Float32Array } | undefined;
}

/** Buffers of running squares: never negative in a run (a negative one would make the update NaN). */
const SQUARES = new Set(['exp_avg_sq', 'sum', 'square_avg']);

/**
 * The optimizer buffers and carried state of a checkpoint, checked against the model the file describes: each
 * buffer one float per slab entry and finite (squares ≥ 0), no buffer the optimizer does not keep, and a carried
 * state only for a one-direction SequenceModel, [L, B, H] (h, and c for an LSTM), finite and within ±bound.
 */
export function checkpointTensors(
  file: DecodedSafetensors,
  state: TrainingState,
  read: ModelFile,
  options: Required<LoadOptions>,
): CheckpointTensors {
  const size = slabSize(read.specs);
  const buffers: Record<string, Float32Array> = {};
  for (const name of state.optimizer.buffers) {
    const t = file.tensors[`optimizer.${name}`];
    if (t === undefined || t.shape.length !== 1 || t.shape[0] !== size)
      fail(`optimizer buffer ${name} must be a tensor of ${size} values but is ${describe(t?.data)}`);
    const data = t.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]) || (SQUARES.has(name) && data[i] < 0))
        fail(`optimizer buffer ${name}[${i}] is ${data[i]}, which no run writes`);
    }
    buffers[name] = data;
  }
  const own = (prefix: string) => Object.keys(file.tensors).filter((n) => n.startsWith(prefix));
  const stray = own('optimizer.').find((n) => !state.optimizer.buffers.includes(n.slice(10)));
  if (stray !== undefined) fail(`tensor ${describe(stray)} is not a buffer of ${state.optimizer.kind}`);
  return { buffers, carried: carriedOf(file, state, read, options.maxAbsWeight, own('carried.')) };
}

function carriedOf(
  file: DecodedSafetensors,
  state: TrainingState,
  read: ModelFile,
  bound: number,
  names: readonly string[],
): CheckpointTensors['carried'] {
  if (state.carried === null) {
    if (names.length > 0)
      fail(`tensor ${describe(names[0])} holds a carried state the training state has not`);
    return undefined;
  }
  const r = (read.options as SequenceModelOptions).recurrent;
  if (read.kind !== 'SequenceModel' || r.bidirectional)
    fail('a carried state belongs to a one-direction SequenceModel only');
  const lstm = r.cell === 'lstm';
  const n = (r.numLayers ?? 1) * state.carried.batchSize * r.hiddenSize;
  const wanted = lstm ? ['carried.h', 'carried.c'] : ['carried.h'];
  const extra = names.find((name) => !wanted.includes(name));
  if (extra !== undefined) fail(`tensor ${describe(extra)} is not part of a ${r.cell} carried state`);
  const take = (name: string): Float32Array => {
    const t = file.tensors[name];
    if (t === undefined || t.shape.length !== 1 || t.shape[0] !== n)
      fail(`${name} must be [${n}] (numLayers × batchSize × hiddenSize) but is ${describe(t?.data)}`);
    checkWeightRange(name, t.data, bound, (m) => fail(`carried state: ${m}`));
    return t.data;
  };
  return lstm ? { h: take('carried.h'), c: take('carried.c') } : { h: take('carried.h') };
}

/** Puts a checkpoint's weights and training state into `trainer` (built with the same model and options). */
export function applyCheckpoint(
  trainer: CheckpointedRun,
  bytes: Uint8Array | ArrayBuffer,
  options?: LoadOptions,
): void {
  const o = loadOptions(options);
  const file = decodeSafetensors(bytes);
  applyCheckpointFile(trainer, file, parseTrainingState(file.metadata[TRAINING_KEY]), o);
}

/** applyCheckpoint of a file already decoded and its state already checked (resumeTrainer decodes once). */
export function applyCheckpointFile(
  trainer: CheckpointedRun,
  file: DecodedSafetensors,
  state: TrainingState,
  options: Required<LoadOptions>,
): void {
  const model = trainer.model;
  const read = readModelFile(file);
  if (JSON.stringify(read.options) !== JSON.stringify(model.config.options)) {
    fail(
      `its model ${JSON.stringify(read.options)} is not this trainer's ${JSON.stringify(model.config.options)}`,
    );
  }
  if (state.optimizer.kind !== trainer.optimizer.kind) {
    fail(`its optimizer is ${state.optimizer.kind} but this trainer's is ${trainer.optimizer.kind}`);
  }
  const mine = trainer.schedule?.state().kind ?? null;
  if ((state.schedule?.kind ?? null) !== mine) {
    fail(`its LR schedule is ${state.schedule?.kind ?? 'none'} but this trainer's is ${mine ?? 'none'}`);
  }
  const { buffers, carried } = checkpointTensors(file, state, read, options);
  const weights = weightsOf(file, read.specs, options);
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
    model.carriedState = carried;
  } catch (cause) {
    if (cause instanceof ValueError) fail(cause.message);
    throw cause;
  }
  trainer.steps = state.steps;
  trainer.epochs = state.epochs;
  trainer.epochBatch = state.epochBatch;
  trainer.epochStats = { ...state.epochStats };
}
