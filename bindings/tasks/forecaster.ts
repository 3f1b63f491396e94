// The high-level forecaster: a series in (one or more columns, NaN for missing), a model out that forecasts any
// number of steps with prediction intervals, judges itself by walk-forward evaluation against naive and
// seasonal-naive, and saves with its scaler and the last rows it needs to forecast from. Underneath, by default
// (method 'auto'): a network (windows → LSTM/GRU → last state → Dense(horizon · targets), trained with MSE on
// the training rows) competes on the validation rows with statistical members (naive, seasonal naive, AR,
// exponential smoothing); the mean of the winners, refitted on every row, is the forecast (forecast-ensemble.ts).

import { asMatrix, type Matrix, positiveInt, requireFiniteMatrix, type SeriesInput } from '../data/args.ts';
import { makeDataset } from '../data/dataset.ts';
import { interpolateMissing } from '../data/missing.ts';
import type { ScalerJSON } from '../data/scalers.ts';
import { type SplitRanges, type SplitSpec, splitRanges } from '../data/split.ts';
import { DataError, describe, ShapeError, ValueError } from '../errors.ts';
import { SequenceModel } from '../model/sequence-model.ts';
import { optionsObject } from '../options.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../tensor.ts';
import { type AnomalyScores, anomalyScores } from './anomaly.ts';
import {
  futureRowFor,
  levelPredictor,
  type PreparedSeries,
  prepareSeries,
  restoreScaler,
  type ScalerKind,
  type SeriesLayout,
  scalerFor,
  splitSeries,
  type TargetKind,
  trainingWindows,
} from './forecast-data.ts';
import { type EnsembleJSON, ForecastEnsemble, type FutureInputs } from './forecast-ensemble.ts';
import { imputeGaps } from './impute.ts';
import { type ForecastStrategy, forecastSteps, type WindowPredictor } from './multistep.ts';
import { statisticalBaselines } from './statistical-baselines.ts';
import { detectSeason } from './stats/season.ts';
import {
  type BudgetOptions,
  type FitSummary,
  fitOnce,
  loadTask,
  type NetworkOptions,
  recurrentSpec,
  requireRuntime,
  saveTask,
} from './training.ts';
import {
  contextWindows,
  type ForecastMethod,
  naiveMethod,
  seasonalNaiveMethod,
  type WalkForwardResult,
  walkForward,
} from './walk-forward.ts';

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

interface SavedState {
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

const TASK = 'forecast';

export class Forecaster {
  readonly rt: Runtime;
  readonly model: SequenceModel;
  readonly layout: SeriesLayout;
  readonly strategy: ForecastStrategy;
  readonly season: number;
  readonly split: SplitSpec;
  readonly scaler: ReturnType<typeof scalerFor>;
  /** The fitted series and its split, while the forecaster that fitted it lives (not saved). */
  series: PreparedSeries | undefined;
  ranges: SplitRanges | undefined;
  summary: FitSummary | undefined;
  /** What fitting fell back to or left out, in words (a short series, no validation rows, …). */
  readonly notes: string[];
  #ensemble: ForecastEnsemble | undefined;
  /** The series fitted on, as given (number[] keeps float64 values for exact scores). */
  #fitted: SeriesInput | undefined;
  readonly #tail: PreparedSeries;
  readonly #predictor: WindowPredictor;

  private constructor(
    rt: Runtime,
    model: SequenceModel,
    state: Pick<SavedState, 'layout' | 'strategy' | 'season' | 'split'>,
    scaler: ReturnType<typeof scalerFor>,
    tail: PreparedSeries,
    ensemble: ForecastEnsemble | undefined,
    notes: string[],
  ) {
    this.rt = rt;
    this.model = model;
    this.layout = state.layout;
    this.strategy = state.strategy;
    this.season = state.season;
    this.split = state.split;
    this.scaler = scaler;
    this.#tail = tail;
    this.#ensemble = ensemble;
    this.notes = notes;
    this.#predictor = levelPredictor(this.layout, (w) => this.#net(w));
  }

