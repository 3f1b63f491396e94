// Scores of a classifier from its labels: accuracy and the confusion matrix (rows = true class, columns =
// predicted class, as scikit-learn's confusion_matrix), with per-class precision, recall and F1 read off it.

import { describe, ShapeError, ValueError } from '../errors.ts';
import { positiveInt } from '../validate.ts';

export interface ConfusionMatrix {
  /** [K, K] row-major: counts[t·K + p] = samples of true class t predicted as p. */
  readonly counts: Int32Array;
  readonly classes: number;
  /** Per class: of those predicted k, the share truly k (NaN when none is predicted k). */
  readonly precision: Float64Array;
  /** Per class: of those truly k, the share predicted k (NaN when no sample is k). */
  readonly recall: Float64Array;
  /** Harmonic mean of precision and recall per class. */
  readonly f1: Float64Array;
  readonly accuracy: number;
}

function labels(name: string, values: ArrayLike<number>, classes: number): ArrayLike<number> {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) {
    throw new ShapeError(`${name} must be an array of class ids but got ${describe(values)}`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(Number.isInteger(v) && v >= 0 && v < classes)) {
      throw new ValueError(`${name}[${i}] = ${v} is not a class id in 0..${classes - 1}`);
    }
  }
  return values;
}

function pair(actual: ArrayLike<number>, predicted: ArrayLike<number>, classes: number) {
  const a = labels('actual', actual, classes);
  const p = labels('predicted', predicted, classes);
  if (a.length !== p.length) {
    throw new ShapeError(
      `actual and predicted must have the same length but got ${a.length} and ${p.length}`,
    );
  }
  if (a.length === 0) throw new ShapeError('actual and predicted are empty');
  return [a, p] as const;
}

/** Share of samples whose predicted class is the true one. */
export function accuracy(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const [a, p] = pair(actual, predicted, Number.MAX_SAFE_INTEGER);
  let right = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === p[i]) right++;
  return right / a.length;
}

export function confusionMatrix(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: number,
): ConfusionMatrix {
  const K = positiveInt('classes', classes);
  const [a, p] = pair(actual, predicted, K);
  const counts = new Int32Array(K * K);
  for (let i = 0; i < a.length; i++) counts[a[i] * K + p[i]]++;
  const precision = new Float64Array(K);
  const recall = new Float64Array(K);
  const f1 = new Float64Array(K);
  let right = 0;
  for (let k = 0; k < K; k++) {
    let predictedK = 0;
    let trueK = 0;
    for (let j = 0; j < K; j++) {
      predictedK += counts[j * K + k];
      trueK += counts[k * K + j];
    }
    const hit = counts[k * K + k];
    right += hit;
    precision[k] = predictedK > 0 ? hit / predictedK : Number.NaN;
    recall[k] = trueK > 0 ? hit / trueK : Number.NaN;
    f1[k] =
      hit > 0
        ? (2 * precision[k] * recall[k]) / (precision[k] + recall[k])
        : predictedK + trueK > 0
          ? 0
          : Number.NaN;
  }
  return { counts, classes: K, precision, recall, f1, accuracy: right / a.length };
}
