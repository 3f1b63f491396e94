// Anomaly scores from forecast error: a point the model could not see coming is unusual. The score is the
// error's distance from the typical error in robust standard deviations, (e − median) / (1.4826·MAD): the median
// and MAD are barely moved by the anomalies themselves, where a mean and std would be pulled towards them and
// hide the very points they should flag. 1.4826·MAD equals the std for normally distributed errors, so the
// default threshold 3 is the familiar three-sigma rule.

import { asValues, finiteValues } from '../data/args.ts';
import { DataError, ShapeError, ValueError } from '../errors.ts';
import { finiteNumber } from '../validate.ts';

const MISSING_HINT = 'fill missing values first and pass a mask';

export interface AnomalyOptions {
  /**
   * Errors (actual − predicted) that define normal, e.g. one-step errors on the validation split; default: the
   * errors being scored. Scoring against a clean reference keeps a long anomaly from widening its own yardstick.
   */
  reference?: ArrayLike<number>;
  /** |score| above this is an anomaly (default 3). */
  threshold?: number;
  /** 1 = observed, 0 = a filled-in missing value: such points score 0 and never define normal. */
  mask?: ArrayLike<number>;
}

export interface AnomalyScores {
  /** Signed, in robust standard deviations: > 0 when the actual came out above the forecast. */
  readonly scores: Float32Array;
  /** Indices whose |score| exceeds the threshold, in order. */
  readonly anomalies: Int32Array;
  /** Median and robust std of the reference errors. */
  readonly center: number;
  readonly scale: number;
  readonly threshold: number;
}

const MAD_TO_STD = 1.4826;

export function anomalyScores(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  options: AnomalyOptions = {},
): AnomalyScores {
  const a = finiteValues('actual', asValues('actual', actual), MISSING_HINT);
  const p = finiteValues('predicted', asValues('predicted', predicted));
  if (a.length !== p.length) {
    throw new ShapeError(
      `actual and predicted must have the same length but got ${a.length} and ${p.length}`,
    );
  }
  if (a.length === 0) throw new ShapeError('actual and predicted are empty');
  const threshold = finiteNumber('threshold', options.threshold ?? 3);
  if (threshold <= 0) throw new ValueError(`threshold must be > 0 but got ${threshold}`);
  const mask = options.mask === undefined ? undefined : asValues('mask', options.mask);
  if (mask !== undefined && mask.length !== a.length) {
    throw new ShapeError(`mask must have the length of actual (${a.length}) but has ${mask.length}`);
  }
  const observed = (i: number) => mask === undefined || mask[i] > 0;
  const errors = Float64Array.from({ length: a.length }, (_, i) => a[i] - p[i]);
  const reference =
    options.reference === undefined
      ? errors.filter((_, i) => observed(i))
      : Float64Array.from(finiteValues('reference', asValues('reference', options.reference)));
  if (reference.length === 0) throw new DataError('no observed error to define normal from');
  const { center, scale } = robustSpread(reference);
  const scores = new Float32Array(a.length);
  const anomalies: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (!observed(i)) continue;
    scores[i] = (errors[i] - center) / scale;
    if (Math.abs(scores[i]) > threshold) anomalies.push(i);
  }
  return { scores, anomalies: Int32Array.from(anomalies), center, scale, threshold };
}

/** Median and 1.4826·MAD; a spread of 0 (over half the errors equal) falls back to the mean absolute deviation. */
function robustSpread(errors: Float64Array): { center: number; scale: number } {
  const center = median(errors);
  const deviations = errors.map((e) => Math.abs(e - center));
  let scale = MAD_TO_STD * median(deviations);
  // √(π/2)·mean|e − median| is the std for normal errors, and is 0 only if every error is the same.
  if (scale === 0)
    scale = Math.sqrt(Math.PI / 2) * (deviations.reduce((s, d) => s + d, 0) / deviations.length);
  if (scale === 0) {
    throw new DataError(
      'every reference error is the same, so there is no spread to measure anomalies against',
    );
  }
  return { center, scale };
}

function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