  /** Fits a forecaster on `series` (Float32Array/number[] for one variable, a tensor [rows, F] for several). */
  static async fit(
    series: SeriesInput,
    options: ForecasterOptions & { runtime: Runtime },
  ): Promise<Forecaster> {
    const rt = requireRuntime(options);
    const m = asMatrix('series', series);
    const notes: string[] = [];
    const season =
      options.season === undefined
        ? seasonOf(m, options.targetColumns?.[0] ?? 0, notes)
        : positiveInt('season', options.season);
    const horizon = positiveInt('horizon', options.horizon ?? 1);
    const strategy = options.strategy ?? (horizon > 1 ? 'direct' : 'recursive');
    if (strategy !== 'direct' && strategy !== 'recursive') {
      throw new ValueError(`strategy must be 'recursive' or 'direct' but got ${describe(strategy)}`);
    }
    const target = options.target ?? 'change';
    if (target !== 'change' && target !== 'level') {
      throw new ValueError(`target must be 'change' or 'level' but got ${describe(target)}`);
    }
    const method = options.method ?? 'auto';
    const covariates = options.covariates ?? 'past';
    if (covariates !== 'past' && covariates !== 'known') {
      throw new ValueError(`covariates must be 'past' or 'known' but got ${describe(covariates)}`);
    }
    if (method !== 'auto' && method !== 'network') {
      throw new ValueError(`method must be 'auto' or 'network' but got ${describe(method)}`);
    }
    const split = options.split ?? { train: 0.75, validation: 0.25, test: 0 };
    const layout: SeriesLayout = {
      columns: m.cols,
      targetColumns: options.targetColumns ?? Array.from({ length: m.cols }, (_, c) => c),
      mask: options.mask ?? false,
      target,
      lookback:
        options.lookback === undefined
          ? defaultLookback(m.rows, split, season, horizon, notes)
          : positiveInt('lookback', options.lookback),
      horizon,
    };
    if (strategy === 'recursive' && futureRowFor(layout) === undefined) {
      throw new ValueError(
        `recursive forecasting feeds every column back, but only columns ${layout.targetColumns.join(', ')} of ${m.cols} are forecast; use strategy 'direct'`,
      );
    }
    const ranges = splitSeries(m.rows, split, layout);
    const scaler = scalerFor(options.scaler ?? 'standard').fit({
      data: m.data.subarray(0, ranges.train[1] * m.cols),
      shape: [ranges.train[1], m.cols],
    });
    const prepared = prepareSeries({ data: m.data, shape: [m.rows, m.cols] }, scaler, layout);
    const inputs = prepared.inputs.cols;
    const model = new SequenceModel(rt, {
      input: { features: inputs },
      recurrent: recurrentSpec(options, 32),
      pooling: 'last',
      head: { outputSize: horizon * layout.targetColumns.length },
      seed: options.seed ?? 0,
    });
    const f = new Forecaster(
      rt,
      model,
      { layout, strategy, season, split },
      scaler,
      tailOf(prepared, layout.lookback),
      undefined,
      notes,
    );
    f.series = prepared;
    f.ranges = ranges;
    f.#fitted = series;
    const { train, validation } = networkData(prepared, ranges, layout, method);
    const trainer = {
      loss: 'mse' as const,
      optimizer: { kind: 'adam' as const, lr: options.lr ?? 3e-3 },
      ...(options.clip === false ? {} : { clip: { norm: options.clip ?? 1 } }),
    };
    // Training length by validation unless the user sets it: up to 100 epochs, ended 10 epochs after the best.
    const chosenLength = options.steps === undefined && options.epochs === undefined;
    const budget = {
      ...options,
      ...(chosenLength ? { epochs: 100, patience: options.patience ?? 10 } : {}),
      batchSize: options.batchSize ?? 32,
    };
    try {
      f.summary = await fitOnce(model, trainer, train, validation, budget, layout.lookback);
      f.#ensemble = ForecastEnsemble.fit(
        {
          filled: prepared.filled,
          observed: prepared.observed,
          targetColumns: layout.targetColumns,
          trainEnd: ranges.train[1],
          fitEnd: ranges.validation[1],
          horizon,
          season,
          lags: Math.min(layout.lookback, season > 1 ? 2 * season : 10),
          network: (origins, steps) => f.#networkAt(prepared.inputs, origins, steps),
          statistical: method === 'auto',
          knownInputs:
            covariates === 'known'
              ? Array.from({ length: m.cols }, (_, c) => c).filter((c) => !layout.targetColumns.includes(c))
              : [],
        },
        notes,
      );
    } catch (error) {
      model.dispose();
      throw error;
    }
    return f;
  }

  /** What forecasts: the members averaged per target column, e.g. 'ets(A,A,M)+ar(24)' ('network' alone). */
  get method(): string {
    return this.#ensemble?.method ?? 'network';
  }

  /** The last `lookback` rows the next forecast starts from, filled, in data units [lookback · columns]. */
  lastRows(): Float32Array {
    return this.#tail.filled.data.slice();
  }

