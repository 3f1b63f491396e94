// Symmetric int8 weights with one f32 scale per output row (the first dimension, as PyTorch's per-channel
// quantisation of a Linear weight): q = round(w / s) in [-127, 127], s = max|row| / 127, so every weight comes
// back within s/2. In a file the int8 tensor keeps its PyTorch name (dtype I8) and its scale is the F32 tensor
// `<name>.scale` of shape [rows]; reading replaces the pair by the dequantised f32 tensor, once.

import { describe, FormatError } from '../errors.ts';

/** The name of the scale tensor of int8 tensor `name`. */
export const scaleName = (name: string) => `${name}.scale`;

export interface Int8Rows {
  readonly q: Int8Array;
  readonly scales: Float32Array;
}

/** `data` as `rows` rows of int8 with a scale each (a zero row gets scale 0). */
export function quantizeRows(data: Float32Array, rows: number): Int8Rows {
  const q = new Int8Array(data.length);
  const scales = new Float32Array(rows);
  const width = rows === 0 ? 0 : data.length / rows;
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let i = r * width; i < (r + 1) * width; i++) max = Math.max(max, Math.abs(data[i]));
    const s = Math.fround(max / 127);
    scales[r] = s;
    if (s === 0) continue;
    for (let i = r * width; i < (r + 1) * width; i++)
      q[i] = Math.max(-127, Math.min(127, roundHalfEven(data[i] / s)));
  }
  return { q, scales };
}

const roundHalfEven = (x: number) => {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

const fail = (message: string): never => {
  throw new FormatError(`safetensors: ${message}`);
};

interface Decoded {
  readonly tensors: Record<string, { dtype: 'F32'; shape: readonly number[]; data: Float32Array }>;
  readonly dtypes: Record<string, string>;
}

/**
 * Replaces, in place, each I8 tensor (read as its integer values) by its dequantised f32 values and removes its
 * scale tensor; an I8 tensor without a well-formed scale, or holding -128, is refused.
 */
export function dequantizeInt8(file: Decoded): void {
  for (const name of Object.keys(file.tensors)) {
    if (file.dtypes[name] !== 'I8') continue;
    const t = file.tensors[name];
    const sName = scaleName(name);
    const s = file.tensors[sName];
    if (t.shape.length === 0)
      fail(`int8 tensor ${describe(name)} must have at least one dimension (its rows)`);
    if (s === undefined) fail(`int8 tensor ${describe(name)} has no scale tensor ${describe(sName)}`);
    if (file.dtypes[sName] !== 'F32')
      fail(`scale tensor ${describe(sName)} must be F32 but is ${file.dtypes[sName]}`);
    const rows = t.shape[0];
    if (s.shape.length !== 1 || s.shape[0] !== rows) {
      fail(`scale tensor ${describe(sName)} must be [${rows}] (one per row) but is [${s.shape.join(', ')}]`);
    }
    const width = rows === 0 ? 0 : t.data.length / rows;
    for (let r = 0; r < rows; r++) {
      const scale = s.data[r];
      if (!(Number.isFinite(scale) && scale >= 0))
        fail(`scale tensor ${describe(sName)}[${r}] is ${scale}; scales must be finite and non-negative`);
      for (let i = r * width; i < (r + 1) * width; i++) {
        if (t.data[i] === -128)
          fail(`int8 tensor ${describe(name)}[${i}] is -128, outside the symmetric [-127, 127]`);
        t.data[i] *= scale;
      }
    }
    delete file.tensors[sName];
    delete file.dtypes[sName];
  }
}
