// Packed path of the outer-product GEMMs (nn, tn) for matrices large enough to pay for it. A block of b
// (KC rows × NC columns) is copied into panels of 8 columns, each KC·8 contiguous floats, and a block of a
// (MC rows × KC) into panels of 4 rows, each KC·4 contiguous floats: the 4×8 register tile then reads two
// sequential streams instead of KC rows at a power-of-two stride, which map to a handful of cache sets and
// thrash L1 (tn at n = 1024 ran at ~17 GFLOP/s for that). Packing copies, it does not compute, so every c
// element is still (accumulate ? c : 0) + a·b added in k order, and the simd build stays bit-identical to
// the TypeScript twin.
//
// The panels live in a static scratch area below __heap_base (memory.data), never in the host's arena, so a
// kernel still allocates nothing and the host sees no state: its contents are dead between calls. In a threads
// build every instance shares the memory but has its own globals: each worker thread's instance is pointed at
// an area of its own (gemm_scratch_set, exported by threads.ts only), the calling thread's keeps the static one.

import { tile4x8 } from './gemm-tile';

/** Rows of b per block (and the depth of every panel). */
export const KC: i32 = 256;
/** Columns of b per block: KC·NC floats (512 KB) stay in L2. A multiple of 8. */
const NC: i32 = 512;
/** Rows of a per block: MC·KC floats (32 KB), streamed from L2 against one 8 KB b panel in L1. A multiple of 4. */
const MC: i32 = 32;

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
 * Worth packing: a few full tiles each way and a k long enough to amortise the copies; and either enough rows
 * of a (≥ 128) to reuse each packed b panel many times, or rows of b, or of a in the tn form, so far apart
 * (≥ 2 KB) that reading them in place thrashes L1. Measured: the per-step GEMMs of W1 and W3 (m = 32 or 64,
 * narrow b) and the head's dW (m = 65) are faster unpacked.
 */
export function packable(m: i32, n: i32, k: i32, ka: usize, rb: usize): bool {
  return m >= 16 && n >= 16 && k >= 32 && (m >= 128 || rb >= 2048 || ka >= 2048);
}

/**
 * One k-block (kc ≤ KC) of c [m4, n8] (+)= a·b over the full 4×8 tiles; a(i,p) at a + i·ra + p·ka,
 * b(p,j) at b + p·rb + 4j, c(i,j) at c + i·rc + 4j (bytes). The caller handles the fringe rows and columns.
 */
export function packedBlock(c: usize, a: usize, b: usize, m4: i32, n8: i32, kc: i32, ra: usize, ka: usize, rb: usize, rc: usize, accumulate: i32): void {
  for (let jc = 0; jc < n8; jc += NC) {
    const nc = min(NC, n8 - jc);
    packB(b + (<usize>jc << 2), rb, kc, nc);
    for (let ic = 0; ic < m4; ic += MC) {
      const mc = min(MC, m4 - ic);
      packA(a + <usize>ic * ra, ra, ka, kc, mc);
      const cb = c + <usize>ic * rc + (<usize>jc << 2);
      for (let jr = 0; jr < nc; jr += 8) {
        const bp = bpack() + <usize>jr * <usize>kc * 4;
        for (let ir = 0; ir < mc; ir += 4) {
          const ap = apack() + <usize>ir * <usize>kc * 4;
          tile4x8(cb + <usize>ir * rc + (<usize>jr << 2), rc, ap, 4, 16, bp, 32, kc, accumulate);
        }
      }
    }
  }
}

// BPACK panel q (columns 8q..8q+7) holds b(p, 8q..8q+7) at 32·(q·kc + p).
function packB(b: usize, rb: usize, kc: i32, nc: i32): void {
  for (let q = 0; q < nc; q += 8) {
    let src = b + (<usize>q << 2);
    let dst = bpack() + <usize>q * <usize>kc * 4;
    for (let p = 0; p < kc; p++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += rb;
      dst += 32;
    }
  }
}

// APACK panel q (rows 4q..4q+3) holds a(4q..4q+3, p) at 16·(q·kc + p).
function packA(a: usize, ra: usize, ka: usize, kc: i32, mc: i32): void {
  for (let q = 0; q < mc; q += 4) {
    const a0 = a + <usize>q * ra;
    let dst = apack() + <usize>q * <usize>kc * 4;
    if (ra == 4) {
      // tn: the four rows of a panel are adjacent floats of one row of the stored matrix.
      let src = a0;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += ka;
        dst += 16;
      }
    } else {
      // nn: four rows, each contiguous in p; four p at a time, transposed in registers.
      const a1 = a0 + ra;
      const a2 = a1 + ra;
      const a3 = a2 + ra;
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
        v128.store(dst, i64x2.shuffle(t0, t1, 1, 3), 16);
        v128.store(dst, i64x2.shuffle(t2, t3, 0, 2), 32);
        v128.store(dst, i64x2.shuffle(t2, t3, 1, 3), 48);
        o += 16;
        dst += 64;
      }
      for (; p < kc; p++) {
        store<f32>(dst, load<f32>(a0 + o));
        store<f32>(dst, load<f32>(a1 + o), 4);
        store<f32>(dst, load<f32>(a2 + o), 8);
        store<f32>(dst, load<f32>(a3 + o), 12);
        o += 4;
        dst += 16;
      }
    }
  }
}
