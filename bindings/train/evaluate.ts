// evaluate(): the loss over a whole dataset, in batches, without touching weights or optimizer state — the
// exact dataset mean (each batch weighted by what its loss counted), plus accuracy for classification.

import { positiveInt } from '../data/args.ts';
import { BatchBuffers, collate } from '../data/batch.ts';
import type { Dataset } from '../data/dataset.ts';
import { checkDataset, type FitData, toDataset } from './fit-data.ts';
import type { Trainer } from './trainer.ts';

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
  trainer: Trainer,
  data: FitData,
  options: EvaluateOptions,
  name = 'data',
): Evaluation {
  const ds = toDataset(data, name, trainer.model);
  checkDataset(ds, name, trainer.model, trainer.loss);
  return evaluateChecked(trainer, ds, positiveInt('batchSize', options.batchSize ?? 64));
}

/** evaluate over a dataset already checked against the model. */
export function evaluateChecked(trainer: Trainer, ds: Dataset, batchSize: number): Evaluation {
  const buffers = new BatchBuffers(ds, Math.min(batchSize, ds.size));
  const order = Int32Array.from({ length: ds.size }, (_, i) => i);
  const classes = trainer.loss.config.classTargets;
  const sum = trainer.loss.config.reduction === 'sum';
  let total = 0;
  let counted = 0;
  let correct = 0;
  let judged = 0;
  for (let start = 0; start < ds.size; start += batchSize) {
    const batch = collate(ds, order.subarray(start, Math.min(start + batchSize, ds.size)), {}, buffers);
    const staged = trainer.stage(batch, { training: false });
    const model = trainer.model;
    model.forward();
    const value = trainer.loss.compute(model.output, 0);
    total += sum ? value : value * trainer.loss.count;
    counted += trainer.loss.count;
    if (classes) {
      const [c, n] = countCorrect(trainer, batch.targets.data as Int32Array, staged.rows, batch.mask);
      correct += c;
      judged += n;
    }
  }
  const loss = sum ? total : counted > 0 ? total / counted : 0;
  const result: Evaluation = { loss, samples: ds.size };
  if (classes) result.accuracy = judged > 0 ? correct / judged : 0;
  return result;
}

/** [correct argmax predictions, targets judged] over the rows of the last forward. */
function countCorrect(
  trainer: Trainer,
  targets: Int32Array,
  rows: number,
  mask: Float32Array,
): [number, number] {
  const model = trainer.model;
  const O = model.outputSize;
  const y = new Float32Array(model.rt.memory.buffer, model.output, rows * O);
  const ignore = trainer.loss.config.ignoreIndex;
  let correct = 0;
  let judged = 0;
  for (let r = 0; r < rows; r++) {
    if (targets[r] === ignore || (model.perStep && mask[r] === 0)) continue;
    judged++;
    let best = 0;
    for (let o = 1; o < O; o++) if (y[r * O + o] > y[r * O + best]) best = o;
    if (best === targets[r]) correct++;
  }
  return [correct, judged];
}
