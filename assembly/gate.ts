// The nonlinearities of the cell kernels (cell-rnn/lstm/gru.ts): a rational tanh and the sigmoid through it.
//
// The cells evaluate five of these per LSTM unit and step, and math.ts's exp-based versions (≈ 40 operations
// each, accurate to a few 1e-8) made the gate pass as slow as the recurrent GEMM in inference. A gate value
// only ever meets sums of products with their own f32 rounding, so an absolute error of a few 1e-7 costs nothing
// downstream; these take a third of the operations and no exp. The activation and loss kernels keep math.ts.
//
// tanh(x) ≈ x·P(x²)/Q(x²), with P and Q of degrees 5 and 3 fitted by scripts/fit/gate-tanh.py (minimax of the
// absolute error on [0, 9], constants fixed at 1 so tiny x give x exactly, then the f32 coefficients tuned on
// the f32 evaluation). Errors vs Math.tanh / the exact sigmoid in f64, measured over dense sweeps (the `simd`
// build and bindings/kernels-ts/gate.ts agree bit for bit; relaxed in brackets): tanhGate max absolute error
// 4.0e-7 [3.8e-7], sigmoidGate 2.3e-7 [2.1e-7]; test/gate.test.ts asserts the bounds. Results stay within
// [−1, 1] and [0, 1]; |x| ≥ SATURATE gives exactly ±1 (sigmoid: |x| ≥ 2·SATURATE gives exactly 0 or 1);
// tanhGate(±0) = ±0; ±Inf saturate; NaN → NaN.

import { madd } from './simd';

/** Where the rational first reaches 1 in f32 (both with fused and separate multiply-adds): inputs are clamped
 * to ±SATURATE, and the result to ±1, so every larger |x| gives exactly ±1 (1 − tanh(9) = 3e-8). */
const SATURATE: f32 = 8.999919891357422;
const P1: f32 = 0.12885305285453796;
const P2: f32 = 0.0028840000741183758;
const P3: f32 = 8.929050636652391e-6;
const P4: f32 = -1.1768515051358008e-8;
const P5: f32 = 1.571004611122806e-11;
const Q1: f32 = 0.4621860086917877;
const Q2: f32 = 0.023613393306732178;
const Q3: f32 = 0.00022299314150586724;

// @ts-ignore: decorator
@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** tanh per lane for the cells; see the file comment for its error. */
// @ts-ignore: decorator
@inline export function tanhGate4(x: v128): v128 {
  // pmin/pmax (`b < a ? b : a`, `a < b ? b : a`) let a NaN lane through unchanged.
  x = f32x4.pmax(f32x4.pmin(x, splat(SATURATE)), splat(-SATURATE));
  const z = f32x4.mul(x, x);
  let p = madd(splat(P5), z, splat(P4));
  p = madd(p, z, splat(P3));
  p = madd(p, z, splat(P2));
  p = madd(p, z, splat(P1));
  p = madd(p, z, splat(1));
  let q = madd(splat(Q3), z, splat(Q2));
  q = madd(q, z, splat(Q1));
  q = madd(q, z, splat(1));
  const y = f32x4.div(f32x4.mul(p, x), q);
  return f32x4.pmax(f32x4.pmin(y, splat(1)), splat(-1));
}

/** Scalar tanhGate, bit-identical to one lane of tanhGate4. */
// @ts-ignore: decorator
@inline export function tanhGate1(x: f32): f32 {
  return f32x4.extract_lane(tanhGate4(f32x4.splat(x)), 0);
}

/** Sigmoid per lane for the cells: σ(x) = ½ + ½·tanh(x/2) (halving is exact). */
// @ts-ignore: decorator
@inline export function sigmoidGate4(x: v128): v128 {
  return madd(splat(0.5), tanhGate4(f32x4.mul(x, splat(0.5))), splat(0.5));
}

/** Scalar sigmoidGate, bit-identical to one lane of sigmoidGate4. */
// @ts-ignore: decorator
@inline export function sigmoidGate1(x: f32): f32 {
  return f32x4.extract_lane(sigmoidGate4(f32x4.splat(x)), 0);
}
