// High-level tasks on top of the layers: multi-step forecasting, walk-forward evaluation, anomaly scores.

export { type AnomalyOptions, type AnomalyScores, anomalyScores } from './anomaly.ts';
export {
  type DateLanguage,
  type DatePair,
  type DatesTask,
  type DatesTaskOptions,
  dateFromTokens,
  datesTask,
} from './dates.ts';
export type { ScalerKind, SeriesLayout, TargetKind } from './forecast-data.ts';
export { Forecaster } from './forecaster.ts';
export type {
  ForecastEvaluateOptions,
  ForecastEvaluation,
  ForecasterOptions,
  ForecastMethodChoice,
  ForecastOptions,
  ForecastWithIntervals,
  IntervalOptions,
} from './forecaster-options.ts';
export {
  type ForecastStrategy,
  forecastSteps,
  type MultiStepOptions,
  type WindowPredictor,
} from './multistep.ts';
export {
  type ClassifierEvaluation,
  type ClassifierOptions,
  SequenceClassifier,
} from './sequence-classifier.ts';
export type { GenerationOptions } from './text-data.ts';
export {
  type TextEvaluateOptions,
  type TextEvaluation,
  type TextFitOptions,
  type TextFitSummary,
  type TextLevel,
  TextModel,
  type TextModelOptions,
  type TextTraining,
  type ValidationEvent,
} from './text-model.ts';
export { type TextSource, textSource } from './text-sources.ts';
export type { BudgetOptions, CellName, FitSummary, NetworkOptions, TrainingProgress } from './training.ts';
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
