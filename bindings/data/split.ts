// Chronological train / validation / test split. A time series is never shuffled before splitting: the model
// must be judged on a future it has not seen, so train comes first, then validation, then test.

import { describe, ValueError } from '../errors.ts';
import { optionsObject } from '../options.ts';
import type { Tensor } from '../tensor.ts';
import { asMatrix, nonNegativeInt, type SeriesInput } from './args.ts';

export interface SplitFractions {
  train: number;
  /** Default 0. */
  validation?: number;
  /** Default: the rest, 1 − train − validation. */
  test?: number;
}

/** Half-open row ranges [start, end). */
export interface SplitRanges {
  train: [number, number];
  validation: [number, number];
  test: [number, number];
}

export interface SplitOptions {
  /**
   * Rows of history prepended to validation and test (usually the lookback), so their first window can predict
   * the split's first row. Those rows are inputs only: with windows the targets stay inside their split.
   */
  context?: number;
}

export interface SeriesSplit<S> {
  train: S;
  validation: S;
  test: S;
  /** Rows owned by each split, context excluded. */
  ranges: SplitRanges;
}

/** Row ranges for `n` rows: train = ⌊n·train⌋ rows, validation = ⌊n·(train+validation)⌋ − that, test the rest. */
export function splitRanges(n: number, fractions: SplitFractions): SplitRanges {
  nonNegativeInt('n', n);
  optionsObject('fractions ({ train, validation, test })', fractions, true);
  const train = fraction('train', fractions.train);
  const validation = fraction('validation', fractions.validation ?? 0);
  const test = fraction('test', fractions.test ?? Math.max(0, 1 - train - validation));
  if (train + validation + test > 1 + 1e-9) {
    throw new ValueError(`train + validation + test must be ≤ 1 but got ${train} + ${validation} + ${test}`);
  }
  // The epsilon absorbs float sums such as 0.7 + 0.1 = 0.7999…, which would floor 20 rows to 15 instead of 16.
  const a = Math.floor(n * train + 1e-9);
  const b = Math.floor(n * (train + validation) + 1e-9);
  const c = Math.min(n, Math.round(n * (train + validation + test)));
  if (a === 0) throw new ValueError(`train fraction ${train} of ${n} rows leaves no training rows`);
  return { train: [0, a], validation: [a, b], test: [b, c] };
}

function fraction(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new ValueError(`${name} must be a fraction in [0, 1] but got ${describe(value)}`);
  }
  return value;
}

/** Splits a series by rows; the parts are views (no copy) of the same kind as the input. */
export function chronologicalSplit(
  series: Tensor<Float32Array>,
  fractions: SplitFractions,
  options?: SplitOptions,
): SeriesSplit<Tensor<Float32Array>>;
export function chronologicalSplit(
  series: Float32Array | readonly number[],
  fractions: SplitFractions,
  options?: SplitOptions,
): SeriesSplit<Float32Array>;
export function chronologicalSplit(
  series: SeriesInput,
  fractions: SplitFractions,
  options: SplitOptions = {},
): SeriesSplit<Float32Array | Tensor<Float32Array>> {
  const m = asMatrix('series', series);
  const context = nonNegativeInt(
    'context',
    optionsObject('chronologicalSplit options', options).context ?? 0,
  );
  const ranges = splitRanges(m.rows, fractions);
  const isTensor = !(series instanceof Float32Array) && !Array.isArray(series);
  const part = ([start, end]: [number, number], ctx: number) => {
    const s = Math.max(0, start - ctx);
    const data = m.data.subarray(s * m.cols, end * m.cols);
    return isTensor ? { data, shape: [end - s, m.cols] } : data;
  };
  return {
    train: part(ranges.train, 0),
    validation: part(ranges.validation, context),
    test: part(ranges.test, context),
    ranges,
  };
}
