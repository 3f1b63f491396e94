// A forecaster file's own state, checked before anything is built from it: a file is not trusted to hold what
// fit could have produced. A horizon of 1e9, a target column past the last, a scale of 1e300 or a NaN in the
// saved rows would load and then hang, print Infinity or crash a chart only when used; here each is refused
// with the field named.

import type { ScalerJSON } from '../data/scalers.ts';
import { type SplitSpec, splitRanges } from '../data/split.ts';
import { DataError, describe } from '../errors.ts';
import type { SeriesLayout } from './forecast-data.ts';
import type { EnsembleJSON } from './forecast-ensemble.ts';
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
  count('season', s.season, LIMITS.season);
  checkScaler(s.scaler, columns);
  try {
    splitRanges(Number.MAX_SAFE_INTEGER, s.split);
  } catch {
    refuse('split', 'fractions or row counts of a chronological split', s.split);
  }
  const width = layout.mask ? 2 * columns : columns;
  finiteRows('tail', s.tail, lookback * columns);
  finiteRows('tailInputs', s.tailInputs, lookback * width);
  finiteRows('tailObserved', s.tailObserved, lookback * columns);
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

function finiteRows(field: string, values: unknown, length: number): void {
  if (!Array.isArray(values) || values.length !== length || !values.every((v) => Number.isFinite(v))) {
    refuse(field, `${length} finite values (lookback × columns)`, values);
  }
}

function refuse(field: string, expected: string, got: unknown): never {
  throw new DataError(`model file: the forecaster's ${field} must be ${expected} but holds ${describe(got)}`);
}
