// fit({ validationSplit }) as in Keras: the LAST fraction of the samples, taken before any shuffling, is held
// out and evaluated after every epoch; the first part trains. Keras's own cut: the first
// floor(n · (1 − split)) samples train. It applies to samples (arrays, a Dataset, Seq2Seq pairs), not to a
// stream, whose windows carry state from one to the next.

import { type Dataset, makeDataset } from '../data/dataset.ts';
import type { TbpttStream } from '../data/stream.ts';
import { DataError, describe, ValueError } from '../errors.ts';
import type { PairData } from '../model/seq2seq-pairs.ts';
import type { FitData } from '../model/sequence-samples.ts';
import { isStream } from './stream-eval.ts';

type Samples = FitData | PairData;

/** `split` checked: a number strictly between 0 and 1. */
export function checkSplit(split: unknown): number | undefined {
  if (split === undefined) return undefined;
  if (typeof split !== 'number' || !(split > 0 && split < 1)) {
    throw new ValueError(
      `validationSplit must be a fraction strictly between 0 and 1 (e.g. 0.2) but got ${describe(split)}`,
    );
  }
  return split;
}

const isDataset = (d: unknown): d is Dataset =>
  typeof d === 'object' && d !== null && (d as Dataset).lengths instanceof Int32Array && 'maxLength' in d;

/** Samples [from, to) of `data`, of the same kind (a Dataset stays a Dataset; other fields are kept). */
function slice(data: Samples, from: number, to: number): Samples {
  if (isDataset(data)) {
    return makeDataset(data.inputs.slice(from, to), data.targets.slice(from, to), {
      features: data.features,
      targetFeatures: data.targetFeatures,
      targetsPer: data.targetsPer,
    });
  }
  return { ...data, inputs: data.inputs.slice(from, to), targets: data.targets.slice(from, to) };
}

/**
 * The training part and the held-out part of `data`. Refused with explicit `validation` data, on a stream, and
 * when either part would hold no sample.
 */
export function splitValidation(
  data: Samples | TbpttStream,
  split: number,
  validation: unknown,
): { train: Samples; validation: Samples } {
  if (validation !== undefined) {
    throw new ValueError(
      'validationSplit and validation were both given; pass one: the held-out fraction or the data itself',
    );
  }
  if (isStream(data)) {
    throw new ValueError(
      'validationSplit cannot apply to a stream (tbptt windows carry state from one to the next); pass validation: another stream',
    );
  }
  const n = (data as { inputs?: { length?: unknown } } | null)?.inputs?.length;
  if (typeof n !== 'number') {
    throw new ValueError(`validationSplit needs data with inputs (samples) but got ${describe(data)}`);
  }
  const cut = Math.floor(n * (1 - split));
  if (cut < 1 || cut >= n) {
    throw new DataError(
      `validationSplit ${split} of ${n} samples leaves ${cut} to train on and ${n - cut} to validate; each needs at least 1`,
    );
  }
  return { train: slice(data, 0, cut), validation: slice(data, cut, n) };
}
