// The protocol-buffers wire writer the ONNX exporter needs: tags, varints (int64 two's complement for negative
// values), fixed32 floats, length-delimited strings, bytes and sub-messages, packed repeated numbers.

const TWO_32 = 2 ** 32;
const UTF8 = new TextEncoder();

export class ProtoWriter {
  #buf = new Uint8Array(256);
  #len = 0;

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  /** An int64/int32/enum/bool field. */
  int(field: number, value: number): this {
    this.#tag(field, 0);
    this.#varint(value);
    return this;
  }

  /** A float field (fixed32). */
  float(field: number, value: number): this {
    this.#tag(field, 5);
    this.#reserve(4);
    new DataView(this.#buf.buffer).setFloat32(this.#len, value, true);
    this.#len += 4;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, UTF8.encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, 2);
    this.#varint(value.length);
    this.#reserve(value.length);
    this.#buf.set(value, this.#len);
    this.#len += value.length;
    return this;
  }

  /** A sub-message, written by `write` into its own writer. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const sub = new ProtoWriter();
    write(sub);
    return this.bytes(field, sub.finish());
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: readonly number[]): this {
    const sub = new ProtoWriter();
    for (const v of values) sub.#varint(v);
    return this.bytes(field, sub.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, data);
  }

  #tag(field: number, wire: number): void {
    this.#varint(field * 8 + wire);
  }

  /** Safe integers; negative ones as 64-bit two's complement (10 bytes), as protobuf writes int64. */
  #varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`varint ${value} is not a safe integer`);
    let hi = Math.floor(value / TWO_32);
    let lo = value - hi * TWO_32;
    if (hi < 0) hi += TWO_32;
    this.#reserve(10);
    while (hi > 0 || lo >= 0x80) {
      this.#buf[this.#len++] = (lo & 0x7f) | 0x80;
      lo = Math.floor(lo / 128) + (hi % 128) * 2 ** 25;
      hi = Math.floor(hi / 128);
    }
    this.#buf[this.#len++] = lo;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }
}
