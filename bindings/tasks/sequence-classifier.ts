// Many-to-one classification of labelled sequences (float features per step, or token ids): LSTM/GRU → last
// state or attention pooling → Dense(classes), cross-entropy. Scored by accuracy and a confusion matrix.

import { type ConfusionMatrix, confusionMatrix } from '../data/classification.ts';
import { makeDataset, type SampleArray } from '../data/dataset.ts';
import { DataError, describe, ShapeError, ValueError } from '../errors.ts';
import type { LoadOptions } from '../io/load-options.ts';
import type { SaveOptions } from '../io/weight-dtype.ts';
import type { ModelConfig } from '../model/sequence-config.ts';
import { SequenceModel } from '../model/sequence-model.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../tensor.ts';
import { knownKeys, optionsObject } from '../validate.ts';
import {
  BUDGET_KEYS,
  type BudgetOptions,
  type FitSummary,
  fitOnce,
  loadTask,
  NETWORK_KEYS,
  type NetworkOptions,
  recurrentSpec,
  requireRuntime,
  saveTask,
} from './training.ts';

export interface ClassifierOptions extends NetworkOptions, BudgetOptions {
  /** Class names in id order (default: '0', '1', …); their count is the number of classes. */
  classNames?: string[];
  /** 'last' (default) or 'attention': a learned weighted sum of every step's state. */
  pooling?: 'last' | 'attention';
  /** Token inputs only: ids go through an embedding of this size (default: one-hot). */
  embeddingDim?: number;
  /** Token inputs only: the vocabulary size (default: largest id + 1). */
  vocabSize?: number;
  /** Held-out samples for the validation loss (restore-best-weights). */
  validation?: { sequences: readonly SampleArray[]; labels: ArrayLike<number> };
  /** Adam's learning rate (default 3e-3). */
  lr?: number;
}

export interface ClassifierEvaluation {
  accuracy: number;
  confusion: ConfusionMatrix;
  classNames: readonly string[];
}

const TASK = 'classify';

export class SequenceClassifier {
  readonly rt: Runtime;
  readonly model: SequenceModel;
  readonly classNames: readonly string[];
  summary: FitSummary | undefined;

  private constructor(rt: Runtime, model: SequenceModel, classNames: readonly string[]) {
    this.rt = rt;
    this.model = model;
    this.classNames = classNames;
  }

  /**
   * Fits on `sequences` (each [steps, features] floats or token ids; lengths may differ: a batch is padded and
   * each sequence is read up to its own last step) and their class ids.
   */
  static async fit(
    sequences: readonly SampleArray[],
    labels: ArrayLike<number>,
    options: ClassifierOptions & { runtime: Runtime },
  ): Promise<SequenceClassifier> {
    optionsObject('SequenceClassifier.fit options', options, true, [
      'runtime',
      'classNames',
      'pooling',
      'embeddingDim',
      'vocabSize',
      'validation',
      'lr',
      ...NETWORK_KEYS,
      ...BUDGET_KEYS,
    ]);
    const rt = requireRuntime(options);
    const data = labelled(sequences, labels, 'sequences');
    const K = options.classNames?.length ?? Math.max(...Array.from(labels)) + 1;
    if (K < 2) throw new DataError(`classification needs at least 2 classes but the labels name ${K}`);
    const classNames = options.classNames ?? Array.from({ length: K }, (_, k) => String(k));
    const tokens = data.inputs[0] instanceof Int32Array;
    const V = tokens ? (options.vocabSize ?? maxId(data.inputs) + 1) : 0;
    const model = new SequenceModel(rt, {
      input: tokens
        ? options.embeddingDim
          ? { embedding: { vocabSize: V, dim: options.embeddingDim } }
          : { tokens: V }
        : { features: data.features },
      recurrent: recurrentSpec(options, 32),
      pooling: options.pooling ?? 'last',
      head: { outputSize: K },
      seed: options.seed ?? 0,
    });
    const c = new SequenceClassifier(rt, model, classNames);
    const validation = options.validation
      ? labelled(options.validation.sequences, options.validation.labels, 'validation.sequences')
      : undefined;
    const trainer = {
      loss: 'cross_entropy' as const,
      optimizer: { kind: 'adam' as const, lr: options.lr ?? 3e-3 },
    };
    const budget = { epochs: 20, ...options, batchSize: options.batchSize ?? 32 };
    c.summary = await fitOnce(model, trainer, data, validation, budget, data.maxLength);
    return c;
  }

