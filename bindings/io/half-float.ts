// f32 → 16-bit floats for saving small weights: IEEE binary16 (F16) and bfloat16 (BF16), both rounded to the
// nearest representable value with ties to even, as torch's .half() and .bfloat16() round. Reading them back
// is halfToFloat (safetensors.ts) and a 16-bit shift: every 16-bit value is exact in f32.

const F32 = new Float32Array(1);
const BITS = new Uint32Array(F32.buffer);

/** The largest finite binary16 value; anything that rounds past it becomes ±Infinity. */
export const MAX_HALF = 65504;

/** `x` rounded to f32, then to the nearest binary16 (ties to even); the 16 bits as an integer. */
export function floatToHalfBits(x: number): number {
  F32[0] = x;
  const b = BITS[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: the value in units of 2^-24 is the f32 significand shifted right by 14 - e.
    const shift = 14 - e;
    if (shift > 24) return sign;
    return sign | roundShift(mant | 0x800000, shift);
  }
  // Normal: drop 13 mantissa bits; a carry out of the mantissa rightly bumps the exponent (up to Infinity).
  return sign | roundShift((e << 23) | mant, 13);
}

/** `x` rounded to f32, then to the nearest bfloat16 (ties to even); the 16 bits as an integer. */
export function floatToBfloat16Bits(x: number): number {
  F32[0] = x;
  const b = BITS[0];
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return (b >>> 16) | 0x40;
  return Math.floor((b + 0x7fff + ((b >>> 16) & 1)) / 0x10000);
}

/** `value >> shift`, rounded to nearest with ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}
