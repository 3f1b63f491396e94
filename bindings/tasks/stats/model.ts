// What every statistical forecaster of the ensemble is: parameters fitted once, then a state read off any
// history (so forecasts can start from any origin without refitting, as R's forecast(Arima(x, model = fit))
// does) and point forecasts from that state. Everything is float64 in the series' units.

export interface UnivariateModel {
  /** A short name for reports: 'ets(A,Ad,M)', 'ar(24)', 'snaive(12)'. */
  readonly name: string;
  /** Values of history the state needs at the least. */
  readonly minHistory: number;
  /** Values in a state (a model file's saved state must hold exactly this many). */
  readonly stateSize: number;
  /** The state after reading `history`. */
  filter(history: Float64Array): Float64Array;
  /** Point forecasts for the `steps` values after the state. */
  forecast(state: Float64Array, steps: number): Float64Array;
  toJSON(): UnivariateModelJSON;
}

export type UnivariateModelJSON =
  | { kind: 'naive'; season: number }
  | { kind: 'ar'; lags: number; coefficients: number[]; log: boolean }
  | { kind: 'diff'; lag: number; inner: UnivariateModelJSON }
  | { kind: 'theta'; alpha: number; drift: number; seasonal: number[]; multiplicative: boolean }
  | {
      kind: 'ets';
      trend: 'N' | 'A' | 'Ad';
      season: 'N' | 'A' | 'M';
      period: number;
      alpha: number;
      beta: number;
      gamma: number;
      phi: number;
      initial: number[];
    };

/** Forecasts from the end of `history`. */
export function forecastAfter(model: UnivariateModel, history: Float64Array, steps: number): Float64Array {
  return model.forecast(model.filter(history), steps);
}
