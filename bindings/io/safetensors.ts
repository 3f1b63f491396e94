// The safetensors format (Hugging Face): 8 bytes of little-endian u64 header length N, N bytes of UTF-8 JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}} padded with spaces to a
// multiple of 8, then the data buffer the offsets point into. Bytes in, bytes out: no file system here, so the
// same code runs in Node, browsers and edge runtimes. Weights are written as F32, or F16, BF16 or I8 (+ scale)
// when saved small; F16, BF16 and F64 are read too (converted to f32) so files saved by PyTorch in other dtypes
// load, and an I8 tensor is dequantised with its scale tensor (int8-rows.ts).

import { describe, FormatError, ShapeError, ValueError } from '../errors.ts';
import { dequantizeInt8 } from './int8-rows.ts';
import { type HeaderEntry, READABLE_DTYPES, readHeader } from './safetensors-header.ts';

export { MAX_HEADER_BYTES } from './safetensors-header.ts';

export interface SafeTensor {
  readonly dtype: 'F32';
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A tensor as written: F32 values, 16-bit float bit patterns, or int8 values. */
export type StoredTensor =
  | SafeTensor
  | { readonly dtype: 'F16' | 'BF16'; readonly shape: readonly number[]; readonly data: Uint16Array }
  | { readonly dtype: 'I8'; readonly shape: readonly number[]; readonly data: Int8Array };

const STORED_ARRAYS = { F32: Float32Array, F16: Uint16Array, BF16: Uint16Array, I8: Int8Array } as const;

export interface DecodedSafetensors {
  /** Null-prototype record, so a tensor named "__proto__" is just a name. */
  readonly tensors: Record<string, SafeTensor>;
  readonly metadata: Record<string, string>;
  /** The dtype each tensor had in the file, before conversion to f32. */
  readonly dtypes: Record<string, string>;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Encodes tensors and string metadata, in the reference writer's order: wider dtypes first (so each tensor is
 * aligned to its element size), then by name.
 */
export function encodeSafetensors(
  tensors: Record<string, StoredTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const width = (name: string) => READABLE_DTYPES[tensors[name].dtype];
  const names = Object.keys(checkTensors(tensors))
    .sort()
    .sort((a, b) => width(b) - width(a));
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`"__metadata__":${JSON.stringify(checkMetadata(metadata))}`);
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const end = offset + t.data.byteLength;
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const name of names) {
    writeTensor(view, at, tensors[name]);
    at += tensors[name].data.byteLength;
  }
  return out;
}

/** Decodes and validates a whole file; every tensor comes back as F32 in a fresh Float32Array. */
export function decodeSafetensors(bytes: Uint8Array | ArrayBuffer): DecodedSafetensors {
  const file = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  // isView looks at the object itself: one whose prototype is merely Uint8Array's passes instanceof only.
  if (!(file instanceof Uint8Array) || !ArrayBuffer.isView(file)) {
    throw new ValueError(`bytes must be a Uint8Array or ArrayBuffer but got ${describe(bytes)}`);
  }
  const header = readHeader(file);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const tensors: Record<string, SafeTensor> = Object.create(null);
  const dtypes: Record<string, string> = Object.create(null);
  for (const e of header.entries) {
    tensors[e.name] = { dtype: 'F32', shape: e.shape, data: readAsF32(view, header.dataStart, e) };
    dtypes[e.name] = e.dtype;
  }
  dequantizeInt8({ tensors, dtypes });
  return { tensors, metadata: header.metadata, dtypes };
}

function checkTensors(tensors: Record<string, StoredTensor>): Record<string, StoredTensor> {
  if (tensors === null || typeof tensors !== 'object') {
    throw new ValueError(`tensors must be a record of { dtype, shape, data } but got ${describe(tensors)}`);
  }
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new ValueError('tensors: "__metadata__" is reserved by the format');
    const array = Object.hasOwn(STORED_ARRAYS, t?.dtype) ? STORED_ARRAYS[t.dtype] : undefined;
    if (array === undefined) {
      throw new ValueError(
        `tensors.${name}.dtype must be "F32", "F16", "BF16" or "I8" but got ${describe(t?.dtype)}`,
      );
    }
    if (!(t.data instanceof array)) {
      throw new ValueError(
        `tensors.${name}.data must be a ${array.name} for ${t.dtype} but got ${describe(t.data)}`,
      );
    }
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ShapeError(
        `tensors.${name}.shape must be non-negative integers but got ${describe(t.shape)}`,
      );
    }
    if (size(t.shape) !== t.data.length) {
      throw new ShapeError(
        `tensors.${name} has shape [${t.shape.join(', ')}] (${size(t.shape)} values) but data holds ${t.data.length}`,
      );
    }
  }
  return tensors;
}

function checkMetadata(metadata: Record<string, string>): Record<string, string> {
  if (metadata === null || typeof metadata !== 'object') {
    throw new ValueError(`metadata must be a record of strings but got ${describe(metadata)}`);
  }
  // A plain copy: what is written is exactly the string entries, whatever the object's prototype (or toJSON).
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string')
      throw new ValueError(`metadata.${key} must be a string but got ${describe(value)}`);
    copy[key] = value;
  }
  return copy;
}

function writeTensor(view: DataView, at: number, t: StoredTensor): void {
  const data = t.data;
  if (LITTLE_ENDIAN || data instanceof Int8Array) {
    new Uint8Array(view.buffer, view.byteOffset + at, data.byteLength).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
  } else if (data instanceof Uint16Array) {
    for (let i = 0; i < data.length; i++) view.setUint16(at + 2 * i, data[i], true);
  } else {
    for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i], true);
  }
}

function readAsF32(view: DataView, dataStart: number, e: HeaderEntry): Float32Array {
  const at = dataStart + e.begin;
  const n = size(e.shape);
  const out = new Float32Array(n);
  switch (e.dtype) {
    case 'F32':
      if (LITTLE_ENDIAN)
        new Uint8Array(out.buffer).set(new Uint8Array(view.buffer, view.byteOffset + at, n * 4));
      else for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, true);
      break;
    case 'F64':
      // Rounded to nearest f32, as torch's .float() does.
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i, true);
      break;
    case 'BF16': {
      // bfloat16 is the top half of an f32: exact.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(at + 2 * i, true) << 16;
      break;
    }
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(at + 2 * i, true));
      break;
    case 'I8':
      // The integers themselves; dequantizeInt8 scales them (or refuses the file) before anyone reads them.
      for (let i = 0; i < n; i++) out[i] = view.getInt8(at + i);
      break;
    default:
      throw new FormatError(`safetensors: tensor ${describe(e.name)} has unreadable dtype ${e.dtype}`);
  }
  return out;
}

/** IEEE binary16 to a number; every half value is exact in f32. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
