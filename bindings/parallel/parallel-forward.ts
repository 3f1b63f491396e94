// Batched inference on several threads: a recurrent layer's forward with the batch cut into shards by rows, each
// shard run by an engine of its own (the layer's parameters, its own workspace) on whichever thread takes it.
// No kernel mixes batch rows (the per-step GEMMs compute every row of h·W_hhᵀ alike, the gate loops go row by
// row), so the outputs and final states are bit-identical to layer.forward's for any number of threads and
// shards. The kernels read the weights from the layer's slab at each call: training between calls is seen.

import { describe, ValueError } from '../errors.ts';
import { Recurrent } from '../model/recurrent.ts';
import { RecurrentEngine } from '../model/recurrent-engine.ts';
import {
  checkForward,
  needInputs,
  type RecurrentOutput,
  type RecurrentState,
  stagedPass,
} from '../model/recurrent-io.ts';
import { Workspace } from '../model/workspace.ts';
import { Launch } from '../runtime/threads/launch.ts';
import { TapeRecorder } from '../runtime/threads/tape-recorder.ts';
import { MAX_TASKS } from '../runtime/threads/task-loop.ts';
import { noteFailedStart, ThreadPool } from '../runtime/threads/thread-pool.ts';
import type { Tensor } from '../tensor.ts';
import { optionsObject } from '../validate.ts';
import { autoThreads, count, threadPlan } from './parallel-options.ts';
import { copyRows, shardRows } from './shard.ts';

export interface ParallelForwardOptions {
  /**
   * Threads that run each forward, the calling thread included. Default: the cores the engine reports. 'auto':
   * as many, but a forward too small to pay for waking the workers (AUTO_MIN_FLOPS) runs on the calling thread.
   */
  threads?: number | 'auto';
  /** Parts each batch is cut into, by rows (default: `threads`; a batch of fewer rows gets one part a row). */
  shards?: number;
}

interface Part {
  engine: RecurrentEngine;
  io: Workspace;
}

export class ParallelForward {
  /** Threads that work on each forward (1 where memory cannot be shared), the calling thread included. */
  readonly threads: number;
  readonly shards: number;
  /** threads: 'auto' — see ParallelForwardOptions. */
  readonly auto: boolean;
  /** Why fewer threads run than were asked for, if they do. */
  readonly notes: readonly string[];
  /** Settles when every worker has started (forwards before then run on the threads already up). */
  readonly ready: Promise<void>;
  /** Threads the last forward was given (1 when 'auto' kept it on the calling thread; 0 before the first). */
  lastThreads = 0;
  readonly #layer: Recurrent;
  readonly #recorder: TapeRecorder;
  readonly #parts: Part[];
  readonly #pool: ThreadPool;
  readonly #launch: Launch;
  #disposed = false;

