// Per-column scalers as in scikit-learn. Fit them on the training split only: statistics taken from validation
// or test rows leak the future into training and flatter every reported error. Both store x' = (x − offset) /
// scale per column, so transform and inverse share one code path; `toJSON` is saved with the model so that
// predictions can be mapped back to the data's units at inference.
// NaN counts as missing (ignored by fit, kept by transform); ±Inf is an error.

import { DataError, describe, ShapeError, ValueError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { finiteNumber } from '../validate.ts';
import { asMatrix, type Matrix, type SeriesInput } from './args.ts';

export interface ScalerJSON {
  kind: 'standard' | 'minmax';
  offset: number[];
  scale: number[];
  range?: [number, number];
}

abstract class Scaler {
  offset: Float64Array | undefined;
  scale: Float64Array | undefined;
  abstract readonly kind: 'standard' | 'minmax';

  /** Sets offset and scale from per-column statistics of `m`. */
  protected abstract fitMatrix(m: Matrix): void;
  /** An unfitted scaler of the same kind and settings. */
  protected abstract blank(): Scaler;

  fit(series: SeriesInput): this {
    const m = asMatrix('series', series);
    for (let i = 0; i < m.data.length; i++) {
      const v = m.data[i];
      if (v === Infinity || v === -Infinity) {
        throw new DataError(`series holds ${v} at row ${Math.floor(i / m.cols)}, column ${i % m.cols}`);
      }
    }
    this.fitMatrix(m);
    return this;
  }

  transform(series: Tensor<Float32Array>): Tensor<Float32Array>;
  transform(series: Float32Array | readonly number[]): Float32Array;
  transform(series: SeriesInput): Float32Array | Tensor<Float32Array> {
    return this.#apply(series, false);
  }

  inverseTransform(series: Tensor<Float32Array>): Tensor<Float32Array>;
  inverseTransform(series: Float32Array | readonly number[]): Float32Array;
  inverseTransform(series: SeriesInput): Float32Array | Tensor<Float32Array> {
    return this.#apply(series, true);
  }

  /** Scaling of some columns only, e.g. to map a model's predicted target column back to data units. */
  select(columns: readonly number[]): this {
    const { offset, scale } = this.#fitted();
    if (!Array.isArray(columns) || columns.length === 0) {
      throw new ShapeError(
        `columns must be a non-empty array of column indices but got ${describe(columns)}`,
      );
    }
    const json = this.toJSON();
    json.offset = columns.map((c) => at(offset, c));
    json.scale = columns.map((c) => at(scale, c));
    return restore(this.blank(), json) as this;
  }

  toJSON(): ScalerJSON {
    const { offset, scale } = this.#fitted();
    return { kind: this.kind, offset: [...offset], scale: [...scale] };
  }

  #fitted(): { offset: Float64Array; scale: Float64Array } {
    if (!this.offset || !this.scale)
      throw new ValueError(`${this.constructor.name} is not fitted; call fit(train) first`);
    return { offset: this.offset, scale: this.scale };
  }

  #apply(series: SeriesInput, inverse: boolean): Float32Array | Tensor<Float32Array> {
    const { offset, scale } = this.#fitted();
    const { data, cols, shape } = columnsOf(series);
    if (cols !== offset.length) {
      throw new ShapeError(`series has ${cols} columns but the scaler was fitted on ${offset.length}`);
    }
    const out = new Float32Array(data.length);
    for (let i = 0; i < out.length; i++) {
      const c = i % cols;
      out[i] = inverse ? data[i] * scale[c] + offset[c] : (data[i] - offset[c]) / scale[c];
    }
    return shape ? { data: out, shape } : out;
  }
}

/** Arrays are one column; a tensor of any rank has its last axis as columns (windows [N, lookback, F] too). */
function columnsOf(series: SeriesInput): { data: ArrayLike<number>; cols: number; shape?: number[] } {
  if (series instanceof Float32Array || Array.isArray(series)) return { data: series, cols: 1 };
  const t = series as Partial<Tensor<Float32Array>> | null;
  if (t?.data instanceof Float32Array && Array.isArray(t.shape) && t.shape.length > 0) {
    if (t.shape.reduce((a, b) => a * b, 1) === t.data.length) {
      return { data: t.data, cols: t.shape[t.shape.length - 1], shape: [...t.shape] };
    }
  }
  throw new ShapeError(
    `series must be a Float32Array, a number[] or a tensor but got ${describe(t?.data ?? t)}`,
  );
}

