// Data-parallel training on one machine: a Trainer whose step cuts the batch into a fixed number of shards by
// rows, computes each shard's gradient on whichever thread takes it (worker threads over the shared memory,
// and the calling thread), then sums the shard gradients in shard order, chunk by chunk on every thread, into
// the model's gradient slab. Clipping and the optimizer step then run as in the Trainer. The loss of every
// shard is divided by the whole batch's count, so the sum is the batch's gradient; the weights are
// bit-identical for any number of threads, and with shards: 1 bit-identical to the Trainer's.
// Where the model's runtime has no shared memory, the same shards run on the calling thread (same weights),
// with a note and one console warning.

import type { TbpttStream } from '../data/stream.ts';
import { describe, ValueError } from '../errors.ts';
import { SequenceModel } from '../model/sequence-model.ts';
import { Launch } from '../runtime/threads/launch.ts';
import { TapeRecorder } from '../runtime/threads/tape-recorder.ts';
import { noteFailedStart, ThreadPool } from '../runtime/threads/thread-pool.ts';
import type { Tensor } from '../tensor.ts';
import type { History } from '../train/callbacks.ts';
import type { FitData, FitOptions } from '../train/fit.ts';
import { isStream } from '../train/fit-sources.ts';
import { checkGradients, checkLoss } from '../train/guard.ts';
import type { PairData } from '../train/pairs.ts';
import {
  type Staged,
  type StageMode,
  type StepOptions,
  type TrainBatch,
  Trainer,
  type TrainerOptions,
} from '../train/trainer.ts';
import {
  autoThreads,
  checkShardable,
  type ParallelTrainerOptions,
  parallelOptions,
  smallestBatch,
  threadPlan,
} from './parallel-options.ts';
import { Shard, shardRows } from './shard.ts';
import { joinDropout, splitDropout } from './shard-dropout.ts';

const STATEFUL =
  'ParallelTrainer cuts every batch into shards, which cannot carry state between batches: stateful training and truncated BPTT over a stream run on the Trainer';

