// Packed path of the outer-product GEMMs (nn, tn). A block of b (KC rows × NC columns) is copied into panels of
// 8 columns, each KC·8 contiguous floats, and a block of a (MC rows × KC) into panels of R rows (R = 4 or 5),
// each KC·R contiguous floats: the register tile then reads sequential streams instead of KC rows at a
// power-of-two stride, which map to a handful of cache sets and thrash L1 (tn at n = 1024 ran at ~17 GFLOP/s
// for that). Packing copies, it does not compute, so every c element is still (accumulate ? c : 0) + a·b added
// in k order, and every build stays bit-identical to the TypeScript twin whatever tile computes the element.
//
// Tiles: the multiply-add units need about ten independent chains to hide their latency (measured: 8 chains
// reach ~94 % of 10), but the engine keeps every value loaded in an iteration live at once, so a tile of R×8
// holds 2R accumulators + 2 b vectors + R splats: 4×8 (14 registers of 15) is the largest that does not
// spill. The relaxed build's 5×8 tile loads the panel's four first rows as one vector and splats them by
// shuffles (computed where they are used), which fits 10 chains in 15 registers: ~10 % faster in L1. The
// `simd` build keeps 4×8 (its separate multiply needs one register more).
//
// The panels live in a static scratch area below __heap_base (memory.data), never in the host's arena, so a
// kernel still allocates nothing and the host sees no state: its contents are dead between calls. In a threads
// build every instance shares the memory but has its own globals: each worker thread's instance is pointed at
// an area of its own (gemm_scratch_set, exported by threads.ts only), the calling thread's keeps the static one.

import { start, tile4x8 } from './gemm-tile';
import { madd } from './simd';

/** Rows of b per block (and the depth of every panel). */
export const KC: i32 = 256;
/** Columns of b per block: KC·NC floats (512 KB) stay in L2. A multiple of 8. */
const NC: i32 = 512;
/** Rows of a per block: MC·KC floats (32 or 40 KB), streamed from L2 against one 8 KB b panel in L1. A multiple
 * of every panel height (4, and 5 in the relaxed build). */
const MC: i32 = ASC_FEATURE_RELAXED_SIMD ? 40 : 32;
/** Fewest columns for which packing a alone (b read in place) pays for the copy in the relaxed build (measured:
 * n = 16 loses 12 %, n = 32 gains 3 %, n = 64 8 %). */
const A_ONLY_MIN_N: i32 = 32;

const BPACK_BYTES: i32 = KC * NC * 4;
const APACK_BYTES: i32 = MC * KC * 4;
const STATIC_BPACK: usize = memory.data(BPACK_BYTES, 64);
const STATIC_APACK: usize = memory.data(APACK_BYTES, 64);
let threadBpack: usize = 0;
let threadApack: usize = 0;

// The panels' base: the static area, or in a threads build this instance's own (the branch is resolved at
// compile time, so the simd and relaxed builds read a constant as before).
@inline function bpack(): usize {
  return ASC_FEATURE_THREADS && threadBpack ? threadBpack : STATIC_BPACK;
}

@inline function apack(): usize {
  return ASC_FEATURE_THREADS && threadApack ? threadApack : STATIC_APACK;
}

/** Bytes of packing scratch one thread needs (64-byte aligned). */
export function gemm_scratch_bytes(): i32 {
  return BPACK_BYTES + APACK_BYTES;
}

/** Packs this instance's panels at `ptr` (gemm_scratch_bytes long, 64-byte aligned); 0 = the static area. */
export function gemm_scratch_set(ptr: usize): void {
  threadBpack = ptr;
  threadApack = ptr ? ptr + <usize>BPACK_BYTES : 0;
}

/**
 * Worth packing b: a few full tiles each way and a k long enough to amortise the copies; and either enough rows
 * of a (≥ 128) to reuse each packed b panel many times, or rows of b, or of a in the tn form, so far apart
 * (≥ 2 KB) that reading them in place thrashes L1. Measured: the per-step GEMMs of W1 and W3 (m = 32 or 64,
 * narrow b) and the head's dW (m = 65) are faster unpacked.
 */
export function packable(m: i32, n: i32, k: i32, ka: usize, rb: usize): bool {
  return m >= 16 && n >= 16 && k >= 32 && (m >= 128 || rb >= 2048 || ka >= 2048);
}

/**
 * Rows of c for the five-row tiles (relaxed build; 0 otherwise). m ≡ 2 (mod 5): all but two rows, which a 2×16
 * tile takes (also eight chains), so the common batch of 32 is 6 fives and a two; otherwise the most rows in
 * fives that leaves whole fours, 5a + 4b = m (a ≡ m mod 4), as 64 = 12·5 + 4. 0 when no such split exists (m = 6,
 * 11), or when a is to be packed only for them (b read in place) and the columns are too few to pay for that.
 */