  /**
   * `steps` rows after the end of the fitted series: [steps · targets] in data units (row-major); with
   * `{ level: [80, 95] }`, the mean and the bounds of each level's prediction interval.
   */
  forecast(steps: number, options: IntervalOptions): ForecastWithIntervals;
  forecast(steps: number, options?: ForecastOptions): Float32Array;
  forecast(steps: number, options?: IntervalOptions | ForecastOptions): Float32Array | ForecastWithIntervals {
    positiveInt('steps', steps);
    const levels = this.#levels(options);
    const future = this.#future(options, steps);
    const mean = this.#forecastAt(undefined, Int32Array.of(this.#tail.inputs.rows), steps, future);
    return this.#withIntervals(mean, steps, levels);
  }

  /** `steps` rows after the end of `history` (at least lookback rows, same columns; NaN = missing). */
  forecastFrom(history: SeriesInput, steps: number, options: IntervalOptions): ForecastWithIntervals;
  forecastFrom(history: SeriesInput, steps: number, options?: ForecastOptions): Float32Array;
  forecastFrom(
    history: SeriesInput,
    steps: number,
    options?: IntervalOptions | ForecastOptions,
  ): Float32Array | ForecastWithIntervals {
    const m = asMatrix('history', history);
    positiveInt('steps', steps);
    const levels = this.#levels(options);
    const future = this.#future(options, steps);
    if (m.rows < this.layout.lookback) {
      throw new DataError(
        `history has ${m.rows} rows but the forecaster reads the last ${this.layout.lookback} (lookback)`,
      );
    }
    const prepared = prepareSeries({ data: m.data, shape: [m.rows, m.cols] }, this.scaler, this.layout);
    const mean = this.#forecastAt(prepared, Int32Array.of(m.rows), steps, future);
    return this.#withIntervals(mean, steps, levels);
  }

  /**
   * Walk-forward evaluation on the test split of the fitted series (or of `series`, split the same way), against
   * the classical methods: forecasts named model, naive, seasonalNaive (season > 1), ar and ets (fitted on the
   * rows before the first origin, where they can be), each scored by MAE, RMSE, MAPE, MASE. Filled-in missing
   * values are not scored. `stride: 1` puts an origin at every test row. With intervals, `coverage` gives the
   * share of scored values inside the model's 80 % and 95 % intervals (or the `levels` asked).
   */
  evaluate(options: ForecastEvaluateOptions = {}, series?: SeriesInput): ForecastEvaluation {
    const { prepared, ranges, exact } = this.#seriesFor(series);
    const horizon = positiveInt(
      'horizon',
      options.horizon ?? (this.strategy === 'direct' ? this.layout.horizon : Math.max(1, this.season)),
    );
    const [testStart, end] = ranges.test;
    const start = options.start === undefined ? testStart : positiveInt('start', options.start);
    if (options.start === undefined && end - testStart < horizon) {
      throw new DataError(
        `the split holds out ${end - testStart} test rows, fewer than horizon ${horizon}: fit with split ` +
          `{ train: 0.7, validation: 0.1, test: 0.2 } to hold rows out, or pass { start } and a longer series`,
      );
    }
    const methods: Record<string, ForecastMethod> = {
      model: ({ origins, horizon: h }) =>
        this.#forecastAt(prepared, origins, h, this.#inputsAfter(prepared, origins)),
      naive: naiveMethod(),
    };
    if (this.season > 1 && this.season <= start) methods.seasonalNaive = seasonalNaiveMethod(this.season);
    const series64 = { data: exact, rows: prepared.filled.rows, cols: prepared.filled.cols };
    Object.assign(methods, statisticalBaselines(series64, this.layout.targetColumns, start, this.season));
    const result = walkForward(
      { data: exact, shape: [series64.rows, series64.cols] },
      {
        start,
        end,
        horizon,
        stride: options.stride ?? horizon,
        season: this.season,
        targetColumns: this.layout.targetColumns,
        mask: prepared.observed,
        methods,
      },
    );
    const ensemble = this.#ensemble;
    if (ensemble === undefined || !ensemble.hasIntervals) return result;
    const levels = this.#levels({ level: options.levels ?? [80, 95] }) as number[];
    const weight = (i: number) => {
      const o = result.origins[Math.floor(i / (horizon * result.targetColumns.length))];
      const rest = i % (horizon * result.targetColumns.length);
      const row = o + Math.floor(rest / result.targetColumns.length);
      return prepared.observed[
        row * prepared.filled.cols + result.targetColumns[rest % result.targetColumns.length]
      ];
    };
    const coverage: Record<number, number> = {};
    for (const level of levels) {
      const { lower, upper } = ensemble.bounds(result.forecasts.model, horizon, level);
      let inside = 0;
      let scored = 0;
      result.actual.forEach((a, i) => {
        if (weight(i) === 0) return;
        scored++;
        if (a >= lower[i] && a <= upper[i]) inside++;
      });
      coverage[level] = inside / scored;
    }
    return { ...result, coverage };
  }

