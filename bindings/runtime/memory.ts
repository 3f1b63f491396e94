// Linear memory's pages, and its ArrayBuffer twin for the ts backend.

import type { LinearMemory } from '../kernels-ts/linear-memory.ts';

export const PAGE_BYTES = 65536;
/** wasm32 addresses 2^16 pages of 64 KiB: 4 GiB. */
export const MAX_PAGES = 65536;

/** Same contract as WebAssembly.Memory over a plain ArrayBuffer, so offsets mean the same in every backend. */
export class ArrayBufferMemory implements LinearMemory {
  #buffer: ArrayBuffer;

  constructor(initialPages: number) {
    this.#buffer = new ArrayBuffer(initialPages * PAGE_BYTES);
  }

  get buffer(): ArrayBuffer {
    return this.#buffer;
  }

  grow(deltaPages: number): number {
    const previous = this.#buffer.byteLength / PAGE_BYTES;
    if (previous + deltaPages > MAX_PAGES) throw new RangeError('ArrayBufferMemory.grow: past 4 GiB');
    const next = new ArrayBuffer((previous + deltaPages) * PAGE_BYTES);
    new Uint8Array(next).set(new Uint8Array(this.#buffer));
    this.#buffer = next;
    return previous;
  }
}
