// ONNX's TensorProto: decoding checks its dims against the values present (a tensor that promises more than
// it holds is a FormatError) and keeps where the values are without copying; floatValues and intValues read
// them when a node uses the tensor, from raw_data (little-endian, fixed width) or the typed repeated fields.

import { FormatError } from '../errors.ts';
import { Budget, ProtoReader, WIRE_BYTES, WIRE_FIXED32, WIRE_VARINT } from './proto-read.ts';

/** TensorProto.DataType values this code names. */
export const DT = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;

/** Bytes per element in raw_data, by data type (complex and strings are not read). */
const ELEMENT_BYTES: Record<number, number> = {
  1: 4,
  2: 1,
  3: 1,
  4: 2,
  5: 2,
  6: 4,
  7: 8,
  9: 1,
  10: 2,
  11: 8,
  12: 4,
  13: 8,
  16: 2,
};

/** The unpacked wire type of each typed data field (raw_data has none: it is always length-delimited). */
const ELEMENT_WIRE: Record<number, number> = {
  4: WIRE_FIXED32,
  5: WIRE_VARINT,
  7: WIRE_VARINT,
  10: 1,
  11: WIRE_VARINT,
};

/** A run of a tensor's values in the file: one of the typed repeated fields (packed or not) or raw_data. */
export interface DataChunk {
  /** 4 float_data, 5 int32_data, 7 int64_data, 9 raw_data, 10 double_data, 11 uint64_data. */
  field: number;
  wire: number;
  start: number;
  end: number;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** Number of values (the product of dims), checked against the data present. */
  size: number;
  chunks: DataChunk[];
  /** The file the chunks point into. */
  bytes: Uint8Array;
  /** data_location EXTERNAL: the values live in another file, which we do not read. */
  external: boolean;
}

/** Values a tensor may hold (2^31: our arena's limit is lower still). */
const MAX_TENSOR_SIZE = 2 ** 31;

/** Decodes a TensorProto, checking its dims against the values it holds. */
export function decodeTensor(r: ProtoReader): OnnxTensor {
  const t: OnnxTensor = {
    name: '',
    dims: [],
    dataType: 0,
    size: 0,
    chunks: [],
    bytes: r.bytes,
    external: false,
  };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) r.int64s(wire, t.dims);
    else if (field === 2) {
      r.expect(wire, WIRE_VARINT, 'data_type');
      t.dataType = r.varint();
    } else if (field === 8) {
      r.expect(wire, WIRE_BYTES, 'name');
      t.name = r.string();
    } else if (field === 14) {
      r.expect(wire, WIRE_VARINT, 'data_location');
      t.external = r.varint() === 1;
    } else if (field === 13) {
      r.skip(wire);
      t.external = true;
    } else if (field === 9 || field === 4 || field === 5 || field === 7 || field === 10 || field === 11) {
      const start = r.pos;
      if (wire !== WIRE_BYTES && wire !== ELEMENT_WIRE[field])
        r.fail(`tensor data field ${field} has wire type ${wire}`);
      if (wire === WIRE_BYTES) {
        const [s, e] = r.span();
        t.chunks.push({ field, wire, start: s, end: e });
      } else {
        r.skip(wire);
        t.chunks.push({ field, wire, start, end: r.pos });
      }
      r.budget.spend(1, `${r.where} data`);
    } else r.skip(wire);
  }
  checkTensorSize(r, t);
  return t;
}

/** Element count of a chunk of a typed repeated field (packed: counts its varints). */
function chunkCount(r: ProtoReader, c: DataChunk): number {
  if (c.wire !== WIRE_BYTES) return 1;
  const width = c.field === 4 ? 4 : c.field === 10 ? 8 : 0;
  if (width > 0) {
    if ((c.end - c.start) % width !== 0)
      r.fail(`packed data of ${c.end - c.start} bytes in ${width}-byte values`);
    return (c.end - c.start) / width;
  }
  let n = 0;
  for (let p = c.start; p < c.end; p++) if (r.bytes[p] < 0x80) n++;
  if (c.end > c.start && r.bytes[c.end - 1] >= 0x80) r.fail('a packed integer field ends inside a varint');
  return n;
}

