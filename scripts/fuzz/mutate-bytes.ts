// Byte-level and from-scratch mutations: flipped, truncated, extended or spliced bytes and lying header lengths.
// They know nothing of JSON, so they reach the parts of the loader that run before the header parses.

import type { Random } from '../../bindings/random.ts';
import { joinFile, splitFile } from './bytes.ts';

export type Mutator = (rng: Random, bytes: Uint8Array) => Uint8Array;

export const pick = <T>(rng: Random, items: readonly T[]): T => items[rng.int(items.length)];

const headerLength = (bytes: Uint8Array): number =>
  bytes.length < 8
    ? 0
    : new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(0, true) +
      new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true) * 2 ** 32;

/** Byte mutations: safe on any input, parseable or not. */
export const BYTE_MUTATORS: Record<string, Mutator> = {
  flipBytes(rng, bytes) {
    const out = bytes.slice();
    for (let n = 1 + rng.int(8); n > 0 && out.length > 0; n--) out[rng.int(out.length)] = rng.int(256);
    return out;
  },
  flipHeaderBytes(rng, bytes) {
    const out = bytes.slice();
    const end = Math.min(out.length, 8 + headerLength(out));
    for (let n = 1 + rng.int(4); n > 0 && end > 8; n--) {
      out[8 + rng.int(end - 8)] = pick(
        rng,
        [0x00, 0x22, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0x30, 0x2d, 0xff, 0xc3],
      );
    }
    return out;
  },
  truncate(rng, bytes) {
    return bytes.slice(0, rng.int(Math.max(1, bytes.length)));
  },
  appendGarbage(rng, bytes) {
    const out = new Uint8Array(bytes.length + 1 + rng.int(64));
    out.set(bytes);
    for (let i = bytes.length; i < out.length; i++) out[i] = rng.int(256);
    return out;
  },
  statedLength(rng, bytes) {
    if (bytes.length < 8) return bytes;
    const n = headerLength(bytes);
    const lies = [
      0,
      1,
      n - 1,
      n + 1,
      n + 8,
      bytes.length - 8,
      bytes.length,
      2 ** 32 + n,
      2 ** 53,
      100_000_001,
    ];
    const out = bytes.slice();
    const view = new DataView(out.buffer);
    if (rng.next() < 0.1) {
      view.setUint32(0, 0xffffffff, true); // 2^64 − 1
      view.setUint32(4, 0xffffffff, true);
      return out;
    }
    const value = Math.max(0, pick(rng, [...lies, rng.int(2 ** 32)]));
    view.setUint32(0, value % 2 ** 32, true);
    view.setUint32(4, Math.floor(value / 2 ** 32), true);
    return out;
  },
  spliceHeader(rng, bytes) {
    if (bytes.length < 8 || headerLength(bytes) > bytes.length - 8) return bytes;
    const { header, data } = splitFile(bytes);
    const at = rng.int(header.length + 1);
    const cut = rng.int(4);
    const insert = pick(rng, [
      '',
      ',',
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      '0',
      '-1',
      'null',
      '"x":1',
      '\\u0000',
      'é',
    ]);
    return joinFile(header.slice(0, at) + insert + header.slice(at + cut), data);
  },
};

/** Files made from nothing: random bytes, random short headers, degenerate but well-formed ones. */
export const SCRATCH: Record<string, (rng: Random) => Uint8Array> = {
  randomBytes(rng) {
    const out = new Uint8Array(rng.int(256));
    for (let i = 0; i < out.length; i++) out[i] = rng.int(256);
    return out;
  },
  randomHeader(rng) {
    const tokens = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"w"',
      '"dtype"',
      '"F32"',
      '"shape"',
      '"data_offsets"',
      '0',
      '4',
    ];
    let text = '';
    for (let n = rng.int(40); n > 0; n--) text += pick(rng, tokens);
    return joinFile(text, new Uint8Array(rng.int(3) * 4));
  },
  degenerate(rng) {
    const header = pick(rng, [
      '{}',
      '{"__metadata__":{}}',
      '{"__metadata__":null}',
      '{"__metadata__":{"wasm_rnn.manifest":"{}"}}',
      '{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}',
      '{"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}',
      `{${' '.repeat(7)}}`,
    ]);
    return joinFile(header, new Uint8Array(header.includes('[0,4]') ? 4 : 0));
  },
};
