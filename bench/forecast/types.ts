// The shapes the forecasting bench passes between its files: one place, so run, table and JSON agree.

/** One row of anchors.R's configuration. */
export interface SeriesConfig {
  name: string;
  file: string;
  column: string;
  /** Season length in rows (1 = none). */
  m: number;
  /** Forecast horizon of the rolling evaluation. */
  H: number;
  /** AR order of the anchors; also the margin the imputation masks keep clear of. */
  L: number;
}

/** A series loaded for scoring: float64 for the truth, float32 for the forecaster, split as anchors.R splits. */
export interface LoadedSeries {
  cfg: SeriesConfig;
  y: Float64Array;
  y32: Float32Array;
  N: number;
  /** Rows before the test part (train + validation); test rows are o..N-1. */
  o: number;
}

export interface CoverageCount {
  level: number;
  inside: number;
  total: number;
}

export interface SeedResult {
  seed: number;
  fitSeconds: number;
  oneStep: number;
  rolling: number;
  method: string;
  /** Undefined while the forecaster has no prediction intervals. */
  coverage?: CoverageCount[];
  /** What forecastFrom with levels threw, if it did. */
  coverageError?: string;
}

export interface SeriesResult {
  name: string;
  N: number;
  m: number;
  H: number;
  o: number;
  seeds: SeedResult[];
  /** Means over the seeds. */
  oneStep: number;
  rolling: number;
  fitSeconds: number;
  fitSecondsMax: number;
}

/** An anchor's MAE on one series (from anchors.csv). */
export interface AnchorScore {
  oneStep: number;
  rolling: number;
}

export type AnchorName = 'naive' | 'snaive' | 'AR' | 'auto.arima' | 'ets';

export type SeriesAnchors = Partial<Record<AnchorName, AnchorScore>>;
