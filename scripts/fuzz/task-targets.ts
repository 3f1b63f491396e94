// The loaders of checkpoints and task files as fuzz targets, and what "the valid result the file describes"
// means for each: the weights bit for bit, and every other thing the file states read back as stated (the
// training state's counters, optimizer buffers, dropout generator and carried state; a text model's
// vocabulary, level and step count; a classifier's class names). A load that returns anything else accepted
// garbage silently.

import { readManifest } from '../../bindings/io/model-file.ts';
import { loadAnyModel, type SavedModel } from '../../bindings/io/model-save.ts';
import { decodeSafetensors } from '../../bindings/io/safetensors.ts';
import type { Runtime } from '../../bindings/runtime/runtime.ts';
import { SequenceClassifier } from '../../bindings/tasks/sequence-classifier.ts';
import { TextModel } from '../../bindings/tasks/text-model.ts';
import { readTrainingState } from '../../bindings/train/checkpoint.ts';
import { resumeTrainer } from '../../bindings/train/resume.ts';
import type { Trainer } from '../../bindings/train/trainer.ts';
import type { FuzzTarget } from './harness.ts';

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

function sameBits(name: string, a: Float32Array | undefined, b: Float32Array | undefined): void {
  if (!(a instanceof Float32Array) || !(b instanceof Float32Array) || a.length !== b.length)
    throw new Error(`${name}: ${a?.length} values, the file holds ${b?.length}`);
  const [x, y] = [bits(a), bits(b)];
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) throw new Error(`${name}[${i}] is ${a[i]}, the file holds ${b[i]}`);
  }
}

export function same(name: string, got: unknown, want: unknown): void {
  const [g, w] = [JSON.stringify(got), JSON.stringify(want)];
  if (g !== w) throw new Error(`${name} is ${g?.slice(0, 100)} but the file says ${w?.slice(0, 100)}`);
}

/** The model's weights are the file's tensors (a checkpoint's own tensors aside), names and bits. */
export function verifyModel(model: SavedModel, bytes: Uint8Array): void {
  const file = decodeSafetensors(bytes);
  const weights = model.getWeights();
  const own = Object.keys(file.tensors).filter((n) => !/^(optimizer|carried)\./.test(n));
  same('tensor names', Object.keys(weights).sort(), own.sort());
  for (const name of own) sameBits(name, weights[name], file.tensors[name].data);
  const manifest = readManifest(bytes);
  for (const name of own) same(`manifest shape of ${name}`, manifest.tensors[name], file.tensors[name].shape);
}

/** Everything the training state says, read back from the resumed trainer. */
function verifyTrainer(trainer: Trainer, bytes: Uint8Array): void {
  const state = readTrainingState(bytes);
  const file = decodeSafetensors(bytes);
  verifyModel(trainer.model, bytes);
  same('steps', trainer.steps, state.steps);
  same('epochs', trainer.epochs, state.epochs);
  same('epochBatch', trainer.epochBatch, state.epochBatch);
  same('epochStats', trainer.epochStats, state.epochStats);
  const o = trainer.optimizer.state();
  same('optimizer', [o.kind, o.step, o.lr], [state.optimizer.kind, state.optimizer.step, state.optimizer.lr]);
  same('optimizer buffers', Object.keys(o.buffers).sort(), [...state.optimizer.buffers].sort());
  for (const name of state.optimizer.buffers)
    sameBits(`optimizer.${name}`, o.buffers[name], file.tensors[`optimizer.${name}`]?.data);
  same('dropout', trainer.model.dropout.getState(), state.dropout);
  const s = trainer.schedule?.state() ?? null;
  same('schedule', s, state.schedule);
  const carried = 'carriedState' in trainer.model ? trainer.model.carriedState : undefined;
  same('carried', carried === undefined, state.carried === null);
  if (carried) {
    sameBits('carried.h', carried.h, file.tensors['carried.h']?.data);
    if (carried.c || file.tensors['carried.c'])
      sameBits('carried.c', carried.c, file.tensors['carried.c']?.data);
  }
}

const usedBytes = (runtimes: readonly Runtime[]) => () =>
  runtimes.reduce((sum, rt) => sum + rt.arena.usedBytes, 0);
const linearBytes = (runtimes: readonly Runtime[]) => () =>
  runtimes.reduce((sum, rt) => sum + rt.memory.buffer.byteLength, 0);
export const on = (runtimes: readonly Runtime[], index: number) => runtimes[index % runtimes.length];
export const memory = (runtimes: readonly Runtime[]) => ({
  usedBytes: usedBytes(runtimes),
  linearBytes: linearBytes(runtimes),
});

export function resumeTarget(runtimes: readonly Runtime[]): FuzzTarget<Trainer> {
  return {
    name: 'resumeTrainer',
    load: (bytes, index) => resumeTrainer(on(runtimes, index), bytes).trainer,
    verify: (trainer, c) => verifyTrainer(trainer, c.bytes),
    dispose(trainer) {
      trainer.dispose();
      trainer.model.dispose();
    },
    ...memory(runtimes),
  };
}

export function textTarget(runtimes: readonly Runtime[]): FuzzTarget<TextModel> {
  return {
    name: 'TextModel.load',
    load: (bytes, index) => TextModel.load(on(runtimes, index), bytes),
    verify(m, c) {
      verifyModel(m.model, c.bytes);
      const extra = readManifest(c.bytes).extra ?? {};
      same('vocabulary', m.vocab.toJSON(), extra.vocab);
      same('level', m.level, extra.level);
      same('stepsTrained', m.stepsTrained, extra.stepsTrained ?? 0);
    },
    dispose: (m) => m.dispose(),
    ...memory(runtimes),
  };
}

export function classifierTarget(runtimes: readonly Runtime[]): FuzzTarget<SequenceClassifier> {
  return {
    name: 'SequenceClassifier.load',
    load: (bytes, index) => SequenceClassifier.load(on(runtimes, index), bytes),
    verify(m, c) {
      verifyModel(m.model, c.bytes);
      same('classNames', m.classNames, readManifest(c.bytes).extra?.classNames);
    },
    dispose: (m) => m.dispose(),
    ...memory(runtimes),
  };
}

export function seq2seqTarget(runtimes: readonly Runtime[]): FuzzTarget<SavedModel> {
  return {
    name: 'loadAnyModel (Seq2Seq files)',
    load: (bytes, index) => loadAnyModel(on(runtimes, index), bytes).model,
    verify: (model, c) => verifyModel(model, c.bytes),
    dispose: (model) => model.dispose(),
    ...memory(runtimes),
  };
}