/** Floats of the gradient slab summed per reduction task: 64 KiB, so a task's sums stay in cache. */
const REDUCE_CHUNK = 16384;

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
  readonly shards: number;
  /** threads: 'auto' — a step too small to pay for waking the workers runs on the calling thread alone. */
  readonly auto: boolean;
  /** Why fewer threads run than were asked for, if they do. */
  readonly notes: readonly string[];
  /** Settles when every worker has started (steps before then run on the threads already up). */
  readonly ready: Promise<void>;
  /** Threads the last step was given (1 when 'auto' kept it on the calling thread; 0 before the first step). */
  lastThreads = 0;
  readonly #recorder: TapeRecorder;
  readonly #shards: Shard[];
  readonly #pool: ThreadPool;
  readonly #step: Launch;
  readonly #reduce: Launch;
  /** Float64 index of the reduction's task table, published once: its pointers never change. */
  readonly #reduceTable: number;
  #stagedCount: number | undefined;
  #disposed = false;

  constructor(model: SequenceModel, options: ParallelTrainerOptions) {
    if (!(model instanceof SequenceModel)) {
      throw new ValueError(
        `ParallelTrainer trains a SequenceModel but got ${describe(model)} (a Seq2Seq trains on the Trainer)`,
      );
    }
    const source = model.rt.threads;
    const asked = parallelOptions(options ?? {}, source?.threads.cores() ?? 1);
    super(model, trainerOptions(options));
    this.shards = asked.shards;
    this.auto = asked.auto;
    const plan = threadPlan(model.rt, asked, source !== undefined, "model's", 'training');
    this.threads = plan.threads;
    this.notes = plan.notes;
    this.#recorder = new TapeRecorder(model.rt);
    this.#shards = Array.from({ length: this.shards }, () => new Shard(model, this.#recorder, options.loss));
    this.#step = new Launch(model.rt);
    this.#reduce = new Launch(model.rt);
    this.#recordReduction();
    this.#reduceTable = this.#reduce.publish();
    this.#pool = new ThreadPool(model.rt, this.threads - 1, source);
    this.ready = this.#pool.ready;
    noteFailedStart(this.ready, this.notes as string[]);
  }

  /** Tasks (shard steps and reduction chunks) the worker threads have run so far. */
  get workerTasks(): number {
    return this.#pool.workerTasks;
  }

  /** Worker threads still running (0 after dispose). */
  get liveWorkers(): number {
    return this.#pool.liveWorkers;
  }

  /** Checks a batch (as the Trainer does) and, for training, copies each shard's rows in. */
  override stage(batch: TrainBatch, mode: StageMode): Staged {
    if (this.#disposed) throw new ValueError('this ParallelTrainer was disposed');
    this.#stagedCount = undefined;
    if (mode?.stateful) throw new ValueError(STATEFUL);
    // The Trainer's checks, and the whole batch's loss count (what each shard's mean divides by).
    const staged = super.stage(batch, { ...mode, training: false });
    if (!mode?.training) return staged;
    const { T, B } = staged;
    checkShardable(B, this.shards);
    const model = this.model as SequenceModel;
    const src = {
      inputs: model.expand(batch.inputs as Tensor, batch.targets.shape?.[0] ?? 1).data as
        | Float32Array
        | Int32Array,
      targets: batch.targets.data,
      mask: batch.mask,
      // Checked by the Trainer's stage: integers in [1, T].
      lengths:
        batch.lengths === undefined || batch.lengths instanceof Int32Array
          ? batch.lengths
          : Int32Array.from(batch.lengths),
      T,
      B,
    };
    for (let s = 0; s < this.shards; s++) this.#shards[s].stage(src, ...shardRows(B, this.shards, s));
    this.#stagedCount = this.loss.count;
    return staged;
  }

  override update(staged: Staged): number {
    const loss = this.#gradients(staged);
    this.applyGradients();
    return loss;
  }

  override computeGradients(batch: TrainBatch, options: StepOptions = {}): number {
    return this.#gradients(this.stage(batch, { training: true, stateful: options?.stateful }));
  }

  override async fit(data: FitData | TbpttStream | PairData, options: FitOptions = {}): Promise<History> {
    if (isStream(data)) throw new ValueError(STATEFUL);
    const smallest = smallestBatch(data as FitData, options);
    if (smallest !== undefined) checkShardable(smallest, this.shards);
    return super.fit(data, options);
  }

  /** Stops the workers and returns the shards' memory; resolves when every worker thread has exited. */
  override async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    super.dispose();
    for (const shard of this.#shards) shard.dispose();
    this.#step.free();
    this.#reduce.free();
    await this.#pool.dispose();
  }

  /** Every shard's step on the pool, then the fixed-order sum of their gradients into the model's slab. */
  #gradients(staged: Staged): number {
    const count = this.#stagedCount;
    if (count === undefined)
      throw new ValueError('stage(batch, { training: true }) must come before update()');
    this.#stagedCount = undefined;
    const step = this.steps + 1;
    const model = this.model as SequenceModel;
    const { recurrent, head } = model.config;
    const streams = recurrent.dropout > 0 || head.dropout > 0 ? this.#shards.map((s) => s.model.dropout) : [];
    if (streams.length > 0) splitDropout(model.dropout, streams);
    const launch = this.#step;
    launch.clear();
    let scale = 0;
    for (const shard of this.#shards) {
      const recorded = shard.record(this.#recorder, count);
      launch.add(recorded.tape);
      scale = recorded.scale;
    }
    // A training step's work: about 6 flops per parameter and token (forward 2, backward 4).
    const threads = this.auto
      ? autoThreads(6 * model.slab.size * staged.T * staged.B, this.threads)
      : this.threads;
    const alone = threads === 1;
    this.lastThreads = threads;
    this.#pool.launch(launch.publish(), launch.count, alone);
    if (streams.length > 0) joinDropout(model.dropout, streams);
    let sum = 0;
    for (let s = 0; s < this.shards; s++) sum += launch.result(s);
    const loss = sum * scale;
    checkLoss(loss, step);
    this.#pool.launch(this.#reduceTable, this.#reduce.count, alone);
    checkGradients(this.model.slab, step);
    return loss;
  }

  /** Tasks of the sum: per chunk of the slab, grads = shard 0's, then += shard 1's, 2's, … in that order. */
  #recordReduction(): void {
    const slab = this.model.slab;
    const parts = this.#shards.map((s) => s.model.slab.grads.ptr);
    for (let start = 0; start < slab.size; start += REDUCE_CHUNK) {
      const n = Math.min(REDUCE_CHUNK, slab.size - start);
      const out = slab.grads.ptr + start * 4;
      const tape = this.#recorder.record(() => {
        const k = this.#recorder.rt.kernels;
        k.copy_f32(out, parts[0] + start * 4, n);
        for (let s = 1; s < parts.length; s++) k.add_f32(out, out, parts[s] + start * 4, n);
      });
      this.#reduce.add(tape);
    }
  }
}
