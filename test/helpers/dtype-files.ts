// Hand-editing a saved file for refusal tests: its tensors as plain { dtype, shape, values } and its manifest as
// an object, and back to bytes (through the library's own writer, which checks nothing about the manifest).

import { floatToBfloat16Bits, floatToHalfBits } from '../../bindings/io/half-float.ts';
import { quantizeRows } from '../../bindings/io/int8-rows.ts';
import { MANIFEST_KEY } from '../../bindings/io/manifest.ts';
import { encodeSafetensors, halfToFloat, type StoredTensor } from '../../bindings/io/safetensors.ts';
import type { WeightDtype } from '../../bindings/io/weight-dtype.ts';

export interface RawTensor {
  dtype: 'F32' | 'F16' | 'BF16' | 'I8';
  shape: number[];
  /** F32 values, 16-bit patterns, or int8 values, as stored. */
  values: number[];
}

const ARRAYS = { F32: Float32Array, F16: Uint16Array, BF16: Uint16Array, I8: Int8Array } as const;

/** The stored tensors and the manifest of a file this library wrote (header parsed by hand, not by the reader). */
export function decodeRaw(bytes: Uint8Array): {
  tensors: Record<string, RawTensor>;
  manifest: Record<string, unknown>;
} {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  const tensors: Record<string, RawTensor> = {};
  for (const [name, e] of Object.entries(header) as [string, Record<string, never>][]) {
    if (name === '__metadata__') continue;
    const [begin, end] = e.data_offsets as number[];
    const Array_ = ARRAYS[e.dtype as RawTensor['dtype']];
    const copy = new Uint8Array(bytes.subarray(8 + length + begin, 8 + length + end)).buffer;
    tensors[name] = { dtype: e.dtype, shape: e.shape, values: Array.from(new Array_(copy)) };
  }
  return { tensors, manifest: JSON.parse(header.__metadata__[MANIFEST_KEY]) };
}

/** A file of `tensors` with `manifest` (keys set to undefined are dropped by JSON). */
export function encodeRaw(tensors: Record<string, RawTensor>, manifest: Record<string, unknown>): Uint8Array {
  const stored: Record<string, StoredTensor> = {};
  for (const [name, t] of Object.entries(tensors))
    stored[name] = { dtype: t.dtype, shape: t.shape, data: new ARRAYS[t.dtype](t.values) } as StoredTensor;
  return encodeSafetensors(stored, { format: 'pt', [MANIFEST_KEY]: JSON.stringify(manifest) });
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * What a weight tensor must hold after a save in `dtype` and a load: each conversion applied as its own test
 * (weight-dtype.test.ts) checks it, int8 dequantised as q·scale rounded once to f32.
 */
export function rounded(dtype: WeightDtype, shape: readonly number[], data: Float32Array): Float32Array {
  if (dtype === 'f16') return data.map((v) => halfToFloat(floatToHalfBits(v)));
  if (dtype === 'bf16')
    return data.map((v) => {
      u32[0] = floatToBfloat16Bits(v) << 16;
      return f32[0];
    });
  if (dtype === 'int8' && shape.length >= 2) {
    const { q, scales } = quantizeRows(data, shape[0]);
    const width = data.length / shape[0];
    return Float32Array.from(q, (v, i) => v * scales[Math.floor(i / width)]);
  }
  return data;
}
