// A model's parameters in one contiguous slab, gradients in a second slab with the same layout
// (llm.c's fill_in_parameter_sizes + malloc_and_point_parameters): sizes first, one allocation, named views.

import { describe, MemoryLimitError, ShapeError, ValueError } from '../errors.ts';
import type { Region } from '../runtime/arena.ts';
import { MAX_PAGES, PAGE_BYTES } from '../runtime/memory.ts';
import { checkRuntime, type Runtime } from '../runtime/runtime.ts';

export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface SlabEntry extends TensorSpec {
  /** Offset from the slab's start, in floats; a multiple of 4 so every tensor is 16-byte aligned. */
  readonly offset: number;
  readonly length: number;
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The specs with a layer's name prefix: the names a shared slab holds them under. */
export const prefixed = (specs: readonly TensorSpec[], prefix: string): TensorSpec[] =>
  specs.map((s) => ({ name: prefix + s.name, shape: s.shape }));

/** Floats one slab may hold: parameters and their gradients (two slabs) together fit in 4 GiB of linear memory. */
export const MAX_SLAB_FLOATS = (MAX_PAGES * PAGE_BYTES) / 8;

/** A layer whose parameters cannot fit is refused from its sizes, before any tensor is listed or allocated. */
export function checkParamCount(count: number, sizes: string): void {
  if (!(count <= MAX_SLAB_FLOATS)) {
    throw new MemoryLimitError(
      `${sizes} ${count} parameters; with their gradients they need ${count * 8} bytes but linear memory holds 4 GiB`,
    );
  }
}

/** Each tensor starts on a 16-byte boundary (4 floats) for the SIMD kernels. */
const padded = (length: number) => Math.ceil(length / 4) * 4;

/** Floats a slab of `specs` holds (ParamSlab.size), computed without allocating it. */
export const slabSize = (specs: readonly TensorSpec[]): number =>
  specs.reduce((n, s) => n + padded(s.shape.reduce((a, b) => a * b, 1)), 0);

export class ParamSlab {
  readonly rt: Runtime;
  readonly entries: readonly SlabEntry[];
  /** Floats in each slab, padding included. */
  readonly size: number;
  readonly params: Region;
  readonly grads: Region;
  readonly #byName: Map<string, SlabEntry>;
  readonly #ownsParams: boolean;

  #freed = false;

  /** `params`: another slab's parameter block to read and update instead of a new one (a data-parallel replica). */
  constructor(rt: Runtime, specs: readonly TensorSpec[], params?: Region) {
    checkRuntime(rt);
    if (!Array.isArray(specs)) {
      throw new ValueError(`specs must be an array of { name, shape } but got ${describe(specs)}`);
    }
    const entries: SlabEntry[] = [];
    let offset = 0;
    for (const [i, spec] of specs.entries()) {
      if (typeof spec?.name !== 'string' || !Array.isArray(spec.shape)) {
        throw new ValueError(
          `specs[${i}] must be { name: string, shape: number[] } but got ${describe(spec)}`,
        );
      }
      if (spec.shape.some((d: unknown) => !Number.isInteger(d) || (d as number) < 0)) {
        throw new ShapeError(
          `specs[${i}] ${spec.name}: shape must be non-negative integers but got [${(spec.shape as unknown[]).map(describe).join(', ')}]`,
        );
      }
      const length = product(spec.shape);
      entries.push({ name: spec.name, shape: [...spec.shape], offset, length });
      offset += padded(length);
    }
    this.rt = rt;
    this.entries = entries;
    this.size = offset;
    this.#byName = new Map(entries.map((e) => [e.name, e]));
    if (this.#byName.size !== entries.length) {
      const seen = new Set<string>();
      const twice = entries.find((e) => seen.size === seen.add(e.name).size)?.name;
      throw new ValueError(`specs: tensor names must be unique but ${describe(twice)} appears twice`);
    }
    // Both slabs or neither: a size past linear memory is refused before anything is allocated, and a grow
    // that fails for the gradients returns the parameters' block instead of leaking it.
    checkParamCount(offset, 'ParamSlab: the specs hold');
    if (params !== undefined && params.length !== offset) {
      throw new ShapeError(
        `ParamSlab: shared parameters must hold ${offset} floats but hold ${params.length}`,
      );
    }
    this.#ownsParams = params === undefined;
    this.params = params ?? rt.arena.alloc(offset);
    try {
      this.grads = rt.arena.alloc(offset);
    } catch (error) {
      if (this.#ownsParams) rt.arena.free(this.params);
      throw error;
    }
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  entry(name: string): SlabEntry {
    if (this.#freed)
      throw new ValueError(`parameter ${describe(name)}: this slab was freed (its layer was disposed)`);
    const entry = this.#byName.get(name);
    if (entry === undefined) {
      throw new ValueError(
        `unknown parameter ${describe(name)}; expected one of ${[...this.#byName.keys()].join(', ')}`,
      );
    }
    return entry;
  }

  /** Byte pointer of a parameter tensor (for kernels). */
  paramPtr(name: string): number {
    return this.params.ptr + this.entry(name).offset * 4;
  }

  /** Byte pointer of a gradient tensor (for kernels). */
  gradPtr(name: string): number {
    return this.grads.ptr + this.entry(name).offset * 4;
  }

  /** A copy of a parameter tensor. */
  read(name: string): Float32Array {
    const e = this.entry(name);
    return this.rt.arena.f32At(this.params.ptr + e.offset * 4, e.length).slice();
  }

  /** A copy of a gradient tensor. */
  readGrad(name: string): Float32Array {
    const e = this.entry(name);
    return this.rt.arena.f32At(this.grads.ptr + e.offset * 4, e.length).slice();
  }

  /** Validates every value before writing any, so a bad array leaves the weights untouched. */
  write(name: string, values: ArrayLike<number>): void {
    const e = this.entry(name);
    if (!(values instanceof Float32Array) && !Array.isArray(values) && !ArrayBuffer.isView(values)) {
      throw new ValueError(
        `${name}: expected a Float32Array of ${e.length} values but got ${describe(values)}`,
      );
    }
    if (values.length !== e.length) {
      throw new ShapeError(
        `${name} must be [${e.shape.join(', ')}] (${e.length} values) but got ${values.length} values`,
      );
    }
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]))
        throw new ValueError(`${name}[${i}] must be finite but is ${values[i]}`);
    }
    this.rt.arena.f32At(this.params.ptr + e.offset * 4, e.length).set(values);
  }

  /** Zeroes every gradient: the one place gradients are cleared (backward only accumulates). */
  zeroGrad(): void {
    if (this.#freed) throw new ValueError('zeroGrad: this slab was freed (its layer was disposed)');
    this.rt.kernels.fill_f32(this.grads.ptr, 0, this.size);
  }

  /** True once free() ran: the slab's memory may belong to someone else now. */
  get freed(): boolean {
    return this.#freed;
  }

  free(): void {
    if (this.#freed) throw new ValueError('ParamSlab.free: this slab was already freed');
    this.#freed = true;
    if (this.#ownsParams) this.rt.arena.free(this.params);
    this.rt.arena.free(this.grads);
  }
}

/**
 * `value` itself when it is a live ParamSlab, else a ValueError naming `name`: an optimizer or a clip over a
 * look-alike object, or over a freed slab, would update memory that belongs to other tensors.
 */
export function checkSlab(value: unknown, name = 'slab'): ParamSlab {
  if (!(value instanceof ParamSlab)) {
    throw new ValueError(
      `${name} must be a ParamSlab (a layer's .slab or .params.slab) but got ${describe(value)}`,
    );
  }
  if (value.freed) throw new ValueError(`${name} was freed (its layer was disposed)`);
  return value;
}
