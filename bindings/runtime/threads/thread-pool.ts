// A pool of worker threads over one shared memory, and the calling thread as one more member: launch() publishes
// a task table, wakes the workers, takes tasks itself and returns when every task is done. A worker that is not
// running yet (still starting) simply takes no task, so results never depend on how many threads took part.

import { BackendError } from '../../errors.ts';
import type { Region } from '../arena.ts';
import type { Runtime } from '../runtime.ts';
import {
  BY_WORKERS,
  CONTROL_INTS,
  COUNT,
  DONE,
  FAIL,
  GEN,
  NEXT,
  openTicket,
  STOP,
  TABLE,
  TaskRunner,
} from './task-loop.ts';
import type { PoolSource, ThreadSupport, WorkerHandle, WorkerInit } from './thread-support.ts';

/** A worker, or a handle whose ready rejects with why it could not be made (e.g. execArgv a worker refuses). */
function spawnOrFail(threads: ThreadSupport, init: WorkerInit): WorkerHandle {
  try {
    return threads.spawn(init);
  } catch (error) {
    return { ready: Promise.reject(error), alive: false, terminate: async () => {} };
  }
}

/** Atomics.wait throws on a browser's main thread; there the caller spins on the done count instead. */
function canBlock(control: Int32Array): boolean {
  try {
    Atomics.wait(control, STOP, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Adds a note (and a console warning) to `notes` if a worker of a pool whose `ready` this is cannot start. */
export function noteFailedStart(ready: Promise<void>, notes: string[]): void {
  ready.catch((error: Error) => {
    const note = `a worker thread could not start (${error.message}); the others share the work`;
    notes.push(note);
    console.warn(`wasm-rnn: ${note}`);
  });
}

export class ThreadPool {
  readonly #rt: Runtime;
  readonly #control: Region;
  readonly #runner: TaskRunner;
  readonly #workers: WorkerHandle[];
  /** Each worker's GEMM packing scratch. */
  readonly #scratch: Region[];
  readonly #block: boolean;
  /** Settles when every worker has started (or the pool was disposed first); rejects with the first that could not. */
  readonly ready: Promise<void>;
  #disposed = false;

  /** `source` absent, or `workers` 0: the calling thread runs every task. */
  constructor(rt: Runtime, workers: number, source?: PoolSource) {
    this.#rt = rt;
    this.#control = rt.arena.alloc(CONTROL_INTS);
    this.#runner = new TaskRunner(rt.kernels, rt.memory, this.#control.ptr);
    this.#scratch = [];
    this.#workers = [];
    for (let w = 0; source !== undefined && w < workers; w++) {
      const bytes = (rt.kernels as unknown as { gemm_scratch_bytes(): number }).gemm_scratch_bytes();
      const region = rt.arena.alloc(bytes / 4 + 16);
      this.#scratch.push(region);
      const init = {
        module: source.module,
        memory: source.memory,
        control: this.#control.ptr,
        scratch: Math.ceil(region.ptr / 64) * 64,
      };
      this.#workers.push(spawnOrFail(source.threads, init));
    }
    this.#block = this.#workers.length > 0 && canBlock(this.#runner.control);
    this.ready = Promise.all(this.#workers.map((w) => w.ready)).then(() => undefined);
  }

  /** Tasks the worker threads have run (the rest ran on the calling thread). */
  get workerTasks(): number {
    return Atomics.load(this.#runner.control, BY_WORKERS);
  }

  /** Workers (not counting the calling thread) whose threads have not exited. */
  get liveWorkers(): number {
    return this.#workers.filter((w) => w.alive).length;
  }

  /**
   * Runs the `count` tasks of the table at Float64 index `table` on every thread; returns when all are done.
   * `alone`: the workers are not woken, so the calling thread runs the tasks (a worker still awake from the last
   * launch may take one; results never depend on which thread runs a task).
   */
  launch(table: number, count: number, alone = false): void {
    if (this.#disposed) throw new BackendError('this thread pool was disposed');
    const ctl = this.#runner.control;
    const gen = (Atomics.load(ctl, GEN) + 1) | 0;
    Atomics.store(ctl, TABLE, table);
    Atomics.store(ctl, COUNT, count);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAIL, 0);
    Atomics.store(ctl, NEXT, openTicket(gen));
    Atomics.store(ctl, GEN, gen);
    if (this.#workers.length > 0 && !alone) Atomics.notify(ctl, GEN);
    this.#runner.run(gen);
    for (let done = Atomics.load(ctl, DONE); done < count; done = Atomics.load(ctl, DONE)) {
      if (this.#block) Atomics.wait(ctl, DONE, done);
    }
    const failed = Atomics.load(ctl, FAIL);
    if (failed !== 0) {
      const cause = this.#runner.error;
      throw new BackendError(
        `task ${failed - 1} of ${count} failed${cause ? ` (${(cause as Error).message})` : ' in a worker thread'}`,
      );
    }
  }

  /** Stops and terminates every worker; resolves when their threads have exited. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const ctl = this.#runner.control;
    Atomics.store(ctl, STOP, 1);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    await Promise.all(this.#workers.map((w) => w.terminate()));
    for (const region of this.#scratch) this.#rt.arena.free(region);
    this.#rt.arena.free(this.#control);
  }
}
