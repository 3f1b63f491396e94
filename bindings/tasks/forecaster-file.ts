// A forecaster file's own state, checked before anything is built from it: a file is not trusted to hold what
// fit could have produced. A horizon of 1e9, a target column past the last, a scale of 1e300 or a NaN in the
// saved rows would load and then hang, print Infinity or crash a chart only when used; so would a network
// whose architecture is not the one fit builds for that state (a ShapeError at the first forecast). Here each
// is refused with the field named, inside loadTask's check of the extras: before the network is built.

import type { MinMaxScaler, ScalerJSON, StandardScaler } from '../data/scalers.ts';
import { type SplitSpec, splitRanges } from '../data/split.ts';
import { DataError, describe, FormatError } from '../errors.ts';
import type { ModelConfig } from '../model/sequence-config.ts';
import { type PreparedSeries, restoreScaler, type SeriesLayout } from './forecast-data.ts';
import { type EnsembleJSON, ForecastEnsemble } from './forecast-ensemble.ts';
import type { ForecastStrategy } from './multistep.ts';

export interface SavedState {
  layout: SeriesLayout;
  strategy: ForecastStrategy;
  season: number;
  scaler: ScalerJSON;
  split: SplitSpec;
  /** The last `lookback` rows of the fitted series (filled, data units) and their observed flags. */
  tail: number[];
  tailObserved: number[];
  /** The same rows as the network reads them (scaled, with the mask channel). */
  tailInputs: number[];
  /** Absent in files written before the ensemble: those forecast with the network alone. */
  ensemble?: EnsembleJSON;
  notes?: string[];
}

/** What a forecaster file holds, checked and rebuilt, ready for the network loaded beside it. */
export interface ForecasterFile {
  state: SavedState;
  scaler: StandardScaler | MinMaxScaler;
  /** The last `lookback` rows, as forecasts from the end of the fitted series read them. */
  tail: PreparedSeries;
  ensemble: ForecastEnsemble | undefined;
  notes: string[];
}

/** Leads each statistical member of a loaded ensemble must forecast finite values for (forecast-ensemble.ts). */
const CHECKED_STEPS = 16;

/** `extra` of a forecaster file against its network's `config`: loadTask's check, run before the network is built. */
export function readForecasterFile(extra: Record<string, unknown>, config: ModelConfig): ForecasterFile {
  const state = checkSavedState(extra);
  checkNetwork(state, config);
  const { layout } = state;
  const rows = layout.lookback;
  const F = layout.columns;
  const tail: PreparedSeries = {
    filled: { data: Float32Array.from(state.tail), rows, cols: F },
    observed: Float32Array.from(state.tailObserved),
    inputs: { data: Float32Array.from(state.tailInputs), rows, cols: layout.mask ? 2 * F : F },
    missing: 0,
  };
  const ensemble =
    state.ensemble === undefined
      ? undefined
      : ForecastEnsemble.fromJSON(
          state.ensemble,
          layout.targetColumns.length,
          F,
          Math.min(layout.horizon, CHECKED_STEPS),
        );
  const notes = Array.isArray(state.notes) ? state.notes.filter((n) => typeof n === 'string') : [];
  return { state, scaler: restoreScaler(state.scaler), tail, ensemble, notes };
}

/** Bounds no fit produces past: columns, rows a forecast reads or predicts at once, a season. */
const LIMITS = { columns: 10_000, lookback: 1_000_000, horizon: 100_000, season: 100_000, magnitude: 1e30 };

