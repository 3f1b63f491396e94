// The only file that knows which instruction set the build targets: `simd` (deterministic,
// separate multiply and add) or `relaxed` (fused multiply-add, results may differ by hardware).

/** a·b + c per lane; fused (one rounding) in the relaxed build, two roundings otherwise. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  }
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Scalar twin of madd for tails: never fused, so tails round like the TypeScript reference. */
// @ts-ignore: decorator
@inline export function maddScalar(a: f32, b: f32, c: f32): f32 {
  return a * b + c;
}

/** 1 when this build uses relaxed SIMD, so the host can check it loaded the build it asked for. */
export function isa_relaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