  /**
   * `values` (same columns as fitted, NaN = missing) with every gap of a forecast column filled by the model:
   * forecast forward from the rows before the gap and backward from the rows after it, blended across the gap
   * (impute.ts). Other columns are filled by linear interpolation. Returns [rows · columns] like the input.
   */
  impute(values: SeriesInput): Float32Array {
    const m = asMatrix('values', values);
    if (m.cols !== this.layout.columns) {
      throw new DataError(
        `values has ${m.cols} columns but the forecaster was fitted on ${this.layout.columns}`,
      );
    }
    const prepared = prepareSeries({ data: m.data, shape: [m.rows, m.cols] }, this.scaler, this.layout);
    const out = Float32Array.from(prepared.filled.data);
    const ensemble = this.#ensemble;
    if (ensemble === undefined) {
      throw new ValueError('this forecaster was saved before imputation existed; refit it to impute');
    }
    const Ft = this.layout.targetColumns.length;
    this.layout.targetColumns.forEach((c, j) => {
      const y = Float64Array.from({ length: m.rows }, (_, r) => m.data[r * m.cols + c]);
      const linear = Float64Array.from({ length: m.rows }, (_, r) => prepared.filled.data[r * m.cols + c]);
      const backward = ensemble.backward(j, linear.slice().reverse(), this.season);
      const forward = (history: Float64Array, steps: number) => {
        if (history.length < this.layout.lookback) return undefined;
        // A direct network alone cannot forecast a gap longer than its horizon: the backward side fills it.
        if (ensemble.networkOnly && this.strategy === 'direct' && steps > this.layout.horizon)
          return undefined;
        const origin = Int32Array.of(history.length);
        const f = this.#forecastAt(prepared, origin, steps, this.#inputsAfter(prepared, origin));
        return Float64Array.from({ length: steps }, (_, h) => f[h * Ft + j]);
      };
      const filled = imputeGaps(y, linear, forward, backward);
      for (let r = 0; r < m.rows; r++) out[r * m.cols + c] = filled[r];
    });
    return out;
  }

  /**
   * Anomaly scores of one-step-ahead forecast errors over the validation and test rows (first target column):
   * errors on the validation rows define normal, so an anomaly in the test rows cannot hide itself. Rows just
   * after an anomaly may score high too: their forecasts start from the anomalous value.
   */
  anomalies(
    options: { threshold?: number } = {},
    series?: SeriesInput,
  ): AnomalyScores & { rows: Int32Array } {
    const { prepared, ranges } = this.#seriesFor(series);
    const from = Math.max(ranges.validation[0], this.layout.lookback);
    const origins = Int32Array.from({ length: prepared.filled.rows - from }, (_, i) => from + i);
    const predicted = this.#forecastAt(prepared, origins, 1, this.#inputsAfter(prepared, origins));
    const Ft = this.layout.targetColumns.length;
    const c = this.layout.targetColumns[0];
    const F = prepared.filled.cols;
    const actual = Float32Array.from(origins, (o) => prepared.filled.data[o * F + c]);
    const first = Float32Array.from(origins, (_, i) => predicted[i * Ft]);
    const mask = Float32Array.from(origins, (o) => prepared.observed[o * F + c]);
    const validRows = Math.max(0, ranges.validation[1] - from);
    const reference =
      validRows >= 10
        ? Float32Array.from({ length: validRows }, (_, i) => actual[i] - first[i]).filter(
            (_, i) => mask[i] > 0,
          )
        : undefined;
    const scores = anomalyScores(actual, first, {
      ...options,
      mask,
      ...(reference && reference.length > 0 ? { reference } : {}),
    });
    return { ...scores, rows: origins };
  }

