// The 13 development series exactly as data/series/anchors.R configures and splits them, so our MAE and the
// anchors' are taken over the same test points.

import { fileURLToPath } from 'node:url';
import { readColumns } from './csv.ts';
import type { LoadedSeries, SeriesConfig } from './types.ts';

export const DATA_DIR = fileURLToPath(new URL('../../data/series/', import.meta.url));

const row = (file: string, column: string, m: number, H: number, L: number): SeriesConfig => ({
  name: file.replace('.csv', ''),
  file,
  column,
  m,
  H,
  L,
});

/** anchors.R's `cfg`, in its order. */
export const SERIES: readonly SeriesConfig[] = [
  row('air_passengers.csv', 'value', 12, 12, 24),
  row('bj_sales.csv', 'value', 1, 5, 10),
  row('co2_monthly.csv', 'value', 12, 12, 24),
  row('johnson_johnson.csv', 'value', 4, 4, 8),
  row('lake_huron.csv', 'value', 1, 5, 10),
  row('lynx.csv', 'value', 1, 5, 20),
  row('nottingham_temp.csv', 'value', 12, 12, 24),
  row('uk_driver_deaths.csv', 'value', 12, 12, 24),
  row('uk_gas.csv', 'value', 4, 4, 8),
  row('us_accidental_deaths.csv', 'value', 12, 6, 12),
  row('www_usage.csv', 'value', 1, 5, 10),
  row('treering.csv', 'value', 1, 5, 20),
  row('eu_stock_markets.csv', 'DAX', 1, 5, 20),
];

/** Rows before the test part: floor(0.70 N) + floor(0.15 N), anchors.R's integer split. */
export const testStart = (N: number): number => Math.floor(0.7 * N) + Math.floor(0.15 * N);

/** One column with its missing rows dropped (anchors.R: `y0[!is.na(y0)]`). */
export function loadSeries(cfg: SeriesConfig): LoadedSeries {
  const [raw] = readColumns(`${DATA_DIR}${cfg.file}`, [cfg.column]);
  const y = raw.filter((v) => !Number.isNaN(v));
  return { cfg, y, y32: Float32Array.from(y), N: y.length, o: testStart(y.length) };
}