const at = (a: Float64Array, c: number): number => {
  if (!Number.isInteger(c) || c < 0 || c >= a.length) {
    throw new ValueError(`columns holds ${describe(c)}, not one of the scaler's columns 0..${a.length - 1}`);
  }
  return a[c];
};

/** Finite values of column c, counted and summed with a callback (NaN = missing, skipped). */
function eachObserved(m: Matrix, c: number, f: (v: number) => void): number {
  let n = 0;
  for (let r = 0; r < m.rows; r++) {
    const v = m.data[r * m.cols + c];
    if (Number.isNaN(v)) continue;
    f(v);
    n++;
  }
  if (n === 0) throw new DataError(`series column ${c} has no observed value to fit the scaler on`);
  return n;
}

/** z = (x − mean) / std, std the population one (ddof 0, as scikit-learn); a constant column gets std 1. */
export class StandardScaler extends Scaler {
  readonly kind = 'standard';

  protected fitMatrix(m: Matrix): void {
    this.offset = new Float64Array(m.cols);
    this.scale = new Float64Array(m.cols);
    for (let c = 0; c < m.cols; c++) {
      let sum = 0;
      const n = eachObserved(m, c, (v) => {
        sum += v;
      });
      const mean = sum / n;
      let ss = 0;
      eachObserved(m, c, (v) => {
        ss += (v - mean) * (v - mean);
      });
      const std = Math.sqrt(ss / n);
      this.offset[c] = mean;
      this.scale[c] = std > 0 ? std : 1;
    }
  }

  protected blank(): StandardScaler {
    return new StandardScaler();
  }

  static fromJSON(json: ScalerJSON): StandardScaler {
    return restore(new StandardScaler(), json);
  }
}

/** x' = lo + (x − min)·(hi − lo)/(max − min) per column; a constant column maps to lo. */
export class MinMaxScaler extends Scaler {
  readonly kind = 'minmax';
  readonly range: [number, number];

  constructor(range: [number, number] = [0, 1]) {
    super();
    const [lo, hi] = [finiteNumber('range[0]', range?.[0]), finiteNumber('range[1]', range?.[1])];
    if (!(lo < hi)) throw new ValueError(`range must be [lo, hi] with lo < hi but got [${lo}, ${hi}]`);
    this.range = [lo, hi];
  }

  protected fitMatrix(m: Matrix): void {
    const [lo, hi] = this.range;
    this.offset = new Float64Array(m.cols);
    this.scale = new Float64Array(m.cols);
    for (let c = 0; c < m.cols; c++) {
      let min = Infinity;
      let max = -Infinity;
      eachObserved(m, c, (v) => {
        min = Math.min(min, v);
        max = Math.max(max, v);
      });
      const scale = max > min ? (max - min) / (hi - lo) : 1;
      this.scale[c] = scale;
      this.offset[c] = min - lo * scale;
    }
  }

  protected blank(): MinMaxScaler {
    return new MinMaxScaler(this.range);
  }

  override toJSON(): ScalerJSON {
    return { ...super.toJSON(), range: [...this.range] };
  }

  static fromJSON(json: ScalerJSON): MinMaxScaler {
    return restore(new MinMaxScaler(json?.range), json);
  }
}

function restore<S extends Scaler>(scaler: S, json: ScalerJSON): S {
  const ok =
    json?.kind === scaler.kind &&
    Array.isArray(json.offset) &&
    Array.isArray(json.scale) &&
    json.offset.length === json.scale.length &&
    [...json.offset, ...json.scale].every(Number.isFinite) &&
    json.scale.every((s) => s !== 0);
  if (!ok) throw new ValueError(`not a saved ${scaler.kind} scaler: ${describe(json)}`);
  scaler.offset = Float64Array.from(json.offset);
  scaler.scale = Float64Array.from(json.scale);
  return scaler;
}
