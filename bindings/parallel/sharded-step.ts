// A ParallelTrainer's step strategy (train/step-strategy.ts): the batch is cut into a fixed number of shards by
// rows, each shard's gradient is computed on whichever thread takes it (worker threads over the shared memory,
// and the calling thread), then the shard gradients are summed in shard order, chunk by chunk on every thread,
// into the model's gradient slab. The loss of every shard is divided by the whole batch's count, so the sum is
// the batch's gradient; the weights are bit-identical for any number of threads, and with shards: 1
// bit-identical to the Trainer's. Where the model's runtime has no shared memory, the same shards run on the
// calling thread (same weights), with a note and one console warning.

import { ValueError } from '../errors.ts';
import type { SequenceModel } from '../model/sequence-model.ts';
import type { Staged, StageMode, TrainBatch } from '../model/trainable.ts';
import { Launch } from '../runtime/threads/launch.ts';
import { TapeRecorder } from '../runtime/threads/tape-recorder.ts';
import { noteFailedStart, ThreadPool } from '../runtime/threads/thread-pool.ts';
import type { PoolSource } from '../runtime/threads/thread-support.ts';
import type { Tensor } from '../tensor.ts';
import type { FitData, FitOptions } from '../train/fit.ts';
import { checkLoss } from '../train/guard.ts';
import type { Loss } from '../train/loss.ts';
import type { LossSpec } from '../train/loss-spec.ts';
import type { StepStrategy } from '../train/step-strategy.ts';
import { isStream } from '../train/stream-eval.ts';
import { autoThreads, checkShardable, smallestBatch, threadPlan } from './parallel-options.ts';
import { Shard, shardRows } from './shard.ts';
import { joinDropout, splitDropout } from './shard-dropout.ts';

export const STATEFUL =
  'ParallelTrainer cuts every batch into shards, which cannot carry state between batches: stateful training and truncated BPTT over a stream run on the Trainer';

/** Floats of the gradient slab summed per reduction task: 64 KiB, so a task's sums stay in cache. */
const REDUCE_CHUNK = 16384;

export class ShardedStep implements StepStrategy {
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
  readonly #model: SequenceModel;
  readonly #loss: Loss;
  readonly #recorder: TapeRecorder;
  readonly #shards: Shard[];
  readonly #pool: ThreadPool;
  readonly #step: Launch;
  readonly #reduce: Launch;
  /** Float64 index of the reduction's task table, published once: its pointers never change. */
  readonly #reduceTable: number;
  /** The whole training batch's loss count, which each shard's mean divides by. */
  #count = 0;
  #disposed = false;

  constructor(
    model: SequenceModel,
    loss: Loss,
    lossSpec: LossSpec,
    asked: { threads: number; shards: number; auto: boolean },
    source: PoolSource | undefined,
  ) {
    this.#model = model;
    this.#loss = loss;
    this.shards = asked.shards;
    this.auto = asked.auto;
    const plan = threadPlan(model.rt, asked, source !== undefined, "model's", 'training');
    this.threads = plan.threads;
    this.notes = plan.notes;
    this.#recorder = new TapeRecorder(model.rt);
    this.#shards = Array.from({ length: this.shards }, () => new Shard(model, this.#recorder, lossSpec));
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

  /** Checks a batch through the model (as the Trainer does) and, for training, copies each shard's rows in. */
  stage(batch: TrainBatch, mode: StageMode): Staged {
    if (this.#disposed) throw new ValueError('this ParallelTrainer was disposed');
    if (mode?.stateful) throw new ValueError(STATEFUL);
    // The model's checks, and the whole batch's loss count (what each shard's mean divides by).
    const model = this.#model;
    const staged = model.stage(batch, this.#loss, { ...mode, training: false });
    if (!mode?.training) return staged;
    const { T, B } = staged;
    checkShardable(B, this.shards);
    const src = {
      inputs: model.expand(batch.inputs as Tensor, batch.targets.shape?.[0] ?? 1).data as
        | Float32Array
        | Int32Array,
      targets: batch.targets.data,
      mask: batch.mask,
      // Checked by the model's stage: integers in [1, T].
      lengths:
        batch.lengths === undefined || batch.lengths instanceof Int32Array
          ? batch.lengths
          : Int32Array.from(batch.lengths),
      T,
      B,
    };
    for (let s = 0; s < this.shards; s++) this.#shards[s].stage(src, ...shardRows(B, this.shards, s));
    this.#count = this.#loss.count;
    return staged;
  }

  /** Every shard's step on the pool, then the fixed-order sum of their gradients into the model's slab. */
  gradients(step: number, staged: Staged): number {
    const model = this.#model;
    const { recurrent, head } = model.config;
    const streams = recurrent.dropout > 0 || head.dropout > 0 ? this.#shards.map((s) => s.model.dropout) : [];
    if (streams.length > 0) splitDropout(model.dropout, streams);
    const launch = this.#step;
    launch.clear();
    let scale = 0;
    for (const shard of this.#shards) {
      const recorded = shard.record(this.#recorder, this.#count);
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
    return loss;
  }

  /** A stream carries state from window to window; every batch must give each shard a row. */
  checkFit(data: unknown, options: FitOptions): void {
    if (isStream(data)) throw new ValueError(STATEFUL);
    const smallest = smallestBatch(data as FitData, options);
    if (smallest !== undefined) checkShardable(smallest, this.shards);
  }

  /** Stops the workers and returns the shards' memory; settles when every worker thread has exited. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const shard of this.#shards) shard.dispose();
    this.#step.free();
    this.#reduce.free();
    await this.#pool.dispose();
  }

  /** Tasks of the sum: per chunk of the slab, grads = shard 0's, then += shard 1's, 2's, … in that order. */
  #recordReduction(): void {
    const slab = this.#model.slab;
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
