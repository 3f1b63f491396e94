// Forecast error metrics (Hyndman & Koehler 2006 for the definitions). Inputs are any numeric arrays of the
// same length, e.g. a forecast's targets and predictions; NaN or ±Inf is an error naming its index, because
// one NaN would otherwise turn the whole score into NaN with no clue where it came from.

import { DataError, ShapeError, ValueError } from '../errors.ts';
import { positiveInt } from '../validate.ts';
import { asValues, finiteValues } from './args.ts';

type Values = ArrayLike<number> | { data: ArrayLike<number> };

function pair(actual: Values, predicted: Values): [ArrayLike<number>, ArrayLike<number>] {
  const a = finiteValues('actual', asValues('actual', actual));
  const p = finiteValues('predicted', asValues('predicted', predicted));
  if (a.length !== p.length) {
    throw new ShapeError(
      `actual and predicted must have the same length but got ${a.length} and ${p.length}`,
    );
  }
  if (a.length === 0) throw new ShapeError('actual and predicted are empty');
  return [a, p];
}

/** Mean absolute error. */
export function mae(actual: Values, predicted: Values): number {
  const [a, p] = pair(actual, predicted);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - p[i]);
  return s / a.length;
}

/** Root mean squared error. */
export function rmse(actual: Values, predicted: Values): number {
  const [a, p] = pair(actual, predicted);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - p[i]) ** 2;
  return Math.sqrt(s / a.length);
}

/**
 * Mean absolute percentage error, in percent: mean of 100·|a − p| / |a|. Points whose actual is 0 have no
 * percentage error and are skipped (the mean is over the rest); if every actual is 0 it is undefined.
 */
export function mape(actual: Values, predicted: Values): number {
  const [a, p] = pair(actual, predicted);
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 0) continue;
    s += Math.abs((a[i] - p[i]) / a[i]);
    n++;
  }
  if (n === 0) throw new DataError('MAPE is undefined: every actual value is 0');
  return (100 * s) / n;
}

/**
 * Mean absolute scaled error: the forecast's MAE divided by the in-sample MAE of the seasonal-naive forecast
 * (ŷ_t = y_{t−m}) on the training series. Below 1 beats that naive forecast; the seasonal-naive forecast of
 * the training series itself scores exactly 1. season m = 1 is the plain naive (random-walk) forecast.
 */
export function mase(actual: Values, predicted: Values, training: Values, season = 1): number {
  const m = positiveInt('season', season);
  const y = finiteValues('training', asValues('training', training));
  if (y.length <= m) {
    throw new DataError(`MASE needs more than season = ${m} training values but got ${y.length}`);
  }
  let s = 0;
  for (let t = m; t < y.length; t++) s += Math.abs(y[t] - y[t - m]);
  const scale = s / (y.length - m);
  if (scale === 0) {
    throw new ValueError(
      `MASE is undefined: the training series repeats with period ${m}, so its naive MAE is 0`,
    );
  }
  return mae(actual, predicted) / scale;
}
