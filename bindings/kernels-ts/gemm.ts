// TypeScript twin of assembly/gemm.ts and assembly/gemm-nt.ts: the same f32 operations in the same order for
// every element of c, each rounded (fround for products and lane sums; a Float32Array store rounds a sum).
// nn and tn: c = (accumulate ? c : 0) + a·b added in k order. nt: four lane sums over k in steps of four,
// combined as (l0 + l1) + (l2 + l3), then the k % 4 tail in order, then added to c if accumulating.
// Pointers are byte offsets (>> 2 gives the f32 index); c must not alias a or b. The loops are blocked
// differently from the wasm tiles (2 rows here), which is free: only the per-element order must match.

import { fround, type Heap } from './heap.ts';

/** c [m,n] (+)= a [m,k] · b [k,n]. */
export function gemm_nn_f32(
  h: Heap,
  c: number,
  a: number,
  b: number,
  m: number,
  n: number,
  k: number,
  lda: number,
  ldb: number,
  ldc: number,
  accumulate: number,
): void {
  outer(h.f32, c >> 2, a >> 2, b >> 2, m, n, k, lda, 1, ldb, ldc, accumulate);
}

/** c [m,n] (+)= a [k,m]ᵀ · b [k,n]. */
export function gemm_tn_f32(
  h: Heap,
  c: number,
  a: number,
  b: number,
  m: number,
  n: number,
  k: number,
  lda: number,
  ldb: number,
  ldc: number,
  accumulate: number,
): void {
  outer(h.f32, c >> 2, a >> 2, b >> 2, m, n, k, 1, lda, ldb, ldc, accumulate);
}

/**
 * Rank-1 updates of two rows of c at a time (each load of b serves both), two k steps per pass over the
 * rows; every partial sum is rounded as the wasm accumulator is. a(i,p) is f[a + i·ra + p·ka].
 */
function outer(
  f: Float32Array,
  c: number,
  a: number,
  b: number,
  m: number,
  n: number,
  k: number,
  ra: number,
  ka: number,
  ldb: number,
  ldc: number,
  accumulate: number,
): void {
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const c0 = c + i * ldc;
    const c1 = c0 + ldc;
    const a0 = a + i * ra;
    const a1 = a0 + ra;
    if (!accumulate) {
      f.fill(0, c0, c0 + n);
      f.fill(0, c1, c1 + n);
    }
    let p = 0;
    for (; p + 2 <= k; p += 2) {
      const s00 = f[a0 + p * ka];
      const s01 = f[a0 + (p + 1) * ka];
      const s10 = f[a1 + p * ka];
      const s11 = f[a1 + (p + 1) * ka];
      const b0 = b + p * ldb;
      const b1 = b0 + ldb;
      for (let j = 0; j < n; j++) {
        const u = f[b0 + j];
        const v = f[b1 + j];
        f[c0 + j] = fround(f[c0 + j] + fround(s00 * u)) + fround(s01 * v);
        f[c1 + j] = fround(f[c1 + j] + fround(s10 * u)) + fround(s11 * v);
      }
    }
    if (p < k) {
      const s0 = f[a0 + p * ka];
      const s1 = f[a1 + p * ka];
      const bp = b + p * ldb;
      for (let j = 0; j < n; j++) {
        const u = f[bp + j];
        f[c0 + j] += fround(s0 * u);
        f[c1 + j] += fround(s1 * u);
      }
    }
  }
  if (i < m) {
    const ci = c + i * ldc;
    const ai = a + i * ra;
    if (!accumulate) f.fill(0, ci, ci + n);
    for (let p = 0; p < k; p++) {
      const s = f[ai + p * ka];
      const bp = b + p * ldb;
      for (let j = 0; j < n; j++) f[ci + j] += fround(s * f[bp + j]);
    }
  }
}

/** c [m,n] (+)= a [m,k] · b [n,k]ᵀ. */
export function gemm_nt_f32(
  h: Heap,
  c: number,
  a: number,
  b: number,
  m: number,
  n: number,
  k: number,
  lda: number,
  ldb: number,
  ldc: number,
  accumulate: number,
): void {
  const f = h.f32;
  a >>= 2;
  b >>= 2;
  c >>= 2;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    let j = 0;
    for (; j + 2 <= n; j += 2)
      tile2x2(f, c + i * ldc + j, ldc, a + i * lda, lda, b + j * ldb, ldb, k, accumulate);
    if (j < n) {
      finish(f, c + i * ldc + j, dot(f, a + i * lda, b + j * ldb, k), accumulate);
      finish(f, c + (i + 1) * ldc + j, dot(f, a + (i + 1) * lda, b + j * ldb, k), accumulate);
    }
  }
  if (i < m) {
    for (let j = 0; j < n; j++) finish(f, c + i * ldc + j, dot(f, a + i * lda, b + j * ldb, k), accumulate);
  }
}

