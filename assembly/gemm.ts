// GEMM, the three forms BPTT needs. c [m,n] (ldc); `accumulate` 1 adds into c, 0 overwrites it and never
// reads it. Pointers are byte offsets, sizes and ld* count floats, row-major. c must not alias a or b
// (tiles write c while later tiles still read a and b), so there is no in-place use.
//
// nn and tn are outer-product kernels (this file): a 4×8 register tile of f32x4 accumulators, one rank-1
// update per k. Every c element is (accumulate ? c : 0) + a·b added in k order, whatever tile computes it,
// so the simd build is bit-identical to the TypeScript twin. nt is a dot-product kernel (gemm-nt.ts).
// k is split into blocks of KC so a block of b stays in cache while all rows of a pass over it; the
// partial sum is stored to c as f32 and reloaded, which changes nothing in the operation order.

import { fiveRows, KC, packable, packedBlock } from './gemm-packed';
import { start, tile4x8 } from './gemm-tile';
import { madd } from './simd';

export { gemm_nt_f32 } from './gemm-nt';

// a [m,k] (lda), b [k,n] (ldb), c [m,n] (ldc)
export function gemm_nn_f32(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, accumulate: i32): void {
  outer(c, a, b, m, n, k, <usize>lda << 2, 4, <usize>ldb << 2, <usize>ldc << 2, accumulate, 0);
}

/** Whether gemmNnPrepacked would read a prepacked b for these sizes (gemm_nn_f32 would pack it). */
export function prepackable(m: i32, n: i32, k: i32, ldb: i32): bool {
  return packable(m, n, k, 4, <usize>ldb << 2);
}

/** gemm_nn_f32 with b's panels packed beforehand (prepackB(pre, b, k, n, ldb·4)) when prepackable(m, n, k, ldb):
 * the same element order, so the same bits; the n % 8 fringe columns still read b. */
export function gemmNnPrepacked(c: usize, a: usize, b: usize, pre: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, accumulate: i32): void {
  outer(c, a, b, m, n, k, <usize>lda << 2, 4, <usize>ldb << 2, <usize>ldc << 2, accumulate, prepackable(m, n, k, ldb) ? pre : 0);
}

// a [k,m] (lda), b [k,n] (ldb), c [m,n] (ldc)
export function gemm_tn_f32(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, accumulate: i32): void {
  outer(c, a, b, m, n, k, 4, <usize>lda << 2, <usize>ldb << 2, <usize>ldc << 2, accumulate, 0);
}

// a(i,p) at a + i·ra + p·ka, b(p,j) at b + p·rb + 4j, c(i,j) at c + i·rc + 4j; strides in bytes. pre ≠ 0: b's
// panels prepacked there (only when b would be packed).
function outer(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, ra: usize, ka: usize, rb: usize, rc: usize, accumulate: i32, pre: usize): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + <usize>i * rc, 0, <usize>n << 2);
    return;
  }
  const packB = packable(m, n, k, ka, rb);
  // The relaxed build packs a for its five-row tiles even when b is read in place.
  const m5 = k >= 16 ? fiveRows(m, n, packB) : 0;
  const packed = packB || m5 > 0;
  const m4 = (m - m5) & ~3;
  // Two rows left after the fives (m ≡ 2 mod 5) go to the two-row tiles.
  const m2 = m5 > 0 && m - m5 - m4 == 2 ? 2 : 0;
  const mp = m5 + m4 + m2;
  const n8 = n & ~7;
  for (let p = 0; p < k; p += KC) {
    const kc = min(KC, k - p);
    const ap = a + <usize>p * ka;
    const bp = b + <usize>p * rb;
    const acc = p > 0 ? 1 : accumulate;
    if (!packed) {
      block(c, ap, bp, m, n, kc, ra, ka, rb, rc, acc);
      continue;
    }
    // Full tiles from packed panels; the last n % 8 columns and the rows past them by the unpacked tiles.
    packedBlock(c, ap, bp, m5, m4, m2, n8, kc, ra, ka, rb, rc, acc, packB, pre ? pre + <usize>p * <usize>n8 * 4 : 0);
    if (n8 < n) block(c + (<usize>n8 << 2), ap, bp + (<usize>n8 << 2), mp, n - n8, kc, ra, ka, rb, rc, acc);
    if (mp < m) block(c + <usize>mp * rc, ap + <usize>mp * ra, bp, m - mp, n, kc, ra, ka, rb, rc, acc);
  }
}

