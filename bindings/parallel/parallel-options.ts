// The options a ParallelTrainer adds to a Trainer's, checked before anything is built, and the check of a
// batch size against the shard count (every batch must give each shard at least one row).

import { describe, ValueError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { MAX_TASKS } from '../runtime/threads/task-loop.ts';
import type { FitData, FitOptions } from '../train/fit.ts';
import type { TrainerOptions } from '../train/trainer.ts';

export interface ParallelOptions {
  /**
   * Threads that work on each batch, the calling thread included (torch.set_num_threads). Default: the cores
   * the engine reports, at most `shards`. 'auto': as many, but a step too small for the workers to pay for
   * waking them (see AUTO_MIN_FLOPS) runs on the calling thread alone. Where memory cannot be shared, training
   * runs on one thread.
   */
  threads?: number | 'auto';
  /**
   * Parts each batch is cut into, by rows (default 4). Fixed, unlike `threads`: the gradients of the parts are
   * summed in a fixed order, so the trained weights do not depend on the number of threads. A batch needs at
   * least this many rows.
   */
  shards?: number;
}

export type ParallelTrainerOptions = TrainerOptions & ParallelOptions;

export const DEFAULT_SHARDS = 4;

/** An integer option from 1 to max, or a ValueError naming it. */
export function count(name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new ValueError(`${name} must be an integer from 1 to ${max} but got ${describe(value)}`);
  }
  return value;
}

/**
 * Below this many floating-point operations a step (or a forward) is run by the calling thread alone under
 * threads: 'auto'. Waking a worker, waiting for the last shard and the fixed-order gradient sum cost about
 * 40 µs a training step on a 2-core x86-64 VM (a char-LSTM step of 0.75 MFLOP: 0.099 ms on 1 thread, 0.136 on 2);
 * 20 MFLOP is about 1 ms of work at this library's speed, where that cost is a few percent, and the smallest
 * standard training step (W3, ~0.2 GFLOP) is ten times above it (it scales ~1.9× on 2 free cores).
 */
export const AUTO_MIN_FLOPS = 20e6;

/** Threads a step of `flops` floating-point operations uses under 'auto', out of the `threads` the pool has. */
export function autoThreads(flops: number, threads: number): number {
  return flops >= AUTO_MIN_FLOPS ? threads : 1;
}

/** Checked threads (asked for; `cores` when absent or 'auto', at most shards), shards, and whether 'auto'. */
export function parallelOptions(
  options: ParallelOptions,
  cores: number,
): { threads: number; shards: number; auto: boolean } {
  const shards = count('shards', options.shards ?? DEFAULT_SHARDS, MAX_TASKS);
  const auto = options.threads === 'auto';
  const threads =
    options.threads === undefined || auto
      ? Math.max(1, Math.min(cores, shards))
      : count('threads', options.threads, 1024);
  return { threads, shards, auto };
}

/**
 * The threads that will run, of those asked for: 1 where `rt` has no shared memory, else at most `shards`; and
 * the notes that say why fewer run (also given once as a console warning). `owner` names whose runtime it is
 * ("model's"), `work` what then runs on one thread ("training").
 */
export function threadPlan(
  rt: Runtime,
  asked: { threads: number; shards: number },
  shared: boolean,
  owner: string,
  work: string,
): { threads: number; notes: string[] } {
  const notes: string[] = [];
  if (asked.threads > 1 && !shared) {
    const why = rt.notes.find((n) => n.startsWith('shared memory is not available'));
    notes.push(
      `threads: ${asked.threads} was asked for, but the ${owner} runtime has no shared memory ` +
        `(${why ?? 'it was not made by init({ shared: true })'}); ${work} runs on one thread, with the same results`,
    );
  }
  const threads = shared ? Math.min(asked.threads, asked.shards) : 1;
  if (threads < asked.threads && shared) {
    notes.push(
      `threads: ${asked.threads} was asked for, but ${asked.shards} shards keep at most ${threads} busy`,
    );
  }
  if (notes.length > 0) console.warn(`wasm-rnn: ${notes.join('; ')}`);
  return { threads, notes };
}

/** A batch of B rows cut into `shards` parts: at least one row each. */
export function checkShardable(B: number, shards: number): void {
  if (B < shards) {
    throw new ValueError(
      `a batch of ${B} rows cannot be cut into ${shards} shards (one row each at least); use larger batches or fewer shards`,
    );
  }
}

/** The smallest batch fit() will make of `data`, when its size can be told without building the dataset. */
export function smallestBatch(data: FitData, options: FitOptions): number | undefined {
  const size =
    (data as { size?: unknown }).size ?? (data as { inputs?: { length?: unknown } }).inputs?.length;
  const batchSize = options?.batchSize ?? 32;
  if (typeof size !== 'number' || !Number.isInteger(batchSize) || batchSize < 1 || size < 1) return undefined;
  const last = size % batchSize;
  return Math.min(size, options.dropLast || last === 0 ? batchSize : last);
}
