// Chronological train / validation / test split. A time series is never shuffled before splitting: the model
// must be judged on a future it has not seen, so train comes first, then validation, then test.

import { describe, ValueError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { knownKeys, nonNegativeInt, optionsObject } from '../validate.ts';
import { asMatrix, type SeriesInput } from './args.ts';

export interface SplitFractions {
  train: number;
  /** Default 0. */
  validation?: number;
  /** Default: the rest, 1 − train − validation. */
  test?: number;
}

/** The same split by row counts: train, then validation (default 0), then test (default: the rest). */
export interface SplitRows {
  trainRows: number;
  validationRows?: number;
  testRows?: number;
}

/** A chronological split given by fractions of the rows or by row counts. */
export type SplitSpec = SplitFractions | SplitRows;

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

// A misspelt key (`{ train: 0.8, valdation: 0.1 }`) would silently become a test share; it is refused instead.
const FRACTION_KEYS = ['train', 'validation', 'test'];
const ROW_KEYS = ['trainRows', 'validationRows', 'testRows'];

/**
 * Row ranges for `n` rows: train = ⌊n·train⌋ rows, validation = ⌊n·(train+validation)⌋ − that, test the rest;
 * or, given row counts, exactly those rows.
 */
export function splitRanges(n: number, fractions: SplitSpec): SplitRanges {
  nonNegativeInt('n', n);
  if (fractions !== null && typeof fractions === 'object' && 'trainRows' in fractions)
    return rowRanges(n, fractions);
  optionsObject('fractions ({ train, validation, test })', fractions, true, FRACTION_KEYS);
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

function rowRanges(n: number, rows: SplitRows): SplitRanges {
  knownKeys('split rows ({ trainRows, validationRows, testRows })', rows, ROW_KEYS);
  const train = nonNegativeInt('trainRows', rows.trainRows);
  const validation = nonNegativeInt('validationRows', rows.validationRows ?? 0);
  const test = nonNegativeInt('testRows', rows.testRows ?? Math.max(0, n - train - validation));
  if (train === 0) throw new ValueError('trainRows must be > 0: the split needs training rows');
  if (train + validation + test > n) {
    throw new ValueError(
      `trainRows + validationRows + testRows must be ≤ the ${n} rows but got ${train} + ${validation} + ${test}`,
    );
  }
  return {
    train: [0, train],
    validation: [train, train + validation],
    test: [train + validation, train + validation + test],
  };
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
  fractions: SplitSpec,
  options?: SplitOptions,
): SeriesSplit<Tensor<Float32Array>>;
export function chronologicalSplit(
  series: Float32Array | readonly number[],
  fractions: SplitSpec,
  options?: SplitOptions,
): SeriesSplit<Float32Array>;
export function chronologicalSplit(
  series: SeriesInput,
  fractions: SplitSpec,
  options: SplitOptions = {},
): SeriesSplit<Float32Array | Tensor<Float32Array>> {
  const m = asMatrix('series', series);
  const context = nonNegativeInt(
    'context',
    optionsObject('chronologicalSplit options', options, false, ['context']).context ?? 0,
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