  /** Class probabilities [N, K] (softmax of the logits). */
  predictProba(sequences: readonly SampleArray[]): Tensor<Float32Array> {
    const logits = this.#logits(sequences);
    const K = this.classNames.length;
    const p = logits.data;
    for (let r = 0; r < p.length / K; r++) {
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, p[r * K + k]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += p[r * K + k] = Math.exp(p[r * K + k] - max);
      for (let k = 0; k < K; k++) p[r * K + k] /= sum;
    }
    return logits;
  }

  /** The most likely class id of each sequence. */
  predict(sequences: readonly SampleArray[]): Int32Array {
    const logits = this.#logits(sequences).data;
    const K = this.classNames.length;
    return Int32Array.from({ length: logits.length / K }, (_, r) => {
      let best = 0;
      for (let k = 1; k < K; k++) if (logits[r * K + k] > logits[r * K + best]) best = k;
      return best;
    });
  }

  evaluate(sequences: readonly SampleArray[], labels: ArrayLike<number>): ClassifierEvaluation {
    const confusion = confusionMatrix(labels, this.predict(sequences), this.classNames.length);
    return { accuracy: confusion.accuracy, confusion, classNames: this.classNames };
  }

  /** The classifier as one file; `{ dtype: 'f16' | 'bf16' | 'int8' }` stores its weights smaller (saveModel). */
  save(options?: SaveOptions): Uint8Array {
    return saveTask(this.model, TASK, { classNames: [...this.classNames] }, options);
  }

  /** A classifier from a file written by save(); the whole file is checked before anything is built. */
  static load(rt: Runtime, bytes: Uint8Array | ArrayBuffer, options?: LoadOptions): SequenceClassifier {
    const { model, task } = loadTask(rt, bytes, TASK, 'a sequence classifier', readClassifierFile, options);
    return new SequenceClassifier(rt, model, task);
  }

  dispose(): void {
    this.model.dispose();
  }

  /** One time-major batch of every sequence, through the network: logits [N, K]. */
  #logits(sequences: readonly SampleArray[]): Tensor<Float32Array> {
    const c = this.model.config;
    const F0 = c.input.kind === 'features' ? c.input.size : 1;
    const ds = makeDataset(sequences, sequences, { features: F0, targetFeatures: F0 });
    const T = ds.maxLength;
    const N = ds.size;
    const F = ds.features;
    const tokens = ds.inputs[0] instanceof Int32Array;
    // Padded time-major [T, N, F]; the padding is never read past each row's own length.
    const x = tokens ? new Int32Array(T * N) : new Float32Array(T * N * F);
    for (let i = 0; i < N; i++) {
      const s = ds.inputs[i];
      for (let t = 0; t < ds.lengths[i]; t++) x.set(s.subarray(t * F, (t + 1) * F), (t * N + i) * F);
    }
    const shape = tokens ? [T, N] : [T, N, F];
    return this.model.predict({ data: x, shape }, { lengths: ds.lengths }) as Tensor<Float32Array>;
  }
}

/** A classifier file's own part: K class names for the K outputs of a pooled network (fit's shape, K ≥ 2). */
function readClassifierFile(extra: Record<string, unknown>, c: ModelConfig): string[] {
  knownKeys('sequence classifier file', extra, ['task', 'classNames']);
  const names = extra.classNames;
  const K = c.head.outputSize;
  if (!Array.isArray(names) || names.length !== K || names.some((n) => typeof n !== 'string'))
    throw new ValueError(`classNames must be ${K} strings (one per output) but is ${describe(names)}`);
  if (K < 2) throw new ValueError(`a classifier has at least 2 classes but this one has ${K}`);
  if (c.pooling === 'none')
    throw new ValueError('a classifier pools each sequence (last or attention) but this model does not');
  return names as string[];
}

/** A dataset of sequences with one class id each. */
function labelled(sequences: readonly SampleArray[], labels: ArrayLike<number>, name: string) {
  if (!Array.isArray(sequences))
    throw new ShapeError(`${name} must be an array of sequences but got ${describe(sequences)}`);
  if (labels?.length !== sequences.length) {
    throw new ShapeError(
      `there are ${sequences.length} sequences but ${labels?.length ?? 'no'} labels; give one label per sequence`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0) {
      throw new ValueError(`labels[${i}] = ${labels[i]} is not a class id (an integer ≥ 0)`);
    }
  }
  const targets = Array.from({ length: labels.length }, (_, i) => Int32Array.of(labels[i]));
  return makeDataset(sequences, targets, { targetsPer: 'sequence' });
}

function maxId(inputs: readonly (Float32Array | Int32Array)[]): number {
  let max = 0;
  for (const s of inputs) for (let i = 0; i < s.length; i++) max = Math.max(max, s[i]);
  return max;
}
