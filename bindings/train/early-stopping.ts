// Early stopping (Keras's EarlyStopping callback): stop when a monitored quantity has not improved by minDelta
// for `patience` epochs, and put back the weights of the best epoch. The best weights are kept as one copy of
// the parameter slab in linear memory (one kernel call per improvement).

import { describe, ValueError } from '../errors.ts';
import type { Region } from '../runtime/arena.ts';
import { nonNegative, nonNegativeInt } from '../validate.ts';
import type { Callback, EpochEvent } from './callbacks.ts';
import type { TrainingRun } from './training-run.ts';

export interface EarlyStoppingOptions {
  /** Default 'valLoss' (falls back to 'loss' when fit has no validation data). */
  monitor?: 'valLoss' | 'loss' | 'valAccuracy';
  /** Epochs without improvement before stopping. Default 0 (as Keras). */
  patience?: number;
  /** An improvement smaller than this does not count. Default 0. */
  minDelta?: number;
  /** 'min' for losses, 'max' for accuracy. Default: from monitor. */
  mode?: 'min' | 'max';
  /**
   * At the end of training, put back the weights of the best epoch. Default true (Keras defaults to false; the
   * point of this callback here is the restore).
   */
  restoreBestWeights?: boolean;
}

export class EarlyStopping implements Callback {
  readonly monitor: 'valLoss' | 'loss' | 'valAccuracy';
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  /** Epoch (1-based) of the best value so far, and the value. */
  bestEpoch = 0;
  best = Number.NaN;
  /** Epoch at which training was stopped, 0 if it was not. */
  stoppedEpoch = 0;
  #wait = 0;
  #trainer: TrainingRun | undefined;
  #copy: Region | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    const monitor = options.monitor ?? 'valLoss';
    if (!['valLoss', 'loss', 'valAccuracy'].includes(monitor)) {
      throw new ValueError(`monitor must be 'valLoss', 'loss' or 'valAccuracy' but got ${describe(monitor)}`);
    }
    const patience = nonNegativeInt('patience', options.patience ?? 0);
    const minDelta = nonNegative('minDelta', options.minDelta ?? 0);
    const mode = options.mode ?? (monitor === 'valAccuracy' ? 'max' : 'min');
    if (mode !== 'min' && mode !== 'max')
      throw new ValueError(`mode must be 'min' or 'max' but got ${describe(mode)}`);
    this.monitor = monitor;
    this.patience = patience;
    this.minDelta = minDelta;
    this.mode = mode;
    this.restoreBestWeights = options.restoreBestWeights ?? true;
  }

  onTrainBegin(trainer: TrainingRun): void {
    this.#release();
    this.#trainer = trainer;
    this.#wait = 0;
    this.bestEpoch = 0;
    this.best = Number.NaN;
    this.stoppedEpoch = 0;
  }

  onEpochEnd(e: EpochEvent): void {
    const trainer = this.#trainer;
    if (trainer === undefined) return;
    const value =
      this.monitor === 'loss' ? e.loss : this.monitor === 'valLoss' ? (e.valLoss ?? e.loss) : e.valAccuracy;
    if (value === undefined)
      throw new ValueError(`EarlyStopping monitors ${this.monitor} but fit has no validation data`);
    const better =
      Number.isNaN(this.best) ||
      (this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta);
    if (better) {
      this.best = value;
      this.bestEpoch = e.epoch;
      this.#wait = 0;
      if (this.restoreBestWeights) this.#keep(trainer);
      return;
    }
    this.#wait += 1;
    // As Keras: `patience` epochs in a row without improvement stop training (0: the first one does).
    if (this.#wait >= Math.max(this.patience, 1)) {
      this.stoppedEpoch = e.epoch;
      trainer.stop();
    }
  }

  onTrainEnd(): void {
    const trainer = this.#trainer;
    if (trainer && this.#copy && this.restoreBestWeights) {
      const slab = trainer.model.slab;
      slab.rt.kernels.copy_f32(slab.params.ptr, this.#copy.ptr, slab.size);
    }
    this.#release();
  }

  #keep(trainer: TrainingRun): void {
    const slab = trainer.model.slab;
    this.#copy ??= slab.rt.arena.alloc(slab.size);
    slab.rt.kernels.copy_f32(this.#copy.ptr, slab.params.ptr, slab.size);
  }

  #release(): void {
    if (this.#copy && this.#trainer) this.#trainer.model.rt.arena.free(this.#copy);
    this.#copy = undefined;
  }
}
