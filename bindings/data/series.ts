// Sliding windows over a time series for forecasting: each window is `lookback` past rows as input and the
// next `horizon` rows (of the target columns) as the answer. Window i starts at row i·stride. The windows are
// batch-major [N, lookback, F] like Keras' timeseries_dataset_from_array; `windowDataset` turns them into a
// Dataset whose batches come out time-major.

import { DataError, describe, ShapeError, ValueError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { optionsObject, positiveInt } from '../validate.ts';
import { asMatrix, checkLength, requireFiniteMatrix, type SeriesInput } from './args.ts';
import { type Dataset, makeDataset } from './dataset.ts';

export interface WindowOptions {
  lookback: number;
  /** Rows to predict after each lookback (default 1). */
  horizon?: number;
  /** Rows between window starts (default 1). */
  stride?: number;
  /** Columns predicted (default: all columns). */
  targetColumns?: readonly number[];
}

export interface Windows {
  /** [N, lookback, F] */
  readonly inputs: Tensor<Float32Array>;
  /** [N, horizon, Ft] */
  readonly targets: Tensor<Float32Array>;
  /** Row of the series where each window's input starts [N]. */
  readonly starts: Int32Array;
  readonly lookback: number;
  readonly horizon: number;
  /** Series columns the targets come from. */
  readonly targetColumns: readonly number[];
}

/** Cuts `series` (a Float32Array/number[] or a tensor [rows, F]) into (lookback → horizon) windows. */
export function makeWindows(series: SeriesInput, options: WindowOptions): Windows {
  const m = asMatrix('series', series);
  optionsObject('makeWindows options ({ lookback, ... })', options, true, [
    'lookback',
    'horizon',
    'stride',
    'targetColumns',
  ]);
  const lookback = positiveInt('lookback', options.lookback);
  const horizon = positiveInt('horizon', options.horizon ?? 1);
  const stride = positiveInt('stride', options.stride ?? 1);
  const columns = targetColumns(options.targetColumns, m.cols);
  if (m.rows < lookback + horizon) {
    throw new DataError(
      `series has ${m.rows} points but lookback ${lookback} + horizon ${horizon} needs at least ${lookback + horizon}`,
    );
  }
  requireFiniteMatrix('series', m, 'fill missing values first (interpolateMissing)');
  const n = Math.floor((m.rows - lookback - horizon) / stride) + 1;
  const F = m.cols;
  const Ft = columns.length;
  checkLength(n * lookback * F, `${n} windows × lookback ${lookback}`);
  checkLength(n * horizon * Ft, `${n} windows × horizon ${horizon}`);
  const inputs = new Float32Array(n * lookback * F);
  const targets = new Float32Array(n * horizon * Ft);
  const starts = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = i * stride;
    starts[i] = s;
    // Input rows are contiguous in a row-major series: one copy per window.
    inputs.set(m.data.subarray(s * F, (s + lookback) * F), i * lookback * F);
    for (let h = 0; h < horizon; h++) {
      const row = (s + lookback + h) * F;
      for (let c = 0; c < Ft; c++) targets[(i * horizon + h) * Ft + c] = m.data[row + columns[c]];
    }
  }
  const windows: Windows = {
    inputs: { data: inputs, shape: [n, lookback, F] },
    targets: { data: targets, shape: [n, horizon, Ft] },
    starts,
    lookback,
    horizon,
    targetColumns: columns,
  };
  WINDOWS.add(windows);
  return windows;
}

/** Windows made by makeWindows; the functions over them trust its shapes and refuse any other object. */
const WINDOWS = new WeakSet<object>();

export function checkWindows(value: unknown): Windows {
  if (typeof value !== 'object' || value === null || !WINDOWS.has(value)) {
    throw new ValueError(`windows must come from makeWindows but got ${describe(value)}`);
  }
  return value as Windows;
}

function targetColumns(columns: readonly number[] | undefined, cols: number): number[] {
  if (columns === undefined) return Array.from({ length: cols }, (_, c) => c);
  if (!Array.isArray(columns) || columns.length === 0) {
    throw new ShapeError(`targetColumns must be a non-empty array of column indices`);
  }
  for (const c of columns) {
    if (!Number.isInteger(c) || c < 0 || c >= cols) {
      throw new ValueError(`targetColumns holds ${c} but the series has columns 0..${cols - 1}`);
    }
  }
  return [...columns];
}

/**
 * The windows as a many-to-one Dataset: each sample is `lookback` steps of F features, its target the
 * horizon·Ft values predicted from the last state. Samples are views into `windows`, not copies.
 */
export function windowDataset(windows: Windows): Dataset<Float32Array, Float32Array> {
  const [n, lookback, F] = checkWindows(windows).inputs.shape;
  const [, horizon, Ft] = windows.targets.shape;
  const xs: Float32Array[] = new Array(n);
  const ys: Float32Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = windows.inputs.data.subarray(i * lookback * F, (i + 1) * lookback * F);
    ys[i] = windows.targets.data.subarray(i * horizon * Ft, (i + 1) * horizon * Ft);
  }
  return makeDataset(xs, ys, { features: F, targetFeatures: horizon * Ft, targetsPer: 'sequence' });
}
