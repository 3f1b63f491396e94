// Checks of what goes into a SequenceModel, run before any kernel: time-major inputs of the right kind and
// size, token ids in range, finite features, lengths within the batch. Errors name the batch row and step.

import { DataError, describe, ShapeError, ValueError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';

export interface InputShape {
  T: number;
  B: number;
}

/** Time-major inputs: Int32Array ids [T, B] (token or embedding input) or floats [T, B, features]. */
export type ModelInputs = Tensor<Float32Array | Int32Array>;

/** `input`: the model's input kind and size (ids: vocabulary; floats: features per step). */
export function checkInputs(
  input: { kind: string; size: number },
  inputs: unknown,
  name = 'inputs',
): InputShape {
  const c = { input };
  const x = inputs as Tensor<Float32Array | Int32Array> | undefined;
  const shape = x?.shape;
  const data = x?.data;
  const ids = c.input.kind === 'tokens' || c.input.kind === 'embedding';
  const want = ids ? 'Int32Array token ids [T, B]' : `Float32Array [T, B, ${c.input.size}]`;
  if (x === null || typeof x !== 'object' || !Array.isArray(shape)) {
    throw new ShapeError(
      `${name} must be a time-major tensor { data, shape } of ${want} but got ${describe(x)}`,
    );
  }
  const rank = ids ? 2 : 3;
  if (!(ids ? data instanceof Int32Array : data instanceof Float32Array) || shape.length !== rank) {
    throw new ShapeError(
      `${name} must be ${want} (time-major) but got ${describe(data)} of shape [${shape.join(', ')}]`,
    );
  }
  const values = data as Float32Array | Int32Array;
  const [T, B] = shape;
  for (const [axis, d] of [
    ['T', T],
    ['B', B],
  ] as const) {
    if (!Number.isInteger(d) || d < 1)
      throw new ShapeError(`${name}: ${axis} must be a positive integer but is ${d}`);
  }
  if (!ids && shape[2] !== c.input.size) {
    throw new ShapeError(
      `${name} must be [T, B, ${c.input.size}] (input.features) but got [${shape.join(', ')}]`,
    );
  }
  const width = ids ? 1 : c.input.size;
  if (values.length !== T * B * width) {
    throw new ShapeError(
      `${name} have shape [${shape.join(', ')}] but their data holds ${values.length} values`,
    );
  }
  if (ids) {
    const V = c.input.size;
    for (let i = 0; i < values.length; i++) {
      const id = values[i];
      if (id < 0 || id >= V) {
        throw new ValueError(
          `${name} hold token id ${id} at batch row ${i % B}, step ${Math.floor(i / B)}; the model's vocabulary is 0 to ${V - 1}`,
        );
      }
    }
    return { T, B };
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) {
      const row = Math.floor(i / width);
      throw new DataError(
        `${name} hold ${v} at batch row ${row % B}, step ${Math.floor(row / B)}, feature ${i % width}; fill or drop missing values first`,
      );
    }
  }
  return { T, B };
}

/**
 * One-to-many inputs [B, F] → time-major [T, B, F]: the vector at every step ('every') or at step 0 and zeros
 * after ('first'). Writes into `out` when it is given and large enough.
 */
export function expandVector(
  x: Float32Array,
  B: number,
  F: number,
  T: number,
  feed: 'every' | 'first',
  out?: Float32Array,
): Float32Array {
  const y = out && out.length >= T * B * F ? out.subarray(0, T * B * F) : new Float32Array(T * B * F);
  if (feed === 'first') y.fill(0, B * F);
  for (let t = 0; t < (feed === 'every' ? T : 1); t++) y.set(x.subarray(0, B * F), t * B * F);
  return y;
}

/** lengths [B]: integers in [1, T]; absent = every row has T steps. */
export function checkLengths(lengths: unknown, T: number, B: number): Int32Array | undefined {
  if (lengths === undefined) return undefined;
  if (!ArrayBuffer.isView(lengths) && !Array.isArray(lengths)) {
    throw new ShapeError(`lengths must be an Int32Array of ${B} step counts but got ${describe(lengths)}`);
  }
  const l = lengths as ArrayLike<number>;
  if (l.length !== B)
    throw new ShapeError(`lengths must hold ${B} values (one per batch row) but hold ${l.length}`);
  for (let b = 0; b < B; b++) {
    if (!Number.isInteger(l[b]) || l[b] < 1 || l[b] > T) {
      throw new ValueError(`lengths[${b}] must be an integer in [1, ${T}] (T) but is ${describe(l[b])}`);
    }
  }
  return l instanceof Int32Array ? l : Int32Array.from(l);
}
