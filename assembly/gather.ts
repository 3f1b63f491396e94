// Row and column gathers for integer token inputs, and their scatter-add transposes for backward.
// idx is an i32 array of `count` ids; the caller has checked every id is in range (kernels never bounds-check).
// Each output element is a copy or a single f32 add, so the TypeScript twin matches bit for bit; scatters
// run in order of i so that repeated ids accumulate in a fixed order.

import { add_f32 } from './vector';

/** Bytes of w per band of rows in the column gather and scatter (about L1). */
const BAND_BYTES: i32 = 32 << 10;

/** Rows of w (ldw floats each) per band: at least 8. */
// @ts-ignore: decorator
@inline function bandRows(ldw: i32): i32 {
  return max(8, BAND_BYTES / max(1, ldw << 2));
}

// out [count, width], table [*, width] (ldt): out[i, :] = table[idx[i], :]
export function gather_rows_f32(out: usize, table: usize, idx: usize, count: i32, width: i32, ldt: i32): void {
  const bytes = <usize>width << 2;
  for (let i = 0; i < count; i++) {
    const id = load<i32>(idx + (<usize>i << 2));
    memory.copy(out + <usize>i * bytes, table + (<usize>id * <usize>ldt << 2), bytes);
  }
}

// table [*, width] (ldt), src [count, width]: table[idx[i], :] += src[i, :]
export function scatter_add_rows_f32(table: usize, src: usize, idx: usize, count: i32, width: i32, ldt: i32): void {
  const bytes = <usize>width << 2;
  for (let i = 0; i < count; i++) {
    const id = load<i32>(idx + (<usize>i << 2));
    const row = table + (<usize>id * <usize>ldt << 2);
    add_f32(row, row, src + <usize>i * bytes, width);
  }
}

// out [count, rows], w [rows, *] (ldw): out[i, r] = w[r, idx[i]]  (one-hot input times wᵀ); one id at a time,
// its column assembled four rows to a vector so that the output row (2 MB over a W1 batch: what misses the
// cache here, more than w) is written in vector stores.
export function gather_cols_f32(out: usize, w: usize, idx: usize, count: i32, rows: i32, ldw: i32): void {
  const stride = <usize>ldw << 2;
  for (let i = 0; i < count; i++) {
    let p = w + (<usize>load<i32>(idx + (<usize>i << 2)) << 2);
    const o = out + (<usize>(i * rows) << 2);
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      let v = v128.load32_zero(p);
      v = f32x4.replace_lane(v, 1, load<f32>(p + stride));
      v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * stride));
      v = f32x4.replace_lane(v, 3, load<f32>(p + 3 * stride));
      v128.store(o + (<usize>r << 2), v);
      p += 4 * stride;
    }
    for (; r < rows; r++) {
      store<f32>(o + (<usize>r << 2), load<f32>(p));
      p += stride;
    }
  }
}

// w [rows, *] (ldw), src [count, rows]: w[r, idx[i]] += src[i, r]
// A column of w is `rows` floats ldw apart, one cache line each: adding one column per id would fetch every line
// of w for every id. Instead the rows are visited in bands of about L1's size that stay there while every id
// adds its piece; within a band i still runs in order, so every element of w sums its ids' rows in the same order.
// (The same banding measured slower for gather_cols_f32 inside a training step, whose output misses more.)
export function scatter_add_cols_f32(w: usize, src: usize, idx: usize, count: i32, rows: i32, ldw: i32): void {
  const stride = <usize>ldw << 2;
  const sb = <usize>rows << 2;
  const band = bandRows(ldw);
  for (let r0 = 0; r0 < rows; r0 += band) {
    const n = min(band, rows - r0);
    const wb = w + <usize>r0 * stride;
    let s = src + (<usize>r0 << 2);
    for (let i = 0; i < count; i++) {
      let p = wb + (<usize>load<i32>(idx + (<usize>i << 2)) << 2);
      for (let r = 0; r < n; r++) {
        store<f32>(p, load<f32>(p) + load<f32>(s + (<usize>r << 2)));
        p += stride;
      }
      s += sb;
    }
  }
}
