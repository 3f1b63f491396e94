// Raw safetensors pieces for the fuzzer: split a file into (header text, data bytes) and join them back with
// any stated header length, so a mutator can lie about every field the loader has to check.

export interface RawFile {
  /** The header's JSON text (padding spaces included). */
  readonly header: string;
  /** Everything after the header. */
  readonly data: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Splits a well-formed file (the corpus's bases are all well formed). */
export function splitFile(bytes: Uint8Array): RawFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  return { header: decoder.decode(bytes.subarray(8, 8 + n)), data: bytes.subarray(8 + n) };
}

/** 8-byte little-endian length (`statedLength` or the true one), header text, data. */
export function joinFile(header: string | Uint8Array, data: Uint8Array, statedLength?: number): Uint8Array {
  const text = typeof header === 'string' ? encoder.encode(header) : header;
  const out = new Uint8Array(8 + text.length + data.length);
  const view = new DataView(out.buffer);
  const n = statedLength ?? text.length;
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32) % 2 ** 32, true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

export interface HeaderEntry {
  dtype: unknown;
  shape: unknown;
  data_offsets: unknown;
}

/** The header as an editable object; `__metadata__` stays a record of strings. */
export type HeaderJson = Record<string, unknown> & { __metadata__?: Record<string, unknown> };

export const parseHeader = (raw: RawFile): HeaderJson => JSON.parse(raw.header) as HeaderJson;

/** Tensor names of a header, metadata excluded. */
export const tensorNames = (h: HeaderJson): string[] => Object.keys(h).filter((k) => k !== '__metadata__');
