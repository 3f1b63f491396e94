// How a Trainer turns a batch into the gradients in its model's slab. LocalStep runs the pass on the calling
// thread; a ParallelTrainer composes a ShardedStep instead (bindings/parallel/sharded-step.ts), which cuts each
// training batch into shards that worker threads run. The Trainer keeps what every strategy shares: the receipt
// of the staged batch, the NaN/Inf guards, clipping, the optimizer step, the counters and fit().

import type { Staged, StageMode, TrainableModel, TrainBatch } from '../model/trainable.ts';
import type { FitOptions } from './fit.ts';
import { checkLoss } from './guard.ts';
import type { Loss } from './loss.ts';

export interface StepStrategy {
  /** Checks `batch` and stages it into the model and loss (and, for training, wherever this strategy runs it). */
  stage(batch: TrainBatch, mode: StageMode): Staged;
  /**
   * Forward, loss and backward of the training batch staged last: its gradients in the model's slab. Returns
   * its loss, checked finite (`step`, the optimizer step this is for, is named in the error).
   */
  gradients(step: number, staged: Staged): number;
  /** Refuses, before the first step, a fit() this strategy cannot run. */
  checkFit(data: unknown, options: FitOptions): void;
  /** Returns what the strategy holds; settles once it has let go of everything (worker threads exited). */
  dispose(): Promise<void>;
}

/** Builds the strategy of a Trainer, given the Trainer's loss (called once the Trainer's own parts exist). */
export type StepStrategyFactory = (loss: Loss) => StepStrategy;

/** The whole batch on the calling thread. */
export class LocalStep implements StepStrategy {
  readonly #model: TrainableModel;
  readonly #loss: Loss;

  constructor(model: TrainableModel, loss: Loss) {
    this.#model = model;
    this.#loss = loss;
  }

  stage(batch: TrainBatch, mode: StageMode): Staged {
    return this.#model.stage(batch, this.#loss, mode);
  }

  gradients(step: number): number {
    const model = this.#model;
    model.zeroGrad();
    model.forward();
    const loss = this.#loss.valueAndGrad(model.output);
    checkLoss(loss, step);
    model.backward();
    return loss;
  }

  /** Any data the model trains on. */
  checkFit(): void {}

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}
