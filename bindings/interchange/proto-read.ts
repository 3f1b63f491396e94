// A small protocol-buffers wire reader (varint, fixed32, fixed64, length-delimited) over one byte array, with a
// bounds check on every read: a truncated or bit-flipped file gives a FormatError, never a read past the end.
// Our own rather than a library's: ONNX needs five message types and a few dozen fields, a generic decoder would
// be most of an inference bundle, and this one also counts what it builds (see Budget) so that a hostile file
// cannot make it allocate without bound.

import { FormatError } from '../errors.ts';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

const TWO_32 = 2 ** 32;

/**
 * Entries a decode may build (messages, strings, repeated numbers). A 2-byte empty NodeProto costs far more as a
 * JS object than in the file, so a size limit on the file alone would not bound memory.
 */
export class Budget {
  #left: number;
  constructor(entries: number) {
    this.#left = entries;
  }

  spend(n: number, what: string): void {
    this.#left -= n;
    if (this.#left < 0)
      throw new FormatError(`ONNX file: too many entries (${what}); the file is not a model we read`);
  }
}

export class ProtoReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly budget: Budget;
  /** What is being read, for error messages ("GraphProto.node[3]"). */
  readonly where: string;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array, start: number, end: number, budget: Budget, where: string) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.budget = budget;
    this.where = where;
    this.pos = start;
    this.end = end;
  }

  fail(message: string): never {
    throw new FormatError(`ONNX file: ${this.where}: ${message}`);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const t = this.varint();
    const field = Math.floor(t / 8);
    if (field < 1) this.fail(`field number ${field} at byte ${this.pos}`);
    return { field, wire: t % 8 };
  }

  /**
   * A varint as a number: exact up to 2^53, and int64's two's complement read as negative (approximate beyond
   * ±2^53, which no size or index we accept reaches).
   */
  varint(): number {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = this.bytes[this.pos++];
      const bits = b & 0x7f;
      if (i < 4) lo += bits * 2 ** (7 * i);
      else if (i === 4) {
        lo += (bits & 0x0f) * 2 ** 28;
        hi += bits >> 4;
      } else hi += bits * 2 ** (7 * i - 32);
      if (b < 0x80) {
        hi %= TWO_32; // a 10th byte beyond bit 63 is dropped, as protobuf does
        return hi >= 2 ** 31 ? (hi - TWO_32) * TWO_32 + lo : hi * TWO_32 + lo;
      }
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** A varint that must be a non-negative safe integer (a length, a count, an enum). */
  uint(what: string): number {
    const v = this.varint();
    if (v < 0 || !Number.isSafeInteger(v)) this.fail(`${what} is ${v}`);
    return v;
  }

  fixed32(): number {
    this.#need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  fixed64(): number {
    this.#need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** The [start, end) of a length-delimited field's payload, moving past it. */
  span(): [number, number] {
    const n = this.uint('length');
    this.#need(n);
    const start = this.pos;
    this.pos += n;
    return [start, this.pos];
  }

  /** A reader over a length-delimited sub-message. */
  message(where: string): ProtoReader {
    const [start, end] = this.span();
    this.budget.spend(1, where);
    return new ProtoReader(this.bytes, start, end, this.budget, where);
  }

  string(): string {
    const [start, end] = this.span();
    this.budget.spend(1, `${this.where} strings`);
    try {
      return UTF8.decode(this.bytes.subarray(start, end));
    } catch {
      return this.fail('a string is not valid UTF-8');
    }
  }

  /** A repeated int64 field's values: packed (wire 2) or one (wire 0), appended to `out`. */
  int64s(wire: number, out: number[]): void {
    if (wire === WIRE_VARINT) {
      this.budget.spend(1, `${this.where} integers`);
      out.push(this.varint());
      return;
    }
    if (wire !== WIRE_BYTES) this.fail(`repeated integers with wire type ${wire}`);
    const [start, end] = this.span();
    const sub = new ProtoReader(this.bytes, start, end, this.budget, this.where);
    while (!sub.done) {
      this.budget.spend(1, `${this.where} integers`);
      out.push(sub.varint());
    }
  }

  /** A repeated float field's values: packed (wire 2) or one (wire 5), appended to `out`. */
  floats(wire: number, out: number[]): void {
    if (wire === WIRE_FIXED32) {
      this.budget.spend(1, `${this.where} floats`);
      out.push(this.fixed32());
      return;
    }
    if (wire !== WIRE_BYTES) this.fail(`repeated floats with wire type ${wire}`);
    const [start, end] = this.span();
    if ((end - start) % 4 !== 0) this.fail('packed floats are not a multiple of 4 bytes');
    this.budget.spend((end - start) / 4, `${this.where} floats`);
    for (let p = start; p < end; p += 4) out.push(this.view.getFloat32(p, true));
  }

  /** A repeated double field's values: packed (wire 2) or one (wire 1). */
  doubles(wire: number, out: number[]): void {
    if (wire === WIRE_FIXED64) {
      this.budget.spend(1, `${this.where} doubles`);
      out.push(this.fixed64());
      return;
    }
    if (wire !== WIRE_BYTES) this.fail(`repeated doubles with wire type ${wire}`);
    const [start, end] = this.span();
    if ((end - start) % 8 !== 0) this.fail('packed doubles are not a multiple of 8 bytes');
    this.budget.spend((end - start) / 8, `${this.where} doubles`);
    for (let p = start; p < end; p += 8) out.push(this.view.getFloat64(p, true));
  }

  /** Skips a field of this wire type (unknown fields are allowed by protobuf). */
  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_FIXED64) this.#advance(8);
    else if (wire === WIRE_BYTES) this.span();
    else if (wire === WIRE_FIXED32) this.#advance(4);
    else this.fail(`wire type ${wire} (groups are not used by ONNX)`);
  }

  /** Fails unless the field has the wire type the schema gives it. */
  expect(wire: number, want: number, field: string): void {
    if (wire !== want) this.fail(`field ${field} has wire type ${wire}, expected ${want}`);
  }

  #advance(n: number): void {
    this.#need(n);
    this.pos += n;
  }

  #need(n: number): void {
    if (n > this.end - this.pos)
      this.fail(`truncated: ${n} bytes needed at byte ${this.pos}, ${this.end - this.pos} left`);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
