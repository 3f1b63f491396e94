// Argument checks and normalisation shared by the data layer. Every error names the argument, what was
// expected and what came (DESIGN §6), so the user can fix the call without reading our source.

import { DataError, describe, MemoryLimitError, ShapeError } from '../errors.ts';
import { firstNonFinite, type Tensor } from '../tensor.ts';

/** A time series as rows (time steps) × cols (variables), row-major; `data` may be the caller's array. */
export interface Matrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/** What the series functions accept: one variable (Float32Array, number[]) or several (tensor [N, F]). */
export type SeriesInput = Float32Array | readonly number[] | Tensor<Float32Array>;

export function asMatrix(name: string, series: SeriesInput): Matrix {
  if (series instanceof Float32Array) return { data: series, rows: series.length, cols: 1 };
  if (Array.isArray(series)) return { data: Float32Array.from(series), rows: series.length, cols: 1 };
  const t = series as Partial<Tensor<Float32Array>> | null | undefined;
  if (t && t.data instanceof Float32Array && Array.isArray(t.shape)) {
    const [rows, cols = 1] = t.shape;
    if (t.shape.length <= 2 && rows * cols === t.data.length) return { data: t.data, rows, cols };
    throw new ShapeError(`${name} must be a tensor [N, F] but got shape [${t.shape.join(', ')}]`);
  }
  throw new ShapeError(
    `${name} must be a Float32Array, a number[] or a tensor [N, F] but got ${describe(t?.data ?? t)}`,
  );
}

/** Row-major [rows, cols] as a tensor; a single column stays 1-D [rows] when `squeeze` is set. */
export function matrixTensor(m: Matrix, squeeze = false): Tensor<Float32Array> {
  return { data: m.data, shape: squeeze && m.cols === 1 ? [m.rows] : [m.rows, m.cols] };
}

export { firstNonFinite };

/** `values` when every one is finite; else a DataError naming the first bad index (and how to fix it). */
export function finiteValues<V extends ArrayLike<number>>(name: string, values: V, hint?: string): V {
  const i = firstNonFinite(values);
  if (i >= 0) throw new DataError(`${name} holds ${values[i]} at index ${i}${hint ? `; ${hint}` : ''}`);
  return values;
}

/** Throws a DataError at the first NaN/Inf in a row-major matrix, naming its row and column. */
export function requireFiniteMatrix(name: string, m: Matrix, hint: string): void {
  const i = firstNonFinite(m.data);
  if (i < 0) return;
  const at = m.cols === 1 ? `index ${i}` : `row ${Math.floor(i / m.cols)}, column ${i % m.cols}`;
  throw new DataError(`${name} holds ${m.data[i]} at ${at}; ${hint}`);
}

/** A plain numeric array (number[] or a typed array) for metrics and baselines. */
export function asValues(name: string, values: unknown): ArrayLike<number> {
  if (Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView))) {
    return values as ArrayLike<number>;
  }
  const t = values as Partial<Tensor> | null | undefined;
  if (t && ArrayBuffer.isView(t.data)) return t.data as ArrayLike<number>;
  throw new ShapeError(`${name} must be a number[], a typed array or a tensor but got ${describe(values)}`);
}

/** Values one typed array made here may hold (4 GiB of f32): a size past it is a mistake, not a request. */
export const MAX_VALUES = 2 ** 30;

/** Refuses an array of `n` values past MAX_VALUES, naming what asked for it. */
export function checkLength(n: number, what: string): number {
  if (!(n <= MAX_VALUES)) {
    throw new MemoryLimitError(
      `${what} asks for ${n} values; an array here holds at most ${MAX_VALUES} (4 GiB of f32)`,
    );
  }
  return n;
}

/** An index list: an array or typed array of numbers (each checked where it is used). */
export function indexList(name: string, value: unknown): ArrayLike<number> {
  if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    throw new ShapeError(
      `${name} must be an array or a typed array of sample indices but got ${describe(value)}`,
    );
  }
  return value as ArrayLike<number>;
}
