// The register tile of the outer-product GEMMs (nn, tn), shared by the in-place path (gemm.ts) and the packed
// one (gemm-packed.ts, which passes the strides of its panels: ra = 4, ka = 16, rb = 32).

import { madd } from './simd';

// @ts-ignore: decorator
@inline export function start(c: usize, accumulate: i32): v128 {
  return accumulate ? v128.load(c) : f32x4.splat(0);
}

// c [4,8] += a [4,k] · b [k,8]
// @ts-ignore: decorator
@inline export function tile4x8(c: usize, rc: usize, a: usize, ra: usize, ka: usize, b: usize, rb: usize, k: i32, accumulate: i32): void {
  const c1 = c + rc;
  const c2 = c1 + rc;
  const c3 = c2 + rc;
  let x00 = start(c, accumulate);
  let x01 = start(c + 16, accumulate);
  let x10 = start(c1, accumulate);
  let x11 = start(c1 + 16, accumulate);
  let x20 = start(c2, accumulate);
  let x21 = start(c2 + 16, accumulate);
  let x30 = start(c3, accumulate);
  let x31 = start(c3 + 16, accumulate);
  const ra2 = ra + ra;
  const ra3 = ra2 + ra;
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let s = v128.load32_splat(pa);
    x00 = madd(s, b0, x00);
    x01 = madd(s, b1, x01);
    s = v128.load32_splat(pa + ra);
    x10 = madd(s, b0, x10);
    x11 = madd(s, b1, x11);
    s = v128.load32_splat(pa + ra2);
    x20 = madd(s, b0, x20);
    x21 = madd(s, b1, x21);
    s = v128.load32_splat(pa + ra3);
    x30 = madd(s, b0, x30);
    x31 = madd(s, b1, x31);
    pa += ka;
    pb += rb;
  }
  v128.store(c, x00);
  v128.store(c, x01, 16);
  v128.store(c1, x10);
  v128.store(c1, x11, 16);
  v128.store(c2, x20);
  v128.store(c2, x21, 16);
  v128.store(c3, x30);
  v128.store(c3, x31, 16);
}
