// The Trainer as the code it calls sees it. fit(), its batch sources, evaluation, checkpoints and callbacks take
// these narrow interfaces rather than the Trainer class, so that imports point one way: trainer.ts uses them,
// they never import trainer.ts. The Trainer implements all of them.

import type { SavedModel } from '../io/model-save.ts';
import type { Staged, StageMode, TrainableModel, TrainBatch } from '../model/trainable.ts';
import type { Loss } from './loss.ts';
import type { Optimizer } from './optimizer-base.ts';
import type { Schedule } from './trainer-options.ts';

/** What evaluation uses: the model, the loss, and staging a batch into both. */
export interface BatchStager {
  readonly model: TrainableModel;
  readonly loss: Loss;
  /** Checks a batch and copies it into linear memory; nothing has run yet when this throws. */
  stage(batch: TrainBatch, mode: StageMode): Staged;
}

/** Running sums of the epoch under way: its mean loss is lossSum / counted. */
export interface EpochStats {
  lossSum: number;
  counted: number;
  tokens: number;
}

/** Where a run stands: what a checkpoint stores and a resumed fit() continues from. */
export interface RunCounters {
  /** Optimizer steps taken. */
  steps: number;
  /** Epochs completed by fit(). */
  epochs: number;
  /** Batches done in the epoch under way (0 between epochs). */
  epochBatch: number;
  epochStats: EpochStats;
}

/** The trainer as fit(), its batch sources and its callbacks see it. */
export interface TrainingRun extends BatchStager, RunCounters {
  /** Drives each epoch's shuffling. */
  readonly seed: number;
  /** The optimizer's learning rate for the next step. */
  readonly lr: number;
  readonly schedule: Schedule | undefined;
  readonly scheduleStep: 'epoch' | 'step';
  /** True once stop() was called during the fit() under way. */
  readonly stopRequested: boolean;
  /** Forward, loss, BPTT and the optimizer update of the batch `staged` came from; returns the loss. */
  update(staged: Staged): number;
  /** Forgets the state carried between stateful steps. */
  resetState(): void;
  /** Asks a running fit() to return after the current step. */
  stop(): void;
  /** A checkpoint of the run (see Trainer.checkpoint). */
  checkpoint(extra?: Record<string, unknown>): Uint8Array;
}

/** The trainer as a checkpoint writes and restores it. */
export interface CheckpointedRun extends RunCounters {
  readonly model: SavedModel;
  readonly optimizer: Optimizer;
  readonly schedule: Schedule | undefined;
}
