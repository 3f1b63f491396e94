// The training layer's public API: losses, optimizers, schedules, clipping and the Trainer.

export type { Callback, EpochEvent, History, StepEvent } from './callbacks.ts';
export { yieldToEventLoop } from './callbacks.ts';
export type { EvaluateOptions, Evaluation } from './evaluate.ts';
export type { FitData, FitOptions } from './fit.ts';
export { Loss, type LossResult, lossValue } from './loss.ts';
export type { LossConfig, LossKind, LossOptions, LossSpec, Reduction } from './loss-spec.ts';
export { type TrainBatch, Trainer, type TrainerOptions } from './trainer.ts';
export type { ClipOptions, OptimizerSpec, Schedule, ScheduleSpec } from './trainer-options.ts';
