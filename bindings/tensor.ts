// A flat typed array with its shape: how layers take and give data (row-major, PyTorch's order).

import { describe, ShapeError } from './errors.ts';

export interface Tensor<A extends Float32Array | Int32Array = Float32Array> {
  readonly data: A;
  readonly shape: readonly number[];
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function tensor<A extends Float32Array | Int32Array>(data: A, shape: readonly number[]): Tensor<A> {
  return { data, shape: [...shape] };
}

/**
 * Checks that `value` is a tensor of the given array type whose shape matches `expected`
 * (null entries match any size), and that its data length agrees with its shape.
 */
export function checkTensor<A extends Float32Array | Int32Array>(
  name: string,
  value: unknown,
  kind: { new (n: number): A; name: string },
  expected: readonly (number | null)[],
): Tensor<A> {
  const t = value as Tensor<A> | undefined;
  const want = `[${expected.map((d) => d ?? '*').join(', ')}]`;
  if (t === null || typeof t !== 'object' || !(t.data instanceof kind) || !Array.isArray(t.shape)) {
    throw new ShapeError(
      `${name} must be { data: ${kind.name}, shape: ${want} } but got ${describe(t?.data ?? t)}`,
    );
  }
  const got = `[${t.shape.join(', ')}]`;
  if (
    t.shape.length !== expected.length ||
    t.shape.some((d, i) => expected[i] !== null && d !== expected[i])
  ) {
    throw new ShapeError(`${name} must be ${want} but got ${got}`);
  }
  if (t.shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ShapeError(`${name} must have positive integer sizes but got ${got}`);
  }
  if (t.data.length !== sizeOf(t.shape)) {
    throw new ShapeError(
      `${name} has shape ${got} (${sizeOf(t.shape)} values) but its data holds ${t.data.length}`,
    );
  }
  return t;
}
