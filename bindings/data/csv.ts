// A small strict CSV reader for numeric series (RFC 4180 quoting, '#' comment lines, a header row). Strict
// because a silently misread cell becomes a silently wrong forecast: every problem is an error naming the line
// and column. It is not a general CSV library, and the library ships no dependency for it.

import { DataError, describe, ValueError } from '../errors.ts';
import { optionsObject, positiveInt } from '../validate.ts';

export interface CsvTable {
  header: string[];
  rows: string[][];
  /** 1-based line in the text where each row starts. */
  lines: number[];
}

/** Splits `text` into a header and rows of strings; every row must have as many fields as the header. */
export function parseCsv(text: string): CsvTable {
  if (typeof text !== 'string') throw new ValueError(`text must be a string but got ${describe(text)}`);
  const records = splitRecords(text);
  if (records.length === 0) throw new DataError('the CSV text has no header row');
  const [header, ...rows] = records;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].fields.length !== header.fields.length) {
      throw new DataError(
        `CSV line ${rows[i].line} has ${rows[i].fields.length} fields but the header has ${header.fields.length}`,
      );
    }
  }
  return {
    header: header.fields.map((h) => h.trim()),
    rows: rows.map((r) => r.fields),
    lines: rows.map((r) => r.line),
  };
}

interface CsvRecord {
  fields: string[];
  line: number;
}

/** A character-level state machine: quoted fields may hold commas, newlines and doubled quotes. */
function splitRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 byte-order mark is not part of the first name
  let atRecordStart = true;
  const endRecord = () => {
    fields.push(field);
    // A blank line is no record (a trailing newline is common); a line of only commas still is one.
    if (fields.length > 1 || fields[0].trim() !== '') records.push({ fields, line: start });
    fields = [];
    field = '';
    atRecordStart = true;
  };
  while (i < text.length) {
    const ch = text[i];
    if (atRecordStart) {
      start = line;
      atRecordStart = false;
      if (ch === '#') {
        while (i < text.length && text[i] !== '\n') i++;
        fields = [];
        field = '';
        atRecordStart = true;
        continue;
      }
    }
    if (ch === '"' && field.trim() === '') {
      const end = quoted(text, i + 1, line);
      field = text.slice(i + 1, end).replaceAll('""', '"');
      line += countNewlines(field);
      i = end + 1;
      if (i < text.length && !',\r\n'.includes(text[i])) {
        throw new DataError(`CSV line ${line}: unexpected ${JSON.stringify(text[i])} after a closing quote`);
      }
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (ch === '\n' || ch === '\r') {
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      endRecord();
      line++;
    } else {
      field += ch;
      i++;
    }
  }
  if (!atRecordStart) endRecord();
  return records;
}

/** Index of the closing quote of a field whose content starts at `i`. */
function quoted(text: string, i: number, line: number): number {
  for (let j = i; j < text.length; j++) {
    if (text[j] !== '"') continue;
    if (text[j + 1] === '"') j++;
    else return j;
  }
  throw new DataError(`CSV line ${line}: a quoted field is never closed`);
}

const countNewlines = (s: string): number => s.split('\n').length - 1;

export interface NumericCsvOptions {
  /** The value column, by header name or 0-based index. */
  column: string | number;
  /** A column kept as strings (e.g. dates), by header name or index. */
  dateColumn?: string | number;
  /** Cells read as missing (NaN); default '', 'NA', 'NaN', 'nan'. Whitespace around a cell is ignored. */
  missing?: readonly string[];
  /** With lookback (and horizon, default 1): fail early if the file is too short to make one window. */
  lookback?: number;
  horizon?: number;
}

export interface NumericSeries {
  /** One value per data row; NaN where the cell was missing. */
  values: Float32Array;
  /** The dateColumn's cells, when asked for. */
  dates?: string[];
  /** Rows whose value is missing (indices into values). */
  missing: Int32Array;
  column: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Reads one numeric column (and optionally a date column) of a CSV text with a header row. */
export function readNumericCsv(text: string, options: NumericCsvOptions): NumericSeries {
  optionsObject('readNumericCsv options ({ column, ... })', options, true, [
    'column',
    'dateColumn',
    'missing',
    'lookback',
    'horizon',
  ]);
  const missingOption: unknown = options.missing;
  if (
    missingOption !== undefined &&
    (!Array.isArray(missingOption) || !missingOption.every((m) => typeof m === 'string'))
  ) {
    throw new ValueError(`missing must be an array of strings but got ${describe(missingOption)}`);
  }
  if (options.lookback !== undefined) positiveInt('lookback', options.lookback);
  if (options.horizon !== undefined) positiveInt('horizon', options.horizon);
  const table = parseCsv(text);
  const col = findColumn(table.header, options.column, 'column');
  const dateCol =
    options.dateColumn === undefined ? -1 : findColumn(table.header, options.dateColumn, 'dateColumn');
  const missingCells = new Set(options.missing ?? ['', 'NA', 'NaN', 'nan']);
  const values = new Float32Array(table.rows.length);
  const missing: number[] = [];
  for (let r = 0; r < table.rows.length; r++) {
    const cell = table.rows[r][col].trim();
    if (missingCells.has(cell)) {
      values[r] = Number.NaN;
      missing.push(r);
    } else if (NUMBER.test(cell) && Number.isFinite(Number(cell))) {
      values[r] = Number(cell);
    } else {
      throw new DataError(
        `row ${r + 1} (line ${table.lines[r]}), column "${table.header[col]}": ${JSON.stringify(cell)} is not a number`,
      );
    }
  }
  const need = options.lookback === undefined ? 1 : options.lookback + (options.horizon ?? 1);
  if (values.length < need) {
    const why =
      options.lookback === undefined
        ? 'at least 1'
        : `lookback ${options.lookback} + horizon ${options.horizon ?? 1} needs ${need}`;
    throw new DataError(`the CSV has ${values.length} data rows but ${why}`);
  }
  const out: NumericSeries = { values, missing: Int32Array.from(missing), column: table.header[col] };
  if (dateCol >= 0) out.dates = table.rows.map((row) => row[dateCol].trim());
  return out;
}

function findColumn(header: readonly string[], column: unknown, name: string): number {
  const available = header.map((h) => JSON.stringify(h)).join(', ');
  if (typeof column === 'number' && Number.isInteger(column) && column >= 0 && column < header.length)
    return column;
  const i = typeof column === 'string' ? header.indexOf(column) : -1;
  if (i < 0)
    throw new DataError(`${name} ${describe(column)} is not in the CSV; available columns: ${available}`);
  return i;
}
