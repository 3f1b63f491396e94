// High-level tasks on top of the layers: multi-step forecasting, walk-forward evaluation, anomaly scores.

export { type AnomalyOptions, type AnomalyScores, anomalyScores } from './anomaly.ts';
export {
  type ForecastStrategy,
  forecastSteps,
  type MultiStepOptions,
  type WindowPredictor,
} from './multistep.ts';
export {
  contextWindows,
  type ForecastMethod,
  type ForecastRequest,
  type ForecastScores,
  naiveMethod,
  predictorMethod,
  seasonalNaiveMethod,
  type WalkForwardOptions,
  type WalkForwardResult,
  walkForward,
} from './walk-forward.ts';
