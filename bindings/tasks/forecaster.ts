// The high-level forecaster: a series in (one or more columns, NaN for missing), a model out that forecasts any
// number of steps, judges itself by walk-forward evaluation on the test split against naive and seasonal-naive,
// and saves with its scaler and the last rows it needs to forecast from. Underneath: windows → LSTM/GRU → last
// state → Dense(horizon · targets), trained with MSE by the Trainer.

import { asMatrix, positiveInt, type SeriesInput } from '../data/args.ts';
import { makeDataset } from '../data/dataset.ts';
import type { ScalerJSON } from '../data/scalers.ts';
import type { SplitFractions, SplitRanges } from '../data/split.ts';
import { DataError, describe, ValueError } from '../errors.ts';
import { SequenceModel } from '../model/sequence-model.ts';
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
import { type ForecastStrategy, forecastSteps, type WindowPredictor } from './multistep.ts';
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
  /** Season length in rows, for seasonal naive and MASE (e.g. 52 for weekly data with a yearly cycle). */
  season?: number;
  /** Default { train: 0.7, validation: 0.1, test: 0.2 }, in time order. */
  split?: SplitFractions;
  /** Fitted on the training rows only (default 'standard'). */
  scaler?: ScalerKind;
  /** 'change' (default): predict changes from the last row, which extrapolates trends; 'level': raw values. */
  target?: TargetKind;
  /** Add a 0/1 observed flag per column to the inputs, so the network can discount filled gaps. */
  mask?: boolean;
  /** Columns to forecast (default all). */
  targetColumns?: number[];
  /** Adam's learning rate (default 3e-3). */
  lr?: number;
  /** Global gradient-norm clip (default 1). */
  clip?: number;
}

export interface ForecastEvaluateOptions {
  /** Rows ahead of each forecast origin (default: the direct horizon, else one season). */
  horizon?: number;
  /** Rows between origins (default: horizon). */
  stride?: number;
}

interface SavedState {
  layout: SeriesLayout;
  strategy: ForecastStrategy;
  season: number;
  scaler: ScalerJSON;
  split: SplitFractions;
  /** The last `lookback` rows of the fitted series (filled, data units) and their observed flags. */
  tail: number[];
  tailObserved: number[];
  /** The same rows as the network reads them (scaled, with the mask channel). */
  tailInputs: number[];
}

const TASK = 'forecast';

export class Forecaster {
  readonly rt: Runtime;
  readonly model: SequenceModel;
  readonly layout: SeriesLayout;
  readonly strategy: ForecastStrategy;
  readonly season: number;
  readonly split: SplitFractions;
  readonly scaler: ReturnType<typeof scalerFor>;
  /** The fitted series and its split, while the forecaster that fitted it lives (not saved). */
  series: PreparedSeries | undefined;
  ranges: SplitRanges | undefined;
  summary: FitSummary | undefined;
  readonly #tail: PreparedSeries;
  readonly #predictor: WindowPredictor;

  private constructor(
    rt: Runtime,
    model: SequenceModel,
    state: Pick<SavedState, 'layout' | 'strategy' | 'season' | 'split'>,
    scaler: ReturnType<typeof scalerFor>,
    tail: PreparedSeries,
  ) {
    this.rt = rt;
    this.model = model;
    this.layout = state.layout;
    this.strategy = state.strategy;
    this.season = state.season;
    this.split = state.split;
    this.scaler = scaler;
    this.#tail = tail;
    this.#predictor = levelPredictor(this.layout, (w) => this.#net(w));
  }

