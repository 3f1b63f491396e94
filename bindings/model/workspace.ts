// Named scratch blocks in the runtime's arena, sized by (T, B) and reused across calls: a block is
// reallocated only when a call needs more than it holds, so steady-state training allocates nothing.
// Call need() for every block before the first kernel of a pass: a reallocation may grow linear memory.

import type { Region } from '../runtime/arena.ts';
import type { Runtime } from '../runtime/runtime.ts';

export class Workspace {
  readonly #rt: Runtime;
  readonly #blocks = new Map<string, Region>();

  constructor(rt: Runtime) {
    this.#rt = rt;
  }

  /** Byte pointer of block `name` holding at least `length` 4-byte elements (0 when length is 0). */
  need(name: string, length: number): number {
    if (length === 0) return 0;
    const have = this.#blocks.get(name);
    if (have !== undefined && have.length >= length) return have.ptr;
    if (have !== undefined) this.#rt.arena.free(have);
    const region = this.#rt.arena.alloc(length);
    this.#blocks.set(name, region);
    return region.ptr;
  }

  /** Pointer of a block already sized by need(). */
  ptr(name: string): number {
    return this.#blocks.get(name)?.ptr ?? 0;
  }

  /** Total floats held, for tests of the no-growth guarantee. */
  get length(): number {
    let n = 0;
    for (const r of this.#blocks.values()) n += r.length;
    return n;
  }

  free(): void {
    for (const r of this.#blocks.values()) this.#rt.arena.free(r);
    this.#blocks.clear();
  }
}
