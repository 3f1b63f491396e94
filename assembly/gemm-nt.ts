// gemm_nt_f32: c [m,n] (ldc) (+)= a [m,k] (lda) · b [n,k]ᵀ (ldb). c must not alias a or b.
//
// Rows of a and of b are both contiguous in k, so this is a dot-product kernel: a 2×4 tile of c keeps eight
// f32x4 accumulators over k in steps of four (every read contiguous), then reduces each accumulator's lanes
// as (l0 + l1) + (l2 + l3), adds the k % 4 tail in order, and finally adds the result to c (if accumulating).
// Every tile, and the TypeScript twin, computes each c element in exactly that order.
// b is visited in blocks of NB rows (kept in L2) and a in blocks of MB rows (kept in L1); within a pair of
// blocks, each four rows of b meet every row pair of a while they are in L1.

import { madd } from './simd';

/** Rows of b per cache block: NB·k floats should sit in L2 (128 KB at k = 512). */
const NB_BYTES: i32 = 128 << 10;
/** Rows of a per cache block: MB·k floats stay in L1 while every row of the b block passes over them. */
const MB_BYTES: i32 = 16 << 10;

export function gemm_nt_f32(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32, accumulate: i32): void {
  if (m <= 0 || n <= 0) return;
  const ra = <usize>lda << 2;
  const rb = <usize>ldb << 2;
  const rc = <usize>ldc << 2;
  if (k < 4) {
    shortK(c, a, b, m, n, k, ra, rb, rc, accumulate);
    return;
  }
  const nb = max(4, (NB_BYTES / max(1, k << 2)) & ~3);
  const mb = max(2, (MB_BYTES / max(1, k << 2)) & ~1);
  for (let j0 = 0; j0 < n; j0 += nb) {
    const j1 = min(n, j0 + nb);
    for (let i0 = 0; i0 < m; i0 += mb) {
      const i1 = min(m, i0 + mb);
      const i2 = i0 + ((i1 - i0) & ~1);
      let j = j0;
      for (; j + 4 <= j1; j += 4) {
        const bj = b + <usize>j * rb;
        const cj = c + (<usize>j << 2);
        for (let i = i0; i < i2; i += 2) tile2x4(cj + <usize>i * rc, rc, a + <usize>i * ra, ra, bj, rb, k, accumulate);
      }
      for (; j < j1; j++) {
        for (let i = i0; i < i2; i++) dot(c + <usize>i * rc + (<usize>j << 2), a + <usize>i * ra, b + <usize>j * rb, k, accumulate);
      }
      if (i2 < i1) {
        const ci = c + <usize>i2 * rc;
        const ai = a + <usize>i2 * ra;
        for (j = j0; j + 4 <= j1; j += 4) tile1x4(ci + (<usize>j << 2), ai, b + <usize>j * rb, rb, k, accumulate);
        for (; j < j1; j++) dot(ci + (<usize>j << 2), ai, b + <usize>j * rb, k, accumulate);
      }
    }
  }
}

// k < 4 (an input projection of width 1, say): the lane sums are all +0, so each element is the tail alone,
// 0 + a_0·b_0 (+ a_1·b_1 …) in order, four columns at a time.
function shortK(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, ra: usize, rb: usize, rc: usize, accumulate: i32): void {
  const stop = <usize>k << 2;
  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * ra;
    const ci = c + <usize>i * rc;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const bj = b + <usize>j * rb;
      let s = f32x4.splat(0);
      for (let o: usize = 0; o < stop; o += 4) {
        // With k = 1 and ldb = 1 the four rows of b are adjacent floats.
        const g = rb == 4 ? v128.load(bj + o) : gather4(bj, rb, o);
        s = madd(v128.load32_splat(ai + o), g, s);
      }
      finish(ci + (<usize>j << 2), s, accumulate);
    }
    for (; j < n; j++) dot(ci + (<usize>j << 2), ai, b + <usize>j * rb, k, accumulate);
  }
}

/** Lane sums of four accumulators, [(l0 + l1) + (l2 + l3)] of each, as one vector. */
// @ts-ignore: decorator
@inline function reduce4(x0: v128, x1: v128, x2: v128, x3: v128): v128 {
  const u = f32x4.add(f32x4.shuffle(x0, x1, 0, 4, 2, 6), f32x4.shuffle(x0, x1, 1, 5, 3, 7));
  const w = f32x4.add(f32x4.shuffle(x2, x3, 0, 4, 2, 6), f32x4.shuffle(x2, x3, 1, 5, 3, 7));
  return f32x4.add(f32x4.shuffle(u, w, 0, 1, 4, 5), f32x4.shuffle(u, w, 2, 3, 6, 7));
}

