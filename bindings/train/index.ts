// The training layer's public API: losses, optimizers, schedules, clipping and the Trainer.

export type { PairData } from '../model/seq2seq-pairs.ts';
export type { Callback, EpochEvent, History, StepEvent } from './callbacks.ts';
export { yieldToEventLoop } from './callbacks.ts';
export { readTrainingState, type TrainingState } from './checkpoint.ts';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.ts';
export type { EvaluateOptions, Evaluation } from './evaluate.ts';
export type { CheckpointOptions, FitData, FitOptions } from './fit.ts';
export {
  CsvLogger,
  type CsvLoggerOptions,
  JsonlLogger,
  type LogDestination,
  type LoggerOptions,
  type LogSink,
} from './loggers.ts';
export { Loss, type LossResult, lossValue } from './loss.ts';
export type { LossConfig, LossKind, LossOptions, LossSpec, Reduction } from './loss-spec.ts';
export { resumeTrainer } from './resume.ts';
export { evaluateStream } from './stream-eval.ts';
export type { StepOptions, TrainableModel } from './trainer.ts';
export { type TrainBatch, Trainer, type TrainerOptions } from './trainer.ts';
export type { ClipOptions, OptimizerSpec, Schedule, ScheduleSpec } from './trainer-options.ts';
export type { TrainerSpec } from './trainer-spec.ts';
