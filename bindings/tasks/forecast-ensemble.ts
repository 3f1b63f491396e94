// The forecaster's ensemble, one per target column: statistical members (naive, seasonal naive, AR, exponential
// smoothing) and the network, the plain mean of whichever of them won on the validation rows, refitted on every
// row used for fitting; and the conformal intervals of that mean. It never sees the network itself, only its
// forecasts, so the network's plumbing (windows, scaling, strategy) stays in the Forecaster.

import type { Matrix } from '../data/args.ts';
import { atOrigins, changesLevel, concat, earlierErrors } from './ensemble-errors.ts';
import { columnOf } from './forecast-data.ts';
import {
  type ColumnEnsemble,
  type EnsembleJSON,
  type Member,
  restoreEnsemble,
} from './forecaster-ensemble-file.ts';
import { fitCandidates, refit } from './stats/candidates.ts';
import { chooseCombination } from './stats/combination.ts';
import { fitIntervals, halfWidth, type IntervalModel } from './stats/intervals.ts';
import type { UnivariateModel } from './stats/model.ts';
import { fitRegression, type InputsAt, regressionAt, residuals } from './stats/regression.ts';

/** Network forecasts [origins, steps, targets] (row-major) at the given origins of the fitted rows. */
export type NetworkForecasts = (origins: Int32Array, steps: number) => Float32Array;

export type { ColumnEnsembleJSON, EnsembleJSON, MemberJSON } from './forecaster-ensemble-file.ts';

/**
 * The network (the last candidate) must beat the statistical means by 5 % on validation to be chosen: on the
 * 13 development series (npm run bench:forecast) it won validation more often than it then won the test.
 */
const NETWORK_HANDICAP = (stats: number): number[] => [...new Array(stats).fill(1), 1.05];

/** The known inputs (covariate columns) of the row after `origins[i]` by `h` rows. */
export type FutureInputs = (i: number, h: number) => ArrayLike<number>;

export interface EnsembleFitInput {
  /** Filled series in data units [rows, cols]. */
  filled: Matrix;
  /** 1 observed, 0 filled [rows · cols]: filled values are not scored on validation. */
  observed: Float32Array;
  targetColumns: readonly number[];
  /** Members are fitted on rows [0, trainEnd), chosen on [trainEnd, fitEnd), refitted on [0, fitEnd). */
  trainEnd: number;
  fitEnd: number;
  horizon: number;
  season: number;
  lags: number;
  network: NetworkForecasts;
  /** Whether statistical members compete with the network (false: the network alone). */
  statistical: boolean;
  /** Columns known in advance (their future is given when forecasting): regressors of the statistical members. */
  knownInputs: readonly number[];
}

export class ForecastEnsemble {
  readonly #columns: ColumnEnsemble[];
  /** Columns known in advance, whose future values forecasts are given. */
  readonly knownInputs: readonly number[];

  private constructor(columns: ColumnEnsemble[], knownInputs: readonly number[]) {
    this.#columns = columns;
    this.knownInputs = knownInputs;
  }