/** Element o (bytes) of four rows of b, as one vector. */
// @ts-ignore: decorator
@inline function gather4(b: usize, rb: usize, o: usize): v128 {
  let g = v128.load32_zero(b + o);
  g = f32x4.replace_lane(g, 1, load<f32>(b + rb + o));
  g = f32x4.replace_lane(g, 2, load<f32>(b + 2 * rb + o));
  return f32x4.replace_lane(g, 3, load<f32>(b + 3 * rb + o));
}

// @ts-ignore: decorator
@inline function finish(c: usize, s: v128, accumulate: i32): void {
  v128.store(c, accumulate ? f32x4.add(v128.load(c), s) : s);
}

// c [2,4] (+)= a [2,k] · b [4,k]ᵀ
// @ts-ignore: decorator
@inline function tile2x4(c: usize, rc: usize, a: usize, ra: usize, b: usize, rb: usize, k: i32, accumulate: i32): void {
  const a1 = a + ra;
  const b1 = b + rb;
  const b2 = b1 + rb;
  const b3 = b2 + rb;
  const z = f32x4.splat(0);
  let x00 = z, x01 = z, x02 = z, x03 = z;
  let x10 = z, x11 = z, x12 = z, x13 = z;
  let o: usize = 0;
  const end = <usize>(k & ~3) << 2;
  for (; o < end; o += 16) {
    const u = v128.load(a + o);
    const v = v128.load(a1 + o);
    let w = v128.load(b + o);
    x00 = madd(u, w, x00);
    x10 = madd(v, w, x10);
    w = v128.load(b1 + o);
    x01 = madd(u, w, x01);
    x11 = madd(v, w, x11);
    w = v128.load(b2 + o);
    x02 = madd(u, w, x02);
    x12 = madd(v, w, x12);
    w = v128.load(b3 + o);
    x03 = madd(u, w, x03);
    x13 = madd(v, w, x13);
  }
  let s0 = reduce4(x00, x01, x02, x03);
  let s1 = reduce4(x10, x11, x12, x13);
  const stop = <usize>k << 2;
  for (; o < stop; o += 4) {
    const g = gather4(b, rb, o);
    s0 = madd(v128.load32_splat(a + o), g, s0);
    s1 = madd(v128.load32_splat(a1 + o), g, s1);
  }
  finish(c, s0, accumulate);
  finish(c + rc, s1, accumulate);
}

// c [1,4] (+)= a [1,k] · b [4,k]ᵀ
// @ts-ignore: decorator
@inline function tile1x4(c: usize, a: usize, b: usize, rb: usize, k: i32, accumulate: i32): void {
  const b1 = b + rb;
  const b2 = b1 + rb;
  const b3 = b2 + rb;
  const z = f32x4.splat(0);
  let x0 = z, x1 = z, x2 = z, x3 = z;
  let o: usize = 0;
  const end = <usize>(k & ~3) << 2;
  for (; o < end; o += 16) {
    const u = v128.load(a + o);
    x0 = madd(u, v128.load(b + o), x0);
    x1 = madd(u, v128.load(b1 + o), x1);
    x2 = madd(u, v128.load(b2 + o), x2);
    x3 = madd(u, v128.load(b3 + o), x3);
  }
  let s = reduce4(x0, x1, x2, x3);
  const stop = <usize>k << 2;
  for (; o < stop; o += 4) s = madd(v128.load32_splat(a + o), gather4(b, rb, o), s);
  finish(c, s, accumulate);
}

// c [1,1] (+)= a [1,k] · b [1,k]ᵀ; the tail is scalar and never fused.
// @ts-ignore: decorator
@inline function dot(c: usize, a: usize, b: usize, k: i32, accumulate: i32): void {
  let x = f32x4.splat(0);
  let o: usize = 0;
  const end = <usize>(k & ~3) << 2;
  for (; o < end; o += 16) x = madd(v128.load(a + o), v128.load(b + o), x);
  let s = (f32x4.extract_lane(x, 0) + f32x4.extract_lane(x, 1)) + (f32x4.extract_lane(x, 2) + f32x4.extract_lane(x, 3));
  const stop = <usize>k << 2;
  for (; o < stop; o += 4) s += load<f32>(a + o) * load<f32>(b + o);
  store<f32>(c, accumulate ? load<f32>(c) + s : s);
}
