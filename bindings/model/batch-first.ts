// predict(x, { batchFirst: true }): Keras's and PyTorch's (batch_first=True) [B, T, ...] layout in, [B, T, O]
// out. The kernels read time-major rows, so the input is transposed once into [T, B, ...] and a per-step
// output back; the layout is checked in the caller's own terms first, so an error names [B, T, F].

import { describe, ShapeError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import type { ModelConfig } from './sequence-config.ts';

/** [d0, d1, inner] → [d1, d0, inner]: rows of `inner` values, the two leading axes swapped. */
export function swapLeadingAxes<A extends Float32Array | Int32Array>(
  data: A,
  d0: number,
  d1: number,
  inner: number,
): A {
  const out = new (data.constructor as { new (n: number): A })(data.length);
  for (let i = 0; i < d0; i++) {
    for (let j = 0; j < d1; j++) {
      const from = (i * d1 + j) * inner;
      out.set(data.subarray(from, from + inner), (j * d0 + i) * inner);
    }
  }
  return out;
}

/** Batch-first inputs [B, T] (ids) or [B, T, F] (floats), checked, as the time-major tensor the model reads. */
export function timeMajorInputs(
  input: ModelConfig['input'],
  inputs: unknown,
): Tensor<Float32Array | Int32Array> {
  const ids = input.kind === 'tokens' || input.kind === 'embedding';
  const want = ids ? 'Int32Array token ids [B, T]' : `Float32Array [B, T, ${input.size}]`;
  const x = inputs as Tensor<Float32Array | Int32Array> | null;
  const shape = x?.shape;
  const data = x?.data;
  const ok =
    Array.isArray(shape) &&
    (ids ? data instanceof Int32Array : data instanceof Float32Array) &&
    shape.length === (ids ? 2 : 3) &&
    shape.every((d) => Number.isInteger(d) && d >= 1) &&
    (ids || shape[2] === input.size) &&
    data!.length === shape.reduce((a: number, b: number) => a * b, 1);
  if (!ok) {
    const got = Array.isArray(shape) ? `${describe(data)} of shape [${shape.join(', ')}]` : describe(x);
    throw new ShapeError(`inputs with batchFirst must be ${want} but got ${got}`);
  }
  const [B, T] = shape as number[];
  const inner = ids ? 1 : input.size;
  const swapped = swapLeadingAxes(data as Float32Array | Int32Array, B, T, inner);
  return { data: swapped, shape: ids ? [T, B] : [T, B, inner] };
}
