// Reading the user's data and writing model files, with the checks that make a bad input fail at once with a
// clear line (before minutes of training), and a model file that is either the old one or the whole new one.

import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { DataError, type NumericSeries, readNumericCsv, writeFileAtomic } from 'wasm-rnn';
import { CliFailure, UsageError } from './fail.ts';
import { decodeText } from './textual.ts';

/**
 * True when `bytes` start like a safetensors file (what wasm-rnn train writes): a little-endian 64-bit header
 * length that fits the file, then the header's JSON.
 */
export function looksLikeModel(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return length > 0n && length <= BigInt(bytes.length - 8) && bytes[8] === 0x7b;
}

/** The bytes of `path`, refused in plain words when it is a folder. */
export async function readInput(path: string, what: string): Promise<Buffer> {
  if ((await stat(path)).isDirectory()) throw new UsageError(`${path} is a directory; give ${what}`);
  return readFile(path);
}

/**
 * A data file as text; a model file given in its place is named as one, not parsed as data, and a binary or
 * non-UTF-8 file is refused by name (textual.ts).
 */
async function readData(path: string, what: string): Promise<string> {
  const bytes = await readInput(path, what);
  if (looksLikeModel(bytes)) {
    throw new UsageError(
      `${path} is a model file, not ${what}; give the data file here (generate, forecast and evaluate read models)`,
    );
  }
  return decodeText(path, bytes);
}

/** A UTF-8 text file that holds something to learn from. */
export async function readTextFile(path: string): Promise<string> {
  const text = await readData(path, 'a text file');
  if (text.trim().length === 0) {
    throw new DataError(
      `${path} is empty (or only whitespace); give a text file with something to learn from`,
    );
  }
  return text;
}

/**
 * One numeric column of a CSV file. Without `column`, a file of one column, or of a date and a value, is
 * unambiguous; anything wider must say which column to use. The first column comes along as the dates (to
 * label forecasts) when the file is a date and a value, or when its name says it is the time.
 */
export async function readSeriesFile(path: string, column: string | undefined): Promise<NumericSeries> {
  const text = await readData(path, 'a CSV file');
  const header = firstRecord(text, path);
  const chosen = column ?? defaultColumn(header, path);
  const timeLike = header.length === 2 || TIME_NAMES.test(header[0]);
  const dateColumn = header.length > 1 && timeLike && chosen !== header[0] ? header[0] : undefined;
  try {
    return readNumericCsv(text, { column: chosen, ...(dateColumn ? { dateColumn } : {}) });
  } catch (error) {
    // The message names the file; a text file given where a CSV is expected fails on its second line, so the
    // likely cause is named too.
    if (!(error instanceof DataError)) throw error;
    const hint =
      extname(path).toLowerCase() === '.csv' ? '' : ' (a forecaster reads a CSV file with a header row)';
    throw new CliFailure(`${path}: ${error.message}${hint}`);
  }
}

const TIME_NAMES = /^(date|time|timestamp|datetime|day|week|month|quarter|year|period|ds)$/i;

function firstRecord(text: string, path: string): string[] {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (line === undefined) throw new DataError(`${path} is empty: a CSV file needs a header row`);
  return line
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
}

function defaultColumn(header: string[], path: string): string {
  // A text file read as a CSV has a sentence, not names, for a header: say so instead of listing its words.
  if (header.some((h) => h.length > 40) || header.length > 50) {
    throw new UsageError(
      `${path} does not look like a CSV file: its first line is not a header of column names; a forecaster reads a CSV with a header row`,
    );
  }
  if (header.length === 1) return header[0];
  if (header.length === 2) return header[1];
  throw new UsageError(
    `${path} has columns ${header.map((h) => JSON.stringify(h)).join(', ')}; choose the one to use with --column NAME`,
  );
}

/** Fails now, not after training, if the model cannot be written where asked. */
export async function checkWritable(path: string): Promise<void> {
  const dir = dirname(resolve(path));
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`cannot write ${path}: the folder ${dir} does not exist`);
  await access(dir, constants.W_OK).catch(() => {
    throw new UsageError(`cannot write ${path}: the folder ${dir} is not writable`);
  });
  const target = await stat(path).catch(() => undefined);
  if (target?.isDirectory()) throw new UsageError(`cannot write ${path}: it is a folder; give a file name`);
}

/** Written to a temporary file and renamed, so an interrupted run never leaves a half-written model. */
export async function writeModelFile(path: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomic(path, bytes);
}

export async function readModelFile(path: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readInput(path, 'a model file written by wasm-rnn train'));
  if (!looksLikeModel(bytes)) {
    throw new UsageError(
      `${path} is not a wasm-rnn model file (it has no safetensors header); give a file written by wasm-rnn train`,
    );
  }
  return bytes;
}
