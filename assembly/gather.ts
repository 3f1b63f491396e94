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
// Writes run along out's rows: a store stride of a power-of-two row length would fall into a few cache sets.
export function transpose_bias_f32(out: usize, w: usize, bias: usize, rows: i32, cols: i32, ldw: i32): void {
  const stride = <usize>ldw << 2;
  for (let c = 0; c < cols; c++) {
    let src = w + (<usize>c << 2);
    const dst = out + (<usize>(c * rows) << 2);
    if (bias == 0) {
      for (let r = 0; r < rows; r++) {
        store<f32>(dst + (<usize>r << 2), load<f32>(src));
        src += stride;
      }
    } else {
      for (let r = 0; r < rows; r++) {
        store<f32>(dst + (<usize>r << 2), load<f32>(src) + load<f32>(bias + (<usize>r << 2)));
        src += stride;
      }
    }
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
