// f32 elementary functions shared by the activation, loss and cell kernels: f32x4 versions plus scalar
// twins for tails. Each scalar twin runs the vector code on a splat and takes lane 0, so a tail element
// rounds exactly like a lane in every build. bindings/kernels-ts/math.ts repeats every operation in the same
// order (rounded with Math.fround), so the `simd` build and the TypeScript twin agree bit for bit; the
// `relaxed` build fuses the Horner steps through `madd` and may differ by an ulp or so.
// Polynomial coefficients are the published Cephes (S. L. Moshier) minimax fits for expf, logf and tanhf.
// Errors quoted below were measured against f64 over 1e6-point sweeps (simd and ts agree bit for bit, so one
// figure serves both; relaxed in brackets); test/math.test.ts asserts slightly looser bounds.

import { madd } from './simd';

// exp: x = n·ln2 + r, |r| ≤ ~ln2/2, with ln2 split in two (C1 has 9 bits, so n·C1 is exact for |n| ≤ 150).
const LOG2E: f32 = 1.44269504088896341;
const C1: f32 = 0.693359375;
const C2: f32 = -2.12194440e-4;
// Below EXP_LO the result rounds to 0 and above EXP_HI to +Inf; clamping keeps n in [-150, 128].
const EXP_LO: f32 = -104.0;
const EXP_HI: f32 = 89.0;
/** 1.5·2^23: adding it to an integer-valued f32 of magnitude < 2^22 leaves that integer in the low bits. */
const MAGIC: f32 = 12582912.0;
const EP0: f32 = 1.9875691500e-4;
const EP1: f32 = 1.3981999507e-3;
const EP2: f32 = 8.3334519073e-3;
const EP3: f32 = 4.1665795894e-2;
const EP4: f32 = 1.6666665459e-1;
const EP5: f32 = 5.0000001201e-1;

/** The f32 sign bit in every lane. Explicit masks are loop-invariant constants; f32x4.abs and f32x4.neg are
 * lowered on x64 to three instructions that rebuild their mask on every use. */
const SIGN: v128 = i32x4.splat(0x80000000);

// @ts-ignore: decorator
@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** 2^k for integer lanes k in [-126, 127], built from exponent bits. */
// @ts-ignore: decorator
@inline function pow2i(k: v128): v128 {
  return i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23);
}

/**
 * e^x per lane. vs Math.exp: max relative error 8.1e-8 over [−87.33, 88.72] (normal results);
 * gradual underflow below that: within 1.04e-45 (under one denormal step). ≥ 88.73 → +Inf, ≤ −104 → 0,
 * +Inf → +Inf, −Inf → 0, NaN → NaN.
 */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  // pmin/pmax are `b < a ? b : a` / `a < b ? b : a`: one instruction each, and a NaN lane fails the comparison
  // and passes through unchanged.
  x = f32x4.pmax(f32x4.pmin(x, splat(EXP_HI)), splat(EXP_LO));
  // n = round(x·log2 e) (to nearest, ties to even) by the magic-number trick: x·log2 e + 1.5·2^23 rounds the
  // fraction away, and since |n| ≤ 150 the low mantissa bits of that sum are n in two's complement, so no
  // float-to-int conversion (which x64 has to emulate) is needed. A NaN lane gives some n and stays NaN.
  const t = f32x4.add(f32x4.mul(x, splat(LOG2E)), splat(MAGIC));
  const nf = f32x4.sub(t, splat(MAGIC));
  const n = i32x4.sub(t, splat(MAGIC));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(nf, splat(C1))), f32x4.mul(nf, splat(C2)));
  // The degree-5 polynomial by Estrin's scheme: three independent pairs, then two steps in r², a shorter
  // dependency chain than Horner's five (the cell kernels are latency-bound on it).
  const r2 = f32x4.mul(r, r);
  const q0 = madd(splat(EP4), r, splat(EP5));
  const q1 = madd(splat(EP2), r, splat(EP3));
  const q2 = madd(splat(EP0), r, splat(EP1));
  const p = madd(madd(q2, r2, q1), r2, q0);
  const y = f32x4.add(madd(p, r2, r), splat(1));
  // 2^n in two exact halves so that n = 128 (overflow to Inf) and n < −126 (denormal results) both
  // round once, in the last multiply.
  const n1 = i32x4.shr_s(n, 1);
  return f32x4.mul(f32x4.mul(y, pow2i(n1)), pow2i(i32x4.sub(n, n1)));
}

/** Scalar e^x, bit-identical to one lane of exp4. */
// @ts-ignore: decorator
@inline export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

/**
 * 1/(1+e^−x) per lane, as (x ≥ 0 ? 1 : t)/(1 + t) with t = e^−|x| ≤ 1, so nothing overflows and the
 * left tail keeps its relative accuracy. vs exact f64 sigmoid over [−20, 20]: max absolute error 8.9e-8,
 * max relative 1.8e-7 [same]. +Inf → 1, −Inf → 0, NaN → NaN; finite inputs never give NaN.
 */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const t = exp4(v128.or(x, SIGN)); // −|x|: the sign bit set (NaN stays NaN)
  const num = v128.bitselect(splat(1), t, f32x4.ge(x, splat(0)));
  return f32x4.div(num, f32x4.add(splat(1), t));
}

