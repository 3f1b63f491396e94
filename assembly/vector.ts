// Vector kernels over f32 buffers: main loop of f32x4 plus an explicit scalar tail.
// Reductions keep four lane sums and combine them as (l0 + l1) + (l2 + l3), then add the tail in order;
// the TypeScript twin does exactly the same so that both round identically.

import { madd } from './simd';

// out [n]
export function fill_f32(out: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), value);
}

// out, x [n]; memory.copy handles overlap, so aliasing is safe.
export function copy_f32(out: usize, x: usize, n: i32): void {
  memory.copy(out, x, <usize>n << 2);
}

// out, x [n]
export function scale_f32(out: usize, x: usize, alpha: f32, n: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(x + o), va));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(x + o) * alpha);
  }
}

// y, x [n]
export function axpy_f32(y: usize, x: usize, alpha: f32, n: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, madd(v128.load(x + o), va, v128.load(y + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(x + o) * alpha + load<f32>(y + o));
  }
}

// out, a, b [n]
export function add_f32(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

// out, a, b [n]
export function mul_f32(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// a, b [n]
export function dot_f32(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    acc = madd(v128.load(a + o), v128.load(b + o), acc);
  }
  let sum = hsum(acc);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    sum += load<f32>(a + o) * load<f32>(b + o);
  }
  return sum;
}

// x [n]
export function sumsq_f32(x: usize, n: i32): f32 {
  return dot_f32(x, x, n);
}

// out [rows, cols] (ld), bias [cols]
export function bias_add_f32(out: usize, bias: usize, rows: i32, cols: i32, ld: i32): void {
  for (let r = 0; r < rows; r++) add_f32(out + (<usize>(r * ld) << 2), out + (<usize>(r * ld) << 2), bias, cols);
}

// x [rows, cols] (ld), out [cols]; rows are added in order, so each column sums sequentially.
export function colsum_f32(out: usize, x: usize, rows: i32, cols: i32, ld: i32, accumulate: i32): void {
  if (!accumulate) fill_f32(out, 0, cols);
  for (let r = 0; r < rows; r++) add_f32(out, out, x + (<usize>(r * ld) << 2), cols);
}

// x [rows, cols] (ld), out [rows]
export function rowsum_f32(out: usize, x: usize, rows: i32, cols: i32, ld: i32, accumulate: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>(r * ld) << 2);
    let acc = f32x4.splat(0);
    let c = 0;
    for (; c + 4 <= cols; c += 4) acc = f32x4.add(acc, v128.load(row + (<usize>c << 2)));
    let sum = hsum(acc);
    for (; c < cols; c++) sum += load<f32>(row + (<usize>c << 2));
    const o = out + (<usize>r << 2);
    store<f32>(o, accumulate ? load<f32>(o) + sum : sum);
  }
}

// Inverted dropout (torch's F.dropout in training): mask[i] = u_i < keep ? scale : 0 and out[i] = x[i]·mask[i],
// u_i the next draw of the sfc32 generator whose 4 × u32 state lives at `state` (advanced in place; the same
// generator as bindings/random.ts, integer operations only, so every engine draws the same mask). keep is
// the threshold (1 − p)·2³², scale 1/(1 − p). out may alias x; backward is mul_f32(dx, dy, mask).
export function dropout_f32(out: usize, x: usize, mask: usize, state: usize, n: i32, keep: u32, scale: f32): void {
  let a = load<u32>(state);
  let b = load<u32>(state, 4);
  let c = load<u32>(state, 8);
  let d = load<u32>(state, 12);
  for (let i = 0; i < n; i++) {
    const t = a + b + d;
    d += 1;
    a = b ^ (b >>> 9);
    b = c + (c << 3);
    c = ((c << 21) | (c >>> 11)) + t;
    const m: f32 = t < keep ? scale : 0;
    const o = <usize>i << 2;
    store<f32>(mask + o, m);
    store<f32>(out + o, load<f32>(x + o) * m);
  }
  store<u32>(state, a);
  store<u32>(state, b, 4);
  store<u32>(state, c, 8);
  store<u32>(state, d, 12);
}
