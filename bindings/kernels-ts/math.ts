// TypeScript twin of assembly/math.ts: the same polynomials, every f32 operation in the same order and rounded
// with fround, so results match the `simd` build bit for bit. Math.exp/tanh/log are never used: their results
// differ between JavaScript engines. Errors are documented on the WebAssembly versions.

import { fround } from './heap.ts';

const LOG2E = fround(Math.LOG2E); // the same f32 as the literal in assembly/math.ts
const C1 = fround(0.693359375);
const C2 = fround(-2.1219444e-4);
const EXP_LO = -104;
const EXP_HI = 89;
const MAGIC = 12582912; // 1.5·2^23
const EP0 = fround(1.98756915e-4);
const EP1 = fround(1.3981999507e-3);
const EP2 = fround(8.3334519073e-3);
const EP3 = fround(4.1665795894e-2);
const EP4 = fround(1.6666665459e-1);
const EP5 = fround(5.0000001201e-1);

const TANH_SMALL = 0.625;
const TP0 = fround(-5.70498872745e-3);
const TP1 = fround(2.06390887954e-2);
const TP2 = fround(-5.37397155531e-2);
const TP3 = fround(1.33314422036e-1);
const TP4 = fround(-3.33332819422e-1);

const SQRT2 = fround(Math.SQRT2);
const MIN_NORMAL = fround(1.17549435e-38);
const LP = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(fround);

/** 2^k for k in [−75, 64] (the halves of exp's n), built by exact doubling: POW2[k + 75]. */
const POW2 = new Float64Array(140);
POW2[75] = 1;
for (let k = 1; k <= 64; k++) POW2[75 + k] = POW2[74 + k] * 2;
for (let k = 1; k <= 75; k++) POW2[75 - k] = POW2[76 - k] / 2;

// One scratch word seen as f32 and as i32, for log's exponent and mantissa bits.
const scratchF = new Float32Array(1);
const scratchI = new Int32Array(scratchF.buffer);

/** e^x in f32; bit-identical to assembly/math.ts exp4. */
export function exp1(x: number): number {
  x = fround(x);
  if (x > EXP_HI) x = EXP_HI;
  if (x < EXP_LO) x = EXP_LO;
  const t = fround(fround(x * LOG2E) + MAGIC); // rounds to nearest, ties to even, as the f32 add does
  const nf = t - MAGIC; // exact
  const r = fround(fround(x - fround(nf * C1)) - fround(nf * C2));
  const r2 = fround(r * r);
  const q0 = fround(fround(EP4 * r) + EP5);
  const q1 = fround(fround(EP2 * r) + EP3);
  const q2 = fround(fround(EP0 * r) + EP1);
  const inner = fround(fround(q2 * r2) + q1);
  const p = fround(fround(inner * r2) + q0);
  const y = fround(fround(fround(p * r2) + r) + 1);
  const n = nf | 0; // any n for NaN: y is NaN already
  const n1 = n >> 1;
  return fround(fround(y * POW2[n1 + 75]) * POW2[n - n1 + 75]);
}

/** 1/(1+e^−x) in f32; bit-identical to assembly/math.ts sigmoid4. */
export function sigmoid1(x: number): number {
  x = fround(x);
  const t = exp1(-Math.abs(x));
  return fround((x >= 0 ? 1 : t) / fround(1 + t));
}

/** tanh in f32; bit-identical to assembly/math.ts tanh4. */
export function tanh1(x: number): number {
  x = fround(x);
  const a = Math.abs(x);
  let r: number;
  if (a < TANH_SMALL) {
    const z = fround(a * a);
    let p = fround(fround(TP0 * z) + TP1);
    p = fround(fround(p * z) + TP2);
    p = fround(fround(p * z) + TP3);
    p = fround(fround(p * z) + TP4);
    r = fround(fround(fround(p * z) * a) + a);
  } else {
    const e = exp1(fround(a * -2));
    r = fround(fround(1 - e) / fround(1 + e));
  }
  // The sign bit of x copied onto r ≥ +0: −r below zero, and ±0 itself at zero (tanh(−0) = −0).
  return x < 0 ? -r : x === 0 ? x : r;
}

/** Natural log in f32; bit-identical to assembly/math.ts log4. */
export function log1(x: number): number {
  x = fround(x);
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  const den = x < MIN_NORMAL;
  scratchF[0] = den ? x * 8388608 : x;
  const bits = scratchI[0];
  let e = (bits >> 23) - 127 - (den ? 23 : 0);
  scratchI[0] = (bits & 0x007fffff) | 0x3f800000;
  let m = scratchF[0];
  if (m >= SQRT2) {
    m *= 0.5;
    e += 1;
  }
  const f = fround(m - 1);
  const z = fround(f * f);
  let p = fround(fround(LP[0] * f) + LP[1]);
  for (let i = 2; i < 9; i++) p = fround(fround(p * f) + LP[i]);
  let y = fround(fround(fround(p * f) * z) + fround(e * C2));
  y = fround(fround(z * -0.5) + y);
  return fround(fround(f + y) + fround(e * C1));
}
