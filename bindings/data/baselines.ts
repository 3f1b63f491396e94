// Baseline forecasts every model must beat before its score means anything: naive (tomorrow = today) and
// seasonal naive (the same point of the last season). MASE is the model's error relative to these.

import { DataError, describe, ShapeError, ValueError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { positiveInt } from '../validate.ts';
import { asValues, checkLength } from './args.ts';
import { checkWindows, type Windows } from './series.ts';

/** `horizon` copies of the last value of `history`. */
export function naiveForecast(history: ArrayLike<number>, horizon: number): Float32Array {
  const y = asValues('history', history);
  const h = checkLength(positiveInt('horizon', horizon), 'horizon');
  if (y.length === 0) throw new DataError('naiveForecast needs at least one history value');
  return new Float32Array(h).fill(y[y.length - 1]);
}

/** ŷ_{n+h} = y_{n+h−m(⌊(h−1)/m⌋+1)}: the last observed season repeated. */
export function seasonalNaiveForecast(
  history: ArrayLike<number>,
  season: number,
  horizon: number,
): Float32Array {
  const y = asValues('history', history);
  const m = positiveInt('season', season);
  const h = checkLength(positiveInt('horizon', horizon), 'horizon');
  if (y.length < m)
    throw new DataError(`seasonalNaiveForecast needs ≥ season = ${m} history values but got ${y.length}`);
  const out = new Float32Array(h);
  for (let k = 0; k < h; k++) out[k] = y[y.length - m + (k % m)];
  return out;
}

export interface WindowBaselineOptions {
  method: 'naive' | 'seasonal';
  /** Season length in rows, for 'seasonal'; must be ≤ the lookback. */
  season?: number;
}

/** The baseline forecast of every window from its own lookback, shaped like `windows.targets` [N, horizon, Ft]. */
export function windowBaseline(windows: Windows, options: WindowBaselineOptions): Tensor<Float32Array> {
  const [n, lookback, F] = checkWindows(windows).inputs.shape;
  const [, horizon, Ft] = windows.targets.shape;
  if (windows.targetColumns.length !== Ft)
    throw new ShapeError('windows.targetColumns does not match its targets');
  const method = options?.method;
  if (method !== 'naive' && method !== 'seasonal') {
    throw new ValueError(`method must be 'naive' or 'seasonal' but got ${describe(method)}`);
  }
  const m = method === 'naive' ? 1 : positiveInt('season', options.season);
  if (m > lookback)
    throw new ValueError(`season ${m} is longer than the lookback ${lookback}; the window cannot see it`);
  const out = new Float32Array(n * horizon * Ft);
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < horizon; h++) {
      // Naive is the seasonal rule with m = 1: the row m − (h mod m) steps before the window's end.
      const row = lookback - m + (h % m);
      for (let c = 0; c < Ft; c++) {
        out[(i * horizon + h) * Ft + c] =
          windows.inputs.data[(i * lookback + row) * F + windows.targetColumns[c]];
      }
    }
  }
  return { data: out, shape: [n, horizon, Ft] };
}
