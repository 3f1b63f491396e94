// A kernel table that writes calls down instead of running them, so the JavaScript of a model's forward, loss
// and backward runs once on the main thread and any thread can then replay the kernels it called (task-loop.ts).
// Outside record() the calls run as usual (building a replica, loading a batch). This works because the model's
// passes choose their kernels and pointers from shapes and from data loaded before the pass, never from what an
// earlier kernel of the same pass computed; the one value a pass uses is the loss, which record() captures.

import { ValueError } from '../../errors.ts';
import { KERNEL_ARITY, KERNEL_NAMES, type KernelName, type Kernels } from '../../kernels-ts/abi.ts';
import { deriveRuntime, type Runtime } from '../runtime.ts';
import { CALL_HEADER, MAX_ARGS } from './task-loop.ts';

type KernelFn = (...args: number[]) => number | undefined;

export class TapeRecorder {
  /** A runtime whose kernels are this recorder's (same memory and arena as the runtime it wraps). */
  readonly rt: Runtime;
  #recording = false;
  #capture = false;
  #words = new Float64Array(1024);
  #length = 0;

  constructor(rt: Runtime) {
    const real = rt.kernels as unknown as Record<KernelName, KernelFn>;
    const proxy: Partial<Record<KernelName, KernelFn>> = {};
    KERNEL_NAMES.forEach((name, id) => {
      const arity = KERNEL_ARITY[name];
      if (arity > MAX_ARGS)
        throw new ValueError(`kernel ${name} takes ${arity} arguments; a tape holds ${MAX_ARGS}`);
      const run = real[name];
      proxy[name] = (...args: number[]) => (this.#recording ? this.#write(id, arity, args) : run(...args));
    });
    this.rt = deriveRuntime(rt, { kernels: proxy as unknown as Kernels });
  }

  /**
   * Runs `pass` with every kernel call written down; calls made inside `capture` mark their return value as the
   * task's result and return 1 meanwhile. Returns the words [kernel, argc, captured, ...args] of the calls.
   */
  record(pass: (capture: <T>(f: () => T) => T) => void): Float64Array {
    this.#length = 0;
    this.#recording = true;
    try {
      pass(this.#captured);
    } finally {
      this.#recording = false;
      this.#capture = false;
    }
    return this.#words.subarray(0, this.#length);
  }

  readonly #captured = <T>(f: () => T): T => {
    this.#capture = true;
    try {
      return f();
    } finally {
      this.#capture = false;
    }
  };

  #write(id: number, arity: number, args: number[]): number {
    const need = this.#length + CALL_HEADER + arity;
    if (need > this.#words.length) {
      const grown = new Float64Array(Math.max(need, this.#words.length * 2));
      grown.set(this.#words.subarray(0, this.#length));
      this.#words = grown;
    }
    const w = this.#words;
    let at = this.#length;
    w[at++] = id;
    w[at++] = arity;
    w[at++] = this.#capture ? 1 : 0;
    for (let i = 0; i < arity; i++) w[at++] = args[i];
    this.#length = at;
    return this.#capture ? 1 : 0;
  }
}
