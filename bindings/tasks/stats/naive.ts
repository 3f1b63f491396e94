// Naive (season 1) and seasonal naive: lead h repeats the value one season before it. The floor every other
// model must clear, and candidates of their own: on a random walk nothing beats naive.

import type { UnivariateModel } from './model.ts';

export function naiveModel(season = 1): UnivariateModel {
  return {
    name: season === 1 ? 'naive' : `snaive(${season})`,
    minHistory: season,
    stateSize: season,
    filter: (history) => history.slice(history.length - season),
    forecast(state, steps) {
      return Float64Array.from({ length: steps }, (_, h) => state[h % season]);
    },
    toJSON: () => ({ kind: 'naive', season }),
  };
}