export function fiveRows(m: i32, n: i32, packB: bool): i32 {
  if (!ASC_FEATURE_RELAXED_SIMD || (!packB && n < A_ONLY_MIN_N)) return 0;
  if (m >= 7 && m % 5 == 2) return m - 2;
  const q = m / 5;
  const r = m & 3;
  return q < r ? 0 : 5 * (q - ((q - r) & 3));
}

/**
 * One k-block (kc ≤ KC) of c [m5 + m4 + m2, n8] (+)= a·b over full tiles: rows [0, m5) by five-row tiles, the
 * next m4 by four-row tiles, the m2 (0 or 2) after them by two-row tiles; a(i,p) at a + i·ra + p·ka, b(p,j) at
 * b + p·rb + 4j, c(i,j) at c + i·rc + 4j (bytes); b packed when `packB`, else read in place. `pre` ≠ 0: b's
 * panels for this k-block are already packed there (by prepackB, the panel of columns j… at pre + 4·kc·j). The
 * caller handles the fringe rows and columns.
 */
export function packedBlock(c: usize, a: usize, b: usize, m5: i32, m4: i32, m2: i32, n8: i32, kc: i32, ra: usize, ka: usize, rb: usize, rc: usize, accumulate: i32, packB: bool, pre: usize): void {
  // Without packed b, one pass over every column packs each block of a once; so does a prepacked b.
  const ncMax = packB && !pre ? NC : n8;
  for (let jc = 0; jc < n8; jc += ncMax) {
    const nc = min(ncMax, n8 - jc);
    const cj = c + (<usize>jc << 2);
    if (packB && !pre) packBPanels(bpack(), b + (<usize>jc << 2), rb, kc, nc);
    const bj = pre ? pre : packB ? bpack() : b + (<usize>jc << 2);
    if (m5 > 0) rows(cj, a, bj, 0, m5, 5, nc, kc, ra, ka, rb, rc, accumulate, packB);
    if (m4 > 0) rows(cj, a, bj, m5, m5 + m4, 4, nc, kc, ra, ka, rb, rc, accumulate, packB);
    if (m2 > 0) twoRows(cj + <usize>(m5 + m4) * rc, a + <usize>(m5 + m4) * ra, bj, nc, kc, ra, ka, rb, rc, accumulate, packB);
  }
}

// Two rows of c against nc columns of b (laid out as in rows()), in sixteens, then an eight.
function twoRows(c: usize, a: usize, b: usize, nc: i32, kc: i32, ra: usize, ka: usize, rb: usize, rc: usize, accumulate: i32, packB: bool): void {
  packA2(a, ra, ka, kc);
  const sb: usize = packB ? 32 : rb;
  // The second eight columns: the next panel, or the next 32 bytes of a row of b.
  const off: usize = packB ? <usize>kc * 32 : 32;
  let jr = 0;
  for (; jr + 16 <= nc; jr += 16) {
    const bp = packB ? b + <usize>jr * <usize>kc * 4 : b + (<usize>jr << 2);
    tile2x16(c + (<usize>jr << 2), rc, apack(), bp, off, sb, kc, accumulate);
  }
  if (jr < nc) {
    const bp = packB ? b + <usize>jr * <usize>kc * 4 : b + (<usize>jr << 2);
    tile2x8(c + (<usize>jr << 2), rc, apack(), bp, sb, kc, accumulate);
  }
}

// Rows [i0, i1) of c (a multiple of R) against nc columns of b: b(p,j) at b + p·32 + j·kc·4 (panels) when packB,
// else at b + p·rb + 4j.
function rows(c: usize, a: usize, b: usize, i0: i32, i1: i32, R: i32, nc: i32, kc: i32, ra: usize, ka: usize, rb: usize, rc: usize, accumulate: i32, packB: bool): void {
  const sb: usize = packB ? 32 : rb;
  for (let ic = i0; ic < i1; ic += MC) {
    const mc = min(MC, i1 - ic);
    packA(a + <usize>ic * ra, ra, ka, kc, mc, R);
    const cb = c + <usize>ic * rc;
    for (let jr = 0; jr < nc; jr += 8) {
      const bp = packB ? b + <usize>jr * <usize>kc * 4 : b + (<usize>jr << 2);
      const cj = cb + (<usize>jr << 2);
      if (R == 5) {
        for (let ir = 0; ir < mc; ir += 5) tile5x8(cj + <usize>ir * rc, rc, apack() + <usize>ir * <usize>kc * 4, bp, sb, kc, accumulate);
      } else {
        for (let ir = 0; ir < mc; ir += 4) tile4x8(cj + <usize>ir * rc, rc, apack() + <usize>ir * <usize>kc * 4, 4, 16, bp, sb, kc, accumulate);
      }
    }
  }
}

