// The conversions behind small weights: f32 → binary16 and → bfloat16 round to nearest with ties to even,
// checked against references built differently (the nearest of all 65,536 decoded halves; the two bfloat16
// neighbours compared in float64) and against known bit patterns; int8 rows come back within scale/2.

import { describe, expect, it } from 'vitest';
import { floatToBfloat16Bits, floatToHalfBits } from '../bindings/io/half-float.ts';
import { quantizeRows } from '../bindings/io/int8-rows.ts';
import { halfToFloat } from '../bindings/io/safetensors.ts';
import { Random } from '../bindings/random.ts';

/** Every non-negative finite half, ascending, decoded by halfToFloat (tested on its own in safetensors.test.ts). */
const HALVES = Array.from({ length: 0x7c01 }, (_, bits) => halfToFloat(bits));

/** The nearest half to f32(x) by search over the table; ties to the even bit pattern; past 65520 Infinity. */
function referenceHalf(x: number): number {
  const v = Math.fround(x);
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  let lo = 0;
  let hi = 0x7c00;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (HALVES[mid] <= a) lo = mid;
    else hi = mid;
  }
  // 65520 lies halfway between 65504 and 2^16, which rounds to Infinity (0x7c00) as the next "even" step.
  const below = a - HALVES[lo];
  const above = (hi === 0x7c00 ? 65536 : HALVES[hi]) - a;
  const pick = below < above ? lo : above < below ? hi : lo % 2 === 0 ? lo : hi;
  return sign | pick;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const fromBits = (bits: number) => {
  u32[0] = bits >>> 0;
  return f32[0];
};

/** The bfloat16 below and above f32(x) as numbers, the nearer kept (ties to even). */
function referenceBfloat16(x: number): number {
  f32[0] = x;
  const down = u32[0] >>> 16;
  const a = Math.abs(f32[0]);
  const low = Math.abs(fromBits(down << 16));
  const high = Math.abs(fromBits((down + 1) << 16));
  if (a - low < high - a) return down;
  if (high - a < a - low) return down + 1;
  return down % 2 === 0 ? down : down + 1;
}

describe('f32 → binary16, round to nearest even', () => {
  it('gives known bit patterns: one, thirds, range ends, subnormals, ties', () => {
    const cases: [number, number][] = [
      [1, 0x3c00],
      [-2, 0xc000],
      [1 / 3, 0x3555],
      [65504, 0x7bff],
      [65519, 0x7bff],
      [65520, 0x7c00],
      [-0, 0x8000],
      [2 ** -14, 0x0400],
      [1023 * 2 ** -24, 0x03ff],
      [2 ** -24, 0x0001],
      [2 ** -25, 0x0000], // tie between 0 and the smallest subnormal: the even one, 0
      [3 * 2 ** -25, 0x0002], // tie between 1 and 2 units: 2
      [2 ** -14 - 2 ** -25, 0x0400], // tie across the subnormal/normal border: the even 0x400
      [1 + 2 ** -11, 0x3c00], // tie: mantissa 0 is even
      [1 + 3 * 2 ** -11, 0x3c02], // tie: mantissa 2 is even
      [Number.POSITIVE_INFINITY, 0x7c00],
    ];
    for (const [x, bits] of cases) expect(floatToHalfBits(x), `${x}`).toBe(bits);
    expect(floatToHalfBits(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect(floatToHalfBits(Number.NaN) & 0x3ff).not.toBe(0);
  });

  it('agrees with the nearest-of-all-halves reference on 200,000 values over every exponent', () => {
    const rng = new Random(18);
    for (let i = 0; i < 200_000; i++) {
      const x = (rng.next() < 0.5 ? -1 : 1) * 2 ** (rng.next() * 46 - 28) * (1 + rng.next());
      const got = floatToHalfBits(x);
      const want = referenceHalf(x);
      if (got !== want) expect({ x, got, want }).toEqual({ x, got: want, want });
    }
  });

  it('agrees with the reference on every f32 halfway between two halves (the ties)', () => {
    for (let bits = 0; bits < 0x7bff; bits += 7) {
      const mid = (HALVES[bits] + HALVES[bits + 1]) / 2;
      expect(floatToHalfBits(mid)).toBe(referenceHalf(mid));
      expect(floatToHalfBits(mid) % 2).toBe(0);
    }
  });
});

describe('f32 → bfloat16, round to nearest even', () => {
  it('gives known bit patterns', () => {
    expect(floatToBfloat16Bits(1)).toBe(0x3f80);
    expect(floatToBfloat16Bits(Math.PI)).toBe(0x4049);
    expect(floatToBfloat16Bits(-2)).toBe(0xc000);
    expect(floatToBfloat16Bits(fromBits(0x3f808000))).toBe(0x3f80); // tie, even stays
    expect(floatToBfloat16Bits(fromBits(0x3f818000))).toBe(0x3f82); // tie, odd goes up
    expect(floatToBfloat16Bits(fromBits(0x7f7fffff))).toBe(0x7f80); // rounds past the largest bfloat16
    expect(floatToBfloat16Bits(Number.NaN) & 0x7fc0).toBe(0x7fc0);
  });

  it('agrees with the two-neighbour reference on 200,000 values, including exact ties', () => {
    const rng = new Random(19);
    for (let i = 0; i < 200_000; i++) {
      const bits = rng.int(0x7f000000) | (rng.next() < 0.5 ? 0x80000000 : 0);
      const x = fromBits(i % 4 === 0 ? (bits & 0xffff0000) | 0x8000 : bits);
      const got = floatToBfloat16Bits(x);
      const want = referenceBfloat16(x);
      if (got !== want) expect({ x, got, want }).toEqual({ x, got: want, want });
    }
  });
});

describe('int8 per output row, symmetric', () => {
  it('keeps every weight within scale/2 (+ the f32 rounding of q·scale), the row maximum at ±127', () => {
    const rng = new Random(20);
    const rows = 13;
    const width = 37;
    const data = rng.fillUniform(new Float32Array(rows * width), -3, 3);
    for (let i = 0; i < width; i++) data[5 * width + i] = 0; // a zero row
    for (let i = 0; i < width; i++) data[7 * width + i] *= 1e-4; // a row of tiny weights gets its own scale
    const { q, scales } = quantizeRows(data, rows);
    for (let r = 0; r < rows; r++) {
      let max = 0;
      for (let i = 0; i < width; i++) max = Math.max(max, Math.abs(data[r * width + i]));
      expect(scales[r]).toBe(Math.fround(max / 127));
      for (let i = 0; i < width; i++) {
        const w = data[r * width + i];
        const back = Math.fround(q[r * width + i] * scales[r]);
        expect(Math.abs(back - w)).toBeLessThanOrEqual(scales[r] / 2 + Math.abs(w) * 2 ** -23);
        expect(Math.abs(q[r * width + i])).toBeLessThanOrEqual(127);
        if (Math.abs(w) === max && max > 0) expect(Math.abs(q[r * width + i])).toBe(127);
      }
    }
    expect(scales[5]).toBe(0);
    expect(q.subarray(5 * width, 6 * width).every((v) => v === 0)).toBe(true);
    expect(scales[7]).toBeLessThan(scales[0] * 1e-3);
  });
});
