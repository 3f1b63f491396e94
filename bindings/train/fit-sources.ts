// Where fit()'s batches come from. A dataset: shuffled batches, each epoch's order a function of (seed, epoch)
// alone, so a run resumed mid-epoch from a checkpoint sees the very same batches. A stream: truncated BPTT over
// consecutive windows of a TbpttStream, the state carried (detached) from window to window, reset each epoch.

import { BatchBuffers, collate } from '../data/batch.ts';
import type { Dataset } from '../data/dataset.ts';
import type { TbpttStream } from '../data/stream.ts';
import { ShapeError, ValueError } from '../errors.ts';
import type { Seq2Seq } from '../model/seq2seq.ts';
import type { SequenceModel } from '../model/sequence-model.ts';
import { Random } from '../random.ts';
import { deriveSeed } from '../seed.ts';
import type { Evaluation } from './evaluate.ts';
import { evaluateChecked, evaluatePairs } from './evaluate.ts';
import { PairBatcher, type Pairs } from './pairs.ts';
import { checkStream, evaluateStream } from './stream-eval.ts';
import type { TrainBatch, Trainer } from './trainer.ts';

/** What one step reports back to the loop. */
export interface StepReport {
  loss: number;
  /** What the step's loss counted (its weight in the epoch mean). */
  counted: number;
  /** Real time steps in the batch. */
  tokens: number;
}

export interface EpochSource {
  readonly batches: number;
  /** Prepares epoch `epoch` (1-based, over the trainer's life), to run from batch `first` (> 0 when resumed). */
  begin(epoch: number, first: number): void;
  /** Stages and trains on batch `b` of the current epoch. */
  run(b: number): StepReport;
  /** The validation data's loss (and accuracy), if any. */
  validate(): Evaluation | undefined;
}

/** The order of epoch `epoch` depends on the seed and the epoch only (resumable without PRNG state). */
export function epochOrder(order: Int32Array, seed: number, epoch: number, shuffle: boolean): void {
  for (let i = 0; i < order.length; i++) order[i] = i;
  if (shuffle) new Random(deriveSeed(seed, `shuffle/${epoch}`)).shuffle(order);
}

/** How batches are cut from `size` samples: shuffled per epoch, batchSize at a time. */
export interface Batching {
  batchSize: number;
  shuffle: boolean;
  dropLast: boolean;
}

/** Shuffled batches of `size` samples, each made by `batchOf(indices)`. */
function shuffledSource(
  trainer: Trainer,
  size: number,
  o: Batching,
  batchOf: (indices: Int32Array) => TrainBatch,
  validate: () => Evaluation | undefined,
): EpochSource {
  const batches = o.dropLast ? Math.floor(size / o.batchSize) : Math.ceil(size / o.batchSize);
  if (batches === 0) {
    throw new ValueError(`dropLast with batchSize ${o.batchSize} leaves no batch of ${size} samples`);
  }
  const order = new Int32Array(size);
  return {
    batches,
    begin: (epoch) => epochOrder(order, trainer.seed, epoch, o.shuffle),
    run: (b) => {
      const batch = batchOf(order.subarray(b * o.batchSize, Math.min((b + 1) * o.batchSize, size)));
      const staged = trainer.stage(batch, { training: true });
      const loss = trainer.update(staged);
      return { loss, counted: trainer.loss.count, tokens: staged.tokens };
    },
    validate,
  };
}

export function datasetSource(
  trainer: Trainer,
  ds: Dataset,
  val: Dataset | undefined,
  o: Batching,
): EpochSource {
  const buffers = new BatchBuffers(ds, Math.min(o.batchSize, ds.size));
  return shuffledSource(
    trainer,
    ds.size,
    o,
    (indices) => collate(ds, indices, {}, buffers),
    () => (val ? evaluateChecked(trainer, val, o.batchSize) : undefined),
  );
}

export function pairsSource(
  trainer: Trainer,
  pairs: Pairs,
  val: Pairs | undefined,
  o: Batching,
): EpochSource {
  const batcher = new PairBatcher(pairs, trainer.model as Seq2Seq, Math.min(o.batchSize, pairs.size));
  return shuffledSource(
    trainer,
    pairs.size,
    o,
    (indices) => batcher.batch(indices),
    () => (val ? evaluatePairs(trainer, val, o.batchSize) : undefined),
  );
}

export function streamSource(
  trainer: Trainer,
  stream: TbpttStream,
  val: TbpttStream | undefined,
): EpochSource {
  checkStream(trainer, stream, 'data');
  if (val) checkStream(trainer, val, 'validation');
  const windows = [...stream];
  return {
    batches: windows.length,
    // A resumed epoch continues with the checkpoint's carried state.
    begin: (_, first) => (first === 0 ? trainer.resetState() : undefined),
    run: (b) => {
      const w = windows[b];
      const h = w.history;
      const staged = trainer.stage(
        { inputs: h.inputs, targets: h.targets },
        { training: true, stateful: true, lossFrom: w.start - h.start },
      );
      const loss = trainer.update(staged);
      // The next window's history starts k1 − k2 rows before it: carry the state of that row.
      const next = windows[b + 1];
      if (next) (trainer.model as SequenceModel).keepState(next.history.start - h.start);
      return { loss, counted: trainer.loss.count, tokens: w.steps * staged.B };
    },
    validate: () => (val ? evaluateStream(trainer, val) : undefined),
  };
}

export function isStream(data: unknown): data is TbpttStream {
  const s = data as TbpttStream | null;
  if (typeof s !== 'object' || s === null || typeof (s as { k1?: unknown }).k1 !== 'number') return false;
  if (typeof s[Symbol.iterator] !== 'function')
    throw new ShapeError('data looks like a stream but is not iterable');
  return true;
}