// One k-block over all of c: rows in fours (then one by one), columns in eights, a four, then singles.
function block(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, ra: usize, ka: usize, rb: usize, rc: usize, accumulate: i32): void {
  let i = 0;
  if (n < 4) {
    // A narrow b: sixteen rows of one column at a time, four independent madd chains.
    for (; i + 16 <= m; i += 16) {
      const ai = a + <usize>i * ra;
      const ci = c + <usize>i * rc;
      for (let j = 0; j < n; j++) column16(ci + (<usize>j << 2), rc, ai, ra, ka, b + (<usize>j << 2), rb, k, accumulate);
    }
  }
  for (; i + 4 <= m; i += 4) {
    const ai = a + <usize>i * ra;
    const ci = c + <usize>i * rc;
    let j = 0;
    for (; j + 8 <= n; j += 8) tile4x8(ci + (<usize>j << 2), rc, ai, ra, ka, b + (<usize>j << 2), rb, k, accumulate);
    if (j + 4 <= n) {
      tile4x4(ci + (<usize>j << 2), rc, ai, ra, ka, b + (<usize>j << 2), rb, k, accumulate);
      j += 4;
    }
    for (; j < n; j++) column4(ci + (<usize>j << 2), rc, ai, ra, ka, b + (<usize>j << 2), rb, k, accumulate);
  }
  for (; i < m; i++) {
    const ai = a + <usize>i * ra;
    const ci = c + <usize>i * rc;
    let j = 0;
    for (; j + 8 <= n; j += 8) tile1x8(ci + (<usize>j << 2), ai, ka, b + (<usize>j << 2), rb, k, accumulate);
    if (j + 4 <= n) {
      tile1x4(ci + (<usize>j << 2), ai, ka, b + (<usize>j << 2), rb, k, accumulate);
      j += 4;
    }
    for (; j < n; j++) scalar(ci + (<usize>j << 2), ai, ka, b + (<usize>j << 2), rb, k, accumulate);
  }
}

// c [4,4] += a [4,k] · b [k,4]
// @ts-ignore: decorator
@inline function tile4x4(c: usize, rc: usize, a: usize, ra: usize, ka: usize, b: usize, rb: usize, k: i32, accumulate: i32): void {
  const c1 = c + rc;
  const c2 = c1 + rc;
  const c3 = c2 + rc;
  let x0 = start(c, accumulate);
  let x1 = start(c1, accumulate);
  let x2 = start(c2, accumulate);
  let x3 = start(c3, accumulate);
  const ra2 = ra + ra;
  const ra3 = ra2 + ra;
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    x0 = madd(v128.load32_splat(pa), b0, x0);
    x1 = madd(v128.load32_splat(pa + ra), b0, x1);
    x2 = madd(v128.load32_splat(pa + ra2), b0, x2);
    x3 = madd(v128.load32_splat(pa + ra3), b0, x3);
    pa += ka;
    pb += rb;
  }
  v128.store(c, x0);
  v128.store(c1, x1);
  v128.store(c2, x2);
  v128.store(c3, x3);
}

// c [1,8] += a [1,k] · b [k,8]
// @ts-ignore: decorator
@inline function tile1x8(c: usize, a: usize, ka: usize, b: usize, rb: usize, k: i32, accumulate: i32): void {
  let x0 = start(c, accumulate);
  let x1 = start(c + 16, accumulate);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const s = v128.load32_splat(pa);
    x0 = madd(s, v128.load(pb), x0);
    x1 = madd(s, v128.load(pb, 16), x1);
    pa += ka;
    pb += rb;
  }
  v128.store(c, x0);
  v128.store(c, x1, 16);
}

// c [1,4] += a [1,k] · b [k,4]
// @ts-ignore: decorator
@inline function tile1x4(c: usize, a: usize, ka: usize, b: usize, rb: usize, k: i32, accumulate: i32): void {
  let x0 = start(c, accumulate);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    x0 = madd(v128.load32_splat(pa), v128.load(pb), x0);
    pa += ka;
    pb += rb;
  }
  v128.store(c, x0);
}

