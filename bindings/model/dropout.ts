// The dropout masks' generator: one sfc32 state (4 × u32) in linear memory, drawn from by the dropout_f32
// kernel, seeded from the library PRNG. Integer operations only, so every backend and engine draws the same
// masks; its state is a checkpoint's, so a resumed run drops out exactly the units the uninterrupted run did.

import { describe, ValueError } from '../errors.ts';
import { Random } from '../random.ts';
import type { Region } from '../runtime/arena.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { deriveSeed } from '../seed.ts';

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
    // A stream of its own, split from the seed as every component's is (bindings/seed.ts).
    this.setState(new Random(deriveSeed(seed, 'dropout')).getState().slice(0, 4));
  }

  getState(): number[] {
    return [...this.rt.arena.i32(this.#region)].map((v) => v >>> 0);
  }

  setState(words: readonly number[]): void {
    const uint32 = (w: unknown) => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w < 2 ** 32;
    if (!Array.isArray(words) || words.length !== 4 || !words.every(uint32)) {
      throw new ValueError(`dropout state must be 4 integers in [0, 2^32) but got ${describe(words)}`);
    }
    this.rt.arena.i32(this.#region).set(words.map((w) => w | 0));
  }

  free(): void {
    this.rt.arena.free(this.#region);
  }
}