  static fit(input: EnsembleFitInput, notes: string[]): ForecastEnsemble {
    const { filled, targetColumns, trainEnd, fitEnd, horizon } = input;
    const origins = Int32Array.from({ length: Math.max(0, fitEnd - trainEnd) }, (_, i) => trainEnd + i);
    const network = origins.length > 0 ? input.network(origins, horizon) : undefined;
    if (origins.length === 0)
      notes.push('no validation rows: the ensemble could not be chosen on validation');
    // The row each [origin, lead] entry of a validation matrix forecasts.
    const rowAt = (k: number) => origins[Math.floor(k / horizon)] + (k % horizon);
    const inputs = inputsOf(filled, input.knownInputs);
    const count = input.knownInputs.length;
    const columns = targetColumns.map((c, j) => {
      const y = columnOf(filled, c);
      // With known inputs the members model what the regression leaves, and forecasts add it back.
      const trainReg = count > 0 ? fitRegression(y, inputs, count, trainEnd) : undefined;
      const base = trainReg ? residuals(y, trainReg, inputs) : y;
      const train = base.subarray(0, trainEnd);
      const stats = input.statistical ? fitCandidates(train, { season: input.season, lags: input.lags }) : [];
      const forecasts = stats.map((model) => {
        const f = atOrigins(model, train.length, base, origins, horizon, fitEnd);
        if (trainReg) for (let k = 0; k < f.length; k++) f[k] += regressionAt(trainReg, inputs(rowAt(k)));
        return f;
      });
      const members: Member[] = stats.map((model) => ({ kind: 'stat', model }));
      members.push({ kind: 'network' });
      if (network) {
        forecasts.push(
          Float64Array.from({ length: origins.length * horizon }, (_, k) =>
            rowAt(k) < fitEnd ? network[k * targetColumns.length + j] : Number.NaN,
          ),
        );
      }
      const actual = Float64Array.from({ length: origins.length * horizon }, (_, k) => {
        const row = rowAt(k);
        return row < fitEnd && input.observed[row * filled.cols + c] > 0 ? y[row] : Number.NaN;
      });
      const chosen =
        origins.length > 0
          ? chooseCombination(forecasts, actual, NETWORK_HANDICAP(stats.length))
          : // Without validation: the last statistical member (exponential smoothing when it fitted), else the network.
            { members: [Math.max(0, stats.length - 1)], errors: new Float64Array() };
      const kept = chosen.members.map((i) => members[i]);
      const regression = count > 0 ? fitRegression(y, inputs, count, fitEnd) : undefined;
      const finalBase = regression ? residuals(y, regression, inputs) : y;
      const refitted = kept.map(
        (m): Member =>
          m.kind === 'stat' ? { kind: 'stat', model: refit(m.model, finalBase.subarray(0, fitEnd)) } : m,
      );
      // A series whose level grows (or falls) by half or more has errors in proportion to it: its intervals are
      // fitted on errors relative to the forecast and scaled by the forecast they surround.
      const relative = changesLevel(y.subarray(0, fitEnd));
      const toScored = (errors: Float64Array, truth: Float64Array) =>
        relative ? errors.map((e, k) => e / Math.abs(truth[k] - e)) : errors;
      // Not with known inputs (the regression would need refitting too), nor with the network among the members
      // (its forecasts on rows it trained on would be in-sample).
      const early =
        count > 0 || kept.some((m) => m.kind === 'network')
          ? undefined
          : earlierErrors(statModels(kept), y, trainEnd, fitEnd - trainEnd, horizon, input.season);
      const errors = concat(
        toScored(chosen.errors, actual),
        early ? toScored(early.errors, early.actual) : new Float64Array(),
      );
      return {
        members: refitted,
        states: refitted.map((m) => (m.kind === 'stat' ? m.model.filter(finalBase) : new Float64Array())),
        intervals: fitIntervals(errors, horizon, relative),
        regression,
      };
    });
    if (columns.some((c) => c.intervals === undefined)) {
      notes.push('fewer than 5 validation errors: no prediction intervals');
    }
    return new ForecastEnsemble(columns, input.knownInputs);
  }

  /** The ensemble a model file holds, checked (forecaster-ensemble-file.ts) to forecast `steps` finite values. */
  static fromJSON(json: EnsembleJSON, targets: number, columns: number, steps: number): ForecastEnsemble {
    const restored = restoreEnsemble(json, targets, columns, steps);
    return new ForecastEnsemble(restored.columns, restored.knownInputs);
  }