/** Element o (bytes) of four rows `stride` apart, as one vector. */
// @ts-ignore: decorator
@inline function rows4(p: usize, stride: usize): v128 {
  let g = v128.load32_zero(p);
  g = f32x4.replace_lane(g, 1, load<f32>(p + stride));
  g = f32x4.replace_lane(g, 2, load<f32>(p + 2 * stride));
  return f32x4.replace_lane(g, 3, load<f32>(p + 3 * stride));
}

// c [4,1] += a [4,k] · b [k,1] with the four rows as lanes: a narrow b (the n % 4 columns, or n = 1 as in
// an input projection of width 1) would otherwise be four scalar dot products. In tn the four a values of a
// step are adjacent (ra = 4) and load as one vector.
// @ts-ignore: decorator
@inline function column4(c: usize, rc: usize, a: usize, ra: usize, ka: usize, b: usize, rb: usize, k: i32, accumulate: i32): void {
  let x = accumulate ? rows4(c, rc) : f32x4.splat(0);
  let pa = a;
  let pb = b;
  if (ra == 4) {
    for (let p = 0; p < k; p++) {
      x = madd(v128.load(pa), v128.load32_splat(pb), x);
      pa += ka;
      pb += rb;
    }
  } else {
    for (let p = 0; p < k; p++) {
      x = madd(rows4(pa, ra), v128.load32_splat(pb), x);
      pa += ka;
      pb += rb;
    }
  }
  storeRows4(c, rc, x);
}

// @ts-ignore: decorator
@inline function storeRows4(c: usize, rc: usize, x: v128): void {
  store<f32>(c, f32x4.extract_lane(x, 0));
  store<f32>(c + rc, f32x4.extract_lane(x, 1));
  store<f32>(c + 2 * rc, f32x4.extract_lane(x, 2));
  store<f32>(c + 3 * rc, f32x4.extract_lane(x, 3));
}

// c [16,1] += a [16,k] · b [k,1]: column4 four times over, interleaved so that the four chains overlap.
// @ts-ignore: decorator
@inline function column16(c: usize, rc: usize, a: usize, ra: usize, ka: usize, b: usize, rb: usize, k: i32, accumulate: i32): void {
  const r4 = ra << 2;
  const c4 = rc << 2;
  let x0 = accumulate ? rows4(c, rc) : f32x4.splat(0);
  let x1 = accumulate ? rows4(c + c4, rc) : f32x4.splat(0);
  let x2 = accumulate ? rows4(c + 2 * c4, rc) : f32x4.splat(0);
  let x3 = accumulate ? rows4(c + 3 * c4, rc) : f32x4.splat(0);
  let pa = a;
  let pb = b;
  if (ra == 4) {
    for (let p = 0; p < k; p++) {
      const s = v128.load32_splat(pb);
      x0 = madd(v128.load(pa), s, x0);
      x1 = madd(v128.load(pa, 16), s, x1);
      x2 = madd(v128.load(pa, 32), s, x2);
      x3 = madd(v128.load(pa, 48), s, x3);
      pa += ka;
      pb += rb;
    }
  } else {
    for (let p = 0; p < k; p++) {
      const s = v128.load32_splat(pb);
      x0 = madd(rows4(pa, ra), s, x0);
      x1 = madd(rows4(pa + r4, ra), s, x1);
      x2 = madd(rows4(pa + 2 * r4, ra), s, x2);
      x3 = madd(rows4(pa + 3 * r4, ra), s, x3);
      pa += ka;
      pb += rb;
    }
  }
  storeRows4(c, rc, x0);
  storeRows4(c + c4, rc, x1);
  storeRows4(c + 2 * c4, rc, x2);
  storeRows4(c + 3 * c4, rc, x3);
}

// c [1,1] += a [1,k] · b [k,1]; never fused, like the TypeScript twin.
// @ts-ignore: decorator
@inline function scalar(c: usize, a: usize, ka: usize, b: usize, rb: usize, k: i32, accumulate: i32): void {
  let x: f32 = accumulate ? load<f32>(c) : 0;
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    x += load<f32>(pa) * load<f32>(pb);
    pa += ka;
    pb += rb;
  }
  store<f32>(c, x);
}
