// Reading and checking a safetensors header: every length, offset and dtype a file states is checked before it is
// used, so a truncated or hostile file gives a FormatError naming the problem, never a crash or a huge allocation.

import { describe, FormatError } from '../errors.ts';
import { jsonPreview } from './json-preview.ts';
import { findDuplicateKey, overLimits } from './json-scan.ts';

export { findDuplicateKey };

/** The reference implementation's cap: a larger header is refused before it is decoded. */
export const MAX_HEADER_BYTES = 100_000_000;
/**
 * Tensors a file may list: above any model this library builds (a layer of the largest depth, 1024
 * bidirectional layers, has 8192; a checkpoint adds five), and low enough that parsing and checking the header
 * stays fast: the entries' objects, not the header's bytes, are what takes time (about 20 µs each).
 */
export const MAX_TENSORS = 10_000;
/** `__metadata__` entries (this library writes two or three). */
export const MAX_METADATA_ENTRIES = 1024;
/** Every key of the header JSON: each tensor's name and its three fields, and the metadata's keys. */
const MAX_HEADER_KEYS = 4 * MAX_TENSORS + MAX_METADATA_ENTRIES + 1;

/**
 * Dtypes this library reads (converted to f32), with their sizes in bytes. I8 reads only as a quantised weight
 * with its scale tensor (int8-rows.ts).
 */
export const READABLE_DTYPES: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2, F64: 8, I8: 1 };

/** Dtypes the format defines that this library cannot use as weights: reported as such, not as unknown. */
const OTHER_DTYPES = new Set(
  'BOOL U8 I16 U16 I32 U32 I64 U64 C64 F8_E4M3 F8_E5M2 F8_E8M0 F6_E2M3 F6_E3M2 F4'.split(' '),
);

export interface HeaderEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: number[];
  /** Byte range relative to the start of the data buffer (after the header). */
  readonly begin: number;
  readonly end: number;
}

export interface Header {
  readonly entries: HeaderEntry[];
  readonly metadata: Record<string, string>;
  /** Bytes before the data buffer: 8 + the header length. */
  readonly dataStart: number;
}

const fail = (message: string): never => {
  throw new FormatError(`safetensors: ${message}`);
};

/** Parses and checks the header of a whole file held in `bytes`. */
export function readHeader(bytes: Uint8Array): Header {
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  const cap = Math.min(MAX_HEADER_BYTES, bytes.length - 8);
  if (length > cap) {
    fail(
      `header length is ${length} bytes but must be at most ${cap} ` +
        `(the file has ${bytes.length - 8} bytes after the length; headers are capped at ${MAX_HEADER_BYTES})`,
    );
  }
  const text = decodeUtf8(bytes.subarray(8, 8 + length));
  if (text[0] !== '{')
    fail(`header must be a JSON object starting with "{" but starts with ${describe(text.slice(0, 8))}`);
  const over = overLimits(text, { maxKeys: MAX_HEADER_KEYS, maxTopKeys: MAX_TENSORS + 1 });
  if (over !== undefined) {
    fail(
      `header holds ${over}; files are limited to ${MAX_TENSORS} tensors and ${MAX_METADATA_ENTRIES} ` +
        'metadata entries',
    );
  }
  const json = parseJson(text);
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) fail(`header names ${describe(duplicate)} twice`);
  const dataBytes = bytes.length - 8 - length;
  const entries: HeaderEntry[] = [];
  let metadata: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') metadata = checkMetadata(value);
    else entries.push(checkEntry(name, value));
  }
  checkCoverage(entries, dataBytes);
  return { entries, metadata, dataStart: 8 + length };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return fail('header is not valid UTF-8');
  }
}

function parseJson(text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    fail(`header is not valid JSON (${(cause as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    fail(`header must be a JSON object but is ${describe(json)}`);
  }
  return json as Record<string, unknown>;
}

function checkMetadata(value: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (value === null) return out;
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail(`__metadata__ must be an object of strings but is ${describe(value)}`);
  }
  const entries = Object.entries(value as object);
  if (entries.length > MAX_METADATA_ENTRIES) {
    fail(`__metadata__ has ${entries.length} entries but files are limited to ${MAX_METADATA_ENTRIES}`);
  }
  for (const [key, text] of entries) {
    if (typeof text !== 'string')
      fail(`__metadata__.${key.slice(0, 80)} must be a string but is ${describe(text)}`);
    out[key] = text;
  }
  return out;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function checkEntry(name: string, value: unknown): HeaderEntry {
  // The tensor's name is formatted only for a message: a header of 100,000 tensors pays nothing for it.
  const bad = (message: string): never => fail(`tensor ${describe(name)}${message}`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    bad(` must be an object with dtype, shape and data_offsets but is ${describe(value)}`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') return bad(`: dtype must be a string but is ${describe(dtype)}`);
  const itemSize = READABLE_DTYPES[dtype];
  if (itemSize === undefined) {
    const readable = Object.keys(READABLE_DTYPES).join(', ');
    if (OTHER_DTYPES.has(dtype)) bad(` has dtype ${dtype}; weights must be one of ${readable}`);
    bad(` has unknown dtype ${describe(dtype)}; expected one of ${readable}`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    bad(`: shape must be an array of non-negative integers but is ${jsonPreview(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    bad(`: data_offsets must be [begin, end] with 0 ≤ begin ≤ end but is ${jsonPreview(offsets)}`);
  }
  const [begin, end] = offsets as number[];
  // The product may overflow 2^53 for a hostile shape; any such product cannot equal a safe byte count.
  const bytes = (shape as number[]).reduce((a, b) => a * b, itemSize);
  if (bytes !== end - begin) {
    bad(
      ` is ${dtype} [${(shape as number[]).join(', ')}] = ${bytes} bytes ` +
        `but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** The ranges must tile the data buffer exactly: no gap, no overlap, nothing past its end, nothing left over. */
function checkCoverage(entries: HeaderEntry[], dataBytes: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.end > dataBytes) {
      fail(`tensor ${describe(e.name)} ends at byte ${e.end} but the data buffer has ${dataBytes} bytes`);
    }
    if (e.begin < at)
      fail(`tensor ${describe(e.name)} starts at byte ${e.begin}, overlapping data before ${at}`);
    if (e.begin > at) fail(`bytes ${at}..${e.begin} of the data buffer belong to no tensor`);
    at = e.end;
  }
  if (at !== dataBytes) fail(`the data buffer has ${dataBytes} bytes but its tensors cover only ${at}`);
}