/** `extra` as a SavedState, every field checked by type, range and agreement with the others. */
export function checkSavedState(extra: Record<string, unknown>): SavedState {
  const s = extra as unknown as SavedState;
  const layout = s.layout as Partial<SeriesLayout> | undefined;
  if (!layout || typeof layout !== 'object') refuse('layout', 'an object', layout);
  const columns = count('layout.columns', layout.columns, LIMITS.columns);
  const targets = layout.targetColumns;
  if (
    !Array.isArray(targets) ||
    targets.length === 0 ||
    !targets.every((c) => Number.isInteger(c) && c >= 0 && c < columns) ||
    new Set(targets).size !== targets.length
  ) {
    refuse('layout.targetColumns', `distinct column indices below ${columns}`, targets);
  }
  if (typeof layout.mask !== 'boolean') refuse('layout.mask', 'true or false', layout.mask);
  if (layout.target !== 'change' && layout.target !== 'level') {
    refuse('layout.target', "'change' or 'level'", layout.target);
  }
  const lookback = count('layout.lookback', layout.lookback, LIMITS.lookback);
  count('layout.horizon', layout.horizon, LIMITS.horizon);
  if (s.strategy !== 'recursive' && s.strategy !== 'direct') {
    refuse('strategy', "'recursive' or 'direct'", s.strategy);
  }
  // A recursive forecast feeds each prediction back as the next input row, so every column must be a target.
  if (s.strategy === 'recursive' && targets.length !== columns) {
    refuse('strategy', `'direct' when ${targets.length} of ${columns} columns are forecast`, s.strategy);
  }
  count('season', s.season, LIMITS.season);
  checkScaler(s.scaler, columns);
  try {
    splitRanges(Number.MAX_SAFE_INTEGER, s.split);
  } catch {
    refuse('split', 'fractions or row counts of a chronological split', s.split);
  }
  const width = layout.mask ? 2 * columns : columns;
  finiteRows('tail', s.tail, lookback * columns, 'lookback × columns');
  finiteRows('tailInputs', s.tailInputs, lookback * width, `lookback × ${width} network inputs`);
  finiteRows('tailObserved', s.tailObserved, lookback * columns, 'lookback × columns');
  if (!s.tailObserved.every((v) => v === 0 || v === 1)) {
    refuse('tailObserved', '0 (filled) or 1 (observed) flags', s.tailObserved);
  }
  if (s.notes !== undefined && !(Array.isArray(s.notes) && s.notes.length <= 100)) {
    refuse('notes', 'at most 100 lines of text', s.notes);
  }
  return s;
}

function checkScaler(scaler: ScalerJSON | undefined, columns: number): void {
  const offset = scaler?.offset;
  const scale = scaler?.scale;
  const bounded = (v: unknown) => typeof v === 'number' && Math.abs(v) <= LIMITS.magnitude;
  if (
    !Array.isArray(offset) ||
    !Array.isArray(scale) ||
    offset.length !== columns ||
    scale.length !== columns ||
    !offset.every(bounded) ||
    !scale.every((v) => bounded(v) && Math.abs(v) >= 1 / LIMITS.magnitude)
  ) {
    refuse(
      'scaler',
      `an offset and a scale per column (${columns}), each finite, |scale| in [1e-30, 1e30]`,
      scaler,
    );
  }
}

function count(field: string, value: unknown, max: number): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max)) {
    refuse(field, `an integer in 1..${max}`, value);
  }
  return value as number;
}

/** The saved rows are read as float32: a value past its range (1e308) would be read as ±Infinity. */
function finiteRows(field: string, values: unknown, length: number, shape: string): void {
  if (
    !Array.isArray(values) ||
    values.length !== length ||
    !values.every((v) => typeof v === 'number' && Number.isFinite(Math.fround(v)))
  ) {
    refuse(field, `${length} finite values (${shape}) in float32 range`, values);
  }
}

/**
 * The network a fit of this state builds, in the file's architecture: the saved rows' columns in (with the
 * mask channel), the last step's state pooled, horizon × targets out. A file that lost an option (pooling
 * deleted reads as 'none') would load and fail only at forecast with a ShapeError.
 */
export function checkNetwork(s: SavedState, config: ModelConfig): void {
  const { layout } = s;
  const width = layout.mask ? 2 * layout.columns : layout.columns;
  const input = config.options.input as Record<string, unknown>;
  if (config.input.kind !== 'features' || config.input.size !== width) {
    const why = layout.mask ? `layout.columns ${layout.columns} and their mask flags` : 'layout.columns';
    mismatch('input', `{ features: ${width} } (${why})`, input);
  }
  if (config.pooling !== 'last') mismatch('pooling', "'last'", config.options.pooling);
  const outputs = layout.horizon * layout.targetColumns.length;
  if (config.head.outputSize !== outputs) {
    mismatch(
      'head.outputSize',
      `${outputs} (layout.horizon ${layout.horizon} × ${layout.targetColumns.length} target columns)`,
      config.head.outputSize,
    );
  }
}

function mismatch(option: string, expected: string, got: unknown): never {
  throw new FormatError(
    `model file: a forecaster's network must have architecture.options.${option} ${expected} but has ${describe(got)}`,
  );
}

// Thrown inside loadTask's check of the extras, which names the file ("model file: …") and makes it a FormatError.
function refuse(field: string, expected: string, got: unknown): never {
  throw new DataError(`the forecaster's ${field} must be ${expected} but holds ${describe(got)}`);
}
