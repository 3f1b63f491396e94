// safetensors: bit-exact round trips, the byte layout the format prescribes, hostile files (each a FormatError),
// and files written from PyTorch tensors (model files: test/model-file.test.ts).

import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, ValueError } from '../bindings/errors.ts';
import type { Runtime } from '../bindings/index.node.ts';
import { loadLayer } from '../bindings/io/model-file.ts';
import {
  decodeSafetensors,
  encodeSafetensors,
  halfToFloat,
  type SafeTensor,
} from '../bindings/io/safetensors.ts';
import type { Dense } from '../bindings/model/dense.ts';
import type { Recurrent } from '../bindings/model/recurrent.ts';
import { loadRuntime } from './helpers/backends.ts';
import { uniform } from './helpers/random.ts';

const FIXTURES = new URL('./fixtures/safetensors/', import.meta.url);
let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('ts');
});

const f32 = (data: Float32Array, shape: number[]): SafeTensor => ({ dtype: 'F32', shape, data });
const bits = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

/** A file from a header string (or object) and data bytes; `length` overrides the stated header length. */
function file(header: string | object, data: ArrayLike<number> = [], length?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(out.buffer);
  const n = length ?? json.length;
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('encode and decode', () => {
  it('round-trips bit for bit, specials included, with metadata', () => {
    const special = Float32Array.from([
      0,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1e-45,
      3.4e38,
      Number.NaN,
    ]);
    const tensors = {
      'lstm.weight_ih_l0': f32(uniform(24, 1), [8, 3]),
      bias: f32(uniform(5, 2), [5]),
      special: f32(special, [7]),
      empty: f32(new Float32Array(0), [2, 0]),
      scalar: f32(Float32Array.of(1.5), []),
    };
    const metadata = { format: 'pt', ünï: 'cödé "quoted"' };
    const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
    expect({ ...decoded.metadata }).toEqual(metadata);
    expect(Object.keys(decoded.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(decoded.tensors[name].shape).toEqual(t.shape);
      expect(bits(decoded.tensors[name].data)).toEqual(bits(t.data));
      expect(decoded.dtypes[name]).toBe('F32');
    }
  });

  it('decodes a view that starts at an odd offset inside a larger buffer', () => {
    const bytes = encodeSafetensors({ w: f32(uniform(5, 9), [5]) });
    const big = new Uint8Array(bytes.length + 7);
    big.set(bytes, 3);
    expect(bits(decodeSafetensors(big.subarray(3, 3 + bytes.length)).tensors.w.data)).toEqual(
      bits(uniform(5, 9)),
    );
  });

  it('lays bytes out as the format prescribes: u64 LE length, space-padded JSON to 8, sorted contiguous data', () => {
    const bytes = encodeSafetensors(
      { b: f32(Float32Array.of(2), [1]), a: f32(Float32Array.of(1, 3), [2]) },
      { k: 'v' },
    );
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd().length).toBeGreaterThan(n - 8);
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    expect(JSON.parse(text)).toEqual({
      __metadata__: { k: 'v' },
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
    });
    expect([...new Float32Array(bytes.slice(8 + n).buffer)]).toEqual([1, 3, 2]);
  });

  it('refuses bad tensors given to encode with typed errors', () => {
    expect(() => encodeSafetensors({ w: f32(new Float32Array(5), [2, 3]) })).toThrow(
      /tensors.w has shape \[2, 3\] \(6 values\) but data holds 5/,
    );
    expect(() =>
      encodeSafetensors({
        w: { dtype: 'F16', shape: [1], data: new Float32Array(1) } as unknown as SafeTensor,
      }),
    ).toThrow(ValueError);
    expect(() => encodeSafetensors({ __metadata__: f32(new Float32Array(1), [1]) })).toThrow(/reserved/);
    expect(() => encodeSafetensors({}, { n: 1 } as unknown as Record<string, string>)).toThrow(
      /metadata.n must be a string/,
    );
  });

  it('converts F16 exactly, subnormals, infinities and NaN included', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('keeps "__proto__" a plain tensor name', () => {
    const header = '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const decoded = decodeSafetensors(file(header, [0, 0, 128, 63]));
    const name = '__proto__';
    expect(Object.keys(decoded.tensors)).toEqual([name]);
    expect([...decoded.tensors[name].data]).toEqual([1]);
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });
});

const ENTRY = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
const EIGHT = [0, 0, 128, 63, 0, 0, 0, 64];
const HOSTILE: [string, () => Uint8Array, RegExp][] = [
  ['an empty file', () => new Uint8Array(0), /shorter than the 8-byte header length/],
  ['7 bytes', () => new Uint8Array(7), /shorter than the 8-byte header length/],
  [
    'a header length past the end of the file',
    () => file('{}', [], 1000),
    /header length is 1000 bytes but must be at most 2/,
  ],
  [
    'a header length of 2^63',
    () => file('{}', [], 2 ** 63),
    /header length .* headers are capped at 100000000/,
  ],
  [
    'raw 0xff bytes in the header',
    () => {
      const f = file('{"ab":{}}');
      f[10] = 0xff;
      return f;
    },
    /not valid UTF-8/,
  ],
  ['truncated JSON', () => file('{"a":'), /not valid JSON/],
  ['a JSON array', () => file('[1, 2]'), /must be a JSON object starting with "\{"/],
  ['leading whitespace', () => file(' {}'), /starting with "\{"/],
  ['trailing garbage', () => file('{} x'), /not valid JSON/],
  ['the JSON literal null', () => file('null'), /starting with "\{"/],
  [
    'a duplicate tensor name',
    () => file(`{"w":${JSON.stringify(ENTRY)},"w":${JSON.stringify(ENTRY)}}`, EIGHT),
    /names "w" twice/,
  ],
  [
    'a duplicate key inside an entry',
    () => file('{"w":{"dtype":"F32","dtype":"F16","shape":[2],"data_offsets":[0,8]}}', EIGHT),
    /names "dtype" twice/,
  ],
  ['an unknown dtype', () => file({ w: { ...ENTRY, dtype: 'F33' } }, EIGHT), /unknown dtype "F33"/],
  [
    'an integer dtype',
    () => file({ w: { ...ENTRY, dtype: 'I64', shape: [1] } }, EIGHT),
    /dtype I64; weights must be one of F32, F16, BF16, F64/,
  ],
  [
    'a missing dtype',
    () => file({ w: { shape: [2], data_offsets: [0, 8] } }, EIGHT),
    /dtype must be a string/,
  ],
  [
    'a negative dimension',
    () => file({ w: { ...ENTRY, shape: [-2] } }, EIGHT),
    /shape must be an array of non-negative integers/,
  ],
  ['a fractional dimension', () => file({ w: { ...ENTRY, shape: [1.5] } }, EIGHT), /shape must be/],
  ['a string dimension', () => file({ w: { ...ENTRY, shape: ['2'] } }, EIGHT), /shape must be/],
  [
    'a shape larger than its bytes',
    () => file({ w: { ...ENTRY, shape: [3] } }, EIGHT),
    /F32 \[3\] = 12 bytes but data_offsets \[0, 8\] span 8/,
  ],
  [
    'a shape whose size overflows',
    () => file({ w: { ...ENTRY, shape: [2 ** 31, 2 ** 31, 2 ** 31] } }, EIGHT),
    /span 8/,
  ],
  ['reversed offsets', () => file({ w: { ...ENTRY, data_offsets: [8, 0] } }, EIGHT), /0 ≤ begin ≤ end/],
  [
    'three offsets',
    () => file({ w: { ...ENTRY, data_offsets: [0, 8, 8] } }, EIGHT),
    /data_offsets must be \[begin, end\]/,
  ],
  [
    'offsets beyond 2^53',
    () =>
      file('{"w":{"dtype":"F32","shape":[2],"data_offsets":[18014398509481984,18014398509481992]}}', EIGHT),
    /data_offsets must be/,
  ],
  [
    'offsets past the data',
    () => file({ w: { ...ENTRY, data_offsets: [4, 12] } }, EIGHT),
    /ends at byte 12 but the data buffer has 8 bytes/,
  ],
  [
    'overlapping tensors',
    () => file({ a: ENTRY, b: { ...ENTRY, shape: [1], data_offsets: [4, 8] } }, EIGHT),
    /overlapping/,
  ],
  [
    'a gap between tensors',
    () => file({ a: { ...ENTRY, shape: [1], data_offsets: [4, 8] } }, EIGHT),
    /bytes 0\.\.4 of the data buffer belong to no tensor/,
  ],
  [
    'trailing unindexed bytes',
    () => file({ a: { ...ENTRY, shape: [1], data_offsets: [0, 4] } }, EIGHT),
    /has 8 bytes but its tensors cover only 4/,
  ],
  [
    'an entry that is a number',
    () => file({ w: 3 }, []),
    /must be an object with dtype, shape and data_offsets/,
  ],
  ['metadata with a number value', () => file({ __metadata__: { n: 1 } }), /__metadata__.n must be a string/],
  [
    'metadata that is an array',
    () => file({ __metadata__: ['a'] }),
    /__metadata__ must be an object of strings/,
  ],
  [
    'deeply nested JSON',
    () => file(`{"w":${'['.repeat(200000)}${']'.repeat(200000)}}`),
    /not valid JSON|must be an object/,
  ],
];

describe('hostile files', () => {
  it.each(HOSTILE)('%s gives a FormatError', (_, make, message) => {
    const bytes = make();
    expect(() => decodeSafetensors(bytes)).toThrow(FormatError);
    expect(() => decodeSafetensors(bytes)).toThrow(message);
  });

  it('every truncation of a valid file gives a FormatError', () => {
    const bytes = encodeSafetensors(
      { a: f32(uniform(6, 3), [2, 3]), b: f32(uniform(2, 4), [2]) },
      { k: 'v' },
    );
    for (let n = 0; n < bytes.length; n++)
      expect(() => decodeSafetensors(bytes.slice(0, n)), `length ${n}`).toThrow(FormatError);
  });

  it('any single corrupted byte either decodes or gives a FormatError, never another error', () => {
    const bytes = encodeSafetensors(
      { a: f32(uniform(6, 3), [2, 3]), b: f32(uniform(2, 4), [2]) },
      { k: 'v' },
    );
    for (let i = 0; i < bytes.length; i++) {
      for (const value of [0x00, 0x22, 0x7b, 0xff]) {
        const copy = bytes.slice();
        copy[i] = value;
        try {
          decodeSafetensors(copy);
        } catch (error) {
          expect(error, `byte ${i} = ${value}`).toBeInstanceOf(FormatError);
        }
      }
    }
  });

  it('refuses input that is not bytes with a ValueError', () => {
    expect(() => decodeSafetensors('abc' as unknown as Uint8Array)).toThrow(ValueError);
  });
});

describe('files written from PyTorch (scripts/fixtures/safetensors_fixture.py)', () => {
  it('torch_dtypes.safetensors decodes F32, F16, BF16 and F64 tensors to the values torch holds', async () => {
    const bytes = new Uint8Array(await readFile(new URL('torch_dtypes.safetensors', FIXTURES)));
    const want = JSON.parse(await readFile(new URL('torch_dtypes.json', FIXTURES), 'utf8'));
    const decoded = decodeSafetensors(bytes);
    expect({ ...decoded.metadata }).toEqual(want.metadata);
    expect(Object.keys(decoded.tensors).sort()).toEqual(Object.keys(want.tensors).sort());
    for (const [name, t] of Object.entries(want.tensors) as [
      string,
      { dtype: string; shape: number[]; values: number[] },
    ][]) {
      expect(decoded.dtypes[name], name).toBe(t.dtype);
      expect(decoded.tensors[name].shape, name).toEqual(t.shape);
      expect([...decoded.tensors[name].data], name).toEqual(t.values);
    }
  });

  it('dense_torch.safetensors loads as a Dense layer that reproduces torch.nn.Linear', async () => {
    // A Node Buffer straight from readFile: a view that may start inside a larger pooled ArrayBuffer.
    const bytes = await readFile(new URL('dense_torch.safetensors', FIXTURES));
    const fx = JSON.parse(await readFile(new URL('dense_torch.json', FIXTURES), 'utf8'));
    const { kind, layer } = loadLayer(rt, bytes);
    expect(kind).toBe('Dense');
    const y = (layer as Dense).forward({ data: Float32Array.from(fx.x), shape: fx.xShape });
    expect(y.shape).toEqual(fx.yShape);
    for (let i = 0; i < fx.y.length; i++) expect(Math.abs(y.data[i] - fx.y[i])).toBeLessThan(1e-6);
    (layer as Dense).dispose();
  });

  it.each(['LSTM', 'GRU'])(
    '%s state_dict of a 2-layer bidirectional torch module loads and reproduces its outputs and h_n',
    async (kind) => {
      const name = kind.toLowerCase();
      const bytes = await readFile(new URL(`${name}_torch.safetensors`, FIXTURES));
      const fx = JSON.parse(await readFile(new URL(`${name}_torch.json`, FIXTURES), 'utf8'));
      const loaded = loadLayer(rt, bytes);
      expect(loaded.kind).toBe(kind);
      const layer = loaded.layer as Recurrent;
      expect(layer.config.L * layer.config.D).toBe(4);
      const { outputs, hN } = layer.forward({ data: Float32Array.from(fx.x), shape: fx.xShape });
      expect(outputs.data.length).toBe(fx.outputs.length);
      expect(hN.data.length).toBe(fx.hN.length);
      for (let i = 0; i < fx.outputs.length; i++)
        expect(Math.abs(outputs.data[i] - fx.outputs[i])).toBeLessThan(1e-5);
      for (let i = 0; i < fx.hN.length; i++) expect(Math.abs(hN.data[i] - fx.hN[i])).toBeLessThan(1e-5);
      layer.dispose();
    },
  );
});
