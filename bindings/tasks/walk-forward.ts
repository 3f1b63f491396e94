// Walk-forward (rolling-origin) evaluation: stand at origin o, forecast rows o..o+horizon−1 from rows before o
// only, score against what happened, move the origin on by `stride`, repeat to the end of the test rows. Every
// method sees the same origins, so their scores compare; the baselines come with it, because an error means
// little until it is set beside naive and seasonal-naive (MASE is exactly that ratio).

import { asMatrix, firstNonFinite, type Matrix, type SeriesInput } from '../data/args.ts';
import { mae, mape, mase, rmse } from '../data/metrics.ts';
import { DataError, describe, ShapeError, ValueError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { nonNegativeInt, positiveInt } from '../validate.ts';
import { forecastSteps, type MultiStepOptions, type WindowPredictor } from './multistep.ts';

/** A series in float64, rows × cols row-major: what methods read and what scores are computed in. */
export interface Matrix64 {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** walkForward's series: any series input, or float64 values (one column, or a tensor [N, F]). */
export type SeriesInput64 = SeriesInput | Float64Array | { data: Float64Array; shape: number[] };

/** What a method is asked: forecasts for every origin, from the rows before it. */
export interface ForecastRequest {
  /** In float64, so that baselines and scores are exact in the series' own units. */
  readonly series: Matrix64;
  /** Rows where each forecast starts [N]; the method may read only rows < origin. */
  readonly origins: Int32Array;
  readonly horizon: number;
  /** Series columns to forecast (Ft). */
  readonly targetColumns: readonly number[];
}

/** A forecaster under evaluation: returns [N, horizon, Ft] row-major, in the series' units. */
export type ForecastMethod = (request: ForecastRequest) => Float32Array | Float64Array;

export interface WalkForwardOptions {
  /** The first origin; rows before it are the history (and MASE's training series). */
  start: number;
  /** One past the last row to score (default: the whole series). */
  end?: number;
  horizon: number;
  /** Rows between origins (default: horizon, so every row is scored once). */
  stride?: number;
  /** Columns forecast (default: all). */
  targetColumns?: readonly number[];
  /** Season length for MASE (default 1: scaled by the naive forecast's in-sample error). */
  season?: number;
  /** [rows, cols], 1 = observed: rows filled in for missing values (0) are not scored against. */
  mask?: Float32Array;
  methods: Readonly<Record<string, ForecastMethod>>;
}

export interface ForecastScores {
  mae: number;
  rmse: number;
  /** Percent. */
  mape: number;
  mase: number;
  /** MAE at each lead 1..horizon: how error grows with distance. */
  maeByStep: Float64Array;
  /** Values scored (masked-out ones excluded). */
  count: number;
}

export interface WalkForwardResult {
  readonly origins: Int32Array;
  readonly horizon: number;
  readonly targetColumns: readonly number[];
  /** [N, horizon, Ft] */
  readonly actual: Float64Array;
  readonly forecasts: Readonly<Record<string, Float64Array>>;
  readonly scores: Readonly<Record<string, ForecastScores>>;
}

export function walkForward(series: SeriesInput64, options: WalkForwardOptions): WalkForwardResult {
  const m = asMatrix64('series', series);
  const bad = firstNonFinite(m.data);
  if (bad >= 0) {
    throw new DataError(
      `series holds ${m.data[bad]} at row ${Math.floor(bad / m.cols)}; fill missing values first (interpolateMissing) and pass its mask`,
    );
  }
  const start = positiveInt('start', options?.start);
  const end = nonNegativeInt('end', options.end ?? m.rows);
  const horizon = positiveInt('horizon', options.horizon);
  const stride = positiveInt('stride', options.stride ?? horizon);
  const season = positiveInt('season', options.season ?? 1);
  const columns = columnsOf(options.targetColumns, m.cols);
  if (end > m.rows) throw new ValueError(`end ${end} is past the series' ${m.rows} rows`);
  if (start + horizon > end) {
    throw new DataError(
      `walk-forward needs start ${start} + horizon ${horizon} ≤ end ${end}; the test rows are too few for one forecast`,
    );
  }
  if (options.mask !== undefined && options.mask.length !== m.rows * m.cols) {
    throw new ShapeError(
      `mask must hold rows·cols = ${m.rows * m.cols} values but holds ${options.mask.length}`,
    );
  }
  const methods = Object.entries(options.methods ?? {});
  if (methods.length === 0) throw new ValueError('methods must name at least one forecast method');
  const count = Math.floor((end - start - horizon) / stride) + 1;
  const origins = Int32Array.from({ length: count }, (_, i) => start + i * stride);
  const request: ForecastRequest = { series: m, origins, horizon, targetColumns: columns };
  const actual = gather(m, origins, horizon, columns);
  const weight = options.mask ? gather({ ...m, data: options.mask }, origins, horizon, columns) : undefined;
  const forecasts: Record<string, Float64Array> = {};
  const scores: Record<string, ForecastScores> = {};
  for (const [name, method] of methods) {
    if (typeof method !== 'function') throw new ValueError(`methods.${name} must be a function`);
    const returned = method(request);
    if (
      !(returned instanceof Float32Array || returned instanceof Float64Array) ||
      returned.length !== actual.length
    ) {
      throw new ShapeError(
        `method ${name} must return [${count}, ${horizon}, ${columns.length}] (${actual.length} floats) but returned ${describe(returned)}`,
      );
    }
    const f = returned instanceof Float64Array ? returned : Float64Array.from(returned);
    forecasts[name] = f;
    scores[name] = score(actual, f, weight, horizon, columns.length, training(m, start, columns), season);
  }
  return { origins, horizon, targetColumns: columns, actual, forecasts, scores };
}

/** Any series input as a float64 matrix: float64 values are kept as they are, float32 ones widened exactly. */
export function asMatrix64(name: string, series: SeriesInput64): Matrix64 {
  if (series instanceof Float64Array) return { data: series, rows: series.length, cols: 1 };
  const t = series as { data?: unknown; shape?: unknown };
  if (t && t.data instanceof Float64Array && Array.isArray(t.shape)) {
    const [rows, cols = 1] = t.shape as number[];
    if (t.shape.length <= 2 && rows * cols === t.data.length) return { data: t.data, rows, cols };
    throw new ShapeError(`${name} must be a tensor [N, F] but got shape [${t.shape.join(', ')}]`);
  }
  if (Array.isArray(series)) return { data: Float64Array.from(series), rows: series.length, cols: 1 };
  const m = asMatrix(name, series as SeriesInput);
  return { data: Float64Array.from(m.data), rows: m.rows, cols: m.cols };
}

function columnsOf(columns: readonly number[] | undefined, cols: number): number[] {
  if (columns === undefined) return Array.from({ length: cols }, (_, c) => c);
  if (
    !Array.isArray(columns) ||
    columns.length === 0 ||
    columns.some((c) => !(Number.isInteger(c) && c >= 0 && c < cols))
  ) {
    throw new ValueError(
      `targetColumns must be column indices in 0..${cols - 1} but got ${describe(columns)}`,
    );
  }
  return [...columns];
}

/** Rows o..o+horizon−1 of the chosen columns for each origin: [N, horizon, Ft]. */
function gather(
  m: { data: ArrayLike<number>; cols: number },
  origins: Int32Array,
  horizon: number,
  columns: readonly number[],
): Float64Array {
  const Ft = columns.length;
  const out = new Float64Array(origins.length * horizon * Ft);
  origins.forEach((o, i) => {
    for (let h = 0; h < horizon; h++) {
      for (let c = 0; c < Ft; c++) out[(i * horizon + h) * Ft + c] = m.data[(o + h) * m.cols + columns[c]];
    }
  });
  return out;
}

/** One array per target column of the rows before `start`: MASE's in-sample scale. */
function training(m: Matrix64, start: number, columns: readonly number[]): Float64Array[] {
  return columns.map((c) => Float64Array.from({ length: start }, (_, r) => m.data[r * m.cols + c]));
}

function score(
  actual: Float64Array,
  forecast: Float64Array,
  weight: Float64Array | undefined,
  horizon: number,
  Ft: number,
  train: Float64Array[],
  season: number,
): ForecastScores {
  const keep = (i: number) => weight === undefined || weight[i] > 0;
  const a: number[] = [];
  const p: number[] = [];
  const byColumn = train.map(() => ({ a: [] as number[], p: [] as number[] }));
  const sum = new Float64Array(horizon);
  const seen = new Float64Array(horizon);
  for (let i = 0; i < actual.length; i++) {
    if (!keep(i)) continue;
    a.push(actual[i]);
    p.push(forecast[i]);
    byColumn[i % Ft].a.push(actual[i]);
    byColumn[i % Ft].p.push(forecast[i]);
    const h = Math.floor(i / Ft) % horizon;
    sum[h] += Math.abs(actual[i] - forecast[i]);
    seen[h] += 1;
  }
  if (a.length === 0) throw new DataError('every scored value is masked out as missing; nothing to score');
  // MASE per column (each has its own scale), averaged: columns in different units must not mix.
  const scaled = byColumn.flatMap((c, j) => (c.a.length > 0 ? [mase(c.a, c.p, train[j], season)] : []));
  return {
    mae: mae(a, p),
    rmse: rmse(a, p),
    mape: mape(a, p),
    mase: scaled.reduce((s, v) => s + v, 0) / scaled.length,
    maeByStep: sum.map((s, h) => (seen[h] > 0 ? s / seen[h] : Number.NaN)),
    count: a.length,
  };
}

/** The naive method: every lead repeats the last row before the origin. */
export function naiveMethod(): ForecastMethod {
  return seasonalNaiveMethod(1);
}

/** The seasonal-naive method: lead h repeats the row one season (or more) before it. */
export function seasonalNaiveMethod(season: number): ForecastMethod {
  const s = positiveInt('season', season);
  return ({ series, origins, horizon, targetColumns }) => {
    const Ft = targetColumns.length;
    const out = new Float64Array(origins.length * horizon * Ft);
    origins.forEach((o, i) => {
      if (o < s) throw new DataError(`origin ${o} has fewer than season = ${s} rows of history`);
      for (let h = 0; h < horizon; h++) {
        const row = o - s + (h % s);
        for (let c = 0; c < Ft; c++) {
          out[(i * horizon + h) * Ft + c] = series.data[row * series.cols + targetColumns[c]];
        }
      }
    });
    return out;
  };
}

/** The `lookback` rows before each origin as model windows [N, lookback, cols] (float32, as models read them). */
export function contextWindows(
  series: Matrix | Matrix64,
  origins: Int32Array,
  lookback: number,
): Tensor<Float32Array> {
  const L = positiveInt('lookback', lookback);
  const F = series.cols;
  const out = new Float32Array(origins.length * L * F);
  origins.forEach((o, i) => {
    if (o < L) throw new DataError(`origin ${o} has fewer than lookback = ${L} rows of history`);
    out.set(series.data.subarray((o - L) * F, o * F), i * L * F);
  });
  return { data: out, shape: [origins.length, L, F] };
}

/** A model as a method: windows before each origin, then `forecastSteps` (series and model in the same units). */
export function predictorMethod(model: WindowPredictor, options: MultiStepOptions = {}): ForecastMethod {
  return ({ series, origins, horizon }) =>
    forecastSteps(model, contextWindows(series, origins, model.lookback), horizon, options).data;
}
