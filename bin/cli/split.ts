// The split the command line fits with. The library's default fits on every row (no test rows), which is right
// for a forecast of the future but leaves nothing to score; `wasm-rnn train` prints a held-out score and
// `wasm-rnn evaluate` rescores the same rows later (the split is saved in the model file), so the last 20 %
// stay out of fitting, as before the library changed its default.

import { UsageError } from './fail.ts';

export const HELD_OUT_SPLIT = { train: 0.7, validation: 0.1, test: 0.2 } as const;

/**
 * The split that holds out the rows from `date` on (the first row whose time value is ≥ it, compared as text —
 * right for ISO dates, YYYY-MM, YYYYQn and years), the rows before it split 7:1 into training and validation.
 */
export function splitAtDate(
  series: { dates?: string[]; values: ArrayLike<number> },
  date: string,
): { trainRows: number; validationRows: number; testRows: number } {
  if (!series.dates) throw new UsageError('--test-from needs a CSV with a time column');
  const at = series.dates.findIndex((d) => d >= date);
  if (at <= 0) {
    throw new UsageError(
      `--test-from ${date} must fall inside the time column (${series.dates[0]} … ${series.dates.at(-1)})`,
    );
  }
  const validationRows = Math.max(1, Math.round(at / 8));
  return { trainRows: at - validationRows, validationRows, testRows: series.values.length - at };
}
