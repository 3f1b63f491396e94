// Typed views over the runtime's memory for the TypeScript kernels, rebuilt only after a grow.

import type { LinearMemory } from './linear-memory.ts';

export class Heap {
  readonly #memory: LinearMemory;
  #buffer: ArrayBuffer | undefined;
  #f32 = new Float32Array(0);
  #i32 = new Int32Array(0);

  constructor(memory: LinearMemory) {
    this.#memory = memory;
  }

  get f32(): Float32Array {
    if (this.#memory.buffer !== this.#buffer) this.#refresh();
    return this.#f32;
  }

  get i32(): Int32Array {
    if (this.#memory.buffer !== this.#buffer) this.#refresh();
    return this.#i32;
  }

  #refresh(): void {
    this.#buffer = this.#memory.buffer;
    this.#f32 = new Float32Array(this.#buffer);
    this.#i32 = new Int32Array(this.#buffer);
  }
}

export const fround = Math.fround;