function checkTensorSize(r: ProtoReader, t: OnnxTensor): void {
  let size = 1;
  for (const d of t.dims) {
    if (!Number.isSafeInteger(d) || d < 0) r.fail(`tensor "${t.name}" has dimension ${d}`);
    size *= d;
    if (size > MAX_TENSOR_SIZE) r.fail(`tensor "${t.name}" has dims [${t.dims.join(', ')}]: too many values`);
  }
  t.size = size;
  if (t.external || t.dataType === DT.STRING) return;
  const raw = t.chunks.filter((c) => c.field === 9);
  const typed = t.chunks.filter((c) => c.field !== 9);
  if (raw.length > 1) r.fail(`tensor "${t.name}" has raw_data twice`);
  if (raw.length === 1 && typed.length > 0) r.fail(`tensor "${t.name}" has raw_data and typed data`);
  if (typed.some((c) => c.field !== typed[0].field)) r.fail(`tensor "${t.name}" mixes typed data fields`);
  let have: number;
  if (raw.length === 1) {
    const bytes = ELEMENT_BYTES[t.dataType];
    if (bytes === undefined) return; // an element type we do not read; refused if a node uses it
    const length = raw[0].end - raw[0].start;
    if (length % bytes !== 0)
      r.fail(`tensor "${t.name}" raw_data is ${length} bytes, not a multiple of ${bytes}`);
    have = length / bytes;
  } else have = typed.reduce((n, c) => n + chunkCount(r, c), 0);
  if (have !== size)
    r.fail(`tensor "${t.name}" of dims [${t.dims.join(', ')}] (${size} values) holds ${have} values`);
}

const FLOAT_TYPES = new Set<number>([DT.FLOAT, DT.DOUBLE, DT.FLOAT16]);
const INT_TYPES = new Set<number>([
  DT.INT64,
  DT.INT32,
  DT.INT16,
  DT.INT8,
  DT.UINT8,
  DT.UINT16,
  DT.UINT32,
  DT.UINT64,
  DT.BOOL,
]);

export const isFloatType = (t: number) => FLOAT_TYPES.has(t);
export const isIntType = (t: number) => INT_TYPES.has(t);

/** Why a tensor's values cannot be read as `kind`, or undefined when they can. */
export function unreadable(t: OnnxTensor, kind: 'float' | 'int'): string | undefined {
  if (t.external)
    return `tensor "${t.name}" keeps its values in an external file, which this importer does not read`;
  const ok = kind === 'float' ? isFloatType(t.dataType) : isIntType(t.dataType);
  return ok
    ? undefined
    : `tensor "${t.name}" has element type ${t.dataType}, expected ${kind === 'float' ? 'float' : 'an integer type'}`;
}

const reader = (t: OnnxTensor, start: number, end: number) =>
  new ProtoReader(t.bytes, start, end, new Budget(Number.POSITIVE_INFINITY), `tensor "${t.name}"`);

/** Half-precision bits to a number. */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** The values of a FLOAT, DOUBLE or FLOAT16 tensor as float32 (the caller checked unreadable() first). */
export function floatValues(t: OnnxTensor): Float32Array {
  const out = new Float32Array(t.size);
  let i = 0;
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  for (const c of t.chunks) {
    if (c.field === 9) {
      const width = t.dataType === DT.DOUBLE ? 8 : t.dataType === DT.FLOAT16 ? 2 : 4;
      for (let p = c.start; p < c.end; p += width, i++) {
        out[i] =
          width === 4
            ? view.getFloat32(p, true)
            : width === 8
              ? view.getFloat64(p, true)
              : half(view.getUint16(p, true));
      }
    } else if (c.field === 4) {
      for (let p = c.start; p < c.end; p += 4, i++) out[i] = view.getFloat32(p, true);
    } else if (c.field === 10) {
      for (let p = c.start; p < c.end; p += 8, i++) out[i] = view.getFloat64(p, true);
    } else if (c.field === 5) {
      // FLOAT16 bits in int32_data.
      const r = reader(t, c.start, c.end);
      while (!r.done) out[i++] = half(r.varint() & 0xffff);
    } else throw new FormatError(`ONNX file: tensor "${t.name}" holds floats in field ${c.field}`);
  }
  return out;
}

/** The values of an integer or BOOL tensor (the caller checked unreadable() first). */
export function intValues(t: OnnxTensor): number[] {
  const out: number[] = [];
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  for (const c of t.chunks) {
    if (c.field === 9) {
      const width = RAW_WIDTH[t.dataType];
      for (let p = c.start; p < c.end; p += width) out.push(readInt(view, p, t.dataType));
    } else {
      const r = reader(t, c.start, c.end);
      while (!r.done) out.push(r.varint());
    }
  }
  return out;
}

const RAW_WIDTH: Record<number, number> = { 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 12: 4, 13: 8 };

function readInt(view: DataView, p: number, type: number): number {
  switch (type) {
    case DT.UINT8:
    case DT.BOOL:
      return view.getUint8(p);
    case DT.INT8:
      return view.getInt8(p);
    case DT.UINT16:
      return view.getUint16(p, true);
    case DT.INT16:
      return view.getInt16(p, true);
    case DT.INT32:
      return view.getInt32(p, true);
    case DT.UINT32:
      return view.getUint32(p, true);
    case DT.UINT64:
      return view.getUint32(p + 4, true) * 2 ** 32 + view.getUint32(p, true);
    default:
      // INT64: approximate beyond ±2^53, which only "to the end" slice bounds reach.
      return view.getInt32(p + 4, true) * 2 ** 32 + view.getUint32(p, true);
  }
}
