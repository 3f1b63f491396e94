// A whole model's parameters as a record by PyTorch name (its state dict), read from and written to one slab.
// Writing checks every name, size and value before the slab changes, so a bad record leaves the weights alone.

import { ValueError } from '../errors.ts';
import { ParamSlab } from './slab.ts';

export function readRecord(slab: ParamSlab, grads: boolean): Record<string, Float32Array> {
  return Object.fromEntries(
    slab.entries.map((e) => [e.name, grads ? slab.readGrad(e.name) : slab.read(e.name)]),
  );
}

export function writeRecord(slab: ParamSlab, record: Record<string, ArrayLike<number>>): void {
  const names = new Set(slab.entries.map((e) => e.name));
  const unknown = Object.keys(record ?? {}).filter((n) => !names.has(n));
  if (record === null || typeof record !== 'object' || unknown.length > 0) {
    throw new ValueError(
      `setWeights: unknown parameter ${unknown.join(', ')}; expected ${[...names].join(', ')}`,
    );
  }
  // Written into a scratch slab first (each write checks its tensor), then copied over in one kernel call.
  const staged = new ParamSlab(slab.rt, slab.entries);
  try {
    for (const e of slab.entries) {
      if (record[e.name] === undefined) throw new ValueError(`setWeights: ${e.name} is missing`);
      staged.write(e.name, record[e.name]);
    }
    slab.rt.kernels.copy_f32(slab.params.ptr, staged.params.ptr, slab.size);
  } finally {
    staged.free();
  }
}

/** The state-dict methods of a model whose parameters all live in one slab (SequenceModel, Seq2Seq). */
export abstract class SlabModel {
  abstract readonly slab: ParamSlab;

  /** Copies of every parameter under its PyTorch name (the state dict of the equivalent nn.Module). */
  getWeights(): Record<string, Float32Array> {
    return readRecord(this.slab, false);
  }

  /** Copies of every accumulated gradient by PyTorch name. */
  gradients(): Record<string, Float32Array> {
    return readRecord(this.slab, true);
  }

  /** Sets every parameter by PyTorch name; the whole record is checked (names, sizes, finite) before any write. */
  setWeights(record: Record<string, ArrayLike<number>>): void {
    writeRecord(this.slab, record);
  }

  /** Zeroes every gradient: one kernel call over the slab. */
  zeroGrad(): void {
    this.slab.zeroGrad();
  }
}