// c [2,16] += a [2,k] · b [k,16]; a from a two-row panel (a(i,p) at a + 8p + 4i), b's columns 0–7 at b and
// 8–15 at b + off, rows rb bytes apart.
// @ts-ignore: decorator
@inline function tile2x16(c: usize, rc: usize, a: usize, b: usize, off: usize, rb: usize, k: i32, accumulate: i32): void {
  const c1 = c + rc;
  let x00 = start(c, accumulate);
  let x01 = start(c + 16, accumulate);
  let x02 = start(c + 32, accumulate);
  let x03 = start(c + 48, accumulate);
  let x10 = start(c1, accumulate);
  let x11 = start(c1 + 16, accumulate);
  let x12 = start(c1 + 32, accumulate);
  let x13 = start(c1 + 48, accumulate);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const q = pb + off;
    const b2 = v128.load(q);
    const b3 = v128.load(q, 16);
    let s = v128.load32_splat(pa);
    x00 = madd(s, b0, x00);
    x01 = madd(s, b1, x01);
    x02 = madd(s, b2, x02);
    x03 = madd(s, b3, x03);
    s = v128.load32_splat(pa, 4);
    x10 = madd(s, b0, x10);
    x11 = madd(s, b1, x11);
    x12 = madd(s, b2, x12);
    x13 = madd(s, b3, x13);
    pa += 8;
    pb += rb;
  }
  v128.store(c, x00);
  v128.store(c, x01, 16);
  v128.store(c, x02, 32);
  v128.store(c, x03, 48);
  v128.store(c1, x10);
  v128.store(c1, x11, 16);
  v128.store(c1, x12, 32);
  v128.store(c1, x13, 48);
}

// c [2,8] += a [2,k] · b [k,8]; a two-row panel as tile2x16's.
// @ts-ignore: decorator
@inline function tile2x8(c: usize, rc: usize, a: usize, b: usize, rb: usize, k: i32, accumulate: i32): void {
  const c1 = c + rc;
  let x00 = start(c, accumulate);
  let x01 = start(c + 16, accumulate);
  let x10 = start(c1, accumulate);
  let x11 = start(c1 + 16, accumulate);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let s = v128.load32_splat(pa);
    x00 = madd(s, b0, x00);
    x01 = madd(s, b1, x01);
    s = v128.load32_splat(pa, 4);
    x10 = madd(s, b0, x10);
    x11 = madd(s, b1, x11);
    pa += 8;
    pb += rb;
  }
  v128.store(c, x00);
  v128.store(c, x01, 16);
  v128.store(c1, x10);
  v128.store(c1, x11, 16);
}

// c [5,8] += a [5,k] · b [k,8]; a from a five-row panel (a(i,p) at a + 20p + 4i), b rows rb bytes apart.
// @ts-ignore: decorator
@inline function tile5x8(c: usize, rc: usize, a: usize, b: usize, rb: usize, k: i32, accumulate: i32): void {
  const c1 = c + rc;
  const c2 = c1 + rc;
  const c3 = c2 + rc;
  const c4 = c3 + rc;
  let x00 = start(c, accumulate);
  let x01 = start(c + 16, accumulate);
  let x10 = start(c1, accumulate);
  let x11 = start(c1 + 16, accumulate);
  let x20 = start(c2, accumulate);
  let x21 = start(c2 + 16, accumulate);
  let x30 = start(c3, accumulate);
  let x31 = start(c3 + 16, accumulate);
  let x40 = start(c4, accumulate);
  let x41 = start(c4 + 16, accumulate);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const u = v128.load(pa);
    let s = i32x4.shuffle(u, u, 0, 0, 0, 0);
    x00 = madd(s, b0, x00);
    x01 = madd(s, b1, x01);
    s = i32x4.shuffle(u, u, 1, 1, 1, 1);
    x10 = madd(s, b0, x10);
    x11 = madd(s, b1, x11);
    s = i32x4.shuffle(u, u, 2, 2, 2, 2);
    x20 = madd(s, b0, x20);
    x21 = madd(s, b1, x21);
    s = i32x4.shuffle(u, u, 3, 3, 3, 3);
    x30 = madd(s, b0, x30);
    x31 = madd(s, b1, x31);
    s = v128.load32_splat(pa, 16);
    x40 = madd(s, b0, x40);
    x41 = madd(s, b1, x41);
    pa += 20;
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
  v128.store(c4, x40);
  v128.store(c4, x41, 16);
}

