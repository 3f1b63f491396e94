// The dropout masks' generator: one sfc32 state (4 × u32) in linear memory, drawn from by the dropout_f32
// kernel, seeded from the library PRNG. Integer operations only, so every backend and engine draws the same
// masks; its state is a checkpoint's, so a resumed run drops out exactly the units the uninterrupted run did.

import { ValueError } from '../errors.ts';
import { Random } from '../random.ts';
import type { Region } from '../runtime/arena.ts';
import type { Runtime } from '../runtime/runtime.ts';

export class DropoutStream {
  readonly rt: Runtime;
  readonly #region: Region;

  constructor(rt: Runtime, seed: number) {
    this.rt = rt;
    this.#region = rt.arena.alloc(4);
    this.reseed(seed);
  }

  /** Byte pointer of the state, for dropout_f32. */
  get ptr(): number {
    return this.#region.ptr;
  }

  reseed(seed: number): void {
    // A stream of its own: the seed's words, mixed apart from the shuffling stream of the same seed.
    this.setState(new Random(seed ^ 0x6d2b79f5).getState().slice(0, 4));
  }

  getState(): number[] {
    return [...this.rt.arena.i32(this.#region)].map((v) => v >>> 0);
  }

  setState(words: readonly number[]): void {
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w))) {
      throw new ValueError(`dropout state must be 4 integers but got ${JSON.stringify(words)}`);
    }
    this.rt.arena.i32(this.#region).set(words.map((w) => w | 0));
  }

  free(): void {
    this.rt.arena.free(this.#region);
  }
}
