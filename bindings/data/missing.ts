// Missing values in a series: NaN marks a missing cell (readNumericCsv turns empty cells into NaN). Recurrent
// kernels cannot skip a NaN, so gaps are filled by linear interpolation between the observed neighbours, and an
// optional mask channel (1 observed, 0 filled) lets the model learn how far to trust a filled value.

import { DataError, describe, ShapeError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { asMatrix, type SeriesInput } from './args.ts';

export interface FilledSeries {
  /** Row-major [rows, cols] with every NaN replaced. */
  readonly values: Float32Array;
  /** [rows, cols]: 1 where the value was observed, 0 where it was filled. */
  readonly mask: Float32Array;
  readonly rows: number;
  readonly cols: number;
  /** Cells that were filled. */
  readonly missing: number;
}

/** Rows holding a NaN in any column. ±Inf is not "missing" but an error elsewhere. */
export function findMissing(series: SeriesInput): Int32Array {
  const m = asMatrix('series', series);
  const rows: number[] = [];
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      if (Number.isNaN(m.data[r * m.cols + c])) {
        rows.push(r);
        break;
      }
    }
  }
  return Int32Array.from(rows);
}

/**
 * Fills each NaN by linear interpolation between the nearest observed values before and after it in its
 * column (in row steps, so rows are assumed evenly spaced). A gap at the start or end has only one neighbour
 * and takes its value (no extrapolated trend). A column with no observed value cannot be filled.
 */
export function interpolateMissing(series: SeriesInput): FilledSeries {
  const m = asMatrix('series', series);
  const values = Float32Array.from(m.data);
  const mask = new Float32Array(values.length);
  let missing = 0;
  for (let c = 0; c < m.cols; c++) missing += fillColumn(values, mask, m.rows, m.cols, c);
  return { values, mask, rows: m.rows, cols: m.cols, missing };
}

function fillColumn(v: Float32Array, mask: Float32Array, rows: number, cols: number, c: number): number {
  const at = (r: number) => r * cols + c;
  let prev = -1;
  let filled = 0;
  for (let r = 0; r < rows; r++) {
    if (Number.isNaN(v[at(r)])) continue;
    if (!Number.isFinite(v[at(r)])) {
      throw new DataError(
        `series holds ${v[at(r)]} at row ${r}, column ${c}; only NaN marks a missing value`,
      );
    }
    mask[at(r)] = 1;
    // Fill the gap (prev, r): from the left neighbour when there is one, else hold this value backwards.
    for (let g = prev + 1; g < r; g++) {
      const w = prev < 0 ? 1 : (g - prev) / (r - prev);
      v[at(g)] = prev < 0 ? v[at(r)] : v[at(prev)] + w * (v[at(r)] - v[at(prev)]);
      filled++;
    }
    prev = r;
  }
  if (prev < 0)
    throw new DataError(`series column ${c} has no observed value to fill its ${rows} missing rows from`);
  for (let g = prev + 1; g < rows; g++) {
    v[at(g)] = v[at(prev)];
    filled++;
  }
  return filled;
}

/** [rows, 2·cols]: each row is the filled values followed by their observed flags (the mask channel). */
export function withMaskChannel(filled: FilledSeries): Tensor<Float32Array> {
  const { rows, cols } = checkFilled(filled);
  const out = new Float32Array(rows * 2 * cols);
  for (let r = 0; r < rows; r++) {
    out.set(filled.values.subarray(r * cols, (r + 1) * cols), r * 2 * cols);
    out.set(filled.mask.subarray(r * cols, (r + 1) * cols), r * 2 * cols + cols);
  }
  return { data: out, shape: [rows, 2 * cols] };
}

/** interpolateMissing's result (or one shaped like it): rows × cols values and a mask of the same size. */
function checkFilled(filled: FilledSeries): FilledSeries {
  const f = filled as Partial<FilledSeries> | null;
  const ok =
    f !== null &&
    typeof f === 'object' &&
    Number.isSafeInteger(f.rows) &&
    Number.isSafeInteger(f.cols) &&
    (f.rows as number) >= 0 &&
    (f.cols as number) >= 1 &&
    f.values instanceof Float32Array &&
    f.mask instanceof Float32Array &&
    f.values.length === (f.rows as number) * (f.cols as number) &&
    f.mask.length === f.values.length;
  if (!ok) {
    throw new ShapeError(
      `filled must be interpolateMissing's result { values, mask, rows, cols } but got ${describe(filled)}`,
    );
  }
  return filled;
}