  /** Fits a forecaster on `series` (Float32Array/number[] for one variable, a tensor [rows, F] for several). */
  static async fit(
    series: SeriesInput,
    options: ForecasterOptions & { runtime: Runtime },
  ): Promise<Forecaster> {
    const rt = requireRuntime(options);
    const m = asMatrix('series', series);
    const season = positiveInt('season', options.season ?? 1);
    const horizon = positiveInt('horizon', options.horizon ?? 1);
    const strategy = options.strategy ?? (horizon > 1 ? 'direct' : 'recursive');
    if (strategy !== 'direct' && strategy !== 'recursive') {
      throw new ValueError(`strategy must be 'recursive' or 'direct' but got ${describe(strategy)}`);
    }
    const target = options.target ?? 'change';
    if (target !== 'change' && target !== 'level') {
      throw new ValueError(`target must be 'change' or 'level' but got ${describe(target)}`);
    }
    const layout: SeriesLayout = {
      columns: m.cols,
      targetColumns: options.targetColumns ?? Array.from({ length: m.cols }, (_, c) => c),
      mask: options.mask ?? false,
      target,
      lookback: positiveInt('lookback', options.lookback ?? Math.max(24, 2 * season)),
      horizon,
    };
    if (strategy === 'recursive' && futureRowFor(layout) === undefined) {
      throw new ValueError(
        `recursive forecasting feeds every column back, but only columns ${layout.targetColumns.join(', ')} of ${m.cols} are forecast; use strategy 'direct'`,
      );
    }
    const split = options.split ?? { train: 0.7, validation: 0.1, test: 0.2 };
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
    );
    f.series = prepared;
    f.ranges = ranges;
    const train = dataset(trainingWindows(prepared, ranges.train, layout), layout);
    const [v0, v1] = ranges.validation;
    const validation =
      v1 - v0 >= layout.horizon
        ? dataset(trainingWindows(prepared, [Math.max(0, v0 - layout.lookback), v1], layout), layout)
        : undefined;
    const trainer = {
      loss: 'mse' as const,
      optimizer: { kind: 'adam' as const, lr: options.lr ?? 3e-3 },
      clip: { norm: options.clip ?? 1 },
    };
    const budget = { epochs: 10, ...options, batchSize: options.batchSize ?? 32 };
    f.summary = await fitOnce(model, trainer, train, validation, budget, layout.lookback);
    return f;
  }

  /** The last `lookback` rows the next forecast starts from, filled, in data units [lookback · columns]. */
  lastRows(): Float32Array {
    return this.#tail.filled.data.slice();
  }

  /** `steps` rows after the end of the fitted series: [steps · targets] in data units (row-major). */
  forecast(steps: number): Float32Array {
    return this.#forecastAt(this.#tail.inputs, Int32Array.of(this.#tail.inputs.rows), steps);
  }

  /** `steps` rows after the end of `history` (at least lookback rows, same columns; NaN = missing). */
  forecastFrom(history: SeriesInput, steps: number): Float32Array {
    const m = asMatrix('history', history);
    if (m.rows < this.layout.lookback) {
      throw new DataError(
        `history has ${m.rows} rows but the forecaster reads the last ${this.layout.lookback} (lookback)`,
      );
    }
    const prepared = prepareSeries({ data: m.data, shape: [m.rows, m.cols] }, this.scaler, this.layout);
    return this.#forecastAt(prepared.inputs, Int32Array.of(m.rows), steps);
  }

  /**
   * Walk-forward evaluation on the test split of the fitted series (or of `series`, split the same way), against
   * naive and seasonal-naive: forecasts named model, naive and seasonalNaive, each scored by MAE, RMSE, MAPE, MASE.
   * Filled-in missing values are not scored.
   */
  evaluate(options: ForecastEvaluateOptions = {}, series?: SeriesInput): WalkForwardResult {
    const { prepared, ranges } = this.#seriesFor(series);
    const horizon = positiveInt(
      'horizon',
      options.horizon ?? (this.strategy === 'direct' ? this.layout.horizon : Math.max(1, this.season)),
    );
    const [start, end] = ranges.test;
    const methods: Record<string, ForecastMethod> = {
      model: ({ origins, horizon: h }) => this.#forecastAt(prepared.inputs, origins, h),
      naive: naiveMethod(),
    };
    if (this.season <= start) methods.seasonalNaive = seasonalNaiveMethod(this.season);
    return walkForward(
      { data: prepared.filled.data, shape: [prepared.filled.rows, prepared.filled.cols] },
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
    const predicted = this.#forecastAt(prepared.inputs, origins, 1);
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
      return new Forecaster(rt, model, s, scaler, tail);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }

  dispose(): void {
    this.model.dispose();
  }

  #seriesFor(series: SeriesInput | undefined): { prepared: PreparedSeries; ranges: SplitRanges } {
    if (series === undefined) {
      if (!this.series || !this.ranges) {
        throw new ValueError('this forecaster was loaded from a file; pass the series to evaluate it on');
      }
      return { prepared: this.series, ranges: this.ranges };
    }
    const m = asMatrix('series', series);
    const prepared = prepareSeries({ data: m.data, shape: [m.rows, m.cols] }, this.scaler, this.layout);
    return { prepared, ranges: splitSeries(m.rows, this.split, this.layout) };
  }

  /** Forecasts from the rows before each origin of model-input rows, mapped back to data units. */
  #forecastAt(inputs: PreparedSeries['inputs'], origins: Int32Array, steps: number): Float32Array {
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