  toJSON(): EnsembleJSON {
    return {
      columns: this.#columns.map((c) => ({
        members: c.members.map((m) => (m.kind === 'network' ? m : m.model.toJSON())),
        states: c.states.map((s) => [...s]),
        ...(c.intervals ? { intervals: c.intervals } : {}),
        ...(c.regression ? { regression: c.regression } : {}),
      })),
      ...(this.knownInputs.length > 0 ? { knownInputs: [...this.knownInputs] } : {}),
    };
  }

  /** What was chosen, per target column: 'ets(A,A,M)+ar(24)'. */
  get method(): string {
    return this.#columns.map((c) => c.members.map(nameOf).join('+')).join('; ');
  }

  get usesNetwork(): boolean {
    return this.#columns.some((c) => c.members.some((m) => m.kind === 'network'));
  }

  /** Some column forecasts by the network alone. */
  get networkOnly(): boolean {
    return this.#columns.some((c) => c.members.every((m) => m.kind === 'network'));
  }

  get hasIntervals(): boolean {
    return this.#columns.every((c) => c.intervals !== undefined);
  }

  /**
   * Forecasts [origins, steps, targets] from the rows before each origin of `filled` (or, without `filled`,
   * from the end of the fitted series). `network(steps)` is asked only when a member is the network, for at
   * most `reach` steps (a direct network's horizon): leads past it are the mean of the statistical members
   * alone, and a column whose only member is the network cannot go past it (the network's own error says so).
   * With known inputs, `future(i, h)` gives their values in the row h after origin i.
   */
  forecast(
    filled: Matrix | undefined,
    targetColumns: readonly number[],
    origins: Int32Array,
    steps: number,
    network: (steps: number) => Float32Array,
    reach: number,
    future?: FutureInputs,
  ): Float64Array {
    const Ft = targetColumns.length;
    const out = new Float64Array(origins.length * steps * Ft);
    const netSteps = this.networkOnly ? steps : Math.min(steps, reach);
    const net = this.usesNetwork ? network(netSteps) : undefined;
    this.#columns.forEach((col, j) => {
      const reg = col.regression;
      const raw = filled ? columnOf(filled, targetColumns[j]) : undefined;
      const y = raw && reg && filled ? residuals(raw, reg, inputsOf(filled, this.knownInputs)) : raw;
      const stats = col.members.filter((m) => m.kind === 'stat').length;
      const hasNetwork = stats < col.members.length;
      col.members.forEach((m, k) => {
        origins.forEach((o, i) => {
          const f =
            m.kind === 'network'
              ? undefined
              : m.model.forecast(y ? m.model.filter(y.subarray(0, o)) : col.states[k], steps);
          for (let h = 0; h < steps; h++) {
            const withNetwork = hasNetwork && h < netSteps;
            if (!f && !withNetwork) continue;
            const weight = 1 / (withNetwork ? col.members.length : stats);
            const at = (i * steps + h) * Ft + j;
            const value = f
              ? f[h] + (reg && future ? regressionAt(reg, future(i, h)) : 0)
              : (net as Float32Array)[(i * netSteps + h) * Ft + j];
            out[at] += weight * value;
          }
        });
      });
    });
    return out;
  }

  /**
   * A forecaster of column j's reversed series, for filling gaps backward: the column's statistical members
   * refitted on `reversed` (exponential smoothing when the network was the only member).
   */
  backward(
    j: number,
    reversed: Float64Array,
    season: number,
  ): (history: Float64Array, steps: number) => Float64Array | undefined {
    const stats = this.#columns[j].members.flatMap((m) =>
      m.kind === 'stat' ? [refit(m.model, reversed)] : [],
    );
    const models = stats.length > 0 ? stats : fitCandidates(reversed, { season, lags: 0 }).slice(-1);
    const need = Math.max(1, ...models.map((m) => m.minHistory));
    return (history, steps) => {
      if (history.length < need) return undefined;
      const out = new Float64Array(steps);
      for (const model of models) {
        const f = model.forecast(model.filter(history), steps);
        for (let h = 0; h < steps; h++) out[h] += f[h] / models.length;
      }
      return out;
    };
  }

  /** Lower and upper bounds around `mean` [origins, steps, targets] at `level` percent. */
  bounds(mean: Float64Array, steps: number, level: number): { lower: Float32Array; upper: Float32Array } {
    const Ft = this.#columns.length;
    const lower = new Float32Array(mean.length);
    const upper = new Float32Array(mean.length);
    for (let i = 0; i < mean.length; i++) {
      const intervals = this.#columns[i % Ft].intervals as IntervalModel;
      const w =
        halfWidth(intervals, level, Math.floor(i / Ft) % steps) *
        (intervals.relative ? Math.abs(mean[i]) : 1);
      lower[i] = mean[i] - w;
      upper[i] = mean[i] + w;
    }
    return { lower, upper };
  }
}

function statModels(members: Member[]): UnivariateModel[] {
  return members.flatMap((m) => (m.kind === 'stat' ? [m.model] : []));
}

function nameOf(m: Member): string {
  return m.kind === 'network' ? 'network' : m.model.name;
}

/** The known inputs of a row of `m`, in the order of `columns`. */
function inputsOf(m: Matrix, columns: readonly number[]): InputsAt {
  return (row) => columns.map((c) => m.data[row * m.cols + c]);
}

/** One column of the filled series in float64. */
