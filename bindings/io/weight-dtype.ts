// The dtype a model is saved in: f32 (the default, exact), f16 / bf16 (half the bytes, rounded to nearest even)
// or int8 (a quarter: matrices per output row with an f32 scale, 1-D tensors such as biases kept in f32, since
// their bytes are few and a bias error shifts every output). The manifest says which, and loading checks that
// every weight is stored as the manifest says: a file that mixes dtypes is not one this library wrote.

import { describe, ValueError } from '../errors.ts';
import { optionsObject } from '../validate.ts';
import { floatToBfloat16Bits, floatToHalfBits, MAX_HALF } from './half-float.ts';
import { quantizeRows, scaleName } from './int8-rows.ts';
import type { StoredTensor } from './safetensors.ts';

export type WeightDtype = 'f32' | 'f16' | 'bf16' | 'int8';
export const WEIGHT_DTYPES: readonly WeightDtype[] = ['f32', 'f16', 'bf16', 'int8'];

export interface SaveOptions {
  /** How weights are stored (default 'f32'); loading always gives f32 weights. */
  dtype?: WeightDtype;
}

/** The options checked, default filled in. */
export function saveOptions(options: SaveOptions | undefined): Required<SaveOptions> {
  const o = optionsObject('save options ({ dtype })', options, false, ['dtype']);
  const dtype = o.dtype ?? 'f32';
  if (!WEIGHT_DTYPES.includes(dtype)) {
    throw new ValueError(`dtype must be one of ${WEIGHT_DTYPES.join(', ')} but got ${describe(dtype)}`);
  }
  return { dtype };
}

/** The safetensors dtype a weight of `shape` is stored as under `dtype` (undefined: the manifest names none). */
export function storedDtype(dtype: WeightDtype | undefined, shape: readonly number[]): string {
  if (dtype === 'f16') return 'F16';
  if (dtype === 'bf16') return 'BF16';
  if (dtype === 'int8' && shape.length >= 2) return 'I8';
  return 'F32';
}

/** F32 weights as stored under `dtype`; an int8 matrix brings its scale tensor. */
export function storedTensors(
  tensors: Record<string, { shape: readonly number[]; data: Float32Array }>,
  dtype: WeightDtype,
): Record<string, StoredTensor> {
  const out: Record<string, StoredTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    const stored = storedDtype(dtype, t.shape);
    if (stored === 'F32') out[name] = { dtype: 'F32', shape: t.shape, data: t.data };
    else if (stored === 'I8') {
      const { q, scales } = quantizeRows(t.data, t.shape[0]);
      if (Object.hasOwn(tensors, scaleName(name)))
        throw new ValueError(
          `cannot save ${name} as int8: its scale's name ${scaleName(name)} is a weight's`,
        );
      out[name] = { dtype: 'I8', shape: t.shape, data: q };
      out[scaleName(name)] = { dtype: 'F32', shape: [t.shape[0]], data: scales };
    } else
      out[name] = { dtype: stored as 'F16' | 'BF16', shape: t.shape, data: toBits(name, t.data, stored) };
  }
  return out;
}

function toBits(name: string, data: Float32Array, dtype: string): Uint16Array {
  const bits = new Uint16Array(data.length);
  const convert = dtype === 'F16' ? floatToHalfBits : floatToBfloat16Bits;
  for (let i = 0; i < data.length; i++) {
    bits[i] = convert(data[i]);
    // Exponent all ones: the weight rounded to ±Infinity (NaN weights never reach a saver).
    if ((bits[i] & 0x7c00) === 0x7c00 && dtype === 'F16') {
      throw new ValueError(
        `cannot save as f16: ${name}[${i}] is ${data[i]}, beyond f16's ±${MAX_HALF}; save as 'bf16' or 'f32'`,
      );
    }
  }
  return bits;
}

/**
 * Refuses (through `fail`) a weight stored otherwise than the manifest's dtype says. Without one (f32 files,
 * and files PyTorch wrote in F16, BF16 or F64) any float dtype reads, but int8 only with the manifest's word.
 */
export function checkStoredDtypes(
  dtype: WeightDtype | undefined,
  dtypes: Record<string, string>,
  specs: readonly { name: string; shape: readonly number[] }[],
  fail: (message: string) => never,
): void {
  for (const s of specs) {
    const have = dtypes[s.name];
    if (dtype === undefined) {
      if (have === 'I8') fail(`weights: ${s.name} is int8 but the manifest names no dtype ("int8")`);
      continue;
    }
    const want = storedDtype(dtype, s.shape);
    if (have !== want)
      fail(`weights: ${s.name} is stored as ${have} but the manifest's dtype ${dtype} stores it as ${want}`);
  }
}
