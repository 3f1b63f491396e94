// Parameters of a small layer (Embedding, Dense, AttentionPooling) in a ParamSlab: the caller's shared slab
// (checked to hold every tensor with the right shape) or a new one, and whole-record get/set under PyTorch names.

import { describe, ShapeError, ValueError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { integer, optionsObject } from '../validate.ts';
import { ParamSlab, prefixed, type TensorSpec } from './slab.ts';

/** Options every small layer takes besides its sizes. */
export interface LayerCommon {
  /** Seed of the initialisation PRNG. Default 0. */
  seed?: number;
  /** A shared parameter slab holding paramSpecs(options) (a model's); absent = the layer makes its own. */
  slab?: ParamSlab;
  /** Prefix of this layer's names in a shared slab, e.g. 'decoder.'. Default ''. */
  prefix?: string;
}

/** The options every small layer takes besides its own. */
export const COMMON_KEYS = ['seed', 'slab', 'prefix'];

/** Checks the common options, and that every key is one of the layer's own `keys` or a common one. */
export function checkCommon(
  options: LayerCommon,
  layer: string,
  keys: readonly string[],
): { seed: number; prefix: string } {
  optionsObject(`${layer} options`, options, true, [...keys, ...COMMON_KEYS]);
  const seed = integer('seed', options.seed ?? 0);
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string') throw new ValueError(`prefix must be a string but got ${describe(prefix)}`);
  return { seed, prefix };
}

const lengthOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export class LayerParams {
  readonly rt: Runtime;
  readonly slab: ParamSlab;
  readonly prefix: string;
  /** PyTorch names (without the prefix) and shapes, in PyTorch's order. */
  readonly specs: readonly TensorSpec[];
  readonly #ownsSlab: boolean;
  #disposed = false;

  constructor(rt: Runtime, specs: readonly TensorSpec[], prefix: string, shared: ParamSlab | undefined) {
    this.rt = rt;
    this.specs = specs;
    this.prefix = prefix;
    const named = prefixed(specs, prefix);
    this.#ownsSlab = shared === undefined;
    this.slab = shared ?? new ParamSlab(rt, named);
    if (!(this.slab instanceof ParamSlab))
      throw new ValueError(`slab must be a ParamSlab but got ${describe(shared)}`);
    if (this.slab.rt !== rt) throw new ValueError('slab belongs to another runtime');
    for (const s of named) {
      const e = this.slab.entry(s.name);
      if (e.shape.join() !== s.shape.join()) {
        throw new ShapeError(
          `slab: ${s.name} must be [${s.shape.join(', ')}] but is [${e.shape.join(', ')}]`,
        );
      }
    }
  }

  /** Byte pointer of a parameter by its unprefixed name. */
  ptr(name: string): number {
    return this.slab.paramPtr(this.prefix + name);
  }

  /** Byte pointer of a parameter's gradient by its unprefixed name. */
  gradPtr(name: string): number {
    return this.slab.gradPtr(this.prefix + name);
  }

  write(name: string, values: Float32Array): void {
    this.slab.write(this.prefix + name, values);
  }

  get(grads: boolean): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const s of this.specs) {
      out[s.name] = grads ? this.slab.readGrad(this.prefix + s.name) : this.slab.read(this.prefix + s.name);
    }
    return out;
  }

  /** Validates the whole record (no unknown or missing name, lengths, finiteness) before writing any tensor. */
  set(record: Record<string, ArrayLike<number>>): void {
    if (record === null || typeof record !== 'object') {
      throw new ValueError(`setWeights: expected a record of Float32Arrays but got ${describe(record)}`);
    }
    const names = this.specs.map((s) => s.name);
    const extra = Object.keys(record).filter((n) => !names.includes(n));
    if (extra.length > 0) {
      throw new ValueError(`setWeights: unknown parameter ${extra.join(', ')}; expected ${names.join(', ')}`);
    }
    for (const s of this.specs) checkWeightValues(s, record[s.name]);
    for (const s of this.specs) this.slab.write(this.prefix + s.name, record[s.name]);
  }

  /** Zeroes this layer's gradients (only its own tensors when the slab is shared). */
  zeroGrad(): void {
    if (this.#ownsSlab) this.slab.zeroGrad();
    else for (const s of this.specs) this.rt.kernels.fill_f32(this.gradPtr(s.name), 0, lengthOf(s.shape));
  }

  /** Refuses `method` on a disposed layer, before it allocates or runs anything. */
  live(method: string): void {
    if (this.#disposed) throw new ValueError(`${method}: this layer was disposed`);
  }

  /** Idempotent, as dispose() is in tfjs: a second call does nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#ownsSlab) this.slab.free();
  }
}

/** One tensor of a setWeights record: present, an array of the spec's size, every value finite. */
export function checkWeightValues(spec: TensorSpec, values: ArrayLike<number> | undefined): void {
  const n = lengthOf(spec.shape);
  if (values === undefined) throw new ValueError(`setWeights: ${spec.name} is missing`);
  if (!ArrayBuffer.isView(values) && !Array.isArray(values)) {
    throw new ValueError(`setWeights: ${spec.name} must be a Float32Array but got ${describe(values)}`);
  }
  if (values.length !== n) {
    throw new ShapeError(
      `setWeights: ${spec.name} must be [${spec.shape.join(', ')}] (${n} values) but got ${values.length} values`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ValueError(`setWeights: ${spec.name}[${i}] must be finite but is ${values[i]}`);
    }
  }
}
