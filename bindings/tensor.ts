// A flat typed array with its shape: how layers take and give data (row-major, PyTorch's order).

import { DataError, describe, ShapeError } from './errors.ts';

export interface Tensor<A extends Float32Array | Int32Array = Float32Array> {
  readonly data: A;
  readonly shape: readonly number[];
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Index of the first NaN or ±Inf, or -1. `v - v` is NaN exactly for those, and is cheap. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    if (values[i] - values[i] !== 0) return i;
  }
  return -1;
}

/**
 * Refuses NaN or ±Inf in a float input of a layer, naming the index. A kernel would carry it into every output
 * and, through backward, into every gradient and weight; PyTorch propagates it silently, we stop at the door.
 */
export function requireFinite(name: string, values: Float32Array): void {
  const i = firstNonFinite(values);
  if (i >= 0) {
    // Gradients are named d… (dOut, dHn): a non-finite one comes from upstream, not from the data.
    const hint = /^d[A-Z]/.test(name)
      ? 'a gradient overflowed upstream (lower the learning rate, or clip gradients with clipGradNorm)'
      : 'fill missing values first (interpolateMissing)';
    throw new DataError(`${name}[${i}] is ${values[i]}; layers take finite values only: ${hint}`);
  }
}

/** A tensor over `data` (not copied); the shape must account for every value. */
export function tensor<A extends Float32Array | Int32Array>(data: A, shape: readonly number[]): Tensor<A> {
  if (!(data instanceof Float32Array) && !(data instanceof Int32Array)) {
    throw new ShapeError(`data must be a Float32Array or an Int32Array but got ${describe(data)}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError(`shape must be an array of non-negative integers but got ${describe(shape)}`);
  }
  if (sizeOf(shape) !== data.length) {
    throw new ShapeError(
      `shape [${shape.join(', ')}] holds ${sizeOf(shape)} values but data has ${data.length}`,
    );
  }
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
  const got = `[${t.shape.map(describe).join(', ')}]`;
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
  if (t.data instanceof Float32Array) requireFinite(name, t.data);
  return t;
}
