// Loss kernels. Row reductions keep four lane sums combined as (l0 + l1) + (l2 + l3) and then add the tail
// in order, exactly like vector.ts, so the TypeScript twin rounds identically.

import { exp1, exp4, log1 } from './math';
import { madd } from './simd';

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// x [n], n ≥ 1. f32x4.max and scalar max propagate NaN and order −0 < +0 (as JS Math.max does), which makes
// the maximum independent of the order it is taken in.
function rowmax(x: usize, n: i32): f32 {
  let m = load<f32>(x);
  let i = 0;
  if (n >= 4) {
    let acc = v128.load(x);
    for (i = 4; i + 4 <= n; i += 4) acc = f32x4.max(acc, v128.load(x + (<usize>i << 2)));
    const m01 = max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1));
    m = max(m01, max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  }
  for (; i < n; i++) m = max(m, load<f32>(x + (<usize>i << 2)));
  return m;
}

// probs, logits [n]: probs = e^(logits − mx) (may alias logits); returns their sum.
function expsum(probs: usize, logits: usize, mx: f32, n: i32): f32 {
  const vm = f32x4.splat(mx);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const e = exp4(f32x4.sub(v128.load(logits + o), vm));
    v128.store(probs + o, e);
    acc = f32x4.add(acc, e);
  }
  let sum = hsum(acc);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const e = exp1(load<f32>(logits + o) - mx);
    store<f32>(probs + o, e);
    sum += e;
  }
  return sum;
}

// probs [n] /= s
function divide(probs: usize, s: f32, n: i32): void {
  const vs = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(probs + o, f32x4.div(v128.load(probs + o), vs));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(probs + o, load<f32>(probs + o) / s);
  }
}

// probs, logits [rows, cols], targets i32 [rows]. The loss of a row is log Σe^(z − max) − (z_t − max):
// no log of a probability, so a vanishing probability still gives a finite loss.
export function softmax_xent_fwd_f32(probs: usize, logits: usize, targets: usize, rows: i32, cols: i32): f32 {
  let loss: f32 = 0;
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(targets + (<usize>r << 2));
    const term = rowXent(probs, logits, r, t, cols);
    if (t >= 0 && t < cols) loss += term;
  }
  return loss;
}

// Row r's probabilities, and its loss log Σe^(z − max) − (z_t − max) (0 for an ignored target).
// @ts-ignore: decorator
@inline function rowXent(probs: usize, logits: usize, r: i32, t: i32, cols: i32): f32 {
  const o = (<usize>r * <usize>cols) << 2;
  const valid = t >= 0 && t < cols;
  const mx = rowmax(logits + o, cols);
  const zt = valid ? load<f32>(logits + o + (<usize>t << 2)) - mx : 0; // before probs overwrite it
  const s = expsum(probs + o, logits + o, mx, cols);
  divide(probs + o, s, cols);
  return valid ? log1(s) - zt : 0;
}

// dlogits, probs [rows, cols], targets i32 [rows]; dlogits may alias probs.
export function softmax_xent_bwd_f32(
  dlogits: usize, probs: usize, targets: usize, rows: i32, cols: i32, scale: f32,
): void {
  const vs = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>cols) << 2;
    const t = load<i32>(targets + (<usize>r << 2));
    if (t < 0 || t >= cols) {
      memory.fill(dlogits + o, 0, <usize>cols << 2);
      continue;
    }
    const pt = load<f32>(probs + o + (<usize>t << 2)); // read before an aliased write
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const oc = o + (<usize>c << 2);
      v128.store(dlogits + oc, f32x4.mul(vs, v128.load(probs + oc)));
    }
    for (; c < cols; c++) {
      const oc = o + (<usize>c << 2);
      store<f32>(dlogits + oc, scale * load<f32>(probs + oc));
    }
    store<f32>(dlogits + o + (<usize>t << 2), scale * (pt - 1));
  }
}

// pred, target [n]
export function mse_fwd_f32(pred: usize, target: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const d = f32x4.sub(v128.load(pred + o), v128.load(target + o));
    acc = madd(d, d, acc);
  }
  let sum = hsum(acc);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = load<f32>(pred + o) - load<f32>(target + o);
    sum += d * d;
  }
  return sum;
}

// dpred, pred, target [n]; dpred = (2·scale)·(pred − target), 2·scale being exact. dpred may alias pred.
export function mse_bwd_f32(dpred: usize, pred: usize, target: usize, n: i32, scale: f32): void {
  const s2: f32 = scale * 2;
  const vs = f32x4.splat(s2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dpred + o, f32x4.mul(vs, f32x4.sub(v128.load(pred + o), v128.load(target + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dpred + o, s2 * (load<f32>(pred + o) - load<f32>(target + o)));
  }
}

// Class-weighted cross-entropy (torch's `weight`): probs, logits [rows, cols], targets i32 [rows] (outside
// [0, cols) = ignored), weights f32 [cols]. Returns Σ over non-ignored rows of w[t]·(−log probs[r, t]).
export function softmax_xent_weighted_fwd_f32(probs: usize, logits: usize, targets: usize, weights: usize, rows: i32, cols: i32): f32 {
  let loss: f32 = 0;
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(targets + (<usize>r << 2));
    const term = rowXent(probs, logits, r, t, cols);
    if (t >= 0 && t < cols) loss += load<f32>(weights + (<usize>t << 2)) * term;
  }
  return loss;
}

// dlogits = (scale·w[t])·(probs − onehot(t)); ignored rows get 0; dlogits may alias probs.
export function softmax_xent_weighted_bwd_f32(
  dlogits: usize, probs: usize, targets: usize, weights: usize, rows: i32, cols: i32, scale: f32,
): void {
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(targets + (<usize>r << 2));
    const rs: f32 = t >= 0 && t < cols ? scale * load<f32>(weights + (<usize>t << 2)) : 0;
    softmax_xent_bwd_f32(dlogits + ((<usize>r * <usize>cols) << 2), probs + ((<usize>r * <usize>cols) << 2), targets + (<usize>r << 2), 1, cols, rs);
  }
}