/**
 * b [k, n] (rows rb bytes apart) packed once for many products a·b (the LSTM backward's W_hh over T steps): for
 * each k-block p (KC rows) the panels of its first n & ~7 columns at pre + 4·(p·(n & ~7)), laid out as
 * packedBlock reads them; pre holds k·(n & ~7) floats.
 */
export function prepackB(pre: usize, b: usize, k: i32, n: i32, rb: usize): void {
  const n8 = n & ~7;
  for (let p = 0; p < k; p += KC) packBPanels(pre + <usize>p * <usize>n8 * 4, b + <usize>p * rb, rb, min(KC, k - p), n8);
}

// Panel q (columns 8q..8q+7) at dst holds b(p, 8q..8q+7) at 32·(q·kc + p).
function packBPanels(to: usize, b: usize, rb: usize, kc: i32, nc: i32): void {
  for (let q = 0; q < nc; q += 8) {
    let src = b + (<usize>q << 2);
    let dst = to + <usize>q * <usize>kc * 4;
    for (let p = 0; p < kc; p++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += rb;
      dst += 32;
    }
  }
}

// Two rows of a into APACK: a(i,p) at 4·(2p + i).
function packA2(a: usize, ra: usize, ka: usize, kc: i32): void {
  let dst = apack();
  if (ra == 4) {
    // tn: the two rows are adjacent floats of one row of the stored matrix.
    let src = a;
    for (let p = 0; p < kc; p++) {
      store<u64>(dst, load<u64>(src));
      src += ka;
      dst += 8;
    }
    return;
  }
  const a1 = a + ra;
  let o: usize = 0;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const r0 = v128.load(a + o);
    const r1 = v128.load(a1 + o);
    v128.store(dst, i32x4.shuffle(r0, r1, 0, 4, 1, 5));
    v128.store(dst, i32x4.shuffle(r0, r1, 2, 6, 3, 7), 16);
    o += 16;
    dst += 32;
  }
  for (; p < kc; p++) {
    store<f32>(dst, load<f32>(a + o));
    store<f32>(dst, load<f32>(a1 + o), 4);
    o += 4;
    dst += 8;
  }
}

// APACK panel q (rows R·q..R·q+R−1, R = 4 or 5) holds a(Rq + r, p) at 4·(R·(q·kc + p) + r).
function packA(a: usize, ra: usize, ka: usize, kc: i32, mc: i32, R: i32): void {
  const step = <usize>R << 2;
  for (let q = 0; q < mc; q += R) {
    const a0 = a + <usize>q * ra;
    let dst = apack() + <usize>q * <usize>kc * 4;
    if (ra == 4) {
      // tn: the R rows of a panel are adjacent floats of one row of the stored matrix.
      let src = a0;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        if (R == 5) store<f32>(dst, load<f32>(src, 16), 16);
        src += ka;
        dst += step;
      }
      continue;
    }
    // nn: R rows, each contiguous in p; four p at a time, the first four rows transposed in registers.
    const a1 = a0 + ra;
    const a2 = a1 + ra;
    const a3 = a2 + ra;
    const a4 = a3 + ra;
    let o: usize = 0;
    let p = 0;
    for (; p + 4 <= kc; p += 4) {
      const r0 = v128.load(a0 + o);
      const r1 = v128.load(a1 + o);
      const r2 = v128.load(a2 + o);
      const r3 = v128.load(a3 + o);
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
      const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
      const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
      v128.store(dst, i64x2.shuffle(t0, t1, 0, 2));
      v128.store(dst + step, i64x2.shuffle(t0, t1, 1, 3));
      v128.store(dst + 2 * step, i64x2.shuffle(t2, t3, 0, 2));
      v128.store(dst + 3 * step, i64x2.shuffle(t2, t3, 1, 3));
      if (R == 5) {
        const r4 = v128.load(a4 + o);
        store<f32>(dst, f32x4.extract_lane(r4, 0), 16);
        store<f32>(dst + step, f32x4.extract_lane(r4, 1), 16);
        store<f32>(dst + 2 * step, f32x4.extract_lane(r4, 2), 16);
        store<f32>(dst + 3 * step, f32x4.extract_lane(r4, 3), 16);
      }
      o += 16;
      dst += step << 2;
    }
    for (; p < kc; p++) {
      store<f32>(dst, load<f32>(a0 + o));
      store<f32>(dst, load<f32>(a1 + o), 4);
      store<f32>(dst, load<f32>(a2 + o), 8);
      store<f32>(dst, load<f32>(a3 + o), 12);
      if (R == 5) store<f32>(dst, load<f32>(a4 + o), 16);
      o += 4;
      dst += step;
    }
  }
}
