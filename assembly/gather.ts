// Row and column gathers for integer token inputs, and their scatter-add transposes for backward.
// idx is an i32 array of `count` ids; the caller has checked every id is in range (kernels never bounds-check).
// Each output element is a copy or a single f32 add, so the TypeScript twin matches bit for bit; scatters
// run in order of i so that repeated ids accumulate in a fixed order.

import { add_f32 } from './vector';

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

// out [count, rows], w [rows, *] (ldw): out[i, r] = w[r, idx[i]]  (one-hot input times wᵀ)
export function gather_cols_f32(out: usize, w: usize, idx: usize, count: i32, rows: i32, ldw: i32): void {
  const stride = <usize>ldw << 2;
  for (let i = 0; i < count; i++) {
    let p = w + (<usize>load<i32>(idx + (<usize>i << 2)) << 2);
    const o = out + (<usize>(i * rows) << 2);
    for (let r = 0; r < rows; r++) {
      store<f32>(o + (<usize>r << 2), load<f32>(p));
      p += stride;
    }
  }
}

// out [cols, rows], w [rows, *] (ldw), bias [rows] or 0: out[c, r] = w[r, c] + bias[r] (a copy without bias).
// Turns the column gather of many tokens into row copies: gather_rows_f32 from out equals gather_cols_f32 from w
// followed by bias_add_f32, bit for bit, and reads each row contiguously instead of one float per cache line.
// Writes run along out's rows (a store stride of a power-of-two row length would fall into a few cache sets), four
// of them at a time.
export function transpose_bias_f32(out: usize, w: usize, bias: usize, rows: i32, cols: i32, ldw: i32): void {
  const stride = <usize>ldw << 2;
  const ro = <usize>rows << 2;
  const r4 = rows & ~3;
  let c = 0;
  // Four columns at a time: 4×4 blocks of w transposed in registers, so each read is 16 bytes of a row.
  for (; c + 4 <= cols; c += 4) {
    const dst = out + <usize>c * ro;
    for (let r = 0; r < r4; r += 4) {
      const src = w + <usize>r * stride + (<usize>c << 2);
      const x0 = v128.load(src);
      const x1 = v128.load(src + stride);
      const x2 = v128.load(src + 2 * stride);
      const x3 = v128.load(src + 3 * stride);
      const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
      const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      let y0 = v128.shuffle<f32>(t0, t2, 0, 1, 4, 5);
      let y1 = v128.shuffle<f32>(t0, t2, 2, 3, 6, 7);
      let y2 = v128.shuffle<f32>(t1, t3, 0, 1, 4, 5);
      let y3 = v128.shuffle<f32>(t1, t3, 2, 3, 6, 7);
      if (bias != 0) {
        // One add per element, as below; without a bias, a copy (adding +0 would turn −0 into +0).
        const b = v128.load(bias + (<usize>r << 2));
        y0 = f32x4.add(y0, b);
        y1 = f32x4.add(y1, b);
        y2 = f32x4.add(y2, b);
        y3 = f32x4.add(y3, b);
      }
      const d = dst + (<usize>r << 2);
      v128.store(d, y0);
      v128.store(d + ro, y1);
      v128.store(d + 2 * ro, y2);
      v128.store(d + 3 * ro, y3);
    }
    for (let q = 0; q < 4; q++) transposeColumn(out, w, bias, rows, c + q, stride, r4);
  }
  for (; c < cols; c++) transposeColumn(out, w, bias, rows, c, stride, 0);
}

// Rows from..rows−1 of column c of transpose_bias_f32, one float at a time.
// @ts-ignore: decorator
@inline function transposeColumn(out: usize, w: usize, bias: usize, rows: i32, c: i32, stride: usize, from: i32): void {
  let src = w + <usize>from * stride + (<usize>c << 2);
  const dst = out + (<usize>(c * rows) << 2);
  for (let r = from; r < rows; r++) {
    const x = load<f32>(src);
    store<f32>(dst + (<usize>r << 2), bias == 0 ? x : x + load<f32>(bias + (<usize>r << 2)));
    src += stride;
  }
}

// w [rows, *] (ldw), src [count, rows]: w[r, idx[i]] += src[i, r]
export function scatter_add_cols_f32(w: usize, src: usize, idx: usize, count: i32, rows: i32, ldw: i32): void {
  const stride = <usize>ldw << 2;
  for (let i = 0; i < count; i++) {
    let p = w + (<usize>load<i32>(idx + (<usize>i << 2)) << 2);
    const s = src + (<usize>(i * rows) << 2);
    for (let r = 0; r < rows; r++) {
      store<f32>(p, load<f32>(p) + load<f32>(s + (<usize>r << 2)));
      p += stride;
    }
  }
}
