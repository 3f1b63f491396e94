// The steps after a series: the forecast with its 80 % and 95 % prediction intervals (a model file written
// before the library had intervals gives the mean alone), printed as a table, as CSV lines, and as a chart of
// the recent history running into the forecast inside its 80 % band.

import { type Forecaster, ValueError } from 'wasm-rnn';
import { drawChart } from './chart.ts';
import { table } from './io.ts';
import type { Output } from './progress.ts';

export const LEVELS = [80, 95];

export interface Ahead {
  steps: number;
  /** [steps · targets] row-major; the first target column is the one printed. */
  mean: Float32Array;
  /** One per level in LEVELS, each [steps · targets]; empty when the model has no intervals. */
  intervals: { level: number; lower: Float32Array; upper: Float32Array }[];
  targets: number;
}

/** The forecast after the fitted series, or after `history` (rows × the model's columns, NaN = missing). */
export function forecastAhead(model: Forecaster, history: Float32Array | undefined, steps: number): Ahead {
  const targets = model.layout.targetColumns.length;
  const options = { level: LEVELS };
  try {
    const f =
      history === undefined ? model.forecast(steps, options) : model.forecastFrom(history, steps, options);
    return { steps, mean: f.mean, intervals: f.intervals, targets };
  } catch (error) {
    // The library's one answer for a model without intervals; the levels and steps asked are always valid.
    if (!(error instanceof ValueError)) throw error;
    const mean = history === undefined ? model.forecast(steps) : model.forecastFrom(history, steps);
    return { steps, mean, intervals: [], targets };
  }
}

/**
 * "step  date  forecast  lo 80  hi 80  lo 95  hi 95", one row per step (or per `every` steps, ending on the
 * last, for a long horizon); the date column when `dates` is given.
 */
export function aheadTable(a: Ahead, dates: readonly string[] | undefined, every = 1): string {
  const header = ['step', ...(dates ? ['date'] : []), 'forecast'];
  for (const i of a.intervals) header.push(`lo ${i.level}`, `hi ${i.level}`);
  const rows = [header];
  for (let h = (a.steps - 1) % every; h < a.steps; h += every) {
    const at = h * a.targets;
    const row = [String(h + 1), ...(dates ? [dates[h]] : []), a.mean[at].toFixed(3)];
    for (const i of a.intervals) row.push(i.lower[at].toFixed(3), i.upper[at].toFixed(3));
    rows.push(row);
  }
  return table(rows);
}

/** The same as CSV lines: step,[date,]value,lower80,upper80,lower95,upper95, full precision. */
export function aheadCsv(a: Ahead, dates: readonly string[] | undefined): string[] {
  const header = ['step', ...(dates ? ['date'] : []), 'value'];
  for (const i of a.intervals) header.push(`lower${i.level}`, `upper${i.level}`);
  const lines = [header.join(',')];
  for (let h = 0; h < a.steps; h++) {
    const at = h * a.targets;
    const row = [String(h + 1), ...(dates ? [dates[h]] : []), String(a.mean[at])];
    for (const i of a.intervals) row.push(String(i.lower[at]), String(i.upper[at]));
    lines.push(row.join(','));
  }
  return lines;
}

/** The forecast as records (for --json): step, date when known, value, and each interval's bounds. */
export function aheadRows(a: Ahead, dates: readonly string[] | undefined): Record<string, number | string>[] {
  return Array.from({ length: a.steps }, (_, h) => {
    const at = h * a.targets;
    const row: Record<string, number | string> = { step: h + 1 };
    if (dates) row.date = dates[h];
    row.value = a.mean[at];
    for (const i of a.intervals) {
      row[`lower${i.level}`] = i.lower[at];
      row[`upper${i.level}`] = i.upper[at];
    }
    return row;
  });
}

/**
 * `tail` (the last observed values) then the forecast, with the 80 % bounds as two more lines that leave the
 * history where the forecast starts: asciichart draws no gaps, so before the forecast they run along it.
 */
export function aheadChart(tail: readonly number[], a: Ahead, out: Output): string {
  const first = (values: Float32Array) => Array.from({ length: a.steps }, (_, h) => values[h * a.targets]);
  const lines = [{ name: 'history → forecast', values: [...tail, ...first(a.mean)] }];
  const band = a.intervals.find((i) => i.level === 80);
  if (band) {
    const name = `${band.level} % interval`;
    lines.push({ name, values: [...tail, ...first(band.lower)] });
    lines.push({ name, values: [...tail, ...first(band.upper)] });
  }
  return drawChart(lines, {
    width: Math.min(out.columns ?? 100, 120),
    height: 12,
    color: out.isTTY === true,
  });
}
