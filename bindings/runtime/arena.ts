// One arena per runtime: 16-byte-aligned blocks in linear memory, first fit with coalescing, and the one way
// the library views that memory from JavaScript. Memory grows only inside reserve(), which callers reach between
// kernel calls; a grow replaces the buffer, so every view is valid until the next grow and no longer: views by
// region or by pointer are built from the current buffer on each call, the whole-memory views are kept and
// rebuilt after a grow (for paths that run every step and must not allocate).

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
  /** The buffer the whole-memory views are over. */
  #viewed: ArrayBuffer | undefined;
  #memoryF32 = new Float32Array(0);
  #memoryI32 = new Int32Array(0);

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

  /** The floats of a live block. */
  f32(region: Region): Float32Array<ArrayBuffer> {
    return new Float32Array(this.memory.buffer, this.#block('arena.f32', region), region.length);
  }

  /** The 32-bit integers of a live block (token ids, lengths, targets). */
  i32(region: Region): Int32Array<ArrayBuffer> {
    return new Int32Array(this.memory.buffer, this.#block('arena.i32', region), region.length);
  }

  /** `length` floats from byte pointer `ptr`: a buffer inside a block (a workspace entry, a slab tensor). */
  f32At(ptr: number, length: number): Float32Array<ArrayBuffer> {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  /** `length` 32-bit integers from byte pointer `ptr`. */
  i32At(ptr: number, length: number): Int32Array<ArrayBuffer> {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  /** `length` doubles from byte pointer `ptr` (8-byte aligned): the thread pool's task tapes. */
  f64At(ptr: number, length: number): Float64Array<ArrayBuffer> {
    return new Float64Array(this.memory.buffer, ptr, length);
  }

  /** All of linear memory as floats, indexed by byte pointer / 4; the same array until the next grow. */
  get memoryF32(): Float32Array<ArrayBuffer> {
    if (this.memory.buffer !== this.#viewed) this.#view();
    return this.#memoryF32;
  }

  /** All of linear memory as 32-bit integers, indexed by byte pointer / 4; the same array until the next grow. */
  get memoryI32(): Int32Array<ArrayBuffer> {
    if (this.memory.buffer !== this.#viewed) this.#view();
    return this.#memoryI32;
  }

  #view(): void {
    const buffer = this.memory.buffer;
    this.#viewed = buffer;
    this.#memoryF32 = new Float32Array(buffer);
    this.#memoryI32 = new Int32Array(buffer);
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
