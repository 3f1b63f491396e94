// The loop every thread of a pool runs, the main thread included: take the next task of the current launch,
// replay its tape of kernel calls, count it done. Tasks are taken in any order by any thread, but each writes
// only its own buffers, so what a launch computes does not depend on which thread ran which task.
//
// The control block is a few Int32 words in shared linear memory. A launch publishes its task table, then a
// tagged ticket word NEXT = (generation tag << 16) | next index, then bumps GEN and wakes the workers. A task is
// taken by compare-and-swap on NEXT, so a thread still busy with an old launch can never take a task of a new
// one: its swap expects the old tag and fails.
//
// A tape is Float64 words: per call [kernel id, argument count, capture flag, ...arguments]. A task's result
// is the sum of what its captured calls returned (the loss kernels' sums).

import { KERNEL_NAMES } from '../../kernels-ts/abi.ts';

/** Int32 slots of the control block. */
export const GEN = 0;
export const NEXT = 1;
export const COUNT = 2;
export const DONE = 3;
/** 1 + index of the first task that threw; 0 when none did. */
export const FAIL = 4;
export const STOP = 5;
/** Float64 index of the task table: per task [tape start, tape end, result], Float64 indices. */
export const TABLE = 6;
/** Tasks run by worker threads since the pool started (how much the workers took part). */
export const BY_WORKERS = 7;
export const CONTROL_INTS = 8;

const TAG_SHIFT = 16;
const TAG_MASK = 0x7fff;
const INDEX_MASK = 0xffff;
/** Most tasks one launch can hold (the index field of NEXT). */
export const MAX_TASKS = INDEX_MASK;
/** Words per task in the table. */
export const TASK_WORDS = 3;
/** Words before a call's arguments. */
export const CALL_HEADER = 3;
/** Most arguments a kernel takes; replay passes this many and a kernel ignores the ones past its arity. */
export const MAX_ARGS = 16;

type KernelFn = (...args: number[]) => number | undefined;

/** The kernels of one instance, indexed by kernel id. */
export function kernelTable(exports: object): KernelFn[] {
  const table = exports as Record<string, KernelFn>;
  return KERNEL_NAMES.map((name) => table[name]);
}

/** The ticket word that opens launch `gen` at task 0. */
export const openTicket = (gen: number): number => (gen & TAG_MASK) << TAG_SHIFT;

/** Runs the calls of words [start, end) of `tape`; returns the sum of what the captured calls returned. */
export function replay(
  tape: Float64Array<ArrayBufferLike>,
  start: number,
  end: number,
  fns: readonly KernelFn[],
): number {
  let sum = 0;
  let i = start;
  while (i < end) {
    const fn = fns[tape[i]];
    const argc = tape[i + 1];
    const capture = tape[i + 2];
    const a = i + CALL_HEADER;
    const r = fn(
      tape[a],
      tape[a + 1],
      tape[a + 2],
      tape[a + 3],
      tape[a + 4],
      tape[a + 5],
      tape[a + 6],
      tape[a + 7],
      tape[a + 8],
      tape[a + 9],
      tape[a + 10],
      tape[a + 11],
      tape[a + 12],
      tape[a + 13],
      tape[a + 14],
      tape[a + 15],
    );
    if (capture !== 0 && r !== undefined) sum += r;
    i = a + argc;
  }
  return sum;
}

/** Linear memory as a thread sees it: a (shared) WebAssembly.Memory, or the ts backend's twin. */
interface Buffered {
  readonly buffer: ArrayBufferLike;
}

/** A thread's view of the pool: its kernels, the memory and the control block. */
export class TaskRunner {
  readonly #fns: readonly KernelFn[];
  readonly #memory: Buffered;
  readonly #controlPtr: number;
  /** What the last failing task threw on this thread. */
  error: unknown;
  #buffer: ArrayBufferLike | undefined;
  #control: Int32Array<ArrayBufferLike> = new Int32Array(0);
  #words: Float64Array<ArrayBufferLike> = new Float64Array(0);

  constructor(exports: object, memory: Buffered, controlPtr: number) {
    this.#fns = kernelTable(exports);
    this.#memory = memory;
    this.#controlPtr = controlPtr;
  }

  /** The control block, over the memory's current buffer (a grow replaces an unshared one). */
  get control(): Int32Array<ArrayBufferLike> {
    this.#refresh();
    return this.#control;
  }

  /** Takes and runs tasks of launch `gen` until none is left; returns how many this thread ran. */
  run(gen: number): number {
    const ctl = this.control;
    const tag = gen & TAG_MASK;
    let ran = 0;
    for (;;) {
      const ticket = Atomics.load(ctl, NEXT);
      if (ticket >>> TAG_SHIFT !== tag) return ran;
      const index = ticket & INDEX_MASK;
      const count = Atomics.load(ctl, COUNT);
      if (index >= count) return ran;
      if (Atomics.compareExchange(ctl, NEXT, ticket, ticket + 1) !== ticket) continue;
      this.#refresh();
      const words = this.#words;
      const at = Atomics.load(ctl, TABLE) + index * TASK_WORDS;
      try {
        words[at + 2] = replay(words, words[at], words[at + 1], this.#fns);
      } catch (error) {
        this.error = error;
        Atomics.compareExchange(ctl, FAIL, 0, index + 1);
      }
      ran++;
      if (Atomics.add(ctl, DONE, 1) + 1 === count) Atomics.notify(ctl, DONE);
    }
  }

  /** A worker's life: join the current launch, then sleep until the next one, until STOP. */
  serve(): void {
    const ctl = this.control;
    let seen = Atomics.load(ctl, GEN);
    for (;;) {
      if (Atomics.load(ctl, STOP) !== 0) return;
      const ran = this.run(seen);
      if (ran > 0) Atomics.add(ctl, BY_WORKERS, ran);
      Atomics.wait(ctl, GEN, seen);
      seen = Atomics.load(ctl, GEN);
    }
  }

  /** Views over the current buffer: another thread's grow gives a shared memory a longer one. */
  #refresh(): void {
    const buffer = this.#memory.buffer;
    if (buffer === this.#buffer) return;
    this.#buffer = buffer;
    this.#control = new Int32Array(buffer, this.#controlPtr, CONTROL_INTS);
    this.#words = new Float64Array(buffer, 0, Math.floor(buffer.byteLength / 8));
  }
}
