// What a Forecaster is asked and what it answers: the options of fit, forecast and evaluate, and the shapes of
// their results. Types only, so that the CLI and the demo can name them without the class.

import type { SeriesInput } from '../data/args.ts';
import type { SplitSpec } from '../data/split.ts';
import type { ScalerKind, TargetKind } from './forecast-data.ts';
import type { ForecastStrategy } from './multistep.ts';
import type { BudgetOptions, NetworkOptions } from './training.ts';
import type { WalkForwardResult } from './walk-forward.ts';

export interface ForecasterOptions extends NetworkOptions, BudgetOptions {
  /** Past rows each forecast reads (default 2 seasons, at least 24). */
  lookback?: number;
  /** Rows the network predicts at once (default 1; with 'direct', the longest forecast). */
  horizon?: number;
  /** Default: 'direct' when horizon > 1, else 'recursive'. */
  strategy?: ForecastStrategy;
  /**
   * Season length in rows (e.g. 52 for weekly data with a yearly cycle): seasonal models, seasonal naive, MASE.
   * Default: detected from the autocorrelation of the first target column (1 when there is no clear peak).
   */
  season?: number;
  /**
   * In time order, as fractions or row counts ({ trainRows, validationRows, testRows }). Default { train: 0.75,
   * validation: 0.25, test: 0 }: every row is used for fitting, as R's ets(y) does; give a test fraction (or
   * testRows) to hold rows out for evaluate().
   */
  split?: SplitSpec;
  /**
   * 'auto' (default): the network and statistical members compete on the validation rows and the mean of the
   * winners forecasts; 'network': the network alone (the behaviour before the ensemble).
   */
  method?: ForecastMethodChoice;
  /** Fitted on the training rows only (default 'standard'). */
  scaler?: ScalerKind;
  /** 'change' (default): predict changes from the last row, which extrapolates trends; 'level': raw values. */
  target?: TargetKind;
  /** Add a 0/1 observed flag per column to the inputs, so the network can discount filled gaps. */
  mask?: boolean;
  /** Columns to forecast (default all). */
  targetColumns?: number[];
  /**
   * The columns not forecast: 'past' (default), the network reads their history; 'known', their values are
   * known in advance (a price list, the date a law takes effect), a regression on them goes under the
   * statistical members, and forecasts need their future values (`forecast(steps, { future })`).
   */
  covariates?: 'past' | 'known';
  /** Adam's learning rate (default 3e-3). */
  lr?: number;
  /** Global gradient-norm clip (default 1); false trains without clipping. */
  clip?: number | false;
}

export type ForecastMethodChoice = 'auto' | 'network';

export interface ForecastEvaluateOptions {
  /** Rows ahead of each forecast origin (default: the direct horizon, else one season). */
  horizon?: number;
  /** Rows between origins (default: horizon). */
  stride?: number;
  /** The first origin row (default: the first test row of the split). */
  start?: number;
  /** Interval levels whose coverage is reported (default [80, 95]). */
  levels?: number[];
}

/** Walk-forward scores, and the share of values inside the model's intervals per level (when it has them). */
export interface ForecastEvaluation extends WalkForwardResult {
  readonly coverage?: Readonly<Record<number, number>>;
}

export interface IntervalOptions {
  /** Coverage levels in percent, each in (0, 100), e.g. [80, 95]. */
  level: number[];
  /** With covariates: 'known': the inputs' values in the forecast rows [steps, inputs] (or one per step). */
  future?: SeriesInput;
}

export interface ForecastOptions {
  /** With covariates: 'known': the inputs' values in the forecast rows [steps, inputs] (or one per step). */
  future?: SeriesInput;
}

/** Point forecasts with lower and upper bounds per level, each [steps · targets] like the mean. */
export interface ForecastWithIntervals {
  mean: Float32Array;
  intervals: { level: number; lower: Float32Array; upper: Float32Array }[];
}