function finish(f: Float32Array, at: number, s: number, accumulate: number): void {
  f[at] = accumulate ? f[at] + s : s;
}

/** Σ_p f[a + p]·f[b + p] in the kernel's order: four lane sums, (l0 + l1) + (l2 + l3), then the tail. */
function dot(f: Float32Array, a: number, b: number, k: number): number {
  const k4 = k - (k & 3);
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  let p = 0;
  for (; p < k4; p += 4) {
    l0 = fround(l0 + fround(f[a + p] * f[b + p]));
    l1 = fround(l1 + fround(f[a + p + 1] * f[b + p + 1]));
    l2 = fround(l2 + fround(f[a + p + 2] * f[b + p + 2]));
    l3 = fround(l3 + fround(f[a + p + 3] * f[b + p + 3]));
  }
  let s = fround(fround(l0 + l1) + fround(l2 + l3));
  for (; p < k; p++) s = fround(s + fround(f[a + p] * f[b + p]));
  return s;
}

/** Four dot products (rows a0, a1 against rows b0, b1) sharing every load; each in dot()'s order. */
function tile2x2(
  f: Float32Array,
  c: number,
  ldc: number,
  a0: number,
  lda: number,
  b0: number,
  ldb: number,
  k: number,
  accumulate: number,
): void {
  const a1 = a0 + lda;
  const b1 = b0 + ldb;
  const k4 = k - (k & 3);
  let w0 = 0; // c[0,0] lanes w, c[0,1] lanes x, c[1,0] lanes y, c[1,1] lanes z
  let w1 = 0;
  let w2 = 0;
  let w3 = 0;
  let x0 = 0;
  let x1 = 0;
  let x2 = 0;
  let x3 = 0;
  let y0 = 0;
  let y1 = 0;
  let y2 = 0;
  let y3 = 0;
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  let p = 0;
  for (; p < k4; p += 4) {
    const r0 = f[a0 + p];
    const r1 = f[a0 + p + 1];
    const r2 = f[a0 + p + 2];
    const r3 = f[a0 + p + 3];
    const s0 = f[a1 + p];
    const s1 = f[a1 + p + 1];
    const s2 = f[a1 + p + 2];
    const s3 = f[a1 + p + 3];
    const u0 = f[b0 + p];
    const u1 = f[b0 + p + 1];
    const u2 = f[b0 + p + 2];
    const u3 = f[b0 + p + 3];
    const v0 = f[b1 + p];
    const v1 = f[b1 + p + 1];
    const v2 = f[b1 + p + 2];
    const v3 = f[b1 + p + 3];
    w0 = fround(w0 + fround(r0 * u0));
    w1 = fround(w1 + fround(r1 * u1));
    w2 = fround(w2 + fround(r2 * u2));
    w3 = fround(w3 + fround(r3 * u3));
    x0 = fround(x0 + fround(r0 * v0));
    x1 = fround(x1 + fround(r1 * v1));
    x2 = fround(x2 + fround(r2 * v2));
    x3 = fround(x3 + fround(r3 * v3));
    y0 = fround(y0 + fround(s0 * u0));
    y1 = fround(y1 + fround(s1 * u1));
    y2 = fround(y2 + fround(s2 * u2));
    y3 = fround(y3 + fround(s3 * u3));
    z0 = fround(z0 + fround(s0 * v0));
    z1 = fround(z1 + fround(s1 * v1));
    z2 = fround(z2 + fround(s2 * v2));
    z3 = fround(z3 + fround(s3 * v3));
  }
  let w = fround(fround(w0 + w1) + fround(w2 + w3));
  let x = fround(fround(x0 + x1) + fround(x2 + x3));
  let y = fround(fround(y0 + y1) + fround(y2 + y3));
  let z = fround(fround(z0 + z1) + fround(z2 + z3));
  for (; p < k; p++) {
    const r = f[a0 + p];
    const s = f[a1 + p];
    const u = f[b0 + p];
    const v = f[b1 + p];
    w = fround(w + fround(r * u));
    x = fround(x + fround(r * v));
    y = fround(y + fround(s * u));
    z = fround(z + fround(s * v));
  }
  finish(f, c, w, accumulate);
  finish(f, c + 1, x, accumulate);
  finish(f, c + ldc, y, accumulate);
  finish(f, c + ldc + 1, z, accumulate);
}
