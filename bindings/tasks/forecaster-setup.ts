// The Forecaster's set-up steps, each a pure function of the series and the options: the season when none is
// given, the lookback a short series can hold, the network's training and early-stopping windows, the last rows
// a saved model forecasts from, and the float64 values scores are computed in.

import type { Matrix, SeriesInput } from '../data/args.ts';
import { makeDataset } from '../data/dataset.ts';
import { interpolateMissing } from '../data/missing.ts';
import { type SplitRanges, type SplitSpec, splitRanges } from '../data/split.ts';
import { columnOf, type PreparedSeries, type SeriesLayout, trainingWindows } from './forecast-data.ts';
import type { ForecastMethodChoice } from './forecaster-options.ts';
import { detectSeason } from './stats/season.ts';

/**
 * The series' values in float64 for scoring: a number[] keeps its own values (a Float32Array has only its own),
 * and missing values take the filled ones (they are masked out of the scores anyway).
 */
export function exactValues(series: SeriesInput, filled: Matrix): Float64Array {
  const out = Float64Array.from(filled.data);
  if (Array.isArray(series)) {
    series.forEach((v, i) => {
      if (typeof v === 'number' && Number.isFinite(v)) out[i] = v;
    });
  }
  return out;
}

/** The season read off the autocorrelation of a column (stats/season.ts), said in `notes` when one is found. */
export function seasonOf(m: Matrix, column: number, notes: string[]): number {
  if (!(Number.isInteger(column) && column >= 0 && column < m.cols)) return 1;
  const filled = interpolateMissing({ data: m.data, shape: [m.rows, m.cols] });
  const y = columnOf({ data: filled.values, rows: m.rows, cols: m.cols }, column);
  const season = detectSeason(y);
  if (season > 1) notes.push(`season ${season} detected from the autocorrelation (pass season to set it)`);
  return season;
}

/**
 * The default lookback: two seasons, at least 24 rows — or, when the training rows cannot hold that and the
 * horizon, as many as they can (said in `notes`), so that a short series still gets a forecaster.
 */
export function defaultLookback(
  rows: number,
  split: SplitSpec,
  season: number,
  horizon: number,
  notes: string[],
): number {
  const wanted = Math.max(24, 2 * season);
  const train = splitRanges(rows, split).train[1];
  const room = train - horizon - 1;
  if (room >= wanted || room < 2) return wanted;
  notes.push(
    `lookback ${room} instead of ${wanted}: the ${train} training rows hold no more with horizon ${horizon}`,
  );
  return room;
}

/**
 * The network's training and early-stopping windows. With method 'network' it stops on the validation rows.
 * With 'auto' those rows judge the network against the statistical members, so it must not have chosen its
 * weights on them too (its validation score would flatter it): it stops on the last fifth of the training rows
 * instead, and trains on the rest.
 */
export function networkData(
  prepared: PreparedSeries,
  ranges: SplitRanges,
  layout: SeriesLayout,
  method: ForecastMethodChoice,
) {
  const windows = ([from, to]: [number, number]) =>
    dataset(trainingWindows(prepared, [Math.max(0, from - layout.lookback), to], layout), layout);
  const [t0, t1] = ranges.train;
  const [v0, v1] = ranges.validation;
  if (method === 'network') {
    return {
      train: dataset(trainingWindows(prepared, [t0, t1], layout), layout),
      validation: v1 - v0 >= layout.horizon ? windows([v0, v1]) : undefined,
    };
  }
  const inner = t1 - Math.max(layout.horizon, Math.floor(0.2 * (t1 - t0)));
  if (inner - t0 < layout.lookback + layout.horizon + 1) {
    return { train: dataset(trainingWindows(prepared, [t0, t1], layout), layout), validation: undefined };
  }
  return {
    train: dataset(trainingWindows(prepared, [t0, inner], layout), layout),
    validation: windows([inner, t1]),
  };
}

function dataset(w: ReturnType<typeof trainingWindows>, layout: SeriesLayout) {
  const [n, L, F] = w.inputs.shape;
  const out = layout.horizon * layout.targetColumns.length;
  const inputs = Array.from({ length: n }, (_, i) => w.inputs.data.subarray(i * L * F, (i + 1) * L * F));
  const targets = Array.from({ length: n }, (_, i) => w.targets.data.subarray(i * out, (i + 1) * out));
  return makeDataset(inputs, targets, { features: F, targetFeatures: out, targetsPer: 'sequence' });
}

/** The last `rows` rows of a prepared series, as its own prepared series (what a saved model forecasts from). */
export function tailOf(p: PreparedSeries, rows: number): PreparedSeries {
  const F = p.filled.cols;
  const W = p.inputs.cols;
  const from = p.filled.rows - rows;
  return {
    filled: { data: p.filled.data.slice(from * F), rows, cols: F },
    observed: p.observed.slice(from * F),
    inputs: { data: p.inputs.data.slice(from * W), rows, cols: W },
    missing: 0,
  };
}
