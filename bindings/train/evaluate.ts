// evaluate(): the loss over a whole dataset (or a Seq2Seq's pairs), in batches, without touching weights or
// optimizer state — the exact dataset mean (each batch weighted by what its loss counted), plus accuracy for
// classification (argmax against every counted target; teacher-forced for a Seq2Seq).

import type { PairData } from '../model/seq2seq-pairs.ts';
import type { FitData } from '../model/sequence-samples.ts';
import type { SampleSet, TrainBatch } from '../model/trainable.ts';
import { positiveInt } from '../validate.ts';
import type { BatchStager } from './training-run.ts';

export interface EvaluateOptions {
  /** Default 64. */
  batchSize?: number;
}

export interface Evaluation {
  loss: number;
  /** Correct argmax predictions / counted targets (cross-entropy only). */
  accuracy?: number;
  samples: number;
}

export function evaluateDataset(
  trainer: BatchStager,
  data: FitData | PairData,
  options: EvaluateOptions,
  name = 'data',
): Evaluation {
  const batchSize = positiveInt('batchSize', options.batchSize ?? 64);
  return evaluateSamples(trainer, trainer.model.samples(data, name, trainer.loss), batchSize);
}

/** evaluate over samples already checked against the model. */
export function evaluateSamples(trainer: BatchStager, samples: SampleSet, batchSize: number): Evaluation {
  const batchOf = samples.batcher(Math.min(batchSize, samples.size));
  const order = Int32Array.from({ length: samples.size }, (_, i) => i);
  return evaluateBatches(trainer, samples.size, batchSize, (start, end) =>
    batchOf(order.subarray(start, end)),
  );
}

function evaluateBatches(
  trainer: BatchStager,
  size: number,
  batchSize: number,
  batchOf: (start: number, end: number) => TrainBatch,
): Evaluation {
  const classes = trainer.loss.config.classTargets;
  const sum = trainer.loss.config.reduction === 'sum';
  let total = 0;
  let counted = 0;
  let correct = 0;
  let judged = 0;
  for (let start = 0; start < size; start += batchSize) {
    const batch = batchOf(start, Math.min(start + batchSize, size));
    const staged = trainer.stage(batch, { training: false });
    const model = trainer.model;
    model.forward();
    const value = trainer.loss.value(model.output);
    total += sum ? value : value * trainer.loss.count;
    counted += trainer.loss.count;
    if (classes) {
      const [c, n] = countCorrect(trainer, batch, staged.rows, staged.B);
      correct += c;
      judged += n;
    }
  }
  const loss = sum ? total : counted > 0 ? total / counted : 0;
  const result: Evaluation = { loss, samples: size };
  if (classes) result.accuracy = judged > 0 ? correct / judged : 0;
  return result;
}

/** [correct argmax predictions, targets judged] over the rows of the last forward. */
function countCorrect(trainer: BatchStager, batch: TrainBatch, rows: number, B: number): [number, number] {
  const model = trainer.model;
  const targets = batch.targets.data as Int32Array;
  const O = model.outputSize;
  const y = model.rt.arena.f32At(model.output, rows * O);
  const ignore = trainer.loss.config.ignoreIndex;
  // Padded steps do not count: the batch's mask, or its (target) lengths.
  const lengths = batch.targetLengths ?? batch.lengths;
  const real = (r: number) =>
    !model.perStep ||
    (batch.mask ? batch.mask[r] !== 0 : lengths ? Math.floor(r / B) < lengths[r % B] : true);
  let correct = 0;
  let judged = 0;
  for (let r = 0; r < rows; r++) {
    if (targets[r] === ignore || !real(r)) continue;
    judged++;
    let best = 0;
    for (let o = 1; o < O; o++) if (y[r * O + o] > y[r * O + best]) best = o;
    if (best === targets[r]) correct++;
  }
  return [correct, judged];
}