  constructor(layer: Recurrent, options: ParallelForwardOptions = {}) {
    if (!(layer instanceof Recurrent)) {
      throw new ValueError(`ParallelForward runs an RNN, LSTM or GRU layer but got ${describe(layer)}`);
    }
    if (layer.disposed) throw new ValueError('ParallelForward: the layer was disposed');
    optionsObject('ParallelForward options', options, false, ['threads', 'shards']);
    const source = layer.rt.threads;
    this.auto = options.threads === 'auto';
    const threads =
      options.threads === undefined || this.auto
        ? (source?.threads.cores() ?? 1)
        : count('threads', options.threads, 1024);
    this.shards = options.shards === undefined ? threads : count('shards', options.shards, MAX_TASKS);
    const plan = threadPlan(
      layer.rt,
      { threads, shards: this.shards },
      source !== undefined,
      "layer's",
      'the forward',
    );
    this.threads = plan.threads;
    this.notes = plan.notes;
    this.#layer = layer;
    this.#recorder = new TapeRecorder(layer.rt);
    this.#parts = Array.from({ length: this.shards }, () => ({
      engine: new RecurrentEngine(this.#recorder.rt, layer.config, layer.engine.units),
      io: new Workspace(layer.rt),
    }));
    this.#launch = new Launch(layer.rt);
    this.#pool = new ThreadPool(layer.rt, this.threads - 1, source);
    this.ready = this.#pool.ready;
    noteFailedStart(this.ready, this.notes as string[]);
  }

  /** Shard forwards the worker threads have run so far (the rest ran on the calling thread). */
  get workerTasks(): number {
    return this.#pool.workerTasks;
  }

  /** Worker threads still running (0 after dispose). */
  get liveWorkers(): number {
    return this.#pool.liveWorkers;
  }

  /** layer.forward's arguments and results (bit for bit), the batch's rows shared out among the threads. */
  forward(
    x: Tensor<Float32Array> | Tensor<Int32Array>,
    state: RecurrentState = {},
    options: { lengths?: ArrayLike<number> } = {},
  ): RecurrentOutput {
    this.#live('forward');
    const layer = this.#layer;
    const c = layer.config;
    const { input, h0, c0, lengths } = checkForward(c, layer.cell.hasCell, x, state, options);
    const { T, B, tokens } = input;
    const parts = Math.min(this.shards, B);
    const W = tokens ? 1 : c.I;
    const LD = c.L * c.D;
    const given = { h0, c0, lengths };
    // Every block first: a reallocation may grow memory, and no pointer taken before it stays valid.
    for (let s = 0; s < parts; s++) {
      const [start, end] = shardRows(B, parts, s);
      const n = end - start;
      const { engine, io } = this.#parts[s];
      needInputs(io, T, n, W, LD * n * c.H, given);
      engine.reserve(T, n, false, tokens, true);
    }
    const launch = this.#launch;
    launch.clear();
    for (let s = 0; s < parts; s++) {
      const [start, end] = shardRows(B, parts, s);
      const n = end - start;
      const { engine, io } = this.#parts[s];
      const memory = layer.rt.arena;
      const xs = tokens ? memory.i32At(io.ptr('x'), T * n) : memory.f32At(io.ptr('x'), T * n * W);
      copyRows(input.data, xs, T, B, W, start, end, c.batchFirst, false);
      if (lengths) memory.i32At(io.ptr('lengths'), n).set(lengths.subarray(start, end));
      // An [L·D, B, H] state is a time-major batch of L·D steps.
      if (h0) copyRows(h0, memory.f32At(io.ptr('init_h'), LD * n * c.H), LD, B, c.H, start, end);
      if (c0) copyRows(c0, memory.f32At(io.ptr('init_c'), LD * n * c.H), LD, B, c.H, start, end);
      launch.add(this.#recorder.record(() => engine.forward(stagedPass(io, T, n, tokens, given, true))));
    }
    // A forward's work: 2 flops per recurrent weight and token.
    const weights = layer.engine.units.reduce((sum, u) => sum + c.G * c.H * (u.inSize + c.H), 0);
    const threads = this.auto ? autoThreads(2 * weights * T * B, this.threads) : this.threads;
    this.lastThreads = threads;
    this.#pool.launch(launch.publish(), launch.count, threads === 1);
    return this.#gather(T, B, parts);
  }

  /** Ends the worker threads and returns every block; the layer is left as it was. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#pool.dispose();
    for (const { engine, io } of this.#parts) {
      engine.free();
      io.free();
    }
    this.#launch.free();
  }

  /** Each part's outputs and final states put back at its rows, in the user's layout. */
  #gather(T: number, B: number, parts: number): RecurrentOutput {
    const c = this.#layer.config;
    const memory = this.#layer.rt.arena;
    const DH = c.D * c.H;
    const outputs = new Float32Array(T * B * DH);
    const hN = new Float32Array(c.L * c.D * B * c.H);
    const cN = this.#layer.cell.hasCell ? new Float32Array(hN.length) : undefined;
    for (let s = 0; s < parts; s++) {
      const [start, end] = shardRows(B, parts, s);
      const n = end - start;
      const { engine } = this.#parts[s];
      copyRows(outputs, memory.f32At(engine.outputs, T * n * DH), T, B, DH, start, end, c.batchFirst, true);
      for (const u of engine.units) {
        const at = (u.index * B + start) * c.H;
        hN.set(memory.f32At(engine.finalState(u.index, 'h'), n * c.H), at);
        if (cN) cN.set(memory.f32At(engine.finalState(u.index, 'c'), n * c.H), at);
      }
    }
    const states = [c.L * c.D, B, c.H];
    const out = { data: outputs, shape: c.batchFirst ? [B, T, DH] : [T, B, DH] };
    return cN
      ? { outputs: out, hN: { data: hN, shape: states }, cN: { data: cN, shape: states } }
      : { outputs: out, hN: { data: hN, shape: states } };
  }

  #live(method: string): void {
    if (this.#disposed) throw new ValueError(`${method}: this ParallelForward was disposed`);
    if (this.#layer.disposed) throw new ValueError(`${method}: the ParallelForward's layer was disposed`);
  }
}
