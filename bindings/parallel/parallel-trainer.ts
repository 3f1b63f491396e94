// Data-parallel training on one machine: a Trainer whose steps run through a ShardedStep (sharded-step.ts): each
// batch is cut into a fixed number of shards, whose gradients worker threads over the shared memory (and the
// calling thread) compute and then sum in a fixed order, so the weights are bit-identical for any number of
// threads. Everything else (checks, clipping, the optimizer, fit, evaluate, checkpoints) is the Trainer's own:
// this class only builds the strategy and shows its threads.

import { describe, ValueError } from '../errors.ts';
import { SequenceModel } from '../model/sequence-model.ts';
import { Trainer, type TrainerOptions } from '../train/trainer.ts';
import { type ParallelTrainerOptions, parallelOptions } from './parallel-options.ts';
import { ShardedStep } from './sharded-step.ts';

/** The Trainer's part of the options (the Trainer refuses keys it does not know); anything else as given, for the
 * Trainer to refuse. */
function trainerOptions(options: ParallelTrainerOptions): TrainerOptions {
  if (options === null || typeof options !== 'object') return options;
  const own: Partial<ParallelTrainerOptions> = { ...options };
  delete own.threads;
  delete own.shards;
  return own as TrainerOptions;
}

export class ParallelTrainer extends Trainer {
  /** Threads that work on each batch (1 where memory cannot be shared), the calling thread included. */
  readonly threads: number;
  /** Parts each batch is cut into, by rows. */
  readonly shards: number;
  /** threads: 'auto' — a step too small to pay for waking the workers runs on the calling thread alone. */
  readonly auto: boolean;
  /** Why fewer threads run than were asked for, if they do. */
  readonly notes: readonly string[];
  /** Settles when every worker has started (steps before then run on the threads already up). */
  readonly ready: Promise<void>;
  readonly #step: ShardedStep;

  constructor(model: SequenceModel, options: ParallelTrainerOptions) {
    if (!(model instanceof SequenceModel)) {
      throw new ValueError(
        `ParallelTrainer trains a SequenceModel but got ${describe(model)} (a Seq2Seq trains on the Trainer)`,
      );
    }
    const source = model.rt.threads;
    const asked = parallelOptions(options ?? {}, source?.threads.cores() ?? 1);
    let step: ShardedStep | undefined;
    super(model, trainerOptions(options), (loss) => {
      step = new ShardedStep(model, loss, options.loss, asked, source);
      return step;
    });
    this.#step = step!;
    this.threads = this.#step.threads;
    this.shards = this.#step.shards;
    this.auto = this.#step.auto;
    this.notes = this.#step.notes;
    this.ready = this.#step.ready;
  }

  /** Threads the last step was given (1 when 'auto' kept it on the calling thread; 0 before the first step). */
  get lastThreads(): number {
    return this.#step.lastThreads;
  }

  /** Tasks (shard steps and reduction chunks) the worker threads have run so far. */
  get workerTasks(): number {
    return this.#step.workerTasks;
  }

  /** Worker threads still running (0 after dispose). */
  get liveWorkers(): number {
    return this.#step.liveWorkers;
  }
}