/** Scalar sigmoid, bit-identical to one lane of sigmoid4. */
// @ts-ignore: decorator
@inline export function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}

// tanh: an odd polynomial below TANH_SMALL, where 1 − e^−2|x| would cancel; (1−e)/(1+e) above it.
const TANH_SMALL: f32 = 0.625;
const TP0: f32 = -5.70498872745e-3;
const TP1: f32 = 2.06390887954e-2;
const TP2: f32 = -5.37397155531e-2;
const TP3: f32 = 1.33314422036e-1;
const TP4: f32 = -3.33332819422e-1;

/**
 * tanh per lane, computed on |x| with the sign copied back (so tanh(−0) = −0). vs Math.tanh over
 * [−20, 20]: max absolute error 8.9e-8, max relative 1.5e-7 [same]; denormals return x. ±Inf → ±1, NaN → NaN.
 */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const a = v128.andnot(x, SIGN); // |x|: the sign bit cleared
  const z = f32x4.mul(a, a);
  let p = madd(splat(TP0), z, splat(TP1));
  p = madd(p, z, splat(TP2));
  p = madd(p, z, splat(TP3));
  p = madd(p, z, splat(TP4));
  const small = madd(f32x4.mul(p, z), a, a);
  const e = exp4(f32x4.mul(a, splat(-2)));
  const large = f32x4.div(f32x4.sub(splat(1), e), f32x4.add(splat(1), e));
  const r = v128.bitselect(small, large, f32x4.lt(a, splat(TANH_SMALL)));
  return v128.or(r, v128.and(x, SIGN));
}

/** Scalar tanh, bit-identical to one lane of tanh4. */
// @ts-ignore: decorator
@inline export function tanh1(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}

// log: x = m·2^e with m in [√½, √2); log x = e·ln2 + log1p(m − 1), m − 1 exact, ln2 split as in exp.
const SQRT2: f32 = 1.41421356237309505;
const MIN_NORMAL: f32 = 1.17549435e-38;
const LP0: f32 = 7.0376836292e-2;
const LP1: f32 = -1.1514610310e-1;
const LP2: f32 = 1.1676998740e-1;
const LP3: f32 = -1.2420140846e-1;
const LP4: f32 = 1.4249322787e-1;
const LP5: f32 = -1.6668057665e-1;
const LP6: f32 = 2.0000714765e-1;
const LP7: f32 = -2.4999993993e-1;
const LP8: f32 = 3.3333331174e-1;

/**
 * Natural log per lane. vs Math.log: max relative error 7.7e-8 [7.7e-8] from the smallest denormal to
 * FLT_MAX; max absolute error 3.9e-8 on [0.5, 2]. ±0 → −Inf, < 0 → NaN, +Inf → +Inf, NaN → NaN.
 */
// @ts-ignore: decorator
@inline export function log4(x: v128): v128 {
  // Denormals are scaled into the normal range first (2^23 is exact) so the exponent field is meaningful.
  const den = f32x4.lt(x, splat(MIN_NORMAL));
  const xs = v128.bitselect(f32x4.mul(x, splat(8388608.0)), x, den);
  let e = i32x4.sub(i32x4.shr_s(xs, 23), i32x4.splat(127));
  e = i32x4.sub(e, v128.and(den, i32x4.splat(23)));
  let m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.ge(m, splat(SQRT2));
  m = v128.bitselect(f32x4.mul(m, splat(0.5)), m, big);
  e = i32x4.sub(e, big); // a true mask lane is −1, so this adds 1 where m was halved
  const f = f32x4.sub(m, splat(1));
  const z = f32x4.mul(f, f);
  let p = madd(splat(LP0), f, splat(LP1));
  p = madd(p, f, splat(LP2));
  p = madd(p, f, splat(LP3));
  p = madd(p, f, splat(LP4));
  p = madd(p, f, splat(LP5));
  p = madd(p, f, splat(LP6));
  p = madd(p, f, splat(LP7));
  p = madd(p, f, splat(LP8));
  const ef = f32x4.convert_i32x4_s(e);
  let y = madd(f32x4.mul(p, f), z, f32x4.mul(ef, splat(C2)));
  y = madd(z, splat(-0.5), y);
  let r = f32x4.add(f32x4.add(f, y), f32x4.mul(ef, splat(C1)));
  r = v128.bitselect(splat(-Infinity), r, f32x4.eq(x, splat(0)));
  r = v128.bitselect(x, r, f32x4.eq(x, splat(Infinity)));
  return v128.bitselect(splat(NaN), r, v128.or(f32x4.ne(x, x), f32x4.lt(x, splat(0))));
}

/** Scalar log, bit-identical to one lane of log4. */
// @ts-ignore: decorator
@inline export function log1(x: f32): f32 {
  return f32x4.extract_lane(log4(f32x4.splat(x)), 0);
}
