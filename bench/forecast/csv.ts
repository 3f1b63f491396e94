// Tiny CSV readers for data/series (no quoted cells there; an empty cell is a missing value → NaN), in float64.
// Not the library's readNumericCsv: that returns Float32Array, and the bench scores in float64.

import { readFileSync } from 'node:fs';

/** The named columns of `file`, each as one float64 value per data row. */
export function readColumns(file: string, names: readonly string[]): Float64Array[] {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const header = lines[0].split(',').map((h) => h.trim());
  const rows = lines.slice(1).map((line) => line.split(','));
  return names.map((name) => {
    const c = header.indexOf(name);
    if (c < 0) throw new Error(`${file}: no column "${name}" (it has ${header.join(', ')})`);
    return Float64Array.from(rows, (row, r) => cellValue(row[c], file, r + 2));
  });
}

function cellValue(cell: string | undefined, file: string, line: number): number {
  const s = (cell ?? '').trim();
  if (s === '' || s === 'NA') return Number.NaN;
  const v = Number(s);
  if (!Number.isFinite(v)) throw new Error(`${file} line ${line}: ${JSON.stringify(s)} is not a number`);
  return v;
}

/** Every row as a record keyed by the header (anchors.csv: series, N, m, H, L, method, one_step_MAE, …). */
export function readRecords(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const header = head.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}