  save(): Uint8Array {
    const state: SavedState = {
      layout: this.layout,
      strategy: this.strategy,
      season: this.season,
      scaler: this.scaler.toJSON(),
      split: this.split,
      tail: [...this.#tail.filled.data],
      tailObserved: [...this.#tail.observed],
      tailInputs: [...this.#tail.inputs.data],
      ...(this.#ensemble ? { ensemble: this.#ensemble.toJSON() } : {}),
      notes: this.notes,
    };
    return saveTask(this.model, TASK, state as unknown as Record<string, unknown>);
  }

  static load(rt: Runtime, bytes: Uint8Array | ArrayBuffer): Forecaster {
    const { model, extra } = loadTask(rt, bytes, TASK, 'a forecasting model');
    try {
      const s = extra as unknown as SavedState;
      const scaler = restoreScaler(s.scaler);
      const rows = s.layout.lookback;
      const F = s.layout.columns;
      const W = s.layout.mask ? 2 * F : F;
      if (
        s.tail?.length !== rows * F ||
        s.tailInputs?.length !== rows * W ||
        s.tailObserved?.length !== rows * F
      ) {
        throw new DataError(`model file: the saved last rows do not match lookback ${rows} × ${F} columns`);
      }
      const tail: PreparedSeries = {
        filled: { data: Float32Array.from(s.tail), rows, cols: F },
        observed: Float32Array.from(s.tailObserved),
        inputs: { data: Float32Array.from(s.tailInputs), rows, cols: W },
        missing: 0,
      };
      const ensemble =
        s.ensemble === undefined
          ? undefined
          : ForecastEnsemble.fromJSON(s.ensemble, s.layout.targetColumns.length, s.layout.columns);
      const notes = Array.isArray(s.notes) ? s.notes.filter((n) => typeof n === 'string') : [];
      return new Forecaster(rt, model, s, scaler, tail, ensemble, notes);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }

  dispose(): void {
    this.model.dispose();
  }

  /** The series to evaluate on, prepared, split, and its values in float64 (exact for number[] input). */
  #seriesFor(series: SeriesInput | undefined): {
    prepared: PreparedSeries;
    ranges: SplitRanges;
    exact: Float64Array;
  } {
    if (series === undefined) {
      if (!this.series || !this.ranges || !this.#fitted) {
        throw new ValueError('this forecaster was loaded from a file; pass the series to evaluate it on');
      }
      return {
        prepared: this.series,
        ranges: this.ranges,
        exact: exactValues(this.#fitted, this.series.filled),
      };
    }
    const m = asMatrix('series', series);
    const prepared = prepareSeries({ data: m.data, shape: [m.rows, m.cols] }, this.scaler, this.layout);
    return {
      prepared,
      ranges: splitSeries(m.rows, this.split, this.layout),
      exact: exactValues(series, prepared.filled),
    };
  }

  /**
   * Forecasts [origins, steps, targets] from the rows before each origin of `prepared` (undefined: from the end
   * of the fitted series), by the ensemble when there is one, else by the network.
   */
  #forecastAt(
    prepared: PreparedSeries | undefined,
    origins: Int32Array,
    steps: number,
    future?: FutureInputs,
  ): Float64Array {
    const inputs = prepared?.inputs ?? this.#tail.inputs;
    const network = (n: number) => this.#networkAt(inputs, origins, n);
    if (this.#ensemble === undefined) return Float64Array.from(network(steps));
    const reach = this.strategy === 'direct' ? this.layout.horizon : Number.POSITIVE_INFINITY;
    return this.#ensemble.forecast(
      prepared?.filled,
      this.layout.targetColumns,
      origins,
      steps,
      network,
      reach,
      future,
    );
  }

  /** Known inputs after each origin, read from the series itself (evaluation, imputation, anomalies). */
  #inputsAfter(prepared: PreparedSeries, origins: Int32Array): FutureInputs | undefined {
    const known = this.#ensemble?.knownInputs ?? [];
    if (known.length === 0) return undefined;
    const { data, cols, rows } = prepared.filled;
    return (i, h) => {
      const row = Math.min(rows - 1, origins[i] + h);
      return known.map((c) => data[row * cols + c]);
    };
  }

  /** options.future checked: [≥ steps rows, one column per known input], finite; required with known inputs. */
  #future(options: IntervalOptions | ForecastOptions | undefined, steps: number): FutureInputs | undefined {
    const known = this.#ensemble?.knownInputs ?? [];
    const given = options?.future;
    if (known.length === 0) {
      if (given !== undefined)
        throw new ValueError("future is only for a forecaster fitted with covariates: 'known'");
      return undefined;
    }
    if (given === undefined) {
      throw new ValueError(
        `future must give the ${known.length} known input(s) (columns ${known.join(', ')}) for each of the ${steps} forecast rows`,
      );
    }
    const f = asMatrix('future', given);
    if (f.cols !== known.length || f.rows < steps) {
      throw new ShapeError(
        `future must be [${steps}, ${known.length}] (rows × known inputs) but got [${f.rows}, ${f.cols}]`,
      );
    }
    requireFiniteMatrix('future', f, 'known inputs cannot be missing in the forecast rows');
    return (_i, h) => f.data.subarray(h * f.cols, (h + 1) * f.cols);
  }

  #levels(options: IntervalOptions | ForecastOptions | undefined): number[] | undefined {
    if (options === undefined) return undefined;
    const o = optionsObject('forecast options ({ level, future })', options) as Partial<IntervalOptions>;
    if (!('level' in o) && 'future' in o) return undefined;
    const levels = o.level;
    if (
      !Array.isArray(levels) ||
      levels.length === 0 ||
      levels.some((l) => !(typeof l === 'number' && l > 0 && l < 100))
    ) {
      throw new ValueError(
        `level must be a non-empty array of percentages in (0, 100) but got ${describe(levels)}`,
      );
    }
    if (this.#ensemble === undefined || !this.#ensemble.hasIntervals) {
      throw new ValueError(
        'this forecaster has no prediction intervals (a file written before them, or too few validation rows to fit them)',
      );
    }
    return levels;
  }

  #withIntervals(
    mean: Float64Array,
    steps: number,
    levels: number[] | undefined,
  ): Float32Array | ForecastWithIntervals {
    if (levels === undefined) return Float32Array.from(mean);
    const ensemble = this.#ensemble as ForecastEnsemble;
    return {
      mean: Float32Array.from(mean),
      intervals: levels.map((level) => ({ level, ...ensemble.bounds(mean, steps, level) })),
    };
  }

