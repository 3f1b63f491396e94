// The high-level forecaster: a series in (one or more columns, NaN for missing), a model out that forecasts any
// number of steps with prediction intervals, judges itself by walk-forward evaluation against naive and
// seasonal-naive, and saves with its scaler and the last rows it needs to forecast from. Underneath, by default
// (method 'auto'): a network (windows → LSTM/GRU → last state → Dense(horizon · targets), trained with MSE on
// the training rows) competes on the validation rows with statistical members (naive, seasonal naive, AR,
// exponential smoothing); the mean of the winners, refitted on every row, is the forecast (forecast-ensemble.ts).

import { asMatrix, type SeriesInput } from '../data/args.ts';
import type { SplitRanges, SplitSpec } from '../data/split.ts';
import { DataError, describe, ValueError } from '../errors.ts';
import type { SaveOptions } from '../io/weight-dtype.ts';
import { SequenceModel } from '../model/sequence-model.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../tensor.ts';
import { positiveInt } from '../validate.ts';
import { type AnomalyScores, anomalyScores } from './anomaly.ts';
import {
  columnOf,
  futureRowFor,
  levelPredictor,
  type PreparedSeries,
  prepareSeries,
  type SeriesLayout,
  scalerFor,
  splitSeries,
} from './forecast-data.ts';
import { ForecastEnsemble, type FutureInputs } from './forecast-ensemble.ts';
import { futureInputs, intervalCoverage, intervalLevels, withIntervals } from './forecast-requests.ts';
import { readForecasterFile, type SavedState } from './forecaster-file.ts';
import type {
  ForecastEvaluateOptions,
  ForecastEvaluation,
  ForecasterOptions,
  ForecastOptions,
  ForecastWithIntervals,
  IntervalOptions,
} from './forecaster-options.ts';
import { defaultLookback, exactValues, networkData, seasonOf, tailOf } from './forecaster-setup.ts';
import { imputeGaps } from './impute.ts';
import { type ForecastStrategy, forecastSteps, type WindowPredictor } from './multistep.ts';
import { statisticalBaselines } from './statistical-baselines.ts';
import { type FitSummary, fitOnce, loadTask, recurrentSpec, requireRuntime, saveTask } from './training.ts';
import {
  contextWindows,
  type ForecastMethod,
  naiveMethod,
  seasonalNaiveMethod,
  walkForward,
} from './walk-forward.ts';

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
    const levels = intervalLevels(options, this.#ensemble);
    const future = futureInputs(options, steps, this.#ensemble?.knownInputs ?? []);
    const mean = this.#forecastAt(undefined, Int32Array.of(this.#tail.inputs.rows), steps, future);
    return withIntervals(mean, steps, levels, this.#ensemble);
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
    const levels = intervalLevels(options, this.#ensemble);
    const future = futureInputs(options, steps, this.#ensemble?.knownInputs ?? []);
    if (m.rows < this.layout.lookback) {
      throw new DataError(
        `history has ${m.rows} rows but the forecaster reads the last ${this.layout.lookback} (lookback)`,
      );
    }
    const prepared = prepareSeries({ data: m.data, shape: [m.rows, m.cols] }, this.scaler, this.layout);
    const mean = this.#forecastAt(prepared, Int32Array.of(m.rows), steps, future);
    return withIntervals(mean, steps, levels, this.#ensemble);
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
    const levels = intervalLevels({ level: options.levels ?? [80, 95] }, ensemble) as number[];
    return {
      ...result,
      coverage: intervalCoverage(result, ensemble, levels, prepared.observed, prepared.filled.cols),
    };
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
      const y = columnOf(m, c);
      const linear = columnOf(prepared.filled, c);
      const backward = ensemble.backward(j, linear.slice().reverse(), this.season);
      const forward = (history: Float64Array, steps: number) => {
        if (history.length < this.layout.lookback) return undefined;
        // A direct network alone cannot forecast a gap longer than its horizon: the backward side fills it.
        if (ensemble.networkOnly && this.strategy === 'direct' && steps > this.layout.horizon)
          return undefined;
        // Only the history's length is read: the forecast starts from the prepared rows before it, where earlier
        // gaps are filled linearly (the network reads every column of those rows), not from the model's fills.
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

  /**
   * The forecaster as one file; `{ dtype: 'f16' | 'bf16' | 'int8' }` stores its network's weights smaller
   * (saveModel). The scaler, the last rows and the statistical members are JSON, exact whatever the dtype.
   */
  save(options?: SaveOptions): Uint8Array {
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
    return saveTask(this.model, TASK, state as unknown as Record<string, unknown>, options);
  }

  /**
   * A forecaster from a file written by save(). Its state, ensemble and network architecture are checked
   * against each other before the network is built (forecaster-file.ts): FormatError naming the field.
   */
  static load(rt: Runtime, bytes: Uint8Array | ArrayBuffer): Forecaster {
    const { model, task } = loadTask(rt, bytes, TASK, 'a forecasting model', readForecasterFile);
    try {
      return new Forecaster(rt, model, task.state, task.scaler, task.tail, task.ensemble, task.notes);
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
