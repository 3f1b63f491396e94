// Where fit()'s batches come from. Samples (a dataset, a Seq2Seq's pairs): shuffled batches, each epoch's order
// a function of (seed, epoch) alone, so a run resumed mid-epoch from a checkpoint sees the very same batches. A
// stream: truncated BPTT over consecutive windows of a TbpttStream, the state carried (detached) from window to
// window, reset each epoch.

import type { TbpttStream } from '../data/stream.ts';
import { ValueError } from '../errors.ts';
import type { SampleSet } from '../model/trainable.ts';
import { Random } from '../random.ts';
import { deriveSeed } from '../seed.ts';
import { type Evaluation, evaluateSamples } from './evaluate.ts';
import { checkStream, evaluateStream } from './stream-eval.ts';
import type { TrainingRun } from './training-run.ts';

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

/** Shuffled batches of `samples`, batchSize at a time; validation over `val` after each epoch. */
export function samplesSource(
  trainer: TrainingRun,
  samples: SampleSet,
  val: SampleSet | undefined,
  o: Batching,
): EpochSource {
  const size = samples.size;
  const batches = o.dropLast ? Math.floor(size / o.batchSize) : Math.ceil(size / o.batchSize);
  if (batches === 0) {
    throw new ValueError(`dropLast with batchSize ${o.batchSize} leaves no batch of ${size} samples`);
  }
  const batchOf = samples.batcher(Math.min(o.batchSize, size));
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
    validate: () => (val ? evaluateSamples(trainer, val, o.batchSize) : undefined),
  };
}

export function streamSource(
  trainer: TrainingRun,
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
      if (next) trainer.model.keepState(next.history.start - h.start);
      return { loss, counted: trainer.loss.count, tokens: w.steps * staged.B };
    },
    validate: () => (val ? evaluateStream(trainer, val) : undefined),
  };
}
