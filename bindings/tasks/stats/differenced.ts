// A model of the differences y_t − y_{t−lag}, integrated back: with lag 1 and an AR inside, ARIMA(p,1,0) with
// drift; with lag = the season, a seasonal random walk whose yearly changes are autoregressive. These are what
// auto.arima picks for trending and seasonal series, and what level-based AR cannot express when the series
// wanders (a random walk's best forecast is its last value, not its mean).

import type { UnivariateModel } from './model.ts';

export function differencedModel(lag: number, inner: UnivariateModel): UnivariateModel {
  return {
    name: `${lag === 1 ? 'd' : `d${lag}`}-${inner.name}`,
    minHistory: lag + inner.minHistory,
    stateSize: lag + inner.stateSize,
    filter(history) {
      const diffs = differences(history, lag);
      const innerState = inner.filter(diffs);
      const state = new Float64Array(lag + innerState.length);
      state.set(history.subarray(history.length - lag));
      state.set(innerState, lag);
      return state;
    },
    forecast(state, steps) {
      const d = inner.forecast(state.subarray(lag), steps);
      const out = new Float64Array(steps);
      for (let h = 0; h < steps; h++) out[h] = (h < lag ? state[h] : out[h - lag]) + d[h];
      return out;
    },
    toJSON: () => ({ kind: 'diff', lag, inner: inner.toJSON() }),
  };
}

export function differences(y: Float64Array, lag: number): Float64Array {
  return Float64Array.from({ length: Math.max(0, y.length - lag) }, (_, t) => y[t + lag] - y[t]);
}
