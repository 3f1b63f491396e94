// The tapes of one launch in linear memory, where every thread reads them: [task table | tapes | padding].
// Tapes are gathered on the JavaScript heap and copied in by publish(); the block in the arena is reallocated
// only when a launch needs more room than any before it, so steady-state steps allocate nothing there.

import type { Region } from '../arena.ts';
import type { Runtime } from '../runtime.ts';
import { MAX_ARGS, MAX_TASKS, TASK_WORDS } from './task-loop.ts';

export class Launch {
  readonly #rt: Runtime;
  #region: Region | undefined;
  #staging = new Float64Array(4096);
  #length = 0;
  #bounds: number[] = [];
  /** Float64 index of the published task table. */
  #table = 0;

  constructor(rt: Runtime) {
    this.#rt = rt;
  }

  get count(): number {
    return this.#bounds.length / 2;
  }

  clear(): void {
    this.#length = 0;
    this.#bounds.length = 0;
  }

  /** Appends a task that replays `tape` (copied now). */
  add(tape: Float64Array): void {
    if (this.count >= MAX_TASKS) throw new RangeError(`a launch holds at most ${MAX_TASKS} tasks`);
    const end = this.#length + tape.length;
    if (end > this.#staging.length) {
      const grown = new Float64Array(Math.max(end, this.#staging.length * 2));
      grown.set(this.#staging.subarray(0, this.#length));
      this.#staging = grown;
    }
    this.#staging.set(tape, this.#length);
    this.#bounds.push(this.#length, end);
    this.#length = end;
  }

  /** Copies the table and tapes into linear memory (growing it if needed); returns the table's Float64 index. */
  publish(): number {
    const count = this.count;
    const words = count * TASK_WORDS + this.#length + MAX_ARGS;
    if (this.#region === undefined || this.#region.length < words * 2) {
      if (this.#region !== undefined) this.#rt.arena.free(this.#region);
      this.#region = this.#rt.arena.alloc(words * 2);
    }
    const base = this.#region.ptr / 8;
    const out = this.#rt.arena.f64At(this.#region.ptr, words);
    const tapes = count * TASK_WORDS;
    for (let i = 0; i < count; i++) {
      out[i * TASK_WORDS] = base + tapes + this.#bounds[2 * i];
      out[i * TASK_WORDS + 1] = base + tapes + this.#bounds[2 * i + 1];
      out[i * TASK_WORDS + 2] = 0;
    }
    out.set(this.#staging.subarray(0, this.#length), tapes);
    out.fill(0, tapes + this.#length);
    this.#table = base;
    return base;
  }

  /** What task i's captured calls returned, after the launch ran. */
  result(i: number): number {
    return this.#rt.arena.f64At(this.#table * 8 + (i * TASK_WORDS + 2) * 8, 1)[0];
  }

  free(): void {
    if (this.#region !== undefined) this.#rt.arena.free(this.#region);
    this.#region = undefined;
  }
}
