// One arena per runtime: 16-byte-aligned blocks in linear memory, first fit with coalescing.
// Memory grows only inside reserve(), which callers reach between kernel calls; views are built from the
// current buffer on every access because a grow detaches the old one.

import { describe, MemoryLimitError, ValueError } from '../errors.ts';
import type { LinearMemory } from '../kernels-ts/linear-memory.ts';
import { MAX_PAGES, PAGE_BYTES } from './memory.ts';

const ALIGN = 16;
const MAX_BYTES = MAX_PAGES * PAGE_BYTES;

/** A block of the arena: `ptr` in bytes, `length` in elements of 4 bytes (f32 or i32). */
export interface Region {
  readonly ptr: number;
  readonly length: number;
}

interface FreeBlock {
  start: number;
  bytes: number;
}

const alignUp = (value: number): number => Math.ceil(value / ALIGN) * ALIGN;

export class Arena {
  readonly memory: LinearMemory;
  readonly base: number;
  #top: number;
  #free: FreeBlock[] = [];
  #live = new Map<number, number>();

  constructor(memory: LinearMemory, base: number) {
    this.memory = memory;
    // Offset 0 is never handed out, so a zero pointer always means "none".
    this.base = alignUp(Math.max(base, ALIGN));
    this.#top = this.base;
  }

  /** Bytes handed out and not freed. */
  get usedBytes(): number {
    let sum = 0;
    for (const bytes of this.#live.values()) sum += bytes;
    return sum;
  }

  /** Highest address ever handed out: the arena's footprint in linear memory. */
  get highWater(): number {
    return this.#top;
  }

  /** Grows linear memory so that `end` bytes are addressable. The only place memory grows. */
  reserve(end: number): void {
    if (end > MAX_BYTES) {
      throw new MemoryLimitError(
        `arena: ${end} bytes requested but linear memory is limited to 4 GiB (${MAX_BYTES} bytes)`,
      );
    }
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE_BYTES);
    try {
      this.memory.grow(pages);
    } catch (cause) {
      throw new MemoryLimitError(
        `arena: could not grow linear memory by ${pages} pages to ${end} bytes (${(cause as Error).message})`,
      );
    }
  }

  /** A zeroed block of `length` 4-byte elements. */
  alloc(length: number): Region {
    if (!Number.isInteger(length) || length < 0) {
      throw new ValueError(`arena.alloc: length must be a non-negative integer but got ${describe(length)}`);
    }
    if (length * 4 > MAX_BYTES) {
      throw new MemoryLimitError(
        `arena.alloc: length ${length} (${length * 4} bytes) is more than linear memory holds: it is limited to 4 GiB`,
      );
    }
    const bytes = alignUp(Math.max(length * 4, ALIGN));
    const ptr = this.#takeFree(bytes) ?? this.#bump(bytes);
    this.#live.set(ptr, bytes);
    new Uint8Array(this.memory.buffer, ptr, bytes).fill(0);
    return { ptr, length };
  }

  /** Returns a block to the arena; its views must not be used afterwards. */
  free(region: Region): void {
    const ptr = this.#block('arena.free', region);
    this.#insertFree({ start: ptr, bytes: this.#live.get(ptr)! });
    this.#live.delete(ptr);
  }

  f32(region: Region): Float32Array {
    return new Float32Array(this.memory.buffer, this.#block('arena.f32', region), region.length);
  }

  i32(region: Region): Int32Array {
    return new Int32Array(this.memory.buffer, this.#block('arena.i32', region), region.length);
  }

  /** The pointer of `region` when it is a live block of this arena holding `region.length` elements. */
  #block(method: string, region: Region): number {
    const ptr = (region as Partial<Region> | null)?.ptr;
    const bytes = typeof ptr === 'number' ? this.#live.get(ptr) : undefined;
    if (bytes === undefined) {
      throw new ValueError(
        `${method}: region ${describe(ptr ?? region)} is not a live block of this arena (one from alloc)`,
      );
    }
    const length = region.length;
    if (!Number.isInteger(length) || length < 0 || length * 4 > bytes) {
      throw new ValueError(
        `${method}: region.length must be an integer in [0, ${bytes / 4}] but got ${describe(length)}`,
      );
    }
    return ptr as number;
  }

  #bump(bytes: number): number {
    const ptr = this.#top;
    this.reserve(ptr + bytes);
    this.#top = ptr + bytes;
    return ptr;
  }

  #takeFree(bytes: number): number | undefined {
    const index = this.#free.findIndex((block) => block.bytes >= bytes);
    if (index < 0) return undefined;
    const block = this.#free[index];
    const ptr = block.start;
    if (block.bytes === bytes) this.#free.splice(index, 1);
    else {
      block.start += bytes;
      block.bytes -= bytes;
    }
    return ptr;
  }

  #insertFree(block: FreeBlock): void {
    const list = this.#free;
    let index = list.findIndex((other) => other.start > block.start);
    if (index < 0) index = list.length;
    list.splice(index, 0, block);
    // Coalesce with the following and the preceding neighbour.
    const next = list[index + 1];
    if (next && block.start + block.bytes === next.start) {
      block.bytes += next.bytes;
      list.splice(index + 1, 1);
    }
    const prev = list[index - 1];
    if (prev && prev.start + prev.bytes === block.start) {
      prev.bytes += block.bytes;
      list.splice(index, 1);
    }
    // A free block that ends at the top is returned to the bump region.
    const last = list[list.length - 1];
    if (last && last.start + last.bytes === this.#top) {
      this.#top = last.start;
      list.pop();
    }
  }
}
