// What the Forecaster feeds its network, prepared once: gaps filled (and optionally flagged by a mask channel),
// a chronological split, a scaler fitted on the training rows only, and windows whose values are taken relative
// to the window's last row when `target: 'change'` — a trending series then never leaves the range the network
// was trained on, and the forecast is "last value + predicted change", which can follow the trend past it.

import { asMatrix, type Matrix, type SeriesInput } from '../data/args.ts';
import { interpolateMissing } from '../data/missing.ts';
import { MinMaxScaler, type ScalerJSON, StandardScaler } from '../data/scalers.ts';
import { makeWindows } from '../data/series.ts';
import { type SplitRanges, type SplitSpec, splitRanges } from '../data/split.ts';
import { DataError, describe, ValueError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import type { WindowPredictor } from './multistep.ts';

export type ScalerKind = 'standard' | 'minmax';
export type TargetKind = 'change' | 'level';

export interface SeriesLayout {
  /** Columns of the series (F). */
  columns: number;
  targetColumns: number[];
  /** A mask channel per column (1 observed, 0 filled) follows the values in every input row. */
  mask: boolean;
  target: TargetKind;
  lookback: number;
  horizon: number;
}

/** The series as the model sees it: filled, scaled, with the mask columns appended. */
export interface PreparedSeries {
  /** Filled values in data units [rows, F]. */
  readonly filled: Matrix;
  /** 1 = observed, 0 = filled [rows·F]. */
  readonly observed: Float32Array;
  /** Model inputs [rows, F or 2F]. */
  readonly inputs: Matrix;
  readonly missing: number;
}

export function scalerFor(kind: ScalerKind): StandardScaler | MinMaxScaler {
  if (kind === 'standard') return new StandardScaler();
  if (kind === 'minmax') return new MinMaxScaler([-1, 1]);
  throw new ValueError(`scaler must be 'standard' or 'minmax' but got ${describe(kind)}`);
}

export function restoreScaler(json: ScalerJSON): StandardScaler | MinMaxScaler {
  return json?.kind === 'minmax' ? MinMaxScaler.fromJSON(json) : StandardScaler.fromJSON(json);
}

/** Column `c` of a row-major matrix, in float64: what the statistical models read. */
export function columnOf(
  m: { data: ArrayLike<number>; rows: number; cols: number },
  c: number,
): Float64Array {
  return Float64Array.from({ length: m.rows }, (_, r) => m.data[r * m.cols + c]);
}

/** Rows by split, checked to give the lookback and horizon room in train and test. */
export function splitSeries(rows: number, fractions: SplitSpec, layout: SeriesLayout): SplitRanges {
  const ranges = splitRanges(rows, fractions);
  const need = layout.lookback + layout.horizon;
  const train = ranges.train[1] - ranges.train[0];
  if (train < need + 1) {
    throw new DataError(
      `the series has ${rows} points, so its training split holds ${train}, but lookback ${layout.lookback} + ` +
        `horizon ${layout.horizon} needs more than ${need}; use a longer series or a shorter lookback`,
    );
  }
  return ranges;
}

/** Fills, scales (with a scaler already fitted) and appends the mask channel. */
export function prepareSeries(
  series: SeriesInput,
  scaler: StandardScaler | MinMaxScaler,
  layout: SeriesLayout,
): PreparedSeries {
  const m = asMatrix('series', series);
  if (m.cols !== layout.columns) {
    throw new DataError(`series has ${m.cols} columns but the forecaster was fitted on ${layout.columns}`);
  }
  const filled = interpolateMissing({ data: m.data, shape: [m.rows, m.cols] });
  const scaled = scaler.transform({ data: filled.values, shape: [m.rows, m.cols] }).data;
  const F = m.cols;
  const width = layout.mask ? 2 * F : F;
  const inputs = new Float32Array(m.rows * width);
  for (let r = 0; r < m.rows; r++) {
    inputs.set(scaled.subarray(r * F, (r + 1) * F), r * width);
    if (layout.mask) inputs.set(filled.mask.subarray(r * F, (r + 1) * F), r * width + F);
  }
  return {
    filled: { data: filled.values, rows: m.rows, cols: F },
    observed: filled.mask,
    inputs: { data: inputs, rows: m.rows, cols: width },
    missing: filled.missing,
  };
}

/** Training windows of rows [from, to): inputs [N, L, F'] and targets [N, H·Ft], relative when asked. */
export function trainingWindows(
  prepared: PreparedSeries,
  [from, to]: [number, number],
  layout: SeriesLayout,
): { inputs: Tensor<Float32Array>; targets: Tensor<Float32Array> } {
  const { data, cols } = prepared.inputs;
  const rows = { data: data.subarray(from * cols, to * cols), shape: [to - from, cols] };
  const w = makeWindows(rows, {
    lookback: layout.lookback,
    horizon: layout.horizon,
    targetColumns: layout.targetColumns,
  });
  const [n] = w.inputs.shape;
  if (layout.target === 'change') {
    for (let i = 0; i < n; i++) toChange(w.inputs.data, w.targets.data, i, layout);
  }
  return {
    inputs: w.inputs,
    targets: { data: w.targets.data, shape: [n, layout.horizon * layout.targetColumns.length] },
  };
}

/** Subtracts each window's last row from its value columns (and, for targets, from its target columns). */
function toChange(
  inputs: Float32Array,
  targets: Float32Array | undefined,
  i: number,
  layout: SeriesLayout,
): void {
  const F = layout.columns;
  const width = layout.mask ? 2 * F : F;
  const L = layout.lookback;
  const window = inputs.subarray(i * L * width, (i + 1) * L * width);
  const last = window.slice((L - 1) * width, (L - 1) * width + F);
  for (let t = 0; t < L; t++) for (let c = 0; c < F; c++) window[t * width + c] -= last[c];
  if (targets === undefined) return;
  const Ft = layout.targetColumns.length;
  const H = layout.horizon;
  for (let h = 0; h < H; h++) {
    for (let c = 0; c < Ft; c++) targets[(i * H + h) * Ft + c] -= last[layout.targetColumns[c]];
  }
}

/**
 * The network as a WindowPredictor in scaled level units: windows are made relative before the network sees
 * them and its changes are added back to the last row, so multi-step plumbing never knows about either.
 */
export function levelPredictor(
  layout: SeriesLayout,
  net: (windows: Tensor<Float32Array>) => Float32Array,
): WindowPredictor {
  const F = layout.columns;
  const width = layout.mask ? 2 * F : F;
  const Ft = layout.targetColumns.length;
  return {
    lookback: layout.lookback,
    features: width,
    horizon: layout.horizon,
    targets: Ft,
    predict(windows) {
      if (layout.target === 'level') return net(windows);
      const n = windows.shape[0];
      const rel = Float32Array.from(windows.data);
      for (let i = 0; i < n; i++) toChange(rel, undefined, i, layout);
      const out = net({ data: rel, shape: windows.shape });
      const L = layout.lookback;
      for (let i = 0; i < n; i++) {
        for (let h = 0; h < layout.horizon; h++) {
          for (let c = 0; c < Ft; c++) {
            out[(i * layout.horizon + h) * Ft + c] +=
              windows.data[(i * L + L - 1) * width + layout.targetColumns[c]];
          }
        }
      }
      return out;
    },
  };
}

/**
 * The input row fed back in recursive forecasting: each predicted value in its column, 'observed' in the mask
 * channel. Recursion needs every column predicted; otherwise the other columns' future is unknown (undefined).
 */
export function futureRowFor(
  layout: SeriesLayout,
): ((p: Float32Array, step: number, row: Float32Array) => void) | undefined {
  const F = layout.columns;
  const columns = layout.targetColumns;
  if (columns.length !== F || new Set(columns).size !== F) return undefined;
  return (p, _step, row) => {
    for (let c = 0; c < F; c++) row[columns[c]] = p[c];
    if (layout.mask) row.fill(1, F);
  };
}