  /** The network's forecasts from the rows before each origin of model-input rows, in data units. */
  #networkAt(inputs: PreparedSeries['inputs'], origins: Int32Array, steps: number): Float32Array {
    const windows = contextWindows(inputs, origins, this.layout.lookback);
    const scaled = forecastSteps(this.#predictor, windows, steps, {
      strategy: this.strategy,
      futureRow: futureRowFor(this.layout),
    });
    const Ft = this.layout.targetColumns.length;
    return this.scaler
      .select(this.layout.targetColumns)
      .inverseTransform({ data: scaled.data, shape: [scaled.data.length / Ft, Ft] }).data;
  }

  /** The network on batch-major windows [N, L, F'] → [N, horizon · Ft]. */
  #net(windows: Tensor<Float32Array>): Float32Array {
    const [N, L, F] = windows.shape;
    const x = new Float32Array(N * L * F);
    for (let i = 0; i < N; i++) {
      for (let t = 0; t < L; t++)
        x.set(windows.data.subarray((i * L + t) * F, (i * L + t + 1) * F), (t * N + i) * F);
    }
    return this.model.predict({ data: x, shape: [L, N, F] }).data;
  }
}

/**
 * The series' values in float64 for scoring: a number[] keeps its own values (a Float32Array has only its own),
 * and missing values take the filled ones (they are masked out of the scores anyway).
 */
function exactValues(series: SeriesInput, filled: Matrix): Float64Array {
  const out = Float64Array.from(filled.data);
  if (Array.isArray(series)) {
    series.forEach((v, i) => {
      if (typeof v === 'number' && Number.isFinite(v)) out[i] = v;
    });
  }
  return out;
}

/** The season read off the autocorrelation of a column (stats/season.ts), said in `notes` when one is found. */
function seasonOf(m: Matrix, column: number, notes: string[]): number {
  if (!(Number.isInteger(column) && column >= 0 && column < m.cols)) return 1;
  const filled = interpolateMissing({ data: m.data, shape: [m.rows, m.cols] });
  const y = Float64Array.from({ length: m.rows }, (_, r) => filled.values[r * m.cols + column]);
  const season = detectSeason(y);
  if (season > 1) notes.push(`season ${season} detected from the autocorrelation (pass season to set it)`);
  return season;
}

/**
 * The default lookback: two seasons, at least 24 rows — or, when the training rows cannot hold that and the
 * horizon, as many as they can (said in `notes`), so that a short series still gets a forecaster.
 */
function defaultLookback(
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
function networkData(
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
function tailOf(p: PreparedSeries, rows: number): PreparedSeries {
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
