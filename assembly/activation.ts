// Fused activations over a buffer of n floats: an f32x4 main loop plus a scalar tail that rounds like a lane.
// Backward kernels take the forward output y, which is what the cell kernels keep. out/dx may alias x/dy:
// every element is read before it is written.

import { sigmoid1, sigmoid4, tanh1, tanh4 } from './math';
import { madd } from './simd';

// out, x [n]
export function sigmoid_f32(out: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, sigmoid4(v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, sigmoid1(load<f32>(x + o)));
  }
}

// out, x [n]
export function tanh_f32(out: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, tanh4(v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, tanh1(load<f32>(x + o)));
  }
}

// out, x [n]; x < 0 ? 0 : x, so a NaN passes through (max(x, 0) semantics differ between ISAs and JS).
export function relu_f32(out: usize, x: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    v128.store(out + o, v128.bitselect(zero, v, f32x4.lt(v, zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(out + o, v < 0 ? 0 : v);
  }
}

// dx, y, dy [n]; dx = dy·(y·(1 − y))
export function sigmoid_bwd_f32(dx: usize, y: usize, dy: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(y + o);
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), f32x4.mul(v, f32x4.sub(one, v))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(y + o);
    store<f32>(dx + o, load<f32>(dy + o) * (v * (1 - v)));
  }
}

// dx, y, dy [n]; dx = dy·(1 − y²), the inner term as (−y)·y + 1 so the relaxed build fuses it.
export function tanh_bwd_f32(dx: usize, y: usize, dy: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(y + o);
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), madd(f32x4.neg(v), v, one)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(y + o);
    store<f32>(dx + o, load<f32>(dy + o) * (-v * v + 1));
  }
}

// dx, y, dy [n]; dx = y > 0 ? dy : 0
export function relu_bwd_f32(dx: usize, y: usize, dy: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, v128.bitselect(v128.load(dy + o), zero, f32x4.gt(v128.load(y + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0);
  }
}
