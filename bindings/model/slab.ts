// A model's parameters in one contiguous slab, gradients in a second slab with the same layout
// (llm.c's fill_in_parameter_sizes + malloc_and_point_parameters): sizes first, one allocation, named views.

import { describe, ShapeError, ValueError } from '../errors.ts';
import type { Region } from '../runtime/arena.ts';
import type { Runtime } from '../runtime/runtime.ts';

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

export class ParamSlab {
  readonly rt: Runtime;
  readonly entries: readonly SlabEntry[];
  /** Floats in each slab, padding included. */
  readonly size: number;
  readonly params: Region;
  readonly grads: Region;
  readonly #byName: Map<string, SlabEntry>;
  readonly #ownsParams: boolean;

  /** `params`: another slab's parameter block to read and update instead of a new one (a data-parallel replica). */
  constructor(rt: Runtime, specs: readonly TensorSpec[], params?: Region) {
    const entries: SlabEntry[] = [];
    let offset = 0;
    for (const spec of specs) {
      if (spec.shape.some((d) => !Number.isInteger(d) || d < 0)) {
        throw new ShapeError(
          `${spec.name}: shape must be non-negative integers but got [${spec.shape.join(', ')}]`,
        );
      }
      const length = product(spec.shape);
      entries.push({ name: spec.name, shape: [...spec.shape], offset, length });
      offset += Math.ceil(length / 4) * 4;
    }
    this.rt = rt;
    this.entries = entries;
    this.size = offset;
    this.#byName = new Map(entries.map((e) => [e.name, e]));
    if (this.#byName.size !== entries.length) throw new ValueError('ParamSlab: tensor names must be unique');
    if (params !== undefined && params.length !== offset) {
      throw new ShapeError(
        `ParamSlab: shared parameters must hold ${offset} floats but hold ${params.length}`,
      );
    }
    this.#ownsParams = params === undefined;
    this.params = params ?? rt.arena.alloc(offset);
    this.grads = rt.arena.alloc(offset);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  entry(name: string): SlabEntry {
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
    return new Float32Array(this.rt.memory.buffer, this.params.ptr + e.offset * 4, e.length).slice();
  }

  /** A copy of a gradient tensor. */
  readGrad(name: string): Float32Array {
    const e = this.entry(name);
    return new Float32Array(this.rt.memory.buffer, this.grads.ptr + e.offset * 4, e.length).slice();
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
    new Float32Array(this.rt.memory.buffer, this.params.ptr + e.offset * 4, e.length).set(values);
  }

  /** Zeroes every gradient: the one place gradients are cleared (backward only accumulates). */
  zeroGrad(): void {
    this.rt.kernels.fill_f32(this.grads.ptr, 0, this.size);
  }

  free(): void {
    if (this.#ownsParams) this.rt.arena.free(this.params);
    this.rt.arena.free(this.grads);
  }
}
